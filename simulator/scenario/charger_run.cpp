#include "simulator/scenario/charger_run.hpp"

#include "ocpp/rpc/frame.hpp"
#include "simulator/scenario/central_defaults.hpp"
#include "simulator/scenario/steps/registry.hpp"

namespace scen {

std::string Answer::summary() const {
    if (status == "CALLRESULT") {
        return "CALLRESULT " + to_json(payload, 300);
    }
    if (status == "CALLERROR") {
        return "CALLERROR " + code + " \"" + description + "\"";
    }
    return status + (description.empty() ? "" : ": " + description);
}

ChargerRun::ChargerRun(const RunEnv& env, int index, std::function<void(ChargerResult)> done)
    : env_(env)
    , index_(index)
    , id_(charger_id(env.id_pattern, index))
    , done_(std::move(done)) {
    result_.scenario = env.scenario->name;
    result_.file = env.scenario->file;
    result_.charger = id_;
}

void ChargerRun::start() {
    started_ = std::chrono::steady_clock::now();
    timer_ = env_.loop->make_timer();
    reply_timer_ = env_.loop->make_timer();
    ctx_.set_string("id", id_);
    ctx_.set_int("index", index_);
    for (const auto& [name, json] : env_.scenario->variables) {
        rapidjson::Document v;
        if (auto r = expand_json(json, ctx_, v); !r) {
            fail("variable " + name + " to expand", r.error().message);
            return;
        }
        ctx_.set(name, v);
    }
    prepare(env_.scenario->steps);
    if (finished_) {
        return;
    }
    levels_.push_back(Level{&env_.scenario->steps});
    env_.loop->post([self = shared_from_this()] { self->advance(); });
}

std::string ChargerRun::step_path() const {
    std::string path;
    for (const auto& l : levels_) {
        path += (path.empty() ? "" : ".") + std::to_string(l.index + 1);
    }
    for (const auto& l : levels_) {
        if (l.holder) {
            path += " (iteration " + std::to_string(l.iteration) + ")";
        }
    }
    return path;
}

void ChargerRun::next() {
    // Always from the loop: steps that complete at once do not nest calls.
    env_.loop->post([self = shared_from_this()] { self->advance(); });
}

void ChargerRun::advance() {
    if (finished_) {
        return;
    }
    if (current_) {
        record_step(true);
        ++levels_.back().index;
        current_ = nullptr;
    }
    while (!levels_.empty() && levels_.back().index >= levels_.back().steps->size()) {
        end_of_level();
        if (finished_) {
            return;
        }
    }
    if (levels_.empty()) {
        finish();
        return;
    }
    current_ = &(*levels_.back().steps)[levels_.back().index];
    step_started_ = std::chrono::steady_clock::now();
    ++result_.steps_run;
    env_.log->debug("scenario", id_ + ": step " + step_path() + " " + kind_name(*current_));
    current_->kind->run(*this, *current_);
}

void ChargerRun::end_of_level() {
    Level l = levels_.back();
    levels_.pop_back();
    if (!l.holder) {
        return;
    }
    current_ = l.holder; // a failure now points at the holder
    const auto again = l.holder->kind->again;
    if (again && again(*this, *l.holder, l.iteration)) {
        ++l.iteration;
        l.index = 0;
        ctx_.set_int("iteration", l.iteration);
        levels_.push_back(l);
    } else if (!finished_) {
        ++levels_.back().index; // past the holder
    }
    current_ = nullptr;
}

void ChargerRun::enter(const Step& holder) {
    ctx_.set_int("iteration", 1);
    levels_.push_back(Level{&holder.steps, 0, &holder, 1});
    current_ = nullptr;
    env_.loop->post([self = shared_from_this()] { self->advance(); });
}

void ChargerRun::next_after(double seconds) {
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    timer_->start(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)), [weak] {
        if (auto self = weak.lock()) {
            self->next();
        }
    });
}

void ChargerRun::later(double seconds, std::function<void()> f) {
    reply_timer_->start(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)), std::move(f));
}

void ChargerRun::send_raw(const std::string& text, std::string id) {
    link_.last = Answer{}; // not emplace(): clang does not see Answer as default-constructible there (NSDMI)
    link_.raw_id = std::move(id);
    link_.raw_sent = std::chrono::steady_clock::now();
    link_.peer->send_raw(text);
}

void ChargerRun::fail(const std::string& expected, const std::string& got) {
    if (finished_) {
        return;
    }
    Failure f;
    f.step = step_path();
    if (current_) {
        f.pos = current_->pos;
        f.kind = kind_name(*current_);
    }
    f.expected = expected;
    f.got = got;
    if (current_) {
        record_step(false);
    }
    result_.passed = false;
    result_.failure = f;
    finish();
}

void ChargerRun::record_step(bool passed) {
    if (result_.steps.size() >= kMaxStepTimings) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    StepTiming t;
    t.step = step_path();
    t.kind = kind_name(*current_);
    t.line = current_->pos.line;
    t.start_s = std::chrono::duration<double>(step_started_ - started_).count();
    t.seconds = std::chrono::duration<double>(now - step_started_).count();
    t.passed = passed;
    result_.steps.push_back(std::move(t));
}

