/* report-priv.h: what the markdown (report-md.c) and HTML (report-html.c)
 * renderers share (report.c): the first pass over a recording, which
 * learns the lanes, counts, findings and their evidence, and the lane and
 * label of one record. Internal to the library. */
#ifndef LATTICECTL_REPORT_PRIV_H
#define LATTICECTL_REPORT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/report.h"

#define RS_MAX_LANES 32
#define RS_MAX_NAMES 48		/* phases, kinds, event types by name */
#define RS_MAX_FINDINGS 256	/* kept for rendering; more are counted */
#define RS_MAX_SNAPSHOTS 32
#define RS_MAX_HOSTS 64

struct rs_counts {
	char name[RS_MAX_NAMES][64];
	uint64_t n[RS_MAX_NAMES];
	int len;
	uint64_t other;		/* names beyond RS_MAX_NAMES */
};

struct rs_pair;

struct rs_evidence {
	uint64_t seq;
	int finding;		/* index in findings */
};

struct rscan {
	char lane[RS_MAX_LANES][64];	/* "wadm", "host NCTZ3B57", "kv", ... */
	int nlanes, nhosts;
	struct rs_pair *pairs;		/* pair -> host lane, sent by us */
	size_t npairs, pairs_cap;
	struct cJSON *meta;		/* the first meta record, or NULL */
	bool complete, self, client;	/* end seen; latticectl, another
					 * wadm client in the diagrams */
	uint64_t nrecs, drawable;	/* records; those with a lane */
	int64_t first_t, last_t;	/* earliest and latest, ns */
	char first_text[64], last_text[64];	/* the first and last
					 * records' "t" as written */
	struct cJSON *findings;		/* the first RS_MAX_FINDINGS */
	uint64_t nfindings;
	struct rs_evidence *ev;		/* sorted by seq */
	size_t nev;
	struct rs_counts kinds, phases, types, lanes;	/* records by
					 * kind, phase, event type, lane */
	struct cJSON *hosts;		/* [[id, name, version]] inventories */
	struct cJSON *snaps, *snap_phases;	/* snapshots, their phases */
};

/* Pass one over src. */
int rs_scan(struct rscan *s, const struct lt_report_src *src,
    struct lt_error *err);
void rs_release(struct rscan *s);

/* Pass two: fn for every record, in order; nonzero from fn stops. */
int rs_each(const struct lt_report_src *src,
    int (*fn)(void *ctx, const struct cJSON *rec), void *ctx,
    struct lt_error *err);

const char *rs_str(const struct cJSON *o, const char *key, const char *def);
uint64_t rs_seq(const struct cJSON *rec);
/* An evidence item's seq as written, or "?" when it is no number. */
const char *rs_seq_text(const struct cJSON *v, char *buf, size_t size);
/* Is rec's kind one that spans all lanes (phase, finding, gap, meta, end)? */
bool rs_spanning(const char *kind);
/* rec's lane index, -1 for a record spanning all lanes. */
int rs_lane(const struct rscan *s, const struct cJSON *rec);
/* Did latticectl send the request of rec's pair? */
bool rs_mine(const struct rscan *s, const struct cJSON *rec);
/* The findings (indexes, at most max) with evidence within ctx seqs of
 * seq; returns how many. */
int rs_near(const struct rscan *s, uint64_t seq, uint64_t ctx, int *out,
    int max);
/* A short label for a record, escaped for a terminal (text.h). */
void rs_label(const struct cJSON *rec, struct lt_buf *out);
/* Write b to fp and empty it once it holds more than min bytes. */
void rs_flush(struct lt_buf *b, FILE *fp, size_t min);

#endif
