/* rec.c: the recording writer (one JSON line per record, flushed) and a
 * reader that tolerates a truncated last line. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/conn.h"
#include "latticectl/file.h"
#include "latticectl/json.h"
#include "latticectl/msg.h"
#include "latticectl/otlp.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

struct lt_rec {
	FILE *fp;
	struct lt_file file;		/* lt_rec_open's */
	bool owned, autoflush;
	pthread_mutex_t mu;
	uint64_t seq;
	bool failed;
	enum lt_redact_mode redact;	/* LT_REDACT_SECRETS unless set */
	struct lt_buf pending;		/* lines not yet handed to fp */
};

/* Without autoflush, lines are handed to the stream in pieces of about
 * this size: one write(2) for a few hundred events, not one per 4 KiB of
 * stdio buffer. lt_rec_flush hands over the rest. */
#define REC_BATCH (64 * 1024)

/* ---- redaction: the one place records are redacted, written or read ---- */

/* Members that hold payloads (latticectl(5), REDACTION); everything else
 * in a record is latticectl's own description of it. */
static const char *const payload_members[] = {
	"event", "payload", "value", "entries", "headers", NULL,
};

/* A snapshot record's contents, [{key, value, ...}] as a snapshot file's
 * entry lines: a value is masked whole when its key is secret, else by
 * its own member names. The keys themselves are names, left alone. */
static void
redact_contents(cJSON *contents, const char *subject, enum lt_redact_mode m)
{
	cJSON *e, *v;

	cJSON_ArrayForEach(e, contents) {
		v = cJSON_GetObjectItemCaseSensitive(e, "value");
		if (v && m != LT_REDACT_NONE &&
		    lt_redact_name_is_secret(lt_json_str(e, "key")))
			lt_redact_json_whole(v);
		else if (v)
			lt_redact_payload_json(v, subject, m);
	}
}

void
lt_rec_redact(cJSON *rec, const char *kind, enum lt_redact_mode m)
{
	/* a request's subject, or a reply's request's (redact.h) */
	const char *subject = lt_redact_subject(lt_json_str(rec, "subject"),
	    lt_json_str(rec, "request_subject"));
	bool secret_key;
	cJSON *p;
	size_t i;

	secret_key = m != LT_REDACT_NONE && kind && !strcmp(kind, "kv") &&
	    lt_redact_name_is_secret(lt_json_str(rec, "key"));
	for (i = 0; payload_members[i]; i++) {
		p = cJSON_GetObjectItemCaseSensitive(rec, payload_members[i]);
		if (p && secret_key)
			lt_redact_json_whole(p);
		else if (p)
			lt_redact_payload_json(p, subject, m);
	}
	if (kind && !strcmp(kind, "snapshot"))
		redact_contents(cJSON_GetObjectItemCaseSensitive(rec,
		    "contents"), subject, m);
}

void
lt_rec_set_redaction(struct lt_rec *r, enum lt_redact_mode m)
{
	r->redact = m;
}

int
lt_rec_open(struct lt_rec **out, const char *path, enum lt_redact_mode m,
    struct lt_error *err)
{
	struct lt_file f;
	struct lt_rec *r;

	*out = NULL;
	if (!strcmp(path, "-"))
		return lt_error_set(err, LT_E_USAGE, "a recording cannot go "
		    "to stdout ('-'), which carries the command's own output: "
		    "name a file (watch, sub and kv watch -o ndjson write a "
		    "recording to stdout)");
	if (lt_file_open(&f, path, LT_FILE_STREAM |
	    (m == LT_REDACT_NONE ? LT_FILE_SECRET : 0), err) < 0)
		return -1;
	r = lt_rec_open_fp(f.fp);
	r->file = f;
	r->owned = true;
	r->redact = m;
	*out = r;
	return 0;
}

struct lt_rec *
lt_rec_open_fp(FILE *fp)
{
	struct lt_rec *r = lt_xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->autoflush = true;
	pthread_mutex_init(&r->mu, NULL);
	return r;
}

