/* filter.c: compiling and matching --type, --for, --where and --grep. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "latticectl/buf.h"
#include "latticectl/filter.h"
#include "latticectl/redact.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "rawevent-priv.h"
#include "banned.h"

enum for_kind { FOR_COMPONENT, FOR_HOST, FOR_APP, FOR_CONFIG, FOR_PROVIDER,
	FOR_TRACE };
static const char *const for_kinds[] = {
	"component", "host", "app", "config", "provider", "trace", NULL
};

enum where_op { OP_EQ, OP_NE, OP_RE, OP_NRE, OP_LT, OP_GT, OP_EXISTS,
	OP_NEXISTS };

struct where {
	char *path;
	enum where_op op;
	char *value;
	cJSON *operand;		/* value as JSON, for = != < > */
	bool quoted;		/* value was a "quoted" JSON string */
	bool short_type;	/* type = NAME, != NAME: the short name */
	bool trace;		/* trace: the traceparent's trace id */
	regex_t re;
	bool has_re;
};

struct lt_filter {
	char **types;		/* --type T: included */
	int ntypes;
	char **xtypes;		/* --type '!T': excluded */
	int nxtypes;
	struct for_spec {
		enum for_kind kind;
		char *id;
		char **owned;	/* app/NAME: the names it owns, learned */
		int nowned;
	} *fors;
	int nfors;
	struct where *wheres;
	int nwheres;
	char **greps;
	int ngreps;
	bool raw_unsafe;	/* a --for/--grep text redaction may create */
};

#define PUSH(arr, n) ((arr) = lt_xrealloc((arr), sizeof(*(arr)) * \
	(size_t)((n) + 1)), &(arr)[(n)++])

struct lt_filter *
lt_filter_create(void)
{
	return lt_xcalloc(1, sizeof(struct lt_filter));
}

void
lt_filter_destroy(struct lt_filter *f)
{
	int i, k;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntypes; i++)
		free(f->types[i]);
	for (i = 0; i < f->nxtypes; i++)
		free(f->xtypes[i]);
	free(f->xtypes);
	for (i = 0; i < f->nfors; i++) {
		free(f->fors[i].id);
		for (k = 0; k < f->fors[i].nowned; k++)
			free(f->fors[i].owned[k]);
		free(f->fors[i].owned);
	}
	for (i = 0; i < f->nwheres; i++) {
		free(f->wheres[i].path);
		free(f->wheres[i].value);
		cJSON_Delete(f->wheres[i].operand);
		if (f->wheres[i].has_re)
			regfree(&f->wheres[i].re);
	}
	for (i = 0; i < f->ngreps; i++)
		free(f->greps[i]);
	free(f->types);
	free(f->fors);
	free(f->wheres);
	free(f->greps);
	free(f);
}

int
lt_filter_add_types(struct lt_filter *f, const char *list,
    struct lt_error *err)
{
	char *copy = lt_xstrdup(list), *rest = copy, *tok, *name;

	while ((tok = strsep(&rest, ","))) {
		name = tok + (*tok == '!');
		if (*name == '\0' || strpbrk(name, " .>!")) {
			lt_error_set(err, LT_E_USAGE, "invalid event type '%s'%s",
			    tok, *name ? "" : " (empty element in the list)");
			free(copy);
			return -1;
		}
		if (name != tok)
			*PUSH(f->xtypes, f->nxtypes) = lt_xstrdup(name);
		else
			*PUSH(f->types, f->ntypes) = lt_xstrdup(name);
	}
	free(copy);
	return 0;
}

/* The known type nearest to name (within 2 edits), or NULL. */
static const char *
nearest_type(const char *name)
{
	const char *best = NULL;
	int i, d, bestd = 3;

	for (i = 0; lt_event_types[i]; i++) {
		d = lt_edit_distance(name, lt_event_types[i]);
		if (d < bestd) {
			bestd = d;
			best = lt_event_types[i];
		}
	}
	return best;
}

static bool
glob_knows(const char *glob)
{
	int i;

	for (i = 0; lt_event_types[i]; i++)
		if (lt_glob_match(glob, lt_event_types[i]))
			return true;
	return false;
}

static void
warn_type(const char *glob, bool only, lt_filter_warn_fn fn, void *ud)
{
	const char *near = nearest_type(glob);
	struct lt_buf msg = LT_BUF_INIT;
	int i;

	lt_buf_addf(&msg, "unknown event type '%s'", glob);
	if (near) {
		lt_buf_addf(&msg, " (did you mean '%s'?)", near);
	} else {
		lt_buf_addf(&msg, " (known:");
		for (i = 0; lt_event_types[i]; i++)
			lt_buf_addf(&msg, " %s", lt_event_types[i]);
		lt_buf_addch(&msg, ')');
	}
	if (only)
		lt_buf_addf(&msg, "; no known event can match");
	fn(ud, lt_buf_str(&msg));
	lt_buf_release(&msg);
}

