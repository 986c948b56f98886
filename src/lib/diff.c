/* diff.c: snapshot diff (a merge walk over two key-sorted snapshots) and
 * JSON map field diff, with text and JSON rendering. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/diff.h"
#include "latticectl/text.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "banned.h"

#define VALUE_SHOWN 200		/* text output cuts values longer than this */

static bool
present(const struct lt_snapshot_entry *e)
{
	return e && e->op == LT_KV_PUT;
}

bool
lt_diff_values_equal(const struct lt_snapshot_entry *a,
    const struct lt_snapshot_entry *b)
{
	cJSON *ja, *jb;
	bool eq;

	if (a->enc == b->enc && a->value_len == b->value_len &&
	    (a->value_len == 0 || !memcmp(a->value, b->value, a->value_len)))
		return true;
	if (a->enc != LT_KV_ENC_JSON || b->enc != LT_KV_ENC_JSON)
		return false;
	ja = lt_json_parse(a->value, a->value_len);
	jb = lt_json_parse(b->value, b->value_len);
	eq = ja && jb && lt_json_cmp(ja, jb) == 0;	/* numbers exactly */
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	return eq;
}

/* Field diff. */

struct fields {
	struct lt_diff_field *v;
	size_t n, alloc;
};

static char *
print_json(const cJSON *v)
{
	char *p = lt_json_print_kept(v, false), *s = lt_xstrdup(p ? p : "null");

	cJSON_free(p);
	return s;
}

static void
add_field(struct fields *f, const char *path, enum lt_diff_change c,
    const cJSON *a, const cJSON *b)
{
	struct lt_diff_field *x;

	if (f->n == f->alloc) {
		f->alloc = f->alloc ? f->alloc * 2 : 8;
		f->v = lt_xrealloc(f->v, f->alloc * sizeof(*f->v));
	}
	x = &f->v[f->n++];
	x->path = lt_xstrdup(path);
	x->change = c;
	x->a = a ? print_json(a) : NULL;
	x->b = b ? print_json(b) : NULL;
}

static char *
join_path(const char *prefix, const char *name)
{
	return *prefix ? lt_xasprintf("%s.%s", prefix, name) : lt_xstrdup(name);
}

static void
diff_objects(struct fields *f, const char *prefix, const cJSON *a,
    const cJSON *b)
{
	const cJSON *x, *y;

	cJSON_ArrayForEach(x, a) {
		char *path = join_path(prefix, x->string);

		y = cJSON_GetObjectItemCaseSensitive(b, x->string);
		if (y == NULL)
			add_field(f, path, LT_DIFF_REMOVED, x, NULL);
		else if (cJSON_IsObject(x) && cJSON_IsObject(y))
			diff_objects(f, path, x, y);
		else if (!cJSON_Compare(x, y, true))
			add_field(f, path, LT_DIFF_CHANGED, x, y);
		free(path);
	}
	cJSON_ArrayForEach(y, b) {
		if (cJSON_GetObjectItemCaseSensitive(a, y->string) == NULL) {
			char *path = join_path(prefix, y->string);

			add_field(f, path, LT_DIFF_ADDED, NULL, y);
			free(path);
		}
	}
}

int
lt_diff_fields(const char *a, size_t alen, const char *b, size_t blen,
    struct lt_diff_field **out, size_t *n)
{
	cJSON *ja = lt_json_parse(a, alen);
	cJSON *jb = lt_json_parse(b, blen);
	struct fields f = { NULL, 0, 0 };
	int rc = -1;

	if (cJSON_IsObject(ja) && cJSON_IsObject(jb)) {
		diff_objects(&f, "", ja, jb);
		rc = 0;
	}
	cJSON_Delete(ja);
	cJSON_Delete(jb);
	*out = f.v;
	*n = f.n;
	return rc;
}

void
lt_diff_fields_free(struct lt_diff_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].a);
		free(f[i].b);
	}
	free(f);
}

/* Snapshot diff. */

