'use strict';
// ocpp-rpc (strict mode) as a CHARGE POINT answering every central-system action of the five optional feature
// profiles, for our scenario runner in the central-system role (tests/interop/ocpp_rpc_profiles_test.cpp).
// Usage: node profiles_cp.js ws://127.0.0.1:PORT/ocpp/IDENTITY
// Boots, reports connector 1 Available and answers as a small charger would: charging profiles kept by id (the
// composite is the last TxDefaultProfile's first period), firmware downloaded with Downloading ... Installed,
// diagnostics uploaded by HTTP PUT with Uploading/Uploaded, a local list with versions, reservations with the
// Reserved status, TriggerMessage for all six messages, DataTransfer ocppkit/echo. Strict mode validates every frame
// both ways. When the runner closes the connection it prints one JSON summary line starting with
// {"interop":"profiles-cp" and exits 0 when everything passed.
const http = require('http');
const {RPCClient, createRPCError} = require('ocpp-rpc');
const {Tracker, isoMs, deadline} = require('./common');

const OUTGOING = [
    'BootNotification', 'StatusNotification', 'Heartbeat', 'MeterValues', 'FirmwareStatusNotification',
    'DiagnosticsStatusNotification',
];
const INCOMING = [
    'SetChargingProfile', 'GetCompositeSchedule', 'ClearChargingProfile', 'UpdateFirmware', 'GetDiagnostics',
    'SendLocalList', 'GetLocalListVersion', 'ReserveNow', 'CancelReservation', 'TriggerMessage', 'DataTransfer',
];

const url = process.argv[2];
if (!url || url.lastIndexOf('/') < 0) {
    process.stderr.write('usage: node profiles_cp.js ws://HOST:PORT/PATH/IDENTITY\n');
    process.exit(2);
}
const cut = url.lastIndexOf('/');
const tracker = new Tracker('profiles-cp', OUTGOING, INCOMING);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 60000));

const client = new RPCClient({
    endpoint: url.slice(0, cut),
    identity: decodeURIComponent(url.slice(cut + 1)),
    protocols: ['ocpp1.6'],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10000,
});
tracker.watch(client);

const profiles = new Map(); // chargingProfileId -> {connectorId, profile}
let listVersion = 0;
const reservations = new Map();
const later = (fn, ms = 50) => setTimeout(() => fn().catch((e) => tracker.fail('run', {message: String(e)})), ms);
const status = (connectorId, s) => tracker.call(client, 'StatusNotification',
    {connectorId, errorCode: 'NoError', status: s, timestamp: isoMs()});
const firmware = (s) => tracker.call(client, 'FirmwareStatusNotification', {status: s});
const diagnostics = (s) => tracker.call(client, 'DiagnosticsStatusNotification', {status: s});