void
lt_filter_type_warnings(const struct lt_filter *f, lt_filter_warn_fn fn,
    void *ud)
{
	int i;

	for (i = 0; i < f->ntypes; i++)
		if (!glob_knows(f->types[i]))
			warn_type(f->types[i], f->ntypes == 1, fn, ud);
	for (i = 0; i < f->nxtypes; i++)
		if (!glob_knows(f->xtypes[i]))
			warn_type(f->xtypes[i], false, fn, ud);
}

int
lt_filter_add_for(struct lt_filter *f, const char *spec, struct lt_error *err)
{
	const char *slash = strchr(spec, '/');
	char kind[32];
	int k;

	if (slash == NULL || slash[1] == '\0' || (size_t)(slash - spec) >= sizeof(kind))
		return lt_error_set(err, LT_E_USAGE, "invalid --for '%s' (use "
		    "component/ID, host/ID, app/NAME, config/NAME, "
		    "provider/ID or trace/ID)", spec);
	snprintf(kind, sizeof(kind), "%.*s", (int)(slash - spec), spec);
	for (k = 0; for_kinds[k] && strcmp(for_kinds[k], kind); k++)
		;
	if (for_kinds[k] == NULL)
		return lt_error_set(err, LT_E_USAGE, "invalid --for kind '%s' "
		    "(use component, host, app, config, provider or trace)",
		    kind);
	memset(PUSH(f->fors, f->nfors), 0, sizeof(*f->fors));
	f->fors[f->nfors - 1].kind = (enum for_kind)k;
	f->fors[f->nfors - 1].id = lt_xstrdup(slash + 1);
	f->raw_unsafe |= lt_redact_may_create(slash + 1);
	return 0;
}

static int
missing_value(const char *expr, const char *op, struct lt_error *err)
{
	return lt_error_set(err, LT_E_USAGE, "--where '%s': missing value "
	    "after '%s' (write \"\" for the empty string)", expr, op);
}

/* Split "PATH OP VALUE" at the first operator character. */
static int
parse_where(struct where *w, const char *expr, struct lt_error *err)
{
	static const struct { const char *tok; enum where_op op; } ops[] = {
		{ "!=", OP_NE }, { "!~", OP_NRE }, { "=", OP_EQ }, { "~", OP_RE },
		{ "<", OP_LT }, { ">", OP_GT },
	};
	size_t plen = strcspn(expr, "=!~<> "), i;
	const char *rest = expr + plen;

	if (plen == 0)
		return lt_error_set(err, LT_E_USAGE, "--where '%s': missing "
		    "path before the operator", expr);
	if (expr[0] == '.' || expr[plen - 1] == '.' ||
	    lt_memfind(expr, plen, "..", 2))
		return lt_error_set(err, LT_E_USAGE, "--where '%s': empty "
		    "element in path '%.*s'", expr, (int)plen, expr);
	w->path = lt_xstrndup(expr, plen);
	while (*rest == ' ')
		rest++;
	if (!strcmp(rest, "exists") || !strcmp(rest, "!exists")) {
		w->op = *rest == '!' ? OP_NEXISTS : OP_EXISTS;
		return 0;
	}
	for (i = 0; i < LT_ARRAY_SIZE(ops); i++) {
		size_t n = strlen(ops[i].tok);

		if (!strncmp(rest, ops[i].tok, n)) {
			if (rest[n] != '\0' && strchr("=~<>!", rest[n]))
				break;	/* "==", ">=", "=~": not ours */
			w->op = ops[i].op;
			rest += n;
			while (*rest == ' ')
				rest++;
			if (*rest == '\0')
				return missing_value(expr, ops[i].tok, err);
			w->value = lt_xstrdup(rest);
			return 0;
		}
	}
	i = strspn(rest, "=!~<>");
	if (i == 0)
		i = strcspn(rest, " ");
	return lt_error_set(err, LT_E_USAGE, "--where '%s': bad operator "
	    "'%.*s' (use = != ~ !~ < > or exists)", expr,
	    *rest ? (int)i : 6, *rest ? rest : "(none)");
}

/* ---- bounding --where regular expressions ----
 * glibc's regcomp copies a subexpression for every bounded repetition
 * ({m,n}: max(m,n) copies) and for '+' (two), so nested repetitions
 * multiply: "a{255}{255}{255}" exhausts gigabytes. Repeating what can
 * match empty costs more still (its epsilon closures grow with the square
 * or the cube of the copies): "x*++++++++++++" takes 900 MiB and
 * "((x*){2573}?)*" eight seconds. A pattern's weight estimates the copies,
 * doubled for each repetition of something that can match empty; measured
 * with glibc 2.36 on random patterns, every pattern up to a weight of 1000
 * compiles within a few milliseconds. */
