/* redact.h: masking secret values before they are printed or recorded
 * (latticectl(5), REDACTION; docs/architecture.md, Redaction). A value is
 * masked as "<redacted:1a2b3c4d>":
 * the first 4 bytes, as 8 hex digits, of the HMAC-SHA-256 of its bytes
 * under a per-user key, so the same value gives the same mask for one
 * person (a diff still shows that it changed) but a mask says nothing
 * about the value to anyone without the key: trying candidate values
 * needs the key, and similar values get unrelated masks. 32 bits keep
 * the mask short; two different values share a mask once in 2^32.
 *
 * The key: 32 random bytes in $XDG_STATE_HOME/latticectl/mask-key
 * (default ~/.local/state/latticectl/), made on first use, mode 0600.
 * Only a program that calls lt_redact_key_file uses it; any other
 * (unit tests, fuzzers, benches) gets a random key per process.
 *
 * Secret names (lt_redact_name_is_secret), compared case-insensitively:
 * - anywhere in the name: password, passwd, token, secret (so SECRET_*),
 *   credential, creds, seed, jwt;
 * - a word part (split at non-alphanumerics and lower-to-upper case
 *   changes) that ends in "key" or "keys": key (a TLS "key" is a private
 *   key; a label's or secret reference's "key" is masked with it),
 *   api_key, apiKey, apikey, private-key, sshKeys, image_key; but not
 *   keyboard or keyspace, and not public_key, publicKey or pubkey (nkey
 *   public keys identify hosts and components);
 * - a word part containing "auth" (auth, oauth, Authorization, authToken)
 *   other than author, authors, authored and authority;
 * - a word part that is exactly "pass" or "pwd" (db_pass, PG_PWD);
 * but never an nkey public key (a prefix letter other than S and 55
 * upper-case base32 characters): host, component and provider ids key
 * wadm_state's maps and inventories and hold any letters ("...JWT..."). */
#ifndef LATTICECTL_REDACT_H
#define LATTICECTL_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cJSON;

enum lt_redact_mode {
	LT_REDACT_SECRETS = 0,	/* default: mask values with secret names */
	LT_REDACT_NONE,		/* --show-secrets */
	LT_REDACT_ALL,		/* --redact-all: mask every value */
};

/* "secrets", "none", "all": the word recorded in meta records and
 * snapshot files. Static storage. */
const char *lt_redact_mode_name(enum lt_redact_mode m);
/* Inverse of lt_redact_mode_name: 0, or -1 (*out untouched) when s is
 * NULL or unknown. */
int lt_redact_mode_parse(const char *s, enum lt_redact_mode *out);

/* True when a member or key called name holds a secret (rules above).
 * NULL is not secret. */
bool lt_redact_name_is_secret(const char *name);
/* The same for the n bytes at name (no NUL needed). */
bool lt_redact_name_is_secret_n(const char *name, size_t n);
/* Whether a payload with a member called name (n bytes) needs the tree
 * walk: a secret name, or "value" (any case), which a {"name":N,
 * "value":V} setting masks when N is a secret name. */
bool lt_redact_name_needs_tree_n(const char *name, size_t n);

/* The mask of len bytes at val (val may be NULL when len is 0). The
 * caller frees the string. Thread-safe. */
char *lt_redact_mask(const void *val, size_t len);

/* Make masks use the key file (read, or created when missing, at the
 * first mask). When it cannot be used (no home, not a regular file of
 * ours, readable by others, not 32 bytes, cannot be written), that run
 * masks with a random key of its own and says so in one line on warn
 * (NULL: nowhere). Call before any mask, from one thread. */
void lt_redact_key_file(FILE *warn);

/* Mask with these n bytes as the key from now on (tests). */
void lt_redact_key_set(const void *key, size_t n);

/* Redact a JSON tree in place. SECRETS: every object member whose name is
 * secret, at any depth (also inside arrays), gets the mask of its value's
 * compact JSON text as a string, whatever its type. ALL: the same, and
 * every other scalar leaf (string, number, bool) is replaced by the mask
 * of its JSON text; null stays null and member names stay. NONE: nothing.
 * NULL v is fine. */
