#pragma once
// The HTTP side of a scenario: files served to chargers (firmware for UpdateFirmware) and endpoints that take the
// files chargers upload (diagnostics for GetDiagnostics, by HTTP PUT or POST). One plain HTTP server per scenario,
// on the event loop of the run, started when a step first needs it; every download and upload is recorded.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "ocpp/log/log.hpp"
#include "ocpp/net/event_loop.hpp"
#include "ocpp/net/server.hpp"
#include "ocpp/util/result.hpp"

namespace scen {

// One file that arrived at an upload endpoint.
struct Upload {
    std::string method;       // "PUT" or "POST"
    std::string content_type; // as the charger sent it
    std::string name;         // the file name of a multipart POST, else the last segment of the path
    std::uint64_t size = 0;   // of the file (the part's content for multipart)
    std::string text;         // its start as text (bytes that are not printable ASCII shown as '?')
};

// Bounds: what a charger can make the runner keep.
struct FileHostLimits {
    std::size_t max_upload_bytes = 16 * 1024 * 1024; // larger uploads are refused (413)
    std::size_t kept_text = 64 * 1024;               // of each upload, as text for matchers
    std::size_t kept_uploads = 16;                   // per endpoint, the latest
    std::size_t max_served_bytes = 64 * 1024 * 1024; // a served file larger than this is refused
};

class FileHost {
public:
    // `host` is the address to bind and to put into URLs.
    FileHost(ocpp::net::EventLoop& loop, std::string host, const ocpp::Logger& log, FileHostLimits limits = {});
    ~FileHost();
    FileHost(const FileHost&) = delete;
    FileHost& operator=(const FileHost&) = delete;

    // Serves `content` under a new path ending in `name`, answering `status` (200 normally); returns its URL.
    ocpp::Result<std::string> serve(const std::string& owner, const std::string& name,
                                    std::shared_ptr<const std::string> content, int status,
                                    std::function<void()> on_download);
    // How often the file at `url` was fetched whole (GET, its last byte sent); 0 for an unknown URL.
    std::size_t downloads(const std::string& url) const;
    // A new upload endpoint ending in `name`; returns its URL. `on_upload` runs on the loop when a file arrives.
    ocpp::Result<std::string> upload_endpoint(const std::string& owner, const std::string& name,
                                              std::function<void()> on_upload);
    // The files that arrived at `url`, oldest first (at most kept_uploads); nullptr for an unknown URL.
    const std::deque<Upload>* uploads(const std::string& url) const;
    // Stops serving and frees the port.
    void shutdown();

private:
    struct Served {
        std::shared_ptr<const std::string> content; // shared by every run that serves the same file
        int status = 200;
        std::size_t downloads = 0;
        std::function<void()> on_download;
    };
    struct Endpoint {
        std::deque<Upload> uploads;
        std::function<void()> on_upload;
    };
    ocpp::Result<void> start();
    std::string url_of(const std::string& path) const;
    void handle(const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond);
    Upload read_upload(const ocpp::net::HttpRequest& req) const;
    void downloaded(const std::string& path); // the whole file went out

    ocpp::net::EventLoop& loop_;
    std::string host_;
    ocpp::Logger log_;
    FileHostLimits limits_;
    std::unique_ptr<ocpp::net::Server> server_;
    std::string unguessable();
    std::random_device rng_;                    // per URL: 128 bits, so no charger can reach another's files
    std::map<std::string, Served> files_;       // by path
    std::map<std::string, Endpoint> endpoints_; // by path
};

} // namespace scen