#define RE_MAX_LEN 512
#define RE_MAX_WEIGHT 1000.0
#define RE_MAX_DEPTH 32

struct re_item {
	double w;
	bool nullable;		/* can match the empty string */
};

struct re_group {
	double total;
	bool any_nullable;	/* some finished branch can match empty */
	bool branch_nullable;	/* so far, the current branch can */
};

/* The end of a bracket expression starting at p ('['), or NULL. */
static const char *
bracket_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char close[3] = { p[1], ']', '\0' };
			const char *e = strstr(p + 2, close);

			if (e == NULL)
				return NULL;
			p = e + 1;
		}
	}
	return *p ? p : NULL;
}

/* A repetition count at *p, or -1 when there is none; *p moves past it. */
static long
count(const char **p)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)**p))
		return -1;
	n = strtol(*p, &end, 10);
	*p = end;
	return n > 1000000 ? 1000000 : n;	/* (far beyond RE_DUP_MAX) */
}

/* "{m}", "{m,}", "{m,n}" or "{,n}" at p: how many copies, and where it
 * ends; NULL when p holds no bound. */
static const char *
bound(const char *p, double *copies, bool *from_zero)
{
	long m, n;

	p++;
	m = count(&p);
	n = m;
	if (*p == ',') {
		p++;
		n = count(&p);
		if (n < 0)
			n = m + 1;	/* {m,}: the tree holds m + 1 copies */
	}
	if (*p != '}' || (m < 0 && n < 0))
		return NULL;
	*copies = n > m ? (double)n : (double)m;
	if (*copies < 1)
		*copies = 1;
	*from_zero = m <= 0;
	return p + 1;
}

static void
re_commit(struct re_group *g, struct re_item *last)
{
	g->total += last->w;
	g->branch_nullable = g->branch_nullable && last->nullable;
	last->w = 0;
	last->nullable = true;
}

/* Apply a repetition operator at p to last; returns where it ends, or
 * NULL when p holds none. */
static const char *
re_repeat(const char *p, struct re_item *last)
{
	double copies = 1;
	bool from_zero = false;
	const char *e;

	if (*p == '*' || *p == '?' || *p == '+')
		e = p + 1;
	else if (*p != '{' || !(e = bound(p, &copies, &from_zero)))
		return NULL;
	if (last->nullable)
		last->w *= 2;
	if (*p == '+')
		last->w *= 2;
	else if (*p == '{')
		last->w *= copies;
	last->nullable = last->nullable || *p == '*' || *p == '?' ||
	    (*p == '{' && from_zero);
	return e;
}

/* The weight of an extended regular expression (see above). */
static double
re_weight(const char *p)
{
	struct re_group g[RE_MAX_DEPTH + 1] = { { 0, false, true } };
	struct re_item last = { 0, true };
	const char *e;
	int d = 0;

	while (*p && g[d].total + last.w <= RE_MAX_WEIGHT) {
		if ((e = re_repeat(p, &last))) {
			p = e;
			continue;
		}
		re_commit(&g[d], &last);
		if (*p == '(' && d == RE_MAX_DEPTH)
			return RE_MAX_WEIGHT + 1;
		if (*p == '(') {
			g[++d] = (struct re_group){ 0, false, true };
		} else if (*p == ')' && d > 0) {
			last.w = g[d].total > 1 ? g[d].total : 1;
			last.nullable = g[d].any_nullable || g[d].branch_nullable;
			d--;
		} else if (*p == '|') {
			g[d].any_nullable = g[d].any_nullable || g[d].branch_nullable;
			g[d].branch_nullable = true;
		} else {
			last.w = 1;
			last.nullable = *p == '^' || *p == '$';
			if (*p == '[' && (e = bracket_end(p)))
				p = e;
			else if (*p == '\\' && p[1])
				p++;
		}
		p++;
	}
	re_commit(&g[d], &last);
	while (d > 0) {
		g[d - 1].total += g[d].total;
		d--;
	}
	return g[0].total;
}

/* Refuse what regcomp would take too long or too much memory for. */
static int
check_regex(const char *expr, const char *re, struct lt_error *err)
{
	if (strlen(re) > RE_MAX_LEN)
		return lt_error_set(err, LT_E_USAGE, "--where '%.60s...': regular "
		    "expression is too long (%d characters at most)", expr,
		    RE_MAX_LEN);
	if (re_weight(re) > RE_MAX_WEIGHT)
		return lt_error_set(err, LT_E_USAGE, "--where '%s': regular "
		    "expression '%s' is too complex (its repetitions expand to "
		    "more than %.0f copies)", expr, re, RE_MAX_WEIGHT);
	return 0;
}

