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

#endif
