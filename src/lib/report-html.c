/* report-html.c: the HTML report (report.h): one self-contained file, no
 * network, readable without JavaScript. An SVG sequence diagram has a lane
 * per participant (latticectl, another wadm client, wadm, each host,
 * "hosts", kv, probe): requests and replies are arrows between lanes (the
 * reply's latency on it), events and other records are marks on their
 * lane, phases are bands, findings are marks linked to their evidence,
 * which is highlighted. Each mark has a <title> (hover) and links to its
 * row in the collapsed detail table; a little script adds zoom, filters
 * by lane and kind, and shows the whole record (embedded as JSON) on a
 * click. Above LT_REPORT_HTML_MAX records only a window around the
 * findings is drawn, and the page says so.
 *
 * All text is hostile: HTML text and attributes get entities (U+2028
 * and U+2029 too, so no raw one is anywhere in the page), the
 * embedded JSON has <, >, & and U+2028/U+2029 as \u escapes, so nothing
 * can end the <script> element or the string it is in. */
#include <cjson/cJSON.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "report-priv.h"
#include "banned.h"

#define ROW 20			/* px per record */
#define GUTTER 160		/* seq and time */
#define COL 160			/* px per participant */
#define LABEL_MAX 48		/* bytes of a label drawn */
#define TITLE_MAX 600		/* bytes of a label in a <title> */
#define JSON_MAX 4096		/* bytes of a record embedded whole */
#define CELL_MAX 1000		/* bytes of a record's line in the table */
#define HEAD_ROWS 200		/* window mode: the first records */
#define CONTEXT 20		/* window mode: records around evidence */
#define CHUNK_ROWS 250		/* rows per <svg>: off-screen ones are
				 * skipped by the browser (content-visibility) */

enum { P_SELF = -3, P_CLIENT = -2 };

struct html {
	const struct rscan *s;
	struct lt_buf svg, back, out;	/* the open chunk's marks and bands;
					 * finished chunks */
	struct lt_buf table, json;
	FILE *fp;
	bool all;			/* every record drawn */
	int nparts, self, client;	/* participant columns */
	uint64_t rows, skipped, drawn;	/* rows drawn, records not drawn */
	uint64_t chunk_row;		/* the open chunk's first row */
	uint64_t phase_row;
	bool in_phase;
};

/* ---- escaping ---- */

/* s (untrusted) as HTML text or attribute value: escaped for a terminal
 * first (no control character), then <, >, &, " and ' as entities. */
static void
html_esc(struct lt_buf *out, const char *s)
{
	struct lt_buf t = LT_BUF_INIT;
	size_t i;

	lt_buf_add_texts(&t, s);
	for (i = 0; i < t.len; i++) {
		char c = t.buf[i];

		if (c == '<')
			lt_buf_adds(out, "&lt;");
		else if (c == '>')
			lt_buf_adds(out, "&gt;");
		else if (c == '&')
			lt_buf_adds(out, "&amp;");
		else if (c == '"')
			lt_buf_adds(out, "&quot;");
		else if (c == '\'')
			lt_buf_adds(out, "&#39;");
		else if (c == '\xe2' && i + 2 < t.len && t.buf[i + 1] == '\x80' &&
		    (t.buf[i + 2] == '\xa8' || t.buf[i + 2] == '\xa9')) {
			lt_buf_addf(out, "&#x%x;", t.buf[i + 2] == '\xa8' ?
			    0x2028 : 0x2029);	/* line ends to JavaScript */
			i += 2;
		} else
			lt_buf_addch(out, c);
	}
	lt_buf_release(&t);
}

/* html_esc of at most max bytes of s, "..." when cut. */
static void
html_esc_cut(struct lt_buf *out, const char *s, size_t max)
{
	struct lt_buf t = LT_BUF_INIT;
	size_t len = strlen(s), n = lt_utf8_cut(s, len, max);

	lt_buf_add(&t, s, n);
	lt_buf_adds(&t, n < len ? "..." : "");
	html_esc(out, lt_buf_str(&t));
	lt_buf_release(&t);
}

