#include "simulator/charger/auth_store.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace sim {

using namespace ocpp::v16;

AuthStore::AuthStore(std::size_t cache_capacity)
    : cache_capacity_(std::max<std::size_t>(1, cache_capacity)) {}

std::string AuthStore::key(std::string_view id_tag) {
    std::string k(id_tag);
    std::transform(k.begin(), k.end(), k.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    return k;
}

UpdateStatus AuthStore::apply(const SendLocalListReq& req, ListLimits limits) {
    static const std::vector<AuthorizationData> kNone;
    const auto& entries = req.localAuthorizationList ? *req.localAuthorizationList : kNone;
    if (req.listVersion < 0 || entries.size() > limits.send_local_list_max_length) {
        return UpdateStatus::Failed;
    }
    std::unordered_set<std::string> seen;
    for (const auto& e : entries) {
        if (e.idTag.empty() || !seen.insert(key(e.idTag)).second) {
            return UpdateStatus::Failed; // every idTag must be unique
        }
    }
    // Build the new list aside; it replaces ours only when every check passed.
    std::unordered_map<std::string, IdTagInfo> next;
    if (req.updateType == UpdateType::Differential) {
        if (req.listVersion <= version_) {
            return UpdateStatus::VersionMismatch;
        }
        next = list_;
        for (const auto& e : entries) {
            if (e.idTagInfo) {
                next[key(e.idTag)] = *e.idTagInfo;
            } else {
                next.erase(key(e.idTag)); // no idTagInfo in a differential update: remove the tag
            }
        }
    } else {
        for (const auto& e : entries) {
            if (e.idTagInfo) {
                next[key(e.idTag)] = *e.idTagInfo;
            }
        }
    }
    if (next.size() > limits.local_auth_list_max_length) {
        return UpdateStatus::Failed;
    }
    list_ = std::move(next);
    version_ = req.listVersion;
    return UpdateStatus::Accepted;
}

void AuthStore::remember(std::string_view id_tag, const IdTagInfo& info) {
    const std::string k = key(id_tag);
    if (auto it = cache_.find(k); it != cache_.end()) {
        it->second = info;
        return;
    }
    if (cache_.size() >= cache_capacity_) {
        cache_.erase(cache_order_.front());
        cache_order_.pop_front();
    }
    cache_.emplace(k, info);
    cache_order_.push_back(k);
}

void AuthStore::clear_cache() {
    cache_.clear();
    cache_order_.clear();
}

std::optional<IdTagInfo> AuthStore::from_list(std::string_view id_tag) const {
    const auto it = list_.find(key(id_tag));
    return it == list_.end() ? std::nullopt : std::optional<IdTagInfo>(it->second);
}

std::optional<IdTagInfo> AuthStore::from_cache(std::string_view id_tag) const {
    const auto it = cache_.find(key(id_tag));
    return it == cache_.end() ? std::nullopt : std::optional<IdTagInfo>(it->second);
}

bool AuthStore::valid(const IdTagInfo& info, const ocpp::DateTime& now) {
    return info.status == AuthorizationStatus::Accepted && (!info.expiryDate || now < *info.expiryDate);
}

} // namespace sim
