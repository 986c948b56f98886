/* report.c: the model both reports share (report-priv.h): the first pass
 * over a recording and the lane and label of a record. Every record
 * belongs to one lane (wadm, a host, "hosts", kv, probe) or spans them
 * all (phases, findings, gaps). The first pass keeps only what is bounded
 * (lanes, counts by name, the first findings, snapshots, inventories) and
 * a table of request pairs, so a report's memory does not grow with the
 * recording's events. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/findings.h"
#include "latticectl/json.h"
#include "latticectl/nkey.h"
#include "latticectl/text.h"
#include "latticectl/timeline.h"
#include "latticectl/util.h"
#include "report-priv.h"
#include "banned.h"

struct rs_pair {
	uint64_t key;		/* pair + 1; 0: free slot */
	int16_t lane;		/* host lane of the request, -1 */
	bool mine;
};

const char *
rs_str(const cJSON *o, const char *key, const char *def)
{
	const char *s = lt_json_str(o, key);

	return s ? s : def;
}

uint64_t
rs_seq(const cJSON *rec)
{
	double d = lt_json_num(rec, "seq", 0);

	return d > 0 && d < 1.8e19 ? (uint64_t)d : 0;
}

const char *
rs_seq_text(const cJSON *v, char *buf, size_t size)
{
	return cJSON_IsNumber(v) ? lt_json_number_text(v, buf, size) : "?";
}

bool
rs_spanning(const char *kind)
{
	return !strcmp(kind, "phase") || !strcmp(kind, "finding") ||
	    !strcmp(kind, "gap") || !strcmp(kind, "meta") ||
	    !strcmp(kind, "end");
}

void
rs_flush(struct lt_buf *b, FILE *fp, size_t min)
{
	if (b->len > min) {
		(void)fwrite(b->buf, 1, b->len, fp);	/* ferror: caller */
		lt_buf_reset(b);
	}
}

/* ---- request pairs: open addressing on the pair number ---- */

static uint64_t
pair_key(const cJSON *rec)
{
	double d = lt_json_num(rec, "pair", -1);

	return d >= 0 && d < 1.8e19 ? (uint64_t)d + 1 : 0;
}

static struct rs_pair *
pair_slot(const struct rscan *s, uint64_t key)
{
	size_t i;

	if (!s->pairs_cap || !key)
		return NULL;
	for (i = (key * 0x9e3779b97f4a7c15ULL) & (s->pairs_cap - 1);;
	    i = (i + 1) & (s->pairs_cap - 1))
		if (s->pairs[i].key == key || !s->pairs[i].key)
			return &s->pairs[i];
}

static struct rs_pair *
pair_add(struct rscan *s, uint64_t key)
{
	struct rs_pair *p;

	if ((s->npairs + 1) * 2 > s->pairs_cap) {
		struct rs_pair *old = s->pairs;
		size_t i, n = s->pairs_cap;

		s->pairs_cap = n ? n * 2 : 1024;
		s->pairs = lt_xcalloc(s->pairs_cap, sizeof(*s->pairs));
		for (i = 0; i < n; i++)
			if (old[i].key)
				*pair_slot(s, old[i].key) = old[i];
		free(old);
	}
	p = pair_slot(s, key);
	if (!p->key) {
		p->key = key;
		p->lane = -1;
		s->npairs++;
	}
	return p;
}

static const struct rs_pair *
pair_find(const struct rscan *s, const cJSON *rec)
{
	const struct rs_pair *p = pair_slot(s, pair_key(rec));

	return p && p->key ? p : NULL;
}

bool
rs_mine(const struct rscan *s, const cJSON *rec)
{
	const struct rs_pair *p = pair_find(s, rec);

	return p && p->mine;
}

/* ---- lanes ---- */

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

static int
lane_find(const struct rscan *s, const char *name)
{
	int i;

	for (i = 0; i < s->nlanes; i++)
		if (!strcmp(s->lane[i], name))
			return i;
	return -1;
}

