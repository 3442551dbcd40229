'use strict';
// ocpp-rpc (strict mode) as a CENTRAL SYSTEM for a fleet of ocpp-simulator chargers (tests/simulator_integration).
// Usage: node sim_cs.js [--interval S] [--duration S] [--deadline S]
//                       [--remote ID] [--remote-stop-ms MS]
//                       [--drop ID:meter:OFFLINE_MS] [--drop ID:start:OFFLINE_MS] ...
// Listens on 127.0.0.1, port 0, and prints {"listening":PORT} first. Accepts any charger under /ocpp/{id} with the
// subprotocol ocpp1.6 and answers every charge point action (BootNotification Accepted with --interval). It checks
// the transaction messages as they come: StartTransaction gets increasing transactionIds; MeterValues and
// StopTransaction must name an open transaction of the same charger and connector, with non-decreasing timestamps
// and energy. Options:
//   --remote ID        after ID's first boot: RemoteStartTransaction (connector 1), and RemoteStopTransaction of the
//                      transaction it started --remote-stop-ms later (default 2000).
//   --drop ID:meter:MS terminates ID's connection after the 2nd MeterValues of its first transaction, refuses its
//                      reconnections (HTTP 503) for MS ms, then checks that the transaction messages queued while
//                      offline are replayed after the new boot, in order, with that transaction's id.
//   --drop ID:start:MS terminates ID's connection on its first StartTransaction, without answering it; checks that
//                      the start is replayed, and that MeterValues queued offline carry the id it then gets.
// On SIGTERM, after --duration or at --deadline (default 60 s) prints one JSON summary line starting with
// {"simcs": and exits 0 when every check passed, 1 otherwise.
const {RPCServer, createRPCError, NOREPLY} = require('ocpp-rpc');
const {Tracker, isoMs} = require('./common');

const ENERGY = 'Energy.Active.Import.Register';
const REMOTE_TAG = 'REMOTE-SIM-1';
const DROP_AFTER_METER = 2;
const ROUNDING_WH = 0.5; // meterStart/meterStop are integers, sampled values have one decimal

const opts = {interval: 2, duration: 0, deadline: 60, remote: null, remoteStopMs: 2000, drops: new Map()};
for (let i = 2; i < process.argv.length; i += 2) {
    const [name, value] = [process.argv[i], process.argv[i + 1]];
    if (value === undefined) {
        throw new Error(`sim_cs.js: ${name} needs a value`);
    }
    if (name === '--interval') opts.interval = Number(value);
    else if (name === '--duration') opts.duration = Number(value);
    else if (name === '--deadline') opts.deadline = Number(value);
    else if (name === '--remote') opts.remote = value;
    else if (name === '--remote-stop-ms') opts.remoteStopMs = Number(value);
    else if (name === '--drop') {
        const [id, when, ms] = value.split(':');
        if (!id || !['meter', 'start'].includes(when) || !(Number(ms) >= 0)) {
            throw new Error(`sim_cs.js: --drop ID:meter|start:OFFLINE_MS, got ${value}`);
        }
        opts.drops.set(id, {id, when, offlineMs: Number(ms), droppedAt: 0, refused: 0, txId: null, abandoned: null});
    } else throw new Error(`sim_cs.js: unknown option ${name}`);
}

const tracker = new Tracker('simcs', [], []);
const counts = {};                 // action -> CALLs received
const boots = new Map();           // charger -> [{at, epoch}] accepted boots
const epochs = new Map();          // charger -> connections opened
const clients = new Map();         // charger -> the current connection
const txs = new Map();             // transactionId -> transaction record
const openTx = new Map();          // "charger/connector" -> transactionId
const sequenceErrors = [];
let connections = 0;
let nextTransactionId = 1;
const remote = {charger: opts.remote, idTag: REMOTE_TAG, start: null, stop: null, startTransaction: null,
    stopTransaction: null};

function sequenceError(charger, message, payload) {
    sequenceErrors.push({charger, message});
    tracker.fail('sequence', {charger, message, payload});
}

const ms = (ts) => Date.parse(ts);

function energyOf(meterValue) {
    for (const s of meterValue.sampledValue || []) {
        if ((s.measurand || ENERGY) === ENERGY) {
            return Number(s.value) * (s.unit === 'kWh' ? 1000 : 1);
        }
    }
    return null;
}

// Transaction messages must come on a connection whose boot was accepted.
function checkBooted(charger, epoch, method) {
    const b = boots.get(charger) || [];
    if (!b.some((x) => x.epoch === epoch)) {
        sequenceError(charger, `${method} on connection ${epoch} before its BootNotification was accepted`);
    }
}

