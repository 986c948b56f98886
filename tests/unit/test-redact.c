/* test-redact.c: secret names (and the names that must stay visible),
 * stable masks, JSON tree redaction per mode, KV values. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "tap.h"

static void
test_modes(void)
{
	enum lt_redact_mode m = LT_REDACT_NONE;

	is_str(lt_redact_mode_name(LT_REDACT_SECRETS), "secrets", "secrets");
	is_str(lt_redact_mode_name(LT_REDACT_NONE), "none", "none");
	is_str(lt_redact_mode_name(LT_REDACT_ALL), "all", "all");
	ok(lt_redact_mode_parse("all", &m) == 0 && m == LT_REDACT_ALL,
	    "parse all");
	ok(lt_redact_mode_parse("secrets", &m) == 0 && m == LT_REDACT_SECRETS,
	    "parse secrets");
	ok(lt_redact_mode_parse("bogus", &m) < 0 && m == LT_REDACT_SECRETS,
	    "unknown refused, out untouched");
	ok(lt_redact_mode_parse(NULL, &m) < 0, "NULL refused");
}

static void
test_names(void)
{
	static const char *const secret[] = {
		"password", "DB_PASSWORD", "passwd", "api_token", "authToken",
		"SECRET_x", "client_secret", "credentials", "nats_creds",
		"nkey_seed", "user_jwt", "auth", "Authorization", "oauth",
		"api_key", "apiKey", "apikey", "API_KEY", "private-key",
		"sshKeys", "image_key", "accessKeyId", "key_id", "db_pass",
		"pg_pwd", "x.secret.y", "key", "KEY", "keys", "passphrase",
		"SSH_PASSPHRASE", "keyPassphrase", NULL,
	};
	static const char *const plain[] = {
		"public_key", "publicKey", "pubkey",
		"host_public_keys", "keyboard", "keyspace", "author",
		"authority", "image", "name", "host_id", "passenger", "compass",
		"component_id", "",
		/* nkey public keys, which key wadm_state and inventories:
		 * ids, whatever letters they happen to hold (JWT, SEED,
		 * TOKEN, KEY, PWD, AUTH) */
		"NNI6HX6POFS36ZXOK7HA2NMG6T6U5ORQGBWA4M7O7RJWT64C6HKA5FEB",
		"MBSEEDQ2TOKENAUTH7PWDKEYABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
		"VABCDEFGHIJKLMNOPQRSTUVWXYZ234567SECRETPASSWORDQRSTUVWXY",
		NULL,
	};
	size_t i;

	for (i = 0; secret[i]; i++)
		ok(lt_redact_name_is_secret(secret[i]), "'%s' is secret",
		    secret[i]);
	for (i = 0; plain[i]; i++)
		ok(!lt_redact_name_is_secret(plain[i]), "'%s' is not secret",
		    plain[i]);
	ok(!lt_redact_name_is_secret(NULL), "NULL is not secret");
	ok(lt_redact_name_is_secret("SNI6HX6POFS36ZXOK7HA2NMG6T6U5ORQGBWA4M7"
	    "O7RJWT64C6HKA5FEB"), "a seed-shaped name (S...) is checked as "
	    "any name");
	ok(lt_redact_name_is_secret("NNI6HX6POFS36ZXOK7HA2NMG6T6U5ORQGBWA4M7"
	    "O7RJWT64C6HKA5FE_jwt"), "so is a name one character off an "
	    "nkey");
	{
		char longname[300];

		memset(longname, 'x', 200);
		strcpy(longname + 200, "_Password");
		ok(lt_redact_name_is_secret(longname), "a long name is checked too");
		strcpy(longname + 200, "_apiKey");
		ok(lt_redact_name_is_secret(longname), "a long name's key part");
		strcpy(longname + 200, "_keyboard");
		ok(!lt_redact_name_is_secret(longname), "a long plain name");
	}
}

/* Verdicts are remembered per name: names that share a length and their
 * first and last bytes, asked in turns, still get their own. */
