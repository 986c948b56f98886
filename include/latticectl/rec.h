/* rec.h: recordings (latticectl(5); docs/architecture.md, Recordings):
 * one JSON object per line,
 *   {"schema":"latticectl.rec/1","seq":N,"t":"RFC3339Nano","kind":K,...}
 * append-only and flushed per record, so a crash leaves a valid prefix;
 * an "end" record marks a complete file. Kinds: meta, event, ctl.request,
 * ctl.reply, wadm.request, wadm.reply, wadm.status, wadm.cmd, kv,
 * snapshot, inventory, probe, phase, finding, gap, end. */
#ifndef LATTICECTL_REC_H
#define LATTICECTL_REC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/buf.h"
#include "latticectl/error.h"
#include "latticectl/redact.h"

struct cJSON;
struct lt_server_info;
struct lt_msg;

#define LT_REC_SCHEMA "latticectl.rec/1"

struct lt_rec;

/* Create path for writing, redacted in mode m (lt_rec_set_redaction), by
 * file.h's rules for a recording: never over an existing file nor through
 * a symbolic link, in place on a FIFO or character device, 0600 when m is
 * LT_REDACT_NONE (it may hold secrets). LT_E_RUNTIME when refused or not
 * created, LT_E_USAGE for '-'. Thread-safe writes; the caller closes with
 * lt_rec_close. */
int lt_rec_open(struct lt_rec **out, const char *path, enum lt_redact_mode m,
    struct lt_error *err);

/* Write records to an open stream (stdout for 'watch -o ndjson'); fp is
 * not closed by lt_rec_close. */
struct lt_rec *lt_rec_open_fp(FILE *fp);
/* The writer's redaction mode (redact.h): LT_REDACT_SECRETS unless set.
 * Set it right after opening, before lt_rec_write_meta, which records it;
 * what a command adds to records is redacted in the same mode as it is
 * added (lt_rec_write). Whatever the mode, registry.put credentials are
 * masked (lt_redact_payload). */
void lt_rec_set_redaction(struct lt_rec *r, enum lt_redact_mode m);

/* Redact one record (or the fields of one) of kind in place: each payload
 * member (event, payload, value, entries, headers) gets
 * lt_redact_payload_json on the record's subject, or on its
 * request_subject when that is a config request on a secret name
 * (lt_redact_subject): masked whole for a secret config (unless
 * LT_REDACT_NONE), as LT_REDACT_ALL for a request on registry.put even
 * under LT_REDACT_NONE, else lt_redact_json in mode m. A kv record whose
 * key is secret gets its payload masked whole (unless LT_REDACT_NONE).
 * The writer (for trees) and the reader both use it, and
 * lt_redact_payload, lt_redact_msg_req and lt_redact_payload_json follow
 * the same rule, so what is recorded and what is shown agree. */
void lt_rec_redact(struct cJSON *rec, const char *kind, enum lt_redact_mode m);

/* With autoflush off (default on), records are flushed only by
 * lt_rec_flush: streaming commands flush when their queue runs empty, so
 * a burst costs one write, and a quiet stream is always on disk. */
void lt_rec_set_autoflush(struct lt_rec *r, bool on);
/* 0, or -1 with errno set (EPIPE when a pipe reader went away). */
int lt_rec_flush(struct lt_rec *r);

/* The one way a record is written (docs/architecture.md, Recordings):
 * fields is the text of its members without braces ("\"subject\":\"a\",
 * \"event\":{...}"), valid JSON, written as it is. Redaction is a
 * property of what was added, not a step here: a message's payload goes
 * in through lt_rec_add_msg_payload (redacted unless the message already
 * is, msg.h), a tree through lt_rec_redact then lt_rec_add_members, a KV
 * value through lt_redact_kv_value; the rest of a record is latticectl's
 * own description of it. t_ns 0 means now. Returns the record's seq (>0),
 * or 0 with err set on a write failure. */
uint64_t lt_rec_write(struct lt_rec *r, const char *kind, int64_t t_ns,
    const char *fields, size_t len, struct lt_error *err);
/* The writer's mode (lt_rec_open, lt_rec_set_redaction). */
enum lt_redact_mode lt_rec_redaction(const struct lt_rec *r);
/* Append the members of the object fields to b, without its braces (as
 * lt_json_print writes them); nothing for NULL or an empty object. */
