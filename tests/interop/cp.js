'use strict';
// ocpp-rpc (strict mode) as a CHARGE POINT against ocppkit's central-system side.
// Usage: node cp.js ws://127.0.0.1:PORT/ocpp/INTEROP-CP
// Sends every CP->CS action, answers every CS->CP call, closes once the central system has sent its "Done"
// DataTransfer, and prints one JSON summary line; exits non-zero on any validation failure, CALLERROR or gap.
const {RPCClient, createRPCError} = require('ocpp-rpc');
const {CP_TO_CS, CS_TO_CP, DONE_VENDOR, DONE_MESSAGE, Tracker, isoMs, deadline} = require('./common');

const url = process.argv[2];
if (!url || url.lastIndexOf('/') < 0) {
    process.stderr.write('usage: node cp.js ws://HOST:PORT/PATH/IDENTITY\n');
    process.exit(2);
}
const cut = url.lastIndexOf('/');
const tracker = new Tracker('cp', CP_TO_CS, CS_TO_CP);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 25000));

const client = new RPCClient({
    endpoint: url.slice(0, cut),
    identity: decodeURIComponent(url.slice(cut + 1)),
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10000,
});
tracker.watch(client);

const ID_TAG = '04E91C5A8B2F80';
let sequenceDone = false;
let doneReceived = false;
let closing = false;

// Six measurands, as a typical AC charger reports them during a transaction.
function meterValue(timestamp, energyWh, context) {
    return {
        timestamp,
        sampledValue: [
            {value: String(energyWh), context, format: 'Raw', measurand: 'Energy.Active.Import.Register',
                location: 'Outlet', unit: 'Wh'},
            {value: '7362.5', context, measurand: 'Power.Active.Import', unit: 'W'},
            {value: '31.97', context, measurand: 'Current.Import', phase: 'L1', unit: 'A'},
            {value: '230.4', context, measurand: 'Voltage', phase: 'L1-N', unit: 'V'},
            {value: '57', context, measurand: 'SoC', location: 'EV', unit: 'Percent'},
            {value: '28.5', context, measurand: 'Temperature', location: 'Body', unit: 'Celsius'},
        ],
    };
}

function statusNotification(connectorId, status) {
    return tracker.call(client, 'StatusNotification', {
        connectorId, errorCode: 'NoError', status, timestamp: isoMs(), info: `connector ${connectorId} ${status}`,
        vendorId: 'com.example.charger', vendorErrorCode: '0',
    });
}

// Closes once our own calls are answered and the central system said it has no more calls for us.
async function maybeClose() {
    if (closing || !sequenceDone || !doneReceived || tracker.pending > 0) {
        return;
    }
    closing = true;
    await client.close({code: 1000, reason: 'interop done', awaitPending: true});
}

const configuration = {
    HeartbeatInterval: {readonly: false, value: '300'},
    MeterValueSampleInterval: {readonly: false, value: '60'},
    NumberOfConnectors: {readonly: true, value: '2'},
    MeterValuesSampledData: {readonly: false, value: 'Energy.Active.Import.Register,Power.Active.Import,SoC'},
};

