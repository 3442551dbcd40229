#include "tester/checks/checklist.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace tester {

namespace {

// How a verdict shows in the terminal: its symbol, and the ANSI colour of the symbol.
struct Mark {
    const char* symbol;
    const char* color;
};

Mark mark_of(Verdict v) {
    switch (v) {
    case Verdict::Pass:
        return {"✓", "\x1b[32m"};
    case Verdict::Warn:
        return {"!", "\x1b[33m"};
    case Verdict::Fail:
        return {"✗", "\x1b[31m"};
    case Verdict::Skipped:
        return {"-", "\x1b[2m"};
    case Verdict::Running:
        return {"…", "\x1b[36m"};
    case Verdict::Pending:
        break;
    }
    return {"·", "\x1b[2m"};
}

// Cuts a UTF-8 string to `cols` code points, ending in "…" when cut.
std::string truncate(const std::string& text, std::size_t cols) {
    if (display_width(text) <= cols || cols == 0) {
        return text;
    }
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) {
            if (++n > cols - 1) {
                break;
            }
        }
        out += text[i];
    }
    return out + "…";
}

// Splits text into lines of at most `cols` code points at spaces.
std::vector<std::string> wrap(const std::string& text, std::size_t cols) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string word = text.substr(start, end - start);
        if (!line.empty() && display_width(line) + 1 + display_width(word) > cols) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
        start = end + 1;
    }
    if (!line.empty()) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

std::size_t display_width(const std::string& text) {
    std::size_t n = 0;
    for (char ch : text) {
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

const char* verdict_symbol(Verdict v) {
    return mark_of(v).symbol;
}

std::vector<std::string> render_check(const Check& check, int width, bool color) {
    std::string id = check.id;
    if (id.size() < 24) {
        id.append(24 - id.size(), ' ');
    }
    std::string text = check.title + (check.seen.empty() ? std::string() : ": " + check.seen);
    const std::size_t prefix = 2 + 2 + id.size() + 1;
    if (width > 0) {
        text = truncate(text, static_cast<std::size_t>(width) > prefix + 10 ? width - prefix : 10);
    }
    const Mark mark = mark_of(check.verdict);
    std::string line = "  ";
    if (color) {
        line += std::string(mark.color) + mark.symbol + "\x1b[0m ";
    } else {
        line += std::string(mark.symbol) + " ";
    }
    line += id + " " + text;
    std::vector<std::string> lines{line};
    const bool problem = check.verdict == Verdict::Fail || check.verdict == Verdict::Warn;
    if (problem) {
        const std::size_t shown = std::min<std::size_t>(check.details.size(), kDetailLines);
        for (std::size_t i = 0; i < shown; ++i) {
            const std::string detail = "      · " + check.details[i];
            lines.push_back(width > 0 ? truncate(detail, static_cast<std::size_t>(width)) : detail);
        }
        if (check.details.size() > shown) {
            lines.push_back("      · … " + std::to_string(check.details.size() - shown) + " more in the report");
        }
    }
    if (problem && !check.hint.empty()) {
        const std::string lead = "      → ";
        if (width <= 0) {
            lines.push_back(lead + check.hint);
        } else {
            const auto cols = static_cast<std::size_t>(width) > 30 ? static_cast<std::size_t>(width) - 8 : 22;
            bool first = true;
            for (const auto& l : wrap(check.hint, cols)) {
                lines.push_back((first ? lead : std::string(8, ' ')) + l);
                first = false;
            }
        }
    }
    return lines;
}

Checklist::Style Checklist::detect(std::FILE* out) {
    Style s;
    const int fd = ::fileno(out);
    const char* term = std::getenv("TERM");
    s.tty = ::isatty(fd) == 1 && !(term && std::strcmp(term, "dumb") == 0);
    s.color = s.tty && std::getenv("NO_COLOR") == nullptr;
    struct winsize ws {};
    if (s.tty && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) {
        s.width = ws.ws_col - 1;
    }
    return s;
}

void Checklist::update(const std::vector<Check>& checks) {
    if (style_.tty) {
        redraw(checks);
    } else {
        append(checks, false);
    }
}

void Checklist::finish(const std::vector<Check>& checks) {
    if (style_.tty) {
        redraw(checks);
    } else {
        append(checks, true);
    }
    drawn_lines_ = 0;
    std::fflush(out_);
}

void Checklist::redraw(const std::vector<Check>& checks) {
    std::string block;
    if (drawn_lines_ > 0) {
        block += "\x1b[" + std::to_string(drawn_lines_) + "F\x1b[J"; // up to the block's first line, clear below
    }
    int lines = 0;
    for (const auto& c : checks) {
        for (const auto& l : render_check(c, style_.width, style_.color)) {
            block += l + "\n";
            ++lines;
        }
    }
    drawn_lines_ = lines;
    std::fputs(block.c_str(), out_);
    std::fflush(out_);
}

void Checklist::append(const std::vector<Check>& checks, bool all_final) {
    for (const auto& c : checks) {
        const bool final = c.verdict == Verdict::Pass || c.verdict == Verdict::Warn || c.verdict == Verdict::Fail ||
                           c.verdict == Verdict::Skipped;
        if (!final && !all_final) {
            continue;
        }
        auto lines = render_check(c, 0, false);
        auto& last = printed_[c.id];
        if (last == lines.front()) {
            continue;
        }
        last = lines.front();
        for (const auto& l : lines) {
            std::fprintf(out_, "%s\n", l.c_str());
        }
    }
    std::fflush(out_);
}

} // namespace tester