function onStart(charger, epoch, p) {
    const key = `${charger}/${p.connectorId}`;
    if (openTx.has(key)) {
        sequenceError(charger, `StartTransaction on connector ${p.connectorId} while transaction ` +
            `${openTx.get(key)} is open`, p);
    }
    const tx = {transactionId: nextTransactionId++, charger, connector: p.connectorId, idTag: p.idTag,
        meterStart: p.meterStart, startTs: ms(p.timestamp), startAt: Date.now(), epoch, meters: [], stop: null,
        problems: 0};
    txs.set(tx.transactionId, tx);
    openTx.set(key, tx.transactionId);
    return tx;
}

function onMeterValues(charger, epoch, p) {
    const key = `${charger}/${p.connectorId}`;
    if (p.transactionId === undefined) {
        if (openTx.has(key)) {
            sequenceError(charger, `MeterValues without transactionId on connector ${p.connectorId} during ` +
                `transaction ${openTx.get(key)}`, p);
        }
        return null;
    }
    const tx = txs.get(p.transactionId);
    if (!tx || tx.charger !== charger || tx.connector !== p.connectorId || tx.stop) {
        sequenceError(charger, `MeterValues for transaction ${p.transactionId} on connector ${p.connectorId}, ` +
            `which is not open there (open: ${openTx.get(key) ?? 'none'})`, p);
        return null;
    }
    for (const mv of p.meterValue) {
        const last = tx.meters[tx.meters.length - 1];
        const entry = {ts: ms(mv.timestamp), energy: energyOf(mv), at: Date.now(), epoch};
        const prevEnergy = last ? last.energy : tx.meterStart;
        if (entry.energy === null) {
            tx.problems++;
            sequenceError(charger, `MeterValues of transaction ${tx.transactionId} without ${ENERGY}`, p);
        } else if (entry.energy < prevEnergy - ROUNDING_WH) {
            tx.problems++;
            sequenceError(charger, `energy of transaction ${tx.transactionId} went down: ${prevEnergy} -> ` +
                `${entry.energy}`, p);
        }
        if (entry.ts < (last ? last.ts : tx.startTs)) {
            tx.problems++;
            sequenceError(charger, `MeterValues of transaction ${tx.transactionId} out of order: ` +
                `${mv.timestamp} after ${new Date(last ? last.ts : tx.startTs).toISOString()}`, p);
        }
        tx.meters.push(entry);
    }
    return tx;
}

function onStop(charger, epoch, p) {
    const tx = txs.get(p.transactionId);
    if (!tx || tx.charger !== charger || tx.stop) {
        sequenceError(charger, `StopTransaction for transaction ${p.transactionId}, which ${charger} has not open`, p);
        return null;
    }
    const last = tx.meters[tx.meters.length - 1];
    const prevEnergy = last && last.energy !== null ? last.energy : tx.meterStart;
    if (p.meterStop < prevEnergy - ROUNDING_WH) {
        tx.problems++;
        sequenceError(charger, `meterStop ${p.meterStop} of transaction ${tx.transactionId} below ${prevEnergy}`, p);
    }
    if (ms(p.timestamp) < (last ? last.ts : tx.startTs)) {
        tx.problems++;
        sequenceError(charger, `StopTransaction of transaction ${tx.transactionId} timestamped before its last ` +
            `meter value`, p);
    }
    tx.stop = {meterStop: p.meterStop, reason: p.reason || 'Local', ts: ms(p.timestamp), at: Date.now(), epoch};
    openTx.delete(`${charger}/${tx.connector}`);
    return tx;
}

// Terminates the connection as a network failure would: no close frame; reconnections are refused for a while.
function drop(client, d) {
    d.droppedAt = Date.now();
    client.close({force: true});
}

async function remoteStart(client) {
    const res = await tracker.call(client, 'RemoteStartTransaction', {connectorId: 1, idTag: REMOTE_TAG});
    remote.start = res ? res.status : 'no answer';
}

async function remoteStop(client, transactionId) {
    const res = await tracker.call(client, 'RemoteStopTransaction', {transactionId});
    remote.stop = res ? res.status : 'no answer';
}

