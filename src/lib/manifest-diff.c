/* manifest-diff.c: what deploying one manifest in place of another
 * changes, per component: images, configs (names and which properties
 * changed, never their values), secrets, links and the scaler (kind,
 * instances, spreads). The text of replay's confirmation (manifest.h). */
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/manifest.h"
#include "latticectl/text.h"
#include "banned.h"

static bool
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* "  component NAME: " once per component, before its first change. */
struct cdiff {
	struct lt_buf *out;
	const char *indent, *name;
	bool headed;
	size_t n;		/* changes so far, every component */
};

static void
head(struct cdiff *d, const char *what)
{
	if (!d->headed) {
		lt_buf_addf(d->out, "%scomponent ", d->indent);
		lt_buf_add_texts(d->out, d->name);
		lt_buf_adds(d->out, ":\n");
		d->headed = true;
	}
	lt_buf_addf(d->out, "%s  ", d->indent);
	lt_buf_add_texts(d->out, what);
	d->n++;
}

/* One change on a line of its own. */
static void
change(struct cdiff *d, const char *what)
{
	head(d, what);
	lt_buf_addch(d->out, '\n');
}

/* "- OLD" and "+ NEW" lines under a heading (either may be NULL). */
static void
old_new(struct cdiff *d, const char *what, const char *a, const char *b)
{
	change(d, what);
	if (a) {
		lt_buf_addf(d->out, "%s    - ", d->indent);
		lt_buf_add_texts(d->out, a);
		lt_buf_addch(d->out, '\n');
	}
	if (b) {
		lt_buf_addf(d->out, "%s    + ", d->indent);
		lt_buf_add_texts(d->out, b);
		lt_buf_addch(d->out, '\n');
	}
}

static const struct lt_manifest_config *
find_config(const struct lt_manifest_configs *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	return NULL;
}

static const char *
prop(const struct lt_manifest_config *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nprops; i++)
		if (!strcmp(c->props[i].key, key))
			return c->props[i].value;
	return NULL;
}

/* The property names whose value differs (added, removed, changed),
 * comma-separated into b. */
static void
changed_props(const struct lt_manifest_config *a,
    const struct lt_manifest_config *b, struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < a->nprops; i++)
		if (!same(a->props[i].value, prop(b, a->props[i].key)))
			lt_buf_addf(out, "%s%s", out->len ? ", " : "",
			    a->props[i].key);
	for (i = 0; i < b->nprops; i++)
		if (!prop(a, b->props[i].key))
			lt_buf_addf(out, "%s%s", out->len ? ", " : "",
			    b->props[i].key);
}

static void
diff_configs(struct cdiff *d, const char *what,
    const struct lt_manifest_configs *a, const struct lt_manifest_configs *b)
{
	struct lt_buf line = LT_BUF_INIT, props = LT_BUF_INIT;
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct lt_manifest_config *o = &a->v[i];
		const struct lt_manifest_config *n = find_config(b, o->name);

		lt_buf_reset(&line);
		lt_buf_reset(&props);
		if (!n) {
			lt_buf_addf(&line, "%s %s removed", what, o->name);
		} else {
			changed_props(o, n, &props);
			if (props.len)
				lt_buf_addf(&line, "%s %s: properties changed: "
				    "%s", what, o->name, props.buf);
		}
		if (line.len)
			change(d, line.buf);
	}
	for (i = 0; i < b->n; i++)
		if (!find_config(a, b->v[i].name)) {
			lt_buf_reset(&line);
			lt_buf_addf(&line, "%s %s added", what, b->v[i].name);
			change(d, line.buf);
		}
	lt_buf_release(&line);
	lt_buf_release(&props);
}

static void
diff_secrets(struct cdiff *d, const struct lt_manifest_secrets *a,
    const struct lt_manifest_secrets *b)
{
	struct lt_buf line = LT_BUF_INIT;
	size_t i, j;

	for (i = 0; i < a->n + b->n; i++) {
		const struct lt_manifest_secrets *in = i < a->n ? a : b;
		const struct lt_manifest_secrets *other = i < a->n ? b : a;
		const char *name = in->v[i < a->n ? i : i - a->n].name;
		bool found = false;

		for (j = 0; j < other->n && !found; j++)
			found = !strcmp(other->v[j].name, name);
		if (found)
			continue;
		lt_buf_reset(&line);
		lt_buf_addf(&line, "secret %s %s", name, i < a->n ? "removed" :
		    "added");
		change(d, line.buf);
	}
	lt_buf_release(&line);
}

/* "ns:pkg/iface,iface -> target (name)" */
static void
link_text(const struct lt_manifest_link *l, struct lt_buf *b)
{
	size_t i;

	lt_buf_addf(b, "%s:%s/", l->namespace ? l->namespace : "",
	    l->package ? l->package : "");
	for (i = 0; i < l->ninterfaces; i++)
		lt_buf_addf(b, "%s%s", i ? "," : "", l->interfaces[i]);
	lt_buf_addf(b, " -> %s", l->target_name ? l->target_name : "?");
	if (l->name && strcmp(l->name, "default"))
		lt_buf_addf(b, " (%s)", l->name);
}

