/* test-session.c: the observation pipeline without a network: messages
 * and connection notices pushed into a session's feed go through the
 * cheap test, the clock, redaction once and on_msg in order; gaps become
 * records, lines and notices; stop conditions (count, idle, until) end
 * the run; a reader gone ends it quietly; meta and end records frame the
 * ndjson output. A driving command's pump delivers by its deadline and
 * returns at it, early on a stop, a closed connection or a signal; a
 * recording without stdout, without an end record after a failure.
 * Subscriptions themselves are tested by the integration tests (t2000,
 * t3200, t4000). */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "latticectl/feed.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/session.h"
#include "latticectl/util.h"
#include "tap.h"
#include "tmpdir.h"

#define MS 1000000LL

struct seen {
	int n;
	char data[4][128];
	bool redacted[4];
	int64_t recv_ns[4];
	int tags[4];
	int gaps, ticks, last_ticks;
	int disconnects, closes;	/* on_conn */
	bool defer;
};

static bool
on_msg(void *ud, struct lt_session *s, struct lt_msg *m)
{
	struct seen *v = ud;
	struct lt_buf b = LT_BUF_INIT;

	if (v->n < 4) {
		snprintf(v->data[v->n], sizeof(v->data[0]), "%.*s", m->len,
		    m->data);
		v->redacted[v->n] = m->redacted;
		v->recv_ns[v->n] = m->recv_ns;
		v->tags[v->n] = m->sub_id;
	}
	v->n++;
	lt_buf_adds(&b, "\"subject\":");
	lt_buf_add_json_str(&b, m->subject, strlen(m->subject));
	lt_buf_addch(&b, ',');
	lt_rec_add_msg_payload(&b, "payload", m, NULL, LT_REDACT_SECRETS);
	lt_session_write(s, "msg", m->recv_ns, &b);
	lt_buf_release(&b);
	lt_session_shown(s);
	return false;
}

static int
prefilter(void *ud, const struct lt_msg *m)
{
	(void)ud;
	return strstr(m->data, "skip") ? LT_SESSION_DROP : LT_SESSION_PASS;
}

static const char *
defer_all(void *ud, const struct lt_msg *m)
{
	(void)m;
	return ((struct seen *)ud)->defer ? LT_SESSION_REDACT_LATER : NULL;
}

static void
on_gap(void *ud, struct lt_session *s, const struct lt_gap *g)
{
	(void)s;
	(void)g;
	((struct seen *)ud)->gaps++;
}

static int64_t
on_tick(void *ud, struct lt_session *s, bool last)
{
	struct seen *v = ud;

	(void)s;
	if (last)
		v->last_ticks++;
	else
		v->ticks++;
	return 0;
}

static void
push_msg(struct lt_session *s, int tag, const char *subject,
    const char *data)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = LT_ITEM_MSG;
	it.msg.subject = subject;
	it.msg.data = data;
	it.msg.len = (int)strlen(data);
	it.msg.sub_id = tag;
	lt_feed_push(lt_session_feed(s), &it);
}

static void
push_conn(struct lt_session *s, enum lt_item_kind kind, const char *detail)
{
	struct lt_item it;

	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.t_ns = lt_now_ns();
	snprintf(it.detail, sizeof(it.detail), "%s", detail);
	lt_feed_push(lt_session_feed(s), &it);
}

static char *
slurp_fp(FILE *fp)
{
	struct lt_buf b = LT_BUF_INIT;
	char chunk[512];
	size_t n;

	char *text;

	fflush(fp);
	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		lt_buf_add(&b, chunk, n);
	text = lt_xstrdup(lt_buf_str(&b));
	lt_buf_release(&b);
	return text;
}

static cJSON *
end_fields(void *ud, int rc, bool file)
{
	cJSON *f = cJSON_CreateObject();

	(void)ud;
	cJSON_AddNumberToObject(f, "rc", rc);
	cJSON_AddBoolToObject(f, "file", file);
	return f;
}

static struct lt_session *
session(struct seen *v, struct lt_session_config *sc, FILE *out,
    enum lt_format format)
{
	struct lt_session *s;
	struct lt_error err = LT_ERROR_INIT;
	char *argv[] = { "latticectl", "test", NULL };