void lt_rec_add_members(struct lt_buf *b, const struct cJSON *fields);

/* Append the members for a message payload to b: "payload":<JSON> when the
 * bytes are a JSON document, "payload":"<redacted:...>" when they are a
 * mask (a payload masked whole), else "payload":"<base64>",
 * "encoding":"base64". key names the member ("payload", "event"). */
void lt_rec_add_payload(struct lt_buf *b, const char *key, const char *data,
    size_t len);

/* lt_rec_add_payload of the payload as lt_redact_payload(subject, data,
 * len, m) leaves it, in one pass over the bytes when they need nothing
 * (the common case): the hot path of 'watch -o ndjson'. */
void lt_rec_add_payload_redacted(struct lt_buf *b, const char *key,
    const char *subject, const char *data, size_t len, enum lt_redact_mode m);
/* A message's payload under key: as it is when m is already redacted
 * (lt_redact_msg), else redacted on the way in mode, as the subject of
 * its request asks for a reply (request_subject; NULL: none,
 * lt_redact_subject). So each message is redacted exactly once. */
void lt_rec_add_msg_payload(struct lt_buf *b, const char *key,
    const struct lt_msg *m, const char *request_subject,
    enum lt_redact_mode mode);

/* The W3C traceparent header of m when it has a well-formed one
 * (lt_otlp_traceparent_ok), else NULL: the "traceparent" member of the
 * record of a message (latticectl(5)), which links latticectl's spans to
 * the hosts' and wadm's traces. Borrowed from m. */
const char *lt_rec_traceparent(const struct lt_msg *m);
/* Append ,"traceparent":"..." to b when tp (lt_rec_traceparent of the
 * message, looked up once by the caller) is not NULL. */
void lt_rec_add_traceparent(struct lt_buf *b, const char *tp);

/* Write the meta record: tool version, command line (secret option values
 * and URL user information masked), the server (si, as conn.h's
 * lt_conn_server gives it; may be NULL),
 * lattice, the writer's redaction mode (lt_rec_set_redaction) as its name
 * (lt_redact_mode_name), and the members of extra (taken; may be NULL). */
uint64_t lt_rec_write_meta(struct lt_rec *r, int argc, char **argv,
    const struct lt_server_info *si, const char *lattice, struct cJSON *extra,
    struct lt_error *err);

/* Write the end record (with the members of fields, taken, may be NULL),
 * close and free. NULL r is fine. Returns -1 if any write failed. */
int lt_rec_close(struct lt_rec *r, struct cJSON *fields, struct lt_error *err);
/* Close without an end record (the file stays a valid prefix). */
void lt_rec_abandon(struct lt_rec *r);
uint64_t lt_rec_count(const struct lt_rec *r);

/* Reading. */
struct lt_rec_reader;

int lt_rec_reader_open(struct lt_rec_reader **out, const char *path,
    struct lt_error *err);
/* Read from fp where it stands; fp stays the caller's (not closed). */
struct lt_rec_reader *lt_rec_reader_open_fp(FILE *fp);
/* Records are returned redacted with lt_rec_redact in mode m
 * (LT_REDACT_SECRETS unless set), so a recording made with --show-secrets
 * is still masked when shown; a meta record then names the stricter mode
 * in its "redaction" member. */
void lt_rec_reader_set_redaction(struct lt_rec_reader *rd,
    enum lt_redact_mode m);
/* Next record: 1 and *rec (owned by the caller, cJSON_Delete), 0 at end
 * of file, -1 on a line that is not a record (err names the line number;
 * the reader can go on). A last line without newline that does not parse
 * is reported once through lt_rec_reader_truncated, not as an error. */
int lt_rec_reader_next(struct lt_rec_reader *rd, struct cJSON **rec,
    struct lt_error *err);
bool lt_rec_reader_truncated(const struct lt_rec_reader *rd);
bool lt_rec_reader_complete(const struct lt_rec_reader *rd); /* saw end */
/* After reading to the end: -1 with err (LT_E_RUNTIME, "'path' is not a
 * latticectl recording") when not one line was a record (random bytes, a
 * text file, an empty file), else 0. */
int lt_rec_reader_check(const struct lt_rec_reader *rd, const char *path,
    struct lt_error *err);
uint64_t lt_rec_reader_line(const struct lt_rec_reader *rd);
void lt_rec_reader_close(struct lt_rec_reader *rd);

#endif
