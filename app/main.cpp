// wavebench: the desktop workbench.
#include "ui/window/main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <clocale>
#include <csignal>

int main(int argc, char** argv) {
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
    parser.process(app);
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