/* JSON text for inside a <script> element: no '<' (no "</script>" nor
 * "<!--"), '>' or '&', and U+2028/U+2029 (line ends to older JavaScript)
 * as \u escapes, which are only ever inside strings. */
static void
json_embed(struct lt_buf *out, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '<' || c == '>' || c == '&')
			lt_buf_addf(out, "\\u%04x", c);
		else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] ==
		    0x80 && ((unsigned char)s[i + 2] & 0xfe) == 0xa8) {
			lt_buf_addf(out, "\\u%04x", 0x2028 +
			    ((unsigned char)s[i + 2] & 1));
			i += 2;
		} else {
			lt_buf_addch(out, (char)c);
		}
	}
}

/* ---- the page ---- */

static const char html_style[] =
    ":root{--bg:#fff;--fg:#1b1b1b;--dim:#777;--line:#c8c8c8;--band:#e6e6ff;"
    "--req:#1f4f8f;--rep:#3b7a2a;--mark:#2c6bd6;--err:#c00;--warn:#b86e00;"
    "--gap:#f3d9b0;--panel:#f4f4f4}\n"
    "@media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e2e2e2;"
    "--dim:#999;--line:#454a52;--band:#262a48;--req:#8fb6f0;--rep:#9bd98a;"
    "--mark:#6fa3ff;--err:#ff6b6b;--warn:#ffb347;--gap:#5a4620;"
    "--panel:#22252a}}\n"
    "body{font-family:sans-serif;margin:1em;background:var(--bg);"
    "color:var(--fg)}\na{color:var(--mark)}\n"
    "li.error{color:var(--err)}li.warning{color:var(--warn)}\n"
    ".wrap{overflow:auto;max-height:85vh;border:1px solid var(--line)}\n"
    "svg.tl{display:block}\n.chunk{content-visibility:auto}\n"
    "svg.head{position:sticky;top:0;background:var(--bg);z-index:1}\nsvg.tl text{fill:var(--fg);"
    "font:11px monospace}\nsvg.tl text.dim{fill:var(--dim)}\n"
    "svg.tl .life{stroke:var(--line);stroke-dasharray:4 3}\n"
    "svg.tl .req line{stroke:var(--req)}svg.tl .rep line{stroke:var(--rep);"
    "stroke-dasharray:5 3}\nsvg.tl line{stroke-width:1.5}\n"
    "svg.tl circle{fill:var(--mark)}#ah path{fill:var(--dim)}\nsvg.tl .band{fill:var(--band);"
    "opacity:.45;pointer-events:none}\nsvg.tl .gap rect{fill:var(--gap)}\n"
    "svg.tl .finding path{fill:var(--err)}svg.tl .ev circle,"
    "svg.tl .ev line{stroke:var(--err);stroke-width:3}\n"
    "svg.tl a.m:hover text,svg.tl a.sel text{font-weight:bold}\n"
    "#detail{position:sticky;bottom:0;max-height:40vh;overflow:auto;"
    "background:var(--panel);margin:0;padding:.5em;white-space:pre-wrap}\n"
    "#controls label{margin-right:.8em;white-space:nowrap}\n"
    "table.lanes{border-collapse:collapse;font-size:12px}\n"
    "table.lanes td,table.lanes th{border:1px solid var(--line);"
    "padding:2px 4px;vertical-align:top}\n"
    "tr.phase td{background:var(--band);font-weight:bold}\n"
    "td.t{font-family:monospace;white-space:nowrap}\n"
    "table.counts td{padding:0 .6em 0 0;vertical-align:top}\n";

/* Zoom, filters and the record panel; nothing else needs it. */
/* Zoom, filters and the record panel; nothing else needs it. The
 * records are parsed on the first click, not while the page opens. */
