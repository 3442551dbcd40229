#pragma once
// What the cluster tests need to check load management across nodes: a site's body for the API and what a node's
// log says last about the parts of dead nodes it keeps reserved.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace cluster_test {

// A site named `name` of `limit_a` A holding PREFIX000001..PREFIX(n) and `extra`, as POST/PUT /api/v1/sites take it.
inline std::string site_body(const std::string& name, double limit_a, const std::string& prefix, int n,
                             const std::vector<std::string>& extra) {
    std::string body = R"({"name":")" + name + R"(","limit":)" + std::to_string(limit_a) + R"(,"chargers":[)";
    for (int i = 1; i <= n; ++i) {
        char id[48];
        std::snprintf(id, sizeof id, "%s\"%s%06d\"", i > 1 ? "," : "", prefix.c_str(), i);
        body += id;
    }
    for (const auto& id : extra) {
        body += (body.back() == '[' ? "\"" : ",\"") + id + "\"";
    }
    return body + "]}";
}

// The last of a node's log lines about keeping the parts of dead nodes reserved ("" when there is none).
inline std::string last_reservation(const std::string& log) {
    const auto keep = log.rfind("keeping "), freed = log.rfind("nothing is kept reserved");
    if (keep == std::string::npos && freed == std::string::npos) {
        return "";
    }
    const auto from = keep == std::string::npos ? freed : freed == std::string::npos ? keep : std::max(keep, freed);
    return log.substr(from, log.find('\n', from) - from);
}

} // namespace cluster_test
