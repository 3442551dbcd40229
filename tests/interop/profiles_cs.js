'use strict';
// ocpp-rpc (strict mode) as a CENTRAL SYSTEM calling every action of the five optional feature profiles on one
// ocpp-simulator charger (tests/interop/ocpp_rpc_profiles_test.cpp).
// Usage: node profiles_cs.js [--deadline S]
// Listens on 127.0.0.1, port 0 (OCPP under /ocpp/{id}) and prints {"listening":PORT} first; serves a firmware file
// and takes the diagnostics upload (HTTP PUT or POST) on a second port of its own. After the charger's first boot it
// sends, in order: SetChargingProfile, GetCompositeSchedule, ClearChargingProfile, ChangeConfiguration
// (LocalAuthListEnabled), SendLocalList, GetLocalListVersion, ReserveNow, CancelReservation, TriggerMessage for all
// six messages, GetDiagnostics and UpdateFirmware (and a connector fault raised and cleared by DataTransfer, with
// ReserveNow answered Faulted meanwhile), and checks each answer's status as OCPP 1.6 says a charger that
// supports the profile answers; it receives FirmwareStatusNotification (Downloading ... Installed) and
// DiagnosticsStatusNotification (Uploading, Uploaded). Strict mode validates every frame both ways. Prints one JSON
// summary line starting with {"interop":"profiles-cs" and exits 0 when everything passed.
const http = require('http');
const {RPCServer, createRPCError} = require('ocpp-rpc');
const {Tracker, isoMs} = require('./common');

const OUTGOING = [
    'SetChargingProfile', 'GetCompositeSchedule', 'ClearChargingProfile', 'SendLocalList', 'GetLocalListVersion',
    'ReserveNow', 'CancelReservation', 'TriggerMessage', 'GetDiagnostics', 'UpdateFirmware',
];
const INCOMING = [
    'BootNotification', 'StatusNotification', 'Heartbeat', 'MeterValues', 'FirmwareStatusNotification',
    'DiagnosticsStatusNotification',
];
const TRIGGERS = [
    'BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues',
    'StatusNotification',
];
const FIRMWARE = ['Downloading', 'Downloaded', 'Installing', 'Installed'];

let deadlineS = 90;
for (let i = 2; i < process.argv.length; i += 2) {
    if (process.argv[i] === '--deadline') deadlineS = Number(process.argv[i + 1]);
    else throw new Error(`profiles_cs.js: unknown option ${process.argv[i]}`);
}

const tracker = new Tracker('profiles-cs', OUTGOING, INCOMING);
const firmwareStatuses = [];
const diagnosticsStatuses = [];
const reservedSeen = [];
const connector2 = []; // its StatusNotifications
const boots = [];
const uploads = [];
let downloads = 0;
let started = false;
const answers = {};

// The firmware file and the upload endpoint.
const files = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/fw/ocppkit-2.0.0.bin') {
        downloads++;
        res.writeHead(200, {'Content-Type': 'application/octet-stream'});
        res.end('version=2.0.0\nfirmware for the interoperability test\n');
        return;
    }
    if ((req.method === 'PUT' || req.method === 'POST') && req.url.startsWith('/upload')) {
        let size = 0;
        req.on('data', (chunk) => { size += chunk.length; });
        req.on('end', () => {
            uploads.push({method: req.method, url: req.url, size});
            res.writeHead(200);
            res.end('ok');
        });
        return;
    }
    res.writeHead(404);
    res.end();
});

function expectStatus(method, res, wanted) {
    answers[method] = res;
    const got = res && res.status;
    if (!wanted.includes(got)) {
        tracker.fail('status', {method, wanted, got: res});
    }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, predicate, ms) {
    const end = Date.now() + ms;
    while (!predicate()) {
        if (Date.now() > end) {
            tracker.fail('timeout', {message: `no ${what} within ${ms} ms`});
            return false;
        }
        await sleep(100);
    }
    return true;
}

