#pragma once
// The live checklist in the terminal: one line per check with ✓ (pass), ! (warning), ✗ (fail), - (skipped),
// … (running) or · (pending), and the hint under a failed or warned check. On a TTY the block is redrawn in place;
// otherwise (a pipe, a log file) each check gets a line when it reaches a verdict, so the output reads as a log.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tester/report/report.hpp"

namespace tester {

class Checklist {
public:
    struct Style {
        bool tty = false;   // redraw in place
        bool color = false; // ANSI colours
        int width = 100;    // columns, for truncating and wrapping on a TTY
    };
    // Looks at the stream: a terminal (and TERM not "dumb") redraws; NO_COLOR turns colours off.
    static Style detect(std::FILE* out);

    Checklist(std::FILE* out, Style style)
        : out_(out)
        , style_(style) {}

    // Shows the current state of the checks.
    void update(const std::vector<Check>& checks);
    // The final state; after it, plain lines may follow (the summary).
    void finish(const std::vector<Check>& checks);

private:
    void redraw(const std::vector<Check>& checks);
    void append(const std::vector<Check>& checks, bool all_final);

    std::FILE* out_;
    Style style_;
    int drawn_lines_ = 0;
    std::map<std::string, std::string> printed_; // plain mode: check id -> the line last printed
};

// The symbol of a verdict: ✓ ! ✗ - … ·
const char* verdict_symbol(Verdict v);
// The lines of one check: "✓ websocket.subprotocol  WebSocket subprotocol ocpp1.6 offered: offered: ocpp1.6", and
// for a failed or warned one its first details ("      · ...") and the hint ("      → ...") wrapped at `width`
// (0 = no wrapping, no truncation).
inline constexpr std::size_t kDetailLines = 5;
std::vector<std::string> render_check(const Check& check, int width, bool color);
// Columns a UTF-8 string takes (one per code point; good enough for the text the tester writes).
std::size_t display_width(const std::string& text);

} // namespace tester
