#include "simulator/charger/transfer_steps.hpp"
#include "ocpp/text/split.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "ocpp/transfer/transfer.hpp"

namespace sim::transfer_steps {

namespace {

constexpr auto kDefaultRetryInterval = std::chrono::seconds(60); // when the request gives none
constexpr auto kMaxRetryInterval = std::chrono::hours(24);
constexpr std::size_t kMaxVersion = 50; // BootNotification's firmwareVersion is CiString50

} // namespace

ocpp::Clock::Duration retry_interval(const std::optional<int>& seconds) {
    if (!seconds || *seconds <= 0) {
        return kDefaultRetryInterval;
    }
    return std::min<ocpp::Clock::Duration>(std::chrono::seconds(*seconds), kMaxRetryInterval);
}

int attempts(const std::optional<int>& retries) {
    return 1 + std::clamp(retries.value_or(0), 0, kMaxRetries);
}

std::string safe_chars(const std::string& s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        out += std::isalnum(u) || c == '.' || c == '-' || c == '_' ? c : '_';
    }
    return out;
}

std::string compact_time(const ocpp::DateTime& t) {
    std::string s = ocpp::format_datetime(ocpp::DateTime{std::chrono::time_point_cast<std::chrono::seconds>(t.time)});
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
    return s;
}

std::string upload_url(const std::string& location, const std::string& file_name) {
    if (!location.empty() && location.back() == '/') {
        return location + file_name;
    }
    if (ocpp::transfer::url_scheme(location) == "ftp") {
        return location + "/" + file_name;
    }
    return location;
}

FirmwareVerdict judge_firmware(const std::string& file, const std::string& location) {
    FirmwareVerdict v;
    if (file.empty()) {
        return v;
    }
    // Views into the file: a scan of up to the download cap (16 MiB) allocates nothing per line.
    const std::string_view all(file);
    std::size_t pos = 0;
    bool first = true;
    while (pos < all.size()) {
        const auto end = std::min(all.find('\n', pos), all.size());
        const std::string_view line = ocpp::text::trim(all.substr(pos, std::min<std::size_t>(end - pos, 256)));
        if (line == "corrupt") {
            return v;
        }
        if (first && line.rfind("version=", 0) == 0) {
            v.version = std::string(ocpp::text::trim(line.substr(8)));
        }
        first = false;
        pos = end + 1;
    }
    if (v.version.empty()) {
        const std::string name = ocpp::transfer::url_file_name(location);
        const auto dot = name.rfind('.');
        v.version = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
    }
    v.version = v.version.substr(0, kMaxVersion);
    v.installable = !v.version.empty();
    return v;
}

} // namespace sim::transfer_steps