function fetchText(location) {
    return new Promise((resolve, reject) => {
        http.get(location, (res) => {
            let body = '';
            res.on('data', (c) => { body += c; });
            res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`))));
        }).on('error', reject);
    });
}

function put(location, text) {
    return new Promise((resolve, reject) => {
        const req = http.request(location, {method: 'PUT', headers: {'Content-Type': 'text/plain'}}, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(text);
    });
}

function meterValues(connectorId) {
    return tracker.call(client, 'MeterValues', {connectorId, meterValue: [{timestamp: isoMs(), sampledValue: [
        {value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Trigger'},
        {value: '0', measurand: 'Power.Active.Import', unit: 'W', context: 'Trigger'}]}]});
}

const h = (method, fn) => tracker.handle(client, method, fn);
h('SetChargingProfile', (p) => {
    profiles.set(p.csChargingProfiles.chargingProfileId, {connectorId: p.connectorId, profile: p.csChargingProfiles});
    return {status: 'Accepted'};
});
h('GetCompositeSchedule', (p) => {
    const on = [...profiles.values()].filter((x) => x.connectorId === p.connectorId);
    if (on.length === 0) return {status: 'Rejected'};
    const s = on[on.length - 1].profile.chargingSchedule;
    return {status: 'Accepted', connectorId: p.connectorId, scheduleStart: isoMs(), chargingSchedule: {
        duration: p.duration, chargingRateUnit: s.chargingRateUnit,
        chargingSchedulePeriod: [{startPeriod: 0, limit: s.chargingSchedulePeriod[0].limit}]}};
});
h('ClearChargingProfile', (p) => {
    let n = 0;
    for (const [id, x] of [...profiles]) {
        if ((p.id === undefined || p.id === id) && (p.connectorId === undefined || p.connectorId === x.connectorId) &&
            (p.chargingProfilePurpose === undefined || p.chargingProfilePurpose === x.profile.chargingProfilePurpose) &&
            (p.stackLevel === undefined || p.stackLevel === x.profile.stackLevel)) {
            profiles.delete(id);
            n++;
        }
    }
    return {status: n > 0 ? 'Accepted' : 'Unknown'};
});
h('UpdateFirmware', (p) => {
    later(async () => {
        await firmware('Downloading');
        try {
            await fetchText(p.location);
        } catch (e) {
            await firmware('DownloadFailed');
            return;
        }
        await firmware('Downloaded');
        await firmware('Installing');
        await firmware('Installed');
    });
    return {};
});
h('GetDiagnostics', (p) => {
    later(async () => {
        await diagnostics('Uploading');
        try {
            await put(p.location, 'diagnostics of the interoperability charger\n');
            await diagnostics('Uploaded');
        } catch (e) {
            await diagnostics('UploadFailed');
        }
    });
    return {fileName: 'interop-diagnostics.txt'};
});
h('SendLocalList', (p) => {
    if (p.updateType === 'Differential' && p.listVersion <= listVersion) return {status: 'VersionMismatch'};
    listVersion = p.listVersion;
    return {status: 'Accepted'};
});
h('GetLocalListVersion', () => ({listVersion}));
h('ReserveNow', (p) => {
    reservations.set(p.reservationId, p.connectorId);
    later(() => status(p.connectorId, 'Reserved'));
    return {status: 'Accepted'};
});
h('CancelReservation', (p) => {
    if (!reservations.has(p.reservationId)) return {status: 'Rejected'};
    const c = reservations.get(p.reservationId);
    reservations.delete(p.reservationId);
    later(() => status(c, 'Available'));
    return {status: 'Accepted'};
});
h('TriggerMessage', (p) => {
    const c = p.connectorId === undefined ? 1 : p.connectorId;
    if (c > 1) return {status: 'Rejected'};
    const send = {
        BootNotification: () => tracker.call(client, 'BootNotification',
            {chargePointVendor: 'ocppkit-interop', chargePointModel: 'profiles', firmwareVersion: '1.0.0'}),
        Heartbeat: () => tracker.call(client, 'Heartbeat', {}),
        StatusNotification: () => status(c, 'Available'),
        MeterValues: () => meterValues(c),
        FirmwareStatusNotification: () => firmware('Idle'),
        DiagnosticsStatusNotification: () => diagnostics('Idle'),
    }[p.requestedMessage];
    later(send);
    return {status: 'Accepted'};
});
h('DataTransfer', (p) => {
    if (p.vendorId !== 'ocppkit') return {status: 'UnknownVendorId'};
    if (p.messageId !== 'echo') return {status: 'UnknownMessageId'};
    return {status: 'Accepted', data: p.data};
});
client.handle(({method}) => {
    tracker.fail('unexpected', {method});
    throw createRPCError('NotImplemented', `profiles_cp.js does not expect ${method}`);
});

client.on('close', () => tracker.finish());
client.connect().then(async () => {
    await tracker.call(client, 'BootNotification',
        {chargePointVendor: 'ocppkit-interop', chargePointModel: 'profiles', firmwareVersion: '1.0.0'});
    await status(1, 'Available');
}).catch((e) => tracker.finish(`cannot connect: ${e && e.message}`));