/* "inf", "-inf", "+Infinity": beyond every number */
static cJSON *
infinity(const char *v)
{
	bool neg = *v == '-';
	cJSON *n;

	if (*v == '-' || *v == '+')
		v++;
	if (strcasecmp(v, "inf") && strcasecmp(v, "infinity"))
		return NULL;
	n = cJSON_CreateNumber(neg ? -HUGE_VAL : HUGE_VAL);
	n->valuestring = lt_xstrdup(neg ? "-inf" : "inf");	/* its text */
	return n;
}

/* The value of = != < > as JSON: a JSON value (null, true, 42, "text",
 * [1,2]), an infinity, else the text as a string. NaN, and numbers JSON
 * does not write so (+5, .5, 0x10), are refused: they would silently
 * compare as strings. */
static int
parse_operand(struct where *w, const char *expr, struct lt_error *err)
{
	struct lt_buf scratch = LT_BUF_INIT;
	size_t len = strlen(w->value);
	char *end;
	double d;
	bool json = lt_json_compact(w->value, len, LT_EVENT_MAX_DEPTH,
	    &scratch) == 0;

	lt_buf_release(&scratch);
	w->quoted = w->value[0] == '"';
	if (json)
		w->operand = lt_json_parse(w->value, len);
	else if (w->quoted)
		return lt_error_set(err, LT_E_USAGE, "--where '%s': bad quoted "
		    "string %s (a JSON string)", expr, w->value);
	else if ((w->operand = infinity(w->value)) != NULL)
		return 0;
	d = strtod(w->value, &end);
	if (!json && *end == '\0' && d != d)
		return lt_error_set(err, LT_E_USAGE, "--where '%s': '%s' is "
		    "not a number to compare with", expr, w->value);
	if (!json && *end == '\0')
		return lt_error_set(err, LT_E_USAGE, "--where '%s': '%s' is "
		    "not a number as JSON writes it (e.g. 5, 0.5, -1e3)", expr,
		    w->value);
	if (w->operand == NULL)
		w->operand = cJSON_CreateString(w->value);
	return 0;
}

int
lt_filter_add_where(struct lt_filter *f, const char *expr,
    struct lt_error *err)
{
	struct where w;
	char msg[128];
	int rc;

	memset(&w, 0, sizeof(w));
	if (parse_where(&w, expr, err) < 0 || (w.op != OP_RE &&
	    w.op != OP_NRE && w.value && parse_operand(&w, expr, err) < 0)) {
		free(w.path);
		free(w.value);
		cJSON_Delete(w.operand);
		return -1;
	}
	w.trace = !strcmp(w.path, "trace");
	w.short_type = !strcmp(w.path, "type") && (w.op == OP_EQ ||
	    w.op == OP_NE) && w.value[0] != '"' && !strchr(w.value, '.');
	if ((w.op == OP_RE || w.op == OP_NRE) &&
	    check_regex(expr, w.value, err) < 0) {
		free(w.path);
		free(w.value);
		return -1;
	}
	if (w.op == OP_RE || w.op == OP_NRE) {
		rc = regcomp(&w.re, w.value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &w.re, msg, sizeof(msg));
			lt_error_set(err, LT_E_USAGE, "--where '%s': bad regular "
			    "expression '%s': %s", expr, w.value, msg);
			free(w.path);
			free(w.value);
			return -1;
		}
		w.has_re = true;
	}
	*PUSH(f->wheres, f->nwheres) = w;
	return 0;
}

void
lt_filter_add_grep(struct lt_filter *f, const char *text)
{
	*PUSH(f->greps, f->ngreps) = lt_xstrdup(text);
	f->raw_unsafe |= lt_redact_may_create(text);
}

bool
lt_filter_is_empty(const struct lt_filter *f)
{
	return f->nfors == 0 && f->nwheres == 0 && f->ngreps == 0;
}

static bool
contains(const char *raw, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	return lt_memfind(raw, len, needle, n) != NULL;
}

/* Every --grep text is in raw. */
static bool
greps_in(const struct lt_filter *f, const char *raw, size_t len)
{
	int i;

	for (i = 0; i < f->ngreps; i++)
		if (!contains(raw, len, f->greps[i]))
			return false;
	return true;
}

/* One of the names an app/NAME learned is in raw. */
static bool
owned_in(const struct for_spec *fs, const char *raw, size_t len)
{
	int i;

	for (i = 0; i < fs->nowned; i++)
		if (contains(raw, len, fs->owned[i]))
			return true;
	return false;
}