static void
test_name_memo(void)
{
	static const char *const pairs[][2] = {
		{ "abc", "key" },			/* short */
		{ "authxxxx", "authorxx" },		/* 8 bytes */
		{ "aaaa_token_zzzz", "aaaa_tokyo_zzzzz" },	/* 15/16 */
		{ "region_password__eu_west", "region_passenger_eu_west" },
		{ "prefix_plain_value_suffix_x1", "prefix_plain_seed__suffix_x1" },
	};
	size_t i, wrong = 0;
	int round;

	for (round = 0; round < 3; round++)
		for (i = 0; i < LT_ARRAY_SIZE(pairs); i++)
			wrong += lt_redact_name_is_secret_n(pairs[i][0],
			    strlen(pairs[i][0])) != lt_redact_name_is_secret(pairs[i][0]) ||
			    lt_redact_name_is_secret_n(pairs[i][1], strlen(pairs[i][1])) !=
			    lt_redact_name_is_secret(pairs[i][1]);
	ok(wrong == 0, "remembered verdicts match (%zu wrong)", wrong);
	ok(!lt_redact_name_is_secret("region_passenger_eu_west") &&
	    lt_redact_name_is_secret("region_password__eu_west"),
	    "names differing in the middle only: each its own verdict");
	ok(lt_redact_name_is_secret_n("prefix_plain_seed__suffix_x1", 28) &&
	    !lt_redact_name_is_secret_n("prefix_plain_value_suffix_x1", 28),
	    "long names differing in the middle only");
	ok(lt_redact_name_is_secret_n("api_key!", 7) &&
	    !lt_redact_name_is_secret_n("api_key!", 3), "only n bytes are read");
}

static void
test_mask(void)
{
	char *a = lt_redact_mask("hunter2", 7), *b = lt_redact_mask("hunter2", 7);
	char *c = lt_redact_mask("hunter3", 7), *e = lt_redact_mask(NULL, 0);

	is_int(strlen(a), strlen("<redacted:12345678>"), "mask length");
	ok(!strncmp(a, "<redacted:", 10) && a[18] == '>', "mask shape");
	ok(strspn(a + 10, "0123456789abcdef") == 8, "8 lower hex digits");
	is_str(a, b, "same value, same mask");
	ok(strcmp(a, c) != 0, "another value, another mask");
	ok(strstr(a, "hunter") == NULL, "no value in the mask");
	ok(e && !strncmp(e, "<redacted:", 10), "NULL value masks");
	free(a);
	free(b);
	free(c);
	free(e);
}

/* The mask an unkeyed 64-bit FNV-1a folded to 32 bits gives (what masks
 * were before they were keyed). */
static void
fnv_mask(const char *val, char out[20])
{
	uint64_t h = lt_hash64(val, strlen(val));

	snprintf(out, 20, "<redacted:%08lx>",
	    (unsigned long)((h ^ (h >> 32)) & 0xffffffffUL));
}

/* Masks depend on the key: the same value under two keys gets two masks,
 * and a 6-digit secret's mask is not found by trying every 6-digit value
 * with the unkeyed hash (nor with HMAC under another key). */
static void
test_mask_key(void)
{
	static const unsigned char k1[32] = "latticectl test key number one..";
	static const unsigned char k2[32] = "latticectl test key number two..";
	const char *secret = "\"739164\"";	/* the member's JSON text */
	char *m1, *m2, *again, cand[16], old[20];
	int i, hits = 0, hits2 = 0;

	lt_redact_key_set(k1, sizeof(k1));
	m1 = lt_redact_mask(secret, strlen(secret));
	again = lt_redact_mask(secret, strlen(secret));
	is_str(again, m1, "same value, same key: same mask");
	lt_redact_key_set(k2, sizeof(k2));
	m2 = lt_redact_mask(secret, strlen(secret));
	ok(strcmp(m1, m2) != 0, "another key: another mask (%s, %s)", m1, m2);
	for (i = 0; i < 1000000; i++) {
		char *m;

		snprintf(cand, sizeof(cand), "\"%06d\"", i);
		fnv_mask(cand, old);
		hits += !strcmp(old, m1);
		m = i % 10 == 0 ? lt_redact_mask(cand, strlen(cand)) : NULL;
		hits2 += m && !strcmp(m, m1);	/* a tenth: HMAC is slower */
		free(m);
	}
	fnv_mask(secret, old);
	ok(hits == 0 && strcmp(old, m1) != 0, "no 6-digit value's unkeyed "
	    "hash gives the mask (%d hits; unkeyed it was %s)", hits, old);
	ok(hits2 == 0, "nor HMAC under another key (%d hits)", hits2);
	free(m1);
	free(m2);
	free(again);
}

