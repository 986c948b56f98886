/* kv.h: read-only access to JetStream key-value buckets: bucket info and
 * listing, get, history, and whole-bucket walks through one ordered
 * watcher (the current state, or the state at a revision or time
 * reconstructed from the bucket's history). Never writes to a bucket.
 * Only kv.c (with conn, sub, req) talks to nats.c. */
#ifndef LATTICECTL_KV_H
#define LATTICECTL_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/conn.h"
#include "latticectl/error.h"
#include "latticectl/snapshot.h"

struct lt_kv;

/* What a bucket's stream says about it. */
struct lt_kv_info {
	char bucket[128];
	uint64_t values;	/* messages held, markers included */
	uint64_t bytes;
	uint64_t keys;		/* subjects (0 when the server does not say) */
	uint64_t first_seq, last_seq;
	int64_t history;	/* revisions kept per key */
	int64_t ttl_ns;		/* 0: values never expire */
	int replicas;
	bool file_storage;
};

/* Open bucket for reading. A missing bucket is LT_E_RUNTIME naming the
 * bucket and, when lattice is not NULL, the lattice with a hint to pick
 * another with -x or --bucket; JetStream disabled is LT_E_RUNTIME too. The
 * caller frees with lt_kv_close. */
int lt_kv_open(struct lt_kv **out, struct lt_conn *c, const char *bucket,
    const char *lattice, struct lt_error *err);
void lt_kv_close(struct lt_kv *kv);
const char *lt_kv_bucket(const struct lt_kv *kv);

/* Refresh and return the bucket's stream info. */
int lt_kv_info(struct lt_kv *kv, struct lt_kv_info *info,
    struct lt_error *err);

/* Every bucket on the server (streams named KV_*), sorted by name. *out
 * is an array the caller frees with free(). */
int lt_kv_buckets(struct lt_conn *c, struct lt_kv_info **out, size_t *n,
    struct lt_error *err);

/* One revision of a key, raw. */
struct lt_kv_entry {
	char *key;
	char *value;		/* raw bytes plus a NUL; NULL for markers */
	size_t len;
	uint64_t revision;
	int64_t created_ns;
	enum lt_kv_op op;
};

#define LT_KV_ENTRY_INIT { NULL, NULL, 0, 0, 0, LT_KV_PUT }

void lt_kv_entry_release(struct lt_kv_entry *e);

/* The operation a KV-Operation header names: NULL put, "DEL" delete,
 * "PURGE" purge (anything else counts as a put, as nats.c does). */
enum lt_kv_op lt_kv_op_from_header(const char *hdr);

/* The key's latest entry (revision 0) or the given revision. Returns 1
 * with *out filled (a delete or purge marker is an entry too), 0 when the
 * key or revision is not in the bucket, -1 on error. */
int lt_kv_get(struct lt_kv *kv, const char *key, uint64_t revision,
    struct lt_kv_entry *out, struct lt_error *err);

/* Every revision the bucket still holds for key, oldest first. Returns
 * how many (0: none), -1 on error. *out is freed with
 * lt_kv_entries_free. */
int lt_kv_history(struct lt_kv *kv, const char *key,
    struct lt_kv_entry **out, struct lt_error *err);
void lt_kv_entries_free(struct lt_kv_entry *v, size_t n);

/* A whole-bucket walk. */
struct lt_kv_walk {
	uint64_t at_revision;	/* reconstruct the state at this revision */
	int64_t at_ns;		/* or at this time (ns since the epoch) */
	bool meta_only;		/* keys, revisions, ops and value sizes only:
				 * the server sends no value bytes */
	/* Called every few thousand entries with the count so far and the
	 * expected total (0 when unknown). */
	void (*progress)(void *ud, uint64_t done, uint64_t total);
	void *ud;
};

/* Read the bucket through one ordered watcher into out (initialised; its
 * redaction mode is applied to values) and sort it: the latest entry of
 * every key (markers included), or with at_revision/at_ns the last entry
 * at or before that point, from the bucket's history. Keys whose state at
 * the point the bucket no longer holds (older revisions dropped by the
 * history limit, a purge, or age) are counted in out->unknown and left
 * out. Fills bucket, server, taken_ns, duration_ns, stream_last_seq. */
int lt_kv_snapshot(struct lt_kv *kv, const struct lt_kv_walk *walk,
    struct lt_snapshot *out, struct lt_error *err);

#endif
