/* test-file.c: file.h's rules in a temporary directory: new files and
 * their modes, refusals, --force keeping the mode, FIFOs in place,
 * symbolic links, and a file that appears while a new one is written. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latticectl/file.h"
#include "tap.h"

static char dir[] = "/tmp/lt-file-XXXXXX";

static const char *
at(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* Write text to name by the rules; 0 or -1, the error in err. */
static int
put(const char *name, const char *text, unsigned flags, struct lt_error *err)
{
	struct lt_file f;

	if (lt_file_open(&f, at(name), flags, err) < 0)
		return -1;
	fputs(text, f.fp);
	return lt_file_close(&f, err);
}

static const char *
slurp(const char *name)
{
	static char buf[256];
	FILE *fp = fopen(at(name), "r");
	size_t n = fp ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;

	buf[n] = '\0';
	if (fp)
		fclose(fp);
	return buf;
}

static int
mode_of(const char *name)
{
	struct stat st;

	return lstat(at(name), &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static void
test_regular(void)
{
	struct lt_error err = LT_ERROR_INIT;

	umask(022);
	is_int(put("a", "one\n", 0, &err), 0, "a new file");
	is_str(slurp("a"), "one\n", "... holds what was written");
	is_int(mode_of("a"), 0644, "... 0666 less the umask");
	is_int(put("a", "two\n", 0, &err), -1, "an existing file: refused");
	ok(strstr(err.msg, "exists (--force replaces it)") != NULL,
	    "... and says how to replace it: %s", err.msg);
	is_str(slurp("a"), "one\n", "... and left alone");
	is_int(put("a", "x\n", LT_FILE_STREAM, &err), -1,
	    "a recording over an existing file: refused");
	ok(strstr(err.msg, "a recording never replaces a file") != NULL,
	    "... and says so: %s", err.msg);
	chmod(at("a"), 0640);
	is_int(put("a", "three\n", LT_FILE_FORCE, &err), 0, "--force replaces");
	is_str(slurp("a"), "three\n", "... with the new content");
	is_int(mode_of("a"), 0640, "... keeping the mode");
	is_int(put("s", "k\n", LT_FILE_SECRET, &err), 0, "a secret file");
	is_int(mode_of("s"), 0600, "... is created 0600");
	is_int(put("r", "k\n", LT_FILE_SECRET | LT_FILE_STREAM, &err), 0,
	    "a secret recording");
	is_int(mode_of("r"), 0600, "... is created 0600");
}

static void
test_special(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_file f;
	char buf[16] = "";
	int rd;

	symlink("target", at("link"));
	is_int(put("link", "x", LT_FILE_FORCE, &err), -1, "a symlink: refused");
	ok(access(at("target"), F_OK) != 0, "... its target not created");
	is_int(put("link", "x", LT_FILE_STREAM, &err), -1,
	    "a symlink for a recording: refused");
	mkdir(at("d"), 0755);
	is_int(put("d", "x", LT_FILE_FORCE, &err), -1, "a directory: refused");
	mkfifo(at("fifo"), 0644);
	/* O_RDWR: a reader of our own, so opening for writing never blocks */
	rd = open(at("fifo"), O_RDWR | O_NONBLOCK);
	is_int(put("fifo", "via fifo", 0, &err), 0, "a FIFO is written");
	is_int(read(rd, buf, sizeof(buf) - 1), 8, "... in place");
	close(rd);
	is_int(lt_file_open(&f, "-", 0, &err), 0, "'-' ...");
	ok(f.fp == stdout && f.is_stdout, "... is stdout");
	lt_file_abort(&f);
	/* A file appears while a new one is being written. */
	is_int(lt_file_open(&f, at("late"), 0, &err), 0, "a new file ...");
	close(open(at("late"), O_WRONLY | O_CREAT, 0644));
	fputs("mine", f.fp);
	is_int(lt_file_close(&f, &err), -1, "... that appeared meanwhile");
	is_str(slurp("late"), "", "... is not replaced");
}

int
main(void)
{
	static const char *const names[] = {
		"a", "s", "r", "link", "d", "fifo", "late",
	};
	size_t i;

	if (mkdtemp(dir) == NULL)
		return 1;
	test_regular();
	test_special();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove(at(names[i]));
	is_int(rmdir(dir), 0, "no temporary file was left behind");
	done_testing();
}
