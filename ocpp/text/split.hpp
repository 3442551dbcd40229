#pragma once
// Splitting a list in text ("/a//b", "ocpp1.6, ocpp2.0.1") into its non-empty pieces; trimming and lower case.
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::text {

// The pieces of `text` between `separator`s, each without the characters of `strip` at either end; empty pieces
// are dropped. The views point into `text`.
std::vector<std::string_view> split_nonempty(std::string_view text, char separator, std::string_view strip = {});

// `text` in lower case (ASCII letters only; other bytes, UTF-8 included, unchanged).
std::string lower(std::string_view text);
// `text` without the characters of `strip` at either end (a view into `text`).
std::string_view trim(std::string_view text, std::string_view strip = " \t\r\n\f\v");

} // namespace ocpp::text
