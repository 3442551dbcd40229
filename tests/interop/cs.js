'use strict';
// ocpp-rpc (strict mode) as a CENTRAL SYSTEM against ocppkit's charge-point side.
// Usage: node cs.js   -> listens on 127.0.0.1, port 0, and prints {"listening":PORT} on its first line.
// Accepts one charge point, answers every CP->CS action, calls every CS->CP action after the BootNotification,
// ends with a "Done" DataTransfer, and when the charge point closes prints one JSON summary line; exits non-zero on
// any validation failure, CALLERROR or gap.
const {RPCServer, createRPCError} = require('ocpp-rpc');
const {CP_TO_CS, CS_TO_CP, DONE_VENDOR, DONE_MESSAGE, Tracker, isoMs, deadline} = require('./common');

const tracker = new Tracker('cs', CS_TO_CP, CP_TO_CS);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 25000));

const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 10000});
let nextTransactionId = 1001;
let lastTransactionId = 0;
let charger = null;

function idTagInfo() {
    return {status: 'Accepted', expiryDate: isoMs(24 * 3600 * 1000), parentIdTag: 'FLEET-7'};
}

function answerChargePoint(client) {
    tracker.handle(client, 'BootNotification', () => {
        setImmediate(() => callChargePoint(client));
        return {status: 'Accepted', currentTime: isoMs(), interval: 300};
    });
    tracker.handle(client, 'Authorize', () => ({idTagInfo: idTagInfo()}));
    tracker.handle(client, 'DataTransfer', (p) => ({status: 'Accepted', data: JSON.stringify({vendor: p.vendorId})}));
    tracker.handle(client, 'Heartbeat', () => ({currentTime: isoMs()}));
    tracker.handle(client, 'MeterValues', () => ({}));
    tracker.handle(client, 'StartTransaction', () => {
        lastTransactionId = nextTransactionId++;
        return {idTagInfo: idTagInfo(), transactionId: lastTransactionId};
    });
    tracker.handle(client, 'StatusNotification', () => ({}));
    tracker.handle(client, 'StopTransaction', () => ({idTagInfo: {status: 'Accepted'}}));
    tracker.handle(client, 'FirmwareStatusNotification', () => ({}));
    tracker.handle(client, 'DiagnosticsStatusNotification', () => ({}));
    client.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `interop cs does not expect ${method}`);
    });
}

// Every CS->CP action, in the order an operator's back office might send them, then "Done".
async function callChargePoint(client) {
    const call = (method, params) => tracker.call(client, method, params);
    await call('ChangeAvailability', {connectorId: 1, type: 'Inoperative'});
    await call('ChangeAvailability', {connectorId: 1, type: 'Operative'});
    await call('ChangeConfiguration', {key: 'HeartbeatInterval', value: '120'});
    await call('ClearCache', {});
    await call('DataTransfer', {vendorId: 'com.example.backoffice', messageId: 'SetTariff',
        data: JSON.stringify({currency: 'EUR', perKWh: 0.39})});
    await call('GetConfiguration', {key: ['HeartbeatInterval', 'MeterValueSampleInterval', 'NoSuchKey']});
    await call('GetConfiguration', {});
    await call('RemoteStartTransaction', {
        connectorId: 1,
        idTag: 'REMOTE-0042',
        chargingProfile: {
            chargingProfileId: 7, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute',
            validFrom: isoMs(), validTo: isoMs(3600 * 1000),
            chargingSchedule: {
                duration: 3600, startSchedule: isoMs(), chargingRateUnit: 'A', minChargingRate: 6.1,
                chargingSchedulePeriod: [
                    {startPeriod: 0, limit: 16, numberPhases: 3},
                    {startPeriod: 1800, limit: 10.5},
                ],
            },
        },
    });
    await call('RemoteStopTransaction', {transactionId: lastTransactionId || 1});
    await call('Reset', {type: 'Soft'});
    await call('UnlockConnector', {connectorId: 1});
    await call('TriggerMessage', {requestedMessage: 'StatusNotification', connectorId: 1});
    await call('TriggerMessage', {requestedMessage: 'Heartbeat'});
    await call('DataTransfer', {vendorId: DONE_VENDOR, messageId: DONE_MESSAGE});
}

server.on('client', (client) => {
    if (charger) {
        tracker.fail('run', {message: `a second charge point connected: ${client.identity}`});
        client.close({code: 1008, reason: 'one charge point only'});
        return;
    }
    charger = client;
    tracker.watch(client);
    answerChargePoint(client);
    client.on('close', () => {
        // The charge point closes once it has everything; wait for our own calls to settle before judging.
        const settle = () => (tracker.pending > 0 ? setTimeout(settle, 10) : tracker.finish());
        settle();
    });
});

server.listen(0, '127.0.0.1')
    .then((http) => process.stdout.write(JSON.stringify({listening: http.address().port}) + '\n'))
    .catch((err) => tracker.finish(`cs.js cannot listen: ${err && err.stack ? err.stack : err}`));
