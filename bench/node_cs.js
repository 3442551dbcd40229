'use strict';
// A strict ocpp-rpc central system on Node for bench/threads.sh: answers BootNotification, StatusNotification and
// Heartbeat, counts the Heartbeats, and prints {"t":MS,"heartbeats":N} every 250 ms.
// Usage: node bench/node_cs.js PORT   (127.0.0.1)
const {RPCServer} = require('ocpp-rpc');

const port = Number(process.argv[2] || 0);
let heartbeats = 0;
const server = new RPCServer({protocols: ['ocpp1.6'], strictMode: true});
server.on('client', (client) => {
    client.handle('BootNotification', () => ({status: 'Accepted', currentTime: new Date().toISOString(), interval: 86400}));
    client.handle('StatusNotification', () => ({}));
    client.handle('Heartbeat', () => {
        heartbeats += 1;
        return {currentTime: new Date().toISOString()};
    });
});
server.listen(port, '127.0.0.1').then(() => {
    setInterval(() => process.stdout.write(JSON.stringify({t: Date.now(), heartbeats}) + '\n'), 250);
});
process.on('SIGTERM', () => process.exit(0));
