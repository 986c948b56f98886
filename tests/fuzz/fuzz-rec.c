/* fuzz-rec: reading a recording file (latticectl(5)) record by record,
 * including bad and truncated lines; each record's timeline line and the
 * markdown report hold nothing a terminal would obey. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "latticectl/output.h"
#include "latticectl/rec.h"
#include "latticectl/report.h"
#include "latticectl/timeline.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_tmp(void)
{
	unlink(path);
}

/* The timeline that does not fit goes nowhere. */
static FILE *
open_timeline(void *ctx, const char **name, struct lt_error *err)
{
	FILE **fp = ctx;

	(void)err;
	*name = "fuzz.timeline.txt";
	if (!(*fp = fopen("/dev/null", "w")))
		abort();
	return *fp;
}

static void
check_rendering(const cJSON *recs)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_report_array it;
	struct lt_report_src src;
	FILE *tl = NULL;
	struct lt_report_out out = { NULL, open_timeline, &tl };
	struct lt_error err = LT_ERROR_INIT;
	const cJSON *rec;
	char *text = NULL;
	size_t len = 0;

	cJSON_ArrayForEach(rec, recs) {
		lt_buf_reset(&b);
		lt_timeline_line(rec, lt_output_colors(false), &b);
		fuzz_check_text(b.buf, b.len, false);
	}
	lt_buf_release(&b);
	lt_report_src_array(&src, &it, recs);
	if (!(out.fp = open_memstream(&text, &len)))
		abort();
	if (lt_report_markdown(&src, "fuzz", &out, &err) < 0)
		abort();
	fclose(out.fp);
	if (tl)
		fclose(tl);
	if (len > LT_REPORT_MD_MAX)
		abort();
	fuzz_check_text(text, len, true);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_rec_reader *rd;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *rec, *recs;
	FILE *fp;
	int rc;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof path, "/tmp/fuzz-rec.XXXXXX");
		if ((fd = mkstemp(path)) < 0)
			abort();
		close(fd);
		atexit(remove_tmp);
	}
	if (!(fp = fopen(path, "wb")))
		abort();
	if (fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	if (lt_rec_reader_open(&rd, path, &err) != 0)
		return 0;
	recs = cJSON_CreateArray();
	while ((rc = lt_rec_reader_next(rd, &rec, &err)) != 0)
		if (rc > 0)
			cJSON_AddItemToArray(recs, rec);
	check_rendering(recs);
	cJSON_Delete(recs);
	(void)lt_rec_reader_truncated(rd);
	(void)lt_rec_reader_complete(rd);
	lt_rec_reader_close(rd);
	return 0;
}