static const char html_script[] =
    "(function(){var d=document,tl=d.getElementById('tl'),k=1,recs=null,"
    "pre=d.getElementById('detail'),c=d.getElementById('controls');\n"
    "c.hidden=false;\n"
    "function zoom(f){k=Math.min(4,Math.max(0.1,k*f));tl.style.zoom=k;}\n"
    "d.getElementById('zin').onclick=function(){zoom(1.25)};\n"
    "d.getElementById('zout').onclick=function(){zoom(0.8)};\n"
    "c.addEventListener('change',function(e){var t=e.target;"
    "if(t.dataset.hide)tl.classList.toggle(t.dataset.hide,!t.checked);});\n"
    "tl.addEventListener('click',function(e){var a=e.target.closest("
    "'a.m');if(!a)return;e.preventDefault();"
    "if(!recs)recs=JSON.parse(d.getElementById('recs').textContent);"
    "var o=d.querySelector('a.sel');if(o)o.classList.remove('sel');"
    "a.classList.add('sel');var r=recs[a.dataset.seq];"
    "pre.hidden=false;pre.textContent=typeof r==='string'?r:"
    "JSON.stringify(r,null,2);});\n"
    "})();\n";

static void
participant_name(const struct html *h, int i, const char **name)
{
	if (i == h->self)
		*name = "latticectl";
	else if (i == h->client)
		*name = "another wadm client";
	else
		*name = h->s->lane[i - (h->self >= 0) - (h->client >= 0)];
}

/* The column of lane index lane, or of P_SELF, P_CLIENT. */
static int
column(const struct html *h, int lane)
{
	if (lane == P_SELF)
		return h->self;
	if (lane == P_CLIENT)
		return h->client;
	return lane + (h->self >= 0) + (h->client >= 0);
}

static int
xof(int col)
{
	return GUTTER + col * COL + COL / 2;
}

static int
kind_index(const struct rscan *s, const char *kind)
{
	int i;

	for (i = 0; i < s->kinds.len; i++)
		if (!strcmp(s->kinds.name[i], kind))
			return i;
	return s->kinds.len;
}