void
lt_rec_set_autoflush(struct lt_rec *r, bool on)
{
	r->autoflush = on;
}

/* Hand the pending lines to the stream. Called with mu held. */
static int
write_pending(struct lt_rec *r)
{
	size_t n = r->pending.len;
	bool ok = n == 0 || fwrite(r->pending.buf, 1, n, r->fp) == n;

	lt_buf_reset(&r->pending);
	if (!ok)
		r->failed = true;
	return ok ? 0 : -1;
}

int
lt_rec_flush(struct lt_rec *r)
{
	int rc;

	pthread_mutex_lock(&r->mu);
	rc = write_pending(r) == 0 && fflush(r->fp) == 0 && !ferror(r->fp) ?
	    0 : -1;
	if (rc < 0)
		r->failed = true;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

/* The one write path: the prefix, the fields as they are (redacted when
 * they were added) and the newline, as one line. */
uint64_t
lt_rec_write(struct lt_rec *r, const char *kind, int64_t t_ns,
    const char *fields, size_t len, struct lt_error *err)
{
	char t[48];
	uint64_t seq;

	lt_time_format(t_ns ? t_ns : lt_now_ns(), t, sizeof(t));
	pthread_mutex_lock(&r->mu);
	seq = ++r->seq;
	lt_buf_adds(&r->pending, "{\"schema\":\"" LT_REC_SCHEMA "\",\"seq\":");
	lt_buf_add_u64(&r->pending, seq);
	lt_buf_adds(&r->pending, ",\"t\":\"");
	lt_buf_adds(&r->pending, t);
	lt_buf_adds(&r->pending, "\",\"kind\":");
	lt_buf_add_json_str(&r->pending, kind, strlen(kind));
	if (len > 0) {
		lt_buf_addch(&r->pending, ',');
		lt_buf_add(&r->pending, fields, len);
	}
	lt_buf_adds(&r->pending, "}\n");
	if ((r->autoflush || r->pending.len >= REC_BATCH) &&
	    (write_pending(r) < 0 || (r->autoflush && fflush(r->fp) != 0))) {
		r->failed = true;
		seq = 0;
	}
	pthread_mutex_unlock(&r->mu);
	if (seq == 0)
		lt_error_set(err, LT_E_RUNTIME, "cannot write recording: %s",
		    strerror(errno));
	return seq;
}

enum lt_redact_mode
lt_rec_redaction(const struct lt_rec *r)
{
	return r->redact;
}

void
lt_rec_add_members(struct lt_buf *b, const cJSON *fields)
{
	size_t mark = b->len;

	if (fields == NULL || fields->child == NULL)
		return;
	lt_json_print(fields, false, b);	/* "{...}": keep what is inside */
	memmove(b->buf + mark, b->buf + mark + 1, b->len - mark - 2);
	b->len -= 2;
	b->buf[b->len] = '\0';
}

/* fields (taken) redacted in r's mode and written. */
static uint64_t
write_tree(struct lt_rec *r, const char *kind, cJSON *fields,
    struct lt_error *err)
{
	struct lt_buf text = LT_BUF_INIT;
	uint64_t seq;

	lt_rec_redact(fields, kind, r->redact);
	lt_rec_add_members(&text, fields);
	seq = lt_rec_write(r, kind, 0, text.buf ? text.buf : "", text.len,
	    err);
	lt_buf_release(&text);
	cJSON_Delete(fields);
	return seq;
}

void
lt_rec_add_payload(struct lt_buf *b, const char *key, const char *data,
    size_t len)
{
	lt_buf_add_json_str(b, key, strlen(key));
	lt_buf_addch(b, ':');
	if (len > 0 && lt_json_compact(data, len, 64, b) == 0)
		return;
	if (lt_redact_is_mask(data, len)) {	/* masked whole: a string */
		lt_buf_add_json_str(b, data, len);
		return;
	}
	lt_buf_addch(b, '"');
	lt_buf_add_base64(b, data, len);
	lt_buf_adds(b, "\",\"encoding\":\"base64\"");
}

void
lt_rec_add_payload_redacted(struct lt_buf *b, const char *key,
    const char *subject, const char *data, size_t len, enum lt_redact_mode m)
{
	size_t mark = b->len, n = 0;
	char *red;
	int rc;

	if (len > 0 && !lt_redact_may_change_values(subject, data, len, m)) {
		lt_buf_add_json_str(b, key, strlen(key));
		lt_buf_addch(b, ':');
		rc = lt_json_compact_names(data, len, 64, m == LT_REDACT_SECRETS ?
		    lt_redact_name_needs_tree_n : NULL, b);
		if (rc == 0)
			return;
		b->len = mark;	/* a secret name, or not JSON: the long way */
	}
	red = lt_redact_payload(subject, data, len, m, &n);
	lt_rec_add_payload(b, key, red ? red : data, red ? n : len);
	free(red);
}

void
lt_rec_add_msg_payload(struct lt_buf *b, const char *key,
    const struct lt_msg *m, const char *request_subject,
    enum lt_redact_mode mode)
{
	if (m->redacted && m->json_checked) {
		lt_buf_add_json_str(b, key, strlen(key));
		lt_buf_addch(b, ':');
		lt_buf_add(b, m->data, (size_t)m->len);
	} else if (m->redacted)
		lt_rec_add_payload(b, key, m->data, (size_t)m->len);
	else
		lt_rec_add_payload_redacted(b, key, lt_redact_subject(m->subject,
		    request_subject), m->data, (size_t)m->len, mode);
}

/* One word of the command line, with URL user information removed and
 * secret name=value pairs masked ("--where data.password=x"). */
static cJSON *
argv_word(const char *s)
{
	char *copy = lt_xstrdup(s), *red;
	cJSON *w;

	if (strstr(copy, "://") && strchr(copy, '@'))
		lt_redact_url(copy);
	red = lt_redact_text(copy);
	w = cJSON_CreateString(red ? red : copy);
	free(red);
	free(copy);
	return w;
}

/* The command line with the values of secret options masked: "--token
 * X" as "--token" "(secret)", "--token=X" as "--token=(secret)". */
static cJSON *
masked_argv(int argc, char **argv)
{
	static const char *const secret[] = { "--password=(secret)",
		"--token=(secret)", NULL };
	cJSON *a = cJSON_CreateArray();
	bool mask_next = false;
	int i, j;

	for (i = 0; i < argc; i++) {
		const char *s = argv[i], *word = NULL;

		if (mask_next)
			word = "(secret)";
		mask_next = false;
		for (j = 0; secret[j]; j++) {
			size_t n = strchr(secret[j], '=') - secret[j];

			if (!strncmp(s, secret[j], n) && s[n] == '\0')
				mask_next = true;
			else if (!strncmp(s, secret[j], n + 1))
				word = secret[j];
		}
		cJSON_AddItemToArray(a, word ? cJSON_CreateString(word) :
		    argv_word(s));
	}
	return a;
}

uint64_t
lt_rec_write_meta(struct lt_rec *r, int argc, char **argv,
    const struct lt_server_info *si, const char *lattice, cJSON *extra,
    struct lt_error *err)
{
	cJSON *f = cJSON_CreateObject(), *item;

	cJSON_AddStringToObject(f, "tool", "latticectl");
	cJSON_AddStringToObject(f, "version", LT_VERSION);
	cJSON_AddItemToObject(f, "argv", masked_argv(argc, argv));
	cJSON_AddStringToObject(f, "lattice", lattice ? lattice : "default");
	cJSON_AddStringToObject(f, "redaction", lt_redact_mode_name(r->redact));
	if (si) {
		cJSON *s = cJSON_AddObjectToObject(f, "server");

		cJSON_AddStringToObject(s, "id", si->id);
		cJSON_AddStringToObject(s, "name", si->name);
		cJSON_AddStringToObject(s, "version", si->version);
		cJSON_AddBoolToObject(s, "jetstream", si->jetstream);
	}
	while (extra && (item = extra->child)) {
		cJSON_DetachItemViaPointer(extra, item);
		cJSON_AddItemToObject(f, item->string, item);
	}
	cJSON_Delete(extra);
	return write_tree(r, "meta", f, err);
}

uint64_t
lt_rec_count(const struct lt_rec *r)
{
	return r ? r->seq : 0;
}

/* -1 when the last writes or the close failed. */
static int
rec_free(struct lt_rec *r)
{
	struct lt_error ignored = LT_ERROR_INIT;
	int rc = write_pending(r);

	if (r->owned && lt_file_close(&r->file, &ignored) < 0)
		rc = -1;
	else if (!r->owned && fflush(r->fp) != 0)
		rc = -1;
	pthread_mutex_destroy(&r->mu);
	lt_buf_release(&r->pending);
	free(r);
	return rc;
}

int
lt_rec_close(struct lt_rec *r, cJSON *fields, struct lt_error *err)
{
	bool failed;

	if (r == NULL) {
		cJSON_Delete(fields);
		return 0;
	}
	if (fields == NULL)
		fields = cJSON_CreateObject();
	cJSON_AddNumberToObject(fields, "records", (double)r->seq + 1);
	write_tree(r, "end", fields, err);
	lt_rec_flush(r);
	failed = r->failed;
	if (rec_free(r) < 0)
		failed = true;
	if (failed)
		return lt_error_set(err, LT_E_RUNTIME, "recording incomplete: "
		    "a write failed");
	return 0;
}

void
lt_rec_abandon(struct lt_rec *r)
{
	if (r)
		rec_free(r);
}

struct lt_rec_reader {
	FILE *fp;
	struct lt_buf line;
	uint64_t lineno, records;
	bool truncated, complete;
	bool borrowed;			/* fp is the caller's: not closed */
	enum lt_redact_mode redact;	/* LT_REDACT_SECRETS unless set */
};

void
lt_rec_reader_set_redaction(struct lt_rec_reader *rd, enum lt_redact_mode m)
{
	rd->redact = m;
}

/* A meta record read under a stricter mode than it was written with says
 * so, as the records after it are redacted that way now. */
static void
note_meta_redaction(cJSON *meta, enum lt_redact_mode m)
{
	enum lt_redact_mode was = LT_REDACT_NONE;
	static const int strictness[] = {
		[LT_REDACT_NONE] = 0, [LT_REDACT_SECRETS] = 1, [LT_REDACT_ALL] = 2,
	};
	cJSON *now;

	lt_redact_mode_parse(lt_json_str(meta, "redaction"), &was);
	if (!cJSON_IsObject(meta) || strictness[m] <= strictness[was])
		return;
	now = cJSON_CreateString(lt_redact_mode_name(m));
	if (!cJSON_ReplaceItemInObjectCaseSensitive(meta, "redaction", now))
		cJSON_AddItemToObject(meta, "redaction", now);	/* it had none */
}

/* Redact a record just read (show and report print what they read). */
static void
redact_read(const struct lt_rec_reader *rd, cJSON *rec)
{
	const char *kind = lt_json_str(rec, "kind");

	if (kind == NULL)
		kind = "";	/* damaged: its payload members are still redacted */
	if (!strcmp(kind, "meta"))
		note_meta_redaction(rec, rd->redact);
	else
		lt_rec_redact(rec, kind, rd->redact);
}

int
lt_rec_reader_open(struct lt_rec_reader **out, const char *path,
    struct lt_error *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "r") : stdin;

	*out = NULL;
	if (fp == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot read recording "
		    "'%s': %s", path, strerror(errno));
	*out = lt_xcalloc(1, sizeof(**out));
	(*out)->fp = fp;
	return 0;
}

