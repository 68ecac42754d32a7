#!/usr/bin/python3
"""`wavebench-run A B C ... --out S.h5`: several netlists in one process and one engine, in
order, each its own run. Each run equals, bit for bit, the same netlist run alone by its own
wavebench-run process; a netlist that fails does not stop the ones after it; the exit status
is the worst run's.

    /usr/bin/python3 tests/app/test_cli_batch.py --cli build/bin/wavebench-run --root . \
        --workdir /tmp/x
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary  # noqa: E402

TIMEOUT_S = 300

def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def run_contents(store, run_id):
    """What a run stored that must not depend on what ran before it in the process."""
    with h5py.File(store, "r") as f:
        group = f["runs"][run_id]
        attrs = {k: group.attrs[k] for k in ("status", "message", "analysis", "coordinate")}
        arrays = {}
        if "time" in group:
            arrays["time"] = group["time"][()]
        for cref in group.get("vectors", {}):
            arrays["vectors/" + cref] = group["vectors"][cref]["data"][()]
        measures = {}
        for name, dataset in group.get("measurements", {}).items():
            measures[name] = (dataset[()], dataset.attrs.get("message", ""))
        log = group["logs"]["ngspice.txt"][()].decode() if "logs" in group else ""
        probes = [line for line in log.splitlines() if "probe:" in line]
        return attrs, arrays, measures, probes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    data = os.path.join(a.root, "tests", "data")
    work = lambda name: os.path.join(a.workdir, name)  # noqa: E731

    def cli(*args):
        done = subprocess.run([a.cli, *args], capture_output=True, text=True, timeout=TIMEOUT_S)
        return done.returncode, done.stdout, done.stderr

    # rc_mc draws agauss() without a seed, which differs from one process to the next; a
    # seed makes it comparable across processes.
    seeded = work("rc_mc_seeded.cir")
    with open(os.path.join(data, "jobs", "rc_mc.cir")) as f:
        lines = f.read().splitlines(True)
    with open(seeded, "w") as f:
        f.write(lines[0] + ".options seed=1234\n" + "".join(lines[1:]))

    # The reported order (the ASDL OTA example, then a netlist with measures), options and
    # .control variables that must not reach the next run, a failing netlist in the middle.
    batch = [
        ("ota", os.path.join(a.root, "resources", "examples", "ota_asdl", "tb_ota.asdl")),
        ("rc_mc", seeded),
        ("leaky", os.path.join(data, "clean", "leaky_state.cir")),
        ("probe", os.path.join(data, "clean", "probe_state.cir")),
        ("broken", os.path.join(data, "broken.cir")),
        ("rc_step", os.path.join(data, "rc_step.cir")),
        ("rc_mc_again", seeded),
    ]

    for label, path in batch:
        code, out, err = cli(path, "--out", work(f"alone_{label}.h5"), "--run-id", label, "-q")
        check(code == (1 if label == "broken" else 0), f"{label} alone: exit {code}",
              f"  {out}\n  {err[-600:]}")

    store = work("batch.h5")
    args = [path for _, path in batch] + ["--out", store, "-q"]
    for label, _ in batch:
        args += ["--run-id", label]
    code, out, err = cli(*args)
    check(code == 1, f"the batch exits 1 (one netlist failed): exit {code}", err[-800:])
    run_lines = [line for line in out.splitlines() if line.startswith("run ")]
    check([line.split(":")[0] for line in run_lines] == [f"run {label}" for label, _ in batch],
          "one line per run, in the order given", out)
    check("7 netlists: 6 ok, 1 failed, 0 missing, 0 interrupted, 0 not run" in out,
          "the summary counts the runs", out)
    check("broken.cir" in err and "unknown subckt" in err,
          "the failing netlist's message names it", err[-800:])
    with h5py.File(store, "r") as f:
        ids = list(f["runs"])
    check(sorted(ids) == sorted(label for label, _ in batch), f"each netlist is a run: {ids}")

    for label, _ in batch:
        alone = run_contents(work(f"alone_{label}.h5"), label)
        after = run_contents(store, label)
        problems = []
        if alone[0] != after[0]:
            problems.append(f"attributes {after[0]} != alone {alone[0]}")
        if sorted(alone[1]) != sorted(after[1]):
            problems.append(f"datasets differ: {sorted(set(alone[1]) ^ set(after[1]))[:5]}")
        problems += [f"{name} differs" for name in alone[1]
                     if name in after[1] and not same_bits(alone[1][name], after[1][name])]
        if sorted(alone[2]) != sorted(after[2]):
            problems.append(f"measurements {sorted(after[2])} != alone {sorted(alone[2])}")
        for name, (value, message) in alone[2].items():
            got = after[2].get(name)
            if got is not None and (not same_bits(got[0], value) or got[1] != message):
                problems.append(f"measurement {name}: {got} != alone {(value, message)}")
        if alone[3] != after[3]:
            problems.append(f"probe lines {after[3]} != alone {alone[3]}")
        check(not problems, f"{label} in the batch equals {label} alone", "\n  ".join(problems))
    measured = run_contents(store, "rc_mc")[2]
    check(measured and all(np.isfinite(v) for v, _ in measured.values()),
          f"rc_mc after the OTA example is measured: {measured}")

    # The worst status: ok and missing probes give 3; usage errors stop before any run.
    with open(work("ghost.json"), "w") as f:
        json.dump({"map": {"mine.ghost": "v(ghost)"}}, f)
    code, out, err = cli(os.path.join(data, "rc_step.cir"), os.path.join(data, "rc_step.cir"),
                         "--out", work("missing.h5"), "-q")
    check(code == 0, f"two ok runs: exit 0 (got {code})", err[-400:])
    code, out, err = cli(os.path.join(data, "rc_step.cir"), "--probe-map", work("ghost.json"),
                         os.path.join(data, "rc_step.cir"), "--out", work("missing.h5"), "-q")
    check(code == 3 and out.count(": missing,") == 2, f"missing probes: exit 3 (got {code})", out)
    code, out, err = cli(work("nosuch.cir"), os.path.join(data, "rc_step.cir"), "--out",
                         work("nosuch.h5"), "-q")
    check(code == 1 and "nosuch.cir: no such file" in err and ": ok," in out,
          f"a missing netlist fails and the next one runs (exit {code})", out + err)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
