/* report-md.c: the markdown report (report.h), for a GitHub issue body,
 * which holds at most LT_REPORT_MD_MAX characters. Every section has a
 * budget and says what it left out; the timeline is inline only when the
 * whole report fits, else it goes to a file the report names. A small
 * recording gets one mermaid diagram per phase of every record; a larger
 * one a diagram per finding of its evidence and the records around it. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "report-priv.h"
#include "banned.h"

/* Section budgets in bytes; with the headings, the environment (at most
 * about 9,000) and the notes they stay under LT_REPORT_MD_MAX
 * (fuzz-rec checks). */
#define MD_ENV_HOSTS 16		/* hosts listed in the environment */
#define MD_FIELD_MAX 120	/* bytes of a quoted value (escaped: up to 5x) */
#define MD_HOSTS_MAX 4000
#define MD_FINDINGS_MAX 12000
#define MD_COUNTS_MAX 5000
#define MD_DIAGRAMS_MAX 24000
#define MD_CONFIGS_MAX 6000
#define MD_PHASE_RECORDS 300	/* at most this many: a diagram per phase */
#define MD_FINDING_DIAGRAMS 12
#define MD_FINDING_ARROWS 30
#define MD_CONTEXT 3		/* records either side of an evidence */

/* ---- escaping (everything from the wire or a file goes through these:
 * escaped for a terminal first, no control character, no newline, then
 * for markdown, so a value can neither end its table cell, code span or
 * fence nor add a heading, link, image or HTML) ---- */

static size_t
longest_run(const char *s, size_t len, char c)
{
	size_t i, run = 0, max = 0;

	for (i = 0; i < len; i++) {
		run = s[i] == c ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	return max;
}

/* Inline text: markdown's punctuation backslash-escaped, HTML's as
 * entities. */
static void
md_inline(struct lt_buf *out, const char *s)
{
	struct lt_buf t = LT_BUF_INIT;
	size_t i;

	lt_buf_add_texts(&t, s);
	for (i = 0; i < t.len; i++) {
		char c = t.buf[i];

		if (c == '<' || c == '>' || c == '&')
			lt_buf_adds(out, c == '<' ? "&lt;" : c == '>' ? "&gt;" :
			    "&amp;");
		else if (c && strchr("\\`*[]|", c))
			lt_buf_addf(out, "\\%c", c);
		else
			lt_buf_addch(out, c);
	}
	lt_buf_release(&t);
}

/* A code span: delimited by more backticks than the longest run in s,
 * with | escaped in a table cell (GFM splits cells first). */
static void
md_code(struct lt_buf *out, const char *s, bool cell)
{
	struct lt_buf t = LT_BUF_INIT;
	size_t i, n;
	bool pad;

	lt_buf_add_texts(&t, s);
	n = longest_run(lt_buf_str(&t), t.len, '`') + 1;
	pad = t.len && (t.buf[0] == '`' || t.buf[t.len - 1] == '`');
	for (i = 0; i < n; i++)
		lt_buf_addch(out, '`');
	lt_buf_adds(out, pad ? " " : "");
	for (i = 0; i < t.len; i++) {
		if (t.buf[i] == '|' && cell)
			lt_buf_addch(out, '\\');
		lt_buf_addch(out, t.buf[i]);
	}
	lt_buf_adds(out, pad ? " " : "");
	for (i = 0; i < n; i++)
		lt_buf_addch(out, '`');
	lt_buf_release(&t);
}

/* A fenced block of body (lines of text already escaped): the fence is
 * longer than any run of backticks in it, so no line can close it. */
static void
md_fence(struct lt_buf *out, const char *info, const struct lt_buf *body)
{
	size_t i, n = longest_run(lt_buf_str(body), body->len, '`') + 1;

	n = n < 3 ? 3 : n;
	for (i = 0; i < n; i++)
		lt_buf_addch(out, '`');
	lt_buf_addf(out, "%s\n", info);
	lt_buf_add(out, lt_buf_str(body), body->len);
	for (i = 0; i < n; i++)
		lt_buf_addch(out, '`');
	lt_buf_addch(out, '\n');
}

/* before, then s as inline text (markdown-escaped). */
static void
md_row_text(struct lt_buf *out, const char *before, const char *s)
{
	lt_buf_adds(out, before);
	md_inline(out, s);
}

/* "HEAD | A B |" with A and B (B may be NULL) as inline text. */
static void
md_row(struct lt_buf *out, const char *head, const char *a, const char *b)
{
	md_row_text(out, head, "");
	md_row_text(out, " | ", a);
	if (b)
		md_row_text(out, " ", b);
	lt_buf_adds(out, " |\n");
}

/* Whether mermaid text may hold c as it is: letters, digits, UTF-8
 * (escaped for a terminal already) and punctuation that neither ends a
 * message (';', '#', a newline), nor draws an arrow ('>'), nor opens a
 * directive, an entity, a string or HTML ('{', '&', '"', '<', '%'). */
static bool
mermaid_safe(char c)
{
	return (unsigned char)c >= 0x80 || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c && strchr(" .,:/_=+()@*'!?$^~[]|\\-", c));
}

