// The terminal checklist: symbols, the hint under a failed check, plain appended lines, in-place redraw on a TTY.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "tester/checks/checklist.hpp"

using tester::Check;
using tester::Verdict;

namespace {

Check make(const char* id, Verdict v, const char* seen, const char* hint = "") {
    Check c;
    c.id = id;
    c.title = "Title of " + std::string(id);
    c.verdict = v;
    c.seen = seen;
    c.hint = hint;
    return c;
}

std::string output_of(const std::function<void(std::FILE*)>& write) {
    char* buf = nullptr;
    std::size_t size = 0;
    std::FILE* f = open_memstream(&buf, &size);
    write(f);
    std::fclose(f);
    std::string out(buf, size);
    std::free(buf);
    return out;
}

TEST(Checklist, RendersSymbolIdTitleSeenAndTheHintUnderAFailure) {
    auto lines =
        tester::render_check(make("auth.basic", Verdict::Fail, "wrong password", "Enter the password."), 0, false);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "  ✗ auth.basic               Title of auth.basic: wrong password");
    EXPECT_EQ(lines[1], "      → Enter the password.");
    EXPECT_EQ(tester::render_check(make("a", Verdict::Pass, "ok", "unused"), 0, false).size(), 1u);
    EXPECT_STREQ(tester::verdict_symbol(Verdict::Warn), "!");
    EXPECT_STREQ(tester::verdict_symbol(Verdict::Running), "…");
}

TEST(Checklist, TruncatesAndWrapsToTheTerminalWidth) {
    const std::string hint(300, 'x');
    auto lines = tester::render_check(make("a.b", Verdict::Warn, std::string(200, 's').c_str(),
                                           "word word word word word word word word word word word word"),
                                      60, false);
    EXPECT_LE(tester::display_width(lines[0]), 60u);
    EXPECT_GT(lines.size(), 2u);
    for (const auto& l : lines) {
        EXPECT_LE(tester::display_width(l), 60u) << l;
    }
}

TEST(Checklist, PlainOutputAppendsALineWhenACheckGetsAVerdict) {
    std::vector<Check> checks{make("one", Verdict::Running, "waiting"), make("two", Verdict::Pending, "")};
    const auto out = output_of([&](std::FILE* f) {
        tester::Checklist list(f, tester::Checklist::Style{});
        list.update(checks);
        checks[0].verdict = Verdict::Pass;
        checks[0].seen = "done";
        list.update(checks);
        list.update(checks); // nothing new
        checks[1] = make("two", Verdict::Fail, "broken", "fix it");
        list.finish(checks);
    });
    EXPECT_EQ(out, "  ✓ one                      Title of one: done\n"
                   "  ✗ two                      Title of two: broken\n"
                   "      → fix it\n");
}

TEST(Checklist, OnATtyTheBlockIsRedrawnInPlace) {
    std::vector<Check> checks{make("one", Verdict::Running, "waiting"), make("two", Verdict::Pending, "")};
    const auto out = output_of([&](std::FILE* f) {
        tester::Checklist list(f, tester::Checklist::Style{true, false, 80});
        list.update(checks);
        checks[0].verdict = Verdict::Pass;
        list.update(checks);
    });
    EXPECT_NE(out.find("\x1b[2F\x1b[J"), std::string::npos) << "moves up over the two lines drawn before";
    EXPECT_NE(out.find("  … one"), std::string::npos);
    EXPECT_NE(out.find("  ✓ one"), std::string::npos);
    EXPECT_NE(out.find("  · two"), std::string::npos);
}

} // namespace