static void
lane_names(struct html *h, int y, const char *cls)
{
	const char *name;
	int i;

	for (i = 0; i < h->nparts; i++) {
		participant_name(h, i, &name);
		lt_buf_addf(&h->svg, "<text class=\"%s\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">", cls, xof(i), y);
		html_esc_cut(&h->svg, name, 24);
		lt_buf_adds(&h->svg, "</text>");
	}
	lt_buf_adds(&h->svg, "\n");
}

/* The middle of row in its chunk. */
static int
ypos(const struct html *h, uint64_t row)
{
	return (int)(row - h->chunk_row) * ROW + ROW / 2;
}

/* ---- one record ---- */

/* Is rec drawn? All of them in a small recording; else the first ones,
 * phases, findings, gaps and the records around evidence, up to
 * LT_REPORT_HTML_MAX. */
static bool
drawn(const struct html *h, const cJSON *rec, const char *kind)
{
	int f;

	if (h->all)
		return true;
	if (h->drawn >= LT_REPORT_HTML_MAX)
		return false;
	return h->rows < HEAD_ROWS || !strcmp(kind, "phase") ||
	    !strcmp(kind, "finding") || !strcmp(kind, "gap") ||
	    rs_near(h->s, rs_seq(rec), CONTEXT, &f, 1) > 0;
}

static void
phase_end(struct html *h)
{
	if (!h->in_phase)
		return;
	if (h->rows > h->phase_row)
		lt_buf_addf(&h->back, "<rect class=\"band\" x=\"0\" y=\"%d\" "
		    "width=\"%d\" height=\"%d\"/>\n", ypos(h, h->phase_row) -
		    ROW / 2, GUTTER + h->nparts * COL, (int)(h->rows -
		    h->phase_row) * ROW);
	h->in_phase = false;
}

/* from and to: participant columns of an arrow (from == to: a mark). */
static void
shape(struct html *h, const cJSON *rec, const char *kind, int lane,
    int *from, int *to)
{
	bool mine = rs_mine(h->s, rec);
	int caller = mine ? P_SELF : 0;	/* wadm's lane is 0 */

	*from = *to = column(h, lane);
	if (!strcmp(kind, "ctl.request"))
		*from = column(h, caller);
	else if (!strcmp(kind, "ctl.reply"))
		*to = column(h, caller);
	else if (!strcmp(kind, "wadm.request"))
		*from = column(h, mine ? P_SELF : P_CLIENT);
	else if (!strcmp(kind, "wadm.reply"))
		*to = column(h, mine ? P_SELF : P_CLIENT);
	else if (!strcmp(kind, "snapshot"))
		*from = column(h, P_SELF);
	else if (!strcmp(kind, "kv"))
		*from = column(h, 0);
	if (*from < 0)
		*from = *to;
	if (*to < 0)
		*to = *from;
}

/* The label, after a reply's latency. */
static void
mark_label(const cJSON *rec, struct lt_buf *l)
{
	char buf[64];

	double ms = lt_json_num(rec, "latency_ms", -1);

	if (ms >= 0 && ms < 1e9)	/* else as written (1e999) */
		lt_buf_addf(l, "%.1f ms: ", ms);
	else if (cJSON_GetObjectItemCaseSensitive(rec, "latency_ms"))
		lt_buf_addf(l, "%s ms: ", lt_json_num_text(rec, "latency_ms",
		    "?", buf, sizeof(buf)));
	rs_label(rec, l);
}

/* The text of a record that spans the lanes, as the timeline has it
 * without its time and "-- ". */
static void
spanning_label(const cJSON *rec, const char *kind, struct lt_buf *l)
{
	struct lt_buf t = LT_BUF_INIT;
	const char *s;

	lt_timeline_other(rec, kind, lt_output_colors(false), &t);
	s = strstr(lt_buf_str(&t), "-- ");
	lt_buf_adds(l, s ? s + 3 : lt_buf_str(&t));
	lt_buf_release(&t);
}

static void
mark(struct html *h, const cJSON *rec, const char *kind, int lane,
    const char *seq, int y)
{
	struct lt_buf l = LT_BUF_INIT;
	int from, to, f, x;
	bool ev = rs_near(h->s, rs_seq(rec), 0, &f, 1) > 0;
	bool rep = strstr(kind, ".reply") != NULL;

	shape(h, rec, kind, lane, &from, &to);
	mark_label(rec, &l);
	lt_buf_addf(&h->svg, "<a class=\"m l%d k%d%s%s\" href=\"#r%s\" id=\"m%s\" "
	    "data-seq=\"%s\" data-lane=\"", lane, kind_index(h->s, kind),
	    ev ? " ev" : "", from != to ? rep ? " rep" : " req" : "", seq, seq,
	    seq);
	html_esc(&h->svg, h->s->lane[lane]);
	lt_buf_adds(&h->svg, "\" data-kind=\"");
	html_esc(&h->svg, kind);
	lt_buf_addf(&h->svg, "\"><title>#%s ", seq);
	html_esc_cut(&h->svg, lt_buf_str(&l), TITLE_MAX);
	lt_buf_adds(&h->svg, "</title>");
	if (from != to) {
		int dir = to > from ? -1 : 1;

		lt_buf_addf(&h->svg, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		    "y2=\"%d\" marker-end=\"url(#ah)\"/>", xof(from), y,
		    xof(to) + dir * 4, y);
		x = (from < to ? xof(from) : xof(to)) + 6;
	} else {
		lt_buf_addf(&h->svg, "<circle cx=\"%d\" cy=\"%d\" r=\"5\"/>",
		    xof(from), y);
		x = xof(from) + 9;
	}
	lt_buf_addf(&h->svg, "<text x=\"%d\" y=\"%d\">", x, y - 3);
	html_esc_cut(&h->svg, lt_buf_str(&l), LABEL_MAX);
	lt_buf_adds(&h->svg, "</text></a>\n");
	lt_buf_release(&l);
}

/* A record that spans the lanes: a phase (its band starts), a finding (a
 * mark linked to its first evidence) or a gap. */
static void
spanning(struct html *h, const cJSON *rec, const char *kind,
    const char *seq, int y)
{
	struct lt_buf l = LT_BUF_INIT;
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
	    rec, "evidence"), 0);
	char buf[64];

	if (!strcmp(kind, "phase")) {
		phase_end(h);
		h->in_phase = true;
		h->phase_row = h->rows;
	}
	spanning_label(rec, kind, &l);
	lt_buf_addf(&h->svg, "<a class=\"m s %s k%d\" id=\"m%s\" data-seq=\"%s\" "
	    "data-kind=\"%s\" href=\"#", kind, kind_index(h->s, kind), seq,
	    seq, kind);
	if (e)
		lt_buf_addf(&h->svg, "m%s", rs_seq_text(e, buf, sizeof(buf)));
	else
		lt_buf_addf(&h->svg, "r%s", seq);
	lt_buf_addf(&h->svg, "\"><title>#%s ", seq);
	html_esc_cut(&h->svg, lt_buf_str(&l), TITLE_MAX);
	lt_buf_adds(&h->svg, "</title>");
	if (!strcmp(kind, "finding"))
		lt_buf_addf(&h->svg, "<path d=\"M%d %dl6 6l-6 6l-6 -6z\"/>",
		    GUTTER + 8, y - 6);
	else if (!strcmp(kind, "gap"))
		lt_buf_addf(&h->svg, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\"/>", GUTTER, y - ROW / 2, h->nparts * COL, ROW);
	lt_buf_addf(&h->svg, "<text x=\"%d\" y=\"%d\">", GUTTER + 20, y + 4);
	html_esc_cut(&h->svg, lt_buf_str(&l), 160);
	lt_buf_adds(&h->svg, "</text></a>\n");
	lt_buf_release(&l);
}

