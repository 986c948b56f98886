/* output.h: formats, colour decisions, tables and checked writes to
 * stdout (EPIPE is a quiet success: 'latticectl watch | head' exits 0). */
#ifndef LATTICECTL_OUTPUT_H
#define LATTICECTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/buf.h"

struct cJSON;

enum lt_format {
	LT_FMT_TEXT,
	LT_FMT_WIDE,
	LT_FMT_JSON,
	LT_FMT_NDJSON,
	LT_FMT_RAW,
	LT_FMT_MARKDOWN,	/* report only */
	LT_FMT_HTML,		/* report only */
};

/* Colour (docs/architecture.md, Output): "always", "never", or "auto" (fd
 * is a tty, TERM is not dumb, NO_COLOR unset or empty). */
bool lt_output_use_color(const char *when, int fd);

/* The columns text output on fd is cut to (docs/architecture.md,
 * Output): 0 (no cutting) when fd is not a terminal; else the terminal's
 * width, else $COLUMNS, else 80. */
size_t lt_output_width(int fd);

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
	size_t width;		/* lt_table_fit */
	bool no_headers;
};

void lt_table_init(struct lt_table *t, int ncols);
/* Print within width columns (0: no limit) by narrowing the widest
 * columns and cutting their cells with "…" (lt_text_fit); without the
 * first row (the header) unless headers. */
void lt_table_fit(struct lt_table *t, size_t width, bool headers);
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

/* Text lines of a stream (watch, sub, kv watch, show): each cut to width
 * (0: not cut) and, before the first line and whenever the day of a
 * line's time changes, a date line "# 2026-11-24 UTC" (lt_time_day, in
 * text output's zone). */
struct lt_lines {
	FILE *fp;
	size_t width;
	int64_t day;
};

void lt_lines_init(struct lt_lines *l, FILE *fp, size_t width);
/* Write line (no newline in it; cut in place) and a newline; t_ns is the
 * time the line shows, 0 when it shows none. */
enum lt_write lt_lines_put(struct lt_lines *l, int64_t t_ns,
    struct lt_buf *line);

/* The schema names of a command's JSON output: the -o json document, and
 * under -o ndjson a line per element of its array, then a summary line
 * with the rest of the document. */
struct lt_output_schemas {
	const char *doc, *item, *summary;
};

/* Print doc (taken) to fp as one -o json line, or under any other format
 * as ndjson (struct lt_output_schemas; array NULL: the document on one
 * line under ndjson too), each object with its schema member. -1 on a
 * write error; a closed pipe is a quiet 0. */
int lt_output_json_doc(FILE *fp, enum lt_format f, struct cJSON *doc,
    const char *array, const struct lt_output_schemas *sc);

#endif