	sc->name = "test";
	sc->ud = v;
	if (sc->on_msg == NULL)
		sc->on_msg = on_msg;
	ok(lt_session_create(&s, NULL, sc, &err) == 0, "session created");
	ok(lt_session_open_outputs(s, out, format, NULL, 0, NULL, 2, argv,
	    "default", &err) == 0, "outputs opened");
	ok(lt_session_start(s, &err) == 0, "started (no sources)");
	return s;
}

/* Order, prefilter, stamping, redaction once, gaps and notices, --count,
 * and the records around them. */
static void
test_pipeline(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_session_stats st;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile(), *notices = tmpfile();
	struct lt_session *s;
	char *text, *note;
	int64_t t0 = lt_now_ns();

	memset(&v, 0, sizeof(v));
	sc.prefilter = prefilter;
	sc.on_gap = on_gap;
	sc.on_tick = on_tick;
	sc.max_count = 2;
	sc.notices = notices;
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	push_msg(s, 7, "a.one", "{\"password\":\"hunter2\",\"n\":1}");
	push_msg(s, 7, "a.skip", "{\"skip\":true}");
	push_conn(s, LT_ITEM_DISCONNECTED, "nats://127.0.0.1:4222");
	push_conn(s, LT_ITEM_RECONNECTED, "nats://127.0.0.1:4223");
	push_msg(s, 9, "b.two", "{\"n\":2}");
	push_msg(s, 9, "b.three", "{\"n\":3}");	/* past --count */
	is_int(lt_session_run(s, &err), 0, "runs to --count");
	is_int(v.n, 2, "two messages reach on_msg (one prefiltered, one past "
	    "the count)");
	ok(strstr(v.data[0], "hunter2") == NULL &&
	    strstr(v.data[0], "<redacted:") != NULL,
	    "the first arrives redacted: %s", v.data[0]);
	ok(v.redacted[0] && v.redacted[1], "and marked so (redacted once)");
	is_str(v.data[1], "{\"n\":2}", "in arrival order, bytes kept when "
	    "nothing is secret");
	ok(v.recv_ns[0] >= t0 && v.recv_ns[1] >= v.recv_ns[0],
	    "stamped on receipt");
	is_int(v.tags[0], 7, "tagged with the source");
	is_int(v.tags[1], 9, "each with its own");
	is_int(v.gaps, 1, "a disconnect and its reconnect: one gap (on_gap)");
	ok(v.ticks > 0 && v.last_ticks == 1, "ticks between items, one last");
	lt_session_stats(s, &st);
	is_int(st.shown, 2, "stats: shown");
	is_int(st.gaps, 1, "stats: gaps");
	is_int(st.prefiltered, 1, "stats: prefiltered");
	is_int(lt_session_close(s, 0, end_fields, &err), 0, "closed");
	text = slurp_fp(out);
	note = slurp_fp(notices);
	ok(strncmp(text, "{\"schema\":\"latticectl.rec/1\",\"seq\":1,", 37) == 0
	    && strstr(text, "\"kind\":\"meta\"") < strchr(text, '\n'),
	    "a meta record first");
	ok(strstr(text, "\"kind\":\"gap\"") != NULL &&
	    strstr(text, "\"reason\":\"disconnected\"") != NULL,
	    "a gap record");
	ok(strstr(text, "hunter2") == NULL, "no secret in the output");
	ok(strstr(text, "\"kind\":\"end\"") != NULL &&
	    strstr(text, "\"rc\":0,\"file\":false") != NULL,
	    "an end record with the command's members");
	ok(strstr(note, "latticectl: test: disconnected from "
	    "nats://127.0.0.1:4222, reconnecting\n") != NULL,
	    "the disconnect is said");
	ok(strstr(note, "latticectl: test: reconnected to "
	    "nats://127.0.0.1:4223\n") != NULL, "and the reconnect");
	free(text);
	free(note);
	fclose(out);
	fclose(notices);
}

/* A command that decides a message's redaction later (sub's replies). */
static bool
on_msg_late(void *ud, struct lt_session *s, struct lt_msg *m)
{
	struct seen *v = ud;

	v->redacted[0] = m->redacted;
	lt_session_redact(s, m, "wasmbus.ctl.v1.default.config.get.SECRET_db");
	snprintf(v->data[0], sizeof(v->data[0]), "%.*s", m->len, m->data);
	v->redacted[1] = m->redacted;
	lt_session_redact(s, m, NULL);	/* once: a second call does nothing */
	snprintf(v->data[1], sizeof(v->data[1]), "%.*s", m->len, m->data);
	v->n++;
	lt_session_shown(s);
	return false;
}

