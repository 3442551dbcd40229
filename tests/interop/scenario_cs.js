'use strict';
// ocpp-rpc (strict mode) as a CENTRAL SYSTEM for the scenario library (tests/scenario): the protocol-only scenarios
// run against it as a second, independent implementation.
// Usage: node scenario_cs.js   (listens on 127.0.0.1, port 0, prints {"listening":PORT}; SIGTERM stops it)
// Accepts any charger under /ocpp/{id} with the subprotocol ocpp1.6 and answers every charge point action. A charger
// whose ID contains "PENDING" gets BootNotification Pending (interval 1 s) on its first boot, Accepted after that.
const {RPCServer} = require('ocpp-rpc');
const {isoMs} = require('./common');

const boots = new Map(); // charger -> boots answered
let nextTransactionId = 1;

const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 10000});
server.auth((accept, reject, handshake) => {
    if (handshake.endpoint !== '/ocpp' || !handshake.protocols.has('ocpp1.6')) {
        reject(400, 'chargers connect under /ocpp/{id} with ocpp1.6');
        return;
    }
    accept();
});
server.on('client', (client) => {
    const id = client.identity;
    client.handle('BootNotification', () => {
        const n = (boots.get(id) || 0) + 1;
        boots.set(id, n);
        const pending = id.includes('PENDING') && n === 1;
        return {status: pending ? 'Pending' : 'Accepted', currentTime: isoMs(), interval: pending ? 1 : 5};
    });
    client.handle('Heartbeat', () => ({currentTime: isoMs()}));
    client.handle('StatusNotification', () => ({}));
    client.handle('Authorize', () => ({idTagInfo: {status: 'Accepted'}}));
    client.handle('StartTransaction', () => ({idTagInfo: {status: 'Accepted'}, transactionId: nextTransactionId++}));
    client.handle('MeterValues', () => ({}));
    client.handle('StopTransaction', () => ({idTagInfo: {status: 'Accepted'}}));
    client.handle('DataTransfer', () => ({status: 'UnknownVendorId'}));
    client.handle('FirmwareStatusNotification', () => ({}));
    client.handle('DiagnosticsStatusNotification', () => ({}));
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
setTimeout(() => process.exit(1), 600 * 1000).unref(); // never outlive a stuck test
server.listen(0, '127.0.0.1')
    .then((http) => process.stdout.write(JSON.stringify({listening: http.address().port}) + '\n'))
    .catch((err) => {
        process.stderr.write(`scenario_cs.js cannot listen: ${err && err.stack ? err.stack : err}\n`);
        process.exit(1);
    });
