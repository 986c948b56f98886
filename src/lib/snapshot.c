/* snapshot.c: KV snapshots in memory (an arena for strings, entries sorted
 * by key) and the snapshot file format: JSON lines, a header, one line per
 * key, an end line that makes truncation visible. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/json.h"
#include "latticectl/snapshot.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

#define CHUNK_SIZE (1024 * 1024)
#define JSON_DEPTH 64

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct lt_snapshot_arena {
	struct chunk *head;
	struct lt_buf scratch;	/* encoding one value */
};

void
lt_snapshot_init(struct lt_snapshot *s)
{
	struct lt_snapshot init = LT_SNAPSHOT_INIT;

	*s = init;
}

void
lt_snapshot_release(struct lt_snapshot *s)
{
	struct chunk *c, *next;

	if (s->arena) {
		for (c = s->arena->head; c; c = next) {
			next = c->next;
			free(c);
		}
		lt_buf_release(&s->arena->scratch);
		free(s->arena);
	}
	free(s->bucket);
	free(s->lattice);
	free(s->source);
	free(s->v);
	lt_snapshot_init(s);
}

static struct lt_snapshot_arena *
arena(struct lt_snapshot *s)
{
	if (s->arena == NULL)
		s->arena = lt_xcalloc(1, sizeof(*s->arena));
	return s->arena;
}

