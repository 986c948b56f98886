/* nkey.c: decoding nkey seeds and encoding public keys (base32 with a
 * CRC-16 and a type prefix, the nkeys format) and the ed25519 public key
 * of a seed. The one file that sees OpenSSL's libcrypto, which nats.c and
 * libcurl already link. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/nkey.h"
#include "latticectl/util.h"
#include "banned.h"

#define PREFIX_SEED (18 << 3)	/* 'S' */
#define PREFIX_USER (20 << 3)	/* 'U' */
#define SEED_TEXT_LEN 58	/* base32 of prefix(2) + key(32) + crc(2) */
#define SEED_BYTES 36
#define PUBLIC_BYTES 35	/* prefix(1) + key(32) + crc(2) */
#define MAX_FILE (64 * 1024)

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* CRC-16/XMODEM, as nkeys checksums its keys. */
static uint16_t
crc16(const unsigned char *p, size_t n)
{
	uint16_t crc = 0;
	int bit;

	while (n-- > 0) {
		crc ^= (uint16_t)(*p++ << 8);
		for (bit = 0; bit < 8; bit++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 :
			    crc << 1);
	}
	return crc;
}

/* Decode unpadded base32 text into exactly outlen bytes. */
static bool
base32_decode(const char *in, size_t len, unsigned char *out, size_t outlen)
{
	uint32_t acc = 0;
	size_t n = 0, i;
	int bits = 0;
	const char *c;

	for (i = 0; i < len; i++) {
		c = in[i] ? strchr(b32, in[i]) : NULL;
		if (c == NULL)
			return false;
		acc = (acc << 5) | (uint32_t)(c - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (n == outlen)
				return false;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n == outlen;
}

static void
base32_encode(const unsigned char *in, size_t len, char *out)
{
	uint32_t acc = 0;
	size_t i;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*out++ = b32[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		*out++ = b32[(acc << (5 - bits)) & 31];
	*out = '\0';
}

/* The 32-byte ed25519 seed of an encoded user seed. */
static int
decode_user_seed(const char *seed, size_t len, unsigned char raw[SEED_BYTES],
    struct lt_error *err)
{
	uint16_t crc;

	if (len != SEED_TEXT_LEN || !base32_decode(seed, len, raw, SEED_BYTES))
		return lt_error_set(err, LT_E_CONNECT, "not an nkey seed (want "
		    "%d base32 characters starting with 'SU')", SEED_TEXT_LEN);
	crc = (uint16_t)(raw[34] | raw[35] << 8);
	if (crc16(raw, 34) != crc)
		return lt_error_set(err, LT_E_CONNECT, "nkey seed checksum does "
		    "not match (a mistyped or truncated seed)");
	if ((raw[0] & 0xf8) != PREFIX_SEED ||
	    (((raw[0] & 7) << 5) | ((raw[1] & 0xf8) >> 3)) != PREFIX_USER)
		return lt_error_set(err, LT_E_CONNECT, "not a user nkey seed "
		    "(an operator or account seed cannot connect)");
	return 0;
}

static int
ed25519_public(const unsigned char seed[32], unsigned char pub[32],
    struct lt_error *err)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    seed, 32);
	size_t n = 32;
	int ok;

	ok = k && EVP_PKEY_get_raw_public_key(k, pub, &n) == 1 && n == 32;
	EVP_PKEY_free(k);
	if (!ok)
		return lt_error_set(err, LT_E_CONNECT, "cannot derive the "
		    "ed25519 public key (libcrypto)");
	return 0;
}

int
lt_nkey_public_from_seed(const char *seed, size_t len,
    char out[LT_NKEY_PUBLIC_LEN + 1], struct lt_error *err)
{
	unsigned char raw[SEED_BYTES], pub[PUBLIC_BYTES];
	uint16_t crc;
	int rc = -1;

	if (decode_user_seed(seed, len, raw, err) == 0 &&
	    ed25519_public(raw + 2, pub + 1, err) == 0) {
		pub[0] = PREFIX_USER;
		crc = crc16(pub, 33);
		pub[33] = (unsigned char)(crc & 0xff);
		pub[34] = (unsigned char)(crc >> 8);
		base32_encode(pub, sizeof(pub), out);
		rc = 0;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

/* The first whitespace-separated word starting with "SU" in buf. */
static const char *
find_seed(const char *buf, size_t *len)
{
	const char *p = buf;
	size_t n;

	while (*p) {
		p += strspn(p, " \t\r\n");
		n = strcspn(p, " \t\r\n");
		if (n > 2 && p[0] == 'S' && p[1] == 'U') {
			*len = n;
			return p;
		}
		p += n;
	}
	return NULL;
}

static int
read_small(const char *path, char *buf, size_t size, struct lt_error *err)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return lt_error_set(err, LT_E_CONNECT, "nkey file '%s': %s",
		    path, strerror(errno));
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	if (n == size - 1)
		return lt_error_set(err, LT_E_CONNECT, "nkey file '%s' is too "
		    "large for a seed file", path);
	return 0;
}

int
lt_nkey_public_from_file(const char *path, char out[LT_NKEY_PUBLIC_LEN + 1],
    struct lt_error *err)
{
	char *buf = lt_xmalloc(MAX_FILE);
	const char *seed;
	size_t len = 0;
	int rc = -1;

	if (read_small(path, buf, MAX_FILE, err) < 0)
		goto out;
	if (strstr(buf, "BEGIN NATS USER JWT")) {
		lt_error_set(err, LT_E_CONNECT, "nkey file '%s' is a creds "
		    "file (use --creds)", path);
		goto out;
	}
	seed = find_seed(buf, &len);
	if (seed == NULL)
		lt_error_set(err, LT_E_CONNECT, "nkey file '%s' holds no user "
		    "seed (a line starting with 'SU')", path);
	else if (lt_nkey_public_from_seed(seed, len, out, err) < 0)
		lt_error_prefix(err, "nkey file '%s'", path);
	else
		rc = 0;
out:
	OPENSSL_cleanse(buf, MAX_FILE);
	free(buf);
	return rc;
}

bool
lt_nkey_is_host_id(const char *s)
{
	return s && s[0] == 'N' && strlen(s) == LT_NKEY_PUBLIC_LEN &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == LT_NKEY_PUBLIC_LEN;
}