static struct lt_diff_item *
add_item(struct lt_diff *d, const struct lt_snapshot_entry *a,
    const struct lt_snapshot_entry *b, enum lt_diff_change c)
{
	struct lt_diff_item *it;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 64;
		d->v = lt_xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	it = &d->v[d->n++];
	memset(it, 0, sizeof(*it));
	it->a = a;
	it->b = b;
	it->change = c;
	return it;
}

/* One key, either side possibly NULL. */
static void
compare_key(struct lt_diff *d, const struct lt_snapshot_entry *a,
    const struct lt_snapshot_entry *b)
{
	struct lt_diff_item *it;

	if ((a && a->op == LT_KV_UNKNOWN) || (b && b->op == LT_KV_UNKNOWN)) {
		d->unknown++;	/* a rebuilt point cannot say: not compared */
		return;
	}
	if (present(a) && present(b)) {
		if (lt_diff_values_equal(a, b))
			return;
		it = add_item(d, a, b, LT_DIFF_CHANGED);
		d->changed++;
		if (a->enc == LT_KV_ENC_JSON && b->enc == LT_KV_ENC_JSON &&
		    lt_diff_fields(a->value, a->value_len, b->value, b->value_len,
		    &it->fields, &it->nfields) < 0) {
			lt_diff_fields_free(it->fields, it->nfields);
			it->fields = NULL;
			it->nfields = 0;
		}
	} else if (present(a)) {
		add_item(d, a, b, LT_DIFF_REMOVED);
		d->removed++;
		d->deleted += b && b->op == LT_KV_DELETE;
		d->purged += b && b->op == LT_KV_PURGE;
	} else if (present(b)) {
		add_item(d, a, b, LT_DIFF_ADDED);
		d->added++;
	}
}

size_t
lt_diff_snapshots(const struct lt_snapshot *a, const struct lt_snapshot *b,
    struct lt_diff *d)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 :
		    strcmp(a->v[i].key, b->v[j].key);

		if (c == 0)
			compare_key(d, &a->v[i++], &b->v[j++]);
		else if (c < 0)
			compare_key(d, &a->v[i++], NULL);
		else
			compare_key(d, NULL, &b->v[j++]);
	}
	return d->n;
}

void
lt_diff_release(struct lt_diff *d)
{
	struct lt_diff init = LT_DIFF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		lt_diff_fields_free(d->v[i].fields, d->v[i].nfields);
	free(d->v);
	*d = init;
}

/* Text. */

/* s escaped (text.h), cut after VALUE_SHOWN bytes. */
static void
add_cut(struct lt_buf *out, const char *s, size_t len)
{
	struct lt_buf t = LT_BUF_INIT;

	lt_buf_add_text(&t, s, len);
	lt_buf_add(out, lt_buf_str(&t), lt_utf8_cut(lt_buf_str(&t), t.len,
	    VALUE_SHOWN));
	if (t.len > VALUE_SHOWN)
		lt_buf_addf(out, "... (%zu bytes)", len);
	lt_buf_release(&t);
}

/* "SIGN KEY" in colour: the head line of a change. */
static void
add_key(struct lt_buf *out, const char *color, char sign, const char *key,
    const char *reset)
{
	lt_buf_addf(out, "%s%c ", color, sign);
	lt_buf_add_texts(out, key);
	lt_buf_adds(out, reset);
}

static void
value_line(struct lt_buf *out, const struct lt_colors *col, const char *color,
    char sign, const struct lt_snapshot_entry *e)
{
	struct lt_buf v = LT_BUF_INIT;

	lt_snapshot_value_text(e, false, &v);
	lt_buf_addf(out, "    %s%c ", color, sign);
	add_cut(out, lt_buf_str(&v), v.len);
	lt_buf_addf(out, "%s\n", col->reset);
	lt_buf_release(&v);
}

