#include "ui/workbook/workbook_renderer.h"

#include "core/analysis/measurements.h"
#include "core/analysis/spectrum.h"
#include "core/analysis/trace_expression.h"
#include "core/base/csv.h"
#include "core/base/spice_number.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"
#include "ui/plot/plot_panel.h"

#include <QFileInfo>
#include <QImage>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QWidget>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <qcustomplot.h>

namespace {

// A trace of the workbook evaluated over the run: every sample, not the plot's view.
struct Curve {
    std::string name; // as the workbook writes it
    std::string label;
    std::string unit;
    std::vector<double> x;
    std::vector<double> y;
};

Result<Curve> evaluate(const Workbook::Trace& trace, const RunData& run) {
    using R = Result<Curve>;
    auto expression = TraceExpression::parse(trace.expression);
    if (!expression)
        return R::failure("the workbook's trace " + expression.error());
    Curve curve{trace.expression, trace.label, trace.unit, run.coordinate, {}};
    TraceExpression::Inputs inputs;
    std::map<std::string, std::string> units;
    size_t n = run.coordinate.size();
    for (const auto& cref : expression->crefs()) {
        const StoredVector* vector = run.find(cref);
        if (!vector)
            return R::failure("the workbook's trace \"" + trace.expression + "\" names " + cref +
                              ", which run " + run.summary.runId + " does not have");
        n = std::min(n, vector->values.size());
        inputs[cref] = {vector->values.data(), vector->imag.empty() ? nullptr : vector->imag.data(),
                        vector->unit};
        units[cref] = vector->unit;
    }
    curve.x.resize(n);
    if (expression->isPlainCref() && !inputs.begin()->second.imag) {
        const double* y = inputs.begin()->second.y;
        curve.y.assign(y, y + n);
    } else {
        // A complex cref alone plots as its magnitude in dB, as the GUI's Bode plot does.
        const bool bode = expression->isPlainCref();
        auto values = bode ? TraceExpression::parse("db(" + trace.expression + ")")
                                 ->append(run.coordinate.data(), n, inputs)
                           : expression->append(run.coordinate.data(), n, inputs);
        if (!values)
            return R::failure(values.error());
        curve.y = std::move(values.value());
        if (curve.unit.empty())
            curve.unit = bode ? "dB" : expression->unit(units, run.coordinateUnit);
    }
    if (curve.unit.empty() && expression->isPlainCref())
        curve.unit = units.begin()->second;
    if (curve.unit == "?")
        curve.unit.clear();
    return curve;
}

std::shared_ptr<DecimatedSeries> seriesOf(const Curve& curve) {
    auto series = std::make_shared<DecimatedSeries>();
    series->append(curve.x.data(), curve.y.data(), curve.x.size());
    return series;
}

std::string number(double v) {
    if (std::isnan(v))
        return "";
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
    return std::string(buffer, end);
}

Result<bool> writeText(const QString& path, const std::string& text) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) !=
            static_cast<qint64>(text.size()) ||
        !file.commit())
        return Result<bool>::failure("cannot write " + path.toStdString() + ": " +
                                     file.errorString().toStdString());
    return true;
}

// The panels one above the other on one page, each drawn by QCustomPlot onto the painter
// (vector output for SVG and PDF) at its share of the page's height: one share a pane.
void paintPanels(QCPPainter& painter, const std::vector<PlotPanel*>& panels, const QSize& page) {
    int shares = 0;
    for (auto* panel : panels)
        shares += panel->paneCount();
    int top = 0;
    for (auto* panel : panels) {
        auto* plot = panel->plot();
        const int height = page.height() * panel->paneCount() / std::max(shares, 1);
        plot->resize(page.width(), height);
        plot->replot(QCustomPlot::rpImmediateRefresh); // lays out, feeds the decimated graphs
        painter.save();
        painter.translate(0, top);
        plot->toPainter(&painter, page.width(), height);
        painter.restore();
        top += height;
    }
}