static char *
arena_alloc(struct lt_snapshot *s, size_t n)
{
	struct lt_snapshot_arena *a = arena(s);
	struct chunk *c = a->head;

	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;

		c = lt_xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		/* a big value gets its own chunk behind the current one, so
		 * the current chunk's free space is not wasted */
		if (size != CHUNK_SIZE && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	c->used += n;
	return c->data + c->used - n;
}

const char *
lt_snapshot_strdup(struct lt_snapshot *s, const char *p, size_t len)
{
	char *d = arena_alloc(s, len + 1);

	if (len)
		memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

static struct lt_snapshot_entry *
new_entry(struct lt_snapshot *s)
{
	struct lt_snapshot_entry *e;

	if (s->n == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 256;
		s->v = lt_xrealloc(s->v, s->alloc * sizeof(*s->v));
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Store data (already redacted) as JSON, mask or base64 text. */
static void
encode_value(struct lt_snapshot *s, struct lt_snapshot_entry *e,
    const char *data, size_t len, bool masked)
{
	struct lt_buf *b = &arena(s)->scratch;

	lt_buf_reset(b);
	if (masked && lt_redact_is_mask(data, len)) {
		e->enc = LT_KV_ENC_REDACTED;
		e->value = lt_snapshot_strdup(s, data, len);
		e->value_len = len;
		return;
	}
	if (len > 0 && lt_json_compact(data, len, JSON_DEPTH, b) == 0) {
		e->enc = LT_KV_ENC_JSON;
	} else {
		e->enc = LT_KV_ENC_BASE64;
		lt_buf_add_base64(b, data, len);
	}
	e->value = lt_snapshot_strdup(s, lt_buf_str(b), b->len);
	e->value_len = b->len;
}

struct lt_snapshot_entry *
lt_snapshot_add(struct lt_snapshot *s, const char *key, size_t keylen,
    uint64_t revision, int64_t created_ns, enum lt_kv_op op,
    const void *data, size_t len)
{
	struct lt_snapshot_entry *e = new_entry(s);
	char *red = NULL;
	size_t rlen = len;

	e->key = lt_snapshot_strdup(s, key, keylen);
	e->revision = revision;
	e->created_ns = created_ns;
	e->op = op;
	e->raw_len = len;
	if (revision > s->revision && op != LT_KV_UNKNOWN)
		s->revision = revision;
	if (op != LT_KV_PUT || s->meta_only)
		return e;
	if (s->redacted) {
		encode_value(s, e, data, len, lt_redact_is_mask(data, len));
		return e;
	}
	if (!lt_redact_may_change(NULL, data, len, s->redaction) &&
	    (s->redaction == LT_REDACT_NONE ||
	    !lt_redact_name_is_secret(e->key))) {
		encode_value(s, e, data, len, false);	/* nothing to mask */
	} else {
		red = lt_redact_kv_value(e->key, data, len, s->redaction, &rlen);
		encode_value(s, e, red, rlen, rlen != len ||
		    memcmp(red, data, len) != 0);
		free(red);
	}
	return e;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct lt_snapshot_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->revision < y->revision ? -1 : x->revision > y->revision;
}

void
lt_snapshot_order(struct lt_snapshot *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
}

void
lt_snapshot_sort(struct lt_snapshot *s)
{
	size_t i, o = 0;

	lt_snapshot_order(s);
	for (i = 0; i < s->n; i++) {
		if (o > 0 && !strcmp(s->v[o - 1].key, s->v[i].key))
			o--;	/* a later revision of the same key wins */
		s->v[o++] = s->v[i];
	}
	s->n = o;
}

const struct lt_snapshot_entry *
lt_snapshot_find(const struct lt_snapshot *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, s->v[mid].key);

		if (c == 0)
			return &s->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
lt_snapshot_count_live(const struct lt_snapshot *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += s->v[i].op == LT_KV_PUT;
	return n;
}

static const char *const op_names[] = { "put", "delete", "purge", "unknown",
	NULL };

const char *
lt_kv_op_name(enum lt_kv_op op)
{
	return op <= LT_KV_UNKNOWN ? op_names[op] : "?";
}

int
lt_kv_op_parse(const char *s, enum lt_kv_op *out)
{
	int i;

	for (i = 0; s && op_names[i]; i++)
		if (!strcmp(s, op_names[i])) {
			*out = (enum lt_kv_op)i;
			return 0;
		}
	return -1;
}

void
lt_snapshot_value_json(const struct lt_snapshot_entry *e, struct lt_buf *out)
{
	if (e->value == NULL)
		return;
	lt_buf_adds(out, "\"value\":");
	if (e->enc == LT_KV_ENC_JSON) {
		lt_buf_add(out, e->value, e->value_len);
		return;
	}
	lt_buf_add_json_str(out, e->value, e->value_len);
	lt_buf_adds(out, e->enc == LT_KV_ENC_BASE64 ?
	    ",\"encoding\":\"base64\"" : ",\"encoding\":\"redacted\"");
}

/* JSON with two-space indents, one member per line (jq's layout). */
static void
pretty_json(const cJSON *v, int depth, struct lt_buf *out)
{
	const cJSON *c;
	char *p;

	if ((!cJSON_IsObject(v) && !cJSON_IsArray(v)) || v->child == NULL) {
		p = lt_json_print_kept(v, false);
		lt_buf_adds(out, p ? p : "null");
		cJSON_free(p);
		return;
	}
	lt_buf_addch(out, cJSON_IsObject(v) ? '{' : '[');
	for (c = v->child; c; c = c->next) {
		lt_buf_addf(out, "\n%*s", (depth + 1) * 2, "");
		if (cJSON_IsObject(v)) {
			lt_buf_add_json_str(out, c->string, strlen(c->string));
			lt_buf_adds(out, ": ");
		}
		pretty_json(c, depth + 1, out);
		if (c->next)
			lt_buf_addch(out, ',');
	}
	lt_buf_addf(out, "\n%*s%c", depth * 2, "", cJSON_IsObject(v) ? '}' : ']');
}

static void
value_text(const struct lt_snapshot_entry *e, bool pretty, struct lt_buf *out)
{
	struct lt_buf raw = LT_BUF_INIT;

	if (e->enc == LT_KV_ENC_JSON && pretty) {
		cJSON *j = lt_json_parse(e->value, e->value_len);

		if (j)
			pretty_json(j, 0, out);
		else
			lt_buf_add(out, e->value, e->value_len);
		cJSON_Delete(j);
	} else if (e->enc != LT_KV_ENC_BASE64) {
		lt_buf_add(out, e->value, e->value_len);
	} else if (lt_base64_decode(e->value, e->value_len, &raw) == 0 &&
	    lt_is_text(lt_buf_str(&raw), raw.len)) {
		lt_buf_add(out, lt_buf_str(&raw), raw.len);
	} else {
		lt_buf_addf(out, "(binary, %zu bytes)", raw.len);
	}
	lt_buf_release(&raw);
}

void
lt_snapshot_value_text(const struct lt_snapshot_entry *e, bool pretty,
    struct lt_buf *out)
{
	struct lt_buf text = LT_BUF_INIT;

	if (e->value == NULL)
		return;
	value_text(e, pretty, &text);
	if (pretty)
		lt_buf_add_text_lines(out, lt_buf_str(&text), text.len, "");
	else
		lt_buf_add_text(out, lt_buf_str(&text), text.len);
	lt_buf_release(&text);
}

/* Writing. */

static void
format_header(const struct lt_snapshot *s, struct lt_buf *b)
{
	char t[48];

	lt_time_format(s->taken_ns, t, sizeof(t));
	lt_buf_addf(b, "{\"schema\":\"%s\",\"kind\":\"header\",\"tool\":"
	    "\"latticectl\",\"version\":\"%s\",\"bucket\":", LT_SNAPSHOT_SCHEMA,
	    LT_VERSION);
	lt_buf_add_json_str(b, s->bucket ? s->bucket : "",
	    s->bucket ? strlen(s->bucket) : 0);
	if (s->lattice) {
		lt_buf_adds(b, ",\"lattice\":");
		lt_buf_add_json_str(b, s->lattice, strlen(s->lattice));
	}
	lt_buf_adds(b, ",\"source\":");
	lt_buf_add_json_str(b, s->source ? s->source : "live",
	    s->source ? strlen(s->source) : 4);
	lt_buf_adds(b, ",\"server\":{\"id\":");
	lt_buf_add_json_str(b, s->server_id, strlen(s->server_id));
	lt_buf_adds(b, ",\"name\":");
	lt_buf_add_json_str(b, s->server_name, strlen(s->server_name));
	lt_buf_adds(b, ",\"version\":");
	lt_buf_add_json_str(b, s->server_version, strlen(s->server_version));
	lt_buf_addf(b, "},\"taken\":\"%s\",\"duration_ms\":%.3f,"
	    "\"stream_last_seq\":%llu,\"revision\":%llu,\"keys\":%zu,"
	    "\"unknown_keys\":%llu,\"redaction\":\"%s\",\"meta_only\":%s}\n", t,
	    (double)s->duration_ns / 1e6, (unsigned long long)s->stream_last_seq,
	    (unsigned long long)s->revision, s->n,
	    (unsigned long long)s->unknown, lt_redact_mode_name(s->redaction),
	    s->meta_only ? "true" : "false");
}

void
lt_snapshot_entry_json(const struct lt_snapshot_entry *e, struct lt_buf *b)
{
	char t[48];

	lt_time_format(e->created_ns, t, sizeof(t));
	lt_buf_adds(b, "\"key\":");
	lt_buf_add_json_str(b, e->key, strlen(e->key));
	lt_buf_addf(b, ",\"revision\":%llu,\"op\":\"%s\",\"created\":\"%s\"",
	    (unsigned long long)e->revision, lt_kv_op_name(e->op), t);
	if (e->op == LT_KV_PUT)
		lt_buf_addf(b, ",\"size\":%zu", e->raw_len);
	if (e->value) {
		lt_buf_addch(b, ',');
		lt_snapshot_value_json(e, b);
	}
}

static void
format_entry(const struct lt_snapshot_entry *e, struct lt_buf *b)
{
	lt_buf_addch(b, '{');
	lt_snapshot_entry_json(e, b);
	lt_buf_adds(b, "}\n");
}

static int
flush_buf(struct lt_buf *b, FILE *fp, struct lt_error *err)
{
	if (b->len && fwrite(b->buf, 1, b->len, fp) != b->len)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write snapshot: %s",
		    strerror(errno));
	lt_buf_reset(b);
	return 0;
}

int
lt_snapshot_write(const struct lt_snapshot *s, FILE *fp, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	size_t i;
	int rc = 0;

	format_header(s, &b);
	for (i = 0; i < s->n && rc == 0; i++) {
		format_entry(&s->v[i], &b);
		if (b.len > 65536)
			rc = flush_buf(&b, fp, err);
	}
	if (rc == 0) {
		lt_buf_addf(&b, "{\"kind\":\"end\",\"keys\":%zu}\n", s->n);
		rc = flush_buf(&b, fp, err);
	}
	if (rc == 0 && fflush(fp) != 0)
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write snapshot: %s",
		    strerror(errno));
	lt_buf_release(&b);
	return rc;
}

/* Reading. */

struct reader {
	struct lt_snapshot *s;
	const char *name;
	uint64_t line;
	long end_keys;		/* -1 until the end line */
};

/* A member that is a whole number in [0, 2^53], or def. */
static uint64_t
num_u64(const cJSON *obj, const char *key, uint64_t def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	if (!cJSON_IsNumber(v))
		return def;
	d = v->valuedouble;
	return d >= 0 && d <= 9007199254740992.0 ? (uint64_t)d : def;
}

static char *
dup_str(const cJSON *obj, const char *key)
{
	const char *v = lt_json_str(obj, key);

	return v ? lt_xstrdup(v) : NULL;
}

static void
copy_fixed(char *dst, size_t size, const cJSON *obj, const char *key)
{
	const char *v = lt_json_str(obj, key);

	snprintf(dst, size, "%s", v ? v : "");
}

static int
check_schema(struct reader *r, const cJSON *h, struct lt_error *err)
{
	const char *schema = lt_json_str(h, "schema");

	if (schema == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is not a latticectl "
		    "snapshot (no schema in line 1)", r->name);
	if (!strcmp(schema, LT_SNAPSHOT_SCHEMA))
		return 0;
	if (lt_str_has_prefix(schema, "latticectl.snapshot/"))
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is a snapshot of "
		    "schema '%s'; this latticectl reads %s", r->name, schema,
		    LT_SNAPSHOT_SCHEMA);
	return lt_error_set(err, LT_E_RUNTIME, "'%s' is not a latticectl "
	    "snapshot (schema '%s')", r->name, schema);
}

static int
read_header(struct reader *r, const cJSON *h, struct lt_error *err)
{
	struct lt_snapshot *s = r->s;
	const cJSON *server = cJSON_GetObjectItemCaseSensitive(h, "server");
	const char *t = lt_json_str(h, "taken");

	if (check_schema(r, h, err) < 0)
		return -1;
	s->bucket = dup_str(h, "bucket");
	s->lattice = dup_str(h, "lattice");
	copy_fixed(s->server_id, sizeof(s->server_id), server, "id");
	copy_fixed(s->server_name, sizeof(s->server_name), server, "name");
	copy_fixed(s->server_version, sizeof(s->server_version), server,
	    "version");
	if (t == NULL || lt_time_parse(t, &s->taken_ns) < 0)
		s->taken_ns = 0;
	s->duration_ns = (int64_t)num_u64(h, "duration_ms", 0);
	s->duration_ns = s->duration_ns < INT64_MAX / 1000000 ?
	    s->duration_ns * 1000000 : INT64_MAX;	/* (no overflow) */
	s->stream_last_seq = num_u64(h, "stream_last_seq", 0);
	s->unknown = num_u64(h, "unknown_keys", 0);
	s->meta_only = cJSON_IsTrue(cJSON_GetObjectItem(h, "meta_only"));
	if (lt_redact_mode_parse(lt_json_str(h, "redaction"),
	    &s->redaction) < 0)
		return lt_error_set(err, LT_E_RUNTIME, "'%s': unknown redaction "
		    "mode in the header", r->name);
	return 0;
}

/* The value members of an entry line. */
static int
read_value(struct reader *r, struct lt_snapshot_entry *e, const cJSON *j)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "value");
	const char *enc = lt_json_str(j, "encoding");
	char *text;

	if (v == NULL)
		return e->op == LT_KV_PUT && !r->s->meta_only ? -1 : 0;
	if (enc) {
		if (!cJSON_IsString(v) || (strcmp(enc, "base64") &&
		    strcmp(enc, "redacted")))
			return -1;
		e->enc = !strcmp(enc, "base64") ? LT_KV_ENC_BASE64 :
		    LT_KV_ENC_REDACTED;
		e->value_len = strlen(v->valuestring);
		e->value = lt_snapshot_strdup(r->s, v->valuestring,
		    e->value_len);
		return 0;
	}
	text = lt_json_print_kept(v, false);	/* numbers as written */
	e->enc = LT_KV_ENC_JSON;
	e->value_len = strlen(text);
	e->value = lt_snapshot_strdup(r->s, text, e->value_len);
	cJSON_free(text);
	return 0;
}