void lt_redact_json(struct cJSON *v, enum lt_redact_mode m);
/* Same, returning how many values were masked. */
size_t lt_redact_json_count(struct cJSON *v, enum lt_redact_mode m);

/* Remove user information from every URL in the string values of v
 * (lt_redact_text_urls), in every mode: connection and registry URLs carry
 * credentials. Returns how many strings changed. */
size_t lt_redact_json_urls(struct cJSON *v);

/* Replace v in place (any type; its name stays) by the string mask of its
 * compact JSON text, unless it already is a mask. Returns 1 or 0. */
size_t lt_redact_json_whole(struct cJSON *v);

/* Redact one KV entry's value (key: the entry's key, may be NULL) as a
 * payload is: in every mode URLs lose their user information; besides,
 * unless NONE, a secret key masks all the bytes, and a value that is a
 * JSON object or array gets lt_redact_json (printed compact when anything
 * changed, byte for byte otherwise); any other value is masked whole
 * under ALL.
 * Always returns a new buffer (never NULL; the caller frees it) with a
 * NUL after its *out_len bytes, so a text value can be used as a string. */
char *lt_redact_kv_value(const char *key, const void *val, size_t len,
    enum lt_redact_mode m, size_t *out_len);

/* True when n bytes at s are a mask (redacting a mask keeps it). */
bool lt_redact_is_mask(const char *s, size_t n);

/* Whether redacting a payload could make text appear that was not in it:
 * text that fits inside a mask or reaches across a mask's edge (holds '<'
 * or '>': a mask may replace part of a string, as in "Password=x;"), or
 * spans a URL whose user information is removed. When false, a payload
 * without the text keeps lacking it. */
bool lt_redact_may_create(const char *text);

/* ---- message payloads (watch, sub, recordings) ---- */

/* True for the control-interface subject that carries registry
 * credentials ("{prefix}.v1.{lattice}.registry.put"): its payload is
 * masked as LT_REDACT_ALL whatever the mode, even NONE. */
bool lt_redact_subject_is_credential(const char *subject);

/* True for a control-interface config request on a secret config name
 * ("{prefix}.v1.{lattice}.config.put.SECRET_x", also config.get): the
 * whole payload is a secret's value, masked whole unless NONE. */
bool lt_redact_subject_is_secret(const char *subject);

/* True for a subject of wasmCloud's secrets backends ("wasmcloud.secrets."
 * and more): unless NONE, a payload there that is not a JSON object or
 * array (a reply's encrypted secret) is masked whole; JSON gets the usual
 * rules. */
bool lt_redact_subject_is_secrets(const char *subject);

/* The subject a message's payload and headers are redacted as: for a
 * reply (request_subject: the subject of its request, else NULL) to a
 * config request on a secret name or to a secrets backend's request, the
 * request's subject, so the reply is masked like the request (the value
 * of a secret config is the secret); else subject. Replies to
 * registry.put carry no credentials: they keep their own subject. Recordings (lt_rec_redact, from a record's
 * request_subject) and sub's screen both decide this way. */
const char *lt_redact_subject(const char *subject,
    const char *request_subject);

/* Whether lt_redact_payload could change these bytes: a cheap scan for a
 * secret member name or a URL with user information (no tree is built);
 * true under ALL or for a credential or secret config subject, even for
 * an empty payload (it is masked as its recorded member "" would be). */
bool lt_redact_may_change(const char *subject, const void *data,
    size_t len, enum lt_redact_mode m);

/* lt_redact_may_change without the member name scan: true when the
 * payload may change whatever its member names are (URL user information,
 * ALL, a credential or secret config subject). With
 * lt_redact_name_is_secret_n as a lt_json_compact_names flag, the names
 * are checked in the same pass that copies the payload (with
 * lt_redact_name_needs_tree_n as the flag). */
bool lt_redact_may_change_values(const char *subject, const void *data,
    size_t len, enum lt_redact_mode m);