/* mermaid message text, at most max bytes of s: characters that could
 * end or break a message become blanks */
static void
md_text(struct lt_buf *out, const char *s, size_t max)
{
	struct lt_buf t = LT_BUF_INIT;
	size_t i, n;

	lt_buf_add_texts(&t, s);
	n = lt_utf8_cut(lt_buf_str(&t), t.len, max);
	for (i = 0; i < n; i++) {
		if (t.buf[i] == ' ' && (i + 1 == n || t.buf[i + 1] == ' '))
			continue;	/* column padding */
		lt_buf_addch(out, mermaid_safe(t.buf[i]) ? t.buf[i] : ' ');
	}
	if (n < t.len)
		lt_buf_adds(out, "...");
	lt_buf_release(&t);
}

/* A lane's participant id: letters, digits and '_' only. */
static void
md_participant(const char *lane, char *out, size_t len)
{
	size_t i;

	snprintf(out, len, "%s", lane);
	for (i = 0; out[i]; i++)
		if (!isalnum((unsigned char)out[i]))
			out[i] = '_';
}

/* The diagram in body as a mermaid block, body emptied. */
static void
md_diagram_end(struct lt_buf *out, struct lt_buf *body)
{
	md_fence(out, "mermaid", body);
	lt_buf_addch(out, '\n');
	lt_buf_reset(body);
}

/* One table cell: a config as one snapshot saw it. */
static void
md_config_cell(const cJSON *snap, const char *name, struct lt_buf *out)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(snap, "entries"), name);
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(snap, "deleted"), name);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
	struct lt_buf t = LT_BUF_INIT;
	char *text;
	size_t i, n;

	if (d) {
		md_inline(out, rs_str(d, "op", "deleted"));
		lt_buf_addf(out, " (rev %.0f)", lt_json_num(d, "revision", 0));
		return;
	}
	if (!e) {
		lt_buf_adds(out, "absent");
		return;
	}
	if (!cJSON_IsObject(e)) {
		lt_buf_adds(out, "present");
		return;
	}
	lt_buf_addf(out, "rev %.0f", lt_json_num(e, "revision", 0));
	if (!v || !(text = lt_json_print_kept(v, false)))
		return;
	lt_buf_add_texts(&t, text);
	cJSON_free(text);
	n = lt_utf8_cut(lt_buf_str(&t), t.len, 80);
	lt_buf_adds(out, " `");
	for (i = 0; i < n; i++)	/* nothing that ends the span or cell */
		lt_buf_addch(out, strchr("|`", t.buf[i]) ? ' ' : t.buf[i]);
	lt_buf_adds(out, n < t.len ? "...`" : "`");
	lt_buf_release(&t);
}

static void
add_names(cJSON *names, const cJSON *obj)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj)
		if (!cJSON_GetObjectItemCaseSensitive(names, it->string))
			cJSON_AddTrueToObject(names, it->string);
}


/* s cut to at most max bytes (whole UTF-8 characters) with "..." when
 * cut; the copy lives in scratch. */
static const char *
clip(struct lt_buf *scratch, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0, n = lt_utf8_cut(s ? s : "", len, max);

	lt_buf_reset(scratch);
	lt_buf_add(scratch, s ? s : "", n);
	lt_buf_adds(scratch, n < len ? "..." : "");
	return lt_buf_str(scratch);
}

/* Append item to sec unless sec would then hold more than max bytes;
 * false when it did not fit. item is emptied either way. */
static bool
fit(struct lt_buf *sec, struct lt_buf *item, size_t max)
{
	bool ok = sec->len + item->len <= max;

	if (ok && item->len)
		lt_buf_add(sec, item->buf, item->len);
	lt_buf_reset(item);
	return ok;
}

