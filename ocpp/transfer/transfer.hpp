#pragma once
// File transfers for firmware updates and diagnostics: downloads (URL -> bytes) and uploads (bytes -> URL) over HTTP,
// HTTPS and FTP through libcurl. Transfers block, so they run on a small worker pool that one process shares (all the
// chargers of a fleet); the result is posted back to the caller's executor. Concurrency (the threads) and the queue
// are bounded, every transfer has a size cap and timeouts, and a transfer whose handle is gone never calls back.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/util/executor.hpp"
#include "ocpp/util/worker_pool.hpp"

namespace ocpp::transfer {

// Why a transfer failed, for code; the message is for people.
enum class TransferErrorKind {
    BadUrl,      // not a URL, or a scheme other than http, https, ftp
    Unreachable, // the host cannot be resolved or refuses the connection
    Timeout,     // connect or total timeout
    Status,      // the server answered with an error (HTTP status >= 400, an FTP reply such as 550)
    LoginFailed, // the FTP server refused the user or password
    Tls,         // the TLS handshake failed or the server certificate is not trusted
    TooLarge,    // the download is bigger than the cap
    Busy,        // the queue of waiting transfers is full
    Cancelled,   // the handle was cancelled or the service is shutting down
    Other,       // TLS, protocol and everything else libcurl reports
};

struct TransferError {
    TransferErrorKind kind = TransferErrorKind::Other;
    std::string message; // never holds a password from the URL
    long status = 0;     // HTTP status or FTP reply code when the server answered
};

// The outcome of a transfer: the bytes (downloads) or nothing (uploads), or an error.
struct TransferResult {
    std::optional<TransferError> error;
    std::string data;
    long status = 0; // the last HTTP status or FTP reply code
    bool ok() const { return !error; }
};

// How an upload goes to an http(s) URL; ftp URLs always use STOR.
enum class UploadMethod { Post, Put };

struct TransferLimits {
    std::size_t threads = 8;      // transfers running at once, process-wide
    std::size_t max_queue = 4096; // transfers waiting; beyond it a transfer fails with Busy at once
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds total_timeout{120000};
    std::size_t max_download_bytes = 16 * 1024 * 1024;
    std::string ca_file; // trust anchors for https servers; empty: the system's
};

struct DownloadRequest {
    std::string url;
    std::size_t max_bytes = 0;                  // 0: the service's cap
    std::chrono::milliseconds total_timeout{0}; // 0: the service's
};

struct UploadRequest {
    std::string url;
    std::string data;
    std::string file_name;                      // the multipart file name of a POST; default: the URL's last segment
    UploadMethod method = UploadMethod::Post;   // for http(s) URLs
    std::chrono::milliseconds total_timeout{0}; // 0: the service's
};

// Keeps a transfer's callback alive: cancel() or destruction (on the caller's executor) means it never runs, and the
// transfer itself stops at its next progress tick.
class TransferHandle {
public:
    TransferHandle() = default;
    explicit TransferHandle(std::shared_ptr<std::atomic<bool>> cancelled)
        : cancelled_(std::move(cancelled)) {}
    ~TransferHandle() { cancel(); }
    TransferHandle(TransferHandle&&) noexcept = default;
    TransferHandle& operator=(TransferHandle&& o) noexcept {
        cancel();
        cancelled_ = std::move(o.cancelled_);
        return *this;
    }
    TransferHandle(const TransferHandle&) = delete;
    TransferHandle& operator=(const TransferHandle&) = delete;
    // Stops the transfer and drops its callback; nothing when none runs.
    void cancel() {
        if (cancelled_) {
            cancelled_->store(true);
            cancelled_.reset();
        }
    }
    bool active() const { return cancelled_ != nullptr; }

private:
    std::shared_ptr<std::atomic<bool>> cancelled_;
};

using TransferDone = std::function<void(TransferResult)>;
// Polled by a running transfer; true means give up.
using StopFlag = std::function<bool()>;

class TransferService {
public:
    explicit TransferService(TransferLimits limits = {});
    ~TransferService(); // stops running transfers, drops queued ones (none calls back), joins the threads
    TransferService(const TransferService&) = delete;
    TransferService& operator=(const TransferService&) = delete;

    // Fetches url's bytes; done runs on reply_on unless the handle was cancelled or dropped first. reply_on must
    // outlive the service; a copy of done may be destroyed on a pool thread, so it should capture plain references.
    [[nodiscard]] TransferHandle download(DownloadRequest request, Executor& reply_on, TransferDone done);
    // Sends data to url (HTTP POST multipart or PUT, FTP STOR creating the file); done as for download().
    [[nodiscard]] TransferHandle upload(UploadRequest request, Executor& reply_on, TransferDone done);
    const TransferLimits& limits() const { return limits_; }

private:
    TransferHandle submit(std::function<TransferResult(const StopFlag&)> work, Executor& reply_on, TransferDone done);
    TransferLimits limits_;
    WorkerPool pool_;
};

// The URL with any password replaced by "***", for logs and messages.
std::string redact_url(const std::string& url);
// The scheme in lower case ("http", "ftp"), empty when the URL has none.
std::string url_scheme(const std::string& url);
// The last path segment of a URL without query, empty when there is none.
std::string url_file_name(const std::string& url);
const char* to_string(TransferErrorKind kind);

} // namespace ocpp::transfer