static void
test_redact_later(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile();
	struct lt_session *s;

	memset(&v, 0, sizeof(v));
	v.defer = true;
	sc.request_subject = defer_all;
	sc.on_msg = on_msg_late;
	sc.max_count = 1;
	s = session(&v, &sc, out, LT_FMT_TEXT);
	push_msg(s, 1, "_INBOX.x.y", "{\"value\":\"opensesame\"}");
	is_int(lt_session_run(s, &err), 0, "runs");
	ok(!v.redacted[0], "a deferred message arrives as received");
	ok(v.redacted[1] && strncmp(v.data[0], "<redacted:", 10) == 0,
	    "redacted as the reply to a secret config's request: masked "
	    "whole (%s)", v.data[0]);
	is_str(v.data[1], v.data[0], "redacted once: a second call keeps it");
	lt_session_close(s, 0, NULL, NULL);
	fclose(out);
}

/* --idle, and an --until that never comes (LT_E_TIMEOUT). */
static void
test_stops(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile();
	struct lt_session *s;

	memset(&v, 0, sizeof(v));
	sc.idle_ns = 20 * MS;
	s = session(&v, &sc, out, LT_FMT_TEXT);
	is_int(lt_session_run(s, &err), 0, "--idle ends a quiet run with 0");
	lt_session_close(s, 0, NULL, NULL);

	memset(&sc, 0, sizeof(sc));
	sc.until_ns = lt_mono_ns() + 20 * MS;
	sc.until_error = "no event matched --until within the timeout";
	s = session(&v, &sc, out, LT_FMT_TEXT);
	is_int(lt_session_run(s, &err), -1, "an --until deadline fails");
	is_int(err.code, LT_E_TIMEOUT, "with a timeout");
	is_str(err.msg, "no event matched --until within the timeout",
	    "and the command's words");
	lt_session_close(s, LT_E_TIMEOUT, NULL, NULL);
	fclose(out);
}

/* stdout a pipe whose reader is gone: quiet, exit 0, no end record. */
static void
test_reader_gone(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	struct lt_session *s;
	int fds[2];
	FILE *out;

	memset(&v, 0, sizeof(v));
	if (pipe(fds) != 0) {
		ok(0, "pipe");
		return;
	}
	out = fdopen(fds[1], "w");
	close(fds[0]);
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	push_msg(s, 1, "a.b", "{\"n\":1}");
	is_int(lt_session_run(s, &err), 0, "a reader gone ends the run "
	    "quietly");
	ok(lt_session_done(s), "done");
	is_int(lt_session_close(s, 0, end_fields, &err), 0, "closed");
	fclose(out);
}

/* A prefilter that vouches for a payload (LT_SESSION_CLEAN: its scan
 * found redaction would leave it as it is) spares the redaction pass:
 * the message arrives marked redacted with its bytes untouched. */
static int
vouch(void *ud, const struct lt_msg *m)
{
	(void)ud;
	return strncmp(m->subject, "c.", 2) ? LT_SESSION_PASS :
	    LT_SESSION_CLEAN;
}

static void
test_clean(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile();
	struct lt_session *s;

	memset(&v, 0, sizeof(v));
	sc.prefilter = vouch;
	sc.max_count = 2;
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	push_msg(s, 1, "c.vouched", "{\"password\":\"kept\"}");
	push_msg(s, 1, "d.other", "{\"password\":\"hunter2\"}");
	is_int(lt_session_run(s, &err), 0, "runs to --count");
	is_str(v.data[0], "{\"password\":\"kept\"}", "a vouched message "
	    "is not scanned again");
	ok(v.redacted[0], "and arrives marked redacted");
	ok(strstr(v.data[1], "hunter2") == NULL, "the next one is redacted "
	    "as usual: %s", v.data[1]);
	lt_session_close(s, 0, NULL, &err);
	fclose(out);
}

/* ---- pump: a command that drives ---- */

/* A message that says "stop" stops the session (a driver's own stop). */
static bool
on_msg_stop(void *ud, struct lt_session *s, struct lt_msg *m)
{
	(void)on_msg(ud, s, m);
	if (strstr(m->data, "stop"))
		lt_session_stop(s);
	return false;
}

