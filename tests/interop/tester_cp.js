'use strict';
// ocpp-rpc (strict mode) as a WELL-CONFIGURED CHARGER in front of `ocpp-tester check`.
// Usage: node tester_cp.js ws://127.0.0.1:PORT/ocpp/CB-1 [--password PW]
// Boots, reports connectors 0..2, applies the heartbeat interval of the BootNotification answer (and stores it as
// HeartbeatInterval), answers GetConfiguration, TriggerMessage and a remote-started charging session with meter
// values that grow, and stays connected until the tester closes the connection. Prints one JSON summary line
// ({"interop":"tester-cp",...}); exits non-zero on any strict-validation failure, CALLERROR or bad message, or when
// the connection ends other than by the tester closing it normally.
const {RPCClient, createRPCError} = require('ocpp-rpc');
const {Tracker, isoMs, deadline} = require('./common');

const args = process.argv.slice(2);
const url = args[0];
const passwordAt = args.indexOf('--password');
const password = passwordAt > 0 ? args[passwordAt + 1] : undefined;
if (!url || url.lastIndexOf('/') < 0) {
    process.stderr.write('usage: node tester_cp.js ws://HOST:PORT/PATH/IDENTITY [--password PW]\n');
    process.exit(2);
}
const cut = url.lastIndexOf('/');
const tracker = new Tracker('tester-cp', ['BootNotification', 'StatusNotification', 'Heartbeat'],
    ['GetConfiguration', 'TriggerMessage']);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 30000));

const client = new RPCClient({
    endpoint: url.slice(0, cut),
    identity: decodeURIComponent(url.slice(cut + 1)),
    password,
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10000,
});
tracker.watch(client);

const CONNECTORS = 2;
const configuration = {
    HeartbeatInterval: {readonly: false, value: '300'},
    MeterValueSampleInterval: {readonly: false, value: '1'},
    NumberOfConnectors: {readonly: true, value: String(CONNECTORS)},
    SupportedFeatureProfiles: {readonly: true, value: 'Core,RemoteTrigger'},
    MeterValuesSampledData: {readonly: false, value: 'Energy.Active.Import.Register'},
};
let heartbeatTimer = null;
let energyWh = 12000;
let transaction = null; // {id, connectorId, timer}

function status(connectorId, state) {
    return tracker.call(client, 'StatusNotification',
        {connectorId, errorCode: 'NoError', status: state, timestamp: isoMs()});
}

function meterValues(connectorId, transactionId, context) {
    return tracker.call(client, 'MeterValues', {
        connectorId, transactionId,
        meterValue: [{timestamp: isoMs(), sampledValue: [
            {value: String(energyWh), context, measurand: 'Energy.Active.Import.Register', unit: 'Wh'}]}],
    });
}

function applyHeartbeat(seconds) {
    configuration.HeartbeatInterval.value = String(seconds);
    if (heartbeatTimer) {
        clearInterval(heartbeatTimer);
    }
    heartbeatTimer = setInterval(() => tracker.call(client, 'Heartbeat', {}), seconds * 1000);
}

async function startTransaction(connectorId, idTag) {
    await status(connectorId, 'Preparing');
    const answer = await tracker.call(client, 'StartTransaction',
        {connectorId, idTag, meterStart: energyWh, timestamp: isoMs()});
    if (!answer) {
        return;
    }
    transaction = {id: answer.transactionId, connectorId};
    await status(connectorId, 'Charging');
    transaction.timer = setInterval(() => {
        energyWh += 25;
        meterValues(connectorId, transaction.id, 'Sample.Periodic');
    }, 1000);
}

async function stopTransaction() {
    const t = transaction;
    transaction = null;
    clearInterval(t.timer);
    energyWh += 10;
    await tracker.call(client, 'StopTransaction',
        {transactionId: t.id, meterStop: energyWh, timestamp: isoMs(), reason: 'Remote'});
    await status(t.connectorId, 'Finishing');
}

tracker.handle(client, 'GetConfiguration', (p) => {
    const keys = p.key && p.key.length ? p.key : Object.keys(configuration);
    const answer = {configurationKey: keys.filter((k) => k in configuration).map((key) => ({key, ...configuration[key]}))};
    const unknown = keys.filter((k) => !(k in configuration));
    if (unknown.length) {
        answer.unknownKey = unknown;
    }
    return answer;
});
tracker.handle(client, 'TriggerMessage', (p) => {
    if (p.requestedMessage === 'StatusNotification') {
        setImmediate(() => status(p.connectorId ?? 0, p.connectorId && transaction ? 'Charging' : 'Available'));
    } else if (p.requestedMessage === 'MeterValues' && transaction) {
        setImmediate(() => meterValues(transaction.connectorId, transaction.id, 'Trigger'));
    } else if (p.requestedMessage === 'Heartbeat') {
        setImmediate(() => tracker.call(client, 'Heartbeat', {}));
    } else {
        return {status: 'Rejected'};
    }
    return {status: 'Accepted'};
});
tracker.handle(client, 'RemoteStartTransaction', (p) => {
    if (transaction) {
        return {status: 'Rejected'};
    }
    setImmediate(() => startTransaction(p.connectorId ?? 1, p.idTag));
    return {status: 'Accepted'};
});
tracker.handle(client, 'RemoteStopTransaction', (p) => {
    if (!transaction || transaction.id !== p.transactionId) {
        return {status: 'Rejected'};
    }
    setImmediate(stopTransaction);
    return {status: 'Accepted'};
});
client.handle(({method}) => {
    tracker.fail('unexpected', {method});
    throw createRPCError('NotImplemented', `tester_cp does not implement ${method}`);
});

async function run() {
    client.on('close', ({code, reason}) => {
        if (heartbeatTimer) {
            clearInterval(heartbeatTimer);
        }
        if (transaction) {
            clearInterval(transaction.timer);
        }
        if (code !== 1000) {
            tracker.fail('run', {message: `connection ended with ${code} ${reason}`});
        }
        tracker.finish();
    });
    await client.connect();
    const boot = await tracker.call(client, 'BootNotification', {
        chargePointVendor: 'ExampleVendor', chargePointModel: 'AC22-T2', chargePointSerialNumber: 'SN-2025-000417',
        firmwareVersion: '3.4.1', iccid: '8931081234567890123', imsi: '204080123456789', meterType: 'EM340 DIN',
    });
    if (!boot || boot.status !== 'Accepted') {
        tracker.finish(`BootNotification not accepted: ${JSON.stringify(boot)}`);
        return;
    }
    applyHeartbeat(boot.interval);
    for (let c = 0; c <= CONNECTORS; c++) {
        await status(c, 'Available');
    }
}

run().catch((err) => tracker.finish(`tester_cp.js failed: ${err && err.stack ? err.stack : err}`));
