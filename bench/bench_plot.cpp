// Redraw time of the plot area with 8 traces of 1 M and 10 M points (sine + noise):
//   (a) PlotPanel: each replot hands QCustomPlot the min/max-per-column view of the visible
//       range (DecimatedSeries::decimate), adaptive sampling off;
//   (b) a bare QCustomPlot of the same size and layout holding the full data, with its own
//       adaptive sampling on (the usual way to plot big data with it).
// Each replot is preceded by a small pan, so neither side can reuse the previous frame's
// data. Runs on the GUI thread of a QApplication; bench_plot.sh starts it offscreen.
//
//   bench_plot [--points 1000000,10000000] [--repeats 15] [--size 1200x800]
#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"
#include "ui/plot/plot_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <qcustomplot.h>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kTraces = 8;
constexpr double kDt = 1e-9; // 1 ns steps: 1 M points = 1 ms

struct Options {
    std::vector<size_t> points = {1000000, 10000000};
    int repeats = 15;
    int width = 1200;
    int height = 800;
};

struct Timing {
    double wallMs;    // replot(rpImmediateRefresh) as the caller waits for it
    double drawMs;    // QCustomPlot::replotTime(): layout and layer drawing
    double pointsFed; // points the graphs hold (median)
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

std::vector<std::shared_ptr<DecimatedSeries>> makeTraces(size_t n) {
    std::vector<std::shared_ptr<DecimatedSeries>> traces;
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0.0, 0.02);
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i)
        xs[i] = static_cast<double>(i) * kDt;
    for (int k = 0; k < kTraces; ++k) {
        const double frequency = 2e3 * (k + 1);
        for (size_t i = 0; i < n; ++i)
            ys[i] = 0.3 * k + 0.1 * std::sin(2 * M_PI * frequency * xs[i]) + noise(rng);
        auto series = std::make_shared<DecimatedSeries>();
        series->append(xs.data(), ys.data(), n);
        traces.push_back(std::move(series));
    }
    return traces;
}

// The view for iteration i: `fraction` of the data, panned a little every time.
std::pair<double, double> viewAt(int i, double span, double fraction) {
    const double width = span * fraction;
    const double start = fraction < 1 ? (span - width) * (0.3 + 0.01 * i) : -span * 0.001 * i;
    return {start, start + width};
}

template <typename SetRange>
Timing measure(QCustomPlot* plot, int repeats, double span, double fraction,
               const SetRange& setRange) {
    std::vector<double> wall, draw, fed;
    for (int i = -2; i < repeats; ++i) { // two warm-up frames
        const auto [lo, hi] = viewAt(i + 2, span, fraction);
        setRange(lo, hi);
        QElapsedTimer clock;
        clock.start();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        const double ms = static_cast<double>(clock.nsecsElapsed()) * 1e-6;
        if (i < 0)
            continue;
        wall.push_back(ms);
        draw.push_back(plot->replotTime());
        double points = 0;
        for (int g = 0; g < plot->graphCount(); ++g)
            points += plot->graph(g)->data()->size();
        fed.push_back(points);
    }
    return {median(wall), median(draw), median(fed)};
}

// (b): the same two panes of four traces, tickers, pens and hints, with the full data.
class FullDataPlot {
public:
    FullDataPlot(const std::vector<std::shared_ptr<DecimatedSeries>>& traces, int width,
                 int height) {
        m_plot.resize(width, height);
        m_plot.plotLayout()->clear();
        m_plot.plotLayout()->setRowSpacing(6);
        m_plot.setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
        auto* group = new QCPMarginGroup(&m_plot);
        QSharedPointer<EngAxisTicker> xTicker(new EngAxisTicker("s"));
        for (int p = 0; p < 2; ++p) {
            auto* rect = new QCPAxisRect(&m_plot, true);
            m_plot.plotLayout()->addElement(p, 0, rect);
            rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
            rect->axis(QCPAxis::atBottom)->setTicker(xTicker);
            rect->axis(QCPAxis::atBottom)->setTickLabels(p == 1);
            rect->axis(QCPAxis::atLeft)->setTicker(QSharedPointer<EngAxisTicker>::create("V"));
            auto* legend = new QCPLegend;
            rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
            legend->setLayer("legend");
            m_rects.push_back(rect);
        }
        const QColor palette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),   QColor(44, 160, 44),
                                  QColor(255, 127, 14),  QColor(148, 103, 189), QColor(140, 86, 75),
                                  QColor(227, 119, 194), QColor(23, 190, 207)};
        for (size_t k = 0; k < traces.size(); ++k) {
            auto* rect = m_rects[k < traces.size() / 2 ? 0 : 1];
            auto* graph =
                m_plot.addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            graph->setPen(QPen(palette[k % 8], 1.5));
            graph->setAdaptiveSampling(true);
            graph->setName(QString("n%1").arg(k));
            graph->addToLegend(qobject_cast<QCPLegend*>(rect->insetLayout()->elementAt(0)));
            const DecimatedSeries& s = *traces[k];
            QVector<QCPGraphData> data(static_cast<int>(s.size()));
            for (size_t i = 0; i < s.size(); ++i)
                data[static_cast<int>(i)] = QCPGraphData(s.x(i), s.y(i));
            graph->data()->set(data, true);
        }
        for (auto* rect : m_rects) {
            rect->axis(QCPAxis::atLeft)->rescale();
            rect->axis(QCPAxis::atLeft)->scaleRange(1.1);
        }
        m_plot.show();
    }
    QCustomPlot* plot() { return &m_plot; }
    void setXRange(double lo, double hi) {
        for (auto* rect : m_rects)
            rect->axis(QCPAxis::atBottom)->setRange(lo, hi);
    }

