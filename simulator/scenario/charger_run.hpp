#pragma once
// One charger working through a scenario's steps on the event loop. Each step runs through its kind
// (steps/registry.hpp) and either completes (next()), fails (fail()) or waits for an event with a deadline
// (wait_for()); events re-check the waiting condition (poke()).
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
#include "ocpp/transfer/transfer.hpp"
#include "simulator/scenario/file_host.hpp"
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
    Role role = Role::Charger;
    FileHost* files = nullptr; // files served to and uploaded by chargers
    // The transfers of the charger role's fetch and upload steps.
    ocpp::transfer::TransferService* transfers = nullptr;
};

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

// A CALL from the central system, waiting for an expect_call step to answer it.
struct IncomingCall {
    std::string action;
    rapidjson::Document payload;
    ocpp::RawReply reply;
};

// The connection of one charger's run and what arrived on it; the step kinds read and change it.
struct Link {
    std::shared_ptr<ocpp::Peer> peer;
    std::optional<ocpp::net::CloseInfo> closed;
    std::optional<Answer> last;
    std::optional<std::string> raw_id; // the raw frame whose answer we wait for ("" = any unknown id)
    std::chrono::steady_clock::time_point raw_sent;
    std::set<std::string> our_call_ids;
    // Calls waiting for an expect_call; in the central-system role also those answered by default already, kept
    // (at most kMaxInbox) so that a later expect_call can find one that came early.
    std::deque<IncomingCall> inbox;
    static constexpr std::size_t kMaxInbox = 256;
    // Central-system role: the password the charger must send (set by accept), connections seen and accepted.
    std::optional<std::string> expected_password;
    int connections = 0;
    int accepted = 0;
    // The last `rest` sent with async: true, and its answer once it came.
    const Step* async_rest = nullptr;
    std::shared_ptr<std::optional<ocpp::Result<RestReply>>> async_reply;
    // The running fetch or upload; dropping it stops the transfer and its callback.
    ocpp::transfer::TransferHandle transfer;
};

class ChargerRun : public std::enable_shared_from_this<ChargerRun> {
public:
    ChargerRun(const RunEnv& env, int index, std::function<void(ChargerResult)> done);
    void start(); // sets the variables and runs the first step (posted)

    // What the step kinds (steps/*.cpp) work with.
    enum class Check { NotYet, Done };
    void next(); // the step is done: moves on to the next (posted)
    // The step failed: records what it expected and what it got, and ends the run.
    void fail(const std::string& expected, const std::string& got);
    // Waits until `ready` returns Done (it may call next() or fail()), or fails after `seconds`.
    void wait_for(double seconds, std::function<Check()> ready, std::function<std::string()> timeout_got,
                  std::string expected);
    void poke();                     // something arrived: re-checks what wait_for waits for
    void next_after(double seconds); // the step is done after a pause (wait)
    // Runs `f` after `seconds` unless the run finished (one at a time: a delayed answer to an expect_call).
    void later(double seconds, std::function<void()> f);
    // Runs the steps of `holder` (a repeat) as a nested list; its kind's `again` decides on another round.
    void enter(const Step& holder);
    // Takes a new connection: its frames, calls and close come to this run.
    void attach(std::shared_ptr<ocpp::Peer> peer);
    // Sends a frame as it is and waits for the answer with message id `id` ("" = any id we did not send).
    void send_raw(const std::string& text, std::string id);
    const RunEnv& env() const { return env_; }    // target, clients, schemas, loop
    const std::string& id() const { return id_; } // this charger's ID
    Context& ctx() { return ctx_; }               // its variables
    Link& link() { return link_; }                // its connection
    bool finished() const { return finished_; }   // passed or failed: steps must not go on

private:
    // A list of steps being worked through (the scenario's, or a repeat's).
    struct Level {
        const std::vector<Step>* steps;
        std::size_t index = 0;
        const Step* holder = nullptr;
        int iteration = 1;
    };

    void advance(); // the posted part of next()
    void end_of_level();
    void finish();
    void record_step(bool passed); // the timing of current_, which just ended
    std::string step_path() const;
    void observe(ocpp::FrameDirection dir, std::string_view text);
    void take_call(IncomingCall call); // a CALL arrived: to the waiting step, else (central system) by default
    void prepare(const std::vector<Step>& steps); // the kinds' work before the first step (upload endpoints)

    RunEnv env_;
    int index_;
    std::string id_;
    Context ctx_;
    std::function<void(ChargerResult)> done_;
    ChargerResult result_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point step_started_;
    std::vector<Level> levels_;
    const Step* current_ = nullptr;
    bool finished_ = false;
    Link link_;

    std::unique_ptr<ocpp::Timer> timer_;
    std::function<Check()> waiter_;
    std::uint64_t generation_ = 0;             // counts waits, so that a finished wait does not clear the next one
    std::unique_ptr<ocpp::Timer> reply_timer_; // delayed answers
};

} // namespace scen
