#include "tester/checks/profiles/smart_charging_power.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "tester/checks/calls.hpp"

namespace tester::profiles {

using namespace ocpp::v16;

namespace {

std::optional<double> number_of(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) {
        return std::nullopt;
    }
    return v;
}

std::string watts(double w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f W", w);
    return buf;
}

} // namespace

std::optional<double> highest_power_w(const std::vector<MeterValue>& values, std::vector<EnergyReading>& energy) {
    std::optional<double> best;
    auto consider = [&](double w) { best = best ? std::max(*best, w) : w; };
    for (const auto& mv : values) {
        std::optional<double> whole;
        double phases = 0;
        bool phased = false;
        for (const auto& sv : mv.sampledValue) {
            if (!sv.measurand || *sv.measurand != Measurand::Power_Active_Import ||
                (sv.format && *sv.format != ValueFormat::Raw)) {
                continue;
            }
            auto v = number_of(sv.value);
            if (!v) {
                continue;
            }
            const double w = sv.unit && *sv.unit == UnitOfMeasure::kW ? *v * 1000 : *v;
            if (sv.phase) {
                phases += w;
                phased = true;
            } else {
                whole = w;
            }
        }
        if (whole) {
            consider(*whole);
        } else if (phased) {
            consider(phases);
        }
    }
    collect_energy(values, "MeterValues", energy);
    std::stable_sort(energy.begin(), energy.end(),
                     [](const EnergyReading& a, const EnergyReading& b) { return a.at < b.at; });
    for (std::size_t i = 1; i < energy.size(); ++i) {
        const double hours = static_cast<double>(energy[i].at.unix_ms() - energy[i - 1].at.unix_ms()) / 3600000.0;
        if (hours >= 10.0 / 3600) { // at least 10 s apart: shorter spans magnify the register's rounding
            consider((energy[i].wh - energy[i - 1].wh) / hours);
        }
    }
    return best;
}

Outcome judge_power(std::optional<double> seen_w, double limit_w, const std::string& limit_text) {
    if (!seen_w) {
        return Outcome::warn("no Power.Active.Import and too few energy readings to compare with the limit",
                             "Include Power.Active.Import in MeterValuesSampledData (or sample the energy register "
                             "at least every 10 s) so a central system can see that the limit is kept.");
    }
    if (*seen_w > limit_w * 1.1) {
        return Outcome::fail("metered up to " + watts(*seen_w) + ", above the profile's " + limit_text,
                             "The charger accepted the charging profile but the vehicle drew more than it allows: "
                             "the charger does not apply the limit to the charging session. Check that smart "
                             "charging is enabled for this connector and update the firmware.");
    }
    return Outcome::pass("metered up to " + watts(*seen_w) + ", within the profile's " + limit_text);
}

PowerFollow::PowerFollow(GroupContext ctx, double limit_w, std::string limit_text, std::function<void(Outcome)> done)
    : ctx_(ctx)
    , wait_(ctx.loop)
    , limit_w_(limit_w)
    , limit_text_(std::move(limit_text))
    , done_(std::move(done)) {}

void PowerFollow::start() {
    RemoteStartTransactionReq req;
    req.connectorId = 1;
    req.idTag = ChargingTest::kIdTag;
    auto token = wait_.token();
    ctx_.peer->call(req, [this, token](ocpp::CallOutcome<RemoteStartTransactionConf> out) {
        if (token.expired()) {
            return;
        }
        if (!out.ok() || out.conf->status != RemoteStartStopStatus::Accepted) {
            return finish(out.ok() ? Outcome::fail("RemoteStartTransaction answered Rejected under the profile",
                                                   "The charger refused a transaction while the tester's "
                                                   "TxDefaultProfile was installed; check connector 1 and the "
                                                   "firmware.")
                                   : call_failed("RemoteStartTransaction", out.status, out.error_code,
                                                 out.error_description, false));
        }
        wait_.start(2 * ctx_.config.call_timeout, [this] {
            finish(Outcome::fail("no StartTransaction under the profile",
                                 "The charger accepted RemoteStartTransaction but started no transaction; plug in "
                                 "a vehicle or test adapter and test again."));
        });
    });
}

void PowerFollow::on_start_transaction(const StartTransactionReq& req, int transaction_id) {
    if (transaction_ || req.connectorId != 1 || !done_) {
        return;
    }
    transaction_ = transaction_id;
    TriggerMessageReq trigger;
    trigger.requestedMessage = MessageTrigger::MeterValues;
    trigger.connectorId = 1;
    ctx_.peer->call(trigger, [](ocpp::CallOutcome<TriggerMessageConf>) {});
    wait_.start(ctx_.config.charging_time, [this] { stop(); });
}

void PowerFollow::on_meter_values(const MeterValuesReq& req) {
    if (!transaction_ || (req.transactionId ? *req.transactionId != *transaction_ : req.connectorId != 1)) {
        return;
    }
    if (values_.size() + req.meterValue.size() <= 1000) {
        values_.insert(values_.end(), req.meterValue.begin(), req.meterValue.end());
    }
}

void PowerFollow::stop() {
    ctx_.peer->call(RemoteStopTransactionReq{*transaction_}, [](ocpp::CallOutcome<RemoteStopTransactionConf>) {});
    wait_.start(2 * ctx_.config.call_timeout, [this] {
        std::vector<EnergyReading> energy;
        auto o = judge_power(highest_power_w(values_, energy), limit_w_, limit_text_);
        o.details.push_back("no StopTransaction followed RemoteStopTransaction");
        finish(std::move(o));
    });
}

void PowerFollow::on_stop_transaction(const StopTransactionReq& req) {
    if (!transaction_ || req.transactionId != *transaction_) {
        return;
    }
    if (req.transactionData && values_.size() + req.transactionData->size() <= 1000) {
        values_.insert(values_.end(), req.transactionData->begin(), req.transactionData->end());
    }
    std::vector<EnergyReading> energy;
    finish(judge_power(highest_power_w(values_, energy), limit_w_, limit_text_));
}

void PowerFollow::finish(Outcome o) {
    wait_.cancel();
    if (auto done = std::move(done_)) {
        done_ = nullptr;
        done(std::move(o));
    }
}

} // namespace tester::profiles
