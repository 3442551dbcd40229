#include "tester/checks/charging.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "tester/checks/calls.hpp"

namespace tester {

using namespace ocpp::v16;

namespace {

std::string wh_text(double wh) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.0f Wh", wh);
    return buf;
}

// Shows the fraction when whole Wh would make two different readings look equal.
std::string wh_text_exact(double wh) {
    char buf[48];
    std::snprintf(buf, sizeof buf, wh == static_cast<double>(static_cast<long long>(wh)) ? "%.0f Wh" : "%.3f Wh", wh);
    return buf;
}

} // namespace

void collect_energy(const std::vector<MeterValue>& values, const std::string& source, std::vector<EnergyReading>& out) {
    for (const auto& mv : values) {
        for (const auto& sv : mv.sampledValue) {
            const bool energy = !sv.measurand || *sv.measurand == Measurand::Energy_Active_Import_Register;
            const bool raw = !sv.format || *sv.format == ValueFormat::Raw;
            if (!energy || !raw) {
                continue;
            }
            char* end = nullptr;
            const double v = std::strtod(sv.value.c_str(), &end);
            if (sv.value.empty() || end != sv.value.c_str() + sv.value.size()) {
                continue;
            }
            const bool kwh = sv.unit && *sv.unit == UnitOfMeasure::kWh;
            out.push_back(EnergyReading{mv.timestamp, kwh ? v * 1000 : v, source});
        }
    }
}

Outcome check_energy(std::vector<EnergyReading> readings, int meter_messages, int readings_from_meter_values) {
    const std::string hint_values = "Set MeterValueSampleInterval (e.g. 60 s) and include "
                                    "Energy.Active.Import.Register in MeterValuesSampledData on the charger, and "
                                    "support TriggerMessage(MeterValues): the central system bills from these values.";
    if (meter_messages == 0) {
        return Outcome::fail("no MeterValues arrived during the transaction", hint_values);
    }
    std::stable_sort(readings.begin(), readings.end(),
                     [](const EnergyReading& a, const EnergyReading& b) { return a.at < b.at; });
    for (std::size_t i = 1; i < readings.size(); ++i) {
        const double drop = readings[i - 1].wh - readings[i].wh;
        const double resolution = std::max(readings[i - 1].resolution_wh, readings[i].resolution_wh);
        if (drop > 0 && drop >= resolution) {
            return Outcome::fail("the energy register went down from " + wh_text_exact(readings[i - 1].wh) + " (" +
                                     readings[i - 1].source + ") to " + wh_text_exact(readings[i].wh) + " (" +
                                     readings[i].source + ", " + ocpp::format_datetime(readings[i].at) + ")",
                                 "Energy.Active.Import.Register must never decrease. Check the meter configuration "
                                 "(an interval value reported as a register, kWh and Wh mixed up, or a meter that "
                                 "was replaced or reset).");
        }
    }
    std::string seen = std::to_string(meter_messages) + " MeterValues message" + (meter_messages == 1 ? "" : "s");
    if (readings_from_meter_values == 0) {
        return Outcome::warn(seen + " without Energy.Active.Import.Register", hint_values);
    }
    seen += ", " + std::to_string(readings.size()) + " energy readings from " + wh_text(readings.front().wh) + " to " +
            wh_text(readings.back().wh) + ", never decreasing";
    return Outcome::pass(seen);
}

std::optional<Outcome> check_delivered(double meter_start_wh, double meter_stop_wh) {
    if (meter_stop_wh > meter_start_wh) {
        return std::nullopt;
    }
    return Outcome::fail("no energy delivered: the register went from " + wh_text(meter_start_wh) +
                             " (meterStart) to " + wh_text(meter_stop_wh) + " (meterStop), " +
                             wh_text(meter_stop_wh - meter_start_wh) + " charged",
                         "A charging session must deliver energy. Connect a vehicle, or a test adapter with a load, "
                         "that draws power during the test, and check that the meter counts it (meterStop must be "
                         "above meterStart).");
}

