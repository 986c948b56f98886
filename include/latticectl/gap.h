/* gap.h: turning a feed's connection items into gap records
 * (docs/architecture.md, Data path: "gaps are never silent"): a
 * disconnect followed by a reconnect is one gap with its duration;
 * slow-consumer drops are a gap with the number of messages lost. Shared
 * by the streaming commands (watch's rendering, reusable by sub and
 * replay). Nothing here prints. */
#ifndef LATTICECTL_GAP_H
#define LATTICECTL_GAP_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/feed.h"
#include "latticectl/output.h"

struct lt_gap {
	const char *reason;	/* "disconnected", "slow-consumer",
				 * "client-error" */
	int64_t t_ns;		/* wall time it was noticed */
	int64_t duration_ns;	/* disconnected: how long; else 0 */
	int64_t dropped;	/* slow-consumer: messages lost; else 0 */
	char detail[160];	/* server URL or explanation */
};

/* Per-command state. Zero-initialise (LT_GAP_TRACKER_INIT). */
struct lt_gap_tracker {
	int64_t disconnected_at;
	int64_t dropped;	/* total drops reported so far */
	uint64_t gaps;
};

#define LT_GAP_TRACKER_INIT { 0, 0, 0 }

/* Feed a non-message item. Returns 1 with *gap filled when the item
 * completes a gap (a reconnect) or is one (an asynchronous client error,
 * which may have stopped delivery), else 0 (a disconnect is remembered
 * until its reconnect). */
int lt_gap_on_item(struct lt_gap_tracker *t, const struct lt_item *it,
    struct lt_gap *gap);
/* total_dropped is the sum of lt_sub_dropped over the command's
 * subscriptions. Returns 1 with *gap filled when it grew since the last
 * call. what names the command ("watch fell behind; ..."). */
int lt_gap_check_dropped(struct lt_gap_tracker *t, int64_t total_dropped,
    int64_t t_ns, const char *what, struct lt_gap *gap);

/* Append the gap record's members (no braces) to b: reason, duration_ms,
 * dropped, detail, and "recovered":true when recovered. */
void lt_gap_format_fields(const struct lt_gap *g, bool recovered,
    struct lt_buf *b);
/* Append the text line: "HH:MM:SS.mmm  -- gap: REASON for DUR, N messages
 * dropped (DETAIL)" in yellow; recovered adds that the history stream
 * resumes. */
void lt_gap_format_text(const struct lt_gap *g, bool recovered,
    const struct lt_colors *col, struct lt_buf *line);

#endif
