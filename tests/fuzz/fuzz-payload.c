/* fuzz-payload: the one-pass payload copy that 'watch -o ndjson' uses
 * (lt_rec_add_payload_redacted) must write exactly what the long way
 * writes (lt_redact_payload, then lt_rec_add_payload), in every mode and
 * on every subject kind; and what it writes must be JSON. The first byte
 * picks the mode and the subject. JSON keeps its numbers as written:
 * printed and read back it is the same document (lt_json_cmp), and the
 * same text printed again. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/rec.h"
#include "latticectl/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const subjects[] = {
	"wasmbus.evt.default.component_scaled",
	"wasmbus.ctl.v1.default.config.put.SECRET_db",
	"wasmbus.ctl.v1.default.registry.put",
	"wasmbus.ctl.v1.default.config.put.app",
	"wasmcloud.secrets.v1alpha1.vault.get",
};

static void
numbers_as_written(const char *p, size_t len)
{
	cJSON *j = lt_json_parse(p, len), *k;
	char *a, *b;

	if (j == NULL)
		return;
	a = lt_json_print_kept(j, false);
	if (a == NULL || (k = lt_json_parse(a, strlen(a))) == NULL)
		abort();
	b = lt_json_print_kept(k, false);
	if (lt_json_cmp(j, k) != 0 || lt_json_cmp(k, j) != 0 || b == NULL ||
	    strcmp(a, b))
		abort();
	cJSON_free(a);
	cJSON_free(b);
	cJSON_Delete(j);
	cJSON_Delete(k);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_buf fast = LT_BUF_INIT, slow = LT_BUF_INIT;
	const char *subject, *p = (const char *)data + 1;
	enum lt_redact_mode m;
	size_t n = 0, len;
	cJSON *j;
	char *red;

	if (size < 1)
		return 0;
	m = (enum lt_redact_mode)(data[0] % 3);
	subject = subjects[(data[0] / 3) % (sizeof(subjects) /
	    sizeof(subjects[0]))];
	len = size - 1;
	lt_buf_addch(&fast, '{');
	lt_rec_add_payload_redacted(&fast, "event", subject, p, len, m);
	lt_buf_addch(&fast, '}');
	lt_buf_addch(&slow, '{');
	red = lt_redact_payload(subject, p, len, m, &n);
	lt_rec_add_payload(&slow, "event", red ? red : p, red ? n : len);
	lt_buf_addch(&slow, '}');
	free(red);
	if (fast.len != slow.len || memcmp(fast.buf, slow.buf, fast.len))
		abort();
	j = cJSON_ParseWithLength(fast.buf, fast.len);
	if (j == NULL)
		abort();
	cJSON_Delete(j);
	lt_buf_release(&fast);
	lt_buf_release(&slow);
	numbers_as_written(p, len);
	return 0;
}
