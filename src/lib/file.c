/* file.c: opening, replacing and closing the files latticectl writes, by
 * the rules in file.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latticectl/file.h"
#include "latticectl/util.h"
#include "banned.h"

#define CREATE_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

static int
wrap(struct lt_file *f, int fd, struct lt_error *err)
{
	if ((f->fp = fdopen(fd, "w")) != NULL)
		return 0;
	close(fd);
	return lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
	    f->path, strerror(errno));
}

/* A FIFO or character device: opened as it is, never created. */
static int
open_in_place(struct lt_file *f, struct lt_error *err)
{
	int fd = open(f->path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    f->path, strerror(errno));
	if (fstat(fd, &st) < 0 || !(S_ISFIFO(st.st_mode) ||
	    S_ISCHR(st.st_mode))) {
		close(fd);
		return lt_error_set(err, LT_E_RUNTIME, "'%s' changed while it "
		    "was opened", f->path);
	}
	return wrap(f, fd, err);
}

/* Create name, which must not exist: 0600 for a secret, else 0666 less
 * the umask; with old, its owner (when allowed) and mode. */
static int
create(const char *name, const struct stat *old, unsigned flags)
{
	int fd = open(name, CREATE_FLAGS, flags & LT_FILE_SECRET ? 0600 : 0666);

	if (fd < 0 || old == NULL)
		return fd;
	/* Before fchmod: a change of owner clears set-id bits. Another
	 * user's file replaced by a user who may not give it away becomes
	 * theirs: nothing better is possible. */
	if (fchown(fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
		goto fail;
	if (fchmod(fd, old->st_mode & 07777) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	unlink(name);
	return -1;
}

/* A temporary file beside path, moved into place by lt_file_close. */
static int
create_temp(struct lt_file *f, const struct stat *old, unsigned flags,
    struct lt_error *err)
{
	int fd = -1, i;

	for (i = 0; fd < 0 && i < 100; i++) {
		free(f->tmp);
		f->tmp = lt_xasprintf("%s.tmp.%ld.%d", f->path, (long)getpid(),
		    i);
		fd = create(f->tmp, old, flags);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		lt_error_set(err, LT_E_RUNTIME, "cannot create '%s': %s",
		    f->tmp, strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	f->replace = old != NULL;
	return wrap(f, fd, err);
}

static int
open_new(struct lt_file *f, unsigned flags, struct lt_error *err)
{
	int fd;

	if (!(flags & LT_FILE_STREAM))
		return create_temp(f, NULL, flags, err);
	if ((fd = create(f->path, NULL, flags)) < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot create '%s': %s",
		    f->path, errno == EEXIST ? "it appeared meanwhile" :
		    strerror(errno));
	return wrap(f, fd, err);
}

/* What lstat found at path decides. */
static int
open_existing(struct lt_file *f, const struct stat *st, unsigned flags,
    struct lt_error *err)
{
	if (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode))
		return open_in_place(f, err);
	if (S_ISLNK(st->st_mode))
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is a symbolic "
		    "link, which is never followed (name the file itself, or "
		    "- for stdout)", f->path);
	if (S_ISDIR(st->st_mode))
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is a directory",
		    f->path);
	if (!S_ISREG(st->st_mode))
		return lt_error_set(err, LT_E_RUNTIME, "'%s' is not a regular "
		    "file, FIFO or character device", f->path);
	if (flags & LT_FILE_FORCE)
		return create_temp(f, st, flags, err);
	if (flags & LT_FILE_STREAM)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' exists: a "
		    "recording never replaces a file (name a new one)",
		    f->path);
	return lt_error_set(err, LT_E_RUNTIME, "'%s' exists (--force "
	    "replaces it)", f->path);
}

int
lt_file_open(struct lt_file *f, const char *path, unsigned flags,
    struct lt_error *err)
{
	struct stat st;
	int rc;

	memset(f, 0, sizeof(*f));
	f->path = lt_xstrdup(path);
	if (!strcmp(path, "-")) {
		f->fp = stdout;
		f->is_stdout = true;
		return 0;
	}
	if (lstat(path, &st) == 0)
		rc = open_existing(f, &st, flags, err);
	else if (errno == ENOENT)
		rc = open_new(f, flags, err);
	else
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    path, strerror(errno));
	if (rc < 0)
		lt_file_abort(f);
	return rc;
}

/* Move the temporary file to path: over the file it replaces, else only
 * if path is still free (link fails when it exists; a file system without
 * hard links gets a rename). */
static int
commit(struct lt_file *f, struct lt_error *err)
{
	if (!f->replace && link(f->tmp, f->path) == 0)
		return 0;	/* lt_file_abort removes the temporary name */
	if (!f->replace && errno == EEXIST)
		return lt_error_set(err, LT_E_RUNTIME, "'%s' appeared while it "
		    "was written (--force replaces it)", f->path);
	if (rename(f->tmp, f->path) != 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot rename '%s' to "
		    "'%s': %s", f->tmp, f->path, strerror(errno));
	free(f->tmp);
	f->tmp = NULL;
	return 0;
}

/* Flush (and for a temporary file, sync) and close: false on an error,
 * with errno set. */
static bool
finish(struct lt_file *f)
{
	bool ok = fflush(f->fp) == 0 && !ferror(f->fp);

	if (ok && f->tmp && fsync(fileno(f->fp)) != 0)
		ok = false;
	if (f->is_stdout) {
		f->fp = NULL;
		return ok;
	}
	if (fclose(f->fp) != 0)
		ok = false;
	f->fp = NULL;
	return ok;
}

int
lt_file_close(struct lt_file *f, struct lt_error *err)
{
	int rc = 0, e = 0;

	if (f->fp && !finish(f)) {
		e = errno;
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write '%s': %s",
		    f->is_stdout ? "stdout" : f->path, strerror(e));
	} else if (f->tmp) {
		rc = commit(f, err);
		e = errno;
	}
	lt_file_abort(f);
	errno = e;
	return rc;
}

void
lt_file_abort(struct lt_file *f)
{
	if (f->fp && !f->is_stdout)
		fclose(f->fp);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof(*f));
}
