#include "ui/workbook/workbook_renderer.h"

#include "core/base/csv.h"
#include "ui/plot/decimated_series.h"
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
    Curve curve{trace.expression, trace.label, trace.unit, run.coordinate, {}};
    const StoredVector* vector = run.find(trace.expression);
    if (!vector)
        return Result<Curve>::failure("the workbook's trace \"" + trace.expression +
                                      "\" names no cref of run " + run.summary.runId);
    curve.y = vector->values;
    if (!vector->imag.empty()) { // an AC vector plots as its magnitude in dB
        for (size_t i = 0; i < curve.y.size() && i < vector->imag.size(); ++i)
            curve.y[i] = 20 * std::log10(std::hypot(vector->values[i], vector->imag[i]));
        if (curve.unit.empty())
            curve.unit = "dB";
    }
    if (curve.unit.empty())
        curve.unit = vector->unit;
    curve.y.resize(std::min(curve.y.size(), curve.x.size()));
    curve.x.resize(curve.y.size());
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
    std::string csv = "trace,x,y\n";
    PlotPanel* traces = nullptr; // consecutive trace panes share one panel and its x axis
    for (const auto& pane : book.panes) {
        if (pane.fft)
            return R::failure("FFT panes are not drawn yet");
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
    if (!output.measurements.isEmpty())
        return R::failure("measurements are not taken yet");
    return true;
}