static void
on_conn(void *ud, struct lt_session *s, const struct lt_item *it)
{
	struct seen *v = ud;

	(void)s;
	v->disconnects += it->kind == LT_ITEM_DISCONNECTED;
	v->closes += it->kind == LT_ITEM_CLOSED;
}

struct producer {
	struct lt_session *s;
	pthread_t t;
};

static void *
produce(void *arg)
{
	struct producer *p = arg;

	push_msg(p->s, 3, "a.from-thread", "{\"n\":1}");
	push_msg(p->s, 3, "a.stop", "{\"stop\":true}");
	return NULL;
}

/* Pumped messages arrive by the deadline; the pump returns at it when
 * nothing comes, and with a deadline passed takes only what is queued. */
static void
test_pump_deadline(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile();
	struct lt_session *s;
	int64_t t0;

	memset(&v, 0, sizeof(v));
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	push_msg(s, 1, "a.one", "{\"n\":1}");
	t0 = lt_mono_ns();
	is_int(lt_session_pump(s, t0 + 30 * MS, &err), 0, "a pump returns "
	    "0 at its deadline");
	is_int(v.n, 1, "the message pushed arrived by then");
	ok(lt_mono_ns() >= t0 + 30 * MS, "not before the deadline");
	t0 = lt_mono_ns();
	is_int(lt_session_pump(s, t0 + 20 * MS, &err), 0, "nothing comes: 0");
	ok(lt_mono_ns() >= t0 + 20 * MS && lt_mono_ns() < t0 + 5000 * MS,
	    "at the deadline");
	push_msg(s, 1, "a.two", "{\"n\":2}");
	push_msg(s, 1, "a.three", "{\"n\":3}");
	t0 = lt_mono_ns();
	is_int(lt_session_pump(s, 0, &err), 0, "a deadline passed: 0");
	is_int(v.n, 3, "with what was queued handled");
	ok(lt_mono_ns() < t0 + 5000 * MS, "without waiting");
	ok(!lt_session_done(s), "the session goes on");
	lt_session_close(s, 0, end_fields, NULL);
	fclose(out);
}

/* Messages from another thread, queued or direct, while the pump waits;
 * the command's stop returns it early with 1, and again after. */
static void
test_pump_thread(enum lt_session_delivery delivery, const char *what)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct producer p;
	struct seen v;
	FILE *out = tmpfile();
	int64_t t0 = lt_mono_ns();

	memset(&v, 0, sizeof(v));
	sc.delivery = delivery;
	sc.on_msg = on_msg_stop;
	p.s = session(&v, &sc, out, LT_FMT_NDJSON);
	if (pthread_create(&p.t, NULL, produce, &p) != 0) {
		ok(0, "thread");
		return;
	}
	is_int(lt_session_pump(p.s, t0 + 10000 * MS, &err), 1, "%s: a stop "
	    "returns the pump early with 1", what);
	pthread_join(p.t, NULL);
	ok(lt_mono_ns() < t0 + 10000 * MS, "%s: before the deadline", what);
	lt_session_lock(p.s);
	is_int(v.n, 2, "%s: both messages arrived", what);
	lt_session_unlock(p.s);
	is_int(lt_session_pump(p.s, lt_mono_ns() + 10000 * MS, &err), 1,
	    "%s: and again at once", what);
	lt_session_close(p.s, 0, end_fields, NULL);
	fclose(out);
}

/* Connection notices through a pump: a disconnect is held (and said to
 * on_conn), its reconnect is a gap; a closed connection and a signal end
 * every later pump with an error. */