function answer(client, charger, epoch) {
    const handle = (method, handler) => tracker.handle(client, method, (p) => {
        counts[method] = (counts[method] || 0) + 1;
        if (['StartTransaction', 'MeterValues', 'StopTransaction'].includes(method)) {
            checkBooted(charger, epoch, method);
        }
        return handler(p);
    });
    handle('BootNotification', () => {
        const list = boots.get(charger) || [];
        list.push({at: Date.now(), epoch});
        boots.set(charger, list);
        if (charger === opts.remote && list.length === 1) {
            setTimeout(() => remoteStart(client), 300);
        }
        return {status: 'Accepted', currentTime: isoMs(), interval: opts.interval};
    });
    handle('Authorize', () => ({idTagInfo: {status: 'Accepted'}}));
    handle('Heartbeat', () => ({currentTime: isoMs()}));
    handle('StatusNotification', () => ({}));
    handle('DataTransfer', () => ({status: 'UnknownVendorId'}));
    handle('FirmwareStatusNotification', () => ({}));
    handle('DiagnosticsStatusNotification', () => ({}));
    handle('SecurityEventNotification', () => ({}));
    handle('LogStatusNotification', () => ({}));
    handle('SignedFirmwareStatusNotification', () => ({}));
    handle('StartTransaction', (p) => {
        const d = opts.drops.get(charger);
        if (d && d.when === 'start' && !d.droppedAt) {
            d.abandoned = {connectorId: p.connectorId, idTag: p.idTag, meterStart: p.meterStart, ts: ms(p.timestamp)};
            drop(client, d);
            return NOREPLY; // the charger never learns this transaction: it must replay the start
        }
        const tx = onStart(charger, epoch, p);
        if (d && d.when === 'start' && !d.txId && d.abandoned && tx.startTs === d.abandoned.ts &&
            tx.connector === d.abandoned.connectorId) {
            d.txId = tx.transactionId;
        }
        if (charger === opts.remote && p.idTag === REMOTE_TAG && !remote.startTransaction) {
            remote.startTransaction = {transactionId: tx.transactionId, connectorId: p.connectorId, idTag: p.idTag};
            setTimeout(() => remoteStop(clients.get(charger), tx.transactionId), opts.remoteStopMs);
        }
        return {idTagInfo: {status: 'Accepted'}, transactionId: tx.transactionId};
    });
    handle('MeterValues', (p) => {
        const tx = onMeterValues(charger, epoch, p);
        const d = opts.drops.get(charger);
        if (tx && d && d.when === 'meter' && !d.droppedAt && (d.txId === null || d.txId === tx.transactionId)) {
            d.txId = tx.transactionId;
            if (tx.meters.length >= DROP_AFTER_METER) {
                setTimeout(() => drop(client, d), 20); // after the answer has gone out
            }
        }
        return {};
    });
    handle('StopTransaction', (p) => {
        const tx = onStop(charger, epoch, p);
        if (tx && remote.startTransaction && tx.transactionId === remote.startTransaction.transactionId) {
            remote.stopTransaction = {transactionId: p.transactionId, reason: p.reason || 'Local'};
        }
        return {idTagInfo: {status: 'Accepted'}};
    });
    client.handle(({method}) => {
        tracker.fail('unexpected', {charger, method});
        throw createRPCError('NotImplemented', `sim_cs.js does not expect ${method}`);
    });
}

// What a drop led to: the reconnection, the new boot and the replay of the affected transaction.
function replayResult(d) {
    const problems = [];
    const bootList = boots.get(d.id) || [];
    const reboot = bootList.find((b) => d.droppedAt && b.at > d.droppedAt);
    const tx = d.txId !== null ? txs.get(d.txId) : null;
    const result = {charger: d.id, when: d.when, offlineMs: d.offlineMs, dropped: d.droppedAt > 0,
        refusedReconnects: d.refused, boots: bootList.length, transactionId: d.txId, replayedStart: false,
        replayedMeterValues: 0, replayedStop: false, completed: Boolean(tx && tx.stop), ok: false, problems};
    if (!result.dropped) problems.push('the connection was never dropped (no session reached the drop point)');
    if (!reboot) problems.push('no BootNotification after the drop');
    if (!tx) problems.push('no transaction to follow (the replayed StartTransaction never came)');
    if (problems.length === 0) {
        // Generated while offline (timestamped between the drop and the new boot), received after the new boot.
        const offline = (ts, at) => at >= reboot.at && ts >= d.droppedAt - 1000 && ts <= reboot.at;
        result.replayedStart = d.when === 'start' && tx.startAt >= reboot.at;
        result.replayedMeterValues = tx.meters.filter((m) => offline(m.ts, m.at)).length;
        result.replayedStop = Boolean(tx.stop && offline(tx.stop.ts, tx.stop.at));
        if (tx.problems > 0) problems.push(`${tx.problems} ordering or energy problems in transaction ${tx.transactionId}`);
        if (d.when === 'start' && !result.replayedStart) problems.push('the StartTransaction was not replayed');
        if (result.replayedMeterValues === 0) problems.push('no MeterValues from the offline period were replayed');
        if (d.when === 'meter' && !result.replayedStop) problems.push('the StopTransaction was not replayed');
        if (!tx.stop) problems.push(`transaction ${tx.transactionId} never stopped`);
        if (d.offlineMs > 0 && d.refused === 0) problems.push('no reconnection was refused while offline');
    }
    result.ok = problems.length === 0;
    return result;
}