void ChargerRun::finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    waiter_ = nullptr;
    timer_->cancel();
    reply_timer_->cancel();
    link_.inbox.clear();
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    auto done = std::move(done_);
    if (link_.peer && link_.peer->is_open()) {
        auto self = shared_from_this();
        link_.peer->set_close_handler([self, done](const ocpp::net::CloseInfo&) {
            auto d = done;
            self->link_.peer.reset();
            d(self->result_);
        });
        link_.peer->close(1000, "scenario finished");
        // A close handshake that never completes still ends the run.
        timer_->start(std::chrono::seconds(3), [self, done] {
            if (self->link_.peer) {
                self->link_.peer->set_close_handler(nullptr);
                self->link_.peer.reset();
                done(self->result_);
            }
        });
        return;
    }
    link_.peer.reset();
    done(result_);
}

void ChargerRun::wait_for(double seconds, std::function<Check()> ready, std::function<std::string()> timeout_got,
                          std::string expected) {
    waiter_ = std::move(ready);
    ++generation_;
    const auto ms = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    timer_->start(ms, [weak, timeout_got = std::move(timeout_got), expected = std::move(expected), seconds] {
        auto self = weak.lock();
        if (!self || !self->waiter_) {
            return;
        }
        self->waiter_ = nullptr;
        self->fail(expected + " within " + number_text(seconds) + " s", timeout_got());
    });
    poke();
}

void ChargerRun::poke() {
    if (!waiter_ || finished_) {
        return;
    }
    auto w = waiter_; // the step it completes may start another wait
    const auto generation = generation_;
    if (w() == Check::Done && generation == generation_) {
        waiter_ = nullptr;
        timer_->cancel();
    }
}

void ChargerRun::attach(std::shared_ptr<ocpp::Peer> peer) {
    if (link_.peer && link_.peer->is_open()) {
        // The charger connected again (central-system role): the new connection replaces the old one.
        link_.peer->set_close_handler(nullptr);
        link_.peer->close(1000, "replaced by a new connection");
    }
    ++link_.connections;
    link_.peer = std::move(peer);
    link_.closed.reset();
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    link_.peer->set_frame_observer([weak](ocpp::FrameDirection dir, std::string_view text) {
        if (auto self = weak.lock()) {
            self->observe(dir, text);
        }
    });
    link_.peer->set_close_handler([weak](const ocpp::net::CloseInfo& info) {
        if (auto self = weak.lock()) {
            self->link_.closed = info;
            self->poke();
        }
    });
    for (const auto& action : env_.schemas->actions()) {
        link_.peer->on_raw(action, [weak, action](const rapidjson::Value& payload, ocpp::RawReply reply) {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            IncomingCall call{action, rapidjson::Document(), std::move(reply)};
            deep_copy(payload, call.payload);
            self->take_call(std::move(call));
        });
    }
    poke(); // an accept may wait for this connection
}

void ChargerRun::take_call(IncomingCall call) {
    const std::string id = call.reply.message_id();
    link_.inbox.push_back(std::move(call));
    poke();
    if (env_.role != Role::CentralSystem) {
        return;
    }
    // No step took it: answer as a small central system would, and keep it for a later expect_call.
    for (auto& c : link_.inbox) {
        if (c.reply.message_id() == id && !c.reply.answered()) {
            answer_by_default(c.action, c.reply, ctx_);
        }
    }
    while (link_.inbox.size() > Link::kMaxInbox && link_.inbox.front().reply.answered()) {
        link_.inbox.pop_front();
    }
}

void ChargerRun::prepare(const std::vector<Step>& steps) {
    for (const auto& s : steps) {
        if (finished_) {
            return;
        }
        if (s.kind->prepare) {
            s.kind->prepare(*this, s);
        }
        prepare(s.steps);
    }
}

void ChargerRun::observe(ocpp::FrameDirection dir, std::string_view text) {
    if (text.size() > 3 && text[0] == '[' && text[1] == '2') {
        if (dir == ocpp::FrameDirection::Sent) {
            ocpp::rpc::Frame f;
            ocpp::rpc::FrameError e;
            if (ocpp::rpc::parse_frame(text, f, e)) {
                link_.our_call_ids.insert(f.id);
            }
        }
        return;
    }
    if (dir != ocpp::FrameDirection::Received || !link_.raw_id || !link_.last || link_.last->arrived) {
        return;
    }
    ocpp::rpc::Frame f;
    ocpp::rpc::FrameError e;
    if (!ocpp::rpc::parse_frame(text, f, e) || f.type == ocpp::rpc::MessageType::Call) {
        return;
    }
    if (link_.raw_id->empty() ? link_.our_call_ids.count(f.id) > 0 : f.id != *link_.raw_id) {
        return;
    }
    Answer& a = *link_.last;
    a.arrived = true;
    a.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - link_.raw_sent).count();
    a.error = f.type == ocpp::rpc::MessageType::CallError;
    a.status = a.error ? "CALLERROR" : "CALLRESULT";
    a.code = f.error_code;
    a.description = f.error_description;
    if (f.payload) {
        deep_copy(*f.payload, a.payload);
    }
    link_.raw_id.reset();
    poke();
}

} // namespace scen
