/* report.c: markdown and HTML reports from a recording (report.h). Both
 * share the lane model: every record belongs to one lane (wadm, a host,
 * kv, probe, or all lanes for phases and findings). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/nkey.h"
#include "latticectl/report.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_LANES 32

struct lanes {
	char name[MAX_LANES][64];	/* "wadm", "host NCTZ3B57", "kv", ... */
	int n, nhosts;
	cJSON *pairs;		/* {"PAIR": host id} from ctl requests */
	cJSON *mine;		/* {"PAIR": true} requests latticectl sent */
};

static const struct lt_colors *
plain(void)
{
	return lt_output_colors(false);
}

static const char *
str_or(const cJSON *o, const char *key, const char *def)
{
	const char *s = lt_json_str(o, key);

	return s ? s : def;
}

/* The host id a subject ends with (wasmbus.ctl.v1.L.component.scale.H). */
static const char *
subject_host(const char *subject)
{
	const char *t = subject ? strrchr(subject, '.') : NULL;

	return t && lt_nkey_is_host_id(t + 1) ? t + 1 : NULL;
}

static void
host_lane(const char *host, char *out, size_t len)
{
	struct lt_buf text = LT_BUF_INIT;
	char id[16];

	lt_event_short_id(host, id, sizeof(id));
	snprintf(out, len, "host %s", lt_text(&text, id));
	lt_buf_release(&text);
}

/* The lane of a ctl message that names no host (a queue-group or
 * lattice-wide request such as config.put, and its reply): the one host
 * when there is one, else "hosts". */
static void
any_host_lane(const struct lanes *l, char *out, size_t len)
{
	int i;

	for (i = 0; l->nhosts == 1 && i < l->n; i++)
		if (lt_str_has_prefix(l->name[i], "host ")) {
			snprintf(out, len, "%s", l->name[i]);
			return;
		}
	snprintf(out, len, "%s", "hosts");
}

static bool
pair_is_mine(const struct lanes *l, const cJSON *rec)
{
	char key[32];

	snprintf(key, sizeof(key), "%.0f", lt_json_num(rec, "pair", -1));
	return cJSON_GetObjectItemCaseSensitive(l->mine, key) != NULL;
}

/* The lane of a record; "" for records that span every lane. */
static void
lane_of(const struct lanes *l, const cJSON *rec, char *out, size_t len)
{
	const char *kind = str_or(rec, "kind", "");
	const char *host = NULL;

	snprintf(out, len, "%s", "wadm");
	if (!strcmp(kind, "phase") || !strcmp(kind, "finding") ||
	    !strcmp(kind, "gap") || !strcmp(kind, "meta") ||
	    !strcmp(kind, "end")) {
		out[0] = '\0';
		return;
	}
	if (!strcmp(kind, "kv") || !strcmp(kind, "snapshot")) {
		snprintf(out, len, "%s", "kv");
		return;
	}
	if (!strcmp(kind, "probe")) {
		snprintf(out, len, "%s", "probe");
		return;
	}
	if (!strcmp(kind, "event")) {
		struct lt_event ev;
		char *data;

		if (lt_timeline_event(rec, &ev, &data)) {
			if (lt_event_host(&ev) && *lt_event_host(&ev))
				host_lane(lt_event_host(&ev), out, len);
			lt_event_release(&ev);
			free(data);
		}
		return;
	}
	if (!strcmp(kind, "inventory"))
		host = lt_json_str(rec, "host");
	else if (lt_str_has_prefix(kind, "ctl."))
		host = subject_host(lt_json_str(rec, "subject"));
	if (!host && !strcmp(kind, "ctl.reply")) {
		char key[32];

		snprintf(key, sizeof(key), "%.0f", lt_json_num(rec, "pair", -1));
		host = lt_json_str(l->pairs, key);
	}
	if (host)
		host_lane(host, out, len);
	else if (lt_str_has_prefix(kind, "ctl."))
		any_host_lane(l, out, len);
}

static int
lane_index(struct lanes *l, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->name[i], name))
			return i;
	if (l->n == MAX_LANES)
		return l->n - 1;
	snprintf(l->name[l->n], sizeof(l->name[0]), "%s", name);
	if (lt_str_has_prefix(name, "host "))
		l->nhosts++;
	return l->n++;
}

