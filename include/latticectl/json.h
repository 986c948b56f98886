/* json.h: small helpers over cJSON (our data model) and a fast validator
 * that compacts a document without building a tree, for the hot path of
 * 'watch -o ndjson'. */
#ifndef LATTICECTL_JSON_H
#define LATTICECTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/buf.h"

struct cJSON;

/* Append data to out with whitespace outside strings removed, if it is
 * exactly one valid JSON value nested at most max_depth deep. Returns 0, or
 * -1 (out unchanged) when it is not. */
int lt_json_compact(const char *data, size_t len, int max_depth,
    struct lt_buf *out);

/* Asked about each object member name: its n bytes between the quotes,
 * escapes undecoded. True flags the document. */
typedef bool (*lt_json_name_fn)(const char *name, size_t n);

/* lt_json_compact, asking flag (may be NULL) about every member name on
 * the way; a name with escapes is flagged unasked. Returns 0, -1 when the
 * data is not JSON text, 1 when a name was flagged (out unchanged; the
 * rest of the data was not looked at). */
int lt_json_compact_names(const char *data, size_t len, int max_depth,
    lt_json_name_fn flag, struct lt_buf *out);

/* One member of an object (or element of an array: name NULL) as its
 * bytes: the name between its quotes, escapes undecoded, and the value as
 * written. */
struct lt_json_member {
	const char *name;
	size_t name_len;
	bool name_esc;		/* the name holds an escape */
	const char *value;
	size_t value_len;
	int parent;		/* lt_json_check: -1 in the top-level object,
				 * else the index of the member it is in */
};

/* The members lt_json_check keeps, in document order: those of the
 * top-level object and of the objects that are its members' values (up
 * to max in m; lost tells that there were more). */
struct lt_json_members {
	struct lt_json_member *m;
	int max, n;
	bool lost;
	bool spaced;	/* white space outside strings: lt_json_compact
			 * would change the text (else it copies it) */
};

/* The check of lt_json_compact_names without the copy, and stricter:
 * 0 only for a document that lt_json_parse reads too, as the same values
 * (it refuses a number of more than 63 characters, which cJSON cannot
 * read), and that lt_is_text accepts. -1 otherwise, 1 when a name was
 * flagged. keep (may be NULL) gets the members of the first two levels
 * on the way. */
int lt_json_check(const char *data, size_t len, int max_depth,
    lt_json_name_fn flag, struct lt_json_members *keep);

/* The members of the object (or the elements of the array) data, which
 * must be valid JSON (lt_json_check), in document order, without
 * building a tree: stores the first max in out and returns how many there
 * are, or -1 when data is no object or array. */
int lt_json_members(const char *data, size_t len, struct lt_json_member *out,
    int max);

/* Follow a dotted path ("data.annotations.x", with ["key.with.dots"] for
 * keys that contain dots, and [N] for array indexes). Borrowed, or NULL. */
struct cJSON *lt_json_path(struct cJSON *root, const char *path);
/* String member of obj, or NULL. Borrowed. */
const char *lt_json_str(const struct cJSON *obj, const char *key);
/* Number member, or def when absent or not a number. */
double lt_json_num(const struct cJSON *obj, const char *key, double def);
/* A scalar as text: strings as is, numbers as written (lt_json_parse)
 * or else as an integer or %g, true/false, null; objects and arrays
 * compact, numbers as written. Appends to out. */
void lt_json_scalar_text(const struct cJSON *v, struct lt_buf *out);
/* Append v as JSON text (pretty: indented), valid UTF-8 whatever its
 * strings hold: a byte that is not UTF-8 becomes \ufffd, DEL, C1 and bidi
 * controls \uNNNN (cJSON prints a string's bytes as it parsed them). For
 * every JSON document latticectl writes from a tree. */
void lt_json_print(const struct cJSON *v, bool pretty, struct lt_buf *out);
/* Make "schema": schema the first member of object o (every document and
 * line of machine output starts with it, docs/architecture.md, Output). */
void lt_json_add_schema(struct cJSON *o, const char *schema);

/* ---- numbers as written (json-num.c) ---- */

/* cJSON_ParseWithLength, keeping each number's text as written where
 * cJSON would print it otherwise (18446744073709551617, 5.0, 1e999): the
 * number node's valuestring holds it, freed with the tree and kept by
 * cJSON_Duplicate. Owned by the caller (cJSON_Delete); NULL when the data
 * is not JSON. */
struct cJSON *lt_json_parse(const char *data, size_t len);
/* cJSON_PrintUnformatted (cJSON_Print when pretty) of v alone, numbers
 * with their kept text, strings as cJSON holds them (lt_json_print makes
 * them UTF-8). Free with cJSON_free; NULL for NULL. (v's nodes are marked
 * while printing and restored before it returns: do not print one tree
 * from two threads.) */
char *lt_json_print_kept(const struct cJSON *v, bool pretty);
/* A number node's text: as written when kept (borrowed from v, any
 * length), else the shortest text that reads back as its double, written
 * into buf (64 bytes hold any) and returned. */
const char *lt_json_number_text(const struct cJSON *v, char *buf,
    size_t size);
/* The text of obj's number member key (lt_json_number_text), or def when
 * it is absent or no number: for showing a number read from a file or
 * the wire without converting it (a seq of 1e999 is no int). */
const char *lt_json_num_text(const struct cJSON *obj, const char *key,
    const char *def, char *buf, size_t size);
/* Compare two number texts (JSON numbers; "inf", "-inf" beyond every
 * finite one) by their exact decimal value: -1, 0 or 1. */
int lt_json_num_cmp(const char *a, const char *b);
/* jq's order: null < false < true < numbers (by exact value) < strings
 * (by bytes) < arrays (element by element) < objects (sorted names, then
 * values): -1, 0 or 1. */
int lt_json_cmp(const struct cJSON *a, const struct cJSON *b);
/* A number node as an integer in [min, max]: 0 when it is one, 1 when it
 * is a number outside the range or with a fraction (*out clamped into the
 * range, towards zero), -1 when v is not a number (*out untouched). */
int lt_json_int(const struct cJSON *v, int64_t min, int64_t max,
    int64_t *out);

#endif
