/* output.h: formats, colour decisions, tables and checked writes to
 * stdout (EPIPE is a quiet success: 'latticectl watch | head' exits 0). */
#ifndef LATTICECTL_OUTPUT_H
#define LATTICECTL_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

enum lt_format {
	LT_FMT_TEXT,
	LT_FMT_WIDE,
	LT_FMT_JSON,
	LT_FMT_NDJSON,
	LT_FMT_RAW,
};

/* Colour (docs/architecture.md, Output): "always", "never", or "auto" (fd
 * is a tty, TERM is not dumb, NO_COLOR unset or empty). */
bool lt_output_use_color(const char *when, int fd);

/* Result of a checked write or flush. */
enum lt_write {
	LT_WRITE_OK = 0,
	LT_WRITE_CLOSED = 1,	/* EPIPE: reader went away; stop quietly */
	LT_WRITE_FAILED = -1,	/* other I/O error; errno set */
};

enum lt_write lt_output_write(FILE *fp, const void *data, size_t len);
enum lt_write lt_output_flush(FILE *fp);
/* True when fp is a pipe or socket whose reading end has closed. */
bool lt_output_reader_gone(FILE *fp);

/* ANSI SGR sequences, empty strings when colour is off. */
struct lt_colors {
	const char *reset, *bold, *dim, *red, *green, *yellow, *blue, *magenta,
	    *cyan;
};
const struct lt_colors *lt_output_colors(bool on);

/* A simple aligned table: add rows of cells, then print with an upper-case
 * header and two spaces between columns (docs/architecture.md, Output). */
struct lt_table {
	int ncols;
	char **cells;		/* row-major, owned */
	int nrows, alloc;
};

void lt_table_init(struct lt_table *t, int ncols);
/* Add one row; takes ncols strings (copied, escaped by lt_buf_add_text:
 * a cell is one line, whatever the wire put in it); NULL prints as "-". */
void lt_table_add(struct lt_table *t, const char *const *row);
/* Replace the cell at row, col with text that is already escaped (built
 * with lt_buf_add_text) and may hold colours from lt_output_colors; the
 * colours take no width. */
void lt_table_set_escaped(struct lt_table *t, int row, int col,
    const char *text);
enum lt_write lt_table_print(const struct lt_table *t, FILE *fp);
void lt_table_release(struct lt_table *t);

#endif