/* wadm first, hosts in order of appearance, kv and probe last. */
static void
collect_lanes(const cJSON *recs, struct lanes *l)
{
	const cJSON *rec;
	char lane[64];

	bool anyhost = false;

	l->n = l->nhosts = 0;
	l->pairs = cJSON_CreateObject();
	l->mine = cJSON_CreateObject();
	lane_index(l, "wadm");
	cJSON_ArrayForEach(rec, recs) {
		const char *h = subject_host(lt_json_str(rec, "subject"));
		const char *from = lt_json_str(rec, "from");
		char key[32];

		snprintf(key, sizeof(key), "%.0f", lt_json_num(rec, "pair", -1));
		if (!strcmp(str_or(rec, "kind", ""), "ctl.request") && h) {
			cJSON_DeleteItemFromObjectCaseSensitive(l->pairs, key);
			cJSON_AddStringToObject(l->pairs, key, h);
		}
		if (from && !strcmp(from, "latticectl") &&
		    !cJSON_GetObjectItemCaseSensitive(l->mine, key))
			cJSON_AddTrueToObject(l->mine, key);
		lane_of(l, rec, lane, sizeof(lane));
		if (lt_str_has_prefix(lane, "host "))
			lane_index(l, lane);
		else if (!strcmp(lane, "hosts"))
			anyhost = true;
	}
	if (anyhost && l->nhosts != 1)
		lane_index(l, "hosts");
	lane_index(l, "kv");
	lane_index(l, "probe");
}

/* A short label for a record in a diagram or lane cell, as the record
 * has it. */
static void
label_raw(const cJSON *rec, struct lt_buf *out)
{
	const char *kind = str_or(rec, "kind", "?");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *subject = lt_json_str(rec, "subject");

	if (!strcmp(kind, "event")) {
		struct lt_event ev;
		char *data;

		if (lt_timeline_event(rec, &ev, &data)) {
			struct lt_buf b = LT_BUF_INIT;
			const char *sp;

			lt_event_format_text(&ev, lt_timeline_time(rec), false,
			    plain(), &b);
			/* drop the time column */
			sp = b.buf ? strstr(b.buf, "  ") : NULL;
			lt_buf_adds(out, sp ? sp + 2 : "event");
			lt_buf_release(&b);
			lt_event_release(&ev);
			free(data);
		}
	} else if (!strcmp(kind, "ctl.request") && subject) {
		const char *v = strstr(subject, ".v1.");

		v = v ? strchr(v + 4, '.') : NULL;
		lt_buf_addf(out, "%s", v ? v + 1 : subject);
	} else if (!strcmp(kind, "ctl.reply") || !strcmp(kind, "wadm.reply")) {
		lt_buf_addf(out, "reply %s %s", cJSON_IsFalse(
		    cJSON_GetObjectItemCaseSensitive(p, "success")) ? "failed" :
		    "ok", str_or(p, "message", ""));
	} else if (!strcmp(kind, "wadm.cmd") && p && p->child) {
		lt_buf_addf(out, "%s", p->child->string ? p->child->string :
		    "command");
		if (p->child->child && cJSON_IsString(p->child->child))
			lt_buf_addf(out, " %s", p->child->child->valuestring);
	} else if (!strcmp(kind, "kv")) {
		lt_buf_addf(out, "%s %s", str_or(rec, "op", "?"),
		    str_or(rec, "key", "?"));
	} else if (!strcmp(kind, "wadm.status")) {
		lt_buf_addf(out, "status %s", str_or(
		    cJSON_GetObjectItemCaseSensitive(p, "status"), "type", "?"));
	} else if (!strcmp(kind, "probe")) {
		lt_buf_addf(out, "probe %.0f %s", lt_json_num(rec,
		    "http_status", 0), str_or(rec, "body", ""));
	} else if (!strcmp(kind, "inventory")) {
		if (cJSON_GetObjectItemCaseSensitive(p, "response"))
			p = cJSON_GetObjectItemCaseSensitive(p, "response");
		lt_buf_addf(out, "inventory: %d components, %d providers",
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p,
		    "components")), cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(p, "providers")));
	} else if (!strcmp(kind, "snapshot")) {
		lt_buf_addf(out, "snapshot %s: %d configs", str_or(rec, "bucket",
		    "?"), cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec,
		    "entries")));
	} else if (!strcmp(kind, "wadm.request") && subject &&
	    strstr(subject, ".model.")) {
		lt_buf_adds(out, strstr(subject, ".model.") + 1);
	} else {
		lt_buf_addf(out, "%s %s", kind, subject ? subject : "");
	}
}

