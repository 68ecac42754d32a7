// wavebench: the desktop workbench.
#include "main_window.h"

#include <QApplication>
#include <clocale>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Wavebench");
    QApplication::setOrganizationName("Wavebench");
    std::setlocale(LC_NUMERIC, "C"); // ngspice parses numbers with the C locale
    MainWindow window;
    const auto args = app.arguments();
    window.show();
    if (args.size() > 1)
        window.openNetlist(args.at(1), true);
    return app.exec();
}
