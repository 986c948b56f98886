/* fuzz-event: CloudEvent decoding and text rendering on arbitrary
 * payloads (anything that arrives on an event subject); the line without
 * colour holds nothing a terminal would obey. */
#include <stddef.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/event.h"
#include "latticectl/output.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_event ev;
	struct lt_buf out = LT_BUF_INIT;

	lt_event_decode(&ev, "wasmbus.evt.default.component_scaled",
	    (const char *)data, size);
	lt_event_format_text(&ev, 1, false, lt_output_colors(false), &out);
	fuzz_check_text(out.buf, out.len, false);	/* one safe line */
	lt_event_format_text(&ev, 1, true, lt_output_colors(true), &out);
	(void)lt_event_severity(&ev);
	(void)lt_event_host(&ev);
	lt_event_release(&ev);
	lt_buf_release(&out);
	return 0;
}