private:
    QCustomPlot m_plot;
    std::vector<QCPAxisRect*> m_rects;
};

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--points" && hasValue) {
            options.points.clear();
            std::string list = argv[++i];
            size_t start = 0;
            while (start <= list.size()) {
                const size_t comma = std::min(list.find(',', start), list.size());
                options.points.push_back(
                    static_cast<size_t>(std::stod(list.substr(start, comma - start))));
                start = comma + 1;
            }
        } else if (arg == "--repeats" && hasValue) {
            options.repeats = std::max(1, std::atoi(argv[++i]));
        } else if (arg == "--size" && hasValue) {
            if (std::sscanf(argv[++i], "%dx%d", &options.width, &options.height) != 2)
                return false;
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    Options options;
    if (!parse(argc, argv, options)) {
        std::fprintf(stderr,
                     "usage: bench_plot [--points 1000000,10000000] [--repeats N] [--size WxH]\n");
        return 2;
    }
    std::printf("bench_plot: %d traces in 2 panes, %dx%d px, platform %s, median of %d "
                "replots (rpImmediateRefresh), each after a small pan\n\n",
                kTraces, options.width, options.height, qPrintable(app.platformName()),
                options.repeats);
    std::printf("| points/trace | view | (a) decimated: wall ms | draw ms | points held | "
                "(b) full + adaptive: wall ms | draw ms | points held | (b)/(a) wall |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (size_t n : options.points) {
        QElapsedTimer build;
        build.start();
        auto traces = makeTraces(n);
        const double span = static_cast<double>(n - 1) * kDt;
        std::fprintf(stderr, "%zu points/trace: series built in %.1f s\n", n,
                     build.nsecsElapsed() * 1e-9);
        struct Row {
            const char* view;
            double fraction;
            Timing a;
            Timing b;
        };
        std::vector<Row> rows = {
            {"all", 1.0, {}, {}}, {"10 %", 0.1, {}, {}}, {"0.1 %", 0.001, {}, {}}};
        {
            PlotPanel panel;
            panel.resize(options.width, options.height);
            panel.show();
            panel.addPane();
            panel.addPane();
            for (int k = 0; k < kTraces; ++k)
                panel.addTrace(QString("top.n%1.v").arg(k), QString("n%1").arg(k), "V",
                               traces[static_cast<size_t>(k)], k < kTraces / 2 ? 0 : 1);
            panel.fitAll();
            QApplication::processEvents();
            for (auto& row : rows)
                row.a = measure(panel.plot(), options.repeats, span, row.fraction,
                                [&](double lo, double hi) { panel.setXRange(lo, hi); });
        }
        {
            build.restart();
            FullDataPlot full(traces, options.width, options.height);
            std::fprintf(stderr, "%zu points/trace: QCustomPlot data built in %.1f s\n", n,
                         build.nsecsElapsed() * 1e-9);
            QApplication::processEvents();
            for (auto& row : rows)
                row.b = measure(full.plot(), options.repeats, span, row.fraction,
                                [&](double lo, double hi) { full.setXRange(lo, hi); });
        }
        for (const auto& row : rows)
            std::printf("| %zu | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f | %.1f× |\n", n,
                        row.view, row.a.wallMs, row.a.drawMs, row.a.pointsFed, row.b.wallMs,
                        row.b.drawMs, row.b.pointsFed, row.b.wallMs / row.a.wallMs);
        std::fflush(stdout);
    }
    return 0;
}
