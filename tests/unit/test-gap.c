/* test-gap.c: the gap tracker (disconnect/reconnect pairs, client
 * errors, slow-consumer drop counting) and the record and text forms of
 * a gap, hostile details escaped. */
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/gap.h"
#include "latticectl/output.h"
#include "latticectl/util.h"
#include "tap.h"

#define SEC 1000000000LL

static int64_t t0;	/* 2026-11-24T10:00:00Z */

static struct lt_item
item(enum lt_item_kind kind, int64_t t, const char *detail)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.t_ns = t;
	snprintf(it.detail, sizeof(it.detail), "%s", detail);
	return it;
}

static void
test_reconnect(void)
{
	struct lt_gap_tracker t = LT_GAP_TRACKER_INIT;
	struct lt_gap g;
	struct lt_item it;

	memset(&g, 0, sizeof(g));
	it = item(LT_ITEM_DISCONNECTED, t0, "nats://a:4222");
	is_int(lt_gap_on_item(&t, &it, &g), 0, "a disconnect alone is no gap");
	is_int(t.disconnected_at, t0, "its time is remembered");
	it = item(LT_ITEM_DISCONNECTED, t0 + 2 * SEC, "nats://b:4222");
	is_int(lt_gap_on_item(&t, &it, &g), 0, "a second disconnect: no gap");
	is_int(t.disconnected_at, t0, "the first disconnect's time is kept");
	it = item(LT_ITEM_RECONNECTED, t0 + 5 * SEC + SEC / 2, "nats://b:4222");
	is_int(lt_gap_on_item(&t, &it, &g), 1, "the reconnect completes a gap");
	is_str(g.reason, "disconnected", "reason");
	is_int(g.t_ns, t0 + 5 * SEC + SEC / 2, "gap time is the reconnect's");
	is_int(g.duration_ns, 5 * SEC + SEC / 2, "duration from the first "
	    "disconnect");
	is_int(g.dropped, 0, "no drops");
	is_str(g.detail, "nats://b:4222", "detail: the server reconnected to");
	is_int(t.gaps, 1, "one gap counted");
	is_int(t.disconnected_at, 0, "the disconnect is forgotten");

	it = item(LT_ITEM_RECONNECTED, t0 + 9 * SEC, "");
	is_int(lt_gap_on_item(&t, &it, &g), 1, "a reconnect without a "
	    "disconnect seen is still a gap");
	is_int(g.duration_ns, 0, "of unknown (0) duration");
	is_int(t.gaps, 2, "two gaps counted");

	it = item(LT_ITEM_DISCONNECTED, t0 + 10 * SEC, "");
	lt_gap_on_item(&t, &it, &g);
	it = item(LT_ITEM_RECONNECTED, t0 + 10 * SEC + 250000000LL, "x");
	lt_gap_on_item(&t, &it, &g);
	is_int(g.duration_ns, 250000000LL, "a second outage measured afresh");
	is_int(t.gaps, 3, "three gaps counted");
}

static void
test_other_items(void)
{
	static const enum lt_item_kind none[] = { LT_ITEM_MSG, LT_ITEM_SLOW,
		LT_ITEM_CLOSED, LT_ITEM_NUDGE };
	struct lt_gap_tracker t = LT_GAP_TRACKER_INIT;
	struct lt_gap g;
	struct lt_item it;
	char longer[300];
	size_t i;
	int n = 0;

	memset(&g, 0, sizeof(g));
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		it = item(none[i], t0, "x");
		n += lt_gap_on_item(&t, &it, &g);
	}
	ok(n == 0 && t.gaps == 0 && g.reason == NULL,
	    "messages, slow, closed and nudge items are not gaps");
	it = item(LT_ITEM_ERROR, t0 + SEC, "permissions violation");
	is_int(lt_gap_on_item(&t, &it, &g), 1, "a client error is a gap");
	is_str(g.reason, "client-error", "reason client-error");
	is_str(g.detail, "permissions violation", "detail kept");
	ok(g.duration_ns == 0 && g.dropped == 0 && g.t_ns == t0 + SEC,
	    "no duration, no drops, the error's time");
	is_int(t.gaps, 1, "counted");
	/* the detail is bounded: a longer one is cut, terminated */
	memset(longer, 'd', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	is_int(lt_gap_check_dropped(&t, 1, t0, longer, &g), 1, "drop gap");
	is_int(strlen(g.detail), sizeof(g.detail) - 1, "detail cut to fit");
}