function remoteResult() {
    if (!remote.charger) return null;
    const s = remote.startTransaction;
    const t = remote.stopTransaction;
    const ok = remote.start === 'Accepted' && remote.stop === 'Accepted' && Boolean(s) && s.connectorId === 1 &&
        Boolean(t) && t.reason === 'Remote' && t.transactionId === s.transactionId;
    return {...remote, ok};
}

let finished = false;
function finish(reason) {
    if (finished) return;
    finished = true;
    if (reason) tracker.fail('run', {message: reason});
    const all = [...txs.values()];
    const completed = all.filter((t) => t.stop);
    const drops = [...opts.drops.values()].map(replayResult);
    const remoteRes = remoteResult();
    const summary = {
        simcs: true,
        ok: false,
        validationFailures: tracker.validationFailures,
        callErrors: tracker.callErrors,
        badMessages: tracker.badMessages,
        sequenceErrors: sequenceErrors.length,
        connections,
        counts,
        booted: [...boots.keys()].sort(),
        rebooted: Object.fromEntries([...boots].filter(([, b]) => b.length > 1).map(([id, b]) => [id, b.length])),
        transactions: {
            started: all.length,
            completed: completed.length,
            completedWithMeterValues: completed.filter((t) => t.meters.length > 0).length,
            // of those metered (so at least a second long): the register grew from meterStart to meterStop
            energyGrew: completed.filter((t) => t.meters.length > 0 && t.stop.meterStop > t.meterStart).length,
            withProblems: all.filter((t) => t.problems > 0).length,
            open: all.length - completed.length,
            examples: completed.slice(0, 3).map((t) => ({transactionId: t.transactionId, charger: t.charger,
                connector: t.connector, meterStart: t.meterStart, energy: t.meters.map((m) => m.energy),
                meterStop: t.stop.meterStop, reason: t.stop.reason})),
        },
        remote: remoteRes,
        drops,
        failures: tracker.failures,
    };
    summary.ok = summary.validationFailures === 0 && summary.callErrors === 0 && summary.badMessages === 0 &&
        summary.sequenceErrors === 0 && tracker.failures.length === 0 && (!remoteRes || remoteRes.ok) &&
        drops.every((d) => d.ok);
    process.stdout.write(JSON.stringify(summary) + '\n', () => process.exit(summary.ok ? 0 : 1));
}

const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 10000});
server.auth((accept, reject, handshake) => {
    const id = handshake.identity;
    if (handshake.endpoint !== '/ocpp') {
        tracker.fail('handshake', {charger: id, message: `unexpected endpoint ${handshake.endpoint}`});
        reject(404, 'chargers connect under /ocpp/{id}');
        return;
    }
    if (!handshake.protocols.has('ocpp1.6')) {
        tracker.fail('handshake', {charger: id, message: `no ocpp1.6 in ${[...handshake.protocols].join(',')}`});
        reject(400, 'subprotocol ocpp1.6 required');
        return;
    }
    const d = opts.drops.get(id);
    if (d && d.droppedAt && Date.now() < d.droppedAt + d.offlineMs) {
        d.refused++;
        reject(503, 'central system unreachable for this charger');
        return;
    }
    accept();
});
server.on('client', (client) => {
    const charger = client.identity;
    const epoch = (epochs.get(charger) || 0) + 1;
    epochs.set(charger, epoch);
    connections++;
    clients.set(charger, client);
    tracker.watch(client);
    answer(client, charger, epoch);
});

process.on('SIGTERM', () => finish());
process.on('SIGINT', () => finish());
if (opts.duration > 0) setTimeout(() => finish(), opts.duration * 1000).unref();
setTimeout(() => finish(`deadline of ${opts.deadline} s reached`), opts.deadline * 1000).unref();
server.listen(0, '127.0.0.1')
    .then((http) => process.stdout.write(JSON.stringify({listening: http.address().port}) + '\n'))
    .catch((err) => finish(`sim_cs.js cannot listen: ${err && err.stack ? err.stack : err}`));