static int
read_entry(struct reader *r, const cJSON *j, struct lt_error *err)
{
	const char *key = lt_json_str(j, "key");
	const char *t = lt_json_str(j, "created");
	uint64_t rev = num_u64(j, "revision", UINT64_MAX);
	struct lt_snapshot_entry *e;
	enum lt_kv_op op;

	if (key == NULL || rev == UINT64_MAX ||
	    lt_kv_op_parse(lt_json_str(j, "op"), &op) < 0)
		goto bad;
	e = new_entry(r->s);
	e->key = lt_snapshot_strdup(r->s, key, strlen(key));
	e->revision = rev;
	e->op = op;
	e->raw_len = (size_t)num_u64(j, "size", 0);
	if (t == NULL || lt_time_parse(t, &e->created_ns) < 0)
		e->created_ns = 0;
	if (e->revision > r->s->revision && op != LT_KV_UNKNOWN)
		r->s->revision = e->revision;
	if (read_value(r, e, j) == 0)
		return 0;
bad:
	return lt_error_set(err, LT_E_RUNTIME, "'%s': line %llu is not a "
	    "snapshot entry", r->name, (unsigned long long)r->line);
}

/* Fast path for lines laid out exactly as format_entry writes them: no
 * tree is built, the value is validated and copied once. Returns -1 (and
 * adds nothing) for any other layout, which cJSON then reads. */

