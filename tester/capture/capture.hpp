#pragma once
// The capture of a test: every frame with its time and direction, as JSON Lines (see tester/capture/CAPTURE.md).
// One object per line: {"at":"2026-01-31T11:00:00.123Z","dir":"cp->cs","frame":[2,"1","Heartbeat",{}]}, or
// "raw":"<text>" instead of "frame" when the text is not JSON. Secret configuration values are replaced by "***".
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/util/result.hpp"
#include "tester/report/report.hpp"

namespace tester {

// One line per frame, each ending in '\n'.
std::string to_jsonl(const std::vector<CapturedFrame>& frames);
// Reads a capture back (the "frame" re-serialised compactly); errors name the line.
ocpp::Result<std::vector<CapturedFrame>> from_jsonl(std::string_view text);

// Writes text to path atomically: a temporary file beside it, then a rename. Errors name the path.
ocpp::Result<void> write_file(const std::string& path, std::string_view text);

} // namespace tester