static int
lane_add(struct rscan *s, const char *name)
{
	int i = lane_find(s, name);

	if (i >= 0)
		return i;
	if (s->nlanes == RS_MAX_LANES)
		return s->nlanes - 1;
	snprintf(s->lane[s->nlanes], sizeof(s->lane[0]), "%s", name);
	if (lt_str_has_prefix(name, "host "))
		s->nhosts++;
	return s->nlanes++;
}

/* The lane of a ctl message that names no host (a queue-group or
 * lattice-wide request such as config.put, and its reply): the one host
 * when there is one, else "hosts". */
static void
any_host_lane(const struct rscan *s, char *out, size_t len)
{
	int i;

	for (i = 0; s->nhosts == 1 && i < s->nlanes; i++)
		if (lt_str_has_prefix(s->lane[i], "host ")) {
			snprintf(out, len, "%s", s->lane[i]);
			return;
		}
	snprintf(out, len, "%s", "hosts");
}

/* The host lt_event_host finds in an event record after
 * lt_timeline_event (data's host_id of a CloudEvent, else a source that
 * looks like a host id), read from the record's tree instead of printing
 * and parsing the event again: the first pass does it for every event.
 * false for an event not embedded as JSON. */
static bool
event_host(const cJSON *rec, const char **host)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(rec, "event");
	const char *source = lt_json_str(e, "source");
	bool ce;

	if (!cJSON_IsObject(e) || lt_json_str(rec, "encoding"))
		return false;
	ce = lt_json_str(e, "type") && source &&
	    cJSON_IsString(cJSON_GetObjectItem(e, "specversion"));
	*host = ce ? lt_json_str(cJSON_GetObjectItem(e, "data"), "host_id") :
	    NULL;
	if (!*host && source && source[0] == 'N')
		*host = source;
	return true;
}

/* The lane name of a record; "" for records that span every lane. */
static void
lane_name(const struct rscan *s, const cJSON *rec, char *out, size_t len)
{
	const char *kind = rs_str(rec, "kind", "");
	const char *host = NULL;
	const struct rs_pair *p;

	snprintf(out, len, "%s", "wadm");
	if (rs_spanning(kind)) {
		out[0] = '\0';
	} else if (!strcmp(kind, "kv") || !strcmp(kind, "snapshot")) {
		snprintf(out, len, "%s", "kv");
	} else if (!strcmp(kind, "probe")) {
		snprintf(out, len, "%s", "probe");
	} else if (!strcmp(kind, "event")) {
		struct lt_event ev;
		char *data;

		if (event_host(rec, &host)) {
			if (host && *host)
				host_lane(host, out, len);
		} else if (lt_timeline_event(rec, &ev, &data)) {
			if (lt_event_host(&ev) && *lt_event_host(&ev))
				host_lane(lt_event_host(&ev), out, len);
			lt_event_release(&ev);
			free(data);
		}
	} else {
		if (!strcmp(kind, "inventory"))
			host = lt_json_str(rec, "host");
		else if (lt_str_has_prefix(kind, "ctl."))
			host = subject_host(lt_json_str(rec, "subject"));
		if (host)
			host_lane(host, out, len);
		else if (!strcmp(kind, "ctl.reply") && (p = pair_find(s, rec))
		    && p->lane >= 0)
			snprintf(out, len, "%s", s->lane[p->lane]);
		else if (lt_str_has_prefix(kind, "ctl."))
			any_host_lane(s, out, len);
	}
}

int
rs_lane(const struct rscan *s, const cJSON *rec)
{
	char name[64];
	int i;

	lane_name(s, rec, name, sizeof(name));
	if (!*name)
		return -1;
	i = lane_find(s, name);
	return i >= 0 ? i : s->nlanes - 1;
}

/* ---- labels ---- */

/* A short label for a record in a diagram or lane cell, as the record
 * has it. */
