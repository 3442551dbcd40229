#pragma once
// Splitting a list in text ("/a//b", "ocpp1.6, ocpp2.0.1") into its non-empty pieces.
#include <string_view>
#include <vector>

namespace ocpp::text {

// The pieces of `text` between `separator`s, each without the characters of `strip` at either end; empty pieces
// are dropped. The views point into `text`.
std::vector<std::string_view> split_nonempty(std::string_view text, char separator, std::string_view strip = {});

} // namespace ocpp::text