/* The detail table's row (as before: a cell per lane). */
static void
table_row(struct html *h, const cJSON *rec, const char *kind, int lane,
    const char *seq, const char *t)
{
	struct lt_buf l = LT_BUF_INIT;
	int i;

	if (lane < 0)
		lt_timeline_other(rec, kind, lt_output_colors(false), &l);
	else
		rs_label(rec, &l);
	lt_buf_addf(&h->table, "<tr id=\"r%s\" class=\"%s\"><td class=\"t\">#%s "
	    "%s</td>", seq, kind, seq, t);
	if (lane < 0) {
		lt_buf_addf(&h->table, "<td colspan=\"%d\">", h->s->nlanes);
		html_esc_cut(&h->table, lt_buf_str(&l), CELL_MAX);
		lt_buf_adds(&h->table, "</td>");
	}
	for (i = 0; lane >= 0 && i < h->s->nlanes; i++) {
		lt_buf_adds(&h->table, "<td>");
		if (i == lane)
			html_esc_cut(&h->table, lt_buf_str(&l), CELL_MAX);
		lt_buf_adds(&h->table, "</td>");
	}
	lt_buf_adds(&h->table, "</tr>\n");
	lt_buf_release(&l);
}

/* The record for the panel: whole up to JSON_MAX bytes, else the start of
 * its text as a string. */
static void
json_row(struct html *h, const cJSON *rec, const char *seq)
{
	struct lt_buf j = LT_BUF_INIT, cut = LT_BUF_INIT;

	lt_json_print(rec, false, &j);
	lt_buf_addf(&h->json, "%s\"%s\":", h->json.len > 1 ? ",\n" : "", seq);
	if (j.len <= JSON_MAX) {
		json_embed(&h->json, lt_buf_str(&j), j.len);
	} else {
		lt_buf_add(&cut, j.buf, lt_utf8_cut(j.buf, j.len, JSON_MAX));
		lt_buf_addf(&cut, "... (%zu bytes; latticectl show has it all)",
		    j.len);
		lt_buf_reset(&j);
		lt_buf_add_json_str(&j, cut.buf, cut.len);
		json_embed(&h->json, j.buf, j.len);
	}
	lt_buf_release(&j);
	lt_buf_release(&cut);
}

static void chunk_close(struct html *h);

