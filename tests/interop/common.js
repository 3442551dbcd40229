'use strict';
// Shared by cp.js and cs.js: the action lists, the failure tracker and the JSON summary line.

// Charge point -> central system: the Core profile plus the two firmware-management notifications.
const CP_TO_CS = [
    'Authorize', 'BootNotification', 'DataTransfer', 'Heartbeat', 'MeterValues', 'StartTransaction',
    'StatusNotification', 'StopTransaction', 'FirmwareStatusNotification', 'DiagnosticsStatusNotification',
];
// Central system -> charge point: the Core profile plus TriggerMessage.
const CS_TO_CP = [
    'ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'DataTransfer', 'GetConfiguration',
    'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset', 'UnlockConnector', 'TriggerMessage',
];
// The vendor and message id of the DataTransfer with which a side says "I have no more calls for you".
const DONE_VENDOR = 'ocppkit.interop';
const DONE_MESSAGE = 'Done';

const MAX_LISTED_FAILURES = 20;

// Counts every strict-validation failure, CALLERROR and malformed frame on one connection, records which actions
// went each way, and prints one JSON summary line when the run ends.
class Tracker {
    constructor(role, outgoing, incoming) {
        this.role = role;
        this.outgoing = outgoing; // actions this side must call successfully
        this.incoming = incoming; // actions this side must receive and answer
        this.sent = new Set();
        this.received = new Set();
        this.validationFailures = 0;
        this.callErrors = 0;
        this.badMessages = 0;
        this.failures = [];
        this.pending = 0;
        this.finished = false;
    }

    fail(kind, detail) {
        if (this.failures.length < MAX_LISTED_FAILURES) {
            this.failures.push({kind, ...detail});
        }
    }

    // Listens to the ocpp-rpc events that signal a problem on this connection.
    watch(client) {
        client.on('strictValidationFailure', (e) => {
            this.validationFailures++;
            this.fail('strictValidation', {
                method: e.method,
                direction: e.outbound ? 'outbound' : 'inbound',
                frame: e.isCall ? 'CALL' : 'CALLRESULT',
                message: e.error && e.error.message,
                payload: e.isCall ? e.params : e.result,
            });
        });
        client.on('callError', (e) => {
            this.callErrors++;
            this.fail('callError', {
                method: e.method,
                direction: e.outbound ? 'our call was refused' : 'we refused their call',
                code: e.error && e.error.rpcErrorCode,
                message: e.error && e.error.message,
            });
        });
        client.on('badMessage', (e) => {
            this.badMessages++;
            this.fail('badMessage', {message: e.error && e.error.message, frame: String(e.buffer).slice(0, 300)});
        });
    }

    // Calls an action, records it as sent when answered; failures are counted by watch(), so this never throws.
    async call(client, method, params) {
        this.pending++;
        try {
            const result = await client.call(method, params);
            this.sent.add(method);
            return result;
        } catch (err) {
            return null;
        } finally {
            this.pending--;
        }
    }

    // Registers a handler that records the action as received once it has produced its answer.
    handle(client, method, handler) {
        client.handle(method, async (call) => {
            const result = await handler(call.params);
            this.received.add(method);
            return result;
        });
    }

    missing() {
        return {
            notSent: this.outgoing.filter((a) => !this.sent.has(a)),
            notReceived: this.incoming.filter((a) => !this.received.has(a)),
        };
    }

    ok() {
        const m = this.missing();
        return this.validationFailures === 0 && this.callErrors === 0 && this.badMessages === 0 &&
            m.notSent.length === 0 && m.notReceived.length === 0 && this.failures.length === 0;
    }

    // Prints the summary line and exits: 0 when everything was exchanged cleanly, 1 otherwise.
    finish(reason) {
        if (this.finished) {
            return;
        }
        this.finished = true;
        if (reason) {
            this.fail('run', {message: reason});
        }
        const m = this.missing();
        const summary = {
            interop: this.role,
            ok: this.ok(),
            sent: [...this.sent].sort(),
            received: [...this.received].sort(),
            notSent: m.notSent,
            notReceived: m.notReceived,
            validationFailures: this.validationFailures,
            callErrors: this.callErrors,
            badMessages: this.badMessages,
            failures: this.failures,
        };
        process.stdout.write(JSON.stringify(summary) + '\n', () => process.exit(summary.ok ? 0 : 1));
    }
}

// A date-time as ocpp-rpc and most chargers send it: UTC with milliseconds ("2026-01-31T12:00:00.123Z").
function isoMs(offsetMs = 0) {
    return new Date(Date.now() + offsetMs).toISOString();
}

// Exits with a summary when the run takes longer than it should.
function deadline(tracker, ms) {
    const timer = setTimeout(() => tracker.finish(`timed out after ${ms} ms`), ms);
    timer.unref();
}

module.exports = {CP_TO_CS, CS_TO_CP, DONE_VENDOR, DONE_MESSAGE, Tracker, isoMs, deadline};
