'use strict';
// ocpp-rpc (strict mode) as a CHARGE POINT answering every central-system action of the five optional feature
// profiles and of Core, for our scenario runner in the central-system role (tests/interop/ocpp_rpc_profiles_test.cpp).
// Usage: node profiles_cp.js ws://127.0.0.1:PORT/ocpp/IDENTITY
// Boots, reports its two connectors and the charge point (connector 1 first) and behaves as a small charger would:
// sessions by RemoteStart/StopTransaction (Authorize when AuthorizeRemoteTxRequests asks for it, with an
// authorization cache, LocalPreAuthorize and ClearCache), ChangeAvailability (Scheduled during a session; connector 0
// waits for the running transactions), UnlockConnector, Reset with a reboot, charging profiles kept by id with a
// composite of the limits in force (highest stack level per purpose, the lowest purpose limit wins) that the metered
// power follows, firmware downloaded with Downloading ... Installed and a reboot into the file's "version=" line,
// diagnostics uploaded by HTTP PUT, a local list with versions, reservations (Reserved, used by their idTag, with the
// reservationId in StartTransaction), faults raised by DataTransfer ocppkit/fault as our simulator does,
// TriggerMessage for all six messages, DataTransfer ocppkit/echo. Strict mode validates every frame both ways. When
// the runner closes the connection (not a reboot of its own) it prints one JSON summary line starting with
// {"interop":"profiles-cp" and exits 0 when everything passed.
const http = require('http');
const {RPCClient, createRPCError} = require('ocpp-rpc');
const {Tracker, isoMs, deadline} = require('./common');
const {compositeWatts, MAX_POWER_W, VOLTS} = require('./profiles_cp_limits');

// What the profile test requires of one run (profiles_central.yaml); the library scenarios use a part of it.
const OUTGOING = [
    'BootNotification', 'StatusNotification', 'Heartbeat', 'MeterValues', 'FirmwareStatusNotification',
    'DiagnosticsStatusNotification',
];
const INCOMING = [
    'SetChargingProfile', 'GetCompositeSchedule', 'ClearChargingProfile', 'UpdateFirmware', 'GetDiagnostics',
    'SendLocalList', 'GetLocalListVersion', 'ReserveNow', 'CancelReservation', 'TriggerMessage', 'DataTransfer',
];
const CONNECTORS = 2;
const ERROR_CODES = new Set([
    'ConnectorLockFailure', 'EVCommunicationError', 'GroundFailure', 'HighTemperature', 'InternalError',
    'LocalListConflict', 'OtherError', 'OverCurrentFailure', 'PowerMeterFailure', 'PowerSwitchFailure',
    'ReaderFailure', 'ResetFailure', 'UnderVoltage', 'OverVoltage', 'WeakSignal',
]);

const url = process.argv[2];
if (!url || url.lastIndexOf('/') < 0) {
    process.stderr.write('usage: node profiles_cp.js ws://HOST:PORT/PATH/IDENTITY\n');
    process.exit(2);
}
const cut = url.lastIndexOf('/');
const tracker = new Tracker('profiles-cp', OUTGOING, INCOMING);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 60000));

// The charger's state; it survives a reboot (a new connection), as a real charger's would.
let firmwareVersion = '1.0.0';
const config = {
    AuthorizationCacheEnabled: 'false', AuthorizeRemoteTxRequests: 'false', LocalPreAuthorize: 'false',
    LocalAuthListEnabled: 'true', HeartbeatInterval: '300', MeterValueSampleInterval: '60',
    NumberOfConnectors: String(CONNECTORS),
};
const readOnly = new Set(['NumberOfConnectors']);
const cache = new Map(); // idTag -> idTagInfo
const conns = Array.from({length: CONNECTORS + 1}, () => ({
    status: 'Available', tx: null, idTag: null, operative: true, pending: false, fault: null, meterWh: 1000,
}));
const profiles = new Map(); // chargingProfileId -> {connectorId, profile}
let listVersion = 0;
const reservations = new Map(); // reservationId -> {connectorId, idTag}
let client = null;
let rebooting = false;

