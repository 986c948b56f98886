/* fuzz-wadm: wadm API reply decoding. The first byte picks the operation,
 * the rest is the reply body. */
#include <cjson/cJSON.h>

#include "latticectl/wadm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_error err = LT_ERROR_INIT;
	cJSON *reply = NULL;
	enum lt_wadm_op op;

	if (size == 0)
		return 0;
	op = (enum lt_wadm_op)(data[0] % (LT_WADM_GET + 1));
	(void)lt_wadm_decode(op, (const char *)data + 1, size - 1, &reply,
	    &err);
	(void)lt_wadm_status_type(reply);
	cJSON_Delete(reply);
	return 0;
}
