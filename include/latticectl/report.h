/* report.h: bug-report bodies from a recording (latticectl-report(1)).
 * markdown for a GitHub issue: environment, findings, counts, mermaid
 * sequence diagrams and the timeline, always within LT_REPORT_MD_MAX
 * characters (a timeline that does not fit goes to a file of its own);
 * HTML: one self-contained file with the findings, an SVG sequence
 * diagram (a lane per participant) and a collapsed detail table.
 * Both read the recording in two passes through src (first the counts,
 * lanes, findings and their evidence, then the output), so memory stays
 * bounded whatever the recording's size; they write to FILEs the caller
 * opened and do no other I/O. */
#ifndef LATTICECTL_REPORT_H
#define LATTICECTL_REPORT_H

#include <stdio.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"

struct cJSON;

/* The most characters (bytes, which are at least as many) a markdown
 * report holds: a GitHub issue body's limit. */
#define LT_REPORT_MD_MAX 65536
/* The HTML report draws every record up to this many; above, a window
 * around each finding's evidence, and says so. */
#define LT_REPORT_HTML_MAX 10000

/* The recording, read from the start by every pass. next: 1 with *rec
 * (the caller of next deletes it), 0 at the end, -1 with err set. */
struct lt_report_src {
	int (*rewind)(void *ctx, struct lt_error *err);
	int (*next)(void *ctx, struct cJSON **rec, struct lt_error *err);
	void *ctx;
};

/* Where a report goes: fp, and for markdown a file for the timeline,
 * opened only when the timeline does not fit in the report: returns it
 * with the name the report quotes, or NULL with err set, or NULL with err
 * untouched when there is no place for one (a report on standard output):
 * the report then says how to get the timeline. */
struct lt_report_out {
	FILE *fp;
	FILE *(*open_timeline)(void *ctx, const char **name,
	    struct lt_error *err);
	void *ctx;
};

/* 0, or -1 with err from src or open_timeline. Write errors stay in the
 * FILEs (ferror) for the caller's close to report. */
int lt_report_markdown(const struct lt_report_src *src, const char *source,
    const struct lt_report_out *out, struct lt_error *err);
int lt_report_html(const struct lt_report_src *src, const char *source,
    const struct lt_report_out *out, struct lt_error *err);

/* A source over the records of a cJSON array (fuzzing, tests). */
struct lt_report_array {
	const struct cJSON *recs, *at;
};
void lt_report_src_array(struct lt_report_src *src,
    struct lt_report_array *it, const struct cJSON *recs);

#endif
