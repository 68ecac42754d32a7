#!/usr/bin/python3
"""Benchmark wavebench-run's streaming to HDF5 against plain ngspice batch mode.

    /usr/bin/python3 bench/bench_stream.py [--build build] [--out bench/out]
        [--stages 101] [--rc-nodes 1000] [--repeat 1] [--ngspice-only] [--keep]

Two generated circuits, each at tstop and 2*tstop:
  ring    CMOS ring oscillator of --stages inverters (subcircuit, level-1 MOS)
  ladder  RC ladder of --rc-nodes sections driven by a pulse (1000 vectors)
Each is simulated by `ngspice -b -r out.raw` (the reference: batch mode streams
points to the rawfile, so its memory stays flat) and by
`BUILD/bin/wavebench-run netlist --out X.h5 --run-id bench`, both under
`/usr/bin/time -v`.

Targets, per row: wavebench wall <= 1.05 x ngspice wall, and wavebench peak
RSS <= ngspice peak RSS + 40 MB.  The RSS growth from tstop to 2*tstop is
reported too: streaming should keep it near zero.  The ring oscillator must
really oscillate in the stored data (a node swinging > 1 V).

Exit status: 0 all targets met, 1 a target or sanity check failed, 2 setup
error (missing binary, simulation crashed).  --ngspice-only runs just the
ngspice half, e.g. while wavebench-run is not built yet.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np

WALL_RATIO_MAX = 1.05
RSS_SLACK_MB = 40.0
SWING_MIN_V = 1.0
RUN_ID = "bench"


class SetupError(Exception):
    """Something outside the measured code is wrong; exit 2, no table."""


# --- netlists --------------------------------------------------------------


def eng(x):
    """Format seconds the SPICE way (400e-9 -> '400n'), so netlists stay readable."""
    for exp, suffix in ((-15, "f"), (-12, "p"), (-9, "n"), (-6, "u"), (-3, "m"), (0, "")):
        scaled = round(x / 10.0**exp, 9)  # 1e-6/1e-9 is 999.9999..., not 1000
        if 1 <= abs(scaled) < 1000 or exp == 0:
            return f"{scaled:.6g}{suffix}"
    return f"{x:.6g}"


def ring_netlist(stages, tstop):
    # Level-1 models with tox, so the MOSFETs have gate capacitance, plus an
    # explicit 5 fF load per stage: without capacitance the ring has no delay
    # and the "oscillation" would be at the time step.  With these values one
    # stage takes ~47 ps, so 101 stages oscillate at ~9.5 ns and 400 ns holds
    # ~40 periods.  PMOS is ~2.2x wider to balance kp (110u vs 50u).
    lines = [
        f"* Wavebench bench: CMOS ring oscillator, {stages} stages",
        ".model nm nmos level=1 vto=0.7 kp=110u tox=4n lambda=0.05",
        ".model pm pmos level=1 vto=-0.7 kp=50u tox=4n lambda=0.05",
        ".subckt inv in out vdd",
        "mn out in 0 0 nm w=1u l=0.18u",
        "mp out in vdd vdd pm w=2.2u l=0.18u",
        "cl out 0 5f",
        ".ends inv",
        "vdd vdd 0 1.8",
    ]
    lines += [f"xinv{k} n{k} n{k % stages + 1} vdd inv" for k in range(1, stages + 1)]
    # An odd ring has a metastable DC point with every node at ~Vdd/2; pinning
    # n1 low for the operating point breaks the symmetry so it starts at t=0.
    lines += [".ic v(n1)=0", f".tran 10p {eng(tstop)}", ".end"]
    return "\n".join(lines) + "\n"


def ladder_netlist(sections, tstop):
    # 100 ohm / 10 fF sections: the ladder's delay (~R*C*N^2 = 1 us for 1000
    # sections) is well inside the 10 us pulse period, so the wave travels the
    # whole line.  The 1 ns tstep caps ngspice's step (tmax defaults to
    # tstep), which gives ~tstop/1ns points: 20k at 20 us, tens of thousands
    # of points of ~1000 vectors, the bulk-data case for the writer.
    lines = [f"* Wavebench bench: RC ladder, {sections} sections", "vin n0 0 pulse(0 1 0 1n 1n 5u 10u)"]
    for k in range(1, sections + 1):
        lines += [f"r{k} n{k - 1} n{k} 100", f"c{k} n{k} 0 10f"]
    lines += [f".tran 1n {eng(tstop)}", ".end"]
    return "\n".join(lines) + "\n"


CIRCUITS = [
    # (name, generator, base tstop, which CLI option sizes it)
    ("ring", ring_netlist, 400e-9, "stages"),
    ("ladder", ladder_netlist, 20e-6, "rc_nodes"),
]


# --- measuring -------------------------------------------------------------


def parse_time_v(path):
    """Wall seconds and peak RSS (MB) from a `/usr/bin/time -v -o` report."""
    with open(path) as fh:
        text = fh.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\):\s*([\d:.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
    if not wall or not rss:
        raise SetupError(f"cannot parse /usr/bin/time output in {path}:\n{text[-2000:]}")
    seconds = 0.0
    for part in wall.group(1).split(":"):  # "m:ss.ss" or "h:mm:ss"
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1)) / 1024.0


def measure(cmd, workdir, tag, repeat, before=None):
    """Run cmd `repeat` times under /usr/bin/time -v.

    Returns (best wall s, peak RSS MB).  Best wall because timing noise only
    ever adds time; peak RSS is the max over the repeats (it barely varies,
    and the max is the conservative side for the memory target).
    """
    best_wall, peak_rss = math.inf, 0.0
    report, log = os.path.join(workdir, f"{tag}.time"), os.path.join(workdir, f"{tag}.log")
    for _ in range(repeat):
        if before:
            before()
        with open(log, "w") as out:
            proc = subprocess.run(["/usr/bin/time", "-v", "-o", report] + cmd, cwd=workdir,
                                  stdout=out, stderr=subprocess.STDOUT)
        if proc.returncode != 0:
            with open(log, errors="replace") as fh:
                tail = "".join(fh.readlines()[-20:])
            raise SetupError(f"{' '.join(cmd)} exited with {proc.returncode} (log: {log}):\n{tail}")
        wall, rss = parse_time_v(report)
        best_wall, peak_rss = min(best_wall, wall), max(peak_rss, rss)
    return best_wall, peak_rss


# --- reading results -------------------------------------------------------


def read_raw(path):
    """(names, points x vars array) from an ngspice binary rawfile, memory-mapped."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
        marker = head.find(b"Binary:\n")
        while marker < 0 and len(head) < (64 << 20):  # the variable list can be long
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
            marker = head.find(b"Binary:\n")
    if marker < 0:
        raise SetupError(f"{path} is not a binary ngspice rawfile")
    lines = head[:marker].decode("latin-1").splitlines()
    field = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in lines if ":" in l}
    if "complex" in field.get("Flags", ""):
        raise SetupError(f"{path}: complex data not expected from a transient run")
    nvars, npoints = int(field["No. Variables"]), int(field["No. Points"])
    start = lines.index("Variables:") + 1
    names = [lines[start + i].split()[1] for i in range(nvars)]
    data = np.memmap(path, dtype="<f8", mode="r", offset=marker + len(b"Binary:\n"), shape=(npoints, nvars))
    return names, data