static void
label_raw(const cJSON *rec, struct lt_buf *out)
{
	const char *kind = rs_str(rec, "kind", "?");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload");
	const char *subject = lt_json_str(rec, "subject");

	if (!strcmp(kind, "event")) {
		struct lt_event ev;
		char *data;

		if (lt_timeline_event(rec, &ev, &data)) {
			struct lt_buf b = LT_BUF_INIT;
			const char *sp;

			lt_event_format_text(&ev, lt_timeline_time(rec), false,
			    lt_output_colors(false), &b);
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
		    "ok", rs_str(p, "message", ""));
	} else if (!strcmp(kind, "wadm.cmd") && p && p->child) {
		lt_buf_addf(out, "%s", p->child->string ? p->child->string :
		    "command");
		if (p->child->child && cJSON_IsString(p->child->child))
			lt_buf_addf(out, " %s", p->child->child->valuestring);
	} else if (!strcmp(kind, "kv")) {
		lt_buf_addf(out, "%s %s", rs_str(rec, "op", "?"),
		    rs_str(rec, "key", "?"));
	} else if (!strcmp(kind, "wadm.status")) {
		lt_buf_addf(out, "status %s", rs_str(
		    cJSON_GetObjectItemCaseSensitive(p, "status"), "type", "?"));
	} else if (!strcmp(kind, "probe")) {
		lt_buf_addf(out, "probe %.0f %s", lt_json_num(rec,
		    "http_status", 0), rs_str(rec, "body", ""));
	} else if (!strcmp(kind, "inventory")) {
		if (cJSON_GetObjectItemCaseSensitive(p, "response"))
			p = cJSON_GetObjectItemCaseSensitive(p, "response");
		lt_buf_addf(out, "inventory: %d components, %d providers",
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(p,
		    "components")), cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(p, "providers")));
	} else if (!strcmp(kind, "snapshot")) {
		lt_buf_addf(out, "snapshot %s: %d configs", rs_str(rec, "bucket",
		    "?"), cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rec,
		    "entries")));
	} else if (!strcmp(kind, "wadm.request") && subject &&
	    strstr(subject, ".model.")) {
		lt_buf_adds(out, strstr(subject, ".model.") + 1);
	} else {
		lt_buf_addf(out, "%s %s", kind, subject ? subject : "");
	}
}

void
rs_label(const cJSON *rec, struct lt_buf *out)
{
	struct lt_buf raw = LT_BUF_INIT;

	label_raw(rec, &raw);
	if (raw.len > 0)
		lt_buf_add_text(out, raw.buf, raw.len);
	lt_buf_release(&raw);
}

/* ---- the first pass ---- */

/* One more record under name, cut as the table keeps it. */
static void
count(struct rs_counts *c, const char *name)
{
	char cut[sizeof(c->name[0])];
	int i;

	snprintf(cut, sizeof(cut), "%s", name);
	for (i = 0; i < c->len; i++)
		if (!strcmp(c->name[i], cut)) {
			c->n[i]++;
			return;
		}
	if (c->len == RS_MAX_NAMES) {
		c->other++;
		return;
	}
	memcpy(c->name[c->len], cut, sizeof(cut));
	c->n[c->len++] = 1;
}

static int
ev_cmp(const void *a, const void *b)
{
	const struct rs_evidence *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
scan_finding(struct rscan *s, const cJSON *rec)
{
	const cJSON *e;
	int f = cJSON_GetArraySize(s->findings);

	if (s->nfindings++ >= RS_MAX_FINDINGS)
		return;
	cJSON_AddItemToArray(s->findings, cJSON_Duplicate(rec, true));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rec,
	    "evidence")) {
		if (!cJSON_IsNumber(e) || e->valuedouble <= 0 ||
		    e->valuedouble >= 1.8e19)
			continue;
		if (s->nev % 64 == 0)
			s->ev = lt_xrealloc(s->ev, (s->nev + 64) * sizeof(*s->ev));
		s->ev[s->nev].seq = (uint64_t)e->valuedouble;
		s->ev[s->nev++].finding = f;
	}
}

