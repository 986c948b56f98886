/* nkey.h: NATS nkeys for --nkey. nats.c 3.4 signs the server's nonce with
 * the seed file itself but must be given the user's public key, which is
 * derived here from the seed (ed25519). Nothing here prints, and no error
 * message ever contains seed text. */
#ifndef LATTICECTL_NKEY_H
#define LATTICECTL_NKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "latticectl/error.h"

#define LT_NKEY_PUBLIC_LEN 56	/* "U" + 55 base32 characters */

/* Whether s is shaped like a host id: a server public key, 'N' and 55
 * base32 characters. */
bool lt_nkey_is_host_id(const char *s);

/* The public user key ("U...") of an encoded user seed ("SU...", len
 * characters, not NUL-terminated). Returns 0 with out filled, or -1 with
 * err set (LT_E_CONNECT) when seed is not a valid user seed. */
int lt_nkey_public_from_seed(const char *seed, size_t len,
    char out[LT_NKEY_PUBLIC_LEN + 1], struct lt_error *err);

/* The same for the first user seed in the file at path (a bare seed, or
 * an "-----BEGIN USER NKEY SEED-----" block as nk and nsc write it).
 * Returns 0, or -1 with err set (LT_E_CONNECT) naming the file. A creds
 * file is refused: it belongs to --creds. */
int lt_nkey_public_from_file(const char *path,
    char out[LT_NKEY_PUBLIC_LEN + 1], struct lt_error *err);

#endif
