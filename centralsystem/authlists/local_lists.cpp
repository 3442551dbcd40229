// Local authorization lists kept in sync (local_lists.hpp).
#include "centralsystem/authlists/local_lists.hpp"
#include "ocpp/text/split.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "centralsystem/db/authlists/list_groups.hpp"
#include "centralsystem/notifier.hpp"
#include "centralsystem/security/jobs.hpp"
#include "ocpp/text/datetime.hpp"
#include "ocpp/v16/messages.hpp"

namespace cs {

using namespace ocpp::v16;

namespace {

using ocpp::text::lower;

AuthorizationData entry_of(const IdTag& t) {
    AuthorizationData d;
    d.idTag = t.id_tag;
    IdTagInfo info;
    AuthorizationStatus status = AuthorizationStatus::Invalid;
    from_string(t.status, status);
    info.status = status;
    if (t.expiry_date) {
        if (auto when = ocpp::parse_datetime(*t.expiry_date)) {
            info.expiryDate = *when;
        }
    }
    if (t.parent_id_tag && !t.parent_id_tag->empty()) {
        info.parentIdTag = *t.parent_id_tag;
    }
    d.idTagInfo = info;
    return d;
}

} // namespace

bool LocalLists::sync(const std::string& id, bool full) {
    const Credentials* c = gate_.credentials(id);
    if (!links_.peer(id) || c == nullptr || c->status != ChargerStatus::Operational) {
        return false;
    }
    if (running_.count(id) > 0) {
        again_.insert(id);
        if (full) {
            again_full_.insert(id);
        }
        return true;
    }
    auto [it, added] = waiting_.emplace(id, full);
    it->second = it->second || full;
    if (added) {
        queue_.push_back(id);
    }
    pump();
    return true;
}

void LocalLists::sync_chargers(const std::vector<std::string>& ids, bool full, bool all) {
    for (const auto& id : ids) {
        if (links_.peer(id) && (all || no_list_.count(id) == 0)) {
            sync(id, full);
        }
    }
}

void LocalLists::sync_group(const std::string& group, bool full) {
    db_.run<std::vector<std::string>>(
        [group](store::Connection& db) { return db::list_group_chargers(db, group, db::kMaxListGroupMembers + 1); },
        [this, group, full, alive = alive_](ocpp::Result<std::vector<std::string>> ids) {
            if (!*alive) {
                return;
            }
            if (!ids) {
                return log_.error("local lists", "reading group \"" + group + "\" failed: " + ids.error().message);
            }
            sync_chargers(*ids, full, true);
        });
}

void LocalLists::list_changed(const std::vector<std::string>& groups) {
    changed_groups_.insert(groups.begin(), groups.end());
    if (change_armed_ || groups.empty()) {
        return; // the armed sync sends this change too
    }
    if (!change_timer_) {
        change_timer_ = loop_.make_timer();
    }
    change_armed_ = true;
    change_timer_->start(kListChangeDelay, [this] {
        change_armed_ = false;
        std::vector<std::string> changed(changed_groups_.begin(), changed_groups_.end());
        changed_groups_.clear();
        db_.run<std::vector<std::string>>(
            [changed](store::Connection& db) -> ocpp::Result<std::vector<std::string>> {
                std::vector<std::string> out;
                for (const auto& g : changed) {
                    auto ids = db::list_group_chargers(db, g, db::kMaxListGroupMembers + 1);
                    if (!ids) {
                        return ids.error();
                    }
                    out.insert(out.end(), ids->begin(), ids->end());
                }
                return out;
            },
            [this, alive = alive_](ocpp::Result<std::vector<std::string>> ids) {
                if (!*alive) {
                    return;
                }
                if (!ids) {
                    return log_.error("local lists", "reading the changed groups failed: " + ids.error().message);
                }
                sync_chargers(*ids, false, false);
            });
    });
}

void LocalLists::pump() {
    while (running_.size() < kMaxSyncsRunning && !queue_.empty()) {
        const std::string id = queue_.front();
        queue_.pop_front();
        const bool full = waiting_[id];
        waiting_.erase(id);
        running_.insert(id);
        run(id, full);
    }
}

void LocalLists::run(const std::string& id, bool full) {
    auto peer = links_.peer(id);
    if (!peer) {
        return finish(id, -2, "offline", "the charger is not connected; it is synced when it boots");
    }
    GetConfigurationReq ask;
    ask.key = std::vector<std::string>{"LocalAuthListEnabled", "LocalAuthListMaxLength", "SendLocalListMaxLength"};
    peer->call(ask, [this, id, full, alive = alive_](ocpp::CallOutcome<GetConfigurationConf> out) {
        if (!*alive) {
            return;
        }
        if (!out.ok()) {
            return finish(id, -2, "failed", describe_failure("GetConfiguration", out));
        }
        Limits limits;
        for (const auto& kv : out.conf->configurationKey.value_or(std::vector<KeyValue>{})) {
            const std::string value = kv.value.value_or("");
            char* end = nullptr;
            const long long n = std::strtoll(value.c_str(), &end, 10);
            const bool number = !value.empty() && *end == '\0' && n >= 0;
            if (kv.key == "LocalAuthListEnabled") {
                limits.enabled = lower(value) != "false";
            } else if (kv.key == "LocalAuthListMaxLength" && number) {
                limits.list_max = n;
            } else if (kv.key == "SendLocalListMaxLength" && number) {
                limits.send_max = n;
            }
        }
        if (!limits.enabled) {
            return finish(id, -2, "disabled", "the charger's LocalAuthListEnabled is false; nothing was sent");
        }
        auto link = links_.peer(id);
        if (!link) {
            return finish(id, -2, "offline", "the charger went offline during the sync");
        }
        link->call(GetLocalListVersionReq{},
                   [this, id, full, limits, alive = alive_](ocpp::CallOutcome<GetLocalListVersionConf> v) {
                       if (!*alive) {
                           return;
                       }
                       if (!v.ok()) {
                           // A charger without the LocalAuthListManagement profile: remembered, not retried per edit.
                           const bool unsupported = v.error_code == "NotImplemented" || v.error_code == "NotSupported";
                           return finish(id, -2, unsupported ? "NotSupported" : "failed",
                                         describe_failure("GetLocalListVersion", v));
                       }
                       decide(id, full, limits, v.conf->listVersion);
                   });
    });
}

void LocalLists::decide(const std::string& id, bool full, Limits limits, int charger_version) {
    struct Plan {
        bool in_sync = false, differential = false;
        std::string group;
        db::LocalListContent content;
    };
    db_.run<Plan>(
        [id, full, charger_version](store::Connection& db) -> ocpp::Result<Plan> {
            Plan plan;
            auto state = db::charger_list_state(db, id);
            if (!state) {
                return state.error();
            }
            auto group_name = db::list_group_of(db, id);
            if (!group_name) {
                return group_name.error();
            }
            auto group = db::find_list_group(db, *group_name);
            if (!group) {
                return group.error();
            }
            if (!*group) {
                return ocpp::make_error(ocpp::ErrorKind::NotFound, "no group \"" + *group_name + "\"");
            }
            plan.group = *group_name;
            const std::int64_t version = (*group)->version;
            // A version of this group this central system gave the charger, the charger still holds it, and no
            // reshaping of the list came after it.
            const bool ours = *state && (*state)->group == *group_name && (*state)->version == charger_version &&
                              charger_version > 0 && charger_version >= (*group)->full_from;
            if (!full && ours && charger_version == version) {
                plan.in_sync = true;
                plan.content.version = version;
                return plan;
            }
            plan.differential = !full && ours && charger_version < version;
            auto content = plan.differential ? db::local_list_since(db, *group_name, charger_version)
                                             : db::local_list_full(db, *group_name);
            if (!content) {
                return content.error();
            }
            plan.content = std::move(*content);
            return plan;
        },
        [this, id, limits, alive = alive_](ocpp::Result<Plan> plan) {
            if (!*alive) {
                return;
            }
            if (!plan) {
                return finish(id, -2, "failed", "the list could not be read: " + plan.error().message);
            }
            if (plan->in_sync) {
                return finish(id, plan->content.version, "Accepted",
                              "in sync: the charger holds version " + std::to_string(plan->content.version) +
                                  " of group \"" + plan->group + "\"",
                              plan->group);
            }
            send(id, plan->group, limits, std::move(plan->content), plan->differential, "");
        });
}

void LocalLists::send(const std::string& id, const std::string& group, Limits limits, db::LocalListContent content,
                      bool differential, std::string note) {
    const auto count = static_cast<std::int64_t>(content.tags.size() + content.removed.size());
    if (content.total > limits.list_max || content.total > db::kMaxLocalListTags) {
        return finish(id, -2, "tooLong",
                      note + "the list has " + std::to_string(content.total) + " id tags; the charger keeps at most " +
                          std::to_string(std::min<std::int64_t>(limits.list_max, db::kMaxLocalListTags)) +
                          " (LocalAuthListMaxLength); nothing was sent");
    }
    // More tags than one SendLocalList takes go in pieces of send_max: the first as the update itself, the rest as
    // Differential updates, each one version on, so that the last carries the list's version.
    const std::int64_t pieces =
        count == 0 ? 1 : (limits.send_max > 0 ? (count + limits.send_max - 1) / limits.send_max : 0);
    const std::int64_t first_version = content.version - (pieces - 1);
    if (pieces == 0 || first_version < 1) {
        if (differential) {
            return decide(id, true, limits, -1);
        }
        return finish(id, -2, "tooLong",
                      note + "the list has " + std::to_string(count) + " id tags; the charger takes at most " +
                          std::to_string(limits.send_max) + " per SendLocalList (SendLocalListMaxLength) and version " +
                          std::to_string(content.version) +
                          " leaves too few versions to send them in pieces; nothing "
                          "was sent");
    }
    auto batch = std::make_shared<Batch>();
    batch->group = group;
    batch->entries.reserve(static_cast<std::size_t>(count));
    for (const auto& t : content.tags) {
        batch->entries.push_back(entry_of(t));
    }
    for (auto& tag : content.removed) {
        AuthorizationData gone; // no idTagInfo: the charger takes the tag out of its list
        gone.idTag = std::move(tag);
        batch->entries.push_back(std::move(gone));
    }
    batch->version = content.version;
    batch->first_version = first_version;
    batch->pieces = pieces;
    batch->per_piece = count == 0 ? 1 : limits.send_max;
    batch->differential = differential;
    batch->note = std::move(note);
    send_piece(id, limits, std::move(batch), 0);
}

void LocalLists::send_piece(const std::string& id, Limits limits, std::shared_ptr<Batch> b, std::int64_t index) {
    auto peer = links_.peer(id);
    if (!peer) {
        // A charger holding part of the list must get the whole one next time.
        return finish(id, index > 0 ? -1 : -2, "offline", b->note + "the charger went offline during the sync");
    }
    const auto from = static_cast<std::size_t>(index * b->per_piece);
    const auto to = std::min(b->entries.size(), from + static_cast<std::size_t>(b->per_piece));
    const bool differential = b->differential || index > 0;
    SendLocalListReq req;
    req.listVersion = static_cast<int>(b->first_version + index);
    req.updateType = differential ? UpdateType::Differential : UpdateType::Full;
    req.localAuthorizationList = std::vector<AuthorizationData>(b->entries.begin() + static_cast<std::ptrdiff_t>(from),
                                                                b->entries.begin() + static_cast<std::ptrdiff_t>(to));
    const std::string what =
        std::string(differential ? "Differential" : "Full") + " update to version " + std::to_string(req.listVersion) +
        " with " + std::to_string(to - from) + " id tags" +
        (b->pieces > 1 ? " (piece " + std::to_string(index + 1) + " of " + std::to_string(b->pieces) +
                             ", SendLocalListMaxLength " + std::to_string(b->per_piece) + ")"
                       : std::string()) +
        " for group \"" + b->group + "\"";
    peer->call(req, [this, id, limits, b, index, what, alive = alive_](ocpp::CallOutcome<SendLocalListConf> out) {
        if (!*alive) {
            return;
        }
        const std::int64_t keep = index > 0 ? -1 : -2; // after a piece was taken, the charger's list is partial
        if (!out.ok()) {
            return finish(id, keep, "failed", b->note + describe_failure("SendLocalList", out));
        }
        const UpdateStatus status = out.conf->status;
        if (status == UpdateStatus::Accepted) {
            if (index + 1 < b->pieces) {
                return send_piece(id, limits, b, index + 1);
            }
            // The version is the charger's only once the last piece is in.
            return finish(id, b->version, "Accepted", b->note + what + " accepted", b->group);
        }
        // Only a sync that began as Differential falls back to Full (a Full one refused again ends here, no loop).
        if (b->differential && (status == UpdateStatus::VersionMismatch || status == UpdateStatus::Failed)) {
            // The charger does not hold what we thought: it gets the whole list.
            const std::string again = what + " answered " + to_string(status) + "; ";
            db_.run<db::LocalListContent>(
                [group = b->group](store::Connection& db) { return db::local_list_full(db, group); },
                [this, id, limits, again, group = b->group, alive](ocpp::Result<db::LocalListContent> full) {
                    if (!*alive) {
                        return;
                    }
                    if (!full) {
                        return finish(id, -2, "failed", again + "the list could not be read: " + full.error().message);
                    }
                    send(id, group, limits, std::move(*full), false, again);
                });
            return;
        }
        finish(id, keep, to_string(status), b->note + what + " answered " + to_string(status));
    });
}

void LocalLists::finish(const std::string& id, std::int64_t version, std::string result, std::string detail,
                        std::string group) {
    // version -2: keep the version (and its group) stored for the charger (it did not change).
    db_.run<void>(
        [id, version, result, detail, group,
         at = now_text(loop_.clock())](store::Connection& db) -> ocpp::Result<void> {
            db::ChargerListState s;
            s.chargebox_id = id;
            s.version = version;
            s.group = group;
            if (version == -2 || group.empty()) {
                auto old = db::charger_list_state(db, id);
                if (!old) {
                    return old.error();
                }
                if (version == -2) {
                    s.version = *old ? (*old)->version : -1;
                }
                s.group = *old ? (*old)->group : std::string();
            }
            s.result = result;
            s.detail = detail;
            s.at = at;
            return db::set_charger_list_state(db, s);
        },
        [this, id, result, alive = alive_](ocpp::Result<void> r) {
            if (!*alive) {
                return;
            }
            if (!r) {
                log_.error("local lists", "\"" + id + "\": storing the sync result failed: " + r.error().message);
            }
            running_.erase(id);
            // A charger without a usable list is not asked again at every id-tag change; it is when it boots.
            if (result == "disabled" || result == "NotSupported") {
                no_list_.insert(id);
            } else {
                no_list_.erase(id);
            }
            if (again_.erase(id) > 0) {
                const bool full = again_full_.erase(id) > 0;
                sync(id, full);
            }
            pump();
        });
}

} // namespace cs
