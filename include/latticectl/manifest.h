/* manifest.h: wadm OAM application manifests (YAML or JSON; JSON is read as
 * YAML) parsed with libyaml into what wadm would deploy: components, their
 * images and ids, the configs and secrets they reference under the names
 * wadm stores them in CONFIGDATA, scaler traits and links.
 *
 * Ownership: lt_manifest_parse()/lt_manifest_read() return one struct
 * lt_manifest that owns everything reachable from it (every string, array
 * and the cJSON document); lt_manifest_destroy() frees it all. Nothing in
 * it is shared with the input buffer. Pointers into it are borrowed until
 * the manifest is destroyed. Nothing here prints.
 *
 * Naming rules (wadm crates/wadm/src/scaler/convert.rs): a config entry
 * with 'properties' is wadm-managed and stored as '{manifest}-{config}',
 * each part lower-cased with every non-alphanumeric byte turned into '_';
 * an entry without properties is referenced verbatim. Component ids are
 * '{manifest}-{component}' by the same rule unless 'id:' is given. Secrets
 * are stored as 'SECRET_{manifest}-{secret}' (same rule). */
#ifndef LATTICECTL_MANIFEST_H
#define LATTICECTL_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/error.h"

struct cJSON;

/* A string map entry (config properties, spread requirements). */
struct lt_manifest_kv {
	char *key;
	char *value;
};

struct lt_manifest_config {
	char *name;		/* as written in the manifest */
	char *stored_name;	/* the CONFIGDATA key wadm uses */
	bool managed;		/* has properties: wadm puts and deletes it */
	struct lt_manifest_kv *props;	/* NULL when !managed */
	size_t nprops;
};

struct lt_manifest_secret {
	char *name;
	char *stored_name;	/* SECRET_{manifest}-{name}, sanitised */
	char *policy;		/* properties.policy */
	char *key;		/* properties.key */
	char *field;		/* NULL when absent */
	char *version;		/* NULL when absent */
};

enum lt_manifest_type {
	LT_MANIFEST_COMPONENT,	/* 'component' (or the old alias 'actor') */
	LT_MANIFEST_CAPABILITY,	/* a provider */
};

enum lt_manifest_scaler_kind {
	LT_MANIFEST_SCALER_NONE,	/* no scaler trait */
	LT_MANIFEST_SCALER_SPREAD,
	LT_MANIFEST_SCALER_DAEMON,
};

struct lt_manifest_spread {
	char *name;
	uint64_t weight;	/* 0 when absent */
	bool has_weight;
	struct lt_manifest_kv *requirements;
	size_t nrequirements;
};

struct lt_manifest_scaler {
	enum lt_manifest_scaler_kind kind;
	uint64_t instances;	/* 'instances' or its alias 'replicas' */
	struct lt_manifest_spread *spreads;
	size_t nspreads;
};

struct lt_manifest_configs {
	struct lt_manifest_config *v;
	size_t n;
};

struct lt_manifest_secrets {
	struct lt_manifest_secret *v;
	size_t n;
};

/* A link trait; the source is the component that carries it. */
struct lt_manifest_link {
	char *namespace;
	char *package;
	char **interfaces;
	size_t ninterfaces;
	char *name;		/* "default" when absent */
	char *target_name;	/* target.name as written */
	char *target_id;	/* the id of that component */
	struct lt_manifest_configs source_config;
	struct lt_manifest_configs target_config;
	struct lt_manifest_secrets source_secrets;
	struct lt_manifest_secrets target_secrets;
	size_t line;		/* 1-based line of the trait */
};

struct lt_manifest_component {
	char *name;
	enum lt_manifest_type type;
	char *image;		/* NULL for 'application' references */
	char *id;		/* explicit 'id:' or the wadm-derived one */
	bool explicit_id;
	struct lt_manifest_configs config;
	struct lt_manifest_secrets secrets;
	struct lt_manifest_scaler scaler;
	struct lt_manifest_link *links;
	size_t nlinks;
	bool is_http;		/* target of a wasi:http incoming-handler link */
	size_t line;		/* 1-based line of the component entry */
};

struct lt_manifest {
	char *path;		/* the name used in error messages */
	char *name;		/* metadata.name */
	char *version;		/* metadata.annotations.version, or NULL */
	char *description;	/* metadata.annotations.description, or NULL */
	struct lt_manifest_component *components;
	size_t ncomponents;
	struct cJSON *doc;	/* the whole document as JSON (owned) */
};

/* Parse len bytes of YAML or JSON. path only names the input in errors
 * ("'v2.yaml' line 7: ..."). On success *out is a new manifest the caller
 * destroys. On failure returns -1 with err set (LT_E_RUNTIME) and *out
 * NULL. Any byte sequence is safe to pass (aliases, deep nesting and
 * binary input fail cleanly). */
int lt_manifest_parse(const char *data, size_t len, const char *path,
    struct lt_manifest **out, struct lt_error *err);

/* Read and parse a file; I/O errors are LT_E_RUNTIME naming the file. */
int lt_manifest_read(const char *path, struct lt_manifest **out,
    struct lt_error *err);

/* Free a manifest and everything it owns. NULL is fine. */
void lt_manifest_destroy(struct lt_manifest *m);

/* The component named name, or NULL. Borrowed. */
const struct lt_manifest_component *lt_manifest_find(
    const struct lt_manifest *m, const char *name);
/* The component with the given (derived or explicit) id, or NULL. */
const struct lt_manifest_component *lt_manifest_find_id(
    const struct lt_manifest *m, const char *id);

/* The parsed model (not the raw document) as a new cJSON object the caller
 * deletes: {name, version, description, components:[{name, type, image,
 * id, http, config:[{name, stored_name, managed, properties?}], secrets,
 * scaler:{kind, instances, spread:[...]}, links:[...]}]}. */
struct cJSON *lt_manifest_to_json(const struct lt_manifest *m);

/* Set metadata.annotations.version (in the model and the document, which
 * is what model.put sends), creating the annotations when absent. */
void lt_manifest_set_version(struct lt_manifest *m, const char *version);

struct lt_buf;
/* What deploying b in place of a changes, as text lines each starting
 * with indent: per component (matched by name) added or removed
 * components, image and id ("- old" / "+ new" lines), configs and
 * secrets added or removed, the names of config properties whose value
 * changed (never the values), links added, removed or changed, the
 * scaler (kind, instances, spreads). Names are escaped (lt_text).
 * Returns the number of changes (0: nothing that matters differs). */
size_t lt_manifest_diff(const struct lt_manifest *a,
    const struct lt_manifest *b, const char *indent, struct lt_buf *out);

/* wadm's sanitising rule for one name part: lower-case, every byte that
 * is not an ASCII letter or digit becomes '_'. New string, caller frees. */
char *lt_manifest_sanitize(const char *s);
/* '{sanitised manifest}-{sanitised name}': a managed config name or a
 * derived component id. New string, caller frees. */
char *lt_manifest_managed_name(const char *manifest, const char *name);

#endif