/* ---- environment ---- */

static void
md_env(const struct rscan *s, const char *source, struct lt_buf *out)
{
	const cJSON *server = cJSON_GetObjectItemCaseSensitive(s->meta,
	    "server"), *h;
	struct lt_buf hosts = LT_BUF_INIT, c = LT_BUF_INIT, c2 = LT_BUF_INIT;
	struct lt_buf item = LT_BUF_INIT;
	char d[32];
	int n = 0;

	cJSON_ArrayForEach(h, s->hosts) {
		lt_buf_adds(&item, hosts.len ? "<br>" : "");
		md_code(&item, clip(&c, cJSON_GetArrayItem(h, 0)->valuestring,
		    MD_FIELD_MAX), true);
		md_row_text(&item, " ", clip(&c, cJSON_GetArrayItem(h,
		    1)->valuestring, MD_FIELD_MAX));
		md_row_text(&item, " ", clip(&c, cJSON_GetArrayItem(h,
		    2)->valuestring, MD_FIELD_MAX));
		if (n == MD_ENV_HOSTS || !fit(&hosts, &item, MD_HOSTS_MAX))
			break;
		n++;
	}
	if (n < cJSON_GetArraySize(s->hosts))
		lt_buf_addf(&hosts, "<br>and %d more",
		    cJSON_GetArraySize(s->hosts) - n);
	md_row(out, "| | |\n|---|---|\n| tool", clip(&c, rs_str(s->meta,
	    "tool", "latticectl"), MD_FIELD_MAX), clip(&c2,
	    rs_str(s->meta, "version", "?"), MD_FIELD_MAX));
	md_row(out, "| server", clip(&c, rs_str(server, "name", "?"),
	    MD_FIELD_MAX), clip(&c2, rs_str(server, "version", "?"),
	    MD_FIELD_MAX));
	md_row(out, "| lattice", clip(&c, rs_str(s->meta, "lattice", "?"),
	    MD_FIELD_MAX), NULL);
	md_row(out, "| recorded", s->first_text, "(UTC)");
	lt_buf_addf(out, "| hosts | %s |\n", hosts.buf ? hosts.buf : "(none "
	    "recorded)");
	md_row(out, "| wadm", clip(&c, rs_str(s->meta, "wadm_version",
	    "unknown (wadm does not report it)"), MD_FIELD_MAX), NULL);
	lt_buf_adds(out, "| recording | ");
	md_code(out, clip(&c, source, MD_FIELD_MAX), true);
	lt_buf_addf(out, ", %llu records%s |\n", (unsigned long long)s->nrecs,
	    s->complete ? "" : ", incomplete");
	if (s->first_t) {
		lt_duration_format(s->last_t - s->first_t, d, sizeof(d));
		md_row_text(out, "| last record | ", s->last_text);
		lt_buf_addf(out, " (UTC; %s from the earliest to the latest "
		    "record) |\n", d);
	}
	lt_buf_adds(out, "\n");
	lt_buf_release(&hosts);
	lt_buf_release(&c);
	lt_buf_release(&c2);
	lt_buf_release(&item);
}

/* ---- findings ---- */

static void
md_finding(const cJSON *f, struct lt_buf *out)
{
	struct lt_buf c = LT_BUF_INIT;
	const cJSON *e;
	char seq[64];
	int n = 0;

	md_row_text(out, "- **", clip(&c, rs_str(f, "severity", "?"), 40));
	lt_buf_adds(out, "** ");
	md_code(out, clip(&c, rs_str(f, "id", "?"), 80), false);
	md_row_text(out, ": ", clip(&c, rs_str(f, "title", ""), 4 *
	    MD_FIELD_MAX));
	lt_buf_adds(out, " (evidence:");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(f, "evidence"))
		if (n++ < 40)
			lt_buf_addf(out, " #%s", rs_seq_text(e, seq, sizeof(seq)));
	if (n > 40)
		lt_buf_addf(out, " and %d more", n - 40);
	md_row_text(out, ")  \n  next: ", clip(&c, rs_str(f, "next", "-"),
	    4 * MD_FIELD_MAX));
	lt_buf_addch(out, '\n');
	lt_buf_release(&c);
}

