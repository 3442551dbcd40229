#pragma once
// The files one test serves to its charger and the uploads it takes from it, on the tester's own listening port:
// each under a path with an unguessable token, only while the group that made it waits for it. Everything lives in
// memory on the run's loop; an upload is bounded by the test's memory budget and only its size is kept.
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "ocpp/net/http.hpp"

namespace tester::profiles {

class FileHost {
public:
    // What the charger fetched or uploaded.
    struct Transfer {
        std::string method; // "GET", "PUT", "POST"
        std::size_t bytes = 0;
        std::string remote_address;
    };
    using Observer = std::function<void(const Transfer&)>;

    // Serves `content` at the returned path ("/files/<token>/<name>") until withdrawn; `fetched` sees each GET.
    std::string offer(const std::string& name, std::string content, Observer fetched);
    // Takes one PUT or POST of at most `max_bytes` at the returned path ("/files/<token>/") or below it until
    // withdrawn; larger bodies are refused with 413. `received` sees each upload.
    std::string accept_uploads(std::size_t max_bytes, Observer received);
    // Removes a path made by offer or accept_uploads: later requests get 404.
    void withdraw(const std::string& path);
    // Answers a request when it is for one of this host's paths and returns true; false otherwise.
    bool handle(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond);
    // True when `path` belongs to this host (for a service that routes requests to many tests).
    bool owns(const std::string& path) const;

private:
    struct Entry {
        bool upload = false;
        std::string content;
        std::size_t max_bytes = 0;
        Observer observer;
    };
    // "/files/<token>/", the key of every entry.
    static std::string prefix_of(const std::string& path);

    std::map<std::string, Entry> entries_;
};

// The http:// (or https://) base the charger reaches the tester at, from its ws:// (wss://) URL.
std::string http_base(const std::string& ws_url);

} // namespace tester::profiles