/* Redact the JSON text in mode m and return the compact result. */
static char *
redact_text(const char *json, enum lt_redact_mode m)
{
	cJSON *j = cJSON_Parse(json);
	char *out;

	lt_redact_json(j, m);
	out = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return out;
}

static void
test_json(void)
{
	const char *in = "{\"user\":\"bob\",\"password\":\"hunter2\","
	    "\"nested\":{\"api_token\":42,\"list\":[{\"secret\":{\"a\":1}},"
	    "\"plain\"]},\"public_key\":\"MABC\",\"n\":1,\"z\":null}";
	char *s = redact_text(in, LT_REDACT_SECRETS);
	char *mask = lt_redact_mask("\"hunter2\"", 9);
	char *again = redact_text(in, LT_REDACT_SECRETS);
	char *all = redact_text(in, LT_REDACT_ALL);
	char *none = redact_text(in, LT_REDACT_NONE);
	cJSON *j = cJSON_Parse(all);

	ok(strstr(s, "hunter2") == NULL, "password value gone");
	ok(strstr(s, "\"password\":\"<redacted:") != NULL,
	    "member name kept");
	ok(strstr(s, mask) != NULL, "password masked as its JSON text");
	ok(strstr(s, "\"api_token\":\"<redacted:") &&
	    strstr(s, "\"secret\":\"<redacted:") && !strstr(s, "\"a\":1"),
	    "number and object under secret names masked");
	ok(strstr(s, "\"user\":\"bob\"") && strstr(s, "\"plain\"") &&
	    strstr(s, "\"public_key\":\"MABC\"") && strstr(s, "\"n\":1"),
	    "other members kept");
	is_str(s, again, "stable across runs");
	ok(strstr(all, "bob") == NULL && strstr(all, "plain") == NULL &&
	    strstr(all, "MABC") == NULL && strstr(all, "\"n\":1") == NULL,
	    "all: every scalar masked");
	ok(cJSON_IsNull(cJSON_GetObjectItem(j, "z")) &&
	    cJSON_IsObject(cJSON_GetObjectItem(j, "nested")),
	    "all: null and structure kept");
	ok(strstr(none, "hunter2") != NULL, "none: unchanged");
	cJSON_Delete(j);
	cJSON_free(s);
	cJSON_free(again);
	cJSON_free(all);
	cJSON_free(none);
	free(mask);

	j = cJSON_CreateNumber(7);
	lt_redact_json(j, LT_REDACT_ALL);
	ok(cJSON_IsString(j) && !strncmp(j->valuestring, "<redacted:", 10),
	    "all: bare scalar root masked");
	cJSON_Delete(j);
	lt_redact_json(NULL, LT_REDACT_ALL);
	ok(1, "NULL tree is fine");
}

static void
test_kv(void)
{
	const char *cfg = "{ \"greeting\": \"hi\", \"api_password\": \"pw1\" }";
	const char *plain = "{ \"greeting\": \"hi\" }";
	size_t n = 0;
	char *v, *mask = lt_redact_mask("s3cret", 6);

	v = lt_redact_kv_value("SECRET_app-db", "s3cret", 6, LT_REDACT_SECRETS,
	    &n);
	is_str(v, mask, "secret key: whole value masked");
	is_int(n, strlen(mask), "length of the mask");
	free(v);
	v = lt_redact_kv_value("app-config", cfg, strlen(cfg),
	    LT_REDACT_SECRETS, &n);
	ok(strstr(v, "pw1") == NULL && strstr(v, "\"greeting\":\"hi\""),
	    "JSON map: field redacted");
	is_int(n, strlen(v), "length set");
	free(v);
	v = lt_redact_kv_value("app-config", plain, strlen(plain),
	    LT_REDACT_SECRETS, &n);
	is_str(v, plain, "nothing to mask: bytes unchanged");
	free(v);
	v = lt_redact_kv_value("app-config", "hello", 5, LT_REDACT_SECRETS, &n);
	is_str(v, "hello", "text value of a plain key kept");
	free(v);
	v = lt_redact_kv_value("app-config", "hello", 5, LT_REDACT_ALL, &n);
	ok(!strncmp(v, "<redacted:", 10), "all: text masked");
	free(v);
	v = lt_redact_kv_value("app-config", plain, strlen(plain),
	    LT_REDACT_ALL, &n);
	ok(strstr(v, "hi") == NULL && strstr(v, "\"greeting\""),
	    "all: JSON values masked, names kept");
	free(v);
	v = lt_redact_kv_value("SECRET_x", "s3cret", 6, LT_REDACT_NONE, &n);
	ok(n == 6 && !memcmp(v, "s3cret", 7), "none: bytes and NUL");
	free(v);
	v = lt_redact_kv_value(NULL, NULL, 0, LT_REDACT_SECRETS, &n);
	ok(v && n == 0 && v[0] == '\0', "empty value, NULL key");
	free(v);
	v = lt_redact_kv_value("k", "\x00\xff", 2, LT_REDACT_SECRETS, &n);
	ok(n == 2 && v[0] == '\0' && (unsigned char)v[1] == 0xff,
	    "binary value kept byte for byte");
	free(v);
	free(mask);
}

