/* fuzz-manifest: wadm OAM manifest parsing (YAML or JSON). */
#include <cjson/cJSON.h>

#include "latticectl/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_manifest *m = NULL;
	struct lt_error err = LT_ERROR_INIT;

	if (lt_manifest_parse((const char *)data, size, "fuzz.yaml", &m,
	    &err) == 0) {
		cJSON_Delete(lt_manifest_to_json(m));
		lt_manifest_destroy(m);
	}
	return 0;
}