Result<bool> writeImage(const QString& path, QWidget& page, const std::vector<PlotPanel*>& panels,
                        int dpi) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const double scale = dpi / 96.0;
    bool ok = false;
    if (suffix == "png") {
        QImage image(page.size() * scale, QImage::Format_ARGB32);
        image.setDevicePixelRatio(scale); // more pixels, the same layout and font sizes
        image.fill(Qt::white);
        QCPPainter painter(&image);
        paintPanels(painter, panels, page.size());
        painter.end();
        // The DPI is the file's metadata only: set after painting, it cannot change the
        // font sizes the layout was made with.
        image.setDotsPerMeterX(static_cast<int>(dpi / 0.0254));
        image.setDotsPerMeterY(static_cast<int>(dpi / 0.0254));
        ok = image.save(path);
    } else if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(page.size());
        generator.setViewBox(QRect(QPoint(0, 0), page.size()));
        generator.setResolution(dpi);
        generator.setTitle("Wavebench workbook");
        QCPPainter painter(&generator);
        paintPanels(painter, panels, page.size());
        ok = painter.end();
    } else if (suffix == "pdf") {
        QPdfWriter writer(path);
        writer.setResolution(96); // one logical pixel a point of the page
        writer.setPageSize(QPageSize(page.size(), QPageSize::Point, "workbook"));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QCPPainter painter(&writer);
        paintPanels(painter, panels, page.size());
        ok = painter.end();
    } else {
        return Result<bool>::failure(path.toStdString() +
                                     ": unknown image type (use .png, .svg or .pdf)");
    }
    if (!ok || QFileInfo(path).size() == 0)
        return Result<bool>::failure("cannot write " + path.toStdString());
    return true;
}

} // namespace

