#include "simulator/scenario/file_host.hpp"

#include <algorithm>

#include "ocpp/net/session.hpp"

namespace scen {

namespace {

// A text that matchers can read: printable ASCII, tabs and line ends as they are, anything else as '?'.
std::string as_text(std::string_view bytes, std::size_t limit) {
    std::string out;
    out.reserve(std::min(bytes.size(), limit));
    for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        out += (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' ? static_cast<char>(c) : '?';
    }
    return out;
}

// The value of `key=` in a header such as `multipart/form-data; boundary=X` (quotes removed), or "".
std::string header_param(std::string_view header, std::string_view key) {
    const std::string needle = std::string(key) + "=";
    auto at = header.find(needle);
    if (at == std::string_view::npos) {
        return "";
    }
    std::string_view v = header.substr(at + needle.size());
    if (!v.empty() && v.front() == '"') {
        v.remove_prefix(1);
        return std::string(v.substr(0, v.find('"')));
    }
    return std::string(v.substr(0, v.find_first_of("; \t")));
}

} // namespace

FileHost::FileHost(ocpp::net::EventLoop& loop, std::string host, const ocpp::Logger& log, FileHostLimits limits)
    : loop_(loop)
    , host_(std::move(host))
    , log_(log)
    , limits_(limits) {}

FileHost::~FileHost() {
    shutdown();
}

ocpp::Result<void> FileHost::start() {
    if (server_) {
        return {};
    }
    ocpp::net::ServerConfig cfg;
    cfg.host = host_;
    cfg.port = 0;
    cfg.max_http_body = limits_.max_upload_bytes;
    cfg.max_connections = 64; // with 16 MiB bodies at most 1 GiB in flight, whoever connects
    auto server = ocpp::net::Server::create(loop_, cfg, log_);
    server->set_handshake_hook(
        [](const ocpp::net::HandshakeInfo&) { return ocpp::net::HandshakeDecision::refuse(404, "files only"); });
    server->set_http_handler([this](const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond) {
        handle(req, std::move(respond));
    });
    if (auto r = server->listen(); !r) {
        return ocpp::make_error("the file server on " + host_ + ": " + r.error().message);
    }
    server_ = std::move(server);
    return {};
}

void FileHost::shutdown() {
    if (server_) {
        server_->shutdown();
        server_.reset();
    }
}

std::string FileHost::url_of(const std::string& path) const {
    return "http://" + host_ + ":" + std::to_string(server_ ? server_->port() : 0) + path;
}

ocpp::Result<std::string> FileHost::serve(const std::string& owner, const std::string& name,
                                          std::shared_ptr<const std::string> content, int status,
                                          std::function<void()> on_download) {
    if (!content || content->size() > limits_.max_served_bytes) {
        return ocpp::make_error("a file of at most " + std::to_string(limits_.max_served_bytes) + " bytes to serve");
    }
    if (auto r = start(); !r) {
        return r.error();
    }
    const std::string path =
        "/files/" + unguessable() + "/" + ocpp::net::percent_encode(owner) + "/" + ocpp::net::percent_encode(name);
    files_[path] = Served{std::move(content), status, 0, std::move(on_download)};
    return url_of(path);
}

// 128 random bits in hex: one charger's file or upload URL cannot be guessed from another's.
std::string FileHost::unguessable() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 4; ++i) {
        const std::uint32_t r = rng_();
        for (int nibble = 0; nibble < 8; ++nibble) {
            out += kHex[(r >> (4 * nibble)) & 0xf];
        }
    }
    return out;
}

ocpp::Result<std::string> FileHost::upload_endpoint(const std::string& owner, const std::string& name,
                                                    std::function<void()> on_upload) {
    if (auto r = start(); !r) {
        return r.error();
    }
    const std::string path =
        "/uploads/" + unguessable() + "/" + ocpp::net::percent_encode(owner) + "/" + ocpp::net::percent_encode(name);
    endpoints_[path] = Endpoint{{}, std::move(on_upload)};
    return url_of(path);
}

