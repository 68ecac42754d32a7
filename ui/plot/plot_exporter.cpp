#include "ui/plot/plot_exporter.h"

#include "core/base/csv.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/plot_traces.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QSvgGenerator>
#include <charconv>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Result<bool> failure(const QString& message) {
    return Result<bool>::failure(message.toStdString());
}

// Shortest text that reads back as the same double; empty for NaN (no value there).
QByteArray csvNumber(double v) {
    if (std::isnan(v))
        return QByteArray();
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QByteArray(buffer, static_cast<int>(result.ptr - buffer));
}

QByteArray csvField(const QString& text) {
    return QByteArray::fromStdString(csv::field(text.toStdString()));
}

QString withUnit(const QString& name, const QString& unit) {
    return unit.isEmpty() ? name : name + " [" + unit + "]";
}

// Liang–Barsky: clips the segment to the rectangle; false when nothing of it is inside.
bool clipSegment(QPointF& a, QPointF& b, const QCPRange& xr, const QCPRange& yr) {
    const double dx = b.x() - a.x();
    const double dy = b.y() - a.y();
    const double p[] = {-dx, dx, -dy, dy};
    const double q[] = {a.x() - xr.lower, xr.upper - a.x(), a.y() - yr.lower, yr.upper - a.y()};
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        const double r = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, r);
        else
            t1 = std::min(t1, r);
        if (t0 > t1)
            return false;
    }
    const QPointF start = a;
    a = QPointF(start.x() + t0 * dx, start.y() + t0 * dy);
    b = QPointF(start.x() + t1 * dx, start.y() + t1 * dy);
    return true;
}

// The polyline cut to the visible rectangle, with NaN gaps where it leaves and comes back.
// QSvgGenerator (Qt 6.4) writes no clip paths, so an SVG would otherwise show lines running
// over the axes wherever data lies outside the view.
QVector<QCPGraphData> clippedToView(const QCPGraphDataContainer& data, const QCPRange& xr,
                                    const QCPRange& yr) {
    QVector<QPointF> points;
    for (auto it = data.constBegin(); it != data.constEnd(); ++it)
        points.push_back(QPointF(it->key, it->value));
    QVector<QCPGraphData> out;
    if (points.size() == 1 && xr.contains(points[0].x()) && yr.contains(points[0].y()))
        out.push_back(QCPGraphData(points[0].x(), points[0].y()));
    bool connected = false; // does the next piece continue the last one drawn?
    for (int i = 0; i + 1 < points.size(); ++i) {
        QPointF a = points[i], b = points[i + 1];
        if (std::isnan(a.y()) || std::isnan(b.y()) || !clipSegment(a, b, xr, yr)) {
            connected = false;
            continue;
        }
        if (!connected || out.isEmpty() || out.last().key != a.x() || out.last().value != a.y()) {
            if (!out.isEmpty())
                out.push_back(QCPGraphData((out.last().key + a.x()) / 2, kNaN));
            out.push_back(QCPGraphData(a.x(), a.y()));
        }
        out.push_back(QCPGraphData(b.x(), b.y()));
        connected = b == points[i + 1]; // left the view: the next piece starts anew
    }
    return out;
}

bool writeSvg(QCustomPlot& plot, PlotTraces& traces, const QString& path) {
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(plot.size());
    generator.setViewBox(QRect(QPoint(0, 0), plot.size()));
    generator.setTitle("Wavebench plot");
    for (const auto& t : traces)
        t.graph->data()->set(clippedToView(*t.graph->data(), t.graph->keyAxis()->range(),
                                           t.graph->valueAxis()->range()),
                             true);
    traces.markStale(); // back to the plain decimated view below
    bool ok = false;
    QCPPainter painter;
    if (painter.begin(&generator)) {
        plot.toPainter(&painter, plot.width(), plot.height());
        ok = painter.end();
    }
    traces.feed(plot);
    return ok;
}

} // namespace

Result<bool> PlotExporter::writeImage(QCustomPlot& plot, PlotTraces& traces, const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    traces.feed(plot); // a plot never shown has not been fed yet
    bool ok = false;
    if (suffix == "png")
        ok = plot.savePng(path);
    else if (suffix == "pdf")
        ok = plot.savePdf(path);
    else if (suffix == "svg")
        ok = writeSvg(plot, traces, path);
    else
        return failure(path + ": unknown image type (use .png, .pdf or .svg)");
    if (!ok || QFileInfo(path).size() == 0)
        return failure("cannot write " + path);
    return true;
}

Result<bool> PlotExporter::writeCsv(const PlotTraces& traces, const QString& coordinateName,
                                    const QString& coordinateUnit, double lower, double upper,
                                    const QString& path) {
    if (traces.empty())
        return failure("no traces to export");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return failure("cannot write " + path + ": " + file.errorString());
    QByteArray header = csvField(withUnit(coordinateName, coordinateUnit));
    for (const auto& t : traces)
        header += ',' + csvField(withUnit(t.cref, t.unit));
    file.write(header + '\n');
    const DecimatedSeries& first = *traces[0].series;
    const size_t end = first.upperBound(upper);
    QByteArray row;
    for (size_t i = first.lowerBound(lower); i < end; ++i) {
        const double x = first.x(i);
        row = csvNumber(x);
        row += ',' + csvNumber(first.y(i));
        for (size_t t = 1; t < traces.size(); ++t)
            row += ',' + csvNumber(traces[t].series->valueAt(x));
        row += '\n';
        file.write(row);
    }
    if (!file.commit())
        return failure("cannot write " + path + ": " + file.errorString());
    return true;
}