Result<bool> WorkbookRenderer::render(const Workbook& book, const RunData& run,
                                      const Output& output) {
    using R = Result<bool>;
    if (book.panes.empty())
        return R::failure("the workbook has no panes");
    QWidget page;
    page.setAttribute(Qt::WA_DontShowOnScreen);
    auto* layout = new QVBoxLayout(&page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    std::vector<PlotPanel*> panels;
    std::vector<PlotPanel*> spectra; // their x is frequency: the workbook's x and cursors are not
    std::string csv = "trace,x,y\n";
    PlotPanel* traces = nullptr; // consecutive trace panes share one panel and its x axis
    for (const auto& pane : book.panes) {
        if (pane.fft) {
            auto curve = evaluate(Workbook::Trace{pane.fft->trace, "", "", "", "", 0, false}, run);
            if (!curve)
                return R::failure(curve.error());
            const auto& c = curve.value();
            const double x0 = pane.fft->from.value_or(book.x ? book.x->from : -INFINITY);
            const double x1 = pane.fft->to.value_or(book.x ? book.x->to : INFINITY);
            Spectrum::Options options;
            options.window = pane.fft->window;
            options.fundamental = pane.fft->fundamental;
            options.harmonics = pane.fft->harmonics;
            auto spectrum = Spectrum::compute(c.x.data(), c.y.data(), c.x.size(), x0, x1, options);
            if (!spectrum)
                return R::failure("fft(" + pane.fft->trace + "): " + spectrum.error());
            // DC is left out: a log frequency axis has no place for it.
            Curve fft{"fft(" + pane.fft->trace + ")", "", "dB", {}, {}};
            for (size_t k = 1; k < spectrum->frequency.size(); ++k) {
                fft.x.push_back(spectrum->frequency[k]);
                fft.y.push_back(spectrum->magnitudeDb[k]);
            }
            auto* panel = new PlotPanel(&page);
            panel->setCoordinate(pane.fft->logFrequency ? "frequency" : "fft frequency", "Hz");
            layout->addWidget(panel, 1);
            panels.push_back(panel);
            spectra.push_back(panel);
            const int index = panel->addPane();
            QString label =
                QString("%1  %2  f0 %3")
                    .arg(QString::fromStdString(fft.name), QString::fromStdString(spectrum->window),
                         EngAxisTicker::format(spectrum->fundamental, "Hz"));
            if (spectrum->problem.empty())
                label += QString("  THD %1 dB (%2 %)  SNR %3 dB")
                             .arg(spectrum->thdDb, 0, 'f', 2)
                             .arg(spectrum->thdPercent, 0, 'g', 3)
                             .arg(spectrum->snrDb, 0, 'f', 1);
            else
                label += "  THD n/a: " + QString::fromStdString(spectrum->problem);
            panel->addTrace(QString::fromStdString(fft.name), label, "dB", seriesOf(fft), index);
            for (size_t i = 0; i < fft.x.size(); ++i)
                csv +=
                    csv::field(fft.name) + "," + number(fft.x[i]) + "," + number(fft.y[i]) + "\n";
            traces = nullptr; // a trace pane after it starts a new time panel
            continue;
        }
        if (!traces) {
            traces = new PlotPanel(&page);
            traces->setCoordinate(QString::fromStdString(run.summary.coordinate),
                                  QString::fromStdString(run.coordinateUnit));
            layout->addWidget(traces, 1);
            panels.push_back(traces);
        }
        const int index = traces->addPane();
        for (const auto& trace : pane.traces) {
            auto curve = evaluate(trace, run);
            if (!curve)
                return R::failure(curve.error());
            const QString name = QString::fromStdString(curve->name);
            traces->addTrace(name, QString::fromStdString(curve->label),
                             QString::fromStdString(curve->unit), seriesOf(curve.value()), index);
            if (!trace.color.empty())
                traces->setTraceColor(name, QColor(QString::fromStdString(trace.color)));
            for (size_t i = 0; i < curve->x.size(); ++i) {
                if (book.x && (curve->x[i] < book.x->from || curve->x[i] > book.x->to))
                    continue;
                csv += csv::field(curve->name) + "," + number(curve->x[i]) + "," +
                       number(curve->y[i]) + "\n";
            }
        }
    }
    page.resize(output.size);
    page.show(); // lays the panels out; WA_DontShowOnScreen keeps it off any display
    for (auto* panel : panels) {
        panel->fitAll();
        if (std::find(spectra.begin(), spectra.end(), panel) != spectra.end())
            continue;
        if (book.x)
            panel->setXRange(book.x->from, book.x->to);
        if (book.cursorA)
            panel->setCursorA(*book.cursorA);
        if (book.cursorB)
            panel->setCursorB(*book.cursorB);
    }
    if (!output.image.isEmpty())
        if (auto written = writeImage(output.image, page, panels, output.dpi); !written)
            return written;
    if (!output.csv.isEmpty())
        if (auto written = writeText(output.csv, csv); !written)
            return written;
    if (!output.measurements.isEmpty()) {
        // Between the cursors when both are set, else over the workbook's x range, else all.
        double x0 = -INFINITY, x1 = INFINITY;
        if (book.cursorA && book.cursorB) {
            x0 = std::min(*book.cursorA, *book.cursorB);
            x1 = std::max(*book.cursorA, *book.cursorB);
        } else if (book.x) {
            x0 = book.x->from;
            x1 = book.x->to;
        }
        std::string rows = "trace,measurement,value\n";
        for (const auto& [expression, names] : book.measure) {
            auto curve = evaluate(Workbook::Trace{expression, "", "", "", "", 0, false}, run);
            if (!curve)
                return R::failure(curve.error());
            const auto& c = curve.value();
            const auto values = Measurements::measureAll(names, c.x.data(), c.y.data(), c.x.size(),
                                                         x0, x1, c.unit, run.coordinateUnit);
            for (size_t i = 0; i < names.size(); ++i)
                rows +=
                    csv::field(expression) + "," + names[i] + "," + number(values[i].value) + "\n";
        }
        if (auto written = writeText(output.measurements, rows); !written)
            return written;
    }
    return true;
}
