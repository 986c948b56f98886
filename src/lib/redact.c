/* redact.c: which names hold secrets, the stable mask, and masking of
 * JSON trees and KV values (rules in redact.h). */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const mode_names[] = {
	[LT_REDACT_SECRETS] = "secrets",
	[LT_REDACT_NONE] = "none",
	[LT_REDACT_ALL] = "all",
};

const char *
lt_redact_mode_name(enum lt_redact_mode m)
{
	if ((size_t)m < LT_ARRAY_SIZE(mode_names))
		return mode_names[m];
	return "secrets";
}

int
lt_redact_mode_parse(const char *s, enum lt_redact_mode *out)
{
	size_t i;

	for (i = 0; s && i < LT_ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(s, mode_names[i])) {
			*out = (enum lt_redact_mode)i;
			return 0;
		}
	}
	return -1;
}

/* ---- names ---- */

/* Substrings that make any name secret. */
static const char *const secret_words[] = {
	"password", "passwd", "token", "secret", "credential", "creds",
	"seed", "jwt", NULL,
};

/* One word part of a name: n bytes at p. */
struct part {
	const char *p;
	size_t n;
};

static bool
part_is(struct part w, const char *word)
{
	return w.n == strlen(word) && !strncasecmp(w.p, word, w.n);
}

static bool
part_ends(struct part w, const char *suffix)
{
	size_t n = strlen(suffix);

	return w.n >= n && !strncasecmp(w.p + w.n - n, suffix, n);
}

static bool
part_contains(struct part w, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= w.n; i++)
		if (!strncasecmp(w.p + i, needle, n))
			return true;
	return false;
}

/* The next word part at *s: split at non-alphanumerics and where a lower
 * case letter is followed by an upper case one ("apiKey"). */
static bool
next_part(const char **s, struct part *w)
{
	const unsigned char *p = (const unsigned char *)*s;

	while (*p && !isalnum(*p))
		p++;
	if (*p == '\0')
		return false;
	w->p = (const char *)p;
	while (*p && isalnum(*p)) {
		p++;
		if (islower(p[-1]) && isupper(*p))
			break;
	}
	w->n = (size_t)((const char *)p - w->p);
	*s = (const char *)p;
	return true;
}

static bool
is_key_part(struct part w, struct part prev, bool only)
{
	if (!part_ends(w, "key") && !part_ends(w, "keys"))
		return false;
	if (only && (part_is(w, "key") || part_is(w, "keys")))
		return false;	/* a label's or entry's key: a name */
	if (part_ends(w, "publickey") || part_ends(w, "pubkey") ||
	    part_ends(w, "publickeys") || part_ends(w, "pubkeys"))
		return false;
	return !(part_is(prev, "public") || part_is(prev, "pub"));
}

static bool
is_auth_part(struct part w)
{
	return part_contains(w, "auth") && !part_is(w, "author") &&
	    !part_is(w, "authors") && !part_is(w, "authored") &&
	    !part_is(w, "authority");
}

static size_t
count_parts(const char *s)
{
	struct part w;
	size_t n = 0;

	while (next_part(&s, &w))
		n++;
	return n;
}

bool
lt_redact_name_is_secret(const char *name)
{
	struct part w, prev = { "", 0 };
	const char *s = name;
	bool only;
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; secret_words[i]; i++)
		if (lt_str_icontains(name, secret_words[i]))
			return true;
	only = count_parts(name) == 1;
	while (next_part(&s, &w)) {
		if (is_key_part(w, prev, only) || is_auth_part(w) ||
		    part_is(w, "pass") || part_is(w, "pwd"))
			return true;
		prev = w;
	}
	return false;
}

/* ---- masks ---- */

char *
lt_redact_mask(const void *val, size_t len)
{
	uint64_t h = lt_hash64(val ? val : "", val ? len : 0);

	return lt_xasprintf("<redacted:%08lx>",
	    (unsigned long)((h ^ (h >> 32)) & 0xffffffffUL));
}

/* Replace item (a member or element of parent) by the mask of its compact
 * JSON text. */
static void
mask_item(cJSON *parent, cJSON *item)
{
	char *text = cJSON_PrintUnformatted(item);
	char *mask = lt_redact_mask(text, text ? strlen(text) : 0);
	cJSON *repl = cJSON_CreateString(mask);

	if (item->string)	/* freed by cJSON_Delete (malloc, as cJSON's) */
		repl->string = lt_xstrdup(item->string);
	cJSON_ReplaceItemViaPointer(parent, item, repl);
	cJSON_free(text);
	free(mask);
}

static bool
is_scalar(const cJSON *v)
{
	return cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v);
}

static size_t
redact_children(cJSON *v, enum lt_redact_mode m)
{
	cJSON *c = v->child, *next;
	size_t n = 0;

	for (; c; c = next) {
		next = c->next;	/* c may be replaced */
		if (cJSON_IsObject(v) && lt_redact_name_is_secret(c->string)) {
			mask_item(v, c);
			n++;
		} else if (m == LT_REDACT_ALL && is_scalar(c)) {
			mask_item(v, c);
			n++;
		} else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			n += redact_children(c, m);
		}
	}
	return n;
}

size_t
lt_redact_json_count(cJSON *v, enum lt_redact_mode m)
{
	char *text, *mask;

	if (v == NULL || m == LT_REDACT_NONE)
		return 0;
	if (cJSON_IsObject(v) || cJSON_IsArray(v))
		return redact_children(v, m);
	if (m != LT_REDACT_ALL || !is_scalar(v))
		return 0;
	/* A bare scalar root: replace its contents in place. */
	text = cJSON_PrintUnformatted(v);
	mask = lt_redact_mask(text, text ? strlen(text) : 0);
	cJSON_free(text);
	if (cJSON_IsString(v)) {
		cJSON_SetValuestring(v, mask);
		free(mask);
	} else {
		v->type = cJSON_String;	/* takes mask (malloc, as cJSON's) */
		v->valuestring = mask;
	}
	return 1;
}

void
lt_redact_json(cJSON *v, enum lt_redact_mode m)
{
	lt_redact_json_count(v, m);
}

/* ---- KV values ---- */

static char *
copy_bytes(const void *val, size_t len, size_t *out_len)
{
	char *out = lt_xmalloc(len + 1);

	if (len > 0)
		memcpy(out, val, len);
	out[len] = '\0';
	*out_len = len;
	return out;
}

static char *
mask_bytes(const void *val, size_t len, size_t *out_len)
{
	char *mask = lt_redact_mask(val, len);

	*out_len = strlen(mask);
	return mask;
}

char *
lt_redact_kv_value(const char *key, const void *val, size_t len,
    enum lt_redact_mode m, size_t *out_len)
{
	cJSON *j;
	char *text, *out;

	if (m == LT_REDACT_NONE)
		return copy_bytes(val, len, out_len);
	if (lt_redact_name_is_secret(key))
		return mask_bytes(val, len, out_len);
	j = len > 0 ? cJSON_ParseWithLength(val, len) : NULL;
	if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return m == LT_REDACT_ALL ? mask_bytes(val, len, out_len) :
		    copy_bytes(val, len, out_len);
	}
	if (lt_redact_json_count(j, m) == 0) {
		cJSON_Delete(j);
		return copy_bytes(val, len, out_len);
	}
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	out = copy_bytes(text, strlen(text), out_len);
	cJSON_free(text);
	return out;
}
