/* output.c: colour decision, checked writes (EPIPE is quiet) and tables. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "latticectl/output.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

bool
lt_output_use_color(const char *when, int fd)
{
	const char *term = getenv("TERM"), *no = getenv("NO_COLOR");

	if (when && !strcmp(when, "always"))
		return true;
	if (when && !strcmp(when, "never"))
		return false;
	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd) == 1;
}

bool
lt_output_reader_gone(FILE *fp)
{
	struct pollfd p = { .fd = fileno(fp), .events = 0, .revents = 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/* errno may be stale when the error is sticky (another thread's write
 * failed first), so also ask the descriptor whether its reader left. */
static enum lt_write
classify(FILE *fp)
{
	return errno == EPIPE || lt_output_reader_gone(fp) ?
	    LT_WRITE_CLOSED : LT_WRITE_FAILED;
}

enum lt_write
lt_output_write(FILE *fp, const void *data, size_t len)
{
	if (len > 0 && fwrite(data, 1, len, fp) != len)
		return classify(fp);
	return LT_WRITE_OK;
}

enum lt_write
lt_output_flush(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp))
		return classify(fp);
	return LT_WRITE_OK;
}

const struct lt_colors *
lt_output_colors(bool on)
{
	static const struct lt_colors off = { "", "", "", "", "", "", "", "", "" };
	static const struct lt_colors ansi = {
		"\033[0m", "\033[1m", "\033[2m", "\033[31m", "\033[32m",
		"\033[33m", "\033[34m", "\033[35m", "\033[36m",
	};

	return on ? &ansi : &off;
}

void
lt_table_init(struct lt_table *t, int ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void
lt_table_add(struct lt_table *t, const char *const *row)
{
	int c;

	if (t->nrows == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->cells = lt_xrealloc(t->cells, sizeof(char *) *
		    (size_t)(t->alloc * t->ncols));
	}
	for (c = 0; c < t->ncols; c++) {
		struct lt_buf cell = LT_BUF_INIT;

		lt_buf_add_texts(&cell, row[c] ? row[c] : "-");
		t->cells[t->nrows * t->ncols + c] = lt_buf_detach(&cell);
	}
	t->nrows++;
}

void
lt_table_set_escaped(struct lt_table *t, int row, int col, const char *text)
{
	char **cell = &t->cells[row * t->ncols + col];

	free(*cell);
	*cell = lt_xstrdup(text);
}

/* A cell's width: its bytes but for the SGR sequences (ESC [ ... m) a
 * caller coloured it with; escaped text holds no ESC of its own. */
static size_t
cell_width(const char *s)
{
	size_t n = 0;

	while (*s) {
		if (*s == '\033') {
			while (*s && *s != 'm')
				s++;
			s += *s == 'm';
			continue;
		}
		n++;
		s++;
	}
	return n;
}

enum lt_write
lt_table_print(const struct lt_table *t, FILE *fp)
{
	size_t *w = lt_xcalloc((size_t)t->ncols, sizeof(size_t));
	int r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t n = cell_width(t->cells[r * t->ncols + c]);

			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];

			if (c == t->ncols - 1)
				fprintf(fp, "%s\n", cell);
			else
				fprintf(fp, "%s%*s  ", cell,
				    (int)(w[c] - cell_width(cell)), "");
		}
	}
	free(w);
	return lt_output_flush(fp);
}

void
lt_table_release(struct lt_table *t)
{
	int i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