/* The label of a record, escaped for a terminal (text.h). */
static void
label(const cJSON *rec, struct lt_buf *out)
{
	struct lt_buf raw = LT_BUF_INIT;

	label_raw(rec, &raw);
	if (raw.len > 0)
		lt_buf_add_text(out, raw.buf, raw.len);
	lt_buf_release(&raw);
}

/* ---- markdown ---- */

/* Everything in the markdown report that came from the wire or a file goes
 * through these: escaped for a terminal first (no control character, no
 * newline), then for markdown, so a value can neither end its table
 * cell, code span or fence nor add a heading, link, image or HTML. */

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

/* When the recording started: its first record's time, RFC 3339 UTC as
 * recordings carry it (latticectl(5)), or "?". */
static const char *
recorded_at(const cJSON *recs)
{
	return str_or(cJSON_GetArrayItem(recs, 0), "t", "?");
}

static void
md_env(const cJSON *recs, const char *source, struct lt_buf *out)
{
	const cJSON *meta = NULL, *rec, *server;
	cJSON *seen = cJSON_CreateObject();
	struct lt_buf hosts = LT_BUF_INIT;
	bool complete = false;

	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");

		if (!meta && !strcmp(kind, "meta"))
			meta = rec;
		else if (!strcmp(kind, "end"))
			complete = true;
		else if (!strcmp(kind, "inventory")) {
			const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec,
			    "payload");

			if (cJSON_GetObjectItemCaseSensitive(p, "response"))
				p = cJSON_GetObjectItemCaseSensitive(p, "response");
			if (cJSON_GetObjectItemCaseSensitive(seen,
			    str_or(rec, "host", "?")))
				continue;
			cJSON_AddTrueToObject(seen, str_or(rec, "host", "?"));
			lt_buf_adds(&hosts, hosts.len ? "<br>" : "");
			md_code(&hosts, str_or(rec, "host", "?"), true);
			md_row_text(&hosts, " ", str_or(p, "friendly_name",
			    ""));
			md_row_text(&hosts, " ", str_or(p, "version", ""));
		}
	}
	server = cJSON_GetObjectItemCaseSensitive(meta, "server");
	md_row(out, "| | |\n|---|---|\n| tool", str_or(meta, "tool",
	    "latticectl"), str_or(meta, "version", "?"));
	md_row(out, "| server", str_or(server, "name", "?"),
	    str_or(server, "version", "?"));
	md_row(out, "| lattice", str_or(meta, "lattice", "?"), NULL);
	md_row(out, "| recorded", recorded_at(recs), "(UTC)");
	lt_buf_addf(out, "| hosts | %s |\n", hosts.buf ? hosts.buf : "(none "
	    "recorded)");
	md_row(out, "| wadm", str_or(meta, "wadm_version",
	    "unknown (wadm does not report it)"), NULL);
	lt_buf_adds(out, "| recording | ");
	md_code(out, source, true);
	lt_buf_addf(out, ", %d records%s |\n\n", cJSON_GetArraySize(recs),
	    complete ? "" : ", incomplete");
	lt_buf_release(&hosts);
	cJSON_Delete(seen);
}

/* An evidence item's seq as written (never converted: 1e999 is no int),
 * or "?" when it is no number (lt_json_number_text). */
static const char *
seq_text(const cJSON *v, char *buf, size_t size)
{
	return cJSON_IsNumber(v) ? lt_json_number_text(v, buf, size) : "?";
}

static void
md_findings(const cJSON *recs, struct lt_buf *out)
{
	const cJSON *rec, *s;
	char seq[64];
	int n = 0;

	lt_buf_adds(out, "### Findings\n\n");
	cJSON_ArrayForEach(rec, recs) {
		if (strcmp(str_or(rec, "kind", ""), "finding"))
			continue;
		n++;
		md_row_text(out, "- **", str_or(rec, "severity", "?"));
		lt_buf_adds(out, "** ");
		md_code(out, str_or(rec, "id", "?"), false);
		md_row_text(out, ": ", str_or(rec, "title", ""));
		lt_buf_adds(out, " (evidence:");
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(rec,
		    "evidence"))
			lt_buf_addf(out, " #%s", seq_text(s, seq, sizeof(seq)));
		md_row_text(out, ")  \n  next: ", str_or(rec, "next", "-"));
		lt_buf_addch(out, '\n');
	}
	if (n == 0)
		lt_buf_adds(out, "No findings.\n");
	lt_buf_adds(out, "\n");
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

