#include "ocpp/transfer/curl_transfer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "ocpp/transfer/transfer_url.hpp"

namespace ocpp::transfer::detail {

namespace {

// The schemes a transfer may use, also for redirects: a URL a peer sends must not reach file:// or others.
constexpr const char* kProtocols = "http,https,ftp";

struct Sink {
    std::string* body;
    std::size_t limit;
    bool too_large = false;
};

std::size_t on_write(char* data, std::size_t size, std::size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * n;
    if (sink->body->size() + bytes > sink->limit) {
        sink->too_large = true;
        return 0; // curl fails with CURLE_WRITE_ERROR
    }
    sink->body->append(data, bytes);
    return bytes;
}

// The bytes of an upload, read by curl from memory.
struct Source {
    const std::string* data;
    std::size_t offset = 0;
};

std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* src = static_cast<Source*>(user);
    const std::size_t bytes = std::min(size * n, src->data->size() - src->offset);
    std::memcpy(buffer, src->data->data() + src->offset, bytes);
    src->offset += bytes;
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* stop = static_cast<const StopFlag*>(user);
    return (*stop)() ? 1 : 0; // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
    void operator()(curl_mime* m) const { curl_mime_free(m); }
};

TransferResult failure(TransferErrorKind kind, std::string message, long status = 0) {
    TransferResult r;
    r.status = status;
    r.error = TransferError{kind, std::move(message), status};
    return r;
}

// Checks the URL before curl sees it; nullopt when it may be used.
std::optional<TransferResult> refuse_url(const std::string& url) {
    const std::string scheme = url_scheme(url);
    if (scheme.empty()) {
        return failure(TransferErrorKind::BadUrl, "not a URL: " + redact_url(url));
    }
    if (!is_transfer_url(url)) {
        return failure(TransferErrorKind::BadUrl, "unsupported scheme " + scheme + " (http, https, ftp)");
    }
    if (url.size() > 2048) {
        return failure(TransferErrorKind::BadUrl, "URL longer than 2048 characters");
    }
    return std::nullopt;
}

// The options every transfer shares.
void common_options(CURL* c, const std::string& url, const TransferLimits& limits, std::chrono::milliseconds total,
                    const StopFlag& stop, char* error_buffer) {
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, kProtocols);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, kProtocols);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
    const auto t = total.count() > 0 ? total : limits.total_timeout;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(t.count()));
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &stop);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ocppkit");
    if (!limits.ca_file.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO, limits.ca_file.c_str());
    }
}

// Maps curl's outcome and the server's status to a result.
TransferResult finish(CURL* c, CURLcode code, const std::string& url, const char* error_buffer, bool too_large,
                      std::size_t limit) {
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const std::string where = redact_url(url);
    // curl's detailed message, unless it quotes the URL's user and password; ours name the URL redacted.
    std::string detail = std::string(": ") + (error_buffer[0] ? error_buffer : curl_easy_strerror(code));
    if (where != url) {
        const auto start = url.find("://") + 3;
        if (detail.find(url.substr(start, url.find('@', start) - start)) != std::string::npos) {
            detail = std::string(": ") + curl_easy_strerror(code);
        }
    }
    if (too_large || code == CURLE_FILESIZE_EXCEEDED) {
        return failure(TransferErrorKind::TooLarge, where + " is larger than " + std::to_string(limit) + " bytes");
    }
    switch (code) {
    case CURLE_OK:
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return failure(TransferErrorKind::BadUrl, "bad URL " + where + detail);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return failure(TransferErrorKind::Unreachable, where + " is unreachable" + detail);
    case CURLE_OPERATION_TIMEDOUT:
        return failure(TransferErrorKind::Timeout, where + " timed out" + detail);
    case CURLE_LOGIN_DENIED:
        return failure(TransferErrorKind::LoginFailed, "login refused by " + where, status);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
        return failure(TransferErrorKind::Tls, "TLS with " + where + " failed" + detail);
    case CURLE_ABORTED_BY_CALLBACK:
        return failure(TransferErrorKind::Cancelled, "transfer of " + where + " cancelled");
    case CURLE_REMOTE_FILE_NOT_FOUND:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_UPLOAD_FAILED:
    case CURLE_FTP_COULDNT_RETR_FILE:
    case CURLE_QUOTE_ERROR:
        return failure(TransferErrorKind::Status,
                       where + " refused" + detail + " (reply " + std::to_string(status) + ")", status);
    default:
        return failure(TransferErrorKind::Other, where + detail, status);
    }
    if (url_scheme(url) != "ftp" && status >= 400) {
        return failure(TransferErrorKind::Status, where + " answered HTTP " + std::to_string(status), status);
    }
    TransferResult ok;
    ok.status = status;
    return ok;
}

} // namespace

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

TransferResult run_download(const DownloadRequest& request, const TransferLimits& limits, const StopFlag& stop) {
    if (auto refused = refuse_url(request.url)) {
        return *refused;
    }
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    if (!c) {
        return failure(TransferErrorKind::Other, "libcurl could not start a transfer");
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    common_options(c.get(), request.url, limits, request.total_timeout, stop, error_buffer);
    const std::size_t limit = request.max_bytes > 0 ? request.max_bytes : limits.max_download_bytes;
    std::string body;
    Sink sink{&body, limit};
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c.get(), CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit));
    const CURLcode code = curl_easy_perform(c.get());
    TransferResult r = finish(c.get(), code, request.url, error_buffer, sink.too_large, limit);
    if (r.ok()) {
        r.data = std::move(body);
    }
    return r;
}

TransferResult run_upload(const UploadRequest& request, const TransferLimits& limits, const StopFlag& stop) {
    if (auto refused = refuse_url(request.url)) {
        return *refused;
    }
    std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
    if (!c) {
        return failure(TransferErrorKind::Other, "libcurl could not start a transfer");
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    common_options(c.get(), request.url, limits, request.total_timeout, stop, error_buffer);
    std::string reply; // the server's answer, read and bounded, then dropped
    Sink sink{&reply, 64 * 1024};
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &sink);
    Source source{&request.data};
    std::unique_ptr<curl_mime, MimeDeleter> mime;
    const bool ftp = url_scheme(request.url) == "ftp";
    if (ftp || request.method == UploadMethod::Put) {
        // FTP: STOR creates (or replaces) the file; HTTP: PUT with the bytes as the body.
        curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c.get(), CURLOPT_READDATA, &source);
        curl_easy_setopt(c.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.data.size()));
        if (ftp) {
            curl_easy_setopt(c.get(), CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR_RETRY));
        }
    } else {
        // POST multipart/form-data with one part "file", as chargers upload their diagnostics.
        mime.reset(curl_mime_init(c.get()));
        curl_mimepart* part = curl_mime_addpart(mime.get());
        curl_mime_name(part, "file");
        const std::string name = request.file_name.empty() ? url_file_name(request.url) : request.file_name;
        curl_mime_filename(part, name.empty() ? "upload.bin" : name.c_str());
        curl_mime_type(part, "application/octet-stream");
        curl_mime_data(part, request.data.data(), request.data.size());
        curl_easy_setopt(c.get(), CURLOPT_MIMEPOST, mime.get());
    }
    const CURLcode code = curl_easy_perform(c.get());
    // An oversized reply to an upload is no failure of the upload.
    return finish(c.get(), code == CURLE_WRITE_ERROR && sink.too_large ? CURLE_OK : code, request.url, error_buffer,
                  false, 0);
}

} // namespace ocpp::transfer::detail
