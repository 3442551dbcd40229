// Password guessing against the real ocpp-centralsystem: a storm of wrong guesses for one Chargebox ID neither delays
// another charger nor costs a PBKDF2 per guess; a charger whose password was verified gets in during a storm on its
// own ID; the right password works once the back-off has expired; one address guessing across many IDs backs off
// while chargers behind it whose password is known, and other addresses, do not.
#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "tests/centralsystem/cs_binary.hpp"
#include "tests/support/raw_ws.hpp"

namespace cs::test {
namespace {

using ocppkit::test::basic_upgrade;
using ocppkit::test::UpgradeReply;

class HostileHandshake : public CentralSystemBinary {
protected:
    void add_charger(const std::string& id, const std::string& password) {
        const auto r =
            api("POST", "/api/v1/chargers", R"({"chargeBoxId":")" + id + R"(","password":")" + password + R"("})");
        ASSERT_EQ(r.status, 201) << r.body;
    }
    // A value of /metrics ("name{labels}"), 0 when absent.
    double metric(const std::string& name) {
        const std::string text = raw("GET", "/metrics").body;
        const auto at = text.find("\n" + name + " ");
        return at == std::string::npos ? 0 : std::stod(text.substr(at + name.size() + 2));
    }
    double checks() { return metric("ocpp_password_hashes_total{kind=\"check\"}"); }
    double refusals(const std::string& reason) {
        return metric("ocpp_handshake_refusals_total{reason=\"" + reason + "\"}");
    }
    long rss_kib() {
        std::ifstream in("/proc/" + std::to_string(cs_->pid()) + "/status");
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("VmRSS:", 0) == 0) {
                return std::stol(line.substr(6));
            }
        }
        return 0;
    }
    // Eight threads send wrong passwords for `id` until `stop` or `total` guesses; answer = false: without waiting
    // for the answers, so the server sees far more than eight at a time.
    std::vector<std::future<int>> storm(const std::string& id, std::atomic<int>& sent, int total,
                                        std::atomic<bool>& stop, bool answer) {
        std::vector<std::future<int>> threads;
        for (int t = 0; t < 8; ++t) {
            threads.push_back(std::async(std::launch::async, [this, id, &sent, total, &stop, answer, t] {
                int refused = 0;
                for (int n; !stop && (n = sent++) < total;) {
                    const auto r = basic_upgrade(port_, id, "guess-" + std::to_string(t) + "-" + std::to_string(n),
                                                 "127.0.0.1", answer, 20s);
                    refused += r.status == 401 || r.status == 429;
                }
                return refused;
            }));
        }
        return threads;
    }
};

TEST_F(HostileHandshake, WrongPasswordStormNeitherDelaysAnotherChargerNorCostsAHashPerGuess) {
    add_charger("CB-ATTACKED", "attacked-password-0123");
    add_charger("CB-OTHER", "other-password-4567");
    restart(); // nothing verified yet: CB-OTHER's first connection needs a PBKDF2 of its own
    const long rss_before = rss_kib();
    std::atomic<int> sent{0};
    std::atomic<bool> stop{false};
    constexpr int kGuesses = 4000;
    auto threads = storm("CB-ATTACKED", sent, kGuesses, stop, false);
    ASSERT_TRUE(wait_until([&] { return sent >= 1000; }, 30s));
    std::vector<double> latencies;
    for (int i = 0; i < 10; ++i) {
        const auto r = basic_upgrade(port_, "CB-OTHER", "other-password-4567", "127.0.0.1", true, 20s);
        EXPECT_EQ(r.status, 101) << "connection " << i << " during the storm";
        latencies.push_back(r.seconds);
        std::this_thread::sleep_for(100ms);
    }
    for (auto& t : threads) {
        t.get();
    }
    for (std::size_t i = 0; i < latencies.size(); ++i) {
        EXPECT_LT(latencies[i], 3.0) << "connection " << i << " waited behind the guesses";
    }
    // The storm took a few seconds: at most a handful of checks for CB-ATTACKED (3, then one per back-off), plus
    // CB-OTHER's own; every other guess was refused at once.
    const double hashed = checks();
    EXPECT_GE(hashed, 2);
    EXPECT_LE(hashed, 11);
    ASSERT_TRUE(wait_until(
        [&] { return refusals("wrong_password") + refusals("throttled") + refusals("check_in_progress") >= kGuesses; },
        30s))
        << "every guess answered: " << raw("GET", "/metrics").body;
    EXPECT_GE(refusals("throttled") + refusals("check_in_progress"), kGuesses - 11);
    // The storm is over; its back-off may have expired meanwhile, so a guess or two more start the next one.
    UpgradeReply late;
    for (int i = 0; i < 3 && late.status != 429; ++i) {
        late = basic_upgrade(port_, "CB-ATTACKED", "late-guess-" + std::to_string(i));
    }
    ASSERT_EQ(late.status, 429) << "backing off";
    EXPECT_FALSE(late.retry_after.empty()) << "a throttled refusal says when to try again";
    const double before = checks();
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(basic_upgrade(port_, "CB-ATTACKED", "later-guess-" + std::to_string(i)).status, 429);
    }
    EXPECT_EQ(checks(), before) << "throttled refusals cost no PBKDF2";
    EXPECT_LT(rss_kib() - rss_before, 50 * 1024) << "memory grew by " << (rss_kib() - rss_before) << " KiB";
}

