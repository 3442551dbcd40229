// `ocpp-simulator report`: render, compare and merge saved JSON load reports.
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "simulator/fleet/report.hpp"
#include "simulator/report/compare.hpp"
#include "simulator/report/html.hpp"
#include "simulator/report/report_file.hpp"

namespace sim {

namespace {

constexpr const char* kUsage =
    "Usage: ocpp-simulator report html REPORT.json -o FILE.html\n"
    "       ocpp-simulator report compare BASE.json NEW.json [--max-p99-regression PCT] [--max-throughput-drop PCT]\n"
    "       ocpp-simulator report merge SHARD.json... -o MERGED.json\n\n"
    "html     renders a JSON report of `ocpp-simulator run --report` as the self-contained HTML report\n"
    "compare  prints each action's answered calls per second and p99 latency, base against new; with a threshold\n"
    "         it fails when an action's p99 grew or its throughput fell by more than PCT percent\n"
    "merge    adds up the reports of the shards of one fleet (--shard i/n), time series included\n\n"
    "Exit status: 0 success (compare: within the thresholds), 2 bad usage or a report that cannot be read,\n"
    "3 compare: a threshold was exceeded.\n";

int fail(const std::string& message) {
    std::fprintf(stderr, "ocpp-simulator report: %s\n", message.c_str());
    return 2;
}

std::optional<double> percent(const std::string& v) {
    char* end = nullptr;
    const double d = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || !(d >= 0) || d > 1e6) {
        return std::nullopt;
    }
    return d;
}

int html(const std::vector<std::string>& args) {
    std::string in, out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
            out = args[++i];
        } else if (!args[i].empty() && args[i][0] == '-') {
            return fail("html: unknown option " + args[i] + " (expected -o FILE.html)");
        } else if (in.empty()) {
            in = args[i];
        } else {
            return fail("html: one report at a time, got " + in + " and " + args[i]);
        }
    }
    if (in.empty() || out.empty()) {
        return fail("html: expected REPORT.json -o FILE.html");
    }
    auto doc = load_report(in);
    if (!doc) {
        return fail(doc.error().message);
    }
    auto page = render_html(*doc);
    if (!page) {
        return fail(in + ": " + page.error().message);
    }
    if (auto w = write_file(out, *page); !w) {
        return fail("-o: " + w.error().message);
    }
    return 0;
}

int compare(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    CompareLimits limits;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--max-p99-regression" || a == "--max-throughput-drop") {
            if (i + 1 >= args.size()) {
                return fail("compare: " + a + ": expected a percentage");
            }
            const auto pct = percent(args[++i]);
            if (!pct) {
                return fail("compare: " + a + ": expected a non-negative percentage, got \"" + args[i] + "\"");
            }
            (a == "--max-p99-regression" ? limits.max_p99_regression_pct : limits.max_throughput_drop_pct) = pct;
        } else if (a.rfind("--", 0) == 0) {
            return fail("compare: unknown option " + a);
        } else {
            files.push_back(a);
        }
    }
    if (files.size() != 2) {
        return fail("compare: expected BASE.json NEW.json, got " + std::to_string(files.size()) + " files");
    }
    auto base = load_report(files[0]);
    if (!base) {
        return fail(base.error().message);
    }
    auto next = load_report(files[1]);
    if (!next) {
        return fail(next.error().message);
    }
    const Comparison c = compare_reports(*base, *next, limits);
    std::printf("base %s\nnew  %s\n\n%s", files[0].c_str(), files[1].c_str(), c.table.c_str());
    for (const auto& f : c.failures) {
        std::printf("REGRESSION %s\n", f.c_str());
    }
    if (!c.failures.empty()) {
        std::fflush(stdout);
        return 3;
    }
    if (limits.max_p99_regression_pct || limits.max_throughput_drop_pct) {
        std::printf("within the thresholds\n");
    }
    return 0;
}

int merge(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    std::string out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if ((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size()) {
            out = args[++i];
        } else if (!args[i].empty() && args[i][0] == '-') {
            return fail("merge: unknown option " + args[i] + " (expected -o MERGED.json)");
        } else {
            files.push_back(args[i]);
        }
    }
    if (files.empty() || out.empty()) {
        return fail("merge: expected SHARD.json... -o MERGED.json");
    }
    constexpr std::size_t kMaxShards = 1024;
    if (files.size() > kMaxShards) {
        return fail("merge: at most " + std::to_string(kMaxShards) + " reports");
    }
    auto docs = load_reports(files);
    if (!docs) {
        return fail(docs.error().message);
    }
    auto merged = merge_reports(*docs, files);
    if (!merged) {
        return fail(merged.error().message);
    }
    if (auto w = write_file(out, *merged); !w) {
        return fail("-o: " + w.error().message);
    }
    return 0;
}

} // namespace

int report_main(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "html") {
        return html(rest);
    }
    if (args[0] == "compare") {
        return compare(rest);
    }
    if (args[0] == "merge") {
        return merge(rest);
    }
    return fail("unknown command \"" + args[0] + "\" (html, compare or merge; see --help)");
}

} // namespace sim
