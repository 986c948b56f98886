/* test-nkey.c: public keys of nkey seeds (the example pair from the NATS
 * documentation), bad seeds, seed files; no error shows seed text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latticectl/nkey.h"
#include "tap.h"

#define SEED "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY"
#define PUB "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"
/* the same key with an account prefix and a valid checksum */
#define ACCOUNT_SEED "SAACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCTIMI"

static char dir[] = "/tmp/lt-nkey-XXXXXX";

static int
from_seed(const char *seed, char *pub, struct lt_error *err)
{
	return lt_nkey_public_from_seed(seed, strlen(seed), pub, err);
}

static void
test_seeds(void)
{
	struct lt_error err = LT_ERROR_INIT;
	char pub[LT_NKEY_PUBLIC_LEN + 1] = "";
	char bad[] = SEED;

	ok(from_seed(SEED, pub, &err) == 0, "documented seed decodes");
	is_str(pub, PUB, "its public key is the documented one");
	bad[20] = bad[20] == 'A' ? 'B' : 'A';
	ok(from_seed(bad, pub, &err) < 0 && err.code == LT_E_CONNECT,
	    "one changed character fails the checksum (exit 3)");
	ok(strstr(err.msg, "checksum") != NULL, "and says so: %s", err.msg);
	ok(from_seed(ACCOUNT_SEED, pub, &err) < 0 &&
	    strstr(err.msg, "not a user") != NULL, "an account seed is refused");
	ok(from_seed("SUACSSL3", pub, &err) < 0, "a short seed is refused");
	ok(from_seed(PUB, pub, &err) < 0, "a public key is not a seed");
	ok(from_seed("SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3V1",
	    pub, &err) < 0, "a character outside base32 is refused");
	ok(strstr(err.msg, "SUACSS") == NULL, "no error shows the seed");
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		exit(1);
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
test_files(void)
{
	struct lt_error err = LT_ERROR_INIT;
	char pub[LT_NKEY_PUBLIC_LEN + 1] = "";
	const char *p;

	p = write_file("bare.nk", SEED "\n");
	ok(lt_nkey_public_from_file(p, pub, &err) == 0 && !strcmp(pub, PUB),
	    "a bare seed file (as nk -gen user writes it)");
	p = write_file("block.nk", "-----BEGIN USER NKEY SEED-----\n  " SEED
	    "\r\n------END USER NKEY SEED------\n");
	ok(lt_nkey_public_from_file(p, pub, &err) == 0 && !strcmp(pub, PUB),
	    "a seed block with indentation and CRLF");
	p = write_file("user.creds", "-----BEGIN NATS USER JWT-----\neyJ0\n"
	    "------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n"
	    SEED "\n------END USER NKEY SEED------\n");
	ok(lt_nkey_public_from_file(p, pub, &err) < 0 &&
	    strstr(err.msg, "--creds") != NULL, "a creds file points to --creds");
	p = write_file("empty.nk", "nothing here\n");
	ok(lt_nkey_public_from_file(p, pub, &err) < 0 &&
	    strstr(err.msg, "no user seed") != NULL, "a file without a seed");
	p = write_file("bad.nk", "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VA\n");
	ok(lt_nkey_public_from_file(p, pub, &err) < 0 && err.code == LT_E_CONNECT &&
	    strstr(err.msg, "bad.nk") != NULL && strstr(err.msg, "SUACSS") == NULL,
	    "a bad seed in a file: named file, no seed text (%s)", err.msg);
	ok(lt_nkey_public_from_file("/nonexistent/x.nk", pub, &err) < 0 &&
	    err.code == LT_E_CONNECT, "a missing file is exit 3");
}

static void
test_host_id(void)
{
	const char *id = "NCTZ3B57642SU3Z4FFCZTEPTOWVBDDJ3LTLACKKAYTEXQ5CQ45P3TWCG";
	char lower[64], shorter[64];

	snprintf(lower, sizeof(lower), "%s", id);
	lower[5] = 'l';
	snprintf(shorter, sizeof(shorter), "%.55s", id);
	ok(lt_nkey_is_host_id(id), "a host id (example event's source)");
	ok(!lt_nkey_is_host_id(PUB), "a user key is not a host id");
	ok(!lt_nkey_is_host_id(shorter), "55 characters are not a host id");
	ok(!lt_nkey_is_host_id(lower), "nor a lower-case letter in one");
	ok(!lt_nkey_is_host_id(NULL) && !lt_nkey_is_host_id(""),
	    "nor NULL or empty");
}

int
main(void)
{
	static const char *const names[] = {
		"bare.nk", "block.nk", "user.creds", "empty.nk", "bad.nk",
	};
	size_t i;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_seeds();
	test_files();
	test_host_id();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(write_file(names[i], ""));
	rmdir(dir);
	done_testing();
}