static void
field_lines(struct lt_buf *out, const struct lt_colors *col,
    const struct lt_diff_item *it)
{
	size_t i;

	for (i = 0; i < it->nfields; i++) {
		const struct lt_diff_field *f = &it->fields[i];
		const char *color = f->change == LT_DIFF_ADDED ? col->green :
		    f->change == LT_DIFF_REMOVED ? col->red : col->yellow;

		lt_buf_addf(out, "    %s%c ", color, "+-~"[f->change]);
		lt_buf_add_texts(out, f->path);
		lt_buf_adds(out, ": ");
		if (f->a)
			add_cut(out, f->a, strlen(f->a));
		if (f->a && f->b)
			lt_buf_adds(out, " -> ");
		if (f->b)
			add_cut(out, f->b, strlen(f->b));
		lt_buf_addf(out, "%s\n", col->reset);
	}
}

static void
removed_how(struct lt_buf *out, const struct lt_snapshot_entry *b)
{
	if (b && b->op != LT_KV_PUT)
		lt_buf_addf(out, "%s at rev %llu", b->op == LT_KV_PURGE ?
		    "purged" : "deleted", (unsigned long long)b->revision);
	else
		lt_buf_adds(out, "gone, no marker left");
}

static void
item_text(struct lt_buf *out, const struct lt_colors *col,
    const struct lt_diff_item *it)
{
	const struct lt_snapshot_entry *e = it->b ? it->b : it->a;

	switch (it->change) {
	case LT_DIFF_ADDED:
		add_key(out, col->green, '+', e->key, col->reset);
		lt_buf_addf(out, "  (added, rev %llu)\n",
		    (unsigned long long)it->b->revision);
		value_line(out, col, col->green, '+', it->b);
		break;
	case LT_DIFF_REMOVED:
		add_key(out, col->red, '-', e->key, col->reset);
		lt_buf_adds(out, "  (");
		removed_how(out, it->b);
		lt_buf_addf(out, "; was rev %llu)\n",
		    (unsigned long long)it->a->revision);
		value_line(out, col, col->red, '-', it->a);
		break;
	case LT_DIFF_CHANGED:
		add_key(out, col->yellow, '~', e->key, col->reset);
		lt_buf_addf(out, "  (rev %llu -> %llu)\n",
		    (unsigned long long)it->a->revision,
		    (unsigned long long)it->b->revision);
		if (it->fields || it->nfields) {
			field_lines(out, col, it);
		} else {
			value_line(out, col, col->red, '-', it->a);
			value_line(out, col, col->green, '+', it->b);
		}
		break;
	}
}

void
lt_diff_format_text(const struct lt_diff *d, const struct lt_colors *col,
    struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		item_text(out, col, &d->v[i]);
}

/* JSON. */

static void
side_json(struct lt_buf *out, const char *name, const struct lt_snapshot *s)
{
	char t[48];

	lt_time_format(s->taken_ns, t, sizeof(t));
	lt_buf_addf(out, "\"%s\":{\"source\":", name);
	lt_buf_add_json_str(out, s->source ? s->source : "live",
	    s->source ? strlen(s->source) : 4);
	lt_buf_adds(out, ",\"bucket\":");
	lt_buf_add_json_str(out, s->bucket ? s->bucket : "",
	    s->bucket ? strlen(s->bucket) : 0);
	lt_buf_addf(out, ",\"taken\":\"%s\",\"revision\":%llu,\"keys\":%zu,"
	    "\"unknown_keys\":%llu,\"redaction\":\"%s\"}", t,
	    (unsigned long long)s->revision, lt_snapshot_count_live(s),
	    (unsigned long long)s->unknown, lt_redact_mode_name(s->redaction));
}

static void
entry_json(struct lt_buf *out, const char *name,
    const struct lt_snapshot_entry *e)
{
	char t[48];

	if (e == NULL)
		return;
	lt_time_format(e->created_ns, t, sizeof(t));
	lt_buf_addf(out, ",\"%s\":{\"revision\":%llu,\"op\":\"%s\","
	    "\"created\":\"%s\"", name, (unsigned long long)e->revision,
	    lt_kv_op_name(e->op), t);
	if (e->value) {
		lt_buf_addch(out, ',');
		lt_snapshot_value_json(e, out);
	}
	lt_buf_addch(out, '}');
}

