// The RestClient of ocpp-simulator: libcurl (sim::HttpClient) on one worker thread, so that the event loop never
// waits on HTTP. Answers are posted back to the loop that asked.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "simulator/rest/http_client.hpp"
#include "simulator/scenario/command.hpp"

namespace scen {

namespace {

class RestWorker final : public RestClient {
public:
    RestWorker()
        : thread_([this] { work(); }) {}
    ~RestWorker() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }

    void request(const std::string& base_url, const std::string& token, const std::string& method,
                 const std::string& path, const std::string& body, ocpp::Executor& loop, Done done) override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (jobs_.size() < kMaxWaiting) {
                jobs_.push_back(Job{base_url, token, method, path, body, &loop, std::move(done)});
                wake_.notify_one();
                return;
            }
        }
        loop.post([done = std::move(done)] {
            done(ocpp::make_error("too many REST requests waiting (" + std::to_string(kMaxWaiting) + ")"));
        });
    }

private:
    static constexpr std::size_t kMaxWaiting = 4096;
    struct Job {
        std::string base, token, method, path, body;
        ocpp::Executor* loop;
        Done done;
    };

    void work() {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
                if (stop_) {
                    return;
                }
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            auto result = run(job);
            job.loop->post(
                [done = std::move(job.done), result = std::move(result)]() mutable { done(std::move(result)); });
        }
    }

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

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> jobs_;
    bool stop_ = false;
    std::map<std::string, std::unique_ptr<sim::HttpClient>> clients_; // worker thread only
    std::thread thread_;                                              // last: starts after the members above
};

} // namespace

std::unique_ptr<RestClient> make_rest_client() {
    return std::make_unique<RestWorker>();
}

} // namespace scen