Outcome check_session_span(const SessionSpan& span) {
    char lasted[160];
    std::snprintf(lasted, sizeof lasted, "the transaction lasted %.1f s; the tester asked for %.0f s", span.seen_s,
                  span.asked_s);
    if (span.seen_s + 0.5 < span.asked_s) {
        return Outcome::fail(std::string(lasted) + "; " + span.stop,
                             "The charger ended the transaction by itself before the tester asked it to (see the "
                             "reason). Keep the vehicle or test adapter connected and charging for the whole test.");
    }
    // Timestamps have whole seconds on some chargers: allow 2 s.
    if (span.reported_s + 2 < span.asked_s) {
        char reported[200];
        std::snprintf(reported, sizeof reported,
                      "the charger's timestamps make the transaction %.1f s long, though it lasted %.1f s",
                      span.reported_s, span.seen_s);
        return Outcome::fail(std::string(reported) + "; " + span.stop,
                             "StartTransaction and StopTransaction must carry the time they happened: a central "
                             "system bills the session from these timestamps. Check the charger's clock handling "
                             "in the firmware.");
    }
    if (!span.stopped_on_request) {
        return Outcome::warn("the transaction ended before RemoteStopTransaction was sent; " + span.stop,
                             "The charger stopped the transaction by itself (see the reason). Keep the vehicle or "
                             "test adapter connected during the test.");
    }
    return Outcome::pass(span.stop);
}

ChargingTest::ChargingTest(std::shared_ptr<ocpp::Peer> peer, ocpp::Executor& loop, CheckBoard& board,
                           ocpp::Clock::Duration wait, ocpp::Clock::Duration hold, std::function<void()> done)
    : peer_(std::move(peer))
    , loop_(loop)
    , board_(board)
    , wait_(wait)
    , hold_(hold)
    , done_(std::move(done))
    , timer_(loop.make_timer())
    , hold_timer_(loop.make_timer()) {}

double ChargingTest::seconds_since(ocpp::Clock::TimePoint t) const {
    return std::chrono::duration<double>(loop_.clock().now() - t).count();
}

void ChargingTest::wait_for(const char* what, CheckId id, std::function<void()> on_timeout) {
    const double secs = std::chrono::duration<double>(wait_).count();
    timer_->start(wait_, [this, what, id, secs, on_timeout = std::move(on_timeout)] {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f s", secs);
        board_.set(id, Outcome::fail(std::string("no ") + what + " within " + buf,
                                     id == CheckId::RemoteStart
                                         ? "The charger accepted the remote start but began no transaction. Plug in "
                                           "a vehicle or a test adapter if it needs one, check that the connector "
                                           "is Available, and check its ConnectionTimeOut setting."
                                     : id == CheckId::MeterValues
                                         ? "The charger sent no meter values during the transaction. Set "
                                           "MeterValueSampleInterval and MeterValuesSampledData "
                                           "(Energy.Active.Import.Register) on the charger."
                                         : "The charger accepted the remote stop but sent no StopTransaction. A "
                                           "central system would never close the session; update the firmware."));
        on_timeout();
    });
}