bool
lt_filter_may_match(const struct lt_filter *f, const char *raw, size_t len)
{
	int i;
	bool any = f->nfors == 0;

	if (!greps_in(f, raw, len))
		return false;
	for (i = 0; i < f->nfors && !any; i++)	/* a trace id is in a header */
		any = f->fors[i].kind == FOR_TRACE ||
		    contains(raw, len, f->fors[i].id) ||
		    owned_in(&f->fors[i], raw, len);
	return any;
}

bool
lt_filter_may_match_unredacted(const struct lt_filter *f, const char *raw,
    size_t len)
{
	return f->raw_unsafe || lt_filter_may_match(f, raw, len);
}

static bool
str_eq(const cJSON *v, const char *want)
{
	return cJSON_IsString(v) && !strcmp(v->valuestring, want);
}

static bool
array_has(const cJSON *arr, const char *want)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
		if (str_eq(v, want))
			return true;
	return false;
}

static bool
host_matches(const struct lt_event *ev, const char *id)
{
	const char *h = lt_event_host(ev);
	const char *name = lt_json_str(ev->data, "friendly_name");

	return (h && lt_str_has_prefix(h, id)) || (name && !strcmp(name, id));
}

/* The trace id of the traceparent tp (may be NULL) starts with id. */
static bool
trace_id_has_prefix(const char *tp, const char *id)
{
	size_t n = strlen(id);

	return tp && strlen(tp) >= 35 && n <= 32 && !strncmp(tp + 3, id, n);
}

static bool
owned_has(const struct for_spec *fs, const cJSON *v)
{
	int i;

	for (i = 0; cJSON_IsString(v) && i < fs->nowned; i++)
		if (!strcmp(v->valuestring, fs->owned[i]))
			return true;
	return false;
}

/* An event about something app/NAME owns: a component or provider by id
 * (also as a link's source or target) or a config by name. */
static bool
app_owns(const struct for_spec *fs, const cJSON *d)
{
	static const char *const members[] = { "component_id",
	    "provider_id", "source_id", "target", "config_name", NULL };
	int i;

	for (i = 0; fs->nowned && members[i]; i++)
		if (owned_has(fs, cJSON_GetObjectItemCaseSensitive(d,
		    members[i])))
			return true;
	return false;
}

static bool
for_matches(const struct lt_event *ev, const struct for_spec *fs)
{
	cJSON *d = ev->data;
	const char *id = fs->id;

	switch (fs->kind) {
	case FOR_COMPONENT:
		return str_eq(cJSON_GetObjectItem(d, "component_id"), id) ||
		    str_eq(cJSON_GetObjectItem(d, "source_id"), id) ||
		    str_eq(cJSON_GetObjectItem(d, "target"), id);
	case FOR_PROVIDER:
		return str_eq(cJSON_GetObjectItem(d, "provider_id"), id) ||
		    str_eq(cJSON_GetObjectItem(d, "source_id"), id) ||
		    str_eq(cJSON_GetObjectItem(d, "target"), id);
	case FOR_HOST:
		return host_matches(ev, id);
	case FOR_APP:
		return str_eq(lt_json_path(d,
		    "annotations[\"wasmcloud.dev/appspec\"]"), id) ||
		    str_eq(lt_json_path(d, "metadata.name"), id) ||
		    (lt_str_has_prefix(ev->type, "manifest_") &&
		    str_eq(cJSON_GetObjectItem(d, "name"), id)) ||
		    app_owns(fs, d);
	case FOR_TRACE:
		return trace_id_has_prefix(ev->traceparent, id);
	case FOR_CONFIG:
		return str_eq(cJSON_GetObjectItem(d, "config_name"), id) ||
		    array_has(cJSON_GetObjectItem(d, "source_config"), id) ||
		    array_has(cJSON_GetObjectItem(d, "target_config"), id);
	}
	return false;
}

const char *
lt_filter_app(const struct lt_filter *f, int n)
{
	int i;

	for (i = 0; i < f->nfors; i++)
		if (f->fors[i].kind == FOR_APP && n-- == 0)
			return f->fors[i].id;
	return NULL;
}

/* Add name to what fs owns, once, up to LT_FILTER_OWNED_MAX. Returns 1
 * when it is new. */
static int
own(struct lt_filter *f, struct for_spec *fs, const char *name)
{
	int i;

	if (name == NULL || *name == '\0' || fs->nowned >= LT_FILTER_OWNED_MAX)
		return 0;
	for (i = 0; i < fs->nowned; i++)
		if (!strcmp(fs->owned[i], name))
			return 0;
	*PUSH(fs->owned, fs->nowned) = lt_xstrdup(name);
	f->raw_unsafe |= lt_redact_may_create(name);
	return 1;
}