static int
html_record(void *ctx, const cJSON *rec)
{
	struct html *h = ctx;
	const char *kind = rs_str(rec, "kind", "");
	char buf[64], t[32];
	const char *seq = lt_json_num_text(rec, "seq", "0", buf, sizeof(buf));
	int lane, y;

	if (!strcmp(kind, "meta") || !strcmp(kind, "end") ||
	    !lt_timeline_known_kind(kind))
		return 0;
	if (!drawn(h, rec, kind)) {
		h->skipped++;
		return 0;
	}
	if (h->skipped) {
		lt_buf_addf(&h->svg, "<text class=\"dim\" x=\"%d\" y=\"%d\">... "
		    "%llu records not drawn</text>\n", GUTTER + 20,
		    ypos(h, h->rows) + 4, (unsigned long long)h->skipped);
		h->skipped = 0;
		h->rows++;
	}
	y = ypos(h, h->rows);
	lane = rs_lane(h->s, rec);
	lt_time_format_short(lt_timeline_time(rec), t, sizeof(t));
	lt_buf_addf(&h->svg, "<text class=\"dim\" x=\"4\" y=\"%d\">#%s %s"
	    "</text>", y + 4, seq, t);
	if (lane < 0)
		spanning(h, rec, kind, seq, y);
	else
		mark(h, rec, kind, lane, seq, y);
	table_row(h, rec, kind, lane, seq, t);
	json_row(h, rec, seq);
	h->rows++;
	h->drawn++;
	if (h->rows - h->chunk_row >= CHUNK_ROWS)
		chunk_close(h);
	return 0;
}

/* ---- around the diagram ---- */

static void
html_findings(const struct rscan *s, struct lt_buf *out)
{
	const cJSON *rec, *e;
	char seq[64];

	lt_buf_adds(out, "<h2>Findings</h2>\n<ul id=\"findings\">\n");
	cJSON_ArrayForEach(rec, s->findings) {
		lt_buf_adds(out, "<li class=\"");
		html_esc(out, rs_str(rec, "severity", "warning"));
		lt_buf_adds(out, "\" data-id=\"");
		html_esc(out, rs_str(rec, "id", "?"));
		lt_buf_adds(out, "\"><b>");
		html_esc(out, rs_str(rec, "id", "?"));
		lt_buf_adds(out, "</b>: ");
		html_esc(out, rs_str(rec, "title", ""));
		lt_buf_adds(out, " (evidence:");
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rec,
		    "evidence")) {
			const char *t = rs_seq_text(e, seq, sizeof(seq));

			lt_buf_addf(out, " <a href=\"#m%s\">#%s</a>", t, t);
		}
		lt_buf_adds(out, ")<br>next: ");
		html_esc(out, rs_str(rec, "next", "-"));
		lt_buf_adds(out, "</li>\n");
	}
	if (!s->nfindings)
		lt_buf_adds(out, "<li>No findings.</li>\n");
	else if (s->nfindings > RS_MAX_FINDINGS)
		lt_buf_addf(out, "<li>%llu more findings are in the recording "
		    "(latticectl show lists them).</li>\n",
		    (unsigned long long)(s->nfindings - RS_MAX_FINDINGS));
	lt_buf_adds(out, "</ul>\n");
}

static void
html_counts_row(const char *what, const struct rs_counts *c,
    struct lt_buf *out)
{
	int i;

	lt_buf_addf(out, "<tr><td>%s</td><td>", what);
	for (i = 0; i < c->len; i++) {
		lt_buf_adds(out, i ? ", " : "");
		html_esc_cut(out, c->name[i], 48);
		lt_buf_addf(out, " %llu", (unsigned long long)c->n[i]);
	}
	if (c->other)
		lt_buf_addf(out, ", %llu more", (unsigned long long)c->other);
	lt_buf_adds(out, "</td></tr>\n");
}

static void
html_counts(const struct rscan *s, struct lt_buf *out)
{
	lt_buf_adds(out, "<details><summary>Counts</summary><table "
	    "class=\"counts\">\n");
	html_counts_row("kind", &s->kinds, out);
	html_counts_row("lane", &s->lanes, out);
	html_counts_row("phase", &s->phases, out);
	if (s->types.len)
		html_counts_row("event type", &s->types, out);
	lt_buf_adds(out, "</table></details>\n");
}

/* The filters (shown by the script), and the CSS that hides a lane's or
 * kind's marks when its box is cleared. */
