// The local-list group: SendLocalList Full (version N) then GetLocalListVersion == N; a Differential update (N + 1)
// then GetLocalListVersion == N + 1; finally an empty Full list so the tester's tags do not stay on the charger.
// The entries the charger held before cannot be read over OCPP, so they are not restored: the report says so.
#include <string>
#include <vector>

#include "tester/checks/calls.hpp"
#include "tester/checks/profiles/group.hpp"

namespace tester::profiles {

namespace {

using namespace ocpp::v16;

constexpr const char* kFull = "local_list.full";
constexpr const char* kDifferential = "local_list.differential";

AuthorizationData entry(const char* tag, AuthorizationStatus status) {
    return AuthorizationData{tag, IdTagInfo{std::nullopt, std::nullopt, status}};
}

std::string update_hint(UpdateStatus status, const char* kind) {
    switch (status) {
    case UpdateStatus::NotSupported:
        return "The charger declares LocalAuthListManagement but answered NotSupported: the local list is probably "
               "switched off. Set LocalAuthListEnabled to true in its configuration, or remove the profile from "
               "SupportedFeatureProfiles.";
    case UpdateStatus::VersionMismatch:
        return std::string("The charger refused the ") + kind +
               " update as a version mismatch although its version was the one it reported. It must apply a "
               "Differential update whose version is newer than its own; update the firmware.";
    default:
        return std::string("The charger could not store the ") + kind +
               " list of three tags (answered Failed). Check LocalAuthListMaxLength and SendLocalListMaxLength in "
               "its configuration and the free memory; update the firmware if they allow three tags.";
    }
}

class LocalListGroup : public GroupBase {
public:
    explicit LocalListGroup(GroupContext ctx)
        : GroupBase(ctx) {}

    void start(std::function<void()> done) override {
        done_ = std::move(done);
        ctx_.board.running(kFull, "sent GetLocalListVersion; waiting for the answer");
        auto token = wait_.token();
        ctx_.peer->call(GetLocalListVersionReq{}, [this, token](ocpp::CallOutcome<GetLocalListVersionConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                ctx_.board.set(kFull, call_failed("GetLocalListVersion", out.status, out.error_code,
                                                  out.error_description, false));
                skip_differential();
                return finish();
            }
            before_ = out.conf->listVersion;
            send_full();
        });
    }

    void conclude() override {
        wait_.stop();
        done_ = nullptr;
    }

private:
    void send_full() {
        version_ = std::max(before_, 0) + 1;
        SendLocalListReq req;
        req.listVersion = version_;
        req.updateType = UpdateType::Full;
        req.localAuthorizationList = std::vector<AuthorizationData>{
            entry("OCPPKIT-LIST-1", AuthorizationStatus::Accepted),
            entry("OCPPKIT-LIST-2", AuthorizationStatus::Blocked),
        };
        ctx_.board.running(kFull, "the list had version " + std::to_string(before_) +
                                      "; sent SendLocalList Full with 2 tags, version " + std::to_string(version_));
        send(req, kFull, "Full", [this] { verify(kFull, version_, [this] { send_differential(); }); });
    }

    void send_differential() {
        SendLocalListReq req;
        req.listVersion = version_ + 1;
        req.updateType = UpdateType::Differential;
        req.localAuthorizationList = std::vector<AuthorizationData>{
            entry("OCPPKIT-LIST-3", AuthorizationStatus::Accepted),
            AuthorizationData{"OCPPKIT-LIST-2", std::nullopt}, // no idTagInfo: removed from the list
        };
        ctx_.board.running(kDifferential, "sent SendLocalList Differential (add one tag, remove one), version " +
                                              std::to_string(version_ + 1));
        send(req, kDifferential, "Differential", [this] { verify(kDifferential, version_ + 1, [this] { clean(); }); });
    }

    // Sends an update; `next` runs when it was Accepted, otherwise the check fails and the group ends.
    void send(const SendLocalListReq& req, const char* key, const char* kind, std::function<void()> next) {
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token, key, kind, next](ocpp::CallOutcome<SendLocalListConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok() || out.conf->status != UpdateStatus::Accepted) {
                ctx_.board.set(key, out.ok() ? Outcome::fail(std::string("SendLocalList ") + kind + " answered " +
                                                                 to_string(out.conf->status),
                                                             update_hint(out.conf->status, kind))
                                             : call_failed("SendLocalList", out.status, out.error_code,
                                                           out.error_description, false));
                if (key == kFull) {
                    skip_differential();
                }
                return finish();
            }
            next();
        });
    }

    // GetLocalListVersion must report `expected` now.
    void verify(const char* key, int expected, std::function<void()> next) {
        auto token = wait_.token();
        ctx_.peer->call(GetLocalListVersionReq{}, [this, token, key, expected,
                                                   next](ocpp::CallOutcome<GetLocalListVersionConf> out) {
            if (token.expired()) {
                return;
            }
            if (!out.ok()) {
                ctx_.board.set(
                    key, call_failed("GetLocalListVersion", out.status, out.error_code, out.error_description, false));
                return finish();
            }
            if (out.conf->listVersion != expected) {
                ctx_.board.set(key, Outcome::fail("Accepted, but GetLocalListVersion then reported " +
                                                      std::to_string(out.conf->listVersion) + " instead of " +
                                                      std::to_string(expected),
                                                  "The charger accepted the list but does not report its version. "
                                                  "A central system compares versions to decide what to send; with "
                                                  "a wrong version it sends full lists again and again, or none. "
                                                  "Update the firmware."));
                if (key == kFull) {
                    skip_differential();
                }
                return clean(); // the list was accepted: the tester's tags must not stay on it
            }
            ctx_.board.set(key, Outcome::pass("Accepted; GetLocalListVersion reports " + std::to_string(expected)));
            next();
        });
    }

    // Empties the list, so the tester's tags do not stay valid on the charger.
    void clean() {
        SendLocalListReq req;
        req.listVersion = version_ + 2;
        req.updateType = UpdateType::Full;
        req.localAuthorizationList = std::vector<AuthorizationData>{};
        auto token = wait_.token();
        ctx_.peer->call(req, [this, token](ocpp::CallOutcome<SendLocalListConf> out) {
            if (token.expired()) {
                return;
            }
            const bool ok = out.ok() && out.conf->status == UpdateStatus::Accepted;
            const std::string note =
                (ok ? "the tester emptied the list afterwards (version " + std::to_string(version_ + 2) + ")"
                    : std::string("emptying the list afterwards failed: the tester's tags OCPPKIT-LIST-1 and "
                                  "OCPPKIT-LIST-3 may still be on it")) +
                "; the list the charger held before (version " + std::to_string(before_) +
                ") cannot be read over OCPP and was not restored: send it again from your central system";
            // Shown with the verdict (details of passed checks stay in the report only).
            if (const Check* c = ctx_.board.get(std::string_view(kDifferential))) {
                ctx_.board.set(kDifferential, Outcome{c->verdict, c->seen + "; " + note, c->hint, {}});
            }
            finish();
        });
    }

    void skip_differential() {
        ctx_.board.set(kDifferential, Outcome::skipped("not tried: the Full update did not pass"));
    }

    int before_ = 0, version_ = 1;
};

} // namespace

std::unique_ptr<Group> make_local_list(GroupContext ctx) {
    return std::make_unique<LocalListGroup>(ctx);
}

} // namespace tester::profiles