static void
md_findings(const struct rscan *s, struct lt_buf *out)
{
	struct lt_buf sec = LT_BUF_INIT, item = LT_BUF_INIT;
	const cJSON *f;
	uint64_t shown = 0;

	cJSON_ArrayForEach(f, s->findings) {
		md_finding(f, &item);
		if (!fit(&sec, &item, MD_FINDINGS_MAX))
			break;
		shown++;
	}
	lt_buf_adds(out, "### Findings\n\n");
	lt_buf_adds(out, s->nfindings ? lt_buf_str(&sec) : "No findings.\n");
	if (shown < s->nfindings)
		lt_buf_addf(out, "\n%llu more findings are not listed here (the "
		    "timeline has them as finding records).\n",
		    (unsigned long long)(s->nfindings - shown));
	lt_buf_adds(out, "\n");
	lt_buf_release(&sec);
	lt_buf_release(&item);
}

/* ---- counts ---- */

static void
md_count_row(const char *what, const struct rs_counts *c, struct lt_buf *out)
{
	struct lt_buf cell = LT_BUF_INIT, item = LT_BUF_INIT, t = LT_BUF_INIT;
	int i, shown = 0;

	for (i = 0; i < c->len; i++) {
		md_row_text(&item, cell.len ? ", " : "", clip(&t, c->name[i],
		    48));
		lt_buf_addf(&item, " %llu", (unsigned long long)c->n[i]);
		if (!fit(&cell, &item, MD_COUNTS_MAX / 5))
			break;
		shown++;
	}
	if (shown < c->len || c->other)
		lt_buf_addf(&cell, ", %d more names", c->len - shown +
		    (c->other ? 1 : 0));
	lt_buf_addf(out, "| %s | %s |\n", what, lt_buf_str(&cell));
	lt_buf_release(&cell);
	lt_buf_release(&item);
	lt_buf_release(&t);
}

static void
md_counts(const struct rscan *s, struct lt_buf *out)
{
	lt_buf_adds(out, "### Counts\n\n| records by | |\n|---|---|\n");
	md_count_row("kind", &s->kinds, out);
	md_count_row("lane", &s->lanes, out);
	md_count_row("phase", &s->phases, out);
	if (s->types.len)
		md_count_row("event type", &s->types, out);
	lt_buf_adds(out, "\n");
}

/* ---- sequence diagrams ---- */

/* The arrow of rec (on lane) in a diagram; with seq, its message starts
 * with "[SEQ] " ('#' would start an entity in mermaid). */
static void
md_arrow(const struct rscan *s, const cJSON *rec, int lane, bool seq,
    struct lt_buf *out)
{
	const char *kind = rs_str(rec, "kind", "");
	bool mine = rs_mine(s, rec);
	const char *peer = mine ? "latticectl" : "wadm";
	const char *caller = mine ? "latticectl" : "client";	/* wadm API */
	char who[64], buf[64];
	struct lt_buf l = LT_BUF_INIT;

	md_participant(s->lane[lane], who, sizeof(who));
	if (seq)
		lt_buf_addf(&l, "[%s] ", lt_json_num_text(rec, "seq", "?", buf,
		    sizeof(buf)));
	rs_label(rec, &l);
	if (!strcmp(kind, "ctl.request"))
		lt_buf_addf(out, "    %s->>%s: ", peer, who);
	else if (!strcmp(kind, "ctl.reply"))
		lt_buf_addf(out, "    %s-->>%s: ", who, peer);
	else if (!strcmp(kind, "event"))
		lt_buf_addf(out, "    %s-)wadm: ", who);
	else if (!strcmp(kind, "kv"))
		lt_buf_adds(out, "    wadm->>kv: ");
	else if (!strcmp(kind, "snapshot"))
		lt_buf_adds(out, "    latticectl->>kv: ");
	else if (!strcmp(kind, "wadm.request"))
		lt_buf_addf(out, "    %s->>wadm: ", caller);
	else if (!strcmp(kind, "wadm.reply"))
		lt_buf_addf(out, "    wadm-->>%s: ", caller);
	else if (!strcmp(kind, "probe") || !strcmp(kind, "inventory") ||
	    !strcmp(kind, "wadm.status"))
		lt_buf_addf(out, "    Note over %s: ", who);
	else
		lt_buf_adds(out, "    wadm->>wadm: ");
	md_text(out, l.len ? l.buf : kind, 100 + (seq ? 22 : 0));
	lt_buf_addch(out, '\n');
	lt_buf_release(&l);
}

/* The start of a diagram: its participants (latticectl and another wadm
 * client when the recording has them, then every lane). */
