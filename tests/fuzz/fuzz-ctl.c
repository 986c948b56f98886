/* fuzz-ctl: control-interface reply envelopes and the Host and
 * HostInventory objects inside them. */
#include <cjson/cJSON.h>

#include "latticectl/ctl.h"
#include "latticectl/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
decode_response(const cJSON *resp)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_ctl_host host;
	struct lt_ctl_inventory inv;

	if (lt_ctl_host_from_json(&host, resp, &err) == 0) {
		cJSON_Delete(lt_ctl_host_to_json(&host));
		lt_ctl_host_release(&host);
	}
	if (lt_ctl_inventory_from_json(&inv, resp, &err) == 0) {
		cJSON *j = lt_ctl_inventory_to_json(&inv);

		/* (counts as written) */
		cJSON_free(lt_json_print_kept(j, false));
		cJSON_Delete(j);
		lt_ctl_inventory_release(&inv);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_ctl_reply r = LT_CTL_REPLY_INIT;
	struct lt_error err = LT_ERROR_INIT;

	if (lt_ctl_reply_parse(&r, (const char *)data, size, &err) == 0) {
		if (r.response)
			decode_response(r.response);
		lt_ctl_reply_release(&r);
	}
	return 0;
}
