#pragma once
// The capture of one test as it grows: every frame as one JSON Line (tester/capture/CAPTURE.md), kept in memory up to a
// byte budget. Beyond the budget, or when the tester's memory for tests is full, frames are counted but not kept, and
// the report says so. Copies share the text (a finished report and a download read the same bytes); each copy reads
// only the bytes that were there when it was made, so the text is append-only and never changes under a reader.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/text/datetime.hpp"

namespace tester {

struct CapturedFrame {
    ocpp::DateTime at;
    bool from_charger = true;
    std::string text;
};

class CaptureLog {
public:
    static constexpr std::size_t kDefaultBudget = 4 * 1024 * 1024;
    // Asked before a line is kept, with its size; false when the tester as a whole has no memory left for it.
    using Admit = std::function<bool(std::size_t bytes)>;
    enum class Full { No, Budget, Tester };

    explicit CaptureLog(std::size_t budget = kDefaultBudget, Admit admit = {});

    // Keeps the frame as one line (secrets blanked) when it fits; otherwise counts it.
    void add(const CapturedFrame& frame);
    void add(ocpp::DateTime at, bool from_charger, std::string_view text);
    std::size_t frames() const { return frames_; }
    std::size_t bytes() const { return bytes_; }
    std::size_t budget() const { return budget_; }
    std::size_t dropped() const { return dropped_; }
    // Why frames were dropped (the first reason met).
    Full full() const { return full_; }
    // The capture as JSON Lines, shared: valid while `owner()` is held.
    std::string_view text() const { return std::string_view(*text_).substr(0, bytes_); }
    std::shared_ptr<const std::string> owner() const { return text_; }
    // The kept frames, read back from the text.
    std::vector<CapturedFrame> list() const;
    // What the report says about a capture that is not complete, or "" when it is.
    std::string incomplete_note() const;

private:
    std::size_t budget_;
    Admit admit_;
    std::shared_ptr<std::string> text_;
    std::size_t bytes_ = 0, frames_ = 0, dropped_ = 0;
    Full full_ = Full::No;
};

} // namespace tester
