// Export of what the plot shows, with real widgets (offscreen) and files read back: CSV
// fields quoted where a cref or coordinate needs it, the rows the visible range holds, and
// clear errors for an unknown image type or a path that cannot be written.
#include "ui/plot/decimated_series.h"
#include "ui/plot/plot_exporter.h"
#include "ui/plot/plot_panel.h"
#include "ui/plot/plot_traces.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {

std::shared_ptr<DecimatedSeries> ramp(size_t n) {
    std::vector<double> xs(n), ys(n);
    for (size_t i = 0; i < n; ++i) {
        xs[i] = static_cast<double>(i);
        ys[i] = 0.5 * static_cast<double>(i);
    }
    auto series = std::make_shared<DecimatedSeries>();
    series->append(xs.data(), ys.data(), n);
    return series;
}

} // namespace

class TestPlotExporter : public QObject {
    Q_OBJECT
private slots:
    void csvQuotesFieldsThatNeedIt() {
        PlotTraces traces;
        PlotTraces::Trace odd;
        odd.cref = "top.\"odd\",name";
        odd.unit = "A";
        odd.series = ramp(5);
        traces.add(odd);
        PlotTraces::Trace plain;
        plain.cref = "top.plain";
        plain.series = ramp(5);
        traces.add(plain);
        QTemporaryDir dir;
        const QString path = dir.filePath("quoted.csv");
        const auto written = PlotExporter::writeCsv(traces, "v(in), swept", "V", 1, 3, path);
        QVERIFY2(written.ok(), written.error().c_str());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(file.readAll()),
                 QString("\"v(in), swept [V]\",\"top.\"\"odd\"\",name [A]\",top.plain\n"
                         "1,0.5,0.5\n"
                         "2,1,1\n"
                         "3,1.5,1.5\n"));
    }

    void errorsNameTheFile() {
        PlotPanel panel;
        QVERIFY(panel.addTrace("top.v", "v", "V", ramp(10)));
        QTemporaryDir dir;
        QString error;
        const QString bmp = dir.filePath("plot.bmpx");
        QVERIFY(!panel.exportImage(bmp, &error));
        QVERIFY2(error.contains(bmp) && error.contains("unknown image type"), qPrintable(error));
        const QString nowhere = dir.filePath("no/such/dir/plot.csv");
        QVERIFY(!panel.exportCsv(nowhere, &error));
        QVERIFY2(error.contains(nowhere), qPrintable(error));
        const auto none =
            PlotExporter::writeCsv(PlotTraces(), "time", "s", 0, 1, dir.filePath("none.csv"));
        QVERIFY(!none.ok());
        QCOMPARE(none.error(), std::string("no traces to export"));
        QVERIFY(!QFile::exists(dir.filePath("none.csv")));
    }
};

QTEST_MAIN(TestPlotExporter)
#include "tst_plot_exporter.moc"
