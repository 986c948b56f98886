/* test-config.c: precedence flag > env > context > default, natscli
 * context files, and what config show never prints. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "latticectl/config.h"
#include "latticectl/util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/lt-config-XXXXXX";

static void
write_file(const char *rel, const char *text)
{
	char *path = lt_xasprintf("%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	free(path);
}

static int
load(struct lt_config *cfg, int argc, char **argv, struct lt_error *err)
{
	struct lt_args args = LT_ARGS_INIT;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	rc = lt_args_parse(&args, NULL, lt_global_opts, argc, argv, err);
	if (rc == 0)
		rc = lt_config_load(cfg, &args, err);
	lt_args_release(&args);
	return rc;
}

static void
test_precedence(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_config cfg;
	char *flag[] = { "-s", "nats://flag:1", NULL };

	ok(load(&cfg, 0, flag, &err) == 0, "defaults load");
	is_str(lt_config_get(&cfg, LT_S_SERVER), "nats://ctx:4222",
	    "context beats default");
	is_int(cfg.src[LT_S_SERVER], LT_SRC_CONTEXT, "source is context");
	is_str(lt_config_get(&cfg, LT_S_LATTICE), "default", "default lattice");
	lt_config_release(&cfg);

	setenv("NATS_URL", "nats://env:1", 1);
	setenv("WASMCLOUD_LATTICE", "prod", 1);
	ok(load(&cfg, 0, flag, &err) == 0, "env loads");
	is_str(lt_config_get(&cfg, LT_S_SERVER), "nats://env:1", "env beats context");
	is_str(lt_config_get(&cfg, LT_S_LATTICE), "prod", "WASMCLOUD_LATTICE");
	lt_config_release(&cfg);

	ok(load(&cfg, 2, flag, &err) == 0, "flag loads");
	is_str(lt_config_get(&cfg, LT_S_SERVER), "nats://flag:1", "flag beats env");
	is_int(cfg.src[LT_S_SERVER], LT_SRC_FLAG, "source is flag");
	lt_config_release(&cfg);
	unsetenv("NATS_URL");
	unsetenv("WASMCLOUD_LATTICE");

	setenv("WASMCLOUD_CTL_HOST", "10.0.0.9", 1);
	ok(load(&cfg, 0, flag, &err) == 0, "wash env loads");
	is_str(lt_config_get(&cfg, LT_S_SERVER), "nats://10.0.0.9:4222",
	    "WASMCLOUD_CTL_HOST makes a URL");
	lt_config_release(&cfg);
	unsetenv("WASMCLOUD_CTL_HOST");
}

static void
test_contexts(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_config cfg;
	char *noctx[] = { "--no-context", NULL };
	char *named[] = { "--context", "other", NULL };
	char *missing[] = { "--context", "nope", NULL };
	char *badname[] = { "--context", "../x", NULL };
	FILE *out = tmpfile();
	char text[4096] = "";

	ok(load(&cfg, 1, noctx, &err) == 0, "--no-context loads");
	is_str(lt_config_get(&cfg, LT_S_SERVER), "nats://127.0.0.1:4222",
	    "--no-context ignores the selected context");
	ok(lt_config_get(&cfg, LT_S_CONTEXT) == NULL &&
	    cfg.src[LT_S_CONTEXT] == LT_SRC_FLAG &&
	    !strcmp(cfg.src_detail[LT_S_CONTEXT], "--no-context"),
	    "--no-context: no context in use, and the flag says why");
	lt_config_release(&cfg);

	ok(load(&cfg, 2, named, &err) == 0, "--context other");
	is_str(lt_config_get(&cfg, LT_S_USER), "bob", "user from context");
	is_str(lt_config_get(&cfg, LT_S_CREDS), "/x/bob.creds",
	    "file:// stripped from creds");
	lt_config_show(&cfg, out, true, 0);
	rewind(out);
	text[fread(text, 1, sizeof(text) - 1, out)] = '\0';
	ok(strstr(text, "s3cret") == NULL && strstr(text, "(set)") != NULL,
	    "config show never prints the password");
	ok(strstr(text, "other.json") != NULL, "config show names the file");
	lt_config_release(&cfg);
	fclose(out);

	ok(load(&cfg, 2, missing, &err) < 0 && err.code == LT_E_USAGE &&
	    strstr(err.msg, "'nope'"), "missing context is an error: %s",
	    err.msg);
	lt_config_release(&cfg);
	ok(load(&cfg, 2, badname, &err) < 0, "context name with '/' refused");
	lt_config_release(&cfg);
}

static char *
shown_text(const struct lt_config *cfg, bool sources)
{
	FILE *out = tmpfile();
	char text[4096];

	lt_config_show(cfg, out, sources, 0);
	rewind(out);
	text[fread(text, 1, sizeof(text) - 1, out)] = '\0';
	fclose(out);
	return lt_xstrdup(text);
}

/* URL user information ("user:password@", "token@") never shows, in
 * text or JSON, with or without a scheme. */
