'use strict';
// ocpp-rpc (strict mode) as a CENTRAL SYSTEM exchanging the security whitepaper's messages with ocppkit's
// charge-point side. Usage: node security_cs.js PAYLOADS.json -> listens on 127.0.0.1, port 0, and prints
// {"listening":PORT} first. Answers the four CP->CS messages (checking that SignCertificate carries a CSR), sends the
// seven CS->CP messages with the test's real chain, root, hash data and firmware signature, checks each answer, ends
// with a "Done" DataTransfer, and when the charge point closes prints one JSON summary line.
const {RPCServer, createRPCError} = require('ocpp-rpc');
const {DONE_VENDOR, DONE_MESSAGE, Tracker, isoMs, deadline} = require('./common');
const {SEC_CP_TO_CS, SEC_CS_TO_CP, readPayloads, sameHashData} = require('./security_common');

const payloadFile = process.argv[2];
if (!payloadFile) {
    process.stderr.write('usage: node security_cs.js PAYLOADS.json\n');
    process.exit(2);
}
const payloads = readPayloads(payloadFile);
const tracker = new Tracker('security-cs', SEC_CS_TO_CP, SEC_CP_TO_CS);
deadline(tracker, Number(process.env.INTEROP_TIMEOUT_MS || 25000));
const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 10000});
let charger = null;

function expect(result, status, method) {
    if (!result || result.status !== status) {
        tracker.fail('content', {message: `${method}: expected ${status}, got ${JSON.stringify(result)}`});
    }
    return result;
}

function answerChargePoint(client) {
    tracker.handle(client, 'SecurityEventNotification', () => ({}));
    tracker.handle(client, 'SignCertificate', (p) => {
        const ok = /^-----BEGIN CERTIFICATE REQUEST-----/.test(p.csr);
        if (!ok) {
            tracker.fail('content', {message: 'SignCertificate: not a PEM CSR'});
        }
        return {status: ok ? 'Accepted' : 'Rejected'};
    });
    tracker.handle(client, 'LogStatusNotification', () => ({}));
    tracker.handle(client, 'SignedFirmwareStatusNotification', () => ({}));
    client.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `security cs does not expect ${method}`);
    });
}

async function callChargePoint(client) {
    const call = (method, params) => tracker.call(client, method, params);
    expect(await call('InstallCertificate', {certificateType: 'CentralSystemRootCertificate',
        certificate: payloads.root}), 'Accepted', 'InstallCertificate');
    const ids = expect(await call('GetInstalledCertificateIds', {certificateType: 'CentralSystemRootCertificate'}),
        'Accepted', 'GetInstalledCertificateIds');
    if (ids && !(ids.certificateHashData || []).some((h) => sameHashData(h, payloads.hashData))) {
        tracker.fail('content', {message: 'GetInstalledCertificateIds: the installed root is not listed'});
    }
    expect(await call('CertificateSigned', {certificateChain: payloads.chain}), 'Accepted', 'CertificateSigned');
    expect(await call('ExtendedTriggerMessage', {requestedMessage: 'SignChargePointCertificate'}), 'Accepted',
        'ExtendedTriggerMessage');
    const log = expect(await call('GetLog', {logType: 'SecurityLog', requestId: 42, retries: 1, retryInterval: 30,
        log: {remoteLocation: payloads.logUrl, oldestTimestamp: isoMs(-86400000), latestTimestamp: isoMs()}}),
    'Accepted', 'GetLog');
    if (log && !log.filename) {
        tracker.fail('content', {message: 'GetLog: no filename'});
    }
    expect(await call('SignedUpdateFirmware', {requestId: 43, retries: 2, retryInterval: 60, firmware: {
        location: payloads.firmwareUrl, retrieveDateTime: isoMs(), installDateTime: isoMs(60000),
        signingCertificate: payloads.signingCertificate, signature: payloads.signature}}), 'Accepted',
    'SignedUpdateFirmware');
    expect(await call('DeleteCertificate', {certificateHashData: payloads.hashData}), 'Accepted',
        'DeleteCertificate');
    await call('DataTransfer', {vendorId: DONE_VENDOR, messageId: DONE_MESSAGE});
}

server.on('client', (client) => {
    if (charger) {
        client.close({code: 1008, reason: 'one charge point only'});
        return;
    }
    charger = client;
    tracker.watch(client);
    answerChargePoint(client);
    setImmediate(() => callChargePoint(client));
    client.on('close', () => {
        const settle = () => (tracker.pending > 0 ? setTimeout(settle, 10) : tracker.finish());
        settle();
    });
});

server.listen(0, '127.0.0.1')
    .then((http) => process.stdout.write(JSON.stringify({listening: http.address().port}) + '\n'))
    .catch((err) => tracker.finish(`security_cs.js cannot listen: ${err && err.stack ? err.stack : err}`));
