#pragma once
// A simulated charger's Local Authorization List and authorization cache (OCPP 1.6 §3.5, §5.15, §9.1). Plain state:
// no network, no clock of its own, so it is tested on its own.
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ocpp/v16/messages.hpp"

namespace sim {

class AuthStore {
public:
    // The limits a SendLocalList is checked against (the configuration keys of the same names).
    struct ListLimits {
        std::size_t local_auth_list_max_length = 0;
        std::size_t send_local_list_max_length = 0;
    };
    // The cache keeps at most this many tags; the oldest entry makes room for a new one.
    explicit AuthStore(std::size_t cache_capacity = 1000);

    // Applies a SendLocalList: Accepted, VersionMismatch (differential not newer than ours), or Failed (too many
    // entries, duplicate or empty idTags, negative version); on anything but Accepted nothing stored changes.
    ocpp::v16::UpdateStatus apply(const ocpp::v16::SendLocalListReq& req, ListLimits limits);
    // The version GetLocalListVersion reports: 0 while the list is empty.
    int version() const { return list_.empty() ? 0 : version_; }
    std::size_t list_size() const { return list_.size(); }
    std::size_t cache_size() const { return cache_.size(); }

    // Remembers the idTagInfo the central system gave for a tag (Authorize, StartTransaction answers).
    void remember(std::string_view id_tag, const ocpp::v16::IdTagInfo& info);
    void clear_cache();

    // The entry of a tag in the list, or nullopt (idTags compare case-insensitively, as CiString20 says).
    std::optional<ocpp::v16::IdTagInfo> from_list(std::string_view id_tag) const;
    // The cached entry of a tag, or nullopt.
    std::optional<ocpp::v16::IdTagInfo> from_cache(std::string_view id_tag) const;
    // Accepted and not past its expiryDate at `now`.
    static bool valid(const ocpp::v16::IdTagInfo& info, const ocpp::DateTime& now);

private:
    static std::string key(std::string_view id_tag);
    std::unordered_map<std::string, ocpp::v16::IdTagInfo> list_;
    int version_ = 0;
    std::unordered_map<std::string, ocpp::v16::IdTagInfo> cache_;
    std::list<std::string> cache_order_; // insertion order, oldest first, for eviction
    std::size_t cache_capacity_;
};

} // namespace sim
