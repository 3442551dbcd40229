// The step types of a scenario, one function each (see scenarios/FORMAT.md).
#include <algorithm>
#include <cstdio>

#include "ocpp/rpc/frame.hpp"
#include "simulator/scenario/charger_run.hpp"

namespace scen {

namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

std::string expectation_text(const Expectation& e) {
    if (!e.error) {
        return "a CALLRESULT";
    }
    std::string codes;
    for (const auto& c : e.error_codes) {
        codes += (codes.empty() ? " " : " or ") + c;
    }
    return "a CALLERROR" + codes;
}

} // namespace

void ChargerRun::do_connect(const Step& s) {
    if (peer_ && peer_->is_open()) {
        fail("a closed connection before connect", "the connection is still open (add disconnect first)");
        return;
    }
    auto url = expand_text(env_.target.url, ctx_);
    if (!url) {
        fail("target.url to expand", url.error().message);
        return;
    }
    ocpp::net::ConnectOptions o;
    o.url = *url + (url->empty() || url->back() == '/' ? "" : "/") + id_;
    const auto password = s.password ? s.password : env_.target.password;
    if (env_.target.security_profile == 1 || env_.target.security_profile == 2 || s.password) {
        if (password) {
            auto pw = expand_text(*password, ctx_);
            if (!pw) {
                fail("the password to expand", pw.error().message);
                return;
            }
            o.basic_user = id_;
            o.basic_password = *pw;
        }
    }
    o.open_handshake_timeout = std::chrono::seconds(10);
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    const int refused = s.refused_status;
    const bool refused_tls = s.refused_tls;
    const std::string target = o.url;
    const std::string refusal = refused_tls ? "the TLS handshake with " + target + " to fail"
                                            : "the handshake refused with HTTP " + std::to_string(refused);
    auto* client = s.without_certificate ? env_.client_without_certificate : env_.client;
    client->connect(o, [weak, refused, refused_tls, target, refusal](ocpp::net::SessionPtr session,
                                                                     std::optional<ocpp::net::ConnectError> error) {
        auto self = weak.lock();
        if (!self || self->finished_) {
            if (session) {
                session->close(1000, "scenario finished");
            }
            return;
        }
        const bool expect_refusal = refused != 0 || refused_tls;
        if (error) {
            if ((refused != 0 && error->http_status == refused) ||
                (refused_tls && error->kind == ocpp::net::ConnectError::Kind::Tls)) {
                self->next();
                return;
            }
            self->fail(expect_refusal ? refusal : "a WebSocket connection to " + target,
                       error->message +
                           (error->http_status ? " (HTTP " + std::to_string(error->http_status) + ")" : ""));
            return;
        }
        if (expect_refusal) {
            session->close(1000, "expected a refusal");
            self->fail(refusal, "the connection was accepted");
            return;
        }
        ocpp::PeerConfig cfg;
        cfg.call_timeout = std::chrono::seconds(30);
        self->attach(ocpp::Peer::create(session, *self->env_.schemas, cfg, *self->env_.peer_log));
        self->next();
    });
}

void ChargerRun::do_disconnect(const Step& s) {
    if (!peer_ || !peer_->is_open()) {
        next();
        return;
    }
    peer_->close(s.code, "scenario disconnect");
    wait_for(
        5,
        [this] {
            if (!closed_) {
                return Check::NotYet;
            }
            peer_.reset();
            next();
            return Check::Done;
        },
        [] { return std::string("the close handshake did not finish"); }, "the connection closed");
}

void ChargerRun::do_send(const Step& s) {
    if (!peer_ || !peer_->is_open()) {
        fail("an open connection to send " + s.action,
             closed_ ? "the connection closed (code " + std::to_string(closed_->code) + " " + closed_->reason + ")"
                     : "not connected (add connect first)");
        return;
    }
    rapidjson::Document payload;
    if (auto r = expand_json(s.payload, ctx_, payload); !r) {
        fail("the payload of " + s.action + " to expand", r.error().message);
        return;
    }
    last_ = Answer{}; // not emplace(): clang does not see Answer as default-constructible there (NSDMI)
    raw_id_.reset();
    const double timeout = s.expect ? s.expect->within_s : 30;
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    peer_->call_text(
        s.action, to_json(payload),
        [weak](ocpp::RawOutcome out) {
            auto self = weak.lock();
            if (!self || !self->last_ || self->last_->arrived) {
                return;
            }
            Answer& a = *self->last_;
            a.arrived = true;
            a.latency_ms = std::chrono::duration<double, std::milli>(out.latency).count();
            switch (out.status) {
            case ocpp::CallStatus::Ok:
                a.status = "CALLRESULT";
                a.payload.CopyFrom(*out.payload, a.payload.GetAllocator());
                break;
            case ocpp::CallStatus::CallError:
                a.status = "CALLERROR";
                a.error = true;
                a.code = out.error_code;
                a.description = out.error_description;
                break;
            default:
                a.status = ocpp::to_string(out.status);
                a.description =
                    out.error_description + (out.findings.empty() ? "" : " " + ocpp::describe(out.findings));
                break;
            }
            self->poke();
        },
        std::chrono::milliseconds(static_cast<long long>(timeout * 1000) + 1000), s.validate);
    if (s.expect) {
        do_expect(*s.expect);
    } else {
        next();
    }
}

