#pragma once

#include "core/base/result.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

// A plot setup as a YAML file that names its traces by cref (or by an expression over crefs):
// the panes and their traces, FFT panes, the measurements to take, axes, colours, cursors and
// the zoom. The GUI saves and restores one per design or store; `wavebench --render` draws
// one without a display. The form (docs/workbooks.md):
//
//   panes:
//     - traces: ["top.nodes.out.v", {expr: "top.nodes.out.v - top.nodes.in.v", color: "#d62728"}]
//       log_y: [V]
//     - fft: {trace: "top.nodes.out.v", window: hann}
//   measure:
//     top.nodes.out.v: [rise, max]
//   x: {from: 0, to: 5u}
//   cursors: {a: 1u, b: 3u}
//
// Pure logic.
class Workbook {
public:
    struct Trace {
        std::string expression; // a cref, or an expression over crefs
        std::string label;      // "" shows the expression
        std::string unit;       // "" derives it
        std::string color;      // "#rrggbb" or a Qt colour name; "" picks one
        std::string style;      // solid, dash, dot; "" is solid
        double width = 0;       // pen width in pixels; 0 is the plot's default
        bool hidden = false;
    };
    struct Fft {
        std::string trace;
        std::string window = "hann"; // rectangular, hann, blackman-harris
        std::optional<double> from;  // the x range; unset: the view (or the cursors)
        std::optional<double> to;
        std::optional<double> fundamental; // Hz; unset: the largest bin
        int harmonics = 9;                 // for THD, the fundamental included
        bool logFrequency = true;
    };
    struct Pane {
        std::vector<Trace> traces;
        std::optional<Fft> fft;        // an FFT pane shows this instead of traces
        std::vector<std::string> logY; // units whose axis is logarithmic
    };
    struct Range {
        double from;
        double to;
    };

    int version = 1;
    std::vector<Pane> panes;
    // Trace (as written in a pane) -> measurement names, in file order.
    std::vector<std::pair<std::string, std::vector<std::string>>> measure;
    std::optional<Range> x;
    std::optional<double> cursorA;
    std::optional<double> cursorB;

    // The names `measure:` accepts, in the order the measurements panel shows them.
    static const std::vector<std::string>& measurementNames();
    static const std::vector<std::string>& windowNames();

    // Errors name the source (a file) and the line.
    static Result<Workbook> parse(const std::string& yaml, const std::string& source);
    static Result<Workbook> load(const std::string& path);
    std::string toYaml() const;
    // Written to a temporary file and renamed over path: a crash never leaves half a workbook.
    Result<bool> save(const std::string& path) const;

    // Every trace of every pane, FFT traces included, once each in order: what to read.
    std::vector<std::string> expressions() const;
};
