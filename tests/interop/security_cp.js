'use strict';
// ocpp-rpc (strict mode) as a CHARGE POINT exchanging the security whitepaper's messages with ocppkit's
// central-system side. Usage: node security_cp.js ws://127.0.0.1:PORT/ocpp/ID PAYLOADS.json
// Sends the four CP->CS messages (SignCertificate with the test's real CSR), answers the seven CS->CP messages after
// checking their content with node's crypto (the chain leads to the root, the firmware signature verifies, the hash
// data names the installed root), closes after the central system's "Done" DataTransfer and prints one JSON
// summary line; exits non-zero on any validation failure, CALLERROR, failed check or gap.
const {RPCClient, createRPCError} = require('ocpp-rpc');
const {DONE_VENDOR, DONE_MESSAGE, Tracker, isoMs, deadline} = require('./common');
const {SEC_CP_TO_CS, SEC_CS_TO_CP, readPayloads, certificates, chainProblem, signatureVerifies, sameHashData} =
    require('./security_common');

const [url, payloadFile] = process.argv.slice(2);
if (!url || !payloadFile) {
    process.stderr.write('usage: node security_cp.js ws://HOST:PORT/PATH/IDENTITY PAYLOADS.json\n');
    process.exit(2);
}
const payloads = readPayloads(payloadFile);
const cut = url.lastIndexOf('/');
const tracker = new Tracker('security-cp', SEC_CP_TO_CS, SEC_CS_TO_CP);
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

let sequenceDone = false;
let doneReceived = false;
let closing = false;
const installed = [];

async function maybeClose() {
    if (closing || !sequenceDone || !doneReceived || tracker.pending > 0) {
        return;
    }
    closing = true;
    await client.close({code: 1000, reason: 'interop done', awaitPending: true});
}

function check(ok, message) {
    if (!ok) {
        tracker.fail('content', {message});
    }
    return ok;
}

function answerCentralSystem() {
    tracker.handle(client, 'CertificateSigned', (p) => {
        const problem = chainProblem(p.certificateChain, payloads.root);
        check(!problem, `CertificateSigned: ${problem}`);
        return {status: problem ? 'Rejected' : 'Accepted'};
    });
    tracker.handle(client, 'InstallCertificate', (p) => {
        const [cert] = certificates(p.certificate);
        const ok = check(cert && cert.ca && p.certificateType === 'CentralSystemRootCertificate',
            'InstallCertificate: expected a CA certificate as CentralSystemRootCertificate');
        if (ok) {
            installed.push(p.certificate);
        }
        return {status: ok ? 'Accepted' : 'Rejected'};
    });
    tracker.handle(client, 'GetInstalledCertificateIds', (p) => {
        check(p.certificateType === 'CentralSystemRootCertificate', 'GetInstalledCertificateIds: certificateType');
        return {status: 'Accepted', certificateHashData: [payloads.hashData]};
    });
    tracker.handle(client, 'DeleteCertificate', (p) => {
        const ok = check(sameHashData(p.certificateHashData, payloads.hashData),
            'DeleteCertificate: the hash data does not name the installed root');
        return {status: ok ? 'Accepted' : 'NotFound'};
    });
    tracker.handle(client, 'ExtendedTriggerMessage', (p) => {
        if (p.requestedMessage !== 'LogStatusNotification') {
            return {status: 'NotImplemented'};
        }
        // Answer first, then send the requested message.
        setImmediate(() => tracker.call(client, 'LogStatusNotification', {status: 'Idle'}).then(maybeClose));
        return {status: 'Accepted'};
    });
    tracker.handle(client, 'GetLog', (p) => {
        check(p.logType === 'SecurityLog' && p.log.remoteLocation === payloads.logUrl, 'GetLog: logType or location');
        return {status: 'Accepted', filename: 'security-log-CP-SEC-1.log'};
    });
    tracker.handle(client, 'SignedUpdateFirmware', (p) => {
        const ok = check(p.firmware.location === payloads.firmwareUrl &&
            signatureVerifies(p.firmware.signingCertificate, payloads.firmware, p.firmware.signature),
            'SignedUpdateFirmware: the signature does not verify over the firmware');
        return {status: ok ? 'Accepted' : 'InvalidCertificate'};
    });
    tracker.handle(client, 'DataTransfer', (p) => {
        if (p.vendorId === DONE_VENDOR && p.messageId === DONE_MESSAGE) {
            doneReceived = true;
            setImmediate(maybeClose);
        }
        return {status: 'Accepted'};
    });
    client.handle(({method}) => {
        tracker.fail('unexpected', {method});
        throw createRPCError('NotImplemented', `security cp does not expect ${method}`);
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
    await tracker.call(client, 'SecurityEventNotification',
        {type: 'StartupOfTheDevice', timestamp: isoMs(), techInfo: 'security profile 2'});
    const signed = await tracker.call(client, 'SignCertificate', {csr: payloads.csr});
    check(signed && signed.status === 'Accepted', 'SignCertificate: expected Accepted');
    await tracker.call(client, 'LogStatusNotification', {status: 'Uploading', requestId: 42});
    await tracker.call(client, 'SignedFirmwareStatusNotification', {status: 'SignatureVerified', requestId: 43});
    sequenceDone = true;
    await maybeClose();
}

run().catch((err) => tracker.finish(`security_cp.js failed: ${err && err.stack ? err.stack : err}`));
