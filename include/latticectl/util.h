/* util.h: allocation that never fails (it aborts), checked parsers for
 * option values, time formatting and small string predicates. */
#ifndef LATTICECTL_UTIL_H
#define LATTICECTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "latticectl/error.h"

/* Allocation: on out-of-memory these print a message and abort. */
void *lt_xmalloc(size_t n);
void *lt_xcalloc(size_t n, size_t size);
void *lt_xrealloc(void *p, size_t n);
char *lt_xstrdup(const char *s);
char *lt_xstrndup(const char *s, size_t n);
char *lt_xasprintf(const char *fmt, ...) LT_PRINTF(1, 2);

/* Parse "1500ms", "2s", "5m", "1h30m", "250us", or a bare number of seconds
 * into nanoseconds. Returns -1 and sets err (LT_E_USAGE) on bad input. */
int lt_parse_duration(const char *s, int64_t *ns, struct lt_error *err);
/* Parse a non-negative decimal integer that fits in max. */
int lt_parse_uint(const char *s, uint64_t max, uint64_t *out,
    struct lt_error *err);
/* Index of s in the NULL-terminated choices, or -1 with an error that lists
 * them. what names the option ("--output"). */
int lt_parse_enum(const char *s, const char *const *choices, const char *what,
    struct lt_error *err);
/* Format a duration for people, the one format of every duration text
 * output shows (uptimes, ages, latencies, windows): "250us", "850ms",
 * "12.3s", "4m05s", "2h10m", "3d04h". */
void lt_duration_format(int64_t ns, char *out, size_t outlen);

/* Wall clock and monotonic clock in nanoseconds. */
int64_t lt_now_ns(void);
int64_t lt_mono_ns(void);
/* Format ns since the epoch as RFC 3339 UTC with nanoseconds
 * ("2026-11-24T10:00:00.123456789Z"). out needs 40 bytes. */
void lt_time_format(int64_t ns, char *out, size_t outlen);
/* Text output's times are UTC unless lt_time_set_local(true) (--local,
 * docs/architecture.md, Output); machine output is always UTC. */
void lt_time_set_local(bool local);
bool lt_time_is_local(void);
/* "HH:MM:SS.mmm" for text lines, in text output's zone. out needs 16
 * bytes. */
void lt_time_format_short(int64_t ns, char *out, size_t outlen);
/* The day of ns in text output's zone, as a number that changes exactly
 * when the date does. */
int64_t lt_time_day(int64_t ns);
/* The date line's text: "2026-11-24 UTC", or with --local
 * "2026-11-24 CET (+0100)". out needs 48 bytes. */
void lt_time_format_day(int64_t ns, char *out, size_t outlen);
/* A table cell: "2026-11-24 10:00:00Z", or with --local
 * "2026-11-24 11:00:00 CET". out needs 48 bytes. */
void lt_time_format_table(int64_t ns, char *out, size_t outlen);
/* Parse RFC 3339 ("2026-11-24T10:00:00Z", fractional seconds and offsets
 * accepted) into ns since the epoch. Returns -1 on bad input. */
int lt_time_parse(const char *s, int64_t *ns);
/* A --since value: a duration back from now (5m) or an RFC 3339 time
 * not in the future, as ns since the epoch. 0, or -1 with a usage error
 * naming --since. */
int lt_parse_since(const char *v, int64_t *start_ns, struct lt_error *err);

/* True when len bytes are valid UTF-8 with no NUL and no control bytes
 * other than tab, newline and carriage return. */
bool lt_is_text(const char *s, size_t len);
/* Whether s can be one token of a NATS subject: not empty, no dot, no
 * white space (a lattice name). */
bool lt_is_subject_token(const char *s);
/* The length of the well-formed UTF-8 sequence at s (1 for ASCII), or 0
 * when it is not one; len > 0. */
size_t lt_utf8_seq_len(const char *s, size_t len);

/* The longest prefix of s, at most max bytes, that does not end inside a
 * UTF-8 sequence: where to cut a long value for display. */
size_t lt_utf8_cut(const char *s, size_t len, size_t max);
/* Shell-style glob match of a whole string ('*', '?', '[...]'). */
bool lt_glob_match(const char *pattern, const char *s);
/* 64-bit FNV-1a: a fast unkeyed hash (hash tables); not for secrets. */
uint64_t lt_hash64(const void *data, size_t len);
/* First occurrence of needle in hay (like memmem), or NULL. */
const char *lt_memfind(const char *hay, size_t haylen, const char *needle,
    size_t nlen);
/* Case-insensitive substring test. */
bool lt_str_icontains(const char *hay, const char *needle);
bool lt_str_has_prefix(const char *s, const char *prefix);
/* s (NULL: false) ends with suffix. */
bool lt_str_has_suffix(const char *s, const char *suffix);
/* Levenshtein distance of two short strings (99 when b is 64 bytes or
 * longer): how far a mistyped name is from a known one. */
int lt_edit_distance(const char *a, const char *b);

/* $XDG_STATE_HOME/latticectl/<file> (default ~/.local/state/...), with
 * every directory above it created 0700 when missing. NULL when there is
 * neither XDG_STATE_HOME nor HOME, or a directory cannot be made. The
 * caller frees it. */
char *lt_state_path(const char *file);

#define LT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
