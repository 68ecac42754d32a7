#pragma once

#include "core/analysis/workbook.h"
#include "core/base/result.h"
#include "core/store/result_store.h"

#include <QSize>
#include <QString>

// Draws a Workbook over one stored run without a display (`wavebench --render`): its panes as
// PlotPanels (an FFT pane with its own frequency axis), written as one PNG, SVG or PDF at a
// chosen size and DPI, with the traces as CSV (`trace,x,y`, one row per sample, each trace
// named as the workbook writes it; an FFT as `fft(<trace>)` in Hz and dB) and the
// measurements as CSV (`trace,measurement,value`). GUI thread (widgets, offscreen); the run
// is read by the caller.
class WorkbookRenderer {
public:
    struct Output {
        QString image; // .png, .svg or .pdf; "" for none
        QString csv;   // "" for none
        QString measurements;
        QSize size{1200, 800}; // logical pixels
        int dpi = 96;          // a PNG at 192 dpi has twice the pixels of `size`
    };

    static Result<bool> render(const Workbook& book, const RunData& run, const Output& output);
};