static void
html_controls(const struct html *h, struct lt_buf *out)
{
	const struct rscan *s = h->s;
	int i;

	lt_buf_adds(out, "<style>\n");
	for (i = 0; i < s->nlanes; i++)
		lt_buf_addf(out, ".hl%d .l%d{display:none}", i, i);
	for (i = 0; i < s->kinds.len; i++)
		lt_buf_addf(out, ".hk%d .k%d{display:none}", i, i);
	lt_buf_adds(out, "\n</style>\n<div id=\"controls\" hidden><button "
	    "id=\"zin\">zoom in</button> <button id=\"zout\">zoom out</button>"
	    "<br>lanes: ");
	for (i = 0; i < s->nlanes; i++) {
		lt_buf_addf(out, "<label><input type=\"checkbox\" checked "
		    "data-hide=\"hl%d\">", i);
		html_esc(out, s->lane[i]);
		lt_buf_adds(out, "</label>");
	}
	lt_buf_adds(out, "<br>kinds: ");
	for (i = 0; i < s->kinds.len; i++) {
		if (rs_spanning(s->kinds.name[i]) && strcmp(s->kinds.name[i],
		    "phase") && strcmp(s->kinds.name[i], "finding") &&
		    strcmp(s->kinds.name[i], "gap"))
			continue;
		if (!lt_timeline_known_kind(s->kinds.name[i]))
			continue;
		lt_buf_addf(out, "<label><input type=\"checkbox\" checked "
		    "data-hide=\"hk%d\">", i);
		html_esc(out, s->kinds.name[i]);
		lt_buf_adds(out, "</label>");
	}
	lt_buf_adds(out, "</div>\n");
}

static void
html_intro(const struct html *h, const char *source, struct lt_buf *out)
{
	const struct rscan *s = h->s;

	lt_buf_adds(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<meta name=\"color-scheme\" "
	    "content=\"light dark\">\n<title>latticectl report</title>\n"
	    "<style>\n");
	lt_buf_adds(out, html_style);
	lt_buf_adds(out, "</style></head><body>\n<h1>latticectl report</h1>\n"
	    "<p>Recording: <code>");
	html_esc(out, source);
	lt_buf_addf(out, "</code>, %llu records%s", (unsigned long long)
	    s->nrecs, s->complete ? "" : " (incomplete)");
	lt_buf_adds(out, ", recorded <time>");
	html_esc(out, s->first_text);
	lt_buf_adds(out, "</time> to <time>");
	html_esc(out, s->last_text);
	lt_buf_adds(out, "</time> (UTC)</p>\n");
	html_findings(s, out);
	html_counts(s, out);
	lt_buf_adds(out, "<h2>Timeline</h2>\n");
	if (!h->all)
		lt_buf_addf(out, "<p class=\"window\">This recording is too long "
		    "to draw whole: the diagram and the table below show its "
		    "first %d records, every phase, finding and gap, and the %d "
		    "records either side of each finding's evidence, at most %d "
		    "in all; the counts above cover every record, and "
		    "<code>latticectl show</code> prints them all.</p>\n",
		    HEAD_ROWS, CONTEXT, LT_REPORT_HTML_MAX);
	html_controls(h, out);
}

/* The diagram's frame: a scrolling box whose content (zoomed as a whole)
 * is a sticky row of lane names and then the chunks. */
static void
svg_start(struct html *h)
{
	lt_buf_addf(&h->out, "<div class=\"wrap\"><div id=\"tl\">"
	    "<svg class=\"tl head\" width=\"%d\" height=\"28\" role=\"img\" "
	    "aria-label=\"lanes\"><defs><marker id=\"ah\" viewBox=\"0 0 8 8\" "
	    "refX=\"7\" refY=\"4\" markerUnits=\"userSpaceOnUse\" "
	    "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path "
	    "d=\"M0 0L8 4L0 8z\"/></marker></defs>\n", GUTTER + h->nparts * COL);
	lane_names(h, 18, "lane");
	lt_buf_add(&h->out, h->svg.buf, h->svg.len);
	lt_buf_reset(&h->svg);
	lt_buf_adds(&h->out, "</svg>\n");
}

/* The open chunk as an <svg> of its own: the phase band so far behind
 * the marks, then the lifelines. */
