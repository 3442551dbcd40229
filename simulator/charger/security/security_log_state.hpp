#pragma once
// What a simulated charger keeps for the security whitepaper's events, security log, GetLog and SignedUpdateFirmware.
// Made on first use; everything in it is bounded: the security log is a ring, the queue of undelivered events has a
// fixed capacity (oldest non-critical events dropped first, counted), and only one upload and one signed firmware
// update run at a time.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/transfer/transfer.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/v16/messages.hpp"
#include "simulator/charger/charger.hpp"
#include "simulator/charger/transfer_steps.hpp"

namespace sim {

// Whether the whitepaper marks a security event critical (critical events are pushed to the central system first
// and are the last to be dropped from a full queue).
bool is_critical_security_event(std::string_view type);

struct Charger::SecurityLogState {
    static constexpr std::size_t kLogCapacity = 200;   // security log entries kept for GetLog(SecurityLog)
    static constexpr std::size_t kQueueCapacity = 100; // events waiting to be delivered

    struct Entry {
        std::int64_t unix_ms = 0;
        std::string type;
        std::string tech_info;
    };
    struct Waiting {
        ocpp::v16::SecurityEventNotificationReq req;
        bool critical = false;
    };
    // A GetLog until Uploaded or its final failure.
    struct LogUpload {
        int request_id = 0;
        std::string url;
        std::string file_name;
        std::string content;
        int attempts_left = 1;
        ocpp::Clock::Duration retry_interval{};
        std::unique_ptr<ocpp::Timer> timer;
        ocpp::transfer::TransferHandle transfer;
        bool done = false; // a final status was reached
    };
    // A SignedUpdateFirmware from its retrieveDateTime to Installed (or a failure).
    struct SignedUpdate {
        int request_id = 0;
        std::string location;
        std::string certificate; // the signing certificate, PEM
        std::string signature;   // base64
        std::optional<ocpp::DateTime> install_at;
        int attempts_left = 1;
        ocpp::Clock::Duration retry_interval{};
        std::unique_ptr<ocpp::Timer> timer;
        ocpp::transfer::TransferHandle transfer;
        transfer_steps::FirmwareVerdict verdict;
        bool waiting_for_sessions = false;
        bool rebooting = false; // installed: Installed goes out after the next accepted boot
        bool done = false;      // a final status was reached
    };

    // The security log: a ring of the last kLogCapacity events.
    std::vector<Entry> log;
    std::size_t log_next = 0;
    // Events not yet delivered, oldest first; the front is in flight while `sending`.
    std::vector<Waiting> queue;
    bool sending = false;
    std::uint64_t dropped = 0;
    bool starting_up = true; // StartupOfTheDevice goes out after the next accepted boot

    std::shared_ptr<LogUpload> upload;
    ocpp::v16::UploadLogStatus log_status = ocpp::v16::UploadLogStatus::Idle; // the last one sent
    int log_request_id = 0;
    bool log_status_unsent = false; // it could not be sent: it goes after the next boot

    std::shared_ptr<SignedUpdate> firmware;
    ocpp::v16::SignedFirmwareStatus firmware_status = ocpp::v16::SignedFirmwareStatus::Idle; // the last one sent
    int firmware_request_id = 0;
    bool firmware_status_unsent = false;

    void add_to_log(std::int64_t unix_ms, std::string type, std::string tech_info) {
        Entry e{unix_ms, std::move(type), std::move(tech_info)};
        if (log.size() < kLogCapacity) {
            log.push_back(std::move(e));
        } else {
            log[log_next % kLogCapacity] = std::move(e);
        }
        ++log_next;
    }
    // Calls fn(entry) oldest first.
    template <class Fn> void for_each_entry(Fn fn) const {
        const std::size_t n = log.size();
        const std::size_t first = n < kLogCapacity ? 0 : log_next % kLogCapacity;
        for (std::size_t i = 0; i < n; ++i) {
            fn(log[(first + i) % n]);
        }
    }
};

} // namespace sim
