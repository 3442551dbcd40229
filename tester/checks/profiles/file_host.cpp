#include "tester/checks/profiles/file_host.hpp"

#include "store/password.hpp"

namespace tester::profiles {

namespace {
constexpr const char* kRoot = "/files/";
constexpr std::size_t kTokenLength = 32; // letters and digits: far beyond guessing
} // namespace

std::string FileHost::prefix_of(const std::string& path) {
    if (path.rfind(kRoot, 0) != 0) {
        return {};
    }
    const auto slash = path.find('/', std::char_traits<char>::length(kRoot));
    return slash == std::string::npos ? path + "/" : path.substr(0, slash + 1);
}

std::string FileHost::offer(const std::string& name, std::string content, Observer fetched) {
    const std::string prefix = kRoot + store::generate_password(kTokenLength) + "/";
    entries_[prefix] = Entry{false, std::move(content), 0, std::move(fetched), {}, false};
    return prefix + name;
}

std::string FileHost::accept_uploads(std::size_t max_bytes, std::string sender, Observer received) {
    const std::string prefix = kRoot + store::generate_password(kTokenLength) + "/";
    entries_[prefix] = Entry{true, {}, max_bytes, std::move(received), address_only(sender), false};
    return prefix;
}

std::string address_only(std::string_view remote) {
    std::string_view host = remote;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    } else if (host.find(':') == host.rfind(':')) { // IPv4 or a name, with or without a port
        host = host.substr(0, host.find(':'));
    }
    constexpr std::string_view kMapped = "::ffff:"; // an IPv4 peer on a dual-stack socket
    if (host.size() > kMapped.size() && host.substr(0, kMapped.size()) == kMapped &&
        host.find('.') != std::string_view::npos) {
        host.remove_prefix(kMapped.size());
    }
    return std::string(host);
}

ocpp::net::HttpResponse FileHost::take_upload(Entry& e, const ocpp::net::HttpRequest& req, Transfer& t) {
    t.bytes = req.body.size();
    if (e.sender.empty()) {
        t.status = 403; // the charger's address is unknown: nobody can be told apart from it
        return {403, {}, "the charger's address is unknown: uploads here are refused\n", nullptr};
    }
    if (address_only(req.remote_address) != e.sender) {
        t.status = 403; // anyone holding the URL must not pass the charger's check
        return {403, {}, "uploads here are taken from the charger's address only\n", nullptr};
    }
    if (e.taken) {
        t.status = 409;
        return {409, {}, "a file was uploaded here already\n", nullptr};
    }
    if (req.body.size() > e.max_bytes) {
        t.status = 413;
        return {413, {}, "the upload exceeds " + std::to_string(e.max_bytes) + " bytes\n", nullptr};
    }
    e.taken = true;
    t.status = req.method == "PUT" ? 201 : 200;
    return {t.status, {}, "received " + std::to_string(t.bytes) + " bytes\n", nullptr};
}

void FileHost::withdraw(const std::string& path) {
    entries_.erase(prefix_of(path));
}

std::size_t FileHost::body_limit(std::string_view method, std::string_view path) const {
    if (method != "PUT" && method != "POST") {
        return 0;
    }
    auto it = entries_.find(prefix_of(std::string(path)));
    const bool open = it != entries_.end() && it->second.upload && !it->second.taken && !it->second.sender.empty();
    return open ? kMaxHttpBody : 0;
}

bool FileHost::owns(const std::string& path) const {
    return entries_.count(prefix_of(path)) != 0;
}

bool FileHost::handle(const ocpp::net::HttpRequest& req, const ocpp::net::HttpResponder& respond) {
    auto it = entries_.find(prefix_of(req.path));
    if (it == entries_.end()) {
        return false;
    }
    Entry& e = it->second;
    ocpp::net::HttpResponse r;
    Transfer t{req.method, 0, req.remote_address, 200};
    if (!e.upload) {
        if (req.method != "GET" && req.method != "HEAD") {
            respond({405, {{"Allow", "GET"}}, "only GET here\n", nullptr});
            return true;
        }
        r.headers.emplace_back("Content-Type", "text/plain");
        r.body = req.method == "GET" ? e.content : std::string();
        t.bytes = r.body.size();
    } else {
        if (req.method != "PUT" && req.method != "POST") {
            respond({405, {{"Allow", "PUT, POST"}}, "upload with PUT or POST\n", nullptr});
            return true;
        }
        r = take_upload(e, req, t);
    }
    auto observer = e.observer; // the observer may withdraw the entry
    respond(std::move(r));
    if (observer && req.method != "HEAD") { // a HEAD fetches nothing: not a download
        observer(t);
    }
    return true;
}

std::string http_base(const std::string& ws_url) {
    std::string rest = ws_url;
    std::string scheme = "http://";
    if (rest.rfind("wss://", 0) == 0) {
        scheme = "https://";
        rest = rest.substr(6);
    } else if (rest.rfind("ws://", 0) == 0) {
        rest = rest.substr(5);
    }
    return scheme + rest.substr(0, rest.find('/'));
}

} // namespace tester::profiles
