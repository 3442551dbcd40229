#pragma once
// The security group's driver (security.cpp: the group and its reconnects; security_steps.cpp: password rotation,
// profile upgrade and the security event). Internal to the group's files.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tester/checks/profiles/group.hpp"
#include "tester/checks/profiles/security.hpp"

namespace tester::profiles {

inline constexpr const char* kInstalled = "security.installed_certificates";
inline constexpr const char* kRotation = "security.password_rotation";
inline constexpr const char* kUpgrade = "security.profile_upgrade";
inline constexpr const char* kEvent = "security.event";

class SecurityGroup : public GroupBase {
public:
    explicit SecurityGroup(GroupContext ctx);

    void start(std::function<void()> done) override;
    void on_security_event(const ocpp::v16::SecurityEventNotificationReq& req) override;
    bool expects_boot() const override { return reconnect_asked_; }
    bool expects_reboot() const override { return phase_ == Phase::WaitClose || phase_ == Phase::Away; }
    void on_restarting() override;
    std::string away_reason() const override;
    std::optional<ocpp::net::HandshakeDecision> on_reconnect_attempt(const ocpp::net::HandshakeInfo& info) override;
    void on_reconnect_rejected(const ocpp::net::RejectedHandshake& rejected) override;
    bool boots_after_reconnect() const override { return false; }
    void on_reconnected(std::shared_ptr<ocpp::Peer> peer) override;
    void conclude() override;

private:
    enum class Step { Rotation, Upgrade };
    // Idle between calls; WaitClose after a change was accepted; Away once the connection closed; Event while
    // waiting for a SecurityEventNotification.
    enum class Phase { Idle, WaitClose, Away, Event };

    static bool unsupported(ocpp::CallStatus status, const std::string& error_code);
    void installed_ids(ocpp::v16::CertificateUse use, std::function<void(std::string)> next);
    void rotate_password();
    void rotation_answered(const ocpp::CallOutcome<ocpp::v16::ChangeConfigurationConf>& out);
    void upgrade_profile();
    void install_root();
    void set_profile();
    void expect_reconnect(Step step);
    const char* step_key() const;
    void reconnect_timed_out();
    std::optional<ocpp::net::HandshakeDecision> rotation_attempt(const ocpp::net::HandshakeInfo& info);
    std::optional<ocpp::net::HandshakeDecision> upgrade_attempt(const ocpp::net::HandshakeInfo& info);
    void wait_for_event();
    void finish_event();

    Step step_ = Step::Rotation;
    Phase phase_ = Phase::Idle;
    bool whitepaper_missing_ = false, installed_failure_ = false;
    bool provoked_ = false, reconnect_asked_ = false;
    bool came_back_ = true; // false once a reconnect never came: later steps cannot run
    std::optional<std::string> current_password_;
    std::string key_;
    std::vector<ocpp::v16::CertificateHashData> installed_roots_;
    std::vector<std::string> events_;
    ocpp::Clock::TimePoint away_at_{};
    // What the reconnect attempts showed, for the hint when the charger does not come back.
    int unknown_passwords_ = 0, plain_attempts_ = 0, untrusted_ = 0, plain_on_tls_ = 0, other_tls_failures_ = 0;
    std::string last_tls_failure_;
};

} // namespace tester::profiles