static void
md_diagram_head(const struct rscan *s, struct lt_buf *body)
{
	char who[64];
	int i;

	lt_buf_adds(body, "sequenceDiagram\n");
	if (s->self)
		lt_buf_adds(body, "    participant latticectl\n");
	if (s->client)
		lt_buf_adds(body, "    participant client as another wadm "
		    "client\n");
	for (i = 0; i < s->nlanes; i++) {
		md_participant(s->lane[i], who, sizeof(who));
		lt_buf_addf(body, "    participant %s as ", who);
		md_text(body, s->lane[i], sizeof(s->lane[i]));
		lt_buf_addch(body, '\n');
	}
}

struct md_fdiag {
	struct lt_buf body;
	uint64_t last;		/* seq of the last arrow */
	int arrows, cut;
};

/* The second pass: diagrams and the timeline. */
struct md_pass {
	const struct rscan *s;
	const struct lt_report_out *out;
	struct lt_error *err;
	bool failed;
	/* a diagram per phase (small recordings) */
	bool per_phase, open;
	struct lt_buf phases, body;
	/* a diagram per finding */
	struct md_fdiag fd[MD_FINDING_DIAGRAMS];
	/* the timeline: in tl while it may fit, else streamed to tlf, or
	 * dropped when there is no file for it (nofile) */
	struct lt_buf tl;
	FILE *tlf;
	const char *tlname;
	bool nofile;
};

/* Open the timeline file: 0, or -1 on an error (p->failed), or 1 when
 * there is no place for one (p->nofile; the timeline is dropped). */
static int
md_open_timeline(struct md_pass *p)
{
	p->err->code = LT_OK;
	p->tlf = p->out->open_timeline(p->out->ctx, &p->tlname, p->err);
	if (p->tlf)
		return 0;
	if (p->err->code != LT_OK) {
		p->failed = true;
		return -1;
	}
	p->nofile = true;
	lt_buf_release(&p->tl);
	return 1;
}

static void
md_phase_record(struct md_pass *p, const cJSON *rec, const char *kind,
    int lane)
{
	struct lt_buf c = LT_BUF_INIT;

	if (!strcmp(kind, "phase") || !p->open) {
		if (p->open)
			md_diagram_end(&p->phases, &p->body);
		md_row_text(&p->phases, "### Phase: ", clip(&c, strcmp(kind,
		    "phase") ? "recording" : rs_str(rec, "phase", "?"),
		    MD_FIELD_MAX));
		lt_buf_adds(&p->phases, "\n\n");
		md_diagram_head(p->s, &p->body);
		p->open = true;
	}
	if (strcmp(kind, "phase"))
		md_arrow(p->s, rec, lane, false, &p->body);
	lt_buf_release(&c);
}

static void
md_finding_record(struct md_pass *p, const cJSON *rec, int lane)
{
	uint64_t seq = rs_seq(rec);
	int near[MD_FINDING_DIAGRAMS], n, i;

	n = rs_near(p->s, seq, MD_CONTEXT, near, MD_FINDING_DIAGRAMS);
	for (i = 0; i < n; i++) {
		struct md_fdiag *d;

		if (near[i] >= MD_FINDING_DIAGRAMS)
			continue;
		d = &p->fd[near[i]];
		if (d->arrows && d->last == seq)
			continue;
		if (d->arrows == MD_FINDING_ARROWS) {
			d->cut++;
			continue;
		}
		if (!d->arrows)
			md_diagram_head(p->s, &d->body);
		else if (seq > d->last + 1)
			lt_buf_addf(&d->body, "    Note over wadm: %llu records "
			    "later\n", (unsigned long long)(seq - d->last - 1));
		md_arrow(p->s, rec, lane, true, &d->body);
		d->arrows++;
		d->last = seq;
	}
}

static int
md_timeline_record(struct md_pass *p, const cJSON *rec)
{
	if (p->nofile)
		return 0;
	lt_timeline_line(rec, lt_output_colors(false), &p->tl);
	lt_buf_addch(&p->tl, '\n');
	if (!p->tlf && p->tl.len > LT_REPORT_MD_MAX && md_open_timeline(p))
		return p->failed;
	if (p->tlf)
		rs_flush(&p->tl, p->tlf, 1 << 16);
	return 0;
}

