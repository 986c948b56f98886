// js-client.cjs: JetStream traffic from a real JavaScript NATS client
// (the npm package nats, v2), for t4150-sub-jetstream. Not installed.
//
//   NATS_JS_DIR=DIR node js-client.cjs URL ROUNDS
//
// DIR holds node_modules/nats. Does ROUNDS $JS.API.INFO calls, creates a
// KV bucket, watches it, puts and reads ROUNDS keys (every put is seen by
// the watch as a push delivery), asks for stream and consumer info, and
// reads through a pull consumer. Prints "done DELIVERIES" on success.
'use strict';
const path = require('path');
const nats = require(path.join(process.env.NATS_JS_DIR, 'node_modules',
    'nats'));

async function watchUntil(kv, want) {
	const w = await kv.watch({ key: '>' });
	let seen = 0;
	const done = (async () => {
		for await (const e of w) {
			if (e.operation === 'PUT' && ++seen >= want)
				break;
		}
	})();
	return { w, done, count: () => seen };
}

async function main() {
	const [url, roundsArg] = process.argv.slice(2);
	const rounds = Number(roundsArg || 20);
	const nc = await nats.connect({ servers: url, name: 'js-client' });
	const jsm = await nc.jetstreamManager();
	const js = nc.jetstream();

	for (let i = 0; i < rounds; i++)
		await jsm.getAccountInfo();
	const kv = await js.views.kv('jsclient', { history: 2 });
	const watch = await watchUntil(kv, rounds);
	for (let i = 0; i < rounds; i++) {
		await kv.put(`k${i}`, `{"n":${i}}`);
		await kv.get(`k${i}`);
	}
	await watch.done;
	await jsm.streams.info('KV_jsclient');
	await jsm.consumers.add('KV_jsclient', { durable_name: 'puller',
	    ack_policy: nats.AckPolicy.Explicit });
	const c = await js.consumers.get('KV_jsclient', 'puller');
	const batch = await c.fetch({ max_messages: 3, expires: 2000 });
	for await (const m of batch)
		m.ack();
	await jsm.consumers.info('KV_jsclient', 'puller');
	await nc.drain();
	console.log(`done ${watch.count()}`);
}

main().catch((e) => {
	console.error(`js-client: ${e.message}`);
	process.exit(1);
});
