// bench_tree_view: the hierarchy browser over a big design, offscreen with real widgets.
// Reads the design (the built-in reader), then times, in ms: setting the tree with the first
// paint of the view (what opening a design costs the GUI thread after the read), a glob
// filter with its auto-expansion and paint, clearing it, expanding one row of the design
// with everything below it, and scrolling to the end; each phase with its paint.
//
//     QT_QPA_PLATFORM=offscreen build/bin/bench_tree_view DESIGN [--glob PATTERN]
//         [--expand CREF] [--screenshot PNG]
//
// --screenshot saves the view with the filter applied (bench/bench_tree_scale.py runs it).
#include "core/engine/design_reader.h"
#include "ui/design/hierarchy_filter_model.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/hierarchy_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTreeView>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace {
double msSince(const QElapsedTimer& timer) {
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Lays out and paints the view now, as the next frame would.
void paint(HierarchyView& view) {
    QApplication::processEvents();
    (void)view.grab();
}

int visibleRows(QTreeView* tree) {
    int rows = 0;
    for (auto index = tree->model()->index(0, 0); index.isValid(); index = tree->indexBelow(index))
        ++rows;
    return rows;
}
} // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    std::string design, glob = "*.tg.mn", expand = "top.dut.row65", screenshot;
    for (int i = 1; i < argc; ++i) {
        const bool more = i + 1 < argc;
        if (!std::strcmp(argv[i], "--glob") && more)
            glob = argv[++i];
        else if (!std::strcmp(argv[i], "--expand") && more)
            expand = argv[++i];
        else if (!std::strcmp(argv[i], "--screenshot") && more)
            screenshot = argv[++i];
        else
            design = argv[i];
    }
    if (design.empty()) {
        std::fprintf(stderr, "usage: bench_tree_view DESIGN [--glob P] [--expand CREF] "
                             "[--screenshot PNG]\n");
        return 2;
    }
    QElapsedTimer timer;
    timer.start();
    auto read = DesignReader::read(design);
    if (!read) {
        std::fprintf(stderr, "bench_tree_view: %s\n", read.error().c_str());
        return 1;
    }
    auto tree = std::make_shared<const HierarchyTree>(std::move(read.value()));
    std::printf("read          %8.1f ms  (%zu nodes)\n", msSince(timer), tree->size());

    HierarchyView view;
    view.resize(700, 900);
    view.show();
    paint(view);

    timer.restart();
    view.setTree(tree);
    paint(view);
    std::printf("open+paint    %8.1f ms  (%d rows shown)\n", msSince(timer),
                visibleRows(view.treeView()));

    timer.restart();
    view.setFilterText(QString::fromStdString(glob));
    paint(view);
    std::printf("filter+paint  %8.1f ms  (%s: %d matches, %d rows unfolded)\n", msSince(timer),
                glob.c_str(), view.filterModel()->matchCount(), visibleRows(view.treeView()));
    if (!screenshot.empty()) {
        view.treeView()->scrollToTop();
        paint(view);
        if (!view.grab().save(QString::fromStdString(screenshot)))
            std::fprintf(stderr, "bench_tree_view: cannot write %s\n", screenshot.c_str());
    }

    timer.restart();
    view.setFilterText({});
    paint(view);
    std::printf("unfilter      %8.1f ms\n", msSince(timer));

    const auto source = view.model()->indexForCref(QString::fromStdString(expand));
    if (!source.isValid()) {
        std::fprintf(stderr, "bench_tree_view: no node %s\n", expand.c_str());
        return 1;
    }
    auto* treeView = view.treeView();
    timer.restart();
    const auto index = view.filterModel()->mapFromSource(source);
    for (auto up = index.parent(); up.isValid(); up = up.parent())
        treeView->expand(up);
    treeView->expandRecursively(index);
    paint(view);
    std::printf("expand row    %8.1f ms  (%s and below: %d rows shown)\n", msSince(timer),
                expand.c_str(), visibleRows(treeView));

    timer.restart();
    treeView->scrollToBottom();
    paint(view);
    std::printf("scroll to end %8.1f ms  (at %d of %d)\n", msSince(timer),
                treeView->verticalScrollBar()->value(), treeView->verticalScrollBar()->maximum());

    timer.restart();
    for (int step = 0; step < 20; ++step) {
        treeView->verticalScrollBar()->setValue(treeView->verticalScrollBar()->maximum() * step /
                                                20);
        paint(view);
    }
    std::printf("scroll 20 pg  %8.1f ms  (per page %.1f ms)\n", msSince(timer),
                msSince(timer) / 20);

    // Everything at once, as `*` on `top` asks: every row of the design.
    timer.restart();
    treeView->expandAll();
    paint(view);
    std::printf("expand all    %8.1f ms  (%d rows shown)\n", msSince(timer), visibleRows(treeView));

    // What freeing the tree costs whoever drops it last (MainWindow hands it to a pool thread).
    view.setTree(nullptr);
    paint(view);
    timer.restart();
    tree.reset();
    std::printf("free tree     %8.1f ms\n", msSince(timer));
    return 0;
}