static void
test_idempotent(void)
{
	char *once = redact_text("{\"password\":\"x\",\"n\":1}", LT_REDACT_ALL);
	char *twice = redact_text(once, LT_REDACT_ALL);
	char *m = lt_redact_mask("x", 1);
	size_t n = 0;
	char *v = lt_redact_kv_value("SECRET_a", m, strlen(m), LT_REDACT_ALL, &n);

	is_str(twice, once, "redacting a redacted tree changes nothing");
	is_str(v, m, "a masked KV value stays");
	ok(lt_redact_is_mask(m, strlen(m)), "a mask is a mask");
	ok(!lt_redact_is_mask("<redacted:zz>", 13), "other text is not");
	cJSON_free(once);
	cJSON_free(twice);
	free(m);
	free(v);
}

static void
test_payload(void)
{
	const char *ev = "{\"data\":{\"public_key\":\"MB\",\"x\":\"key\"}}";
	const char *cfg = "{\"db\":{ \"password\" : \"hunter2\"},\"a\":1}";
	const char *reg = "{\"ghcr.io\":{\"username\":\"bob\","
	    "\"password\":\"hunter2\",\"registryType\":\"oci\"}}";
	const char *subj = "wasmbus.ctl.v1.default.registry.put";
	size_t n = 0;
	char *v;

	ok(!lt_redact_may_change("s", ev, strlen(ev), LT_REDACT_SECRETS),
	    "no secret member name: fast path");
	ok(lt_redact_payload("s", ev, strlen(ev), LT_REDACT_SECRETS, &n) == NULL,
	    "nothing to change: NULL");
	ok(!lt_redact_may_change("s", "{\"n\":\"say \\\"password\\\": no\"}", 28,
	    LT_REDACT_SECRETS), "a quoted name inside a value is not a member");
	ok(lt_redact_may_change("s", "{\"a\":\"\\\\\",\"token\":1}", 20,
	    LT_REDACT_SECRETS), "a value ending in a backslash ends there");
	ok(lt_redact_may_change("s", "{\"pass\\u0077ord\":1}", 20,
	    LT_REDACT_SECRETS), "escaped name: the tree decides");
	v = lt_redact_payload("s", cfg, strlen(cfg), LT_REDACT_SECRETS, &n);
	ok(v && !strstr(v, "hunter2") && strstr(v, "\"a\":1") && n == strlen(v),
	    "nested password masked");
	free(v);
	ok(lt_redact_payload("s", cfg, strlen(cfg), LT_REDACT_NONE, &n) == NULL,
	    "none: unchanged");
	ok(lt_redact_subject_is_credential(subj), "registry.put subject");
	ok(!lt_redact_subject_is_credential("a.registry.put.x") &&
	    !lt_redact_subject_is_credential(NULL), "other subjects");
	v = lt_redact_payload(subj, reg, strlen(reg), LT_REDACT_NONE, &n);
	ok(v && !strstr(v, "hunter2") && !strstr(v, "bob") &&
	    strstr(v, "\"ghcr.io\""), "registry.put masked even under none");
	free(v);
	v = lt_redact_payload(subj, "user:pw", 7, LT_REDACT_NONE, &n);
	ok(v && !strncmp(v, "<redacted:", 10), "non-JSON credentials masked");
	free(v);
	ok(lt_redact_subject_is_secret("wasmbus.ctl.v1.d.config.put.SECRET_x") &&
	    lt_redact_subject_is_secret("wasmbus.ctl.v1.d.config.get.db_password"),
	    "config requests on secret names");
	ok(!lt_redact_subject_is_secret("wasmbus.ctl.v1.d.config.put.app-cfg") &&
	    !lt_redact_subject_is_secret("x.config.put.SECRET_x"),
	    "other config names, non-ctl subjects");
	v = lt_redact_payload("wasmbus.ctl.v1.d.config.put.SECRET_x",
	    "{\"v\":\"s3\"}", 10, LT_REDACT_SECRETS, &n);
	ok(v && !strncmp(v, "<redacted:", 10) && n == 19,
	    "secret config payload masked whole");
	free(v);
	ok(lt_redact_payload("s", "plain", 5, LT_REDACT_SECRETS, &n) == NULL,
	    "text kept under secrets");
	v = lt_redact_payload("s", "plain", 5, LT_REDACT_ALL, &n);
	ok(v && !strncmp(v, "<redacted:", 10), "text masked under all");
	free(v);
}

