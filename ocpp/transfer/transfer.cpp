#include "ocpp/transfer/transfer.hpp"

#include <algorithm>
#include <cctype>

#include "ocpp/transfer/curl_transfer.hpp"
#include "ocpp/transfer/transfer_url.hpp"
#include "ocpp/util/enum_names.hpp"

namespace ocpp::transfer {

namespace {
constexpr EnumName<TransferErrorKind> kKindNames[] = {
    {TransferErrorKind::BadUrl, "bad-url"},           {TransferErrorKind::Unreachable, "unreachable"},
    {TransferErrorKind::Timeout, "timeout"},          {TransferErrorKind::Status, "status"},
    {TransferErrorKind::LoginFailed, "login-failed"}, {TransferErrorKind::Tls, "tls"},
    {TransferErrorKind::TooLarge, "too-large"},       {TransferErrorKind::Busy, "busy"},
    {TransferErrorKind::Cancelled, "cancelled"},      {TransferErrorKind::Other, "other"},
};
} // namespace

const char* to_string(TransferErrorKind kind) {
    return name_of(kKindNames, kind, "other");
}

std::string url_scheme(const std::string& url) {
    const auto colon = url.find("://");
    if (colon == std::string::npos || colon == 0) {
        return {};
    }
    std::string scheme = url.substr(0, colon);
    for (char& c : scheme) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return scheme;
}

bool is_transfer_url(const std::string& url) {
    const std::string scheme = url_scheme(url);
    return scheme == "http" || scheme == "https" || scheme == "ftp";
}

std::string redact_url(const std::string& url) {
    const auto start = url.find("://");
    if (start == std::string::npos) {
        return url;
    }
    const auto authority = start + 3;
    const auto end = url.find_first_of("/?#", authority);
    const auto at = url.rfind('@', end == std::string::npos ? url.size() : end);
    if (at == std::string::npos || at < authority) {
        return url;
    }
    const auto colon = url.find(':', authority);
    if (colon == std::string::npos || colon > at) {
        return url; // a user without a password
    }
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string url_file_name(const std::string& url) {
    const auto start = url.find("://");
    const auto path_start = url.find('/', start == std::string::npos ? 0 : start + 3);
    if (path_start == std::string::npos) {
        return {};
    }
    std::string path = url.substr(path_start, url.find_first_of("?#", path_start) - path_start);
    const auto slash = path.rfind('/');
    return path.substr(slash + 1);
}

TransferService::TransferService(TransferLimits limits)
    : limits_(limits)
    , pool_(limits.threads, limits.max_queue) {
    detail::init_curl_once();
}

TransferService::~TransferService() = default;

TransferHandle TransferService::download(DownloadRequest request, Executor& reply_on, TransferDone done) {
    return submit([this, request = std::move(request)](
                      const StopFlag& stop) { return detail::run_download(request, limits_, stop); },
                  reply_on, std::move(done));
}

TransferHandle TransferService::upload(UploadRequest request, Executor& reply_on, TransferDone done) {
    return submit([this, request = std::move(request)](
                      const StopFlag& stop) { return detail::run_upload(request, limits_, stop); },
                  reply_on, std::move(done));
}

TransferHandle TransferService::submit(std::function<TransferResult(const StopFlag&)> work, Executor& reply_on,
                                       TransferDone done) {
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    const std::atomic<bool>& pool_stop = pool_.stopping();
    auto job = [work = std::move(work), cancelled, &pool_stop, &reply_on, done]() mutable {
        // The transfer gives up when its owner cancelled or the service is going away.
        const auto stop = [&] { return cancelled->load() || pool_stop.load(); };
        if (stop()) {
            return;
        }
        auto result = std::make_shared<TransferResult>(work(stop));
        if (stop()) {
            return;
        }
        reply_on.post([cancelled, result, done = std::move(done)] {
            if (!*cancelled) {
                done(std::move(*result));
            }
        });
    };
    if (!pool_.submit(std::move(job))) {
        auto shared = std::make_shared<TransferResult>();
        shared->error = TransferError{TransferErrorKind::Busy, "too many transfers waiting", 0};
        reply_on.post([cancelled, shared, done = std::move(done)] {
            if (!*cancelled) {
                done(std::move(*shared));
            }
        });
    }
    return TransferHandle(cancelled);
}

} // namespace ocpp::transfer
