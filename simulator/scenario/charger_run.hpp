#pragma once
// One charger working through a scenario's steps on the event loop. Every step either completes (next()), fails
// (fail()) or waits for an event with a deadline (wait_for()); events re-check the waiting condition (poke()).
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "ocpp/net/client.hpp"
#include "ocpp/peer/peer.hpp"
#include "simulator/scenario/runner.hpp"
#include "simulator/scenario/values.hpp"

namespace scen {

// What the run needs from outside, shared by the chargers of one scenario.
struct RunEnv {
    const Scenario* scenario = nullptr;
    Target target;          // with the overrides applied
    std::string id_pattern; // the scenario's, with {index} appended when several chargers would share one ID
    ocpp::net::Client* client = nullptr;
    ocpp::net::Client* client_without_certificate = nullptr; // the same TLS settings, no client certificate
    const ocpp::validation::Registry* schemas = nullptr;
    const ocpp::Logger* log = nullptr;
    const ocpp::Logger* peer_log = nullptr; // quieter: raw frames make the Peer warn about answers it did not expect
    RestClient* rest = nullptr;
    ocpp::Executor* loop = nullptr;
};

class ChargerRun : public std::enable_shared_from_this<ChargerRun> {
public:
    ChargerRun(const RunEnv& env, int index, std::function<void(ChargerResult)> done);
    void start();

private:
    // The answer to the last send or raw frame.
    struct Answer {
        bool arrived = false;
        bool error = false;
        std::string status; // "CALLRESULT", "CALLERROR", or what happened instead ("Timeout", "Closed", ...)
        std::string code, description;
        rapidjson::Document payload; // CALLRESULT payload or CALLERROR details
        double latency_ms = 0;
        std::string summary() const;
    };
    struct IncomingCall {
        std::string action;
        rapidjson::Document payload;
        ocpp::RawReply reply;
    };
    // A list of steps being worked through (the scenario's, or a repeat's).
    struct Level {
        const std::vector<Step>* steps;
        std::size_t index = 0;
        const Step* repeat = nullptr;
        int iteration = 1;
    };
    enum class Check { NotYet, Done };

    void next();    // moves on to the next step (posted)
    void advance(); // ... the posted part
    void run_step(const Step& s);
    void end_of_level();
    void fail(const std::string& expected, const std::string& got);
    void finish();
    std::string step_path() const;
    // Waits until `ready` returns Done (it may call next() or fail()), or fails after `seconds`.
    void wait_for(double seconds, std::function<Check()> ready, std::function<std::string()> timeout_got,
                  std::string expected);
    void poke();

    // steps (charger_steps.cpp)
    void do_connect(const Step& s);
    void do_disconnect(const Step& s);
    void do_send(const Step& s);
    void do_fault(const Step& s);
    void do_expect(const Expectation& e);
    void do_expect_call(const Step& s);
    void do_expect_close(const Step& s);
    void do_wait(const Step& s);
    void do_rest(const Step& s);
    void do_expect_rest(const Step& s);
    // Checks a REST answer against the rest step's status, matchers and captures; true when it passed.
    bool check_rest(const Step& s, const ocpp::Result<RestReply>& r);
    void do_set(const Step& s);
    // Checks an arrived answer; true when it passed (the failure is recorded otherwise).
    bool check_answer(const Expectation& e, const Answer& a);
    bool check_matchers(const std::vector<Matcher>& match, const rapidjson::Value& value, const std::string& what);
    bool capture(const std::map<std::string, std::string>& capture, const rapidjson::Value& value);
    void attach(std::shared_ptr<ocpp::Peer> peer);
    void observe(ocpp::FrameDirection dir, std::string_view text);
    void send_raw(const std::string& text, std::string id);

    RunEnv env_;
    int index_;
    std::string id_;
    Context ctx_;
    std::function<void(ChargerResult)> done_;
    ChargerResult result_;
    std::chrono::steady_clock::time_point started_;
    std::vector<Level> levels_;
    const Step* current_ = nullptr;
    bool finished_ = false;

    std::shared_ptr<ocpp::Peer> peer_;
    std::optional<ocpp::net::CloseInfo> closed_;
    std::optional<Answer> last_;
    std::optional<std::string> raw_id_; // the raw frame whose answer we wait for ("" = any unknown id)
    std::chrono::steady_clock::time_point raw_sent_;
    std::set<std::string> our_call_ids_;
    std::deque<IncomingCall> inbox_;
    // The last `rest` sent with async: true, and its answer once it came.
    const Step* async_rest_ = nullptr;
    std::shared_ptr<std::optional<ocpp::Result<RestReply>>> async_reply_;

    std::unique_ptr<ocpp::Timer> timer_;
    std::function<Check()> waiter_;
    std::uint64_t generation_ = 0;             // counts waits, so that a finished wait does not clear the next one
    std::unique_ptr<ocpp::Timer> reply_timer_; // delayed answers
};

} // namespace scen
