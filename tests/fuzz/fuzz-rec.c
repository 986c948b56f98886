/* fuzz-rec: reading a recording file (latticectl(5)) record by record,
 * including bad and truncated lines. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "latticectl/rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
remove_tmp(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_rec_reader *rd;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *rec;
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
	while ((rc = lt_rec_reader_next(rd, &rec, &err)) != 0)
		if (rc > 0)
			cJSON_Delete(rec);
	(void)lt_rec_reader_truncated(rd);
	(void)lt_rec_reader_complete(rd);
	lt_rec_reader_close(rd);
	return 0;
}