TEST_F(HostileHandshake, AChargerWhosePasswordWasVerifiedGetsInDuringAStormOnItsOwnId) {
    add_charger("CB-A", "a-password-0123456");
    ASSERT_EQ(basic_upgrade(port_, "CB-A", "a-password-0123456").status, 101);
    std::atomic<int> sent{0};
    std::atomic<bool> stop{false};
    auto threads = storm("CB-A", sent, 1'000'000, stop, true);
    ASSERT_TRUE(wait_until([&] { return sent >= 200; }, 30s));
    for (int i = 0; i < 10; ++i) {
        const auto r = basic_upgrade(port_, "CB-A", "a-password-0123456", "127.0.0.1", true, 20s);
        EXPECT_EQ(r.status, 101) << "reconnect " << i << " during the storm on its own ID";
        EXPECT_LT(r.seconds, 5.0); // generous for a loaded machine; a throttled attempt would be refused (429)
        std::this_thread::sleep_for(200ms);
    }
    stop = true;
    for (auto& t : threads) {
        EXPECT_GT(t.get(), 0);
    }
    EXPECT_GE(refusals("throttled"), 1);
    EXPECT_LE(checks(), 11);
}

TEST_F(HostileHandshake, TheRightPasswordGetsInOnceTheBackOffHasExpired) {
    restart({"--password-backoff-max", "2"});
    add_charger("CB-B", "b-password-0123456");
    for (int i = 1; i <= 3; ++i) {
        EXPECT_EQ(basic_upgrade(port_, "CB-B", "guess-" + std::to_string(i)).status, 401) << i;
    }
    const auto blocked = basic_upgrade(port_, "CB-B", "b-password-0123456");
    EXPECT_EQ(blocked.status, 429) << "not verified yet: the right password waits out the back-off too";
    EXPECT_EQ(blocked.retry_after, "1");
    std::atomic<int> sent{0};
    std::atomic<bool> stop{false};
    auto threads = storm("CB-B", sent, 1'000'000, stop, true);
    std::this_thread::sleep_for(4s); // the back-off grows to its cap of 2 s meanwhile
    stop = true;
    for (auto& t : threads) {
        t.get();
    }
    EXPECT_LE(checks(), 3 + 4) << "after the first three, at most one check per back-off";
    const double before = checks();
    UpgradeReply in;
    ASSERT_TRUE(wait_until(
        [&] {
            in = basic_upgrade(port_, "CB-B", "b-password-0123456");
            return in.status != 429;
        },
        10s, 500ms));
    EXPECT_EQ(in.status, 101) << "the back-off expired";
    EXPECT_EQ(checks(), before + 1);
}

TEST_F(HostileHandshake, OneAddressGuessingManyIdsBacksOffButNotChargersTheMemoKnowsNorOtherAddresses) {
    add_charger("CB-NAT", "nat-password-0123456");
    for (int i = 0; i < 11; ++i) {
        add_charger("CB-P" + std::to_string(i), "p-password-" + std::to_string(i) + "-0123456");
    }
    const std::string nat = "127.0.0.2";
    ASSERT_EQ(basic_upgrade(port_, "CB-NAT", "nat-password-0123456", nat).status, 101);
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(basic_upgrade(port_, "CB-P" + std::to_string(i), "guess", nat).status, 401) << i;
    }
    const auto refused = basic_upgrade(port_, "CB-P10", "guess", nat);
    EXPECT_EQ(refused.status, 429) << "ten failures from one address, one per ID: the address backs off";
    EXPECT_EQ(refused.retry_after, "1");
    EXPECT_EQ(basic_upgrade(port_, "CB-NAT", "nat-password-0123456", nat).status, 101)
        << "only failures count: a charger behind the same address whose password is known is not delayed";
    EXPECT_EQ(basic_upgrade(port_, "CB-P10", "p-password-10-0123456", "127.0.0.3").status, 101)
        << "another address is checked as usual";
    EXPECT_EQ(refusals("throttled"), 1);
    EXPECT_EQ(checks(), 12);
}

} // namespace
} // namespace cs::test