static int
own_configs(struct lt_filter *f, struct for_spec *fs,
    const struct lt_manifest_configs *cs, const struct lt_manifest_secrets *ss)
{
	size_t i;
	int n = 0;

	for (i = 0; i < cs->n; i++)
		n += own(f, fs, cs->v[i].stored_name);
	for (i = 0; i < ss->n; i++)
		n += own(f, fs, ss->v[i].stored_name);
	return n;
}

/* What one component (or provider) of the manifest adds to fs. A
 * reference to another application (no image) is that one's. */
static int
own_component(struct lt_filter *f, struct for_spec *fs,
    const struct lt_manifest_component *c)
{
	const struct lt_manifest_link *l;
	size_t i;
	int n;

	if (c->image == NULL)
		return 0;
	n = own(f, fs, c->id) + own_configs(f, fs, &c->config, &c->secrets);
	for (i = 0; i < c->nlinks; i++) {
		l = &c->links[i];
		n += own_configs(f, fs, &l->source_config, &l->source_secrets);
		n += own_configs(f, fs, &l->target_config, &l->target_secrets);
	}
	return n;
}

int
lt_filter_learn_manifest(struct lt_filter *f, const struct lt_manifest *m)
{
	size_t c;
	int i, n = 0;

	for (i = 0; m && m->name && i < f->nfors; i++) {
		if (f->fors[i].kind != FOR_APP || strcmp(f->fors[i].id, m->name))
			continue;
		for (c = 0; c < m->ncomponents; c++)
			n += own_component(f, &f->fors[i], &m->components[c]);
	}
	return n;
}

/* jq's order of the field and the value, except that a string field
 * compares with an unquoted value's text (labels=3 matches "3"). */
static int
compare(const struct where *w, const cJSON *v)
{
	int c;

	if (!cJSON_IsString(v) || w->quoted)
		return lt_json_cmp(v, w->operand);
	c = strcmp(v->valuestring, w->value);
	return c < 0 ? -1 : c > 0;
}

/* A string node over s, in scratch (nothing to free). */
static cJSON *
scratch_string(cJSON *scratch, char *s)
{
	memset(scratch, 0, sizeof(*scratch));
	scratch->type = cJSON_String;
	scratch->valuestring = s;
	return scratch;
}

/* "trace": the trace id of the traceparent tp, in scratch. */
static cJSON *
trace_value(const char *tp, cJSON *scratch, char *id)
{
	if (!tp || strlen(tp) < 35)
		return NULL;
	memcpy(id, tp + 3, 32);
	id[32] = '\0';
	return scratch_string(scratch, id);
}

/* w on the value v its path found (NULL: none) in an event of type
 * (lt_event.type) that is a CloudEvent when ok. */
static bool
where_test(const struct where *w, const cJSON *v, bool ok, const char *type)
{
	struct lt_buf text = LT_BUF_INIT;
	bool r = false;

	if (w->op == OP_EXISTS || w->op == OP_NEXISTS)
		return (v != NULL) == (w->op == OP_EXISTS);
	if (w->short_type && v != NULL && ok)
		return !strcmp(type, w->value) == (w->op == OP_EQ);
	if (v == NULL)
		return w->op == OP_NE || w->op == OP_NRE;
	switch (w->op) {
	case OP_EQ: return compare(w, v) == 0;
	case OP_NE: return compare(w, v) != 0;
	case OP_LT: return compare(w, v) < 0;
	case OP_GT: return compare(w, v) > 0;
	default: break;
	}
	lt_json_scalar_text(v, &text);
	r = regexec(&w->re, lt_buf_str(&text), 0, NULL, 0) == 0;
	lt_buf_release(&text);
	return w->op == OP_RE ? r : !r;
}

static bool
where_matches(const struct where *w, const struct lt_event *ev)
{
	cJSON scratch;
	char id[33];
	cJSON *v = w->trace ? trace_value(ev->traceparent, &scratch, id) :
	    lt_json_path(ev->root, w->path);

	return where_test(w, v, ev->status == LT_EV_OK, ev->type);
}

static bool
type_matches(const struct lt_filter *f, const char *type)
{
	int i;
	bool in = f->ntypes == 0;

	for (i = 0; i < f->ntypes && !in; i++)
		in = lt_glob_match(f->types[i], type);
	for (i = 0; i < f->nxtypes && in; i++)
		in = !lt_glob_match(f->xtypes[i], type);
	return in;
}

