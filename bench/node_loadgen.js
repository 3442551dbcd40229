'use strict';
// A load generator written with the npm package ocpp-rpc (strictMode, as the simulator validates strictly too):
// N charge points, each sends BootNotification, then the next Heartbeat as soon as the previous answer arrives
// (one CALL in flight per connection, as OCPP requires). Counts the answered calls in a window after a warm-up.
//
//   node bench/node_loadgen.js --url ws://127.0.0.1:PORT/ocpp --clients 200 --duration 10 [--warmup 2]
//
// Prints one JSON line: {"clients":200,"duration_s":10.0,"calls":N,"calls_per_s":R,"errors":E,"booted":B}.
const path = require('path');
const {RPCClient} = require(path.join(__dirname, '..', 'tests', 'interop', 'node_modules', 'ocpp-rpc'));

function args() {
    const out = {url: '', clients: 200, duration: 10, warmup: 2, prefix: 'NODE'};
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length; i += 2) {
        const key = argv[i].replace(/^--/, '');
        const value = argv[i + 1];
        if (!(key in out) || value === undefined) {
            process.stderr.write(`node_loadgen: unknown option or missing value: ${argv[i]}\n`);
            process.exit(2);
        }
        out[key] = typeof out[key] === 'number' ? Number(value) : value;
    }
    if (!out.url.startsWith('ws://')) {
        process.stderr.write('usage: node node_loadgen.js --url ws://HOST:PORT/PATH --clients N --duration S\n');
        process.exit(2);
    }
    return out;
}

async function main() {
    const o = args();
    let running = true;
    let counting = false;
    let calls = 0;
    let errors = 0;
    let booted = 0;

    async function chargePoint(i) {
        const client = new RPCClient({
            endpoint: o.url,
            identity: `${o.prefix}${String(i + 1).padStart(6, '0')}`,
            protocols: ['ocpp1.6'],
            strictMode: true,
            reconnect: false,
            callTimeoutMs: 30000,
        });
        await client.connect();
        await client.call('BootNotification', {chargePointVendor: 'ocppkit', chargePointModel: 'node-loadgen'});
        booted += 1;
        while (running) {
            try {
                await client.call('Heartbeat', {});
                if (counting) {
                    calls += 1;
                }
            } catch (e) {
                errors += 1;
            }
        }
        await client.close({code: 1000, force: true});
    }

    const finished = [];
    for (let i = 0; i < o.clients; i++) {
        finished.push(chargePoint(i).catch(() => { errors += 1; }));
    }
    await new Promise((r) => setTimeout(r, o.warmup * 1000));
    counting = true;
    const t0 = process.hrtime.bigint();
    await new Promise((r) => setTimeout(r, o.duration * 1000));
    const counted = calls;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    counting = false;
    running = false;
    await Promise.race([Promise.all(finished), new Promise((r) => setTimeout(r, 5000))]);
    process.stdout.write(JSON.stringify({
        clients: o.clients, duration_s: Number(seconds.toFixed(3)), calls: counted,
        calls_per_s: Math.round(counted / seconds), errors, booted,
    }) + '\n');
    process.exit(0);
}

main().catch((e) => {
    process.stderr.write(`node_loadgen: ${e.stack || e}\n`);
    process.exit(1);
});