static void
scan_inventory(struct rscan *s, const cJSON *rec)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rec, "payload"), *h;
	const char *id = rs_str(rec, "host", "?");
	cJSON *row;

	if (cJSON_GetObjectItemCaseSensitive(p, "response"))
		p = cJSON_GetObjectItemCaseSensitive(p, "response");
	cJSON_ArrayForEach(h, s->hosts)
		if (!strcmp(cJSON_GetArrayItem(h, 0)->valuestring, id))
			return;
	if (cJSON_GetArraySize(s->hosts) >= RS_MAX_HOSTS)
		return;
	row = cJSON_CreateArray();
	cJSON_AddItemToArray(row, cJSON_CreateString(id));
	cJSON_AddItemToArray(row, cJSON_CreateString(rs_str(p,
	    "friendly_name", "")));
	cJSON_AddItemToArray(row, cJSON_CreateString(rs_str(p, "version",
	    "")));
	cJSON_AddItemToArray(s->hosts, row);
}

static void
scan_record(struct rscan *s, const cJSON *rec, const char **phase,
    bool *anyhost)
{
	const char *kind = rs_str(rec, "kind", "");
	const char *h = subject_host(lt_json_str(rec, "subject"));
	const char *from = lt_json_str(rec, "from");
	bool sent = from && !strcmp(from, "latticectl");
	int64_t t = lt_timeline_time(rec);
	uint64_t key = pair_key(rec);
	char lane[64];

	if (!s->nrecs++)
		snprintf(s->first_text, sizeof(s->first_text), "%s",
		    rs_str(rec, "t", "?"));
	snprintf(s->last_text, sizeof(s->last_text), "%s", rs_str(rec, "t",
	    "?"));
	if (t && (!s->first_t || t < s->first_t))
		s->first_t = t;
	if (t > s->last_t)
		s->last_t = t;
	count(&s->kinds, kind);
	if (!strcmp(kind, "meta") && !s->meta)
		s->meta = cJSON_Duplicate(rec, true);
	else if (!strcmp(kind, "end"))
		s->complete = true;
	else if (!strcmp(kind, "phase"))
		*phase = rs_str(rec, "phase", "?");
	else if (!strcmp(kind, "finding"))
		scan_finding(s, rec);
	else if (!strcmp(kind, "inventory"))
		scan_inventory(s, rec);
	else if (!strcmp(kind, "event"))
		count(&s->types, rs_str(cJSON_GetObjectItemCaseSensitive(rec,
		    "event"), "type", "?"));
	if (!strcmp(kind, "snapshot") &&
	    cJSON_GetArraySize(s->snaps) < RS_MAX_SNAPSHOTS) {
		cJSON_AddItemToArray(s->snaps, cJSON_Duplicate(rec, true));
		cJSON_AddItemToArray(s->snap_phases, cJSON_CreateString(*phase));
	}
	count(&s->phases, *phase);
	if (key && ((!strcmp(kind, "ctl.request") && h) || sent)) {
		struct rs_pair *p = pair_add(s, key);

		p->mine |= sent;
		if (!strcmp(kind, "ctl.request") && h) {
			host_lane(h, lane, sizeof(lane));
			p->lane = (int16_t)lane_add(s, lane);
		}
	}
	lane_name(s, rec, lane, sizeof(lane));
	if (lt_str_has_prefix(lane, "host "))
		lane_add(s, lane);
	*anyhost |= !strcmp(lane, "hosts");
	count(&s->lanes, *lane ? lane : "all lanes");
	if (*lane && lt_timeline_known_kind(kind))
		s->drawable++;
	s->self |= !strcmp(kind, "snapshot") || rs_mine(s, rec);
	s->client |= lt_str_has_prefix(kind, "wadm.re") && !rs_mine(s, rec);
}

/* A recording without finding records of its own (watch, sub, kv
 * watch): the findings the engine derives from it, settled at its end,
 * as if they were there (latticectl-report(1)). */