static void
fields_json(struct lt_buf *out, const struct lt_diff_item *it)
{
	static const char *const names[] = { "added", "removed", "changed" };
	size_t i;

	lt_buf_adds(out, ",\"fields\":[");
	for (i = 0; i < it->nfields; i++) {
		const struct lt_diff_field *f = &it->fields[i];

		lt_buf_adds(out, i ? ",{\"field\":" : "{\"field\":");
		lt_buf_add_json_str(out, f->path, strlen(f->path));
		lt_buf_addf(out, ",\"change\":\"%s\"", names[f->change]);
		if (f->a)
			lt_buf_addf(out, ",\"a\":%s", f->a);
		if (f->b)
			lt_buf_addf(out, ",\"b\":%s", f->b);
		lt_buf_addch(out, '}');
	}
	lt_buf_addch(out, ']');
}

/* A change as an object: bare in the document's array (schema NULL), or
 * standing on its own line with its schema first. */
static void
item_json(struct lt_buf *out, const struct lt_diff_item *it,
    const char *schema)
{
	static const char *const names[] = { "added", "removed", "changed" };
	const struct lt_snapshot_entry *e = it->b ? it->b : it->a;

	lt_buf_addch(out, '{');
	if (schema)
		lt_buf_addf(out, "\"schema\":\"%s\",", schema);
	lt_buf_adds(out, "\"key\":");
	lt_buf_add_json_str(out, e->key, strlen(e->key));
	lt_buf_addf(out, ",\"change\":\"%s\"", names[it->change]);
	if (it->change == LT_DIFF_REMOVED)
		lt_buf_addf(out, ",\"op\":\"%s\"", it->b ?
		    lt_kv_op_name(it->b->op) : "gone");
	entry_json(out, "a", it->a);
	entry_json(out, "b", it->b);
	if (it->fields || it->nfields)
		fields_json(out, it);
	lt_buf_addch(out, '}');
}

/* {"schema":schema,"a":{...},"b":{...},"summary":{...} (left open). */
static void
head_json(struct lt_buf *out, const char *schema, const struct lt_diff *d,
    const struct lt_snapshot *a, const struct lt_snapshot *b)
{
	lt_buf_addf(out, "{\"schema\":\"%s\",", schema);
	side_json(out, "a", a);
	lt_buf_addch(out, ',');
	side_json(out, "b", b);
	lt_buf_addf(out, ",\"summary\":{\"added\":%zu,\"removed\":%zu,"
	    "\"deleted\":%zu,\"purged\":%zu,\"changed\":%zu}",
	    d->added, d->removed, d->deleted, d->purged, d->changed);
}

void
lt_diff_format_json(const struct lt_diff *d, const struct lt_snapshot *a,
    const struct lt_snapshot *b, struct lt_buf *out)
{
	size_t i;

	head_json(out, "latticectl.kv-diff/1", d, a, b);
	lt_buf_adds(out, ",\"changes\":[");
	for (i = 0; i < d->n; i++) {
		if (i)
			lt_buf_addch(out, ',');
		item_json(out, &d->v[i], NULL);
	}
	lt_buf_adds(out, "]}\n");
}

void
lt_diff_format_ndjson(const struct lt_diff *d, const struct lt_snapshot *a,
    const struct lt_snapshot *b, struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		item_json(out, &d->v[i], "latticectl.kv-diff-change/1");
		lt_buf_addch(out, '\n');
	}
	head_json(out, "latticectl.kv-diff-summary/1", d, a, b);
	lt_buf_adds(out, "}\n");
}

void
lt_diff_render(const struct lt_snapshot *s, struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (!present(&s->v[i]))
			continue;
		lt_buf_adds(out, "== ");
		lt_buf_add_texts(out, s->v[i].key);
		lt_buf_addch(out, '\n');
		lt_snapshot_value_text(&s->v[i], true, out);
		lt_buf_addch(out, '\n');
	}
}