static const struct lt_manifest_link *
find_link(const struct lt_manifest_component *c,
    const struct lt_manifest_link *l)
{
	size_t i;

	for (i = 0; c && i < c->nlinks; i++)
		if (same(c->links[i].namespace, l->namespace) &&
		    same(c->links[i].package, l->package) &&
		    same(c->links[i].target_name, l->target_name) &&
		    same(c->links[i].name, l->name))
			return &c->links[i];
	return NULL;
}

static void
diff_links(struct cdiff *d, const struct lt_manifest_component *a,
    const struct lt_manifest_component *b)
{
	struct lt_buf to = LT_BUF_INIT, tn = LT_BUF_INIT;
	size_t i;

	for (i = 0; i < a->nlinks + b->nlinks; i++) {
		bool old = i < a->nlinks;
		const struct lt_manifest_link *l = old ? &a->links[i] :
		    &b->links[i - a->nlinks];
		const struct lt_manifest_link *n = find_link(old ? b : a, l);

		lt_buf_reset(&to);
		lt_buf_reset(&tn);
		lt_buf_adds(&to, "link ");
		link_text(l, &to);
		if (!n) {
			lt_buf_adds(&to, old ? " removed" : " added");
			change(d, to.buf);
			continue;
		}
		if (!old)
			continue;
		lt_buf_adds(&tn, "link ");
		link_text(n, &tn);
		if (strcmp(to.buf, tn.buf))
			old_new(d, "link", to.buf + 5, tn.buf + 5);
		lt_buf_adds(&tn, " source config");
		diff_configs(d, tn.buf, &l->source_config, &n->source_config);
		memcpy(tn.buf + tn.len - 13, "target", 6);
		diff_configs(d, tn.buf, &l->target_config, &n->target_config);
	}
	lt_buf_release(&to);
	lt_buf_release(&tn);
}

/* "spreadscaler 2 instances [spread a:100, b:50]" */
static void
scaler_text(const struct lt_manifest_scaler *s, struct lt_buf *b)
{
	size_t i;

	lt_buf_adds(b, s->kind == LT_MANIFEST_SCALER_SPREAD ? "spreadscaler" :
	    s->kind == LT_MANIFEST_SCALER_DAEMON ? "daemonscaler" : "no scaler");
	if (s->kind == LT_MANIFEST_SCALER_NONE)
		return;
	lt_buf_addf(b, ", %llu instance%s", (unsigned long long)s->instances,
	    s->instances == 1 ? "" : "s");
	for (i = 0; i < s->nspreads; i++) {
		const struct lt_manifest_spread *sp = &s->spreads[i];
		size_t j;

		lt_buf_addf(b, "%s%s", i ? ", " : ", spread ", sp->name ?
		    sp->name : "?");
		if (sp->has_weight)
			lt_buf_addf(b, " weight %llu",
			    (unsigned long long)sp->weight);
		for (j = 0; j < sp->nrequirements; j++)
			lt_buf_addf(b, " %s=%s", sp->requirements[j].key,
			    sp->requirements[j].value);
	}
}

static void
diff_component(struct cdiff *d, const struct lt_manifest_component *a,
    const struct lt_manifest_component *b)
{
	struct lt_buf sa = LT_BUF_INIT, sb = LT_BUF_INIT;

	d->name = a ? a->name : b->name;
	d->headed = false;
	if (!a || !b) {
		old_new(d, a ? "removed, image" : "added, image",
		    a ? (a->image ? a->image : "-") : NULL,
		    b ? (b->image ? b->image : "-") : NULL);
		return;
	}
	if (!same(a->image, b->image))
		old_new(d, "image", a->image ? a->image : "-",
		    b->image ? b->image : "-");
	if (!same(a->id, b->id))
		old_new(d, "id", a->id, b->id);
	diff_configs(d, "config", &a->config, &b->config);
	diff_secrets(d, &a->secrets, &b->secrets);
	scaler_text(&a->scaler, &sa);
	scaler_text(&b->scaler, &sb);
	if (strcmp(sa.buf, sb.buf))
		old_new(d, "scaler", sa.buf, sb.buf);
	lt_buf_release(&sa);
	lt_buf_release(&sb);
	diff_links(d, a, b);
}

size_t
lt_manifest_diff(const struct lt_manifest *a, const struct lt_manifest *b,
    const char *indent, struct lt_buf *out)
{
	struct cdiff d = { out, indent ? indent : "", NULL, false, 0 };
	size_t i;

	for (i = 0; i < a->ncomponents; i++)
		diff_component(&d, &a->components[i],
		    lt_manifest_find(b, a->components[i].name));
	for (i = 0; i < b->ncomponents; i++)
		if (!lt_manifest_find(a, b->components[i].name))
			diff_component(&d, NULL, &b->components[i]);
	return d.n;
}
