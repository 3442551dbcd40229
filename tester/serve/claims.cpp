// TestService, the end of a test: keep its final report and, when it passed, issue the claiming code through
// the store worker (PBKDF2 hashing and the insert run on the store thread; the answer comes back to the loop).
#include "tester/serve/claim_issue.hpp"
#include "tester/serve/service.hpp"

namespace tester {

void TestService::on_finished(const std::string& id, const Report& report) {
    auto it = tests_.find(id);
    if (it == tests_.end() || it->second->finished()) {
        return;
    }
    TestEntry& entry = *it->second;
    entry.final = report;
    entry.state = entry.aborted ? TestState::Aborted : report.passed() ? TestState::Passed : TestState::Failed;
    entry.finished_at = loop_.clock().now();
    ++entry.version;
    by_chargebox_.erase(entry.chargebox_id);
    std::optional<std::string> password = entry.run->charger_password();
    log_.info("tester.serve", log_name(entry) + " " + to_string(entry.state));
    // The run stays until the entry is evicted: its connection may still be closing and call back into it.
    // The guard timer may be the caller (abort on overrun): drop it once this call stack has unwound.
    std::weak_ptr<TestService> weak = weak_from_this();
    loop_.post([weak, id] {
        auto self = weak.lock();
        if (TestEntry* e = self ? self->entry(id) : nullptr) {
            e->guard.reset();
        }
    });
    if (entry.state == TestState::Passed) {
        issue_claim(entry, std::move(password));
    }
}

void TestService::issue_claim(TestEntry& entry, std::optional<std::string> password) {
    if (!store_) {
        entry.claim = ClaimStatus::Failed;
        entry.claim_error = "no database configured: no claiming code can be issued";
        return;
    }
    entry.claim = ClaimStatus::Issuing;
    store::Claim claim = claim_of(*entry.final, ocpp::DateTime{loop_.clock().wall_now()});
    const ocpp::DateTime expires = claim.created + config_.claim_valid_for;
    const auto valid_for = std::chrono::duration_cast<std::chrono::seconds>(config_.claim_valid_for);
    std::weak_ptr<TestService> weak = weak_from_this();
    const std::string id = entry.id;
    const bool queued = submit_claim(*store_, std::move(claim), std::move(password), valid_for, loop_,
                                     [weak, id, expires](ocpp::Result<std::string> code) {
                                         auto self = weak.lock();
                                         TestEntry* found = self ? self->entry(id) : nullptr;
                                         if (!found) {
                                             return; // evicted or shut down meanwhile
                                         }
                                         TestEntry& e = *found;
                                         if (code) {
                                             e.final->claim_code = *code;
                                             e.final->claim_expires = expires;
                                             e.claim = ClaimStatus::Issued;
                                             self->log_.info("tester.serve", "claiming code issued for " + log_name(e));
                                         } else {
                                             e.claim = ClaimStatus::Failed;
                                             e.claim_error =
                                                 "the claiming code could not be stored: " + code.error().message;
                                             self->log_.error("tester.serve", log_name(e) + ": " + e.claim_error);
                                         }
                                         ++e.version;
                                     });
    if (!queued) {
        entry.claim = ClaimStatus::Failed;
        entry.claim_error = "the database is too busy to issue a claiming code";
    }
}

} // namespace tester