static void
md_arrow(const struct lanes *lanes, const cJSON *rec, struct lt_buf *out)
{
	const char *kind = str_or(rec, "kind", "");
	bool mine = pair_is_mine(lanes, rec);
	const char *peer = mine ? "latticectl" : "wadm";
	const char *caller = mine ? "latticectl" : "client";	/* wadm API */
	char lane[64], who[64];
	struct lt_buf l = LT_BUF_INIT;

	lane_of(lanes, rec, lane, sizeof(lane));
	md_participant(lane, who, sizeof(who));
	label(rec, &l);
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
	md_text(out, l.buf ? l.buf : kind, 100);
	lt_buf_addch(out, '\n');
	lt_buf_release(&l);
}

/* Whether latticectl appears in the diagrams (its own requests), and
 * another client of wadm's API (wash, a CI job: "client"). */
static void
md_callers(const struct lanes *lanes, const cJSON *recs, bool *self,
    bool *client)
{
	const cJSON *rec;

	*self = *client = false;
	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");
		bool mine = pair_is_mine(lanes, rec);

		*self |= !strcmp(kind, "snapshot") || mine;
		*client |= lt_str_has_prefix(kind, "wadm.re") && !mine;
	}
}

/* A phase's heading and the start of its diagram (in body). */
static void
md_diagram_head(const struct lanes *lanes, const char *phase, bool self,
    bool client, struct lt_buf *out, struct lt_buf *body)
{
	char who[64];
	int i;

	md_row_text(out, "### Phase: ", phase);
	lt_buf_adds(out, "\n\n");
	lt_buf_adds(body, "sequenceDiagram\n");
	if (self)
		lt_buf_adds(body, "    participant latticectl\n");
	if (client)
		lt_buf_adds(body, "    participant client as another wadm "
		    "client\n");
	for (i = 0; i < lanes->n; i++) {
		md_participant(lanes->name[i], who, sizeof(who));
		lt_buf_addf(body, "    participant %s as ", who);
		md_text(body, lanes->name[i], sizeof(lanes->name[i]));
		lt_buf_addch(body, '\n');
	}
}

/* The diagram in body as a mermaid block, body emptied. */
static void
md_diagram_end(struct lt_buf *out, struct lt_buf *body)
{
	md_fence(out, "mermaid", body);
	lt_buf_addch(out, '\n');
	lt_buf_reset(body);
}

static void
md_diagrams(const cJSON *recs, const struct lanes *lanes, struct lt_buf *out)
{
	const cJSON *rec;
	struct lt_buf body = LT_BUF_INIT;
	bool open = false, self, client;

	md_callers(lanes, recs, &self, &client);
	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");
		char lane[64];

		lane_of(lanes, rec, lane, sizeof(lane));
		if (strcmp(kind, "phase") && (!*lane ||
		    !lt_timeline_known_kind(kind)))
			continue;
		if (!strcmp(kind, "phase") || !open) {
			if (open)
				md_diagram_end(out, &body);
			md_diagram_head(lanes, strcmp(kind, "phase") ?
			    "recording" : str_or(rec, "phase", "?"), self,
			    client, out, &body);
			open = true;
			if (!strcmp(kind, "phase"))
				continue;
		}
		md_arrow(lanes, rec, &body);
	}
	if (open)
		md_diagram_end(out, &body);
	lt_buf_release(&body);
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
		md_inline(out, str_or(d, "op", "deleted"));
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

/* The referenced configs at each checkpoint, one column per snapshot
 * (named by its phase); a cell that changed since the column before is
 * bold. */
