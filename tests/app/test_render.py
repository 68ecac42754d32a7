#!/usr/bin/python3
"""`wavebench --render` end to end: a real run of the RC step (tests/data/rc_step.cir) into a real
store, a workbook drawn over it without a display as PNG (at the size and DPI asked), SVG and PDF;
its --csv rows (`trace,x,y`, each trace named as the workbook writes it) equal the store's values
read with h5py; a workbook that names an unknown cref, or is malformed, fails naming it; a
workbook written back (the GUI's form) renders the same CSV.

    /usr/bin/python3 tests/app/test_render.py --gui build/bin/wavebench \
        --cli build/bin/wavebench-run --root . --workdir /tmp/x
"""
import argparse
import csv
import os
import shutil
import struct
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary  # noqa: E402

TIMEOUT_S = 120

WORKBOOK = """panes:
  - traces: ["top.nodes.out.v", "top.nodes.in.v"]
  - traces: [{expr: "top.v1.i", color: "#2ca02c", label: "supply current"}]
x: {from: 0, to: 5u}
cursors: {a: 1u}
"""


ISSUE_FORM = """panes:
  - traces: ["top.nodes.out.v", "top.nodes.out.v - top.nodes.in.v", "deriv(top.nodes.out.v)"]
  - fft: {trace: "top.nodes.out.v", window: hann}
measure:
  top.nodes.out.v: [rise, max]
"""


