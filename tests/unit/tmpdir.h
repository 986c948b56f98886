/* tmpdir.h: a scratch directory per unit test (mkdtemp under $TMPDIR),
 * paths in it, writing and reading whole files. Header-only, included
 * once after tap.h. */
#ifndef LATTICECTL_TEST_TMPDIR_H
#define LATTICECTL_TEST_TMPDIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "latticectl/buf.h"

static char tmpdir_path[PATH_MAX];

/* Make the directory ("$TMPDIR/NAME.XXXXXX"); skips the test without. */
static inline void
tmpdir_make(const char *name)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir_path, sizeof(tmpdir_path), "%s/%s.XXXXXX",
	    base && *base ? base : "/tmp", name);
	if (mkdtemp(tmpdir_path) == NULL)
		skip_all("no temporary directory");
}

/* DIR/name, in a static buffer (one path at a time). */
static inline const char *
tmp(const char *name)
{
	static char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", tmpdir_path, name);
	return path;
}

static inline void
write_file(const char *name, const char *text, size_t len)
{
	FILE *fp = fopen(tmp(name), "w");

	if (fp == NULL || fwrite(text, 1, len, fp) != len || fclose(fp) != 0)
		abort();
}

/* The whole file (caller frees; "" when unreadable). */
static inline char *
slurp(const char *name, size_t *len)
{
	struct lt_buf b = LT_BUF_INIT;
	FILE *fp = fopen(tmp(name), "r");
	char chunk[4096];
	size_t n;

	while (fp && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		lt_buf_add(&b, chunk, n);
	if (fp)
		fclose(fp);
	if (len)
		*len = b.len;
	return lt_buf_detach(&b);
}

/* Remove the named files and the directory: 0 when it is gone (nothing
 * else was left in it). */
static inline int
tmpdir_remove(const char *const *names)
{
	for (; *names; names++)
		unlink(tmp(*names));
	return rmdir(tmpdir_path);
}

#endif