static void
test_dropped(void)
{
	struct lt_gap_tracker t = LT_GAP_TRACKER_INIT;
	struct lt_gap g;

	memset(&g, 0, sizeof(g));
	is_int(lt_gap_check_dropped(&t, 0, t0, "watch", &g), 0,
	    "no drops: no gap");
	is_int(lt_gap_check_dropped(&t, 5, t0 + SEC, "watch fell behind", &g),
	    1, "5 drops: a gap");
	is_str(g.reason, "slow-consumer", "reason slow-consumer");
	is_int(g.dropped, 5, "5 dropped");
	is_int(g.t_ns, t0 + SEC, "time given");
	is_str(g.detail, "watch fell behind", "detail names the command");
	is_int(lt_gap_check_dropped(&t, 5, t0 + 2 * SEC, "w", &g), 0,
	    "the same total again: no gap");
	is_int(lt_gap_check_dropped(&t, 12, t0 + 3 * SEC, "w", &g), 1,
	    "the total grew");
	is_int(g.dropped, 7, "only the 7 new drops");
	is_int(lt_gap_check_dropped(&t, 3, t0 + 4 * SEC, "w", &g), 0,
	    "a smaller total is no gap");
	is_int(t.dropped, 12, "the high mark stays");
	is_int(t.gaps, 2, "two drop gaps counted");
}

static void
test_formats(void)
{
	const struct lt_colors *plain = lt_output_colors(false);
	const struct lt_colors *ansi = lt_output_colors(true);
	struct lt_buf b = LT_BUF_INIT;
	struct lt_gap g;

	memset(&g, 0, sizeof(g));
	g.reason = "disconnected";
	g.t_ns = t0 + 5 * SEC + 500000000LL;
	g.duration_ns = 5 * SEC + 500000000LL;
	snprintf(g.detail, sizeof(g.detail), "nats://b:4222");
	lt_gap_format_fields(&g, false, &b);
	is_str(lt_buf_str(&b), "\"reason\":\"disconnected\",\"duration_ms\":"
	    "5500,\"dropped\":0,\"detail\":\"nats://b:4222\"",
	    "record members of a disconnect");
	lt_buf_reset(&b);
	lt_gap_format_text(&g, false, plain, &b);
	is_str(lt_buf_str(&b), "10:00:05.500  -- gap: disconnected for 5.5s "
	    "(nats://b:4222)", "text of a disconnect");
	lt_buf_reset(&b);
	lt_gap_format_text(&g, true, ansi, &b);
	is_str(lt_buf_str(&b), "\033[33m10:00:05.500  -- gap: disconnected for "
	    "5.5s (nats://b:4222); history stream resumes, nothing lost\033[0m",
	    "recovered, in yellow");
	lt_buf_reset(&b);
	lt_gap_format_fields(&g, true, &b);
	ok(strstr(lt_buf_str(&b), ",\"recovered\":true") != NULL &&
	    b.buf[b.len - 1] == 'e', "recovered member last");

	memset(&g, 0, sizeof(g));
	g.reason = "slow-consumer";
	g.t_ns = t0 + 61 * SEC;
	g.dropped = 42;
	snprintf(g.detail, sizeof(g.detail), "evil\x1b[2J\"q\"\n");
	lt_buf_reset(&b);
	lt_gap_format_fields(&g, false, &b);
	is_str(lt_buf_str(&b), "\"reason\":\"slow-consumer\",\"duration_ms\":0,"
	    "\"dropped\":42,\"detail\":\"evil\\u001b[2J\\\"q\\\"\\n\"",
	    "a hostile detail is a valid JSON string");
	lt_buf_reset(&b);
	lt_gap_format_text(&g, false, plain, &b);
	is_str(lt_buf_str(&b), "10:01:01.000  -- gap: slow-consumer, 42 "
	    "messages dropped (evil\\x1b[2J\"q\"\\n)",
	    "no duration; drops; the detail escaped for a terminal");

	memset(&g, 0, sizeof(g));
	g.reason = "client-error";
	g.t_ns = t0;
	lt_buf_reset(&b);
	lt_gap_format_text(&g, false, plain, &b);
	is_str(lt_buf_str(&b), "10:00:00.000  -- gap: client-error",
	    "nothing but the reason when that is all there is");
	lt_buf_release(&b);
}

int
main(void)
{
	lt_time_set_local(false);
	if (lt_time_parse("2026-11-24T10:00:00Z", &t0) < 0)
		return 1;
	test_reconnect();
	test_other_items();
	test_dropped();
	test_formats();
	done_testing();
}