def render(gui, *args):
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # --render picks offscreen itself
    return subprocess.run([gui, "--render", *args], capture_output=True, text=True,
                          timeout=TIMEOUT_S, env=env)


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    return struct.unpack(">II", head[16:24]) if head[:8] == b"\x89PNG\r\n\x1a\n" else None


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gui", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    work = lambda name: os.path.join(args.workdir, name)  # noqa: E731

    store = work("rc.h5")
    run = subprocess.run([args.cli, "run", os.path.join(args.root, "tests/data/rc_step.cir"),
                          "--out", store, "--run-id", "rc", "-q"],
                         capture_output=True, text=True, timeout=TIMEOUT_S)
    check(run.returncode == 0, "the RC step runs into a store", run.stderr)
    with open(work("book.yaml"), "w") as f:
        f.write(WORKBOOK)

    done = render(args.gui, work("book.yaml"), "--store", store, "--run", "rc", "--out",
                  work("plot.png"), "--csv", work("values.csv"), "--size", "800x600", "--dpi", "192")
    check(done.returncode == 0, "--render writes a PNG and the CSV", done.stderr)
    check(png_size(work("plot.png")) == (1600, 1200),
          "192 dpi doubles the 800x600 logical size", str(png_size(work("plot.png"))))

    header, rows = read_csv(work("values.csv"))
    check(header == ["trace", "x", "y"], "the CSV's header is trace,x,y", str(header))
    with h5py.File(store, "r") as h5:
        group = h5["runs/rc"]
        time = group["time"][()] if "time" in group else None
        stored = {cref: group["vectors"][cref]["data"][()] for cref in group["vectors"]}
    check(time is not None, "the run has its time coordinate")
    in_view = (time >= 0) & (time <= 5e-6)
    for cref in ["top.nodes.out.v", "top.nodes.in.v", "top.v1.i"]:
        mine = [(float(r[1]), float(r[2])) for r in rows if r[0] == cref]
        xs = np.array([m[0] for m in mine])
        ys = np.array([m[1] for m in mine])
        want_x, want_y = time[in_view], stored[cref][in_view]
        check(len(mine) == int(in_view.sum()) and np.array_equal(xs, want_x)
              and np.array_equal(ys, want_y),
              f"{cref}: one row per stored sample in x: [0, 5u], the stored values exactly",
              f"{len(mine)} rows, {int(in_view.sum())} samples")
    check(rows and rows[0][0] == "top.nodes.out.v", "traces come in the workbook's order")

    for suffix in ["svg", "pdf"]:
        done = render(args.gui, work("book.yaml"), "--store", store, "--run", "rc", "--out",
                      work("plot." + suffix))
        size = os.path.getsize(work("plot." + suffix)) if os.path.exists(work("plot." + suffix)) else 0
        check(done.returncode == 0 and size > 1000, f"--render writes a {suffix.upper()}",
              done.stderr)
    with open(work("plot.svg")) as f:
        check("supply current" in f.read(), "the SVG's legend shows the trace's label")

    # The issue's form: expressions, an FFT pane, measurements.
    with open(work("issue.yaml"), "w") as f:
        f.write(ISSUE_FORM)
    done = render(args.gui, work("issue.yaml"), "--store", store, "--run", "rc", "--out",
                  work("issue.png"), "--csv", work("issue.csv"), "--measurements",
                  work("meas.csv"))
    check(done.returncode == 0, "the issue's workbook renders", done.stderr)
    header, rows = read_csv(work("issue.csv"))
    by = {}
    for name, x, y in rows:
        by.setdefault(name, ([], []))
        by[name][0].append(float(x))
        by[name][1].append(float(y) if y else float("nan"))  # an empty y: no value (NaN)
    out, vin = stored["top.nodes.out.v"], stored["top.nodes.in.v"]
    diff = by.get("top.nodes.out.v - top.nodes.in.v", ([], []))
    check(np.allclose(diff[1], out - vin, rtol=0, atol=1e-12) and np.array_equal(diff[0], time),
          "out - in: the stored out minus the stored in, at every sample")
    deriv = np.array(by.get("deriv(top.nodes.out.v)", ([], []))[1])
    want = np.diff(out) / np.diff(time)
    check(len(deriv) == len(time) and np.isnan(deriv[0]) if len(deriv) else False,
          "deriv(out) has a row per sample, NaN at the first (no earlier sample)")
    check(len(deriv) == len(time) and np.allclose(deriv[1:], want, rtol=1e-9, atol=1e-6),
          "deriv(out): the backward difference of the stored samples")
    fx, fy = by.get("fft(top.nodes.out.v)", ([], []))
    span = time[-1] - time[0]
    check(len(fx) > 100 and abs(fx[0] - 1 / span) < 1e-6 / span
          and np.allclose(np.diff(fx), 1 / span, rtol=1e-9),
          "fft(out): rows from the first bin, 1/span apart in Hz", f"{len(fx)} rows")
    header, rows = read_csv(work("meas.csv"))
    meas = {(r[0], r[1]): float(r[2]) for r in rows}
    check(header == ["trace", "measurement", "value"], "--measurements: trace,measurement,value")
    rise = meas.get(("top.nodes.out.v", "rise"), float("nan"))
    check(abs(rise - 1e-6 * np.log(9)) < 0.01 * 1e-6 * np.log(9),
          "the RC step's rise time is RC ln 9", str(rise))
    check(meas.get(("top.nodes.out.v", "max")) == float(out.max()),
          "max is the stored maximum", str(meas))

    # Mistakes: each fails, naming the file, line or name, and writes nothing.
    with open(work("unknown.yaml"), "w") as f:
        f.write('panes:\n  - traces: ["top.nodes.nowhere.v"]\n')
    done = render(args.gui, work("unknown.yaml"), "--store", store, "--run", "rc", "--out",
                  work("unknown.png"))
    check(done.returncode == 1 and "top.nodes.nowhere.v" in done.stderr
          and not os.path.exists(work("unknown.png")),
          "an unknown cref fails, naming it, and writes no image", done.stderr)
    with open(work("bad.yaml"), "w") as f:
        f.write("panes:\n  - traces: [top.nodes.out.v]\nmeasure:\n  top.nodes.out.v: [slew]\n")
    done = render(args.gui, work("bad.yaml"), "--store", store, "--run", "rc", "--csv",
                  work("bad.csv"))
    check(done.returncode == 1 and "bad.yaml:4" in done.stderr and "slew" in done.stderr,
          "an unknown measurement fails, naming file:line and the name", done.stderr)
    done = render(args.gui, work("book.yaml"), "--store", store, "--run", "nosuchrun", "--csv",
                  work("none.csv"))
    check(done.returncode == 1 and "nosuchrun" in done.stderr, "an unknown run fails, naming it",
          done.stderr)
    done = render(args.gui, work("book.yaml"), "--store", store, "--run", "rc", "--out",
                  work("plot.png"), "--size", "huge")
    check(done.returncode == 1 and "--size huge" in done.stderr, "a bad --size is refused",
          done.stderr)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
