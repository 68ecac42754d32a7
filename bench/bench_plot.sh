#!/bin/sh
# Redraw benchmark of the plot area (bench_plot.cpp), on Qt's offscreen platform so that it
# runs without a display.
#
#   bench/bench_plot.sh [--build DIR] [bench_plot options: --points 1000000,10000000
#                        --repeats 15 --size 1200x800]
set -eu
BUILD="$(dirname "$0")/../build"
if [ "${1:-}" = "--build" ]; then
    BUILD="$2"
    shift 2
fi
BIN="$BUILD/bin/bench_plot"
if [ ! -x "$BIN" ]; then
    echo "bench_plot.sh: $BIN not found; build first (cmake --build $BUILD --target bench_plot)" >&2
    exit 2
fi
QT_QPA_PLATFORM=offscreen exec "$BIN" "$@"
