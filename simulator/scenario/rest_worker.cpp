// The RestClient of ocpp-simulator: libcurl (sim::HttpClient) on one worker thread (an ocpp::WorkerPool), so that
// the event loop never waits on HTTP. Answers are posted back to the loop that asked.
#include <map>
#include <memory>

#include "ocpp/util/worker_pool.hpp"
#include "simulator/rest/http_client.hpp"
#include "simulator/scenario/command.hpp"

namespace scen {

namespace {

class RestWorker final : public RestClient {
public:
    void request(const std::string& base_url, const std::string& token, const std::string& method,
                 const std::string& path, const std::string& body, ocpp::Executor& loop, Done done) override {
        Job job{base_url, token, method, path, body, &loop, done};
        const bool queued = pool_.submit([this, job = std::move(job)]() mutable {
            auto result = run(job);
            job.loop->post(
                [done = std::move(job.done), result = std::move(result)]() mutable { done(std::move(result)); });
        });
        if (!queued) {
            loop.post([done = std::move(done)] {
                done(ocpp::make_error("too many REST requests waiting (" + std::to_string(kMaxWaiting) + ")"));
            });
        }
    }

private:
    static constexpr std::size_t kMaxWaiting = 4096;
    struct Job {
        std::string base, token, method, path, body;
        ocpp::Executor* loop;
        Done done;
    };

    ocpp::Result<RestReply> run(const Job& job) {
        auto base = sim::parse_base_url(job.base);
        if (!base) {
            return ocpp::make_error("target.api: " + base.error().message);
        }
        auto& client = clients_[*base + "\n" + job.token];
        if (!client) {
            sim::HttpClientConfig cfg;
            cfg.base_url = *base;
            cfg.bearer_token = job.token;
            client = std::make_unique<sim::HttpClient>(cfg);
        }
        auto r = client->request(job.method, job.path, job.body);
        if (!r) {
            return r.error();
        }
        return RestReply{r->status, r->body, std::chrono::duration<double, std::milli>(r->elapsed).count()};
    }

    std::map<std::string, std::unique_ptr<sim::HttpClient>> clients_; // the worker thread only
    ocpp::WorkerPool pool_{1, kMaxWaiting}; // one thread, so clients_ needs no lock; last: stops before the rest goes
};

} // namespace

std::unique_ptr<RestClient> make_rest_client() {
    return std::make_unique<RestWorker>();
}

} // namespace scen
