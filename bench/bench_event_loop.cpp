// bench_event_loop: how long the GUI's event loop stalls while a live run streams into the
// plots. Opens DESIGN in a MainWindow (offscreen), probes the given crefs, starts the run and,
// until it has finished and been shown, measures the lateness of a 1 ms timer: each tick's gap
// beyond 1 ms is time the loop could not answer the user. Prints p50/p99/max and the ticks.
// bench/bench_event_loop.py makes the ring101 netlist and runs this.
//
//     bench_event_loop DESIGN [--probe CREF]... [--timeout 120]
#include "core/engine/run_handle.h"
#include "ui/plot/plot_panel.h"
#include "ui/window/main_window.h"
#include "ui/window/run_controls.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    std::setlocale(LC_NUMERIC, "C");
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_event_loop DESIGN [--probe CREF]... [--timeout S]\n");
        return 2;
    }
    QStringList probes;
    int timeoutS = 120;
    for (int i = 2; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--probe") == 0)
            probes << argv[++i];
        else if (std::strcmp(argv[i], "--timeout") == 0)
            timeoutS = std::atoi(argv[++i]);
    }
    MainWindow window;
    window.resize(1400, 900);
    window.show();
    std::vector<double> lateMs;
    QElapsedTimer clock;
    qint64 last = 0;
    bool measuring = false;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (measuring)
            lateMs.push_back(std::max(0.0, (now - last) / 1e6 - 1.0));
        last = now;
    });
    auto finish = [&](int status) {
        tick.stop();
        app.exit(status);
    };
    QObject::connect(&window, &MainWindow::designOpened, [&] {
        for (const auto& cref : probes)
            window.probe(cref, false);
        clock.start();
        last = clock.nsecsElapsed();
        measuring = true;
        tick.start();
        window.startRun();
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, [&, poll] {
            auto run = window.currentRun();
            if (run && run->isFinished() && !window.runControls()->stopAction()->isEnabled()) {
                poll->stop();
                std::printf("run: %s, %lld points, %.2f s\n", toString(run->status()).c_str(),
                            run->points(), clock.nsecsElapsed() / 1e9);
                finish(0);
            }
        });
        poll->start(50);
    });
    QObject::connect(&window, &MainWindow::errorShown, [&](const QString& message) {
        std::fprintf(stderr, "error: %s\n", qPrintable(message));
    });
    QTimer::singleShot(timeoutS * 1000, [&] {
        std::fprintf(stderr, "timed out after %d s\n", timeoutS);
        finish(1);
    });
    if (!window.openDesign(QString::fromLocal8Bit(argv[1])))
        return 1;
    const int status = app.exec();
    if (lateMs.empty())
        return status ? status : 1;
    std::sort(lateMs.begin(), lateMs.end());
    auto at = [&](double q) { return lateMs[static_cast<size_t>(q * (lateMs.size() - 1))]; };
    std::printf("event loop stall over %zu ticks: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                lateMs.size(), at(0.5), at(0.99), lateMs.back());
    return status;
}