/* Redact a message payload received on subject (may be NULL): masked
 * whole for a secret config subject (the mask of its compact JSON text
 * when it is JSON, as a recorded payload is masked, else of its bytes), as
 * ALL for registry.put; else a JSON object or array gets lt_redact_json
 * (compact output); anything else is masked whole under ALL. In every mode
 * URLs lose their user information (lt_redact_json_urls; also in a text
 * payload). Returns NULL when nothing changes (the common case, no
 * allocation), else new bytes the caller frees, NUL-terminated, with
 * *out_len set. */
char *lt_redact_payload(const char *subject, const void *data, size_t len,
    enum lt_redact_mode m, size_t *out_len);

/* The same rule for a payload already parsed (v: any JSON value, as a
 * record's payload or headers member holds it), in place: masked whole
 * (lt_redact_json_whole) for a secret config subject unless NONE, else
 * lt_redact_json in m (ALL for registry.put); URL user information removed
 * in every mode. Returns how many values changed. */
size_t lt_redact_payload_json(struct cJSON *v, const char *subject,
    enum lt_redact_mode m);

/* Remove user information ("user:pass@", "token@") from each URL of a
 * comma-separated server list, in place: connection URLs are printed in
 * messages and recorded in gap records. A server's user information runs
 * to its last '@' (as nats.c reads "nats://alice:p@ss@host"), with or
 * without a scheme, whatever it holds but blanks, quotes and commas. */
void lt_redact_url(char *url);

/* The same for every "scheme://" URL in free text (payload strings, text
 * values), in place: there the authority ends at the first '/', '?', '#',
 * blank, quote, '<', '>' or ',' and its user information at the last '@'
 * before that ("see https://h/a@b" keeps its '@'). */
void lt_redact_text_urls(char *text);

/* A line of text as it may be kept (the shell's history): URL user
 * information removed and each secret "name=value" masked, as in a text
 * payload. NULL when nothing changes (or it is not text); else the caller
 * frees it. */
char *lt_redact_text(const char *text);

/* Where the host of the server URL url starts: past "scheme://" and past
 * its user information (lt_redact_url's rule). Borrowed from url. */
const char *lt_redact_url_host(const char *url);

/* --show-secrets and --redact-all, for commands that print or record
 * payloads: LT_REDACT_OPTS_TO binds them to the bool show_secrets and
 * redact_all of options struct st (include/latticectl/opt.h), which
 * lt_redact_mode_of turns into a mode (both at once is a usage error). */
#define LT_REDACT_SHOW_HELP "show secret values (registry credentials " \
	"stay masked)"
#define LT_REDACT_ALL_HELP "mask every payload value"
#define LT_REDACT_OPTS_TO(st) \
	{ "show-secrets", 0, 0, NULL, LT_REDACT_SHOW_HELP, NULL, \
	    LT_TO_FLAG(st, show_secrets) }, \
	{ "redact-all", 0, 0, NULL, LT_REDACT_ALL_HELP, NULL, \
	    LT_TO_FLAG(st, redact_all) }

struct lt_msg;
struct lt_error;

/* The mode --show-secrets (show) and --redact-all (all) ask for (SECRETS
 * without either). 0, or -1 with a usage error. */
int lt_redact_mode_of(bool show, bool all, enum lt_redact_mode *out,
    struct lt_error *err);

/* The message as watch and sub print, filter and record it: tmp, filled
 * as a copy of m marked redacted (msg.h), with the payload as
 * lt_redact_payload leaves it, which *to_free owns when it changed (free
 * it after use; NULL when m's bytes are kept). A message already marked
 * is not redacted again. */
const struct lt_msg *lt_redact_msg(const struct lt_msg *m,
    enum lt_redact_mode mode, struct lt_msg *tmp, char **to_free);
/* lt_redact_msg for a message that may be a reply: request_subject (NULL
 * for none) is its request's subject (lt_redact_subject). */
const struct lt_msg *lt_redact_msg_req(const struct lt_msg *m,
    const char *request_subject, enum lt_redact_mode mode, struct lt_msg *tmp,
    char **to_free);

#endif
