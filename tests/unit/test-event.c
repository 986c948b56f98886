/* test-event.c: decoding every example event, bad payloads, and the text
 * line of the #4704 events. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/event.h"
#include "latticectl/util.h"
#include "tap.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = lt_xmalloc(1 << 20);

	*len = f ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	buf[*len] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void
test_fixtures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL) {
		ok(0, "fixtures directory '%s' readable", dir);
		return;
	}
	while ((e = readdir(d))) {
		char *path, *data, want[256], subject[300];
		struct lt_event ev;
		size_t len;

		if (!strstr(e->d_name, ".json"))
			continue;
		path = lt_xasprintf("%s/%s", dir, e->d_name);
		data = slurp(path, &len);
		snprintf(want, sizeof(want), "%s", e->d_name);
		*strchr(want, '.') = '\0';
		if (!strncmp(want, "wadm", 4))	/* wadm.manifest_published */
			snprintf(want, sizeof(want), "%s", e->d_name + 5),
			*strchr(want, '.') = '\0';
		snprintf(subject, sizeof(subject), "wasmbus.evt.default.%s", want);
		lt_event_decode(&ev, subject, data, len);
		ok(ev.status == LT_EV_OK && !strcmp(ev.type, want) &&
		    ev.data != NULL && ev.time_ns > 0 &&
		    !strcmp(ev.lattice, "default"),
		    "%s decodes as %s", e->d_name, want);
		lt_event_release(&ev);
		free(data);
		free(path);
		n++;
	}
	closedir(d);
	ok(n >= 20, "found %d example events", n);
}

static void
test_bad_payloads(void)
{
	struct lt_event ev;

	lt_event_decode(&ev, "wasmbus.evt.default.x", "{not json", 9);
	is_int(ev.status, LT_EV_NOT_JSON, "not json");
	is_str(ev.type, "x", "type from subject");
	lt_event_release(&ev);
	lt_event_decode(&ev, "wasmbus.evt.default.x", "{\"a\":1}", 7);
	is_int(ev.status, LT_EV_NOT_CLOUDEVENT, "json but not a CloudEvent");
	lt_event_release(&ev);
	lt_event_decode(&ev, "wasmbus.evt.default.x", "\xff\xfe\x00", 3);
	is_int(ev.status, LT_EV_BINARY, "binary");
	lt_event_release(&ev);
	lt_event_decode(&ev, "wasmbus.evt.default.x", "", 0);
	is_int(ev.status, LT_EV_EMPTY, "empty");
	lt_event_release(&ev);
}

static void
test_text(const char *dir)
{
	char *path = lt_xasprintf("%s/component_scaled.json", dir), *data;
	struct lt_buf b = LT_BUF_INIT;
	struct lt_event ev;
	size_t len;

	data = slurp(path, &len);
	lt_event_decode(&ev, "wasmbus.evt.default.component_scaled", data, len);
	lt_event_format_text(&ev, 0, false, lt_output_colors(false), &b);
	is_str(lt_buf_str(&b), "09:49:31.380  component_scaled          NCTZ3B57"
	    " component=rust_hello_world-http_component"
	    " image=localhost:5000/test/http-hello-world:0.0.1 max=1",
	    "component_scaled text line");
	ok(lt_event_severity(&ev) == 0, "scale up is info");
	lt_buf_reset(&b);
	lt_event_format_text(&ev, 0, true, lt_output_colors(false), &b);
	ok(strstr(b.buf, "app=rust-hello-world") != NULL, "wide shows the app");
	lt_event_release(&ev);
	lt_buf_release(&b);
	free(data);
	free(path);
}

int
main(void)
{
	char dir[1024];

	fixture_path(dir, sizeof(dir), "events");

	test_fixtures(dir);
	test_bad_payloads();
	test_text(dir);
	done_testing();
}