struct cursor {
	const char *p, *end;
};

static bool
eat(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n))
		return false;
	c->p += n;
	return true;
}

/* A string without escapes up to the closing quote (not consumed). */
static const char *
plain_str(struct cursor *c, size_t *len)
{
	const char *start = c->p;

	while (c->p < c->end && *c->p != '"' && *c->p != '\\' &&
	    (unsigned char)*c->p >= 0x20)
		c->p++;
	if (c->p == c->end || *c->p != '"')
		return NULL;
	*len = (size_t)(c->p - start);
	return start;
}

/* Whether JSON text holds a \u0000 escape: cJSON would end the string
 * there (a key or value cut short without a word). */
static bool
has_nul_escape(const char *p, size_t len)
{
	const char *end = p + len;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (end - p >= 6 && !memcmp(p + 1, "u0000", 5))
			return true;
		p += 2;		/* the escaped character too: "\\\\" */
		if (p >= end)
			break;
	}
	return false;
}

/* A key up to its closing quote (not consumed), its escapes decoded into
 * out when it has any ("a\"b": a key lt_buf_add_json_str escaped). NULL
 * for a key the slow path must see: not a string, or holding \u0000. */
static const char *
key_str(struct cursor *c, struct lt_buf *out, size_t *len)
{
	const char *start = c->p, *key;
	cJSON *j;

	if ((key = plain_str(c, len)) != NULL || c->p == c->end ||
	    *c->p != '\\')
		return key;
	while (c->p < c->end && *c->p != '"' && (unsigned char)*c->p >= 0x20)
		c->p += *c->p == '\\' && c->end - c->p > 1 ? 2 : 1;
	if (c->p >= c->end || *c->p != '"' ||
	    has_nul_escape(start, (size_t)(c->p - start)))
		return NULL;
	lt_buf_reset(out);
	lt_buf_addch(out, '"');
	lt_buf_add(out, start, (size_t)(c->p - start));
	lt_buf_addch(out, '"');
	j = lt_json_parse(out->buf, out->len);
	key = cJSON_GetStringValue(j);
	lt_buf_reset(out);
	if (key)
		lt_buf_adds(out, key);
	cJSON_Delete(j);
	*len = out->len;
	return key ? lt_buf_str(out) : NULL;
}

