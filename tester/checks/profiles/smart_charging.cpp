// The smart-charging group: a TxDefaultProfile on connector 1 with a limit the tester picks (10 A, or 4000 W when
// the charger allows only power), accepted; GetCompositeSchedule for connector 1 shows a limit no higher than it;
// ClearChargingProfile by its id removes it again. The profile gets the highest stack level the charger allows, so
// profiles already installed do not hide it, and an id of its own, so it replaces none of them.
#include <cstdio>
#include <random>
#include <string>

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"
#include "tester/checks/profiles/smart_charging_power.hpp"

namespace tester::profiles {

namespace {

using namespace ocpp::v16;

constexpr const char* kSet = "smart_charging.set_profile";
constexpr const char* kComposite = "smart_charging.composite";
constexpr const char* kClear = "smart_charging.clear";
constexpr const char* kPower = "smart_charging.power";
constexpr double kVolts = 230; // the charger's voltage is not known: a nominal one for an A limit in W
constexpr int kProfileConnector = 1;

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

class SmartChargingGroup : public GroupBase {
public:
    explicit SmartChargingGroup(GroupContext ctx)
        : GroupBase(ctx) {
        std::random_device rd;
        profile_id_ = 900000 + static_cast<int>(rd() % 90000);
        const auto units = config_value(ctx_.report.charger, "ChargingScheduleAllowedChargingRateUnit");
        if (units && units->find("Current") == std::string::npos && units->find("Power") != std::string::npos) {
            unit_ = ChargingRateUnitType::W;
            limit_ = 4000;
        }
        stack_level_ = std::max(0, config_int(ctx_.report.charger, "ChargeProfileMaxStackLevel").value_or(0));
    }

    void start(std::function<void()> done) override {
        done_ = std::move(done);
        if (!ctx_.config.charging_test) {
            ctx_.board.set(kPower,
                           Outcome::skipped(
                               "not requested (the charging test: --charging-test, or its box on the installer page)"));
        }
        SetChargingProfileReq req;
        req.connectorId = kProfileConnector;
        ChargingProfile& p = req.csChargingProfiles;
        p.chargingProfileId = profile_id_;
        p.stackLevel = stack_level_;
        p.chargingProfilePurpose = ChargingProfilePurposeType::TxDefaultProfile;
        p.chargingProfileKind = ChargingProfileKindType::Absolute;
        p.chargingSchedule.startSchedule = ocpp::DateTime{ctx_.loop.clock().wall_now()};
        p.chargingSchedule.chargingRateUnit = unit_;
        p.chargingSchedule.chargingSchedulePeriod = {ChargingSchedulePeriod{0, limit_, std::nullopt}};
        const std::string what = "TxDefaultProfile " + std::to_string(profile_id_) + " on connector 1, stack level " +
                                 std::to_string(stack_level_) + ", limit " + number(limit_) + " " + to_string(unit_);
        ctx_.board.running(kSet, "sent SetChargingProfile: " + what);
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token, what](ocpp::CallOutcome<SetChargingProfileConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok() || out.conf->status != ChargingProfileStatus::Accepted) {
                const bool unsupported = out.ok() && out.conf->status == ChargingProfileStatus::NotSupported;
                ctx_.board.set(
                    kSet,
                    out.ok()
                        ? Outcome::fail(std::string("SetChargingProfile answered ") + to_string(out.conf->status) +
                                            " for " + what,
                                        unsupported ? "The charger declares SmartCharging but says it does not "
                                                      "support charging profiles. Enable smart charging in its "
                                                      "settings, or remove the profile from "
                                                      "SupportedFeatureProfiles."
                                                    : "The charger rejected a plain TxDefaultProfile (one period, "
                                                      "one limit, at the stack level it allows). Check "
                                                      "ChargeProfileMaxStackLevel, "
                                                      "ChargingScheduleAllowedChargingRateUnit and "
                                                      "MaxChargingProfilesInstalled in its configuration, or "
                                                      "update the firmware.")
                        : call_failed("SetChargingProfile", out.status, out.error_code, out.error_description, false));
                ctx_.board.set(kComposite, Outcome::skipped("not tried: the profile was not accepted"));
                ctx_.board.set(kClear, Outcome::skipped("not tried: the profile was not accepted"));
                ctx_.board.set(kPower, Outcome::skipped("not tried: the profile was not accepted"));
                return finish();
            }
            ctx_.board.set(kSet, Outcome::pass("Accepted: " + what));
            composite();
        });
    }

    void on_start_transaction(const StartTransactionReq& req, int transaction_id) override {
        if (power_) {
            power_->on_start_transaction(req, transaction_id);
        }
    }
    void on_meter_values(const MeterValuesReq& req) override {
        if (power_) {
            power_->on_meter_values(req);
        }
    }
    void on_stop_transaction(const StopTransactionReq& req) override {
        if (power_) {
            power_->on_stop_transaction(req);
        }
    }

    void conclude() override {
        wait_.stop();
        done_ = nullptr;
        if (power_) {
            power_->conclude();
        }
    }

