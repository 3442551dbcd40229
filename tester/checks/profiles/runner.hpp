#pragma once
// Runs the chosen profile groups one after another once the core checks are done. A group whose profile the
// charger does not list in SupportedFeatureProfiles is not run: its checks say "not supported by this charger".
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

// Whether a connector in `status` ("Charging", "Finishing", ...) still holds a transaction or its end.
bool connector_busy(std::string_view status);

class GroupRunner {
public:
    // `done` is called once, from the loop, when the last group has finished.
    GroupRunner(GroupContext ctx, std::function<void()> done);
    ~GroupRunner();
    void start();
    bool started() const { return started_; }
    bool finished() const { return finished_; }
    // The charger's messages, forwarded to the running group.
    void on_call(std::string_view action);
    void on_status(const ocpp::v16::StatusNotificationReq& req);
    void on_meter_values(const ocpp::v16::MeterValuesReq& req);
    void on_start_transaction(const ocpp::v16::StartTransactionReq& req, int transaction_id);
    void on_stop_transaction(const ocpp::v16::StopTransactionReq& req);
    void on_firmware_status(const ocpp::v16::FirmwareStatusNotificationReq& req);
    void on_diagnostics_status(const ocpp::v16::DiagnosticsStatusNotificationReq& req);
    bool expects_boot() const { return current_ && current_->expects_boot(); }
    bool expects_reboot() const { return current_ && current_->expects_reboot(); }
    // The charger went away for an expected restart, and came back on a new connection (later groups use it).
    void on_restarting();
    void on_restarted(std::shared_ptr<ocpp::Peer> peer, const std::string& firmware_version, double away_ms);
    // Reconnects a group asked for (security): see Group.
    std::string away_reason() const;
    std::optional<ocpp::net::HandshakeDecision> on_reconnect_attempt(const ocpp::net::HandshakeInfo& info);
    void on_reconnect_rejected(const ocpp::net::RejectedHandshake& rejected);
    bool boots_after_reconnect() const { return !current_ || current_->boots_after_reconnect(); }
    void on_reconnected(std::shared_ptr<ocpp::Peer> peer);
    void on_security_event(const ocpp::v16::SecurityEventNotificationReq& req);
    // Stops the running group; the board settles its checks.
    void conclude();
    // Connector 1's last status before the runner existed (e.g. Charging or Finishing from the charging test).
    void note_connector_status(std::string_view status) { busy_ = connector_busy(status); }

private:
    void next();
    void launch(const GroupDef& def);

    // A transaction that just ended leaves connector 1 Finishing for a moment, and a charger refuses to start or
    // reserve on it: the next group waits (for at most two call timeouts, once per test) until connector 1 is
    // reported neither charging nor Finishing.
    std::unique_ptr<ocpp::Timer> free_wait_;
    const GroupDef* pending_ = nullptr;
    bool busy_ = false, gave_up_waiting_ = false;

    GroupContext ctx_;
    std::function<void()> done_;
    std::vector<const GroupDef*> queue_;
    std::size_t at_ = 0;
    std::unique_ptr<Group> current_;
    bool started_ = false, finished_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Whether `profile` is in the comma-separated SupportedFeatureProfiles value (case-insensitive, spaces ignored).
bool declares_profile(const std::string& supported, std::string_view profile);

} // namespace tester::profiles
