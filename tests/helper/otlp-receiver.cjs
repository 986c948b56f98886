// otlp-receiver.cjs: an OTLP/HTTP receiver on loopback for the OTLP tests
// (t6500). Each POST on a path ending in traces or logs is decoded with the
// OpenTelemetry project's own message definitions (npm
// @opentelemetry/otlp-transformer, its generated protobufjs types, found
// through OTLP_NODE_DIR): the OTLP/JSON body (hex trace and span ids, as
// the OTLP/JSON mapping writes them) goes through fromObject and verify,
// then toObject; any member the definitions do not know, or a value of the
// wrong type, fails the request (400). One JSON line per request goes to
// LOG: {path, status, headers, error?, body: the decoded message with ids
// as hex}. The port is printed on stdout once listening.
//
// usage: node otlp-receiver.cjs LOG [STATUS[:RETRY_AFTER]]...
//   the statuses answer the requests in turn (200 after the list); "hang"
//   never answers, "close" drops the connection.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');

const dir = process.env.OTLP_NODE_DIR;
const root = require(path.join(dir, 'node_modules/@opentelemetry/otlp-transformer/build/src/generated/root.js'));
const P = root.opentelemetry.proto;
// by the path's end: a signal's own endpoint may have any path
function typeOf(url) {
	if (url.endsWith('traces'))
		return P.collector.trace.v1.ExportTraceServiceRequest;
	if (url.endsWith('logs'))
		return P.collector.logs.v1.ExportLogsServiceRequest;
	return null;
}
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

const [logPath, ...script] = process.argv.slice(2);
let n = 0;

// The OTLP/JSON mapping writes ids as hex; protobufjs wants bytes.
function idsToBytes(v, key) {
	if (Array.isArray(v))
		return v.map((x) => idsToBytes(x));
	if (v && typeof v === 'object') {
		const o = {};
		for (const [k, x] of Object.entries(v))
			o[k] = idsToBytes(x, k);
		return o;
	}
	if (ID_KEYS.has(key)) {
		if (typeof v !== 'string' || !/^([0-9a-f]{2})*$/.test(v))
			throw new Error(`${key} ${JSON.stringify(v)} is not lower-case hex`);
		return Buffer.from(v, 'hex');
	}
	return v;
}

function idsToHex(v, key) {
	if (Array.isArray(v))
		return v.map((x) => idsToHex(x));
	if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
		const o = {};
		for (const [k, x] of Object.entries(v))
			o[k] = idsToHex(x, k);
		return o;
	}
	if (ID_KEYS.has(key))
		return Buffer.from(v, 'base64').toString('hex');
	return v;
}

// Every member of the sent JSON must come back from the definitions, with
// the same value (numbers as the JSON mapping writes int64: strings).
function compare(sent, got, where) {
	if (Array.isArray(sent)) {
		if (!Array.isArray(got) || got.length !== sent.length)
			throw new Error(`${where}: array of ${sent.length} came back as ${JSON.stringify(got)}`);
		sent.forEach((x, i) => compare(x, got[i], `${where}[${i}]`));
		return;
	}
	if (sent && typeof sent === 'object') {
		for (const [k, x] of Object.entries(sent)) {
			if (!(k in (got || {})))
				throw new Error(`${where}.${k}: not a member of the OTLP message`);
			compare(x, got[k], `${where}.${k}`);
		}
		return;
	}
	if (String(sent) !== String(got))
		throw new Error(`${where}: sent ${JSON.stringify(sent)}, decoded ${JSON.stringify(got)}`);
}

function decode(url, text) {
	const T = typeOf(url);
	if (!T)
		throw new Error(`unknown path ${url}`);
	const sent = JSON.parse(text);
	const msg = T.fromObject(idsToBytes(sent));
	const bad = T.verify(msg);
	if (bad)
		throw new Error(bad);
	// through the wire format and back: what a collector would decode
	const back = T.decode(T.encode(msg).finish());
	const obj = idsToHex(T.toObject(back, { longs: String, enums: Number, bytes: String, arrays: true, oneofs: false }));
	compare(sent, obj, url);
	return obj;
}

const server = http.createServer((req, res) => {
	const chunks = [];
	req.on('data', (c) => chunks.push(c));
	req.on('end', () => {
		const step = script[n++] || '200';
		const [status, retryAfter] = step.split(':');
		const entry = { path: req.url, status: step, headers: req.headers };
		try {
			entry.body = decode(req.url, Buffer.concat(chunks).toString('utf8'));
		} catch (e) {
			entry.error = String(e.message || e);
		}
		fs.appendFileSync(logPath, JSON.stringify(entry) + '\n');
		if (status === 'hang')
			return;
		if (status === 'close') {
			req.socket.destroy();
			return;
		}
		const code = entry.error ? 400 : Number(status);
		const hdrs = { 'content-type': 'application/json' };
		if (retryAfter)
			hdrs['retry-after'] = retryAfter;
		res.writeHead(code, hdrs);
		res.end(entry.error ? JSON.stringify({ code: 3, message: entry.error }) : '{}');
	});
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${server.address().port}\n`);
});
