#pragma once
// Claiming codes for a passed test, shared by `check` and `serve`: what the tester saw becomes a store::Claim, and
// the store worker hashes the password (PBKDF2) and inserts the claim on its own thread, never on an event loop.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "ocpp/text/datetime.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/util/result.hpp"
#include "store/claims.hpp"
#include "store/worker.hpp"
#include "tester/report/report.hpp"

namespace tester {

// What the tester saw, as the claim the central system will redeem; created at `now`, without a password hash yet.
store::Claim claim_of(const Report& report, ocpp::DateTime now);

// Queues the claim: on the worker the password (none: profile 0) is hashed and the claim stored, valid for
// `valid_for`; then done(code or error) runs on `reply_on`. False when the worker's queue is full: nothing queued.
bool submit_claim(store::StoreWorker& worker, store::Claim claim, std::optional<std::string> password,
                  std::chrono::seconds valid_for, ocpp::Executor& reply_on,
                  std::function<void(ocpp::Result<std::string>)> done);

} // namespace tester
