/* snapshot.h: a KV bucket's state at one point, in memory and as a file
 * (latticectl(5), "KV SNAPSHOTS"). Entries keep their value as it is
 * written in the file: compact JSON text, base64 text, or a redaction
 * mask, so a snapshot read back compares byte for byte with one taken
 * live. Strings live in the snapshot's own arena: memory grows with the
 * data, not with per-entry allocations. Nothing here talks to NATS. */
#ifndef LATTICECTL_SNAPSHOT_H
#define LATTICECTL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"
#include "latticectl/redact.h"

#define LT_SNAPSHOT_SCHEMA "latticectl.snapshot/1"

enum lt_kv_op {
	LT_KV_PUT,
	LT_KV_DELETE,
	LT_KV_PURGE,
	LT_KV_UNKNOWN,		/* rebuilt points only: the bucket no longer
				 * holds this key's state at the point */
};

/* How an entry's value text is to be read. */
enum lt_kv_enc {
	LT_KV_ENC_NONE,		/* no value: a delete or purge marker, or
				 * a metadata-only snapshot */
	LT_KV_ENC_JSON,		/* compact JSON text */
	LT_KV_ENC_BASE64,	/* base64 of bytes that are not JSON */
	LT_KV_ENC_REDACTED,	/* the mask that replaced the whole value */
};

struct lt_snapshot_entry {
	const char *key;	/* NUL-terminated, in the arena */
	const char *value;	/* NUL-terminated text per enc, or NULL */
	size_t value_len;
	uint64_t revision;
	int64_t created_ns;
	size_t raw_len;		/* bytes of the value as stored in NATS */
	enum lt_kv_op op;
	enum lt_kv_enc enc;
};

struct lt_snapshot_arena;

struct lt_snapshot {
	char *bucket;
	char *lattice;
	char *source;		/* "live", "@REVISION", "@TIME" or a path */
	char server_id[64], server_name[64], server_version[32];
	int64_t taken_ns;	/* when the walk started */
	int64_t duration_ns;	/* how long it took */
	uint64_t stream_last_seq;	/* the bucket stream's at the start */
	uint64_t revision;	/* highest revision among the entries */
	uint64_t unknown;	/* keys whose state at the point is unknown
				 * (entries with op LT_KV_UNKNOWN) */
	enum lt_redact_mode redaction;
	bool meta_only;		/* entries carry no values */
	bool redacted;		/* values come already redacted in redaction
				 * (session.h): kept as they are, a mask as a
				 * mask */
	struct lt_snapshot_entry *v;
	size_t n, alloc;
	struct lt_snapshot_arena *arena;
};

#define LT_SNAPSHOT_INIT { NULL, NULL, NULL, "", "", "", 0, 0, 0, 0, 0, \
	LT_REDACT_SECRETS, false, false, NULL, 0, 0, NULL }

void lt_snapshot_init(struct lt_snapshot *s);
/* Free what s holds; s is LT_SNAPSHOT_INIT again. */
void lt_snapshot_release(struct lt_snapshot *s);

/* Copy len bytes into s's arena (NUL added). Borrowed until release. */
const char *lt_snapshot_strdup(struct lt_snapshot *s, const char *p,
    size_t len);

/* Add one entry from the raw value bytes as NATS holds them (data may be
 * NULL for markers or meta_only): redacted with s->redaction, then stored
 * as compact JSON, as a mask, or as base64. Returns the entry, valid until
 * the next add. */
struct lt_snapshot_entry *lt_snapshot_add(struct lt_snapshot *s,
    const char *key, size_t keylen, uint64_t revision, int64_t created_ns,
    enum lt_kv_op op, const void *data, size_t len);

/* Sort by key and keep, for each key, only the entry with the highest
 * revision. */
void lt_snapshot_sort(struct lt_snapshot *s);
/* Sort by key, then revision, keeping every entry. */
void lt_snapshot_order(struct lt_snapshot *s);
/* The entry for key in a sorted snapshot, or NULL. */
const struct lt_snapshot_entry *lt_snapshot_find(const struct lt_snapshot *s,
    const char *key);
/* Entries that hold a value (op put). */
size_t lt_snapshot_count_live(const struct lt_snapshot *s);

/* Write s as a snapshot file to fp: a header line, one line per entry in
 * order, an end line. -1 with LT_E_RUNTIME (errno kept; EPIPE when a pipe
 * reader went away) when a write fails. */
int lt_snapshot_write(const struct lt_snapshot *s, FILE *fp,
    struct lt_error *err);

/* Read a snapshot file into s (LT_SNAPSHOT_INIT or released) and sort it.
 * Fails with LT_E_RUNTIME and a message naming path for a missing or
 * unreadable file, one that is not JSON, of another schema version, with a
 * damaged line, or truncated (no end line, or fewer entries than it says).
 * source is set to path. */
int lt_snapshot_read(struct lt_snapshot *s, const char *path,
    struct lt_error *err);
/* Same from a stream; name is used in messages and as the source. */
int lt_snapshot_read_fp(struct lt_snapshot *s, FILE *fp, const char *name,
    struct lt_error *err);

/* Names of ops and encodings as written in files and output. */
const char *lt_kv_op_name(enum lt_kv_op op);
int lt_kv_op_parse(const char *s, enum lt_kv_op *out);

/* Append an entry's value for people: JSON text as is (pretty when
 * pretty), redaction masks as is, base64 decoded when it is text, else
 * "(binary, N bytes)"; escaped for a terminal (text.h), on one line, or
 * on its own lines when pretty. Nothing for entries without a value. */
void lt_snapshot_value_text(const struct lt_snapshot_entry *e, bool pretty,
    struct lt_buf *out);
/* Append the entry's value member(s) for JSON output: "value":...
 * [,"encoding":"base64"|"redacted"]; nothing without a value. */
void lt_snapshot_value_json(const struct lt_snapshot_entry *e,
    struct lt_buf *out);
/* Append the members of an entry's JSON object, as a snapshot file's
 * entry lines hold them (without the braces): key, revision, op, created,
 * size for puts, and the value when the entry has one. */
void lt_snapshot_entry_json(const struct lt_snapshot_entry *e,
    struct lt_buf *out);

#endif