static void
derive_findings(struct rscan *s, struct lt_findings *eng)
{
	cJSON *list, *f;

	if (s->nfindings)
		return;
	lt_findings_settle(eng, NULL);
	list = lt_findings_list(eng);
	cJSON_ArrayForEach(f, list)
		scan_finding(s, f);
	cJSON_Delete(list);
}

int
rs_scan(struct rscan *s, const struct lt_report_src *src,
    struct lt_error *err)
{
	struct lt_findings *eng = lt_findings_new(NULL);
	const char *phase = "recording";
	char phase_buf[64];
	bool anyhost = false;
	cJSON *rec;
	int rc;

	memset(s, 0, sizeof(*s));
	s->findings = cJSON_CreateArray();
	s->hosts = cJSON_CreateArray();
	s->snaps = cJSON_CreateArray();
	s->snap_phases = cJSON_CreateArray();
	lane_add(s, "wadm");
	if (src->rewind(src->ctx, err) < 0) {
		lt_findings_free(eng);
		return -1;
	}
	while ((rc = src->next(src->ctx, &rec, err)) > 0) {
		scan_record(s, rec, &phase, &anyhost);
		if (s->nfindings == 0)
			lt_findings_feed(eng, rec, NULL);
		if (phase != phase_buf) {	/* rec owns it: keep a copy */
			snprintf(phase_buf, sizeof(phase_buf), "%s", phase);
			phase = phase_buf;
		}
		cJSON_Delete(rec);
	}
	if (rc == 0)
		derive_findings(s, eng);
	lt_findings_free(eng);
	if (anyhost && s->nhosts != 1)
		lane_add(s, "hosts");
	lane_add(s, "kv");
	lane_add(s, "probe");
	if (s->nev)
		qsort(s->ev, s->nev, sizeof(*s->ev), ev_cmp);
	return rc;
}

void
rs_release(struct rscan *s)
{
	free(s->pairs);
	free(s->ev);
	cJSON_Delete(s->meta);
	cJSON_Delete(s->findings);
	cJSON_Delete(s->hosts);
	cJSON_Delete(s->snaps);
	cJSON_Delete(s->snap_phases);
}

int
rs_each(const struct lt_report_src *src, int (*fn)(void *, const cJSON *),
    void *ctx, struct lt_error *err)
{
	cJSON *rec;
	int rc;

	if (src->rewind(src->ctx, err) < 0)
		return -1;
	while ((rc = src->next(src->ctx, &rec, err)) > 0) {
		rc = fn(ctx, rec);
		cJSON_Delete(rec);
		if (rc)
			return 0;
	}
	return rc;
}

int
rs_near(const struct rscan *s, uint64_t seq, uint64_t ctx, int *out, int max)
{
	size_t lo = 0, hi = s->nev, mid;
	uint64_t from = seq > ctx ? seq - ctx : 0;
	int n = 0, j;

	while (lo < hi) {	/* the first evidence at or after from */
		mid = (lo + hi) / 2;
		if (s->ev[mid].seq < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->nev && s->ev[lo].seq <= seq + ctx && n < max; lo++) {
		for (j = 0; j < n && out[j] != s->ev[lo].finding; j++)
			;
		if (j == n)
			out[n++] = s->ev[lo].finding;
	}
	return n;
}

/* ---- sources ---- */

static int
array_rewind(void *ctx, struct lt_error *err)
{
	struct lt_report_array *it = ctx;

	(void)err;
	it->at = it->recs ? it->recs->child : NULL;
	return 0;
}

static int
array_next(void *ctx, cJSON **rec, struct lt_error *err)
{
	struct lt_report_array *it = ctx;

	(void)err;
	if (!it->at)
		return 0;
	*rec = cJSON_Duplicate(it->at, true);
	it->at = it->at->next;
	return 1;
}

void
lt_report_src_array(struct lt_report_src *src, struct lt_report_array *it,
    const cJSON *recs)
{
	it->recs = recs;
	it->at = NULL;
	src->rewind = array_rewind;
	src->next = array_next;
	src->ctx = it;
}