static void
test_show_strips_url_userinfo(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_config cfg;
	char *flag[] = { "--no-context", "-s",
	    "nats://u:pw999@127.0.0.1:4222,tok3n@h2:2", NULL };
	char *text, *json;
	cJSON *j;

	ok(load(&cfg, 3, flag, &err) == 0, "server with credentials loads");
	is_str(lt_config_get(&cfg, LT_S_SERVER),
	    "nats://u:pw999@127.0.0.1:4222,tok3n@h2:2", "connects with them");
	text = shown_text(&cfg, false);
	ok(strstr(text, "pw999") == NULL && strstr(text, "tok3n") == NULL &&
	    strstr(text, "u:") == NULL, "config show: no URL credentials");
	ok(strstr(text, "nats://127.0.0.1:4222,h2:2") != NULL,
	    "config show: the URLs without them");
	free(text);
	text = shown_text(&cfg, true);
	ok(strstr(text, "pw999") == NULL && strstr(text, "tok3n") == NULL,
	    "config show --sources: no URL credentials");
	free(text);
	j = lt_config_to_json(&cfg);
	json = cJSON_PrintUnformatted(j);
	ok(strstr(json, "pw999") == NULL && strstr(json, "tok3n") == NULL &&
	    strstr(json, "\"nats://127.0.0.1:4222,h2:2\"") != NULL,
	    "config -o json: no URL credentials");
	cJSON_free(json);
	cJSON_Delete(j);
	lt_config_release(&cfg);
}

static void
test_bad_values(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_config cfg;
	char *bad_timeout[] = { "--timeout", "soon", NULL };
	char *bad_output[] = { "-o", "yaml", NULL };

	ok(load(&cfg, 2, bad_timeout, &err) < 0 && strstr(err.msg, "'soon'"),
	    "bad timeout named");
	lt_config_release(&cfg);
	ok(load(&cfg, 2, bad_output, &err) < 0 && strstr(err.msg, "'yaml'"),
	    "bad output named");
	lt_config_release(&cfg);
}

int
main(void)
{
	char *natsdir, *ctxdir;

	if (mkdtemp(tmpdir) == NULL)
		skip_all("no temporary directory");
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	unsetenv("NATS_URL");
	unsetenv("NATS_CONTEXT");
	natsdir = lt_xasprintf("%s/nats", tmpdir);
	ctxdir = lt_xasprintf("%s/nats/context", tmpdir);
	mkdir(natsdir, 0700);
	mkdir(ctxdir, 0700);
	free(natsdir);
	free(ctxdir);
	write_file("nats/context.txt", "main\n");
	write_file("nats/context/main.json", "{\"url\":\"nats://ctx:4222\"}");
	write_file("nats/context/other.json", "{\"url\":\"nats://o:1\","
	    "\"user\":\"bob\",\"password\":\"s3cret\","
	    "\"creds\":\"file:///x/bob.creds\"}");
	test_precedence();
	test_contexts();
	test_show_strips_url_userinfo();
	test_bad_values();
	done_testing();
}
