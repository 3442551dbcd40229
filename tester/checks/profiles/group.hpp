#pragma once
// The optional profile groups of SPEC §2 item 10 (smart charging, local list, reservation, remote trigger): each a
// small driver with its own checks, run after the core checks when the installer chose it, and a registry that maps
// the name given to --profiles to its checks, its OCTT cases, the profile the charger must declare and a factory.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/net/server.hpp"
#include "ocpp/peer/peer.hpp"
#include "ocpp/util/result.hpp"
#include "ocpp/v16/messages.hpp"
#include "tester/checks/checks.hpp"
#include "tester/checks/profiles/file_host.hpp"

namespace tester::profiles {

// What a group works on; the session owns all of it and outlives the group.
struct GroupContext {
    std::shared_ptr<ocpp::Peer> peer;
    ocpp::Executor& loop;
    CheckBoard& board;
    const TestConfig& config;
    const Report& report;
    FileHost& files;                                    // the run's files and upload endpoints on the tester's port
    std::optional<std::string> password = std::nullopt; // the HTTP Basic password of the charger's connection
};

// One group's driver. Handlers run on the session's loop; a group calls `done` once when its checks are settled.
class Group {
public:
    virtual ~Group() = default;
    virtual void start(std::function<void()> done) = 0;
    // Every CALL the charger sends, by action name (a triggered message is recognised by it).
    virtual void on_call(std::string_view /*action*/) {}
    virtual void on_status(const ocpp::v16::StatusNotificationReq& /*req*/) {}
    virtual void on_meter_values(const ocpp::v16::MeterValuesReq& /*req*/) {}
    virtual void on_start_transaction(const ocpp::v16::StartTransactionReq& /*req*/, int /*transaction_id*/) {}
    virtual void on_stop_transaction(const ocpp::v16::StopTransactionReq& /*req*/) {}
    virtual void on_firmware_status(const ocpp::v16::FirmwareStatusNotificationReq& /*req*/) {}
    virtual void on_diagnostics_status(const ocpp::v16::DiagnosticsStatusNotificationReq& /*req*/) {}
    // True while a BootNotification is the group's doing (TriggerMessage), so it is no sign of a reboot.
    virtual bool expects_boot() const { return false; }
    // True once the charger announced a restart (firmware Installing or Installed): its closing the connection is
    // no fault, and the test waits for it to come back.
    virtual bool expects_reboot() const { return false; }
    // The connection closed while a restart was expected.
    virtual void on_restarting() {}
    // The charger is back on `peer` after a restart and booted with `firmware_version` ("" when it sent none),
    // `away_ms` after the connection closed.
    virtual void on_restarted(std::shared_ptr<ocpp::Peer> /*peer*/, const std::string& /*firmware_version*/,
                              double /*away_ms*/) {}
    // Why the charger went away while a restart was expected, for connection.stable ("up until the charger ...").
    virtual std::string away_reason() const { return "restarted to install the new firmware"; }
    // While the charger is away: the group's decision on its next connection attempt (a new password, a new
    // security profile), or nullopt to leave it to the usual checks.
    virtual std::optional<ocpp::net::HandshakeDecision> on_reconnect_attempt(const ocpp::net::HandshakeInfo& /*info*/) {
        return std::nullopt;
    }
    // While the charger is away: an attempt the server refused before the handshake hook (a TLS failure).
    virtual void on_reconnect_rejected(const ocpp::net::RejectedHandshake& /*rejected*/) {}
    // False when the charger comes back without a BootNotification (a reconnect, not a reboot): the conversation
    // goes on from the new connection's opening.
    virtual bool boots_after_reconnect() const { return true; }
    // The charger's new connection is open (before its BootNotification, if one comes).
    virtual void on_reconnected(std::shared_ptr<ocpp::Peer> /*peer*/) {}
    virtual void on_security_event(const ocpp::v16::SecurityEventNotificationReq& /*req*/) {}
    // Stops waiting (the test ends); the board settles what is still running.
    virtual void conclude() = 0;
};

struct GroupCheck {
    const char* key;   // "smart_charging.set_profile"
    const char* title; // "SetChargingProfile (TxDefaultProfile) accepted"
    const char* octt;  // "TC_056", or ""
};

struct GroupDef {
    const char* name;    // as given to --profiles: "smart-charging"
    const char* profile; // as the charger lists it in SupportedFeatureProfiles: "SmartCharging"
    std::vector<GroupCheck> checks;
    int calls;    // how many call timeouts the group may take at most, for the test's overall bound
    bool charges; // with the charging test it also keeps a transaction for the charging time
    std::function<std::unique_ptr<Group>(GroupContext)> make;
    bool restarts = false; // the charger may restart during the group (the test waits for it to come back)
    int reconnects = 0;    // how many reconnects the group asks for, each waited for as long as a restart
};

// Every group, in the order they run.
const std::vector<GroupDef>& group_registry();
const GroupDef* find_group(std::string_view name);
// "smart-charging, local-list, reservation, trigger, firmware, security".
std::string group_names();
// A comma-separated list of group names, in registry order without duplicates; a bad name is an error that names it
// and lists the valid ones.
ocpp::Result<std::vector<std::string>> parse_profiles(std::string_view csv);
// Appends the checks of the chosen groups to the board (after the core checks).
void add_group_checks(CheckBoard& board, const std::vector<std::string>& chosen);
// How long the chosen groups may take at most after the core checks.
std::chrono::seconds group_budget(const TestConfig& config);
// How long the test waits for a charger that restarted to connect again: the time it has to connect at all
// (--timeout), at most 180 s.
std::chrono::seconds restart_wait(const TestConfig& config);

// The factories of the registry, one per file.
std::unique_ptr<Group> make_smart_charging(GroupContext ctx);
std::unique_ptr<Group> make_firmware(GroupContext ctx);
std::unique_ptr<Group> make_local_list(GroupContext ctx);
std::unique_ptr<Group> make_reservation(GroupContext ctx);
std::unique_ptr<Group> make_trigger(GroupContext ctx);
std::unique_ptr<Group> make_security(GroupContext ctx);

// Waits of a group: one timer, callbacks dropped once the group is gone or concluded.
class Waiter {
public:
    explicit Waiter(ocpp::Executor& loop)
        : timer_(loop.make_timer()) {}
    ~Waiter() { timer_->cancel(); }
    // Runs `f` after `d` unless cancelled or restarted.
    void start(ocpp::Clock::Duration d, std::function<void()> f) { timer_->start(d, std::move(f)); }
    void cancel() { timer_->cancel(); }
    // A token for call callbacks: expired once the group concluded or died.
    std::weak_ptr<bool> token() const { return alive_; }
    void stop() {
        timer_->cancel();
        alive_ = std::make_shared<bool>(true);
    }

private:
    std::unique_ptr<ocpp::Timer> timer_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// What every group driver holds: its context, one Waiter, and the callback it calls once when it is done.
class GroupBase : public Group {
protected:
    explicit GroupBase(GroupContext ctx)
        : ctx_(ctx)
        , wait_(ctx.loop) {}
    // Calls `done` once; later calls do nothing.
    void finish() {
        if (auto done = std::move(done_)) {
            done_ = nullptr;
            done();
        }
    }

    GroupContext ctx_;
    Waiter wait_;
    std::function<void()> done_;
};

} // namespace tester::profiles