async function run(client, filesPort) {
    const profile = {
        chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: {startSchedule: isoMs(-60000), chargingRateUnit: 'W',
            chargingSchedulePeriod: [{startPeriod: 0, limit: 7400}, {startPeriod: 1800, limit: 3700}]},
    };
    expectStatus('SetChargingProfile', await tracker.call(client, 'SetChargingProfile',
        {connectorId: 1, csChargingProfiles: profile}), ['Accepted']);
    const composite = await tracker.call(client, 'GetCompositeSchedule',
        {connectorId: 1, duration: 3600, chargingRateUnit: 'W'});
    expectStatus('GetCompositeSchedule', composite, ['Accepted']);
    if (composite && !(composite.chargingSchedule && composite.chargingSchedule.chargingSchedulePeriod.length > 0)) {
        tracker.fail('composite', {message: 'GetCompositeSchedule Accepted without a schedule', got: composite});
    }
    expectStatus('ClearChargingProfile', await tracker.call(client, 'ClearChargingProfile', {id: 7}), ['Accepted']);

    expectStatus('ChangeConfiguration', await tracker.call(client, 'ChangeConfiguration',
        {key: 'LocalAuthListEnabled', value: 'true'}), ['Accepted']);
    expectStatus('SendLocalList', await tracker.call(client, 'SendLocalList', {listVersion: 3, updateType: 'Full',
        localAuthorizationList: [{idTag: 'INTEROP-1', idTagInfo: {status: 'Accepted', expiryDate: isoMs(86400000)}},
            {idTag: 'INTEROP-2', idTagInfo: {status: 'Blocked', parentIdTag: 'INTEROP-P'}}]}), ['Accepted']);
    const version = await tracker.call(client, 'GetLocalListVersion', {});
    answers.GetLocalListVersion = version;
    if (!version || version.listVersion !== 3) tracker.fail('localList', {wanted: 3, got: version});

    expectStatus('ReserveNow', await tracker.call(client, 'ReserveNow', {connectorId: 1,
        expiryDate: isoMs(3600000), idTag: 'INTEROP-1', reservationId: 41}), ['Accepted']);
    await until('StatusNotification Reserved', () => reservedSeen.length > 0, 10000);
    expectStatus('CancelReservation', await tracker.call(client, 'CancelReservation', {reservationId: 41}),
        ['Accepted']);

    // A fault raised through the simulator's DataTransfer: StatusNotification Faulted with its errorCode, ReserveNow
    // answered Faulted, and Available again once cleared.
    expectStatus('DataTransfer fault', await tracker.call(client, 'DataTransfer', {vendorId: 'ocppkit',
        messageId: 'fault', data: JSON.stringify({connectorId: 2, errorCode: 'GroundFailure'})}), ['Accepted']);
    await until('StatusNotification Faulted GroundFailure on connector 2',
        () => connector2.some((x) => x.status === 'Faulted' && x.errorCode === 'GroundFailure'), 10000);
    expectStatus('ReserveNow faulted', await tracker.call(client, 'ReserveNow', {connectorId: 2,
        expiryDate: isoMs(3600000), idTag: 'INTEROP-1', reservationId: 42}), ['Faulted']);
    expectStatus('DataTransfer clear-fault', await tracker.call(client, 'DataTransfer', {vendorId: 'ocppkit',
        messageId: 'clear-fault', data: JSON.stringify({connectorId: 2})}), ['Accepted']);
    await until('StatusNotification Available on connector 2 after the fault',
        () => connector2.length > 0 && connector2[connector2.length - 1].status === 'Available', 10000);

    for (const requestedMessage of TRIGGERS) {
        const params = {requestedMessage};
        if (requestedMessage === 'MeterValues' || requestedMessage === 'StatusNotification') params.connectorId = 1;
        expectStatus(`TriggerMessage ${requestedMessage}`, await tracker.call(client, 'TriggerMessage', params),
            ['Accepted']);
        await sleep(300);
    }

    const diag = await tracker.call(client, 'GetDiagnostics', {location: `http://127.0.0.1:${filesPort}/upload`,
        retries: 1, retryInterval: 5, startTime: isoMs(-3600000), stopTime: isoMs()});
    answers.GetDiagnostics = diag;
    if (!diag) tracker.fail('diagnostics', {message: 'no answer to GetDiagnostics'});
    await until('DiagnosticsStatusNotification Uploaded',
        () => diagnosticsStatuses.includes('Uploaded') || diagnosticsStatuses.includes('UploadFailed'), 30000);
    if (uploads.length === 0) tracker.fail('diagnostics', {message: 'nothing was uploaded'});

    const fw = await tracker.call(client, 'UpdateFirmware', {location: `http://127.0.0.1:${filesPort}/fw/ocppkit-2.0.0.bin`,
        retrieveDate: isoMs(), retries: 1, retryInterval: 5});
    answers.UpdateFirmware = fw;
    await until('FirmwareStatusNotification Installed', () => firmwareStatuses.includes('Installed') ||
        firmwareStatuses.includes('DownloadFailed') || firmwareStatuses.includes('InstallationFailed'), 60000);
    await until('a BootNotification with firmware 2.0.0', () => boots.some((b) => b.firmwareVersion === '2.0.0'),
        30000);
    const seen = firmwareStatuses.filter((s) => FIRMWARE.includes(s));
    if (JSON.stringify(seen) !== JSON.stringify(FIRMWARE)) {
        tracker.fail('firmware', {wanted: FIRMWARE, got: firmwareStatuses});
    }
    if (JSON.stringify(diagnosticsStatuses.filter((s) => s !== 'Idle')) !== JSON.stringify(['Uploading', 'Uploaded'])) {
        tracker.fail('diagnostics', {wanted: ['Uploading', 'Uploaded'], got: diagnosticsStatuses});
    }
    if (downloads === 0) tracker.fail('firmware', {message: 'the firmware file was never downloaded'});
    await sleep(500);
    finish();
}

