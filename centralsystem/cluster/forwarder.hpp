#pragma once
// Forwarder: passes a REST request that needs a charger held by another node to that node's API and brings the
// answer back. The request goes over plain HTTP to the owner's internal address with the caller's bearer token and
// the cluster's shared secret; libcurl runs on a few threads of its own (a request may wait as long as the charger
// takes to answer), never on the loop. The owner answers as if it had been asked directly, and never forwards again.
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "ocpp/net/http.hpp"
#include "ocpp/util/executor.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace cs::cluster {

// The header a forwarded request carries the shared secret in, and the one naming the node that forwarded it.
inline constexpr std::string_view kSecretHeader = "x-ocppkit-cluster-secret";
inline constexpr std::string_view kForwardedByHeader = "x-ocppkit-forwarded-by";

class Forwarder {
public:
    // secret: the cluster's shared secret; node: this node's id (sent in kForwardedByHeader).
    Forwarder(std::string secret, std::string node, ocpp::Executor& loop);
    ~Forwarder();
    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    // Sends req to http://address (same method, path, query, body, Authorization) and calls respond on the loop with
    // the owner's answer, or a 502 naming the node when it cannot be reached; a 503 when too many wait already; a
    // 504 without sending it when it waited in the queue past `deadline` (its caller has given up by then, and a
    // command sent after that would act with nobody to hear its answer).
    void forward(const ocpp::net::HttpRequest& req, const std::string& node, const std::string& address,
                 std::chrono::steady_clock::time_point deadline, ocpp::net::HttpResponder respond);
    // True when the request says it was forwarded by another node; `authentic` is whether its secret is ours.
    bool forwarded(const ocpp::net::HttpRequest& req, bool& authentic) const;

    static constexpr std::size_t kThreads = 8;    // requests forwarded at once
    static constexpr std::size_t kMaxQueue = 512; // waiting beyond those
    static constexpr std::size_t kMaxAnswer = 16 * 1024 * 1024;

private:
    std::string secret_;
    std::string node_;
    ocpp::Executor& loop_;
    ocpp::WorkerPool pool_{kThreads, kMaxQueue};
};

} // namespace cs::cluster
