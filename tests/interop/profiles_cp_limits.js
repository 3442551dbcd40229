'use strict';
// The charging limit in force now on a connector of the strict charge point (profiles_cp.js), in W: the highest
// stack level of each purpose wins and the lowest of the purposes' limits is the composite (OCPP 1.6 3.13), a
// TxProfile only during a transaction, a connector's own TxDefaultProfile before one of connector 0.

const MAX_POWER_W = 11000; // per connector
const VOLTS = 230;

function toWatts(limit, unit, phases) {
    return unit === 'W' ? limit : limit * VOLTS * (phases || 3);
}

// The limit of the period in force now of one profile ({connectorId, profile}).
function limitNow(x) {
    const s = x.profile.chargingSchedule;
    const start = s.startSchedule ? Date.parse(s.startSchedule) : Date.now();
    let elapsed = Math.max(0, (Date.now() - start) / 1000);
    if (x.profile.chargingProfileKind === 'Recurring') {
        elapsed %= x.profile.recurrencyKind === 'Weekly' ? 7 * 86400 : 86400;
    }
    if (x.profile.chargingProfileKind === 'Relative') elapsed = 0;
    let period = s.chargingSchedulePeriod[0];
    for (const p of s.chargingSchedulePeriod) if (p.startPeriod <= elapsed) period = p;
    return toWatts(period.limit, s.chargingRateUnit, period.numberPhases);
}

// profiles: Map chargingProfileId -> {connectorId, profile}; c: the connector; inTransaction: a session runs there.
function compositeWatts(profiles, c, inTransaction) {
    const top = (purpose, where) => {
        let best = null;
        for (const x of profiles.values()) {
            if (x.profile.chargingProfilePurpose === purpose && where(x.connectorId) &&
                (!best || x.profile.stackLevel > best.profile.stackLevel)) best = x;
        }
        return best ? limitNow(best) : Infinity;
    };
    const own = (purpose) => top(purpose, (k) => k === c);
    const tx = inTransaction ? own('TxProfile') : Infinity;
    const txDefault = Number.isFinite(own('TxDefaultProfile')) ? own('TxDefaultProfile')
        : top('TxDefaultProfile', (k) => k === 0);
    return Math.min(MAX_POWER_W, top('ChargePointMaxProfile', (k) => k === 0), Number.isFinite(tx) ? tx : txDefault);
}

module.exports = {compositeWatts, MAX_POWER_W, VOLTS};