function finish(reason) {
    if (reason) tracker.fail('run', {message: reason});
    process.stderr.write(JSON.stringify({answers, firmwareStatuses, diagnosticsStatuses, uploads, downloads, boots}) + '\n');
    tracker.finish();
}

const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 10000});
server.auth((accept) => accept());
server.on('client', (client) => {
    tracker.watch(client);
    const handle = (method, fn) => tracker.handle(client, method, fn);
    handle('BootNotification', (p) => {
        boots.push({firmwareVersion: p.firmwareVersion});
        if (!started) {
            started = true;
            setTimeout(() => run(client, files.address().port).catch((e) => finish(String(e && e.stack))), 500);
        }
        return {status: 'Accepted', currentTime: isoMs(), interval: 30};
    });
    handle('StatusNotification', (p) => {
        if (p.status === 'Reserved' && p.connectorId === 1) reservedSeen.push(p);
        if (p.connectorId === 2) connector2.push(p);
        return {};
    });
    handle('Heartbeat', () => ({currentTime: isoMs()}));
    handle('MeterValues', () => ({}));
    handle('Authorize', () => ({idTagInfo: {status: 'Accepted'}}));
    handle('DataTransfer', () => ({status: 'UnknownVendorId'}));
    handle('FirmwareStatusNotification', (p) => { firmwareStatuses.push(p.status); return {}; });
    handle('DiagnosticsStatusNotification', (p) => { diagnosticsStatuses.push(p.status); return {}; });
    // The simulator implements the security whitepaper too: its events (StartupOfTheDevice, FirmwareUpdated, ...)
    // are validated strictly like every other message.
    handle('SecurityEventNotification', () => ({}));
    client.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `profiles_cs.js does not expect ${method}`);
    });
});

setTimeout(() => finish(`deadline of ${deadlineS} s reached`), deadlineS * 1000).unref();
files.listen(0, '127.0.0.1', () => {
    server.listen(0, '127.0.0.1')
        .then((h) => process.stdout.write(JSON.stringify({listening: h.address().port}) + '\n'))
        .catch((err) => finish(`cannot listen: ${err}`));
});