def oscillation(t, waves):
    """Largest (swing, name, mid-rail crossings) over the second half of the run.

    Only the second half counts: the first part includes the settling from the
    initial condition, which can swing a node without any oscillation.  A
    node counts as oscillating if it swings > SWING_MIN_V and crosses its
    mid-level repeatedly.
    """
    late = t >= t[-1] / 2
    best = (0.0, None, 0)
    for name, wave in waves:
        w = np.asarray(wave)[late]
        if w.size < 3:
            continue
        lo, hi = float(w.min()), float(w.max())
        mid = (lo + hi) / 2
        crossings = int(np.count_nonzero(np.diff(np.sign(w - mid)) != 0))
        if (hi - lo, crossings) > best[::2]:
            best = (hi - lo, name, crossings)
    return best


def oscillates(result):
    swing, _, crossings = result
    return swing > SWING_MIN_V and crossings >= 4


def read_h5(path):
    """Stored point count and, per voltage vector, its waveform (h5py only)."""
    import h5py  # imported here so --ngspice-only works without h5py

    with h5py.File(path, "r") as f:
        run = f.get(f"runs/{RUN_ID}")
        if run is None:
            raise SetupError(f"{path} has no /runs/{RUN_ID}")
        status = run.attrs.get("status", "")
        status = status.decode() if isinstance(status, bytes) else str(status)
        time = run["time"][()]
        waves = []
        for cref, grp in run["vectors"].items():
            ds = grp["data"]
            unit = ds.attrs.get("unit", "")
            unit = unit.decode() if isinstance(unit, bytes) else str(unit)
            # Currents (e.g. the vdd branch) are not voltages; keep anything
            # that is a voltage, or unlabelled, as a candidate.
            if unit in ("V", "") or cref.endswith(".v"):
                waves.append((cref, ds[()]))
    return status, time, waves