static void
test_url(void)
{
	char a[] = "nats://bob:hunter2@127.0.0.1:4222";
	char b[] = "tls://tok@h1:1,nats://h2:2,u:p@h3:3";
	char c[] = "nats://127.0.0.1:4222";
	char d[] = "see http://x.org/a mail me@y";
	const char *j = "{\"ctl_host\":\"nats://bob:pw9@h:1\",\"n\":1}";
	size_t n = 0;
	char *v = lt_redact_payload("s", j, strlen(j), LT_REDACT_NONE, &n);

	lt_redact_url(a);
	is_str(a, "nats://127.0.0.1:4222", "user and password removed");
	lt_redact_url(b);
	is_str(b, "tls://h1:1,nats://h2:2,h3:3", "each URL of a list");
	lt_redact_url(c);
	is_str(c, "nats://127.0.0.1:4222", "plain URL unchanged");
	lt_redact_url(d);
	is_str(d, "see http://x.org/a mail me@y", "an @ after the host stays");
	is_str(v, "{\"ctl_host\":\"nats://h:1\",\"n\":1}",
	    "URL credentials in a payload go, even under none");
	free(v);
	v = lt_redact_payload("s", "x nats://a:b@h y", 16, LT_REDACT_SECRETS, &n);
	is_str(v, "x nats://h y", "and in a text payload");
	free(v);
}

/* v with each mask written as M (the masks themselves are tested above).
 * The caller frees it; NULL for NULL. */
static char *
masks_as_m(const char *v)
{
	struct lt_buf b = LT_BUF_INIT;
	const char *p = v, *q;
	char *out;

	if (v == NULL)
		return NULL;
	while ((q = strstr(p, "<redacted:")) != NULL) {
		lt_buf_add(&b, p, (size_t)(q - p));
		lt_buf_addch(&b, 'M');
		p = q + 19;
	}
	lt_buf_adds(&b, p);
	out = lt_xstrdup(lt_buf_str(&b));
	lt_buf_release(&b);
	return out;
}

/* Secrets that member names do not show: a connection string's
 * "Password=", a URL query's "?token=", JSON held in a string, settings
 * listed as {"name":N,"value":V}; the quick scan finds each too. */