bool
lt_filter_match(const struct lt_filter *f, const struct lt_event *ev)
{
	int i;
	bool any = f->nfors == 0;

	if (!type_matches(f, ev->type) || !greps_in(f, ev->raw, ev->raw_len))
		return false;
	for (i = 0; i < f->nfors && !any; i++)
		any = ev->status == LT_EV_OK &&
		    for_matches(ev, &f->fors[i]);
	if (!any)
		return false;
	for (i = 0; i < f->nwheres; i++)
		if (!where_matches(&f->wheres[i], ev))
			return false;
	return true;
}

/* ---- deciding on the raw payload (lt_filter_match_raw) ----
 * A scan of the payload's bytes answers as lt_filter_match would on the
 * event lt_event_decode makes of the redacted payload, or gives up
 * (UNSURE): only a payload that redaction leaves as it is and that is
 * JSON cJSON reads alike (lt_json_check) is looked at, and only
 * the members the filter asks about, found as cJSON finds them. A name
 * or string value with an escape, more members than a scan keeps, a
 * member that differs from the name asked for only in case, a value
 * that is not a string where one is compared: the full test decides.
 * Reading the event is rawevent.c's. */

/* str_eq */
static verdict
raw_str_eq(const struct lt_json_member *v, const char *want)
{
	const char *s;
	size_t n;
	verdict r = raw_plain(v, &s, &n);

	if (r != LT_FILTER_YES)
		return r;
	return v_bool(n == strlen(want) && !memcmp(s, want, n));
}

/* str_eq on member name of o */
static verdict
raw_member_is(const struct raw_obj *o, const char *name, bool fold,
    const char *want)
{
	const struct lt_json_member *v;
	verdict r = raw_get(o, name, fold, &v);

	return r == LT_FILTER_YES ? raw_str_eq(v, want) : r;
}

/* array_has on member name of o (found as cJSON_GetObjectItem) */
static verdict
raw_array_has(const struct raw_obj *o, const char *name, const char *want)
{
	struct lt_json_member el[RAW_MEMBERS];
	const struct lt_json_member *v;
	verdict r = raw_get(o, name, true, &v), any = LT_FILTER_NO;
	int i, n;

	if (r != LT_FILTER_YES)
		return r;
	n = lt_json_members(v->value, v->value_len, el, RAW_MEMBERS);
	for (i = 0; i < n && i < RAW_MEMBERS; i++)
		any = v_or(any, raw_str_eq(&el[i], want));
	return n > RAW_MEMBERS ? v_or(any, LT_FILTER_UNSURE) : any;
}

/* host_matches: data.host_id, else an nkey source, has id as a prefix,
 * or data.friendly_name is id. */
static verdict
raw_host(const struct raw_event *re, const char *id)
{
	const char *h;
	size_t n, idn = strlen(id);
	verdict r = raw_event_host(re, &h, &n);

	if (r == LT_FILTER_UNSURE)
		return r;
	r = v_bool(h && n >= idn && !memcmp(h, id, idn));
	return v_or(r, raw_member_is(&re->data, "friendly_name", false, id));
}

/* for_matches */
static verdict
raw_for(const struct raw_event *re, const struct for_spec *fs)
{
	const struct raw_obj *d = &re->data;
	const char *id = fs->id;

	switch (fs->kind) {
	case FOR_COMPONENT:
	case FOR_PROVIDER:
		return v_or(v_or(raw_member_is(d, fs->kind == FOR_COMPONENT ?
		    "component_id" : "provider_id", true, id),
		    raw_member_is(d, "source_id", true, id)),
		    raw_member_is(d, "target", true, id));
	case FOR_HOST:
		return raw_host(re, id);
	case FOR_TRACE:
		return v_bool(trace_id_has_prefix(re->traceparent, id));
	case FOR_CONFIG:
		return v_or(v_or(raw_member_is(d, "config_name", true, id),
		    raw_array_has(d, "source_config", id)),
		    raw_array_has(d, "target_config", id));
	case FOR_APP:
		break;	/* nested paths and what the app owns */
	}
	return LT_FILTER_UNSURE;
}

/* where_matches */
static verdict
raw_where(const struct where *w, const struct raw_event *re)
{
	const struct lt_json_member *m = NULL;
	struct raw_obj obj;	/* where a nested member *m points into */
	cJSON scratch, *v = NULL;
	char id[33], *text = NULL;
	const char *s;
	size_t n;
	verdict r;
	bool opaque = false;	/* found, but no plain string */

	if (w->trace) {
		v = trace_value(re->traceparent, &scratch, id);
	} else if (strchr(w->path, '[')) {
		return LT_FILTER_UNSURE;
	} else {
		if ((r = raw_path(re, w->path, &obj, &m)) == LT_FILTER_UNSURE)
			return r;
		if (r == LT_FILTER_YES && raw_plain(m, &s, &n) == LT_FILTER_YES)
			v = scratch_string(&scratch, text = lt_xstrndup(s, n));
		else if (r == LT_FILTER_YES)
			v = &scratch, opaque = true;
	}
	if (opaque && w->op != OP_EXISTS && w->op != OP_NEXISTS &&
	    !w->short_type)
		r = LT_FILTER_UNSURE;	/* a number, or an escape */
	else
		r = v_bool(where_test(w, v, true, re->type));
	free(text);
	return r;
}

