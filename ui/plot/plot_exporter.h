#pragma once

#include "core/base/result.h"

#include <QString>

class PlotTraces;
class QCustomPlot;

// Writes what a PlotPanel shows to files: the plot as an image, the visible data as CSV.
// GUI thread (it paints the plot's widget).
class PlotExporter {
public:
    // By file suffix: .png, .pdf, .svg; the plot only, at its on-screen size. The graphs are
    // fed first (a plot never shown has not been), and an SVG gets lines cut to the panes.
    static Result<bool> writeImage(QCustomPlot& plot, PlotTraces& traces, const QString& path);
    // Every trace over [lower, upper]: the first trace's samples as rows, the others
    // interpolated there. Header: "<coordinate> [<unit>],<cref> [<unit>],...".
    static Result<bool> writeCsv(const PlotTraces& traces, const QString& coordinateName,
                                 const QString& coordinateUnit, double lower, double upper,
                                 const QString& path);
};
