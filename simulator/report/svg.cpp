#include "simulator/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sim {

namespace {

constexpr double kWidth = 900, kHeight = 260;
constexpr double kLeft = 64, kRight = 16, kTop = 12, kBottom = 34;
constexpr std::size_t kMaxPoints = 840; // about one per pixel column of the plot

std::string num(double v, int decimals = 1) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// A tick label: 1,250 / 12.5 / 0.25 rather than 1250.000000.
std::string tick_text(double v) {
    char buf[48];
    if (std::fabs(v) >= 1000) {
        std::snprintf(buf, sizeof buf, "%.0fk", v / 1000);
        if (std::fmod(v, 1000) != 0) {
            std::snprintf(buf, sizeof buf, "%.1fk", v / 1000);
        }
    } else {
        std::snprintf(buf, sizeof buf, "%g", v);
    }
    return buf;
}

// 1, 2 or 5 times a power of ten, so that about `ticks` of them span `range`.
double nice_step(double range, int ticks) {
    if (range <= 0) {
        return 1;
    }
    const double raw = range / ticks;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (raw <= m * p) {
            return m * p;
        }
    }
    return 10 * p;
}

std::vector<std::pair<double, double>> thin(const std::vector<std::pair<double, double>>& pts, double x_max) {
    if (pts.size() <= kMaxPoints || x_max <= 0) {
        return pts;
    }
    std::vector<std::pair<double, double>> out;
    const double column = x_max / static_cast<double>(kMaxPoints);
    for (const auto& p : pts) {
        const double col = std::floor(p.first / column);
        if (!out.empty() && std::floor(out.back().first / column) == col) {
            out.back().second = std::max(out.back().second, p.second);
        } else {
            out.push_back(p);
        }
    }
    return out;
}

} // namespace

std::string render_chart(const Chart& chart) {
    double x_max = chart.x_max;
    double y_max = 0;
    for (const auto& l : chart.lines) {
        for (const auto& [x, y] : l.points) {
            x_max = std::max(x_max, x);
            y_max = std::max(y_max, y);
        }
    }
    if (!std::isfinite(x_max) || !std::isfinite(y_max)) {
        // An infinite axis has no ticks to stop at: say so instead of drawing.
        return "<figure><h3>" + html_escape(chart.title) +
               "</h3><p>Not plotted: the values are not finite.</p></figure>\n";
    }
    x_max = std::max(x_max, 1.0);
    const double y_step = nice_step(y_max > 0 ? y_max : 1, 4);
    const double y_top = std::max(y_step, std::ceil(y_max / y_step) * y_step);
    const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
    auto X = [&](double x) { return kLeft + x / x_max * pw; };
    auto Y = [&](double y) { return kTop + ph - y / y_top * ph; };

    std::string svg = "<svg viewBox=\"0 0 " + num(kWidth, 0) + " " + num(kHeight, 0) + "\" role=\"img\" aria-label=\"" +
                      html_escape(chart.title) + "\">";
    for (const auto& m : chart.markers) {
        if (m.until > m.at) {
            svg += "<rect class=\"span\" x=\"" + num(X(m.at)) + "\" y=\"" + num(kTop) + "\" width=\"" +
                   num(std::max(1.0, X(std::min(m.until, x_max)) - X(m.at))) + "\" height=\"" + num(ph) + "\"/>";
        } else {
            svg += "<line class=\"moment\" x1=\"" + num(X(m.at)) + "\" x2=\"" + num(X(m.at)) + "\" y1=\"" + num(kTop) +
                   "\" y2=\"" + num(kTop + ph) + "\"/>";
        }
        svg += "<text class=\"mark\" x=\"" + num(X(m.at) + 3) + "\" y=\"" + num(kTop + 11) + "\">" +
               html_escape(m.label) + "</text>";
    }
    for (double y = 0; y <= y_top + y_step / 2; y += y_step) {
        svg += "<line class=\"grid\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + pw) + "\" y1=\"" + num(Y(y)) +
               "\" y2=\"" + num(Y(y)) + "\"/><text class=\"tick\" x=\"" + num(kLeft - 6) + "\" y=\"" + num(Y(y) + 4) +
               "\" text-anchor=\"end\">" + tick_text(y) + "</text>";
    }
    const double x_step = nice_step(x_max, 8);
    for (double x = 0; x <= x_max + 1e-9; x += x_step) {
        svg += "<text class=\"tick\" x=\"" + num(X(x)) + "\" y=\"" + num(kTop + ph + 16) +
               "\" text-anchor=\"middle\">" + tick_text(x) + "</text>";
    }
    svg += "<text class=\"tick\" x=\"" + num(kLeft + pw) + "\" y=\"" + num(kHeight - 2) +
           "\" text-anchor=\"end\">seconds since the start</text>";
    svg += "<text class=\"tick\" x=\"4\" y=\"" + num(kTop + 4) + "\">" + html_escape(chart.unit) + "</text>";
    svg += "<line class=\"axis\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" y2=\"" +
           num(kTop + ph) + "\"/><line class=\"axis\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + pw) + "\" y1=\"" +
           num(kTop + ph) + "\" y2=\"" + num(kTop + ph) + "\"/>";
    for (const auto& l : chart.lines) {
        std::string pts;
        for (const auto& [x, y] : thin(l.points, x_max)) {
            pts += num(X(x)) + "," + num(Y(y)) + " ";
        }
        svg += "<polyline fill=\"none\" stroke=\"" + html_escape(l.color) + "\" stroke-width=\"1.5\" points=\"" + pts +
               "\"><title>" + html_escape(l.name) + "</title></polyline>";
    }
    svg += "</svg>";
    std::string legend = "<figcaption>";
    for (const auto& l : chart.lines) {
        legend += "<span class=\"key\"><i style=\"background:" + html_escape(l.color) + "\"></i>" +
                  html_escape(l.name) + "</span>";
    }
    legend += "</figcaption>";
    return "<figure><h3>" + html_escape(chart.title) + "</h3>" + svg + legend + "</figure>\n";
}

} // namespace sim
