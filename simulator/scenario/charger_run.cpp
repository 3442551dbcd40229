#include "simulator/scenario/charger_run.hpp"

#include "ocpp/rpc/frame.hpp"

namespace scen {

std::string ChargerRun::Answer::summary() const {
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
    levels_.push_back(Level{&env_.scenario->steps});
    env_.loop->post([self = shared_from_this()] { self->advance(); });
}

std::string ChargerRun::step_path() const {
    std::string path;
    for (const auto& l : levels_) {
        path += (path.empty() ? "" : ".") + std::to_string(l.index + 1);
    }
    for (const auto& l : levels_) {
        if (l.repeat) {
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
    ++result_.steps_run;
    env_.log->debug("scenario", id_ + ": step " + step_path() + " " + to_string(current_->kind));
    run_step(*current_);
}

void ChargerRun::end_of_level() {
    Level& l = levels_.back();
    const Step* repeat = l.repeat;
    if (!repeat) {
        levels_.pop_back();
        return;
    }
    bool stop = l.iteration >= repeat->times;
    if (!repeat->until.empty()) {
        bool all = true;
        for (const auto& m : repeat->until) {
            all = all && !check(m, ctx_.vars, ctx_);
        }
        if (all) {
            stop = true;
        } else if (stop) {
            std::string expected;
            for (const auto& m : repeat->until) {
                expected += (expected.empty() ? "" : " and ") + describe(m);
            }
            levels_.pop_back();
            current_ = repeat;
            fail("repeat until " + expected + " within " + std::to_string(repeat->times) + " iterations",
                 "variables " + to_json(ctx_.vars, 300));
            return;
        }
    }
    if (stop) {
        levels_.pop_back();
        ++levels_.back().index; // past the repeat step
        return;
    }
    ++l.iteration;
    l.index = 0;
    ctx_.set_int("iteration", l.iteration);
}

void ChargerRun::run_step(const Step& s) {
    switch (s.kind) {
    case Step::Kind::Connect:
        return do_connect(s);
    case Step::Kind::Disconnect:
        return do_disconnect(s);
    case Step::Kind::Send:
        return do_send(s);
    case Step::Kind::Expect:
        return do_expect(*s.expect);
    case Step::Kind::ExpectCall:
        return do_expect_call(s);
    case Step::Kind::ExpectClose:
        return do_expect_close(s);
    case Step::Kind::Wait:
        return do_wait(s);
    case Step::Kind::Repeat:
        ctx_.set_int("iteration", 1);
        levels_.push_back(Level{&s.steps, 0, &s, 1});
        current_ = nullptr;
        env_.loop->post([self = shared_from_this()] { self->advance(); });
        return;
    case Step::Kind::Fault:
        return do_fault(s);
    case Step::Kind::Rest:
        return do_rest(s);
    case Step::Kind::ExpectRest:
        return do_expect_rest(s);
    case Step::Kind::Set:
        return do_set(s);
    }
}

void ChargerRun::fail(const std::string& expected, const std::string& got) {
    if (finished_) {
        return;
    }
    Failure f;
    f.step = step_path();
    if (current_) {
        f.pos = current_->pos;
        f.kind = to_string(current_->kind);
    }
    f.expected = expected;
    f.got = got;
    result_.passed = false;
    result_.failure = f;
    finish();
}

void ChargerRun::finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    waiter_ = nullptr;
    timer_->cancel();
    reply_timer_->cancel();
    inbox_.clear();
    result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    auto done = std::move(done_);
    if (peer_ && peer_->is_open()) {
        auto self = shared_from_this();
        peer_->set_close_handler([self, done](const ocpp::net::CloseInfo&) {
            auto d = done;
            self->peer_.reset();
            d(self->result_);
        });
        peer_->close(1000, "scenario finished");
        // A close handshake that never completes still ends the run.
        timer_->start(std::chrono::seconds(3), [self, done] {
            if (self->peer_) {
                self->peer_->set_close_handler(nullptr);
                self->peer_.reset();
                done(self->result_);
            }
        });
        return;
    }
    peer_.reset();
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
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", seconds);
        self->fail(expected + " within " + buf + " s", timeout_got());
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
    peer_ = std::move(peer);
    closed_.reset();
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    peer_->set_frame_observer([weak](ocpp::FrameDirection dir, std::string_view text) {
        if (auto self = weak.lock()) {
            self->observe(dir, text);
        }
    });
    peer_->set_close_handler([weak](const ocpp::net::CloseInfo& info) {
        if (auto self = weak.lock()) {
            self->closed_ = info;
            self->poke();
        }
    });
    for (const auto& action : env_.schemas->actions()) {
        peer_->on_raw(action, [weak, action](const rapidjson::Value& payload, ocpp::RawReply reply) {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            IncomingCall call{action, rapidjson::Document(), std::move(reply)};
            call.payload.CopyFrom(payload, call.payload.GetAllocator());
            self->inbox_.push_back(std::move(call));
            self->poke();
        });
    }
}

void ChargerRun::observe(ocpp::FrameDirection dir, std::string_view text) {
    if (text.size() > 3 && text[0] == '[' && text[1] == '2') {
        if (dir == ocpp::FrameDirection::Sent) {
            ocpp::rpc::Frame f;
            ocpp::rpc::FrameError e;
            if (ocpp::rpc::parse_frame(text, f, e)) {
                our_call_ids_.insert(f.id);
            }
        }
        return;
    }
    if (dir != ocpp::FrameDirection::Received || !raw_id_ || !last_ || last_->arrived) {
        return;
    }
    ocpp::rpc::Frame f;
    ocpp::rpc::FrameError e;
    if (!ocpp::rpc::parse_frame(text, f, e) || f.type == ocpp::rpc::MessageType::Call) {
        return;
    }
    if (raw_id_->empty() ? our_call_ids_.count(f.id) > 0 : f.id != *raw_id_) {
        return;
    }
    Answer& a = *last_;
    a.arrived = true;
    a.latency_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - raw_sent_).count();
    a.error = f.type == ocpp::rpc::MessageType::CallError;
    a.status = a.error ? "CALLERROR" : "CALLRESULT";
    a.code = f.error_code;
    a.description = f.error_description;
    if (f.payload) {
        a.payload.CopyFrom(*f.payload, a.payload.GetAllocator());
    }
    raw_id_.reset();
    poke();
}

} // namespace scen
