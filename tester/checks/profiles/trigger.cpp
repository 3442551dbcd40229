// The remote-trigger group: TriggerMessage for each of the six requestedMessage values of OCPP 1.6, each answered
// Accepted and followed by the message asked for (connector 1 where the message is per connector).
#include <string>
#include <vector>

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

namespace {

using namespace ocpp::v16;

struct Item {
    MessageTrigger what;
    const char* key;
    bool per_connector;
};

constexpr Item kItems[] = {
    {MessageTrigger::BootNotification, "trigger.boot_notification", false},
    {MessageTrigger::DiagnosticsStatusNotification, "trigger.diagnostics_status", false},
    {MessageTrigger::FirmwareStatusNotification, "trigger.firmware_status", false},
    {MessageTrigger::Heartbeat, "trigger.heartbeat", false},
    {MessageTrigger::MeterValues, "trigger.meter_values", true},
    {MessageTrigger::StatusNotification, "trigger.status_notification", true},
};

class TriggerGroup : public GroupBase {
public:
    explicit TriggerGroup(GroupContext ctx)
        : GroupBase(ctx) {}

    void start(std::function<void()> done) override {
        done_ = std::move(done);
        next();
    }

    void on_call(std::string_view action) override {
        if (at_ == 0 || at_ > std::size(kItems)) {
            return;
        }
        const std::string expected = to_string(kItems[at_ - 1].what);
        if (action != expected) {
            return;
        }
        if (waiting_) {
            arrived();
        } else {
            seen_ = true; // before the answer: counted once the answer is Accepted
        }
    }

    bool expects_boot() const override { return boot_asked_; }

    void conclude() override {
        wait_.stop();
        done_ = nullptr;
    }

private:
    void next() {
        if (at_ >= std::size(kItems)) {
            ++at_;
            if (done_) {
                done_();
            }
            return;
        }
        const Item& item = kItems[at_++];
        waiting_ = false;
        seen_ = false;
        TriggerMessageReq req;
        req.requestedMessage = item.what;
        if (item.per_connector) {
            req.connectorId = 1;
        }
        if (item.what == MessageTrigger::BootNotification) {
            boot_asked_ = true;
        }
        const std::string name = to_string(item.what);
        ctx_.board.running(item.key, "sent TriggerMessage(" + name + (item.per_connector ? ", connector 1" : "") +
                                         "); waiting for the answer");
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token, name, key = item.key](ocpp::CallOutcome<TriggerMessageConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                ctx_.board.set(key, call_failed("TriggerMessage(" + name + ")", out.status, out.error_code,
                                                out.error_description, false));
                next_later();
                return;
            }
            if (out.conf->status != TriggerMessageStatus::Accepted) {
                const bool not_implemented = out.conf->status == TriggerMessageStatus::NotImplemented;
                ctx_.board.set(
                    key, Outcome::fail(std::string("answered ") + to_string(out.conf->status),
                                       not_implemented
                                           ? "The charger declares the RemoteTrigger profile but does not implement "
                                             "TriggerMessage(" +
                                                 name +
                                                 "). OCPP 1.6 lets a central system trigger six messages; ask the "
                                                 "manufacturer for a firmware that sends " +
                                                 name + " on request."
                                           : "The charger refused to send " + name +
                                                 " on request. A charger that declares RemoteTrigger should send it "
                                                 "when asked; check its settings or update the firmware."));
                next_later();
                return;
            }
            if (seen_) {
                passed(key, name);
                return;
            }
            waiting_ = true;
            ctx_.board.running(key, "Accepted; waiting for " + name);
            wait_.start(ctx_.config.call_timeout, [this, key, name] {
                waiting_ = false;
                ctx_.board.set(key, Outcome::fail("Accepted, but no " + name + " followed within " +
                                                      std::to_string(ctx_.config.call_timeout.count()) + " s",
                                                  "The charger accepted TriggerMessage(" + name +
                                                      ") but did not send " + name +
                                                      ". After answering Accepted it must send the requested "
                                                      "message; update the firmware."));
                next_later();
            });
        });
    }

    void arrived() {
        wait_.cancel();
        waiting_ = false;
        const Item& item = kItems[at_ - 1];
        passed(item.key, to_string(item.what));
    }

    void passed(const char* key, const std::string& name) {
        ctx_.board.set(key, Outcome::pass("Accepted; " + name + " followed"));
        next_later();
    }

    // The next call goes out from the loop, not from inside the handler that settled this one.
    void next_later() {
        auto token = wait_.token();
        ctx_.loop.post([this, token] {
            if (!token.expired()) {
                next();
            }
        });
    }

    std::size_t at_ = 0;
    bool waiting_ = false, seen_ = false, boot_asked_ = false;
};

} // namespace

std::unique_ptr<Group> make_trigger(GroupContext ctx) {
    return std::make_unique<TriggerGroup>(ctx);
}

} // namespace tester::profiles