void ChargingTest::start(int connector) {
    connector_ = connector;
    stage_ = Stage::Starting;
    asked_at_ = loop_.clock().now();
    board_.running(CheckId::RemoteStart, "sent RemoteStartTransaction for connector " + std::to_string(connector) +
                                             " (idTag " + kIdTag + ")");
    RemoteStartTransactionReq req;
    req.connectorId = connector;
    req.idTag = kIdTag;
    std::weak_ptr<bool> alive = alive_;
    peer_->call(req, [this, alive](ocpp::CallOutcome<RemoteStartTransactionConf> out) {
        if (alive.expired() || stage_ != Stage::Starting) {
            return;
        }
        board_.add_timing(CheckId::RemoteStart, "answer",
                          std::chrono::duration<double, std::milli>(out.latency).count());
        if (!out.ok()) {
            board_.set(CheckId::RemoteStart,
                       call_failed("RemoteStartTransaction", out.status, out.error_code, out.error_description, false));
            finish();
            return;
        }
        if (out.conf->status != RemoteStartStopStatus::Accepted) {
            board_.set(CheckId::RemoteStart,
                       Outcome::fail("RemoteStartTransaction answered Rejected",
                                     "The charger refused the remote start. Check that connector " +
                                         std::to_string(connector_) +
                                         " is Available (not Faulted, Unavailable or in use) and that remote start "
                                         "is allowed in the charger's settings."));
            finish();
            return;
        }
        stage_ = Stage::WaitStart;
        board_.running(CheckId::RemoteStart, "Accepted; waiting for StartTransaction (plug in a vehicle or test "
                                             "adapter if the charger needs one)");
        wait_for("StartTransaction", CheckId::RemoteStart, [this] { finish(); });
    });
}

void ChargingTest::on_start_transaction(const StartTransactionReq& req, int transaction_id) {
    if (stage_ != Stage::Starting && stage_ != Stage::WaitStart) {
        return;
    }
    timer_->cancel();
    transaction_ = transaction_id;
    started_at_ = loop_.clock().now();
    start_stamp_ = req.timestamp;
    meter_start_ = static_cast<double>(req.meterStart);
    hold_timer_->start(hold_, [this] {
        held_ = true;
        if (stage_ == Stage::WaitMeter && metered_) {
            request_stop();
        }
    });
    readings_.push_back(EnergyReading{req.timestamp, static_cast<double>(req.meterStart), "meterStart", 1.0});
    char buf[160];
    std::snprintf(buf, sizeof buf, "StartTransaction on connector %d after %.1f s: transaction %d, meterStart %d Wh",
                  req.connectorId, seconds_since(asked_at_), transaction_id, req.meterStart);
    Outcome ok = Outcome::pass(buf);
    if (req.idTag != kIdTag) {
        ok.details.push_back("the transaction carries idTag " + quote(req.idTag) + ", not the one sent (" + kIdTag +
                             ")");
    }
    board_.set(CheckId::RemoteStart, std::move(ok));
    stage_ = Stage::WaitMeter;
    asked_at_ = loop_.clock().now();
    board_.running(CheckId::MeterValues, "waiting for MeterValues of transaction " + std::to_string(transaction_id));
    TriggerMessageReq trigger;
    trigger.requestedMessage = MessageTrigger::MeterValues;
    trigger.connectorId = req.connectorId;
    peer_->call(trigger, [](ocpp::CallOutcome<TriggerMessageConf>) {}); // periodic values count as well
    wait_for("MeterValues", CheckId::MeterValues, [this] { request_stop(); });
}

void ChargingTest::on_meter_values(const MeterValuesReq& req) {
    if (!transaction_ || stage_ == Stage::Done) {
        return;
    }
    if (req.transactionId ? *req.transactionId != *transaction_ : req.connectorId != connector_) {
        return;
    }
    ++meter_messages_;
    const auto before = readings_.size();
    collect_energy(req.meterValue, "MeterValues", readings_);
    meter_readings_ += static_cast<int>(readings_.size() - before);
    if (stage_ == Stage::WaitMeter && readings_.size() > before && !metered_) {
        metered_ = true;
        timer_->cancel();
        if (held_) {
            board_.running(CheckId::MeterValues, "MeterValues arrived; waiting for the end of the transaction");
            request_stop();
        } else {
            const auto secs = std::chrono::duration_cast<std::chrono::seconds>(hold_).count();
            board_.running(CheckId::MeterValues, "MeterValues arrived; the tester keeps the transaction for " +
                                                     std::to_string(secs) + " s, then stops it");
        }
    }
}

