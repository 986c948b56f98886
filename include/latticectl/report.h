/* report.h: bug-report bodies from a recording (latticectl-report(1)):
 * markdown for a GitHub issue (environment table, findings, a mermaid
 * sequenceDiagram per phase, the timeline in a collapsed <details>) and
 * one self-contained HTML file (inline CSS, no external URL) with the
 * findings and a swimlane timeline: wadm, one lane per host, KV, probe.
 * recs is a cJSON array of records in file order; nothing here does I/O. */
#ifndef LATTICECTL_REPORT_H
#define LATTICECTL_REPORT_H

#include "latticectl/buf.h"

struct cJSON;

void lt_report_markdown(const struct cJSON *recs, const char *source,
    struct lt_buf *out);
void lt_report_html(const struct cJSON *recs, const char *source,
    struct lt_buf *out);

#endif
