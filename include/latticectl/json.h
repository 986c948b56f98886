/* json.h: small helpers over cJSON (our data model) and a fast validator
 * that compacts a document without building a tree, for the hot path of
 * 'watch -o ndjson'. */
#ifndef LATTICECTL_JSON_H
#define LATTICECTL_JSON_H

#include <stdbool.h>
#include <stddef.h>

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

/* Follow a dotted path ("data.annotations.x", with ["key.with.dots"] for
 * keys that contain dots, and [N] for array indexes). Borrowed, or NULL. */
struct cJSON *lt_json_path(struct cJSON *root, const char *path);
/* String member of obj, or NULL. Borrowed. */
const char *lt_json_str(const struct cJSON *obj, const char *key);
/* Number member, or def when absent or not a number. */
double lt_json_num(const struct cJSON *obj, const char *key, double def);
/* A scalar as text: strings as is, numbers as %g or integer, true/false,
 * null; objects and arrays compact. Appends to out. */
void lt_json_scalar_text(const struct cJSON *v, struct lt_buf *out);
/* Append v as JSON text (pretty: indented), valid UTF-8 whatever its
 * strings hold: a byte that is not UTF-8 becomes \ufffd, DEL, C1 and bidi
 * controls \uNNNN (cJSON prints a string's bytes as it parsed them). For
 * every JSON document latticectl writes from a tree. */
void lt_json_print(const struct cJSON *v, bool pretty, struct lt_buf *out);

#endif