static void
md_configdata(const cJSON *recs, struct lt_buf *out)
{
	cJSON *snaps = cJSON_CreateArray(), *phases = cJSON_CreateArray();
	cJSON *names = cJSON_CreateObject();
	const cJSON *rec, *name, *snap, *ph;
	const char *phase = "recording";
	struct lt_buf cell = LT_BUF_INIT, prev = LT_BUF_INIT;

	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");

		if (!strcmp(kind, "phase"))
			phase = str_or(rec, "phase", "?");
		if (strcmp(kind, "snapshot"))
			continue;
		cJSON_AddItemReferenceToArray(snaps, (cJSON *)rec);
		cJSON_AddItemToArray(phases, cJSON_CreateString(phase));
		add_names(names, cJSON_GetObjectItemCaseSensitive(rec, "entries"));
		add_names(names, cJSON_GetObjectItemCaseSensitive(rec, "deleted"));
	}
	if (names->child) {
		lt_buf_adds(out, "### Configs at each checkpoint\n\n| config |");
		cJSON_ArrayForEach(ph, phases) {
			md_row_text(out, " ", ph->valuestring);
			lt_buf_adds(out, " |");
		}
		lt_buf_adds(out, "\n|---|");
		cJSON_ArrayForEach(ph, phases)
			lt_buf_adds(out, "---|");
		lt_buf_adds(out, "\n");
	}
	cJSON_ArrayForEach(name, names) {
		lt_buf_adds(out, "| ");
		md_code(out, name->string, true);
		lt_buf_adds(out, " |");
		lt_buf_reset(&prev);
		cJSON_ArrayForEach(snap, snaps) {
			lt_buf_reset(&cell);
			md_config_cell(snap, name->string, &cell);
			lt_buf_addf(out, snap != snaps->child && strcmp(
			    lt_buf_str(&cell), lt_buf_str(&prev)) ? " **%s** |" :
			    " %s |", lt_buf_str(&cell));
			lt_buf_reset(&prev);
			lt_buf_adds(&prev, lt_buf_str(&cell));
		}
		lt_buf_adds(out, "\n");
	}
	if (names->child)
		lt_buf_adds(out, "\n");
	lt_buf_release(&cell);
	lt_buf_release(&prev);
	cJSON_Delete(snaps);
	cJSON_Delete(phases);
	cJSON_Delete(names);
}

static void
md_timeline(const cJSON *recs, struct lt_buf *out)
{
	const cJSON *rec;
	struct lt_buf body = LT_BUF_INIT;

	lt_buf_addf(out, "<details><summary>Timeline (%d records)</summary>\n"
	    "\n", cJSON_GetArraySize(recs));
	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");

		if (!strcmp(kind, "meta") || !strcmp(kind, "end") ||
		    !lt_timeline_known_kind(kind))
			continue;
		lt_timeline_line(rec, plain(), &body);	/* one line each */
		lt_buf_addch(&body, '\n');
	}
	md_fence(out, "", &body);	/* so </details> in it is text */
	lt_buf_adds(out, "\n</details>\n");
	lt_buf_release(&body);
}

void
lt_report_markdown(const cJSON *recs, const char *source, struct lt_buf *out)
{
	struct lanes lanes;

	collect_lanes(recs, &lanes);
	lt_buf_adds(out, "## latticectl report\n\n");
	md_env(recs, source, out);
	md_findings(recs, out);
	md_diagrams(recs, &lanes, out);
	md_configdata(recs, out);
	md_timeline(recs, out);
	cJSON_Delete(lanes.pairs);
	cJSON_Delete(lanes.mine);
}

/* ---- HTML ---- */

static void
html_esc(struct lt_buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			lt_buf_adds(out, "&lt;");
		else if (*s == '>')
			lt_buf_adds(out, "&gt;");
		else if (*s == '&')
			lt_buf_adds(out, "&amp;");
		else if (*s == '"')
			lt_buf_adds(out, "&quot;");
		else
			lt_buf_addch(out, *s);
	}
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
    "<title>latticectl report</title>\n<style>\n"
    "body{font-family:sans-serif;margin:1em}\n"
    "table.lanes{border-collapse:collapse;font-size:12px}\n"
    "table.lanes td,table.lanes th{border:1px solid #ccc;padding:2px 4px;"
    "vertical-align:top}\n"
    "tr.phase td{background:#e8e8ff;font-weight:bold}\n"
    "li.error{color:#b00}li.warning{color:#a60}\n"
    "td.t{font-family:monospace;white-space:nowrap}\n"
    "</style></head><body>\n";

