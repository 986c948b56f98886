/* gap.c: gap detection from connection items and its record/text forms. */
#include <stdio.h>
#include <string.h>

#include "latticectl/gap.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

static void
gap_fill(struct lt_gap *g, const char *reason, int64_t t, int64_t dur,
    int64_t dropped, const char *detail)
{
	memset(g, 0, sizeof(*g));
	g->reason = reason;
	g->t_ns = t;
	g->duration_ns = dur;
	g->dropped = dropped;
	snprintf(g->detail, sizeof(g->detail), "%s", detail ? detail : "");
}

int
lt_gap_on_item(struct lt_gap_tracker *t, const struct lt_item *it,
    struct lt_gap *gap)
{
	switch (it->kind) {
	case LT_ITEM_DISCONNECTED:
		if (t->disconnected_at == 0)
			t->disconnected_at = it->t_ns;
		return 0;
	case LT_ITEM_RECONNECTED:
		gap_fill(gap, "disconnected", it->t_ns, t->disconnected_at ?
		    it->t_ns - t->disconnected_at : 0, 0, it->detail);
		t->disconnected_at = 0;
		t->gaps++;
		return 1;
	case LT_ITEM_ERROR:
		gap_fill(gap, "client-error", it->t_ns, 0, 0, it->detail);
		t->gaps++;
		return 1;
	default:
		return 0;
	}
}

int
lt_gap_check_dropped(struct lt_gap_tracker *t, int64_t total_dropped,
    int64_t t_ns, const char *what, struct lt_gap *gap)
{
	int64_t delta = total_dropped - t->dropped;

	if (delta <= 0)
		return 0;
	t->dropped = total_dropped;
	t->gaps++;
	gap_fill(gap, "slow-consumer", t_ns, 0, delta, what);
	return 1;
}

void
lt_gap_format_fields(const struct lt_gap *g, bool recovered, struct lt_buf *b)
{
	lt_buf_addf(b, "\"reason\":\"%s\",\"duration_ms\":%lld,"
	    "\"dropped\":%lld,\"detail\":", g->reason,
	    (long long)(g->duration_ns / 1000000), (long long)g->dropped);
	lt_buf_add_json_str(b, g->detail, strlen(g->detail));
	if (recovered)
		lt_buf_adds(b, ",\"recovered\":true");
}

void
lt_gap_format_text(const struct lt_gap *g, bool recovered,
    const struct lt_colors *col, struct lt_buf *line)
{
	char d[32], t[16];

	lt_duration_format(g->duration_ns, d, sizeof(d));
	lt_time_format_short(g->t_ns, t, sizeof(t));
	lt_buf_addf(line, "%s%s  -- gap: ", col->yellow, t);
	lt_buf_add_texts(line, g->reason);
	if (g->duration_ns > 0)
		lt_buf_addf(line, " for %s", d);
	if (g->dropped > 0)
		lt_buf_addf(line, ", %lld messages dropped", (long long)g->dropped);
	if (g->detail[0]) {
		lt_buf_adds(line, " (");
		lt_buf_add_texts(line, g->detail);
		lt_buf_addch(line, ')');
	}
	if (recovered)
		lt_buf_adds(line, "; history stream resumes, nothing lost");
	lt_buf_adds(line, col->reset);
}
