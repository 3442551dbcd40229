#pragma once
// The blocking libcurl side of TransferService: one transfer on the calling (pool) thread.
#include "ocpp/transfer/transfer.hpp"

namespace ocpp::transfer::detail {

// Sets libcurl's global state up once per process, before the first handle.
void init_curl_once();
// Runs a download; `stop` aborts it at the next progress tick.
TransferResult run_download(const DownloadRequest& request, const TransferLimits& limits, const StopFlag& stop);
// Runs an upload; `stop` aborts it at the next progress tick.
TransferResult run_upload(const UploadRequest& request, const TransferLimits& limits, const StopFlag& stop);

} // namespace ocpp::transfer::detail
