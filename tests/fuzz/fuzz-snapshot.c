/* fuzz-snapshot: reading a KV snapshot file (latticectl(5)), both the
 * fast line path and the cJSON path, then diffing what was read against
 * an empty snapshot and itself and rendering the results. */
#include <stdio.h>
#include <stdlib.h>

#include "latticectl/diff.h"
#include "latticectl/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
render(const struct lt_snapshot *a, const struct lt_snapshot *b)
{
	struct lt_diff d = LT_DIFF_INIT;
	struct lt_buf out = LT_BUF_INIT;

	lt_diff_snapshots(a, b, &d);
	lt_diff_format_text(&d, lt_output_colors(true), &out);
	lt_diff_format_json(&d, a, b, &out);
	lt_diff_render(b, &out);
	lt_diff_release(&d);
	lt_buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_snapshot s = LT_SNAPSHOT_INIT, empty = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	static FILE *devnull;
	FILE *fp;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size == 0)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (fp == NULL)
		abort();
	if (lt_snapshot_read_fp(&s, fp, "fuzz", &err) == 0) {
		render(&empty, &s);
		render(&s, &empty);
		render(&s, &s);
		if (lt_snapshot_write(&s, devnull, &err) != 0)
			abort();
	}
	fclose(fp);
	lt_snapshot_release(&s);
	return 0;
}