struct lt_rec_reader *
lt_rec_reader_open_fp(FILE *fp)
{
	struct lt_rec_reader *rd = lt_xcalloc(1, sizeof(*rd));

	rd->fp = fp;
	rd->borrowed = true;
	return rd;
}

/* Read one line into rd->line; false at end of file. *nl tells whether it
 * ended with a newline. */
static bool
read_line(struct lt_rec_reader *rd, bool *nl)
{
	int ch;

	lt_buf_reset(&rd->line);
	*nl = false;
	while ((ch = getc(rd->fp)) != EOF) {
		if (ch == '\n') {
			*nl = true;
			break;
		}
		lt_buf_addch(&rd->line, (char)ch);
	}
	return *nl || rd->line.len > 0;
}

int
lt_rec_reader_next(struct lt_rec_reader *rd, cJSON **rec, struct lt_error *err)
{
	bool nl;
	cJSON *j;
	const char *schema, *kind;

	*rec = NULL;
	for (;;) {
		if (!read_line(rd, &nl))
			return 0;
		rd->lineno++;
		if (rd->line.len > 0)
			break;
	}
	j = lt_json_parse(rd->line.buf, rd->line.len);
	/* members by their exact names, as every reader of a record asks */
	schema = lt_json_str(j, "schema");
	kind = lt_json_str(j, "kind");
	if (j && schema && !strcmp(schema, LT_REC_SCHEMA) && kind) {
		if (!strcmp(kind, "end"))
			rd->complete = true;
		rd->records++;
		redact_read(rd, j);
		*rec = j;
		return 1;
	}
	if (!nl)
		rd->truncated = true;
	else if (j && schema && strcmp(schema, LT_REC_SCHEMA))
		lt_error_set(err, LT_E_RUNTIME, "line %llu: unsupported "
		    "schema '%s'", (unsigned long long)rd->lineno, schema);
	else if (j && schema)
		lt_error_set(err, LT_E_RUNTIME, "line %llu: not a latticectl "
		    "record (no kind)", (unsigned long long)rd->lineno);
	else
		lt_error_set(err, LT_E_RUNTIME, "line %llu: not a latticectl "
		    "record", (unsigned long long)rd->lineno);
	cJSON_Delete(j);	/* after the message: schema points into j */
	return nl ? -1 : 0;
}

