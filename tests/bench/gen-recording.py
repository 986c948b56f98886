#!/usr/bin/env python3
"""gen-recording.py N OUT [--hosts K] [--findings F]: write a replay-like
recording (latticectl(5)) of about N records for report's tests and
benchmarks: a meta record, five phases, CloudEvents from
tests/fixtures/events spread over K hosts (default 3), a ctl.request and
its ctl.reply every tenth record, KV changes, wadm commands and status,
probes, F findings (default 4) whose evidence lies across the recording,
and an end record. The same N, K and F always give the same file."""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
events_dir = os.path.join(here, "..", "fixtures", "events")
HOST0 = "NCTZ3B57642SU3Z4FFCZTEPTOWVBDDJ3LTLACKKAYTEXQ5CQ45P3TWCG"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def host_id(i):
    return HOST0[:4] + B32[i % 32] + B32[(i // 32) % 32] + HOST0[6:]


def main(argv):
    args = argv[1:]
    opts = {"--hosts": 3, "--findings": 4}
    pos = []
    while args:
        a = args.pop(0)
        if a in opts:
            opts[a] = int(args.pop(0))
        else:
            pos.append(a)
    if len(pos) != 2:
        sys.exit(__doc__)
    n, out = int(pos[0]), pos[1]
    nhosts, nfind = opts["--hosts"], opts["--findings"]
    hosts = [host_id(i) for i in range(nhosts)]
    templates = []
    for name in sorted(os.listdir(events_dir)):
        if name.count(".") != 1 or not name.endswith(".json"):
            continue
        with open(os.path.join(events_dir, name)) as f:
            ev = json.load(f)
        typ = ev["type"].split(".")[-1]
        per_host = []
        for h in hosts:
            text = json.dumps(ev, separators=(",", ":")).replace(HOST0, h)
            per_host.append(text)
        templates.append((typ, per_host))
    base = 1795939200  # 2026-11-30T00:00:00Z
    seq = 0
    lines = []
    evidence = []
    f = open(out, "w")

    def rec(kind, members):
        nonlocal seq
        seq += 1
        ms = seq * 7
        t = "2026-11-30T%02d:%02d:%02d.%03d000000Z" % (
            (ms // 3600000) % 24, (ms // 60000) % 60, (ms // 1000) % 60,
            ms % 1000)
        f.write('{"schema":"latticectl.rec/1","seq":%d,"t":"%s","kind":"%s"%s}\n'
                % (seq, t, kind, "," + members if members else ""))
        return seq

    rec("meta", '"tool":"latticectl","version":"0.1","lattice":"default",'
        '"server":{"name":"nats","version":"2.10.22"},"wadm_version":"0.21"')
    body = max(n - 2 - nfind, 1)
    pair = 0
    for i in range(body):
        if i % max(body // 5, 1) == 0:
            rec("phase", '"phase":"phase-%d"' % (i // max(body // 5, 1)))
            continue
        h = hosts[i % nhosts]
        if i % 10 == 1:
            pair += 1
            rec("ctl.request", '"subject":"wasmbus.ctl.v1.default.component.'
                'scale.%s","pair":%d,"payload":{"component_id":"comp-%d",'
                '"max_instances":1}' % (h, pair, i % 7))
        elif i % 10 == 2:
            s = rec("ctl.reply", '"subject":"_INBOX.r%d","pair":%d,'
                    '"latency_ms":%d,"payload":{"success":true,"message":""}'
                    % (pair, pair, i % 13))
            if len(evidence) < nfind * 3 and i % max(body // (nfind * 3 + 1), 1) < 10:
                evidence.append(s)
        elif i % 50 == 3:
            rec("kv", '"bucket":"CONFIGDATA_default","key":"cfg-%d",'
                '"op":"put","revision":%d,"value":{"k":"v%d"}' % (i % 9, i, i))
        elif i % 100 == 4:
            rec("wadm.cmd", '"subject":"wadm.cmd.default","payload":'
                '{"ScaleComponent":{"component_id":"comp-%d"}}' % (i % 7))
        elif i % 100 == 5:
            rec("wadm.status", '"subject":"wadm.status.default.app",'
                '"payload":{"status":{"type":"deployed"}}')
        elif i % 500 == 6:
            rec("probe", '"url":"http://127.0.0.1:8000/","http_status":200,'
                '"body":"Hello"')
        else:
            typ, per_host = templates[i % len(templates)]
            rec("event", '"subject":"wasmbus.evt.default.%s","event":%s'
                % (typ, per_host[i % nhosts]))
    for k in range(nfind):
        ev = evidence[k * 3:k * 3 + 3] or [2]
        rec("finding", '"severity":"%s","id":"finding-%d","title":"finding '
            '%d of the generator","evidence":%s,"next":"look at #%d"'
            % ("error" if k % 2 == 0 else "warning", k, k, json.dumps(ev),
               ev[0]))
    rec("end", '"events":%d' % seq)
    f.close()


if __name__ == "__main__":
    main(sys.argv)