void ChargingTest::request_stop() {
    hold_timer_->cancel();
    if (!transaction_) {
        finish();
        return;
    }
    stop_after_s_ = seconds_since(started_at_);
    stage_ = Stage::Stopping;
    asked_at_ = loop_.clock().now();
    board_.running(CheckId::RemoteStop, "sent RemoteStopTransaction for transaction " + std::to_string(*transaction_));
    std::weak_ptr<bool> alive = alive_;
    peer_->call(
        RemoteStopTransactionReq{*transaction_}, [this, alive](ocpp::CallOutcome<RemoteStopTransactionConf> out) {
            if (alive.expired() || stage_ != Stage::Stopping) {
                return;
            }
            board_.add_timing(CheckId::RemoteStop, "answer",
                              std::chrono::duration<double, std::milli>(out.latency).count());
            if (!out.ok() || out.conf->status != RemoteStartStopStatus::Accepted) {
                board_.set(CheckId::RemoteStop,
                           !out.ok() ? call_failed("RemoteStopTransaction", out.status, out.error_code,
                                                   out.error_description, false)
                                     : Outcome::fail("RemoteStopTransaction answered Rejected",
                                                     "The charger refused to stop the transaction it is running. Check "
                                                     "the firmware."));
                finish();
                return;
            }
            stage_ = Stage::WaitStop;
            board_.running(CheckId::RemoteStop, "Accepted; waiting for StopTransaction");
            wait_for("StopTransaction", CheckId::RemoteStop, [this] { finish(); });
        });
}

void ChargingTest::on_stop_transaction(const StopTransactionReq& req) {
    if (!transaction_ || req.transactionId != *transaction_ || stage_ == Stage::Done) {
        return;
    }
    timer_->cancel();
    if (req.transactionData) {
        collect_energy(*req.transactionData, "transactionData", readings_);
    }
    readings_.push_back(EnergyReading{req.timestamp, static_cast<double>(req.meterStop), "meterStop", 1.0});
    const double charged = req.meterStop - meter_start_;
    char buf[200];
    std::snprintf(buf, sizeof buf, "StopTransaction %.1f s after the request: meterStop %d Wh (%.0f Wh charged)%s%s",
                  seconds_since(asked_at_), req.meterStop, charged, req.reason ? ", reason " : "",
                  req.reason ? to_string(*req.reason) : "");
    SessionSpan span;
    span.asked_s = std::chrono::duration<double>(hold_).count();
    if (stop_after_s_ >= 0) {
        span.asked_s = std::min(span.asked_s, stop_after_s_); // stopped early, e.g. when no MeterValues came
    }
    span.seen_s = seconds_since(started_at_);
    span.reported_s = static_cast<double>(req.timestamp.unix_ms() - start_stamp_.unix_ms()) / 1000.0;
    span.stopped_on_request = stage_ != Stage::WaitMeter && stage_ != Stage::WaitStart;
    span.stop = span.stopped_on_request
                    ? buf
                    : "meterStop " + std::to_string(req.meterStop) + " Wh, " + wh_text(charged) + " charged" +
                          (req.reason ? std::string(", reason ") + to_string(*req.reason) : std::string());
    board_.set(CheckId::RemoteStop, check_session_span(span));
    Outcome energy = check_energy(readings_, meter_messages_, meter_readings_);
    if (energy.verdict != Verdict::Fail) {
        if (auto none = check_delivered(meter_start_, static_cast<double>(req.meterStop))) {
            energy = std::move(*none);
        }
    }
    board_.set(CheckId::MeterValues, std::move(energy));
    finish();
}

void ChargingTest::finish() {
    if (stage_ == Stage::Done) {
        return;
    }
    timer_->cancel();
    hold_timer_->cancel();
    stage_ = Stage::Done;
    if (done_) {
        done_();
    }
}

void ChargingTest::conclude() {
    timer_->cancel();
    hold_timer_->cancel();
    alive_.reset();
    stage_ = Stage::Done;
}

} // namespace tester