static void
html_findings(const cJSON *recs, struct lt_buf *out)
{
	const cJSON *rec, *s;
	char seq[64];
	int n = 0;

	lt_buf_adds(out, "<h2>Findings</h2>\n<ul id=\"findings\">\n");
	cJSON_ArrayForEach(rec, recs) {
		if (strcmp(str_or(rec, "kind", ""), "finding"))
			continue;
		n++;
		lt_buf_adds(out, "<li class=\"");
		html_esc(out, str_or(rec, "severity", "warning"));
		lt_buf_adds(out, "\" data-id=\"");
		html_esc(out, str_or(rec, "id", "?"));
		lt_buf_adds(out, "\"><b>");
		html_esc(out, str_or(rec, "id", "?"));
		lt_buf_adds(out, "</b>: ");
		html_esc(out, str_or(rec, "title", ""));
		lt_buf_adds(out, " (evidence:");
		cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(rec,
		    "evidence")) {
			const char *t = seq_text(s, seq, sizeof(seq));

			lt_buf_addf(out, " <a href=\"#r%s\">#%s</a>", t, t);
		}
		lt_buf_adds(out, ")<br>next: ");
		html_esc(out, str_or(rec, "next", "-"));
		lt_buf_adds(out, "</li>\n");
	}
	if (n == 0)
		lt_buf_adds(out, "<li>No findings.</li>\n");
	lt_buf_adds(out, "</ul>\n");
}

static void
html_row(const struct lanes *lanes, const cJSON *rec, struct lt_buf *out)
{
	const char *kind = str_or(rec, "kind", "");
	char lane[64], t[32], buf[64];
	struct lt_buf l = LT_BUF_INIT;
	const char *seq = lt_json_num_text(rec, "seq", "0", buf, sizeof(buf));
	int i;

	lt_time_format_short(lt_timeline_time(rec), t, sizeof(t));
	lane_of(lanes, rec, lane, sizeof(lane));
	if (!*lane) {
		lt_timeline_other(rec, kind, plain(), &l);
		lt_buf_addf(out, "<tr id=\"r%s\" class=\"%s\"><td class=\"t\">"
		    "#%s %s</td><td colspan=\"%d\">", seq, kind, seq, t,
		    lanes->n);
		html_esc(out, l.buf);
		lt_buf_adds(out, "</td></tr>\n");
		lt_buf_release(&l);
		return;
	}
	label(rec, &l);
	lt_buf_addf(out, "<tr id=\"r%s\" class=\"%s\"><td class=\"t\">#%s %s"
	    "</td>", seq, kind, seq, t);
	for (i = 0; i < lanes->n; i++) {
		lt_buf_adds(out, "<td>");
		if (!strcmp(lanes->name[i], lane))
			html_esc(out, l.buf);
		lt_buf_adds(out, "</td>");
	}
	lt_buf_adds(out, "</tr>\n");
	lt_buf_release(&l);
}

void
lt_report_html(const cJSON *recs, const char *source, struct lt_buf *out)
{
	struct lanes lanes;
	const cJSON *rec;
	int i;

	collect_lanes(recs, &lanes);
	lt_buf_adds(out, html_head);
	lt_buf_adds(out, "<h1>latticectl report</h1>\n<p>Recording: <code>");
	html_esc(out, source);
	lt_buf_adds(out, "</code>, recorded <time>");
	html_esc(out, recorded_at(recs));
	lt_buf_addf(out, "</time> (UTC), %d records</p>\n",
	    cJSON_GetArraySize(recs));
	html_findings(recs, out);
	lt_buf_adds(out, "<h2>Timeline</h2>\n<table class=\"lanes\">\n<tr>"
	    "<th>time</th>");
	for (i = 0; i < lanes.n; i++) {
		lt_buf_adds(out, "<th class=\"lane\">");
		html_esc(out, lanes.name[i]);
		lt_buf_adds(out, "</th>");
	}
	lt_buf_adds(out, "</tr>\n");
	cJSON_ArrayForEach(rec, recs) {
		const char *kind = str_or(rec, "kind", "");

		if (strcmp(kind, "meta") && strcmp(kind, "end") &&
		    lt_timeline_known_kind(kind))
			html_row(&lanes, rec, out);
	}
	lt_buf_adds(out, "</table>\n</body></html>\n");
	cJSON_Delete(lanes.pairs);
	cJSON_Delete(lanes.mine);
}