void ChargerRun::send_raw(const std::string& text, std::string id) {
    last_ = Answer{}; // not emplace(): clang does not see Answer as default-constructible there (NSDMI)
    raw_id_ = std::move(id);
    raw_sent_ = std::chrono::steady_clock::now();
    peer_->send_raw(text);
}

void ChargerRun::do_fault(const Step& s) {
    if (!peer_ || !peer_->is_open()) {
        fail("an open connection for the fault", "not connected");
        return;
    }
    auto text = expand_text(s.payload, ctx_);
    if (!text) {
        fail("the frame text to expand", text.error().message);
        return;
    }
    const std::string n = std::to_string(++ctx_.counters["fault"]);
    if (s.action == "drop") {
        peer_->close(1006, "dropped by the scenario"); // a reserved code: the connection is cut without a close frame
        wait_for(
            5,
            [this] {
                if (!closed_) {
                    return Check::NotYet;
                }
                peer_.reset();
                next();
                return Check::Done;
            },
            [] { return std::string("the connection stayed open"); }, "the connection dropped");
        return;
    }
    std::string frame = *text;
    std::string id = s.frame_id;
    if (s.action == "malformed" && frame.empty()) {
        id = id.empty() ? "malformed-" + n : id;
        frame = "[2,\"" + id + "\",\"Heartbeat\",{"; // cut short: not JSON
    } else if (s.action == "wrong_id") {
        id = id.empty() ? "no-such-call-" + n : id;
        frame = frame.empty() ? "[3,\"" + id + "\",{}]" : frame;
    } else if (s.action == "oversize") {
        id = id.empty() ? "oversize-" + n : id;
        const std::string head = "[2,\"" + id + "\",\"DataTransfer\",{\"vendorId\":\"ocppkit\",\"data\":\"";
        const std::string tail = "\"}]";
        frame = head + std::string(s.bytes > head.size() + tail.size() ? s.bytes - head.size() - tail.size() : 1, 'x') +
                tail;
    } else if (id.empty()) {
        ocpp::rpc::Frame f;
        ocpp::rpc::FrameError e;
        if (ocpp::rpc::parse_frame(frame, f, e)) {
            id = f.id;
        } else if (e.call_id) {
            id = *e.call_id;
        }
    }
    send_raw(frame, id);
    if (s.expect) {
        do_expect(*s.expect);
    } else {
        next();
    }
}

void ChargerRun::do_expect(const Expectation& e) {
    if (!last_) {
        fail(expectation_text(e), "nothing was sent before this expect");
        return;
    }
    wait_for(
        e.within_s,
        [this, &e] {
            if (!last_->arrived) {
                return Check::NotYet;
            }
            if (check_answer(e, *last_)) {
                next();
            }
            return Check::Done;
        },
        [] { return std::string("no answer"); }, expectation_text(e));
}

bool ChargerRun::check_answer(const Expectation& e, const Answer& a) {
    if (a.error != e.error || (a.status != "CALLRESULT" && a.status != "CALLERROR")) {
        fail(expectation_text(e), a.summary());
        return false;
    }
    if (e.error && !e.error_codes.empty() &&
        std::find(e.error_codes.begin(), e.error_codes.end(), a.code) == e.error_codes.end()) {
        fail(expectation_text(e), a.summary());
        return false;
    }
    if (e.max_latency_ms && a.latency_ms > *e.max_latency_ms) {
        fail("an answer within " + seconds_text(*e.max_latency_ms) + " ms",
             "it took " + seconds_text(a.latency_ms) + " ms");
        return false;
    }
    if (e.error) {
        rapidjson::Document d;
        d.SetString(a.description.c_str(), static_cast<rapidjson::SizeType>(a.description.size()), d.GetAllocator());
        return check_matchers(e.match, d, "a CALLERROR description") && capture(e.capture, a.payload);
    }
    return check_matchers(e.match, a.payload, "a CALLRESULT") && capture(e.capture, a.payload);
}

