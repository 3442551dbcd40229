#pragma once
// The check catalogue of SPEC §2 (stable id, title, OCTT case, order) and the CheckBoard that holds the live
// verdicts of one run. The evaluation of each layer lives in checks_<layer>.cpp as small functions returning an
// Outcome, so that it can be tested on recorded input without a connection.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tester/checks/test_run.hpp"
#include "tester/report/report.hpp"

namespace tester {

// In the order the checks run and are shown.
enum class CheckId {
    Tcp,
    Tls,
    Path,
    Subprotocol,
    Auth,
    BootFirst,
    BootPayload,
    Status,
    Heartbeat,
    Clock,
    GetConfiguration,
    TriggerMessage,
    RemoteStart,
    MeterValues,
    RemoteStop,
    Stable,
    FrameRate,
    Schema,
};
inline constexpr std::size_t kCheckCount = 18;

struct CheckDef {
    CheckId id;
    const char* key;   // "websocket.subprotocol"
    const char* title; // "WebSocket subprotocol ocpp1.6 offered"
    const char* octt;  // "TC_088", or ""
};

const std::vector<CheckDef>& check_catalogue();
const CheckDef& check_def(CheckId id);
std::optional<CheckId> find_check(std::string_view key);

// The verdict of one check: what was seen and how to fix it.
struct Outcome {
    Verdict verdict = Verdict::Pass;
    std::string seen;
    std::string hint;
    std::vector<std::string> details;

    static Outcome pass(std::string seen) { return {Verdict::Pass, std::move(seen), {}, {}}; }
    static Outcome warn(std::string seen, std::string hint) {
        return {Verdict::Warn, std::move(seen), std::move(hint), {}};
    }
    static Outcome fail(std::string seen, std::string hint) {
        return {Verdict::Fail, std::move(seen), std::move(hint), {}};
    }
    static Outcome skipped(std::string seen) { return {Verdict::Skipped, std::move(seen), {}, {}}; }
};

// True for Pass, Warn, Fail and Skipped.
bool is_final(Verdict v);
// The more severe of two verdicts (Fail > Warn > Pass).
Verdict worse(Verdict a, Verdict b);

// The checks of one run, in catalogue order, inside a Report. Every change goes to the listener.
class CheckBoard {
public:
    using Listener = std::function<void(const Check&)>;
    static constexpr std::size_t kMaxDetails = 50; // per check; more are summarised in one line

    // Fills `checks` with the catalogue; checks that do not apply to `config` start Skipped.
    CheckBoard(std::vector<Check>& checks, const TestConfig& config);

    void set_listener(Listener l) { listener_ = std::move(l); }
    const Check& get(CheckId id) const { return checks_[index(id)]; }
    bool done(CheckId id) const { return is_final(get(id).verdict); }

    // Marks a check as running with what it waits for.
    void running(CheckId id, std::string seen) { running_at(index(id), std::move(seen)); }
    // Sets verdict, seen and hint; the outcome's details are appended.
    void set(CheckId id, Outcome outcome) { set_at(index(id), std::move(outcome)); }
    void add_detail(CheckId id, std::string detail) { detail_at(index(id), std::move(detail)); }
    void add_timing(CheckId id, std::string name, double ms);

    // Appends a check after the catalogue (the optional profile groups); it starts Pending unless set otherwise.
    void append(Check check);
    // The same operations for appended checks, by their key; unknown keys are ignored.
    bool has(std::string_view key) const { return find(key).has_value(); }
    const Check* get(std::string_view key) const;
    void running(std::string_view key, std::string seen);
    void set(std::string_view key, Outcome outcome);
    void add_detail(std::string_view key, std::string detail);
    // Checks that never got a verdict: Running ones get `running_verdict`, Pending ones become Skipped.
    void settle_rest(Verdict running_verdict, const std::string& why);

private:
    static std::size_t index(CheckId id) { return static_cast<std::size_t>(id); }
    std::optional<std::size_t> find(std::string_view key) const;
    void running_at(std::size_t i, std::string seen);
    void set_at(std::size_t i, Outcome outcome);
    void detail_at(std::size_t i, std::string detail);
    void changed(std::size_t i);

    std::vector<Check>& checks_;
    std::vector<std::size_t> dropped_details_;
    Listener listener_;
};

// "1.23 s" / "850 ms" for a duration in milliseconds.
std::string format_ms(double ms);
// Joins with ", "; "none" when empty.
std::string join_list(const std::vector<std::string>& items);
// Quotes a value for display, escaping control characters and cutting it at `max` characters.
std::string quote(std::string_view text, std::size_t max = 80);

} // namespace tester