static void
test_pump_conn(void)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct seen v;
	FILE *out = tmpfile();
	struct lt_session *s;

	memset(&v, 0, sizeof(v));
	sc.on_gap = on_gap;
	sc.on_conn = on_conn;
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	push_conn(s, LT_ITEM_DISCONNECTED, "nats://127.0.0.1:4222");
	is_int(lt_session_pump(s, 0, &err), 0, "a disconnect: the pump goes "
	    "on");
	ok(lt_session_disconnected_at(s) > 0 && v.disconnects == 1,
	    "held, and said to on_conn");
	push_conn(s, LT_ITEM_RECONNECTED, "nats://127.0.0.1:4223");
	is_int(lt_session_pump(s, 0, &err), 0, "its reconnect");
	ok(lt_session_disconnected_at(s) == 0 && v.gaps == 1,
	    "is a gap (on_gap)");
	push_conn(s, LT_ITEM_CLOSED, "");
	is_int(lt_session_pump(s, lt_mono_ns() + 10000 * MS, &err), -1,
	    "a closed connection ends the pump");
	is_int(err.code, LT_E_CONNECT, "as a connection error");
	ok(v.closes == 1, "said to on_conn");
	lt_error_clear(&err);
	is_int(lt_session_pump(s, lt_mono_ns() + 10000 * MS, &err), -1,
	    "and every later pump");
	is_int(err.code, LT_E_CONNECT, "the same way");
	lt_session_close(s, -1, end_fields, NULL);

	memset(&sc, 0, sizeof(sc));
	s = session(&v, &sc, out, LT_FMT_NDJSON);
	lt_feed_wake(lt_session_feed(s));	/* as the first signal does */
	is_int(lt_session_pump(s, lt_mono_ns() + 10000 * MS, &err), -1,
	    "a signal ends the pump");
	is_str(err.msg, "interrupted by a signal", "saying so");
	lt_session_close(s, -1, end_fields, NULL);
	fclose(out);
}

static cJSON *
end_if_ok(void *ud, int rc, bool file)
{
	(void)ud;
	(void)file;
	return rc == 0 ? cJSON_CreateObject() : NULL;
}

/* A recording and nothing on stdout (replay's outputs): records written
 * from the command's thread under the lock, a gap of its own; the end
 * record only when end_fields gives members. */
static char *
record_one(const char *name, int rc)
{
	struct lt_session_config sc = LT_SESSION_CONFIG_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_gap g = { "disconnected", 0, 1500 * MS, 0, "x; not "
	    "reconnected" };
	struct lt_buf b = LT_BUF_INIT;
	char *argv[] = { "latticectl", "test", NULL };
	struct lt_session *s;
	struct seen v;

	memset(&v, 0, sizeof(v));
	sc.name = "test";
	sc.ud = &v;
	sc.on_msg = on_msg;
	sc.on_gap = on_gap;
	lt_session_create(&s, NULL, &sc, &err);
	ok(lt_session_open_outputs(s, NULL, LT_FMT_TEXT, NULL, 0,
	    tmp(name), 2, argv, "default", &err) == 0 &&
	    lt_session_recording(s), "a recording without stdout");
	lt_session_start(s, &err);
	lt_buf_adds(&b, "\"phase\":\"one\"");
	g.t_ns = lt_now_ns();
	lt_session_lock(s);
	is_int(lt_session_write(s, "phase", 0, &b), 2, "a record: seq 2");
	lt_session_gap(s, &g);
	is_int(lt_session_seq(s), 3, "a gap of the command's: seq 3");
	lt_session_unlock(s);
	is_int(v.gaps, 1, "on_gap");
	lt_buf_release(&b);
	lt_session_close(s, rc, end_if_ok, NULL);
	return slurp(name, NULL);
}

static void
test_recording_only(void)
{
	char *text;

	tmpdir_make("test-session");
	text = record_one("ok.ltrec", 0);
	ok(strstr(text, "\"kind\":\"meta\"") &&
	    strstr(text, "\"kind\":\"phase\",\"phase\":\"one\"") &&
	    strstr(text, "\"kind\":\"gap\",\"reason\":\"disconnected\","
	    "\"duration_ms\":1500,\"dropped\":0,\"detail\":\"x; not "
	    "reconnected\"") && strstr(text, "\"kind\":\"end\",\"records\":4"),
	    "meta, the records, the end record");
	free(text);
	text = record_one("failed.ltrec", -1);
	ok(strstr(text, "\"kind\":\"gap\"") &&
	    !strstr(text, "\"kind\":\"end\""), "after a failure, no end "
	    "record: a valid prefix");
	free(text);
	is_int(tmpdir_remove((const char *const[]){ "ok.ltrec",
	    "failed.ltrec", NULL }), 0, "nothing else left");
}

int
main(void)
{
	lt_redact_key_set("0123456789abcdef0123456789abcdef", 32);
	signal(SIGPIPE, SIG_IGN);
	test_pipeline();
	test_clean();
	test_redact_later();
	test_stops();
	test_reader_gone();
	test_pump_deadline();
	test_pump_thread(LT_DELIVER_QUEUE, "queued");
	test_pump_thread(LT_DELIVER_DIRECT, "direct");
	test_pump_conn();
	test_recording_only();
	done_testing();
}