bool ChargerRun::check_matchers(const std::vector<Matcher>& match, const rapidjson::Value& value,
                                const std::string& what) {
    for (const auto& m : match) {
        if (auto problem = check(m, value, ctx_)) {
            const std::string got = problem->rfind("got ", 0) == 0 ? problem->substr(4) : *problem;
            fail(what + " where " + describe(m) + " (line " + std::to_string(m.pos.line) + ")",
                 got + " in " + to_json(value, 300));
            return false;
        }
    }
    return true;
}

bool ChargerRun::capture(const std::map<std::string, std::string>& capture, const rapidjson::Value& value) {
    for (const auto& [name, path] : capture) {
        std::string error;
        const rapidjson::Value* v = find_path(value, path, &error);
        if (!v) {
            fail("a value at " + path + " to capture into " + name,
                 (error.empty() ? "nothing there" : error) + " in " + to_json(value, 300));
            return false;
        }
        ctx_.set(name, *v);
    }
    return true;
}

void ChargerRun::do_expect_call(const Step& s) {
    if (!peer_) {
        fail("an open connection to receive " + s.action, "not connected");
        return;
    }
    wait_for(
        s.within_s,
        [this, &s] {
            auto it = inbox_.begin();
            while (it != inbox_.end() && it->action != s.action) {
                ++it;
            }
            if (it == inbox_.end()) {
                return Check::NotYet;
            }
            IncomingCall call = std::move(*it);
            inbox_.erase(it);
            if (!check_matchers(s.expect->match, call.payload, "a " + s.action + " request") ||
                !capture(s.expect->capture, call.payload)) {
                call.reply.error(ocpp::rpc::ErrorCode::GenericError, "not what the scenario expected");
                return Check::Done;
            }
            auto reply = std::make_shared<ocpp::RawReply>(std::move(call.reply));
            if (!s.reply_error.empty()) {
                const auto code = ocpp::rpc::parse_error_code(s.reply_error);
                reply->error(code.value_or(ocpp::rpc::ErrorCode::GenericError), "answered by the scenario");
            } else {
                rapidjson::Document payload;
                if (auto r = expand_json(s.payload, ctx_, payload); !r) {
                    fail("the reply to " + s.action + " to expand", r.error().message);
                    return Check::Done;
                }
                if (s.delay_s > 0) {
                    auto doc = std::make_shared<rapidjson::Document>(std::move(payload));
                    reply_timer_->start(std::chrono::milliseconds(static_cast<long long>(s.delay_s * 1000)),
                                        [reply, doc] { reply->ok(*doc); });
                } else {
                    reply->ok(payload);
                }
            }
            next();
            return Check::Done;
        },
        [this] {
            std::string seen;
            for (const auto& c : inbox_) {
                seen += (seen.empty() ? "" : ", ") + c.action;
            }
            return seen.empty() ? std::string("no call") : "only " + seen;
        },
        "a " + s.action + " call from the central system");
}

void ChargerRun::do_expect_close(const Step& s) {
    wait_for(
        s.within_s,
        [this, &s] {
            if (!closed_) {
                return Check::NotYet;
            }
            if (s.code != 0 && closed_->code != s.code) {
                fail("the connection closed with code " + std::to_string(s.code),
                     "code " + std::to_string(closed_->code) + " " + closed_->reason);
                return Check::Done;
            }
            peer_.reset();
            next();
            return Check::Done;
        },
        [] { return std::string("the connection stayed open"); }, "the connection closed");
}

void ChargerRun::do_wait(const Step& s) {
    auto text = expand_text(s.seconds, ctx_);
    char* end = nullptr;
    const double seconds = text ? std::strtod(text->c_str(), &end) : -1;
    if (!text || end != text->c_str() + text->size() || seconds < 0 || seconds > 3600) {
        fail("a number of seconds (0 to 3600) to wait", text ? "\"" + *text + "\"" : text.error().message);
        return;
    }
    std::weak_ptr<ChargerRun> weak = weak_from_this();
    timer_->start(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)), [weak] {
        if (auto self = weak.lock()) {
            self->next();
        }
    });
}

void ChargerRun::do_set(const Step& s) {
    for (const auto& [name, json] : s.values) {
        rapidjson::Document v;
        if (auto r = expand_json(json, ctx_, v); !r) {
            fail("the value of " + name + " to expand", r.error().message);
            return;
        }
        ctx_.set(name, v);
    }
    next();
}

} // namespace scen