static void
chunk_close(struct html *h)
{
	int i, width = GUTTER + h->nparts * COL;
	int height = (int)(h->rows - h->chunk_row) * ROW;

	if (h->rows == h->chunk_row)
		return;
	if (h->in_phase) {
		phase_end(h);
		h->in_phase = true;
		h->phase_row = h->rows;	/* goes on in the next chunk */
	}
	lt_buf_addf(&h->out, "<div class=\"chunk\" style=\"contain-intrinsic-"
	    "size:auto %dpx auto %dpx\"><svg class=\"tl\" width=\"%d\" "
	    "height=\"%d\">\n", width, height, width, height);
	for (i = 0; i < h->nparts; i++)
		lt_buf_addf(&h->out, "<line class=\"life\" x1=\"%d\" y1=\"0\" "
		    "x2=\"%d\" y2=\"%d\"/>", xof(i), xof(i), height);
	lt_buf_add(&h->out, lt_buf_str(&h->back), h->back.len);
	lt_buf_add(&h->out, lt_buf_str(&h->svg), h->svg.len);
	lt_buf_adds(&h->out, "</svg></div>\n");
	lt_buf_reset(&h->back);
	lt_buf_reset(&h->svg);
	h->chunk_row = h->rows;
	rs_flush(&h->out, h->fp, 1 << 16);
}

static void
svg_end(struct html *h)
{
	if (h->skipped) {
		lt_buf_addf(&h->svg, "<text class=\"dim\" x=\"%d\" y=\"%d\">... "
		    "%llu records not drawn</text>\n", GUTTER + 20,
		    ypos(h, h->rows) + 4, (unsigned long long)h->skipped);
		h->rows++;
	}
	phase_end(h);
	chunk_close(h);
	lt_buf_adds(&h->out, "</div></div>\n<pre id=\"detail\" hidden></pre>\n");
}

int
lt_report_html(const struct lt_report_src *src, const char *source,
    const struct lt_report_out *out, struct lt_error *err)
{
	struct html h;
	struct rscan s;
	struct lt_buf b = LT_BUF_INIT;
	int rc, i;

	memset(&h, 0, sizeof(h));
	if (rs_scan(&s, src, err) < 0) {
		rs_release(&s);
		return -1;
	}
	h.s = &s;
	h.fp = out->fp;
	h.all = s.nrecs <= LT_REPORT_HTML_MAX;
	h.self = s.self ? 0 : -1;
	h.client = s.client ? (s.self ? 1 : 0) : -1;
	h.nparts = s.nlanes + (h.self >= 0) + (h.client >= 0);
	html_intro(&h, source, &b);
	rs_flush(&b, h.fp, 0);
	svg_start(&h);
	lt_buf_adds(&h.json, "{");
	lt_buf_addf(&h.table, "<details id=\"records\"><summary>Records (a "
	    "table, a column per lane)</summary>\n<table class=\"lanes\">\n"
	    "<tr><th>time</th>");
	for (i = 0; i < s.nlanes; i++) {
		lt_buf_adds(&h.table, "<th class=\"lane\">");
		html_esc(&h.table, s.lane[i]);
		lt_buf_adds(&h.table, "</th>");
	}
	lt_buf_adds(&h.table, "</tr>\n");
	rc = rs_each(src, html_record, &h, err);
	if (rc == 0) {
		svg_end(&h);
		rs_flush(&h.out, h.fp, 0);
		lt_buf_adds(&h.table, "</table></details>\n<script "
		    "type=\"application/json\" id=\"recs\">");
		rs_flush(&h.table, h.fp, 0);
		lt_buf_adds(&h.json, "}</script>\n<script>");
		lt_buf_adds(&h.json, html_script);
		lt_buf_adds(&h.json, "</script>\n</body></html>\n");
		rs_flush(&h.json, h.fp, 0);
	}
	lt_buf_release(&h.svg);
	lt_buf_release(&h.back);
	lt_buf_release(&h.out);
	lt_buf_release(&h.table);
	lt_buf_release(&h.json);
	lt_buf_release(&b);
	rs_release(&s);
	return rc < 0 ? -1 : 0;
}
