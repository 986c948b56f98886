/* fuzz-manifest: wadm OAM manifest parsing (YAML or JSON), and what
 * deploying it in place of a fixed manifest changes (and back). */
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/manifest.h"

static const char base[] = "apiVersion: core.oam.dev/v1beta1\n"
    "kind: Application\nmetadata: {name: a}\nspec:\n  components:\n"
    "    - {name: c, type: component, properties: {image: r/c:1, config: "
    "[{name: x, properties: {k: v}}]}, traits: [{type: spreadscaler, "
    "properties: {instances: 1}}, {type: link, properties: {target: {name: "
    "c}, namespace: n, package: p, interfaces: [i]}}]}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_manifest *m = NULL;
	struct lt_error err = LT_ERROR_INIT;

	if (lt_manifest_parse((const char *)data, size, "fuzz.yaml", &m,
	    &err) == 0) {
		struct lt_manifest *b = NULL;
		struct lt_buf out = LT_BUF_INIT;

		cJSON_Delete(lt_manifest_to_json(m));
		if (lt_manifest_parse(base, strlen(base), "base.yaml", &b,
		    &err) == 0) {
			lt_manifest_diff(m, b, "  ", &out);
			lt_manifest_diff(b, m, "", &out);
			lt_manifest_diff(m, m, "", &out);
		}
		lt_manifest_set_version(m, "v-fuzz");
		lt_manifest_destroy(b);
		lt_manifest_destroy(m);
		lt_buf_release(&out);
	}
	return 0;
}
