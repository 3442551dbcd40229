#pragma once
// Which locations a TransferService takes: the one scheme check every caller shares (the simulator's UpdateFirmware,
// GetDiagnostics and GetLog answer by it before they start a transfer).
#include <string>

namespace ocpp::transfer {

// Whether the URL has a scheme the service speaks: http, https or ftp (any case).
bool is_transfer_url(const std::string& url);

} // namespace ocpp::transfer