static void
test_values(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "{\"conn\":\"Server=x;User Id=u;Password=s3cret;\"}",
		    "{\"conn\":\"Server=x;User Id=u;Password=M;\"}" },
		{ "{\"c\":\"Data Source=x;pwd='s3;cret';Port=1\"}",
		    "{\"c\":\"Data Source=x;pwd=M;Port=1\"}" },
		{ "{\"u\":\"https://h/p?password=s3cret&a=1&api_token=s3cret\"}",
		    "{\"u\":\"https://h/p?password=M&a=1&api_token=M\"}" },
		{ "{\"config\":\"{\\\"password\\\":\\\"s3cret\\\",\\\"a\\\":1}\"}",
		    "{\"config\":\"{\\\"password\\\":\\\"M\\\",\\\"a\\\":1}\"}" },
		{ "{\"c\":\"[{\\\"key\\\":\\\"x\\\",\\\"s\\\":\\\"{\\\\\\\"token\\\\\\\":"
		    "\\\\\\\"s3cret\\\\\\\"}\\\"}]\"}", NULL },
		{ "[{\"name\":\"password\",\"value\":\"s3cret\"},"
		    "{\"name\":\"color\",\"value\":\"red\"}]",
		    "[{\"name\":\"password\",\"value\":\"M\"},"
		    "{\"name\":\"color\",\"value\":\"red\"}]" },
		{ "{\"env\":[{\"Name\":\"DB_PASSPHRASE\",\"Value\":42}]}",
		    "{\"env\":[{\"Name\":\"DB_PASSPHRASE\",\"Value\":\"M\"}]}" },
		{ "{\"passphrase\":\"s3cret\"}", "{\"passphrase\":\"M\"}" },
		{ "{\"note\":\"a=b, x == y\",\"expr\":\"{not json\"}", NULL },
	};
	size_t i, n = 0;

	for (i = 0; i < LT_ARRAY_SIZE(cases); i++) {
		const char *in = cases[i].in;
		char *v = lt_redact_payload("s", in, strlen(in),
		    LT_REDACT_SECRETS, &n), *got = masks_as_m(v);
		cJSON *j = v ? cJSON_Parse(v) : NULL;
		bool secret = strstr(in, "s3cret") != NULL;

		ok(!secret || lt_redact_may_change("s", in, strlen(in),
		    LT_REDACT_SECRETS), "case %zu: the quick scan sees it", i);
		ok(!secret || (j && !strstr(v, "s3cret")),
		    "case %zu: no secret left, still JSON", i);
		if (cases[i].want)
			is_str(got, cases[i].want, "case %zu: masked", i);
		else if (!secret)
			ok(v == NULL, "case %zu: nothing to mask", i);
		cJSON_Delete(j);
		free(v);
		free(got);
	}
}

/* The same rules in text: a text payload, a KV text value; and a payload
 * on a secrets backend's subject that is not JSON is masked whole. */
static void
test_values_text(void)
{
	const char *t = "connect Server=db;Password=s3cret; via "
	    "https://u:s3cret@h/x?token=s3cret";
	const char *sec = "wasmcloud.secrets.v1alpha1.vault.get";
	size_t n = 0;
	char *v = lt_redact_payload("s", t, strlen(t), LT_REDACT_SECRETS, &n);
	char *m = masks_as_m(v);

	is_str(m, "connect Server=db;Password=M; via https://h/x?token=M",
	    "text payload: pairs masked, user information gone");
	free(v);
	free(m);
	v = lt_redact_payload("s", t, strlen(t), LT_REDACT_NONE, &n);
	ok(v && strstr(v, "Password=s3cret") && !strstr(v, "u:s3cret"),
	    "none: pairs kept, user information still gone");
	free(v);
	v = lt_redact_kv_value("app-db", "Server=x;Password=s3cret", 24,
	    LT_REDACT_SECRETS, &n);
	m = masks_as_m(v);
	is_str(m, "Server=x;Password=M", "KV text value");
	free(v);
	free(m);
	v = lt_redact_payload(sec, "\x01\x02s3cret", 8, LT_REDACT_SECRETS, &n);
	ok(v && lt_redact_is_mask(v, n), "secrets subject: binary masked whole");
	free(v);
	v = lt_redact_payload(sec, "s3cret", 6, LT_REDACT_SECRETS, &n);
	ok(v && lt_redact_is_mask(v, n), "secrets subject: text masked whole");
	free(v);
	ok(lt_redact_payload(sec, "{\"name\":\"db\"}", 13, LT_REDACT_SECRETS,
	    &n) == NULL, "secrets subject: JSON by the usual rules");
	ok(lt_redact_payload(sec, "s3cret", 6, LT_REDACT_NONE, &n) == NULL,
	    "secrets subject: none shows it");
	is_str(lt_redact_subject("_INBOX.x", sec), sec,
	    "a reply to a secrets request is redacted as its request");
}

/* A password may hold '@': nats.c splits the user information at the last
 * '@', so redaction does too (and finds the host there). */