static int
md_record(void *ctx, const cJSON *rec)
{
	struct md_pass *p = ctx;
	const char *kind = rs_str(rec, "kind", "");
	bool known = lt_timeline_known_kind(kind);
	int lane = -1, f;

	/* a lane costs an event's decoding: only for a record drawn */
	if (known && (p->per_phase || (p->s->nev && rs_near(p->s,
	    rs_seq(rec), MD_CONTEXT, &f, 1))))
		lane = rs_lane(p->s, rec);
	if (p->per_phase && (!strcmp(kind, "phase") || lane >= 0))
		md_phase_record(p, rec, kind, lane);
	if (lane >= 0 && p->s->nev)
		md_finding_record(p, rec, lane);
	if (strcmp(kind, "meta") && strcmp(kind, "end") && known)
		return md_timeline_record(p, rec);
	return 0;
}

/* The diagram section: one per phase when they fit, else one per finding
 * with its evidence. */
static void
md_diagrams(struct md_pass *p, struct lt_buf *out)
{
	const struct rscan *s = p->s;
	struct lt_buf sec = LT_BUF_INIT, item = LT_BUF_INIT, c = LT_BUF_INIT;
	int i, n = cJSON_GetArraySize(s->findings), left = 0;

	if (p->open)
		md_diagram_end(&p->phases, &p->body);
	if (p->per_phase && p->phases.len <= MD_DIAGRAMS_MAX) {
		lt_buf_add(out, lt_buf_str(&p->phases), p->phases.len);
		return;
	}
	for (i = 0; i < n && i < MD_FINDING_DIAGRAMS; i++) {
		struct md_fdiag *d = &p->fd[i];
		const cJSON *f = cJSON_GetArrayItem(s->findings, i);

		if (!d->arrows)
			continue;
		lt_buf_addf(&item, "### Evidence of finding %d: ", i + 1);
		md_code(&item, clip(&c, rs_str(f, "id", "?"), 80), false);
		lt_buf_adds(&item, "\n\n");
		if (d->cut)
			lt_buf_addf(&d->body, "    Note over wadm: %d more "
			    "records near the evidence are in the timeline\n",
			    d->cut);
		md_diagram_end(&item, &d->body);
		if (!fit(&sec, &item, MD_DIAGRAMS_MAX))
			left++;
	}
	left += n > MD_FINDING_DIAGRAMS ? n - MD_FINDING_DIAGRAMS : 0;
	if (!sec.len && !left)
		lt_buf_addf(&sec, "### Sequence diagrams\n\nThe %llu records are "
		    "too many to draw here, and there is no finding to draw the "
		    "evidence of: the timeline has them all.\n\n",
		    (unsigned long long)s->drawable);
	lt_buf_add(out, lt_buf_str(&sec), sec.len);
	if (left)
		lt_buf_addf(out, "The evidence of %d more findings is not drawn "
		    "here; the timeline has it.\n\n", left);
	lt_buf_release(&sec);
	lt_buf_release(&item);
	lt_buf_release(&c);
}

/* ---- configs at each checkpoint ---- */

/* The referenced configs at each checkpoint, one column per snapshot
 * (named by its phase); a cell that changed since the column before is
 * bold. */
static void
md_configdata(const struct rscan *s, struct lt_buf *out)
{
	cJSON *names = cJSON_CreateObject();
	const cJSON *rec, *name, *snap, *ph;
	struct lt_buf cell = LT_BUF_INIT, prev = LT_BUF_INIT, c = LT_BUF_INIT;
	struct lt_buf sec = LT_BUF_INIT, item = LT_BUF_INIT;
	int left = 0;

	cJSON_ArrayForEach(rec, s->snaps) {
		add_names(names, cJSON_GetObjectItemCaseSensitive(rec, "entries"));
		add_names(names, cJSON_GetObjectItemCaseSensitive(rec, "deleted"));
	}
	if (names->child) {
		lt_buf_adds(&sec, "### Configs at each checkpoint\n\n| config |");
		cJSON_ArrayForEach(ph, s->snap_phases) {
			md_row_text(&sec, " ", clip(&c, ph->valuestring, 24));
			lt_buf_adds(&sec, " |");
		}
		lt_buf_adds(&sec, "\n|---|");
		cJSON_ArrayForEach(ph, s->snap_phases)
			lt_buf_adds(&sec, "---|");
		lt_buf_adds(&sec, "\n");
	}
	cJSON_ArrayForEach(name, names) {
		lt_buf_adds(&item, "| ");
		md_code(&item, clip(&c, name->string, MD_FIELD_MAX), true);
		lt_buf_adds(&item, " |");
		lt_buf_reset(&prev);
		cJSON_ArrayForEach(snap, s->snaps) {
			lt_buf_reset(&cell);
			md_config_cell(snap, name->string, &cell);
			lt_buf_addf(&item, snap != s->snaps->child && strcmp(
			    lt_buf_str(&cell), lt_buf_str(&prev)) ? " **%s** |" :
			    " %s |", lt_buf_str(&cell));
			lt_buf_reset(&prev);
			lt_buf_adds(&prev, lt_buf_str(&cell));
		}
		lt_buf_adds(&item, "\n");
		left += !fit(&sec, &item, MD_CONFIGS_MAX);
	}
	if (left)
		lt_buf_addf(&sec, "\n%d more configs are not listed here.\n",
		    left);
	if (names->child)
		lt_buf_adds(&sec, "\n");
	lt_buf_add(out, lt_buf_str(&sec), sec.len);
	lt_buf_release(&cell);
	lt_buf_release(&prev);
	lt_buf_release(&c);
	lt_buf_release(&sec);
	lt_buf_release(&item);
	cJSON_Delete(names);
}