# --- main ------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build", help="CMake build dir holding bin/wavebench-run")
    p.add_argument("--out", default="bench/out", help="where netlists and outputs go")
    p.add_argument("--stages", type=int, default=101, help="ring oscillator stages (odd)")
    p.add_argument("--rc-nodes", type=int, default=1000, help="RC ladder sections")
    p.add_argument("--repeat", type=int, default=1, help="runs per measurement; best wall time is kept")
    p.add_argument("--ngspice-only", action="store_true", help="measure only ngspice (no wavebench-run needed)")
    p.add_argument("--keep", action="store_true", help="keep .raw/.h5 outputs (they reach hundreds of MB)")
    args = p.parse_args()

    if args.stages < 3 or args.stages % 2 == 0:
        p.error("--stages must be odd and >= 3 (an even ring latches instead of oscillating)")
    if args.rc_nodes < 1 or args.repeat < 1:
        p.error("--rc-nodes and --repeat must be >= 1")

    cli = os.path.abspath(os.path.join(args.build, "bin", "wavebench-run"))
    ngspice = shutil.which("ngspice")
    missing = []
    if not os.access("/usr/bin/time", os.X_OK):
        missing.append("/usr/bin/time (Debian package 'time')")
    if not ngspice:
        missing.append("ngspice on PATH (Debian package 'ngspice')")
    if not args.ngspice_only and not os.access(cli, os.X_OK):
        missing.append(f"{cli} (build it first: make build, or pass --build DIR; "
                       f"--ngspice-only measures just ngspice)")
    if missing:
        print("bench_stream: cannot run, missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    rows, problems = [], []

    for name, generator, base_tstop, size_opt in CIRCUITS:
        for factor in (1, 2):
            tstop = base_tstop * factor
            stem = f"{name}_{eng(tstop)}"
            netlist = os.path.join(out, stem + ".cir")
            with open(netlist, "w") as fh:
                fh.write(generator(getattr(args, size_opt), tstop))
            raw, h5 = os.path.join(out, stem + ".raw"), os.path.join(out, stem + ".h5")
            row = {"circuit": name, "tstop": tstop}
            print(f"running {stem} ...", file=sys.stderr, flush=True)

            row["ng_wall"], row["ng_rss"] = measure([ngspice, "-b", "-r", raw, netlist], out,
                                                    stem + ".ngspice", args.repeat)
            names, data = read_raw(raw)
            row["ng_points"] = data.shape[0]
            if name == "ring":
                volts = [(n, data[:, i]) for i, n in enumerate(names) if n.startswith("v(")]
                row["ng_osc"] = oscillation(data[:, 0], volts)
                if not oscillates(row["ng_osc"]):
                    problems.append(f"{stem}: ngspice's ring does not oscillate {row['ng_osc']}")
            del data  # release the memmap before deleting the file
            if not args.keep:
                os.remove(raw)

            if not args.ngspice_only:
                # A fresh file each time: the CLI appends runs, and an existing
                # run id or a grown file would change what is measured.
                def fresh(path=h5):
                    if os.path.exists(path):
                        os.remove(path)

                row["wb_wall"], row["wb_rss"] = measure([cli, netlist, "--out", h5, "--run-id", RUN_ID], out,
                                                        stem + ".wavebench", args.repeat, before=fresh)
                status, time, waves = read_h5(h5)
                row["wb_points"] = len(time)
                if status != "ok":
                    problems.append(f"{stem}: wavebench run status is {status!r}, expected 'ok'")
                if name == "ring":
                    row["wb_osc"] = oscillation(time, waves)
                    if not oscillates(row["wb_osc"]):
                        problems.append(f"{stem}: stored ring waveforms do not oscillate "
                                        f"(best swing {row['wb_osc'][0]:.3f} V)")
                del time, waves
                if not args.keep:
                    os.remove(h5)
            rows.append(row)

    report(rows, args.ngspice_only, problems)
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    return 0


def report(rows, ngspice_only, problems):
    def cell(row, key, fmt):
        return format(row[key], fmt) if key in row else "-"

    print()
    header = ("circuit", "tstop", "ngspice wall s", "wavebench wall s", "wall ratio",
              "ngspice RSS MB", "wavebench RSS MB", "RSS delta MB")
    print("  ".join(f"{h:>16}" if i > 1 else f"{h:<8}" for i, h in enumerate(header)))
    for r in rows:
        if "wb_wall" in r:
            r["ratio"] = r["wb_wall"] / r["ng_wall"] if r["ng_wall"] > 0 else math.inf
            r["delta"] = r["wb_rss"] - r["ng_rss"]
        cells = (r["circuit"], eng(r["tstop"]), cell(r, "ng_wall", ".2f"), cell(r, "wb_wall", ".2f"),
                 cell(r, "ratio", ".3f"), cell(r, "ng_rss", ".1f"), cell(r, "wb_rss", ".1f"), cell(r, "delta", "+.1f"))
        print("  ".join(f"{c:>16}" if i > 1 else f"{c:<8}" for i, c in enumerate(cells)))

    print("\npoints stored")
    for r in rows:
        line = f"  {r['circuit']:<8} {eng(r['tstop']):>6}: ngspice rawfile {r['ng_points']}"
        if "wb_points" in r:
            line += f", wavebench /runs/{RUN_ID}/time {r['wb_points']}"
            if r["wb_points"] != r["ng_points"]:
                line += "  (differs: the comparison is not like for like)"
        print(line)

    print("\nring oscillation (largest swing over the second half of the run)")
    for r in rows:
        for key, who in (("ng_osc", "ngspice  "), ("wb_osc", "wavebench")):
            if key in r:
                swing, node, crossings = r[key]
                verdict = "PASS" if oscillates(r[key]) else "FAIL"
                print(f"  {verdict}  {who} {eng(r['tstop']):>6}: {node} swings {swing:.3f} V "
                      f"(> {SWING_MIN_V} V needed), {crossings} mid-level crossings")

    if ngspice_only:
        print("\n(--ngspice-only: wavebench targets not evaluated)")
        return

    print("\ntargets")
    for r in rows:
        ok = r["ratio"] <= WALL_RATIO_MAX
        print(f"  {'PASS' if ok else 'FAIL'}  {r['circuit']:<8} {eng(r['tstop']):>6}: wall ratio "
              f"{r['ratio']:.3f} <= {WALL_RATIO_MAX}")
        if not ok:
            problems.append(f"{r['circuit']} {eng(r['tstop'])}: wall ratio {r['ratio']:.3f} > {WALL_RATIO_MAX}")
    for r in rows:
        ok = r["delta"] <= RSS_SLACK_MB
        print(f"  {'PASS' if ok else 'FAIL'}  {r['circuit']:<8} {eng(r['tstop']):>6}: RSS {r['wb_rss']:.1f} MB "
              f"<= batch {r['ng_rss']:.1f} + {RSS_SLACK_MB:.0f} MB")
        if not ok:
            problems.append(f"{r['circuit']} {eng(r['tstop'])}: RSS {r['delta']:+.1f} MB over batch")
    # Reported, not judged: streaming should keep this near zero, while a
    # writer that buffers the run grows roughly with the number of points.
    by_circuit = {}
    for r in rows:
        by_circuit.setdefault(r["circuit"], []).append(r)
    for name, (r1, r2) in ((n, rs) for n, rs in by_circuit.items() if len(rs) == 2):
        print(f"  info  {name:<8} RSS growth tstop -> 2*tstop: wavebench {r2['wb_rss'] - r1['wb_rss']:+.1f} MB "
              f"(ngspice {r2['ng_rss'] - r1['ng_rss']:+.1f} MB)")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SetupError as exc:
        print(f"bench_stream: {exc}", file=sys.stderr)
        sys.exit(2)