const later = (fn, ms = 50) => setTimeout(() => fn().catch((e) => tracker.fail('run', {message: String(e)})), ms);
const call = (method, params) => tracker.call(client, method, params);
const sendStatus = (c) => call('StatusNotification',
    {connectorId: c, errorCode: conns[c].fault || 'NoError', status: conns[c].status, timestamp: isoMs()});
const setStatus = (c, s) => {
    conns[c].status = s;
    return sendStatus(c);
};
const firmware = (s) => call('FirmwareStatusNotification', {status: s});
const diagnostics = (s) => call('DiagnosticsStatusNotification', {status: s});
const reservationOn = (c) => [...reservations].find(([, r]) => r.connectorId === c);
const idleStatus = (c) => (conns[c].fault ? 'Faulted' : !conns[c].operative ? 'Unavailable'
    : reservationOn(c) ? 'Reserved' : 'Available');

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

function meterValues(c) {
    const power = conns[c].tx !== null ? Math.round(compositeWatts(profiles, c, true)) : 0;
    const v = {connectorId: c, meterValue: [{timestamp: isoMs(), sampledValue: [
        {value: String(conns[c].meterWh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Trigger'},
        {value: String(power), measurand: 'Power.Active.Import', unit: 'W', context: 'Trigger'}]}]};
    if (conns[c].tx !== null) v.transactionId = conns[c].tx;
    return call('MeterValues', v);
}

// ---- sessions ----

async function startSession(c, idTag) {
    const k = conns[c];
    k.idTag = idTag;
    await setStatus(c, 'Preparing');
    const cached = config.AuthorizationCacheEnabled === 'true' && cache.get(idTag);
    if (config.AuthorizeRemoteTxRequests === 'true' && !(config.LocalPreAuthorize === 'true' && cached)) {
        const answer = await call('Authorize', {idTag});
        if (answer && config.AuthorizationCacheEnabled === 'true') cache.set(idTag, answer.idTagInfo);
        if (!answer || answer.idTagInfo.status !== 'Accepted') {
            k.idTag = null;
            await setStatus(c, idleStatus(c));
            return;
        }
    }
    const start = {connectorId: c, idTag, meterStart: k.meterWh, timestamp: isoMs()};
    const held = reservationOn(c);
    if (held && held[1].idTag === idTag) {
        start.reservationId = held[0];
        reservations.delete(held[0]);
    }
    k.tx = 0; // taken: no second start while the answer is on its way
    const answer = await call('StartTransaction', start);
    if (!answer) {
        k.tx = null;
        await setStatus(c, idleStatus(c));
        return;
    }
    k.tx = answer.transactionId;
    await setStatus(c, 'Charging');
}

async function stopSession(c, reason) {
    const k = conns[c];
    if (k.tx === null) return;
    const transactionId = k.tx;
    k.tx = null;
    k.meterWh += 250;
    await call('StopTransaction', {transactionId, meterStop: k.meterWh, timestamp: isoMs(), reason, idTag: k.idTag});
    await setStatus(c, 'Finishing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (k.pending) {
        k.pending = false;
        k.operative = false;
    }
    await setStatus(c, idleStatus(c));
    await settleChargePoint();
}

// A Scheduled Inoperative of connector 0 happens once no transaction runs any more.
async function settleChargePoint() {
    const z = conns[0];
    if (z.pending && conns.every((k) => k.tx === null)) {
        z.pending = false;
        z.operative = false;
        await setStatus(0, 'Unavailable');
    }
}

function changeAvailability({connectorId, type}) {
    if (connectorId < 0 || connectorId > CONNECTORS) return 'Rejected';
    const operative = type === 'Operative';
    let scheduled = false;
    const changed = [];
    for (let c = 1; c <= CONNECTORS; c++) {
        if (connectorId !== 0 && connectorId !== c) continue;
        const k = conns[c];
        if (!operative && k.tx !== null) {
            k.pending = true;
            scheduled = true;
            continue;
        }
        k.operative = operative;
        k.pending = false;
        if (k.status === 'Available' || k.status === 'Unavailable') changed.push(c);
    }
    if (connectorId === 0) {
        conns[0].pending = scheduled;
        if (!scheduled) {
            conns[0].operative = operative;
            changed.push(0);
        }
    }
    later(async () => {
        for (const c of changed) {
            await setStatus(c, c === 0 ? (operative ? 'Available' : 'Unavailable') : idleStatus(c));
        }
    });
    return scheduled ? 'Scheduled' : 'Accepted';
}

// Stops the sessions, closes the connection and boots again on a new one.
async function reboot(reason) {
    for (let c = 1; c <= CONNECTORS; c++) await stopSession(c, reason);
    rebooting = true;
    await client.close({code: 1012, reason: 'rebooting'});
    rebooting = false;
    await connect().catch((e) => tracker.finish(`cannot connect again after the reboot: ${e && e.message}`));
}

function faultDataTransfer(p) {
    let d;
    try {
        d = JSON.parse(p.data || '');
    } catch (e) {
        return 'Rejected';
    }
    const c = d && Number.isInteger(d.connectorId) ? d.connectorId : -1;
    const code = d && d.errorCode !== undefined ? d.errorCode : 'OtherError';
    if (c < 1 || c > CONNECTORS || (p.messageId === 'fault' && !ERROR_CODES.has(code))) return 'Rejected';
    const k = conns[c];
    if (p.messageId === 'clear-fault') {
        k.fault = null;
        later(() => setStatus(c, k.tx !== null ? 'Charging' : idleStatus(c)));
    } else {
        k.fault = code;
        later(async () => {
            await stopSession(c, 'Other');
            await setStatus(c, 'Faulted');
        });
    }
    return 'Accepted';
}

// ---- the handlers, installed on every connection ----

function install(cl) {
    const h = (method, fn) => tracker.handle(cl, method, fn);
    h('GetConfiguration', (p) => {
        const keys = p.key && p.key.length ? p.key : Object.keys(config);
        return {
            configurationKey: keys.filter((k) => k in config)
                .map((k) => ({key: k, readonly: readOnly.has(k), value: config[k]})),
            unknownKey: keys.filter((k) => !(k in config)),
        };
    });
    h('ChangeConfiguration', (p) => {
        if (!(p.key in config)) return {status: 'NotSupported'};
        if (readOnly.has(p.key)) return {status: 'Rejected'};
        config[p.key] = p.value;
        return {status: 'Accepted'};
    });
    h('RemoteStartTransaction', (p) => {
        let c = p.connectorId;
        if (c === undefined) {
            c = [...conns.keys()].slice(1).find((k) => conns[k].status === 'Available' && conns[k].operative);
        }
        const k = conns[c];
        const held = k && reservationOn(c);
        const free = k && c >= 1 && k.operative && !k.fault && k.tx === null &&
            (k.status === 'Available' || (k.status === 'Reserved' && held && held[1].idTag === p.idTag));
        if (!free) return {status: 'Rejected'};
        later(() => startSession(c, p.idTag));
        return {status: 'Accepted'};
    });
    h('RemoteStopTransaction', async (p) => {
        let c = conns.findIndex((k) => k.tx === p.transactionId);
        if (c < 1 && conns.some((k) => k.tx === 0)) {
            // The answer to a StartTransaction may still be on its way through ocpp-rpc: wait for its id.
            await new Promise((resolve) => setTimeout(resolve, 200));
            c = conns.findIndex((k) => k.tx === p.transactionId);
        }
        if (c < 1) return {status: 'Rejected'};
        later(() => stopSession(c, 'Remote'));
        return {status: 'Accepted'};
    });
    h('UnlockConnector', (p) => {
        if (p.connectorId < 1 || p.connectorId > CONNECTORS) return {status: 'NotSupported'};
        later(() => stopSession(p.connectorId, 'UnlockCommand'));
        return {status: 'Unlocked'};
    });
    h('ClearCache', () => {
        cache.clear();
        return {status: 'Accepted'};
    });
    h('Reset', (p) => {
        later(() => reboot(p.type === 'Hard' ? 'HardReset' : 'SoftReset'), 100);
        return {status: 'Accepted'};
    });
    h('ChangeAvailability', (p) => ({status: changeAvailability(p)}));
    h('SetChargingProfile', (p) => {
        profiles.set(p.csChargingProfiles.chargingProfileId, {connectorId: p.connectorId, profile: p.csChargingProfiles});
        return {status: 'Accepted'};
    });
    h('GetCompositeSchedule', (p) => {
        const c = p.connectorId;
        if (c < 0 || c > CONNECTORS) return {status: 'Rejected'};
        const at = (k) => compositeWatts(profiles, k, conns[k].tx !== null);
        const watts = c === 0 ? Math.min(MAX_POWER_W * CONNECTORS, at(1) + at(2)) : at(c);
        const unit = p.chargingRateUnit || 'W';
        const limit = unit === 'W' ? Math.round(watts) : Math.round((watts / VOLTS / 3) * 10) / 10;
        return {status: 'Accepted', connectorId: c, scheduleStart: isoMs(), chargingSchedule: {
            duration: p.duration, chargingRateUnit: unit, chargingSchedulePeriod: [{startPeriod: 0, limit}]}};
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
            let file;
            try {
                file = await fetchText(p.location);
            } catch (e) {
                await firmware('DownloadFailed');
                return;
            }
            await firmware('Downloaded');
            await firmware('Installing');
            const version = /^version=(\S{1,50})/.exec(file);
            if (version) firmwareVersion = version[1];
            await firmware('Installed');
            await reboot('Reboot');
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
        const c = p.connectorId;
        if (c < 1 || c > CONNECTORS || Date.parse(p.expiryDate) <= Date.now()) return {status: 'Rejected'};
        const k = conns[c];
        const other = reservationOn(c);
        if (k.fault) return {status: 'Faulted'};
        if (!k.operative) return {status: 'Unavailable'};
        if ((k.status !== 'Available' && !(other && other[0] === p.reservationId)) || k.tx !== null ||
            (other && other[0] !== p.reservationId)) {
            return {status: 'Occupied'};
        }
        reservations.delete(p.reservationId);
        reservations.set(p.reservationId, {connectorId: c, idTag: p.idTag});
        if (k.status !== 'Reserved') later(() => setStatus(c, 'Reserved'));
        return {status: 'Accepted'};
    });
    h('CancelReservation', (p) => {
        if (!reservations.has(p.reservationId)) return {status: 'Rejected'};
        const c = reservations.get(p.reservationId).connectorId;
        reservations.delete(p.reservationId);
        if (conns[c].status === 'Reserved') later(() => setStatus(c, idleStatus(c)));
        return {status: 'Accepted'};
    });
    h('TriggerMessage', (p) => {
        const c = p.connectorId === undefined ? 1 : p.connectorId;
        if (c > CONNECTORS) return {status: 'Rejected'};
        const send = {
            BootNotification: boot,
            Heartbeat: () => call('Heartbeat', {}),
            StatusNotification: () => sendStatus(c),
            MeterValues: () => meterValues(Math.max(1, c)),
            FirmwareStatusNotification: () => firmware('Idle'),
            DiagnosticsStatusNotification: () => diagnostics('Idle'),
        }[p.requestedMessage];
        later(send);
        return {status: 'Accepted'};
    });
    h('DataTransfer', (p) => {
        if (p.vendorId !== 'ocppkit') return {status: 'UnknownVendorId'};
        if (p.messageId === 'fault' || p.messageId === 'clear-fault') return {status: faultDataTransfer(p)};
        if (p.messageId !== 'echo') return {status: 'UnknownMessageId'};
        return {status: 'Accepted', data: p.data};
    });
    cl.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `profiles_cp.js does not expect ${method}`);
    });
}

function boot() {
    return call('BootNotification',
        {chargePointVendor: 'ocppkit-interop', chargePointModel: 'profiles', firmwareVersion});
}

async function connect() {
    client = new RPCClient({
        endpoint: url.slice(0, cut),
        identity: decodeURIComponent(url.slice(cut + 1)),
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: false,
        callTimeoutMs: 10000,
    });
    tracker.watch(client);
    install(client);
    client.on('close', () => {
        if (!rebooting) tracker.finish();
    });
    await client.connect();
    await boot();
    // Connector 1 first: the profile scenario takes the first StatusNotification as connector 1's.
    for (const c of [1, 0, 2]) await sendStatus(c);
}

connect().catch((e) => tracker.finish(`cannot connect: ${e && e.message}`));
