/* diff.h: what changed between two KV snapshots: keys added, removed
 * (telling a delete from a purge when the newer side kept the marker) and
 * changed, and for JSON map values each field added, removed or changed
 * (nested maps by dotted path). Values are compared as the snapshots hold
 * them, so both sides must be redacted the same way (masks are stable
 * hashes: a changed secret still shows as changed). Nothing here prints;
 * the format functions append to a buffer. */
#ifndef LATTICECTL_DIFF_H
#define LATTICECTL_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "latticectl/buf.h"
#include "latticectl/output.h"
#include "latticectl/snapshot.h"

enum lt_diff_change {
	LT_DIFF_ADDED,
	LT_DIFF_REMOVED,
	LT_DIFF_CHANGED,
};

struct lt_diff_field {
	char *path;		/* "a" or "outer.inner" */
	enum lt_diff_change change;
	char *a, *b;		/* compact JSON text; NULL on the absent side */
};

struct lt_diff_item {
	/* Borrowed from the snapshots; the absent side is NULL or a delete
	 * or purge marker. */
	const struct lt_snapshot_entry *a, *b;
	enum lt_diff_change change;
	struct lt_diff_field *fields;	/* both values JSON objects */
	size_t nfields;
};

struct lt_diff {
	struct lt_diff_item *v;
	size_t n, alloc;
	size_t added, removed, changed;
	size_t deleted, purged;		/* removed with that marker in B */
	size_t unknown;			/* keys not compared: a side has
					 * them with op LT_KV_UNKNOWN */
};

#define LT_DIFF_INIT { NULL, 0, 0, 0, 0, 0, 0, 0, 0 }

/* Compare sorted snapshots a (older) and b. Fills d (LT_DIFF_INIT), which
 * borrows entries from a and b: keep them until lt_diff_release. Keys
 * whose state a side does not know are counted in d->unknown, not
 * compared. Returns the number of differences. */
size_t lt_diff_snapshots(const struct lt_snapshot *a,
    const struct lt_snapshot *b, struct lt_diff *d);
void lt_diff_release(struct lt_diff *d);

/* Whether two entries hold the same value: the same text, or JSON texts
 * that parse to equal documents. */
bool lt_diff_values_equal(const struct lt_snapshot_entry *a,
    const struct lt_snapshot_entry *b);

/* Field differences between two JSON texts that are both objects: 0 with
 * *out (free with lt_diff_fields_free) and *n, or -1 when either is not
 * an object. */
int lt_diff_fields(const char *a, size_t alen, const char *b, size_t blen,
    struct lt_diff_field **out, size_t *n);
void lt_diff_fields_free(struct lt_diff_field *f, size_t n);

/* Text: one line per key ("+ key", "- key", "~ key") with revisions and
 * the removal op, then indented field or value lines. */
void lt_diff_format_text(const struct lt_diff *d, const struct lt_colors *col,
    struct lt_buf *out);
/* One JSON document (schema latticectl.kv-diff/1) with both sides'
 * descriptions, counts and the changes. */
void lt_diff_format_json(const struct lt_diff *d, const struct lt_snapshot *a,
    const struct lt_snapshot *b, struct lt_buf *out);
/* The same as JSON lines: one object per change (schema
 * latticectl.kv-diff-change/1, the members of a "changes" element), then
 * one summary object (schema latticectl.kv-diff-summary/1: the document's
 * a, b and summary). */
void lt_diff_format_ndjson(const struct lt_diff *d, const struct lt_snapshot *a,
    const struct lt_snapshot *b, struct lt_buf *out);
/* A side rendered for an external diff tool: for each key that holds a
 * value, "== KEY" and the value (pretty JSON or text). */
void lt_diff_render(const struct lt_snapshot *s, struct lt_buf *out);

#endif