static bool
number(struct cursor *c, uint64_t *out)
{
	uint64_t v = 0;
	const char *start = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' &&
	    c->p - start < 19)
		v = v * 10 + (uint64_t)(*c->p++ - '0');
	*out = v;
	return c->p > start;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era;
	int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The number in t[from, to), all digits, or -1. */
static int64_t
digits(const char *t, int from, int to)
{
	int64_t v = 0;
	int i;

	for (i = from; i < to; i++) {
		if (t[i] < '0' || t[i] > '9')
			return -1;
		v = v * 10 + (t[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" as lt_time_format writes it, in the
 * years int64 nanoseconds reach; anything else goes to lt_time_parse. */
static bool
fast_time(const char *t, size_t len, int64_t *ns)
{
	int64_t y, mo, d, h, mi, sec, frac;

	if (len != 30 || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
	    t[13] != ':' || t[16] != ':' || t[19] != '.' || t[29] != 'Z')
		return false;
	y = digits(t, 0, 4);
	mo = digits(t, 5, 7);
	d = digits(t, 8, 10);
	h = digits(t, 11, 13);
	mi = digits(t, 14, 16);
	sec = digits(t, 17, 19);
	frac = digits(t, 20, 29);
	if (y < 1700 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60 ||
	    frac < 0)
		return false;
	*ns = ((days_from_civil((int)y, (int)mo, (int)d) * 86400 + h * 3600 +
	    mi * 60 + sec) * 1000000000LL) + frac;
	return true;
}

static bool
fast_value(struct reader *r, struct lt_snapshot_entry *e, struct cursor *c)
{
	static const char b64[] = "\",\"encoding\":\"base64\"}";
	static const char red[] = "\",\"encoding\":\"redacted\"}";
	struct lt_buf *b = &arena(r->s)->scratch;
	size_t n = (size_t)(c->end - c->p);

	bool is_b64 = n > sizeof(b64) && !memcmp(c->end - (sizeof(b64) - 1),
	    b64, sizeof(b64) - 1);
	bool is_red = n > sizeof(red) && !memcmp(c->end - (sizeof(red) - 1),
	    red, sizeof(red) - 1);

	if (*c->p == '"' && (is_b64 || is_red)) {
		size_t vlen = n - 1 - ((is_b64 ? sizeof(b64) : sizeof(red)) - 1);

		if (memchr(c->p + 1, '\\', vlen) || memchr(c->p + 1, '"', vlen))
			return false;
		e->enc = is_b64 ? LT_KV_ENC_BASE64 : LT_KV_ENC_REDACTED;
		e->value = lt_snapshot_strdup(r->s, c->p + 1, vlen);
		e->value_len = vlen;
		return true;
	}
	lt_buf_reset(b);
	if (n < 2 || c->end[-1] != '}' ||
	    lt_json_compact(c->p, n - 1, JSON_DEPTH, b) < 0)
		return false;
	e->enc = LT_KV_ENC_JSON;
	e->value = lt_snapshot_strdup(r->s, lt_buf_str(b), b->len);
	e->value_len = b->len;
	return true;
}

static int
fast_entry(struct reader *r, const char *line, size_t len)
{
	struct cursor c = { line, line + len };
	struct lt_snapshot_entry e;
	struct lt_buf unescaped = LT_BUF_INIT;
	const char *key, *op, *t;
	size_t klen, oplen, tlen;
	uint64_t size = 0;
	int rc = -1;

	memset(&e, 0, sizeof(e));
	while (c.end > c.p && (c.end[-1] == '\n' || c.end[-1] == '\r'))
		c.end--;
	if (!eat(&c, "{\"key\":\"") ||
	    !(key = key_str(&c, &unescaped, &klen)) ||
	    !eat(&c, "\",\"revision\":") || !number(&c, &e.revision) ||
	    !eat(&c, ",\"op\":\"") || !(op = plain_str(&c, &oplen)) ||
	    !eat(&c, "\",\"created\":\"") || !(t = plain_str(&c, &tlen)) ||
	    !eat(&c, "\"") || !fast_time(t, tlen, &e.created_ns))
		goto out;
	e.op = oplen == 3 && !memcmp(op, "put", 3) ? LT_KV_PUT :
	    oplen == 6 && !memcmp(op, "delete", 6) ? LT_KV_DELETE :
	    oplen == 5 && !memcmp(op, "purge", 5) ? LT_KV_PURGE : LT_KV_UNKNOWN;
	if (e.op == LT_KV_UNKNOWN || (eat(&c, ",\"size\":") &&
	    !number(&c, &size)))
		goto out;	/* rare lines go the slow way */
	e.raw_len = (size_t)size;
	if (!eat(&c, "}") && !(eat(&c, ",\"value\":") && e.op == LT_KV_PUT &&
	    fast_value(r, &e, &c)))
		goto out;
	if (c.p != c.end && e.value == NULL)
		goto out;
	e.key = lt_snapshot_strdup(r->s, key, klen);
	*new_entry(r->s) = e;
	if (e.revision > r->s->revision)
		r->s->revision = e.revision;
	rc = 0;
out:
	lt_buf_release(&unescaped);
	return rc;
}

static int
read_line(struct reader *r, const char *line, size_t len, bool last,
    struct lt_error *err)
{
	if (r->line > 1 && r->end_keys < 0 && !last &&
	    fast_entry(r, line, len) == 0)
		return 0;
	if (memchr(line, '\0', len) || has_nul_escape(line, len))
		return lt_error_set(err, LT_E_RUNTIME, "'%s': line %llu holds "
		    "a NUL character (\\u0000), which a key or value cannot "
		    "hold here", r->name, (unsigned long long)r->line);

	cJSON *j = lt_json_parse(line, len);
	const char *kind = lt_json_str(j, "kind");
	int rc = 0;

	if (j == NULL && r->line == 1 && last && lt_str_has_prefix(line,
	    "{\"schema\":\"" LT_SNAPSHOT_SCHEMA))
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s' is truncated: its "
		    "header line is cut short", r->name);
	else if (j == NULL && r->line == 1)
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s' is not a latticectl "
		    "snapshot (line 1 is not JSON)", r->name);
	else if (j == NULL && last)
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s' is truncated: the "
		    "last line is cut short after %zu entries", r->name, r->s->n);
	else if (!cJSON_IsObject(j))
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s': line %llu is not "
		    "JSON", r->name, (unsigned long long)r->line);
	else if (r->line == 1)
		rc = read_header(r, j, err);
	else if (r->end_keys >= 0)
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s': line %llu follows "
		    "the end line", r->name, (unsigned long long)r->line);
	else if (kind && !strcmp(kind, "end"))
		r->end_keys = (long)num_u64(j, "keys", (uint64_t)LONG_MAX);
	else
		rc = read_entry(r, j, err);
	cJSON_Delete(j);
	return rc;
}

