#pragma once
// Line charts as inline SVG for the HTML reports: drawn by our code, so a report needs no script and no request.
#include <string>
#include <utility>
#include <vector>

#include "ocpp/util/html_escape.hpp"

namespace sim {

struct ChartLine {
    std::string name;
    std::string color;                             // CSS colour
    std::vector<std::pair<double, double>> points; // (seconds, value), seconds ascending
};

// A span (until > at) or a moment on the time axis.
struct ChartMarker {
    double at = 0, until = 0;
    std::string label;
};

struct Chart {
    std::string title;
    std::string unit; // of the y axis: "calls/s", "ms", ...
    double x_max = 0; // seconds; 0 = the last point
    std::vector<ChartLine> lines;
    std::vector<ChartMarker> markers;
};

// <figure> with the chart's title, the SVG and a legend; lines with more points than the width are thinned to the
// maximum of each pixel column, so spikes stay visible.
std::string render_chart(const Chart& chart);
// Text for HTML content and attribute values: the one escape of the core.
using ocpp::html_escape;

} // namespace sim