/* Whether redaction in mode leaves raw as it is (lt_redact_payload
 * returns NULL) and raw is JSON that lt_json_parse reads alike. */
static bool
raw_kept(const char *subject, const char *raw, size_t len,
    enum lt_redact_mode mode, struct lt_json_members *keep)
{
	return len > 0 && !lt_redact_may_change_values(subject, raw, len, mode) &&
	    lt_json_check(raw, len, LT_EVENT_MAX_DEPTH, mode == LT_REDACT_SECRETS ?
	    lt_redact_name_needs_tree_n : NULL, keep) == 0;
}

enum lt_filter_verdict
lt_filter_match_raw(const struct lt_filter *f, const char *subject,
    const char *raw, size_t len, const char *traceparent,
    enum lt_redact_mode mode, struct lt_filter_raw *out)
{
	struct lt_json_members *keep = &out->keep;
	struct raw_event re;
	verdict any = f->nfors ? LT_FILTER_NO : LT_FILTER_YES, all;
	int i;

	*keep = (struct lt_json_members){ out->kept, LT_FILTER_RAW_KEPT, 0,
	    false, false };
	if (!raw_kept(subject, raw, len, mode, keep) ||
	    raw_decode(&re, raw, keep, out->type, sizeof(out->type)) !=
	    LT_FILTER_YES)
		return LT_FILTER_UNSURE;
	out->compact = !keep->spaced;
	re.traceparent = traceparent;
	if (!type_matches(f, re.type) || !greps_in(f, raw, len))
		return LT_FILTER_NO;
	all = LT_FILTER_YES;
	for (i = 0; i < f->nwheres && all != LT_FILTER_NO; i++)
		all = v_and(all, raw_where(&f->wheres[i], &re));
	for (i = 0; i < f->nfors && any != LT_FILTER_YES && all != LT_FILTER_NO;
	    i++)
		any = v_or(any, raw_for(&re, &f->fors[i]));
	return v_and(any, all);
}

bool
lt_filter_match_status(const struct lt_filter *f, const char *app,
    const char *raw, size_t len)
{
	int i;
	bool any = f->nfors == 0;

	if (!greps_in(f, raw, len))
		return false;
	for (i = 0; i < f->nfors && !any; i++)
		any = f->fors[i].kind == FOR_APP && !strcmp(f->fors[i].id, app);
	return any;
}

/* A glob the server can do itself: a literal, or "*" alone. */
static bool
server_glob(const char *g)
{
	return strcmp(g, "*") == 0 || strpbrk(g, "*?[") == NULL;
}

bool
lt_filter_whole_lattice(const struct lt_filter *f)
{
	int i;
	bool widen = f->ntypes == 0;

	for (i = 0; i < f->ntypes; i++)
		if (!server_glob(f->types[i]))
			widen = true;
	return widen;
}

int
lt_filter_subjects(const struct lt_filter *f, const char *prefix,
    const char *lattice, char ***subjects)
{
	int i, n = 0;

	if (lt_filter_whole_lattice(f)) {
		*subjects = lt_xcalloc(1, sizeof(char *));
		(*subjects)[0] = lt_xasprintf("%s.%s.>", prefix, lattice);
		return 1;
	}
	*subjects = lt_xcalloc((size_t)f->ntypes, sizeof(char *));
	for (i = 0; i < f->ntypes; i++)
		(*subjects)[n++] = lt_xasprintf("%s.%s.%s", prefix, lattice,
		    f->types[i]);
	return n;
}

int
lt_filter_add_opts(struct lt_filter *f, const struct lt_filter_opts *o,
    struct lt_error *err)
{
	int i;

	for (i = 0; i < o->type.n; i++)
		if (lt_filter_add_types(f, o->type.v[i], err) < 0)
			return -1;
	for (i = 0; i < o->fors.n; i++)
		if (lt_filter_add_for(f, o->fors.v[i], err) < 0)
			return -1;
	for (i = 0; i < o->where.n; i++)
		if (lt_filter_add_where(f, o->where.v[i], err) < 0)
			return -1;
	for (i = 0; i < o->grep.n; i++)
		lt_filter_add_grep(f, o->grep.v[i]);
	return 0;
}

bool
lt_filter_opts_given(const struct lt_filter_opts *o)
{
	return o->type.n || o->fors.n || o->where.n || o->grep.n;
}
