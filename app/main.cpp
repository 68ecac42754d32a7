// wavebench: the desktop workbench.
#include "core/analysis/workbook.h"
#include "core/store/result_store.h"
#include "ui/window/main_window.h"
#include "ui/workbook/workbook_renderer.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QRegularExpression>
#include <QtConcurrent>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {

// `--render WORKBOOK --store S --run ID --out F [--csv C] [--measurements M] [--size WxH]
// [--dpi N]`: no window; exit status 0, or 1 with the reason on stderr.
int render(const QCommandLineParser& parser) {
    auto fail = [](const std::string& message) {
        std::fprintf(stderr, "wavebench --render: %s\n", message.c_str());
        return 1;
    };
    if (!parser.isSet("store") || !parser.isSet("run"))
        return fail("--render needs --store STORE.h5 and --run RUN_ID");
    if (!parser.isSet("out") && !parser.isSet("csv") && !parser.isSet("measurements"))
        return fail("nothing to write: give --out, --csv or --measurements");
    auto book = Workbook::load(parser.value("render").toStdString());
    if (!book)
        return fail(book.error());
    WorkbookRenderer::Output output;
    output.image = parser.value("out");
    output.csv = parser.value("csv");
    output.measurements = parser.value("measurements");
    if (parser.isSet("size")) {
        static const QRegularExpression form("^(\\d+)x(\\d+)$");
        const auto match = form.match(parser.value("size"));
        if (!match.hasMatch() || match.captured(1).toInt() < 16 || match.captured(2).toInt() < 16 ||
            match.captured(1).toInt() > 20000 || match.captured(2).toInt() > 20000)
            return fail("--size " + parser.value("size").toStdString() +
                        ": expected WIDTHxHEIGHT in pixels, 16 to 20000 each");
        output.size = QSize(match.captured(1).toInt(), match.captured(2).toInt());
    }
    if (parser.isSet("dpi")) {
        bool ok = false;
        output.dpi = parser.value("dpi").toInt(&ok);
        if (!ok || output.dpi < 24 || output.dpi > 1200)
            return fail("--dpi " + parser.value("dpi").toStdString() + ": expected 24 to 1200");
    }
    // The store is read on a worker, as everywhere in the GUI: this thread draws.
    const std::string store = parser.value("store").toStdString();
    const std::string runId = parser.value("run").toStdString();
    auto run =
        QtConcurrent::run([store, runId] { return ResultStore::readRun(store, runId); }).result();
    if (!run)
        return fail(run.error());
    auto rendered = WorkbookRenderer::render(book.value(), run.value(), output);
    if (!rendered)
        return fail(rendered.error());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // A render draws without a display: the offscreen platform unless one is asked for.
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--render" && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName("Wavebench");
    QApplication::setOrganizationName("Wavebench");
    std::setlocale(LC_NUMERIC, "C"); // ngspice parses numbers with the C locale
    // A file-size limit makes a store write fail with EFBIG (reported, naming the file)
    // instead of killing the workbench.
    std::signal(SIGXFSZ, SIG_IGN);

    QCommandLineParser parser;
    parser.setApplicationDescription("Waveform workbench for analog designs, on ngspice");
    parser.addHelpOption();
    parser.addPositionalArgument("file", "A design (.asdl .cir .sp .spice .net) or a store (.h5)");
    QCommandLineOption demo("demo", "Start the design's simulation at once");
    parser.addOption(demo);
    QCommandLineOption inProcess("in-process",
                                 "Run ngspice in this process, not in a wavebench-engine process");
    parser.addOption(inProcess);
    parser.addOptions({
        {"render", "Draw WORKBOOK (YAML) over a stored run without a window, then exit",
         "WORKBOOK"},
        {"store", "--render: the store", "STORE.h5"},
        {"run", "--render: the run's id", "RUN_ID"},
        {"out", "--render: the image (.png, .svg, .pdf)", "FILE"},
        {"csv", "--render: every plotted trace as trace,x,y rows", "FILE"},
        {"measurements", "--render: the workbook's measurements as trace,measurement,value rows",
         "FILE"},
        {"size", "--render: the image size in pixels (default 1200x800)", "WxH"},
        {"dpi", "--render: the image resolution (default 96)", "DPI"},
    });
    parser.process(app);
    if (parser.isSet("render"))
        return render(parser);
    if (parser.isSet(inProcess))
        qputenv("WAVEBENCH_IN_PROCESS", "1");

    MainWindow window;
    window.show();
    const auto files = parser.positionalArguments();
    if (!files.isEmpty()) {
        // A design is read on a worker: --demo runs it once it is shown.
        if (parser.isSet(demo))
            QObject::connect(&window, &MainWindow::designOpened, &window, &MainWindow::startRun,
                             Qt::SingleShotConnection);
        window.openFile(files.first());
    }
    return app.exec();
}