static void
test_url_at(void)
{
	char a[] = "nats://alice:p@SECRET@127.0.0.1:4222";
	char b[] = "alice:p@SECRET@h1:1, nats://u:p/x?y#z@SECRET@h2:2,tls://t@h3";
	const char *t = "x nats://a:p@SECRET@h y nats://c:SECRET@h2/p@q z";
	const char *j = "{\"url\":\"nats://a:p@SECRET@h:1\"}";
	size_t n = 0;
	char *v;

	lt_redact_url(a);
	is_str(a, "nats://127.0.0.1:4222", "'@' in the password: all of it goes");
	lt_redact_url(b);
	is_str(b, "h1:1, nats://h2:2,tls://h3", "each server of a list, "
	    "'/', '?' and '#' in a password too");
	is_str(lt_redact_url_host("nats://alice:p@SECRET@h:4222"), "h:4222",
	    "the host after the last '@'");
	is_str(lt_redact_url_host("h:4222"), "h:4222", "a bare host");
	v = lt_redact_payload("s", t, strlen(t), LT_REDACT_NONE, &n);
	is_str(v, "x nats://h y nats://h2/p@q z",
	    "text: every URL, the '@' of a path kept");
	free(v);
	v = lt_redact_payload("s", j, strlen(j), LT_REDACT_NONE, &n);
	is_str(v, "{\"url\":\"nats://h:1\"}", "a JSON string");
	free(v);
}

/* A reply is redacted as its secret request asks, and the bytes of a
 * payload and its parsed tree get the same mask (sub's screen, its
 * recording and show agree). */
static void
test_reply(void)
{
	const char *get = "wasmbus.ctl.v1.d.config.get.SECRET_x";
	const char *reg = "wasmbus.ctl.v1.d.registry.put";
	const char *body = "{ \"value\" : \"s3\" }\n";
	size_t n = 0;
	cJSON *j = cJSON_Parse(body);
	char *v, b[19];

	is_str(lt_redact_subject("_INBOX.a", get), get, "reply to a secret config");
	is_str(lt_redact_subject("_INBOX.a", reg), "_INBOX.a",
	    "reply to registry.put: its own subject");
	is_str(lt_redact_subject("_INBOX.a", "wasmbus.ctl.v1.d.config.get.app"),
	    "_INBOX.a", "reply to another config");
	is_str(lt_redact_subject("s", NULL), "s", "not a reply");
	v = lt_redact_payload(lt_redact_subject("_INBOX.a", get), body,
	    strlen(body), LT_REDACT_SECRETS, &n);
	ok(lt_redact_payload_json(j, get, LT_REDACT_SECRETS) == 1 &&
	    cJSON_IsString(j), "tree masked whole");
	is_str(v, j->valuestring, "bytes and tree: the same mask");
	ok(lt_redact_payload_json(j, get, LT_REDACT_SECRETS) == 0,
	    "a mask stays");
	free(v);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"Authorization\":\"Bearer t\",\"Up\":"
	    "\"nats://u:p@h:1\",\"Trace\":\"abc\"}");
	ok(lt_redact_payload_json(j, "s", LT_REDACT_SECRETS) == 2 &&
	    lt_redact_is_mask(lt_json_str(j, "Authorization"), 19) &&
	    !strcmp(lt_json_str(j, "Up"), "nats://h:1") &&
	    !strcmp(lt_json_str(j, "Trace"), "abc"),
	    "headers: secret names masked, URLs cleaned");
	cJSON_Delete(j);
	memcpy(b, "<redacted:0123abcd>", sizeof(b));	/* no NUL */
	ok(lt_redact_is_mask(b, sizeof(b)), "a mask without NUL");
	b[12] = '>';
	ok(!lt_redact_is_mask(b, sizeof(b)), "a short hash is no mask");
}

int
main(void)
{
	static const unsigned char key[32] = "test-redact's fixed mask key....";

	lt_redact_key_set(key, sizeof(key));	/* the same masks every run */
	test_modes();
	test_names();
	test_name_memo();
	test_mask();
	test_mask_key();
	test_json();
	test_kv();
	test_idempotent();
	test_payload();
	test_url();
	test_url_at();
	test_values();
	test_values_text();
	test_reply();
	done_testing();
}
