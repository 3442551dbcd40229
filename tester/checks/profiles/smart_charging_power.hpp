#pragma once
// With the charging test: a transaction on connector 1 under the tester's TxDefaultProfile, whose metered power
// (Power.Active.Import, or derived from the energy register) must stay within the profile's limit.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tester/checks/charging.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

// The highest power in W the values show: Power.Active.Import (W or kW; a value without phase, else the sum of
// the phases of one timestamp), and between consecutive energy register readings. nullopt when neither is there.
std::optional<double> highest_power_w(const std::vector<ocpp::v16::MeterValue>& values,
                                      std::vector<EnergyReading>& energy);
// Pass when `seen_w` stays within `limit_w` (+10 % for meter and voltage tolerance); Warn without readings.
Outcome judge_power(std::optional<double> seen_w, double limit_w, const std::string& limit_text);

class PowerFollow {
public:
    // `limit_w` is the profile's limit in W; `done` gets the verdict once.
    PowerFollow(GroupContext ctx, double limit_w, std::string limit_text, std::function<void(Outcome)> done);
    void start();
    void on_start_transaction(const ocpp::v16::StartTransactionReq& req, int transaction_id);
    void on_meter_values(const ocpp::v16::MeterValuesReq& req);
    void on_stop_transaction(const ocpp::v16::StopTransactionReq& req);
    void conclude() { wait_.stop(); }

private:
    void stop();
    void finish(Outcome o);

    GroupContext ctx_;
    Waiter wait_;
    double limit_w_;
    std::string limit_text_;
    std::function<void(Outcome)> done_;
    std::optional<int> transaction_;
    std::vector<ocpp::v16::MeterValue> values_;
};

} // namespace tester::profiles