/* ---- the report ---- */

/* The timeline: inline when it fits in what report leaves, else in the
 * timeline file (opened now if the second pass did not). */
static int
md_timeline(struct md_pass *p, struct lt_buf *report)
{
	struct lt_buf inl = LT_BUF_INIT, c = LT_BUF_INIT;
	const char *base;

	if (!p->tlf && !p->nofile) {
		lt_buf_addf(&inl, "<details><summary>Timeline (%llu records)"
		    "</summary>\n\n", (unsigned long long)p->s->nrecs);
		md_fence(&inl, "", &p->tl);	/* so </details> in it is text */
		lt_buf_adds(&inl, "\n</details>\n");
		if (report->len + inl.len <= LT_REPORT_MD_MAX) {
			lt_buf_add(report, inl.buf, inl.len);
			lt_buf_release(&inl);
			return 0;
		}
		lt_buf_release(&inl);
		if (md_open_timeline(p) < 0)
			return -1;
	}
	if (p->nofile) {
		lt_buf_addf(report, "### Timeline\n\nThe whole timeline (%llu "
		    "records) does not fit in an issue: `latticectl report` with "
		    "`-f FILE.md` writes it beside the report as "
		    "`FILE.timeline.txt`, to attach; `latticectl show` prints it.\n",
		    (unsigned long long)p->s->nrecs);
		return 0;
	}
	rs_flush(&p->tl, p->tlf, 0);
	lt_buf_addf(report, "### Timeline\n\nThe whole timeline (%llu records, "
	    "one line each) does not fit in an issue: it is in ",
	    (unsigned long long)p->s->nrecs);
	base = strrchr(p->tlname, '/');
	md_code(report, clip(&c, base ? base + 1 : p->tlname, MD_FIELD_MAX),
	    false);
	lt_buf_adds(report, ", next to this report; attach it.\n");
	lt_buf_release(&c);
	return 0;
}

int
lt_report_markdown(const struct lt_report_src *src, const char *source,
    const struct lt_report_out *out, struct lt_error *err)
{
	struct md_pass p;
	struct rscan s;
	struct lt_buf r = LT_BUF_INIT;
	int rc, i;

	memset(&p, 0, sizeof(p));
	if (rs_scan(&s, src, err) < 0) {
		rs_release(&s);
		return -1;
	}
	p.s = &s;
	p.out = out;
	p.err = err;
	p.per_phase = s.drawable <= MD_PHASE_RECORDS;
	rc = rs_each(src, md_record, &p, err);
	if (rc == 0 && !p.failed) {
		lt_buf_adds(&r, "## latticectl report\n\n");
		md_env(&s, source, &r);
		md_findings(&s, &r);
		md_counts(&s, &r);
		md_diagrams(&p, &r);
		md_configdata(&s, &r);
		rc = md_timeline(&p, &r);
		(void)fwrite(r.buf, 1, r.len, out->fp);
	}
	for (i = 0; i < MD_FINDING_DIAGRAMS; i++)
		lt_buf_release(&p.fd[i].body);
	lt_buf_release(&p.phases);
	lt_buf_release(&p.body);
	lt_buf_release(&p.tl);
	lt_buf_release(&r);
	rs_release(&s);
	return rc < 0 || p.failed ? -1 : 0;
}