private:
    void composite() {
        GetCompositeScheduleReq req;
        req.connectorId = kProfileConnector;
        req.duration = 300;
        req.chargingRateUnit = unit_;
        ctx_.board.running(kComposite,
                           std::string("sent GetCompositeSchedule for connector 1, 300 s, in ") + to_string(unit_));
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<GetCompositeScheduleConf> out) {
            if (token.expired()) {
                return;
            }
            ctx_.board.set(kComposite, judge_composite(out));
            if (!ctx_.config.charging_test) {
                return clear();
            }
            const bool amps = unit_ == ChargingRateUnitType::A;
            const double limit_w = amps ? limit_ * kVolts * 3 : limit_;
            const std::string text =
                number(limit_) + (amps ? " A (" + number(limit_w) + " W at 230 V, 3 phases)" : std::string(" W"));
            ctx_.board.running(kPower, "started a transaction on connector 1 under the profile; watching its power");
            power_ = std::make_unique<PowerFollow>(ctx_, limit_w, text, [this](Outcome o) {
                ctx_.board.set(kPower, std::move(o));
                auto t = wait_.token();
                ctx_.loop.post([this, t] {
                    if (!t.expired()) {
                        clear();
                    }
                });
            });
            power_->start();
        });
    }

    Outcome judge_composite(const ocpp::CallOutcome<GetCompositeScheduleConf>& out) const {
        if (!out.ok()) {
            return call_failed("GetCompositeSchedule", out.status, out.error_code, out.error_description, false);
        }
        if (out.conf->status != GetCompositeScheduleStatus::Accepted) {
            return Outcome::fail("GetCompositeSchedule answered Rejected right after the profile was accepted",
                                 "The charger accepted a charging profile but cannot say what limit it applies. A "
                                 "central system needs GetCompositeSchedule to check its load management; update "
                                 "the firmware.");
        }
        const auto& schedule = out.conf->chargingSchedule;
        if (!schedule || schedule->chargingSchedulePeriod.empty()) {
            return Outcome::fail("Accepted, but the composite schedule has no periods",
                                 "The charger accepted the profile but its composite schedule is empty: the profile "
                                 "is stored but not applied. Update the firmware.");
        }
        const auto& first = schedule->chargingSchedulePeriod.front();
        const std::string shown = "composite limit " + number(first.limit) + " " +
                                  to_string(schedule->chargingRateUnit) + " from period " +
                                  std::to_string(first.startPeriod) + " s";
        if (schedule->chargingRateUnit != unit_) {
            return Outcome::warn(shown + ", asked for " + to_string(unit_),
                                 "The charger answered in another unit than the one asked for; the tester cannot "
                                 "compare the limit. A charger should convert to the requested unit.");
        }
        if (first.limit > limit_ + 0.01) {
            return Outcome::fail(shown + ", above the profile's " + number(limit_) + " " + to_string(unit_),
                                 "The composite schedule does not include the profile the charger accepted: the "
                                 "charger would charge above the limit the central system set. Update the "
                                 "firmware.");
        }
        return Outcome::pass(shown + " (the profile's limit is " + number(limit_) + ")");
    }

    void clear() {
        ClearChargingProfileReq req;
        req.id = profile_id_;
        ctx_.board.running(kClear, "sent ClearChargingProfile for profile " + std::to_string(profile_id_));
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<ClearChargingProfileConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                ctx_.board.set(kClear, call_failed("ClearChargingProfile", out.status, out.error_code,
                                                   out.error_description, false));
            } else if (out.conf->status != ClearChargingProfileStatus::Accepted) {
                ctx_.board.set(kClear, Outcome::fail("ClearChargingProfile answered Unknown for profile " +
                                                         std::to_string(profile_id_),
                                                     "The charger did not find the profile it had accepted, so a "
                                                     "central system cannot remove a limit it set. The tester's "
                                                     "profile may still limit connector 1: clear it from your "
                                                     "central system or reboot the charger, and update the "
                                                     "firmware."));
            } else {
                ctx_.board.set(kClear, Outcome::pass("Accepted: profile " + std::to_string(profile_id_) + " removed"));
            }
            finish();
        });
    }

    int profile_id_ = 0, stack_level_ = 0;
    ChargingRateUnitType unit_ = ChargingRateUnitType::A;
    double limit_ = 10;
    std::unique_ptr<PowerFollow> power_;
};

} // namespace

std::unique_ptr<Group> make_smart_charging(GroupContext ctx) {
    return std::make_unique<SmartChargingGroup>(ctx);
}

} // namespace tester::profiles
