/* output.c: colour decision, checked writes (EPIPE is quiet) and tables. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "latticectl/json.h"
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

/* errno may be stale when the error is sticky (another thread's write
 * failed first), so also ask the descriptor whether its reader left. */
static enum lt_write
classify(FILE *fp)
{
	return errno == EPIPE || lt_output_reader_gone(fp) ?
	    LT_WRITE_CLOSED : LT_WRITE_FAILED;
}

size_t
lt_output_width(int fd)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	char *end;
	long n;

	if (isatty(fd) != 1)
		return 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && *cols) {
		n = strtol(cols, &end, 10);
		if (*end == '\0' && n > 0 && n <= 10000)
			return (size_t)n;
	}
	return 80;
}

void
lt_lines_init(struct lt_lines *l, FILE *fp, size_t width)
{
	memset(l, 0, sizeof(*l));
	l->fp = fp;
	l->width = width;
	l->day = INT64_MIN;
}

enum lt_write
lt_lines_put(struct lt_lines *l, int64_t t_ns, struct lt_buf *line)
{
	int64_t day = t_ns ? lt_time_day(t_ns) : l->day;
	char date[48];
	enum lt_write w = LT_WRITE_OK;

	if (day != l->day) {
		lt_time_format_day(t_ns, date, sizeof(date));
		if (fprintf(l->fp, "# %s\n", date) < 0)
			return classify(l->fp);
		l->day = day;
	}
	if (l->width)
		lt_text_fit_values(line, 0, l->width);
	lt_buf_addch(line, '\n');
	w = lt_output_write(l->fp, line->buf, line->len);
	line->len--;
	line->buf[line->len] = '\0';
	return w;
}

bool
lt_output_reader_gone(FILE *fp)
{
	struct pollfd p = { .fd = fileno(fp), .events = 0, .revents = 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
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

void
lt_table_fit(struct lt_table *t, size_t width, bool headers)
{
	t->width = width;
	t->no_headers = !headers;
}

/* A cell's width in columns (lt_text_width: colours take none). */
static size_t
cell_width(const char *s)
{
	return lt_text_width(s, strlen(s));
}

/* Narrow the widest columns, one column at a time, until the row fits
 * width (two blanks between columns); a column keeps at least min
 * columns (or its whole width when that is less). */
static void
narrow(size_t *w, int ncols, size_t width)
{
	const size_t min = 6;
	size_t total = 2 * (size_t)(ncols - 1);
	int c, widest;

	for (c = 0; c < ncols; c++)
		total += w[c];
	while (total > width) {
		widest = 0;
		for (c = 1; c < ncols; c++)
			if (w[c] > w[widest])
				widest = c;
		if (w[widest] <= min)
			return;
		w[widest]--;
		total--;
	}
}

static void
add_cell(struct lt_buf *line, const char *cell, size_t w, bool last)
{
	size_t at = line->len, n;

	lt_buf_adds(line, cell);
	lt_text_fit(line, at, w);
	n = lt_text_width(line->buf + at, line->len - at);
	if (last)
		return;
	for (; n < w + 2; n++)
		lt_buf_addch(line, ' ');
}

enum lt_write
lt_table_print(const struct lt_table *t, FILE *fp)
{
	size_t *w = lt_xcalloc((size_t)t->ncols, sizeof(size_t));
	struct lt_buf line = LT_BUF_INIT;
	enum lt_write res = LT_WRITE_OK;
	int r, c;

	for (r = t->no_headers; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t n = cell_width(t->cells[r * t->ncols + c]);

			if (n > w[c])
				w[c] = n;
		}
	if (t->width)
		narrow(w, t->ncols, t->width);
	for (r = t->no_headers; r < t->nrows && res == LT_WRITE_OK; r++) {
		lt_buf_reset(&line);
		for (c = 0; c < t->ncols; c++)
			add_cell(&line, t->cells[r * t->ncols + c], w[c],
			    c == t->ncols - 1);
		if (t->width)	/* minimum widths may not fit */
			lt_text_fit(&line, 0, t->width);
		lt_buf_addch(&line, '\n');
		res = lt_output_write(fp, line.buf, line.len);
	}
	lt_buf_release(&line);
	free(w);
	return res == LT_WRITE_OK ? lt_output_flush(fp) : res;
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

/* o as one line, its schema first. */
static enum lt_write
write_json_line(FILE *fp, cJSON *o, const char *schema)
{
	struct lt_buf text = LT_BUF_INIT;
	enum lt_write w;

	lt_json_add_schema(o, schema);
	lt_json_print(o, false, &text);
	lt_buf_addch(&text, '\n');
	w = lt_output_write(fp, text.buf, text.len);
	lt_buf_release(&text);
	return w;
}

int
lt_output_json_doc(FILE *fp, enum lt_format f, cJSON *doc, const char *array,
    const struct lt_output_schemas *sc)
{
	cJSON *it;
	enum lt_write w = LT_WRITE_OK;

	if (f == LT_FMT_JSON || array == NULL) {
		w = write_json_line(fp, doc, sc->doc);
	} else {
		cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, array))
			if (w == LT_WRITE_OK)
				w = write_json_line(fp, it, sc->item);
		cJSON_DeleteItemFromObject(doc, array);
		if (w == LT_WRITE_OK)
			w = write_json_line(fp, doc, sc->summary);
	}
	cJSON_Delete(doc);
	return w == LT_WRITE_FAILED ? -1 : 0;
}
