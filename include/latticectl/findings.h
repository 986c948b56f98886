/* findings.h: the expectations engine (docs/architecture.md, Findings).
 * Evaluates the records of one replay phase against the manifest that
 * phase deployed and returns the findings as finding-record members
 *   {"severity":"error"|"warning","id":ID,"title":T,"evidence":[seq...],
 *    "next":STEP}
 * ready for lt_rec_write(r, "finding", ...).
 *
 * The records it reads (latticectl(5)); every other kind is ignored:
 *   event        {subject, event:{type, data}}
 *   ctl.request  {subject, pair, payload}      ctl.reply {pair, payload}
 *   wadm.cmd     {subject, payload:{"DeleteConfig":{config_name}}}
 *   wadm.status  {subject, payload:{status:{type, message}}}
 *   kv           {bucket, key, op:"put"|"delete"|"purge", revision}
 *   snapshot     {bucket, entries:{KEY:VALUE...}} (the last one counts)
 *   inventory    {host, payload:<host.get response>} (the last per host)
 *   probe        {url, http_status, body} (in order: consecutive probes
 *                 are compared, so pass the previous phase's last one)
 * Nothing here does I/O. */
#ifndef LATTICECTL_FINDINGS_H
#define LATTICECTL_FINDINGS_H

#include <stddef.h>

#include "latticectl/manifest.h"

struct cJSON;

/* Evaluate recs (a cJSON array of records, in seq order) against target.
 * Returns a new cJSON array of finding objects (caller deletes), errors
 * first; *nerrors (may be NULL) gets the number with severity error. */
struct cJSON *lt_findings_eval(const struct lt_manifest *target,
    const struct cJSON *recs, int *nerrors);

#endif