static int
check_complete(struct reader *r, struct lt_error *err)
{
	if (r->line == 0)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is empty, not a "
		    "snapshot", r->name);
	if (r->end_keys < 0)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is truncated after "
		    "%zu entries (no end line)", r->name, r->s->n);
	if ((size_t)r->end_keys != r->s->n)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is damaged: its end "
		    "line counts %ld keys, the file holds %zu", r->name,
		    r->end_keys, r->s->n);
	return 0;
}

/* A snapshot holds one line per key: a key on several lines is damage
 * (or an edit), and which line would win is a guess. */
static int
check_unique(struct reader *r, struct lt_error *err)
{
	size_t i, j;

	lt_snapshot_order(r->s);
	for (i = 1; i < r->s->n; i++) {
		if (strcmp(r->s->v[i - 1].key, r->s->v[i].key))
			continue;
		for (j = i + 1; j < r->s->n && !strcmp(r->s->v[i].key,
		    r->s->v[j].key); j++)
			;
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is damaged: key "
		    "'%s' is on %zu lines (a snapshot has one per key)",
		    r->name, r->s->v[i].key, j - i + 1);
	}
	return 0;
}

int
lt_snapshot_read_fp(struct lt_snapshot *s, FILE *fp, const char *name,
    struct lt_error *err)
{
	struct reader r = { s, name, 0, -1 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	lt_snapshot_release(s);
	s->source = lt_xstrdup(name);
	while (rc == 0 && (n = getline(&line, &cap, fp)) > 0) {
		bool last = line[n - 1] != '\n';

		r.line++;
		if (n == 1 && !last)
			continue;	/* blank line */
		rc = read_line(&r, line, (size_t)n, last, err);
	}
	free(line);
	if (rc == 0 && ferror(fp))
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot read '%s': %s", name,
		    strerror(errno));
	if (rc == 0)
		rc = check_complete(&r, err);
	if (rc == 0)	/* sorts the entries, then refuses a repeated key */
		rc = check_unique(&r, err);
	return rc;
}

int
lt_snapshot_read(struct lt_snapshot *s, const char *path, struct lt_error *err)
{
	FILE *fp = fopen(path, "r");
	int rc;

	if (fp == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot open snapshot '%s': "
		    "%s", path, strerror(errno));
	rc = lt_snapshot_read_fp(s, fp, path, err);
	fclose(fp);
	return rc;
}