bool
lt_rec_reader_truncated(const struct lt_rec_reader *rd)
{
	return rd->truncated;
}

bool
lt_rec_reader_complete(const struct lt_rec_reader *rd)
{
	return rd->complete;
}

int
lt_rec_reader_check(const struct lt_rec_reader *rd, const char *path,
    struct lt_error *err)
{
	if (rd->records > 0)
		return 0;
	return lt_error_set(err, LT_E_RUNTIME, "'%s' is not a latticectl "
	    "recording (%s)", path, rd->lineno ? "not one line is a record" :
	    "it is empty");
}

uint64_t
lt_rec_reader_line(const struct lt_rec_reader *rd)
{
	return rd->lineno;
}

void
lt_rec_reader_close(struct lt_rec_reader *rd)
{
	if (rd == NULL)
		return;
	if (rd->fp != stdin && !rd->borrowed)
		fclose(rd->fp);
	lt_buf_release(&rd->line);
	free(rd);
}

const char *
lt_rec_traceparent(const struct lt_msg *m)
{
	const char *tp = lt_msg_header(m, "traceparent");

	return lt_otlp_traceparent_ok(tp) ? tp : NULL;
}

void
lt_rec_add_traceparent(struct lt_buf *b, const char *tp)
{
	if (tp == NULL)
		return;
	lt_buf_adds(b, ",\"traceparent\":");
	lt_buf_add_json_str(b, tp, strlen(tp));
}