std::size_t FileHost::downloads(const std::string& url) const {
    for (const auto& [path, f] : files_) {
        if (url_of(path) == url) {
            return f.downloads;
        }
    }
    return 0;
}

const std::deque<Upload>* FileHost::uploads(const std::string& url) const {
    for (const auto& [path, e] : endpoints_) {
        if (url_of(path) == url) {
            return &e.uploads;
        }
    }
    return nullptr;
}

void FileHost::downloaded(const std::string& path) {
    auto f = files_.find(path);
    if (f == files_.end()) {
        return;
    }
    ++f->second.downloads;
    if (f->second.on_download) {
        loop_.post(f->second.on_download);
    }
}

Upload FileHost::read_upload(const ocpp::net::HttpRequest& req) const {
    Upload u;
    u.method = req.method;
    u.content_type = std::string(req.header("content-type"));
    u.name = req.path.substr(req.path.rfind('/') + 1);
    std::string_view content = req.body;
    const std::string boundary =
        u.content_type.rfind("multipart/form-data", 0) == 0 ? header_param(u.content_type, "boundary") : std::string();
    if (!boundary.empty()) {
        // The first part of the form is the file: its headers end at a blank line, its content at the boundary.
        const auto start = content.find("--" + boundary);
        const auto head_end = start == std::string_view::npos ? start : content.find("\r\n\r\n", start);
        if (head_end != std::string_view::npos) {
            const std::string_view head = content.substr(start, head_end - start);
            if (const auto file = header_param(head, "filename"); !file.empty()) {
                u.name = file;
            }
            content = content.substr(head_end + 4);
            content = content.substr(0, content.find("\r\n--" + boundary));
        }
    }
    u.size = content.size();
    u.text = as_text(content, limits_.kept_text);
    return u;
}

void FileHost::handle(const ocpp::net::HttpRequest& req, ocpp::net::HttpResponder respond) {
    ocpp::net::HttpResponse res;
    res.headers.emplace_back("Content-Type", "text/plain");
    if (auto f = files_.find(req.path); f != files_.end()) {
        if (req.method != "GET" && req.method != "HEAD") {
            res.status = 405;
            res.body = "GET only\n";
        } else {
            res.status = f->second.status;
            res.headers[0].second = "application/octet-stream";
            if (f->second.status != 200) {
                res.body = "not served\n";
                if (req.method == "GET") {
                    downloaded(req.path); // a fetch the scenario made fail on purpose
                }
            } else if (req.method == "GET") {
                // Streamed from the one shared copy (many chargers fetching a large file hold no copies of it), and
                // counted as a download once its last byte went out.
                auto content = f->second.content;
                res.stream = std::make_shared<ocpp::net::HttpBodyStream>();
                res.stream->size = content->size();
                res.stream->read = [this, content, path = req.path](std::uint64_t offset, std::size_t max,
                                                                    std::string& out) {
                    out.append(*content, static_cast<std::size_t>(offset), max);
                    if (offset + max >= content->size()) {
                        downloaded(path);
                    }
                    return true;
                };
                if (content->empty()) {
                    downloaded(req.path);
                }
            }
        }
        respond(std::move(res));
        return;
    }
    // An upload may go to the endpoint or below it (chargers append the file name to a location ending in '/').
    auto e = endpoints_.upper_bound(req.path);
    if (e != endpoints_.begin()) {
        --e;
    }
    const bool under = e != endpoints_.end() && (req.path == e->first || req.path.rfind(e->first + "/", 0) == 0);
    if (under) {
        if (req.method != "PUT" && req.method != "POST") {
            res.status = 405;
            res.body = "PUT or POST only\n";
        } else {
            e->second.uploads.push_back(read_upload(req));
            while (e->second.uploads.size() > limits_.kept_uploads) {
                e->second.uploads.pop_front();
            }
            res.body = "received\n";
            if (e->second.on_upload) {
                loop_.post(e->second.on_upload);
            }
        }
        respond(std::move(res));
        return;
    }
    res.status = 404;
    res.body = "no such file\n";
    respond(std::move(res));
}

} // namespace scen