function answerCentralSystem() {
    tracker.handle(client, 'ChangeAvailability', (p) => ({status: p.connectorId === 0 ? 'Scheduled' : 'Accepted'}));
    tracker.handle(client, 'ChangeConfiguration', (p) => ({
        status: !(p.key in configuration) ? 'NotSupported' : configuration[p.key].readonly ? 'Rejected' : 'Accepted',
    }));
    tracker.handle(client, 'ClearCache', () => ({status: 'Accepted'}));
    tracker.handle(client, 'DataTransfer', (p) => {
        if (p.vendorId === DONE_VENDOR && p.messageId === DONE_MESSAGE) {
            doneReceived = true;
            setImmediate(maybeClose);
            return {status: 'Accepted'};
        }
        return {status: 'Accepted', data: JSON.stringify({echo: p.data ?? null, at: isoMs()})};
    });
    tracker.handle(client, 'GetConfiguration', (p) => {
        const keys = p.key && p.key.length ? p.key : Object.keys(configuration);
        const known = keys.filter((k) => k in configuration);
        const unknown = keys.filter((k) => !(k in configuration));
        const answer = {configurationKey: known.map((key) => ({key, ...configuration[key]}))};
        if (unknown.length) {
            answer.unknownKey = unknown;
        }
        return answer;
    });
    tracker.handle(client, 'RemoteStartTransaction', () => ({status: 'Accepted'}));
    tracker.handle(client, 'RemoteStopTransaction', () => ({status: 'Accepted'}));
    tracker.handle(client, 'Reset', () => ({status: 'Accepted'}));
    tracker.handle(client, 'UnlockConnector', () => ({status: 'Unlocked'}));
    tracker.handle(client, 'TriggerMessage', (p) => {
        // Answer first, then send the requested message, as the specification orders it.
        if (p.requestedMessage === 'StatusNotification') {
            setImmediate(() => statusNotification(p.connectorId ?? 0, 'Available').then(maybeClose));
        } else if (p.requestedMessage === 'Heartbeat') {
            setImmediate(() => tracker.call(client, 'Heartbeat', {}).then(maybeClose));
        } else {
            return {status: 'NotImplemented'};
        }
        return {status: 'Accepted'};
    });
    client.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `interop cp does not expect ${method}`);
    });
}

async function run() {
    answerCentralSystem();
    client.on('close', ({code, reason}) => {
        if (!closing) {
            tracker.fail('run', {message: `connection closed early: ${code} ${reason}`});
        }
        tracker.finish();
    });
    await client.connect();

    const boot = await tracker.call(client, 'BootNotification', {
        chargePointVendor: 'ExampleVendor', chargePointModel: 'AC22-T2', chargePointSerialNumber: 'SN-2025-000417',
        chargeBoxSerialNumber: 'CB-000417', firmwareVersion: '3.4.1-rc2', iccid: '8931081234567890123',
        imsi: '204080123456789', meterType: 'EM340 DIN', meterSerialNumber: 'MTR-99812',
    });
    if (!boot || boot.status !== 'Accepted') {
        tracker.fail('run', {message: `BootNotification not accepted: ${JSON.stringify(boot)}`});
    }
    await statusNotification(0, 'Available');
    await statusNotification(1, 'Preparing');
    await tracker.call(client, 'Authorize', {idTag: ID_TAG});
    const started = Date.now();
    const start = await tracker.call(client, 'StartTransaction', {
        connectorId: 1, idTag: ID_TAG, meterStart: 1254700, timestamp: isoMs(), reservationId: 12,
    });
    const transactionId = start ? start.transactionId : 0;
    await statusNotification(1, 'Charging');
    await tracker.call(client, 'MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [
            meterValue(isoMs(-60000), 1254950, 'Sample.Periodic'),
            // The same instant with a UTC offset: the central system must accept any RFC 3339 offset.
            meterValue('2025-11-25T22:15:30.250+01:00', 1255210, 'Sample.Clock'),
        ],
    });
    await tracker.call(client, 'DataTransfer', {vendorId: 'com.example.charger', messageId: 'CardReader',
        data: JSON.stringify({reader: 'ok', firmware: '1.2'})});
    await tracker.call(client, 'Heartbeat', {});
    await tracker.call(client, 'FirmwareStatusNotification', {status: 'Idle'});
    await tracker.call(client, 'DiagnosticsStatusNotification', {status: 'Idle'});
    await tracker.call(client, 'StopTransaction', {
        transactionId, idTag: ID_TAG, meterStop: 1262315, timestamp: isoMs(), reason: 'Local',
        transactionData: [
            meterValue(new Date(started).toISOString(), 1254700, 'Transaction.Begin'),
            meterValue(isoMs(), 1262315, 'Transaction.End'),
        ],
    });
    await statusNotification(1, 'Finishing');
    sequenceDone = true;
    await maybeClose();
}

run().catch((err) => tracker.finish(`cp.js failed: ${err && err.stack ? err.stack : err}`));
