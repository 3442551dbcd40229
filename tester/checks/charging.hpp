#pragma once
// Check 8 (optional, --charging-test): RemoteStartTransaction → StartTransaction → MeterValues → (the session is
// kept for the time the tester asks for) → RemoteStopTransaction → StopTransaction. The energy register must never
// decrease and must grow (a session without energy is no charging session), and the session must last as long as
// asked.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/peer/peer.hpp"
#include "ocpp/v16/messages.hpp"
#include "tester/checks/checks.hpp"

namespace tester {

// One reading of the energy register (Wh), when it was taken and which message carried it.
struct EnergyReading {
    ocpp::DateTime at;
    double wh = 0;
    std::string source;
    // How coarse the value is: meterStart and meterStop are whole Wh, so a MeterValues reading of 9.4 Wh followed
    // by a meterStop of 9 Wh is rounding, not a register going down.
    double resolution_wh = 0;
};

// Appends the Energy.Active.Import.Register readings (Wh; kWh converted) of `values` to `out`.
void collect_energy(const std::vector<ocpp::v16::MeterValue>& values, const std::string& source,
                    std::vector<EnergyReading>& out);
// Judges the readings of one transaction in time order; `meter_messages` counts the MeterValues that came.
Outcome check_energy(std::vector<EnergyReading> readings, int meter_messages, int readings_from_meter_values);
// Fails when the register did not grow from meterStart to meterStop: no energy was delivered.
std::optional<Outcome> check_delivered(double meter_start_wh, double meter_stop_wh);

// The end of the session as the tester saw it.
struct SessionSpan {
    double asked_s = 0;             // how long the tester asked the charger to keep the transaction
    double seen_s = 0;              // StartTransaction to StopTransaction, on the tester's clock
    double reported_s = 0;          // the same from the charger's own timestamps
    bool stopped_on_request = true; // StopTransaction came after RemoteStopTransaction
    std::string stop;               // what the StopTransaction said, in words
};
// Fails when the session ended before the time asked for, by the tester's clock or by the charger's timestamps.
Outcome check_session_span(const SessionSpan& span);

// Drives the charging test on a booted charger; the session forwards the charger's transaction messages.
class ChargingTest {
public:
    static constexpr const char* kIdTag = "OCPPKIT-TESTER";

    // `wait` bounds each wait for the charger (StartTransaction, MeterValues, StopTransaction); `hold` is how long
    // the tester keeps the transaction before it asks the charger to stop it.
    ChargingTest(std::shared_ptr<ocpp::Peer> peer, ocpp::Executor& loop, CheckBoard& board, ocpp::Clock::Duration wait,
                 ocpp::Clock::Duration hold, std::function<void()> done);
    void start(int connector);
    // The charger's transaction messages (any transaction; those of other transactions are ignored).
    void on_start_transaction(const ocpp::v16::StartTransactionReq& req, int transaction_id);
    void on_meter_values(const ocpp::v16::MeterValuesReq& req);
    void on_stop_transaction(const ocpp::v16::StopTransactionReq& req);
    bool finished() const { return stage_ == Stage::Done; }
    // Stops waiting; checks still running are settled by the caller.
    void conclude();

private:
    enum class Stage { Idle, Starting, WaitStart, WaitMeter, Stopping, WaitStop, Done };
    void wait_for(const char* what, CheckId id, std::function<void()> on_timeout);
    void request_stop();
    void finish();
    double seconds_since(ocpp::Clock::TimePoint t) const;

    std::shared_ptr<ocpp::Peer> peer_;
    ocpp::Executor& loop_;
    CheckBoard& board_;
    ocpp::Clock::Duration wait_, hold_;
    std::function<void()> done_;
    std::unique_ptr<ocpp::Timer> timer_, hold_timer_;
    bool held_ = false, metered_ = false;
    ocpp::Clock::TimePoint started_at_{};
    ocpp::DateTime start_stamp_;
    double meter_start_ = 0;
    double stop_after_s_ = -1; // when RemoteStopTransaction was sent, from StartTransaction
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // call callbacks check it
    Stage stage_ = Stage::Idle;
    int connector_ = 1;
    std::optional<int> transaction_;
    ocpp::Clock::TimePoint asked_at_{};
    std::vector<EnergyReading> readings_;
    int meter_messages_ = 0;
    int meter_readings_ = 0;
};

} // namespace tester
