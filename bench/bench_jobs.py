#!/usr/bin/python3
"""Jobs against the simulator: a Monte Carlo job of the GF180 OTA (resources/examples/
gf180_ota_mc: 5 BSIM4 transistors, mismatch on, AC 91 points) run by `wavebench-run job`
on 1 and on N engines, against the same points run as separate `ngspice -b -r` processes
(one after another, and N at a time), and the store's bytes against ngspice's raw files; then a simulation-bound job (a ring
oscillator sweep) on 1 and N engines.

The baseline runs exactly what each run was given: the point netlists (.options seed=k,
absolute include paths) are read back from the store's inputs/netlist. Times are the best
of --repeat; CPU is user+sys of every process (wavebench-run and its engines, or the
ngspice processes).

    /usr/bin/python3 bench/bench_jobs.py --build build [--points 40] [--jobs 2] [--repeat 3]

Needs ../shared (the GF180 PDK); says so and exits 0 without it.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "resources", "examples", "gf180_ota_mc")
PDK = os.path.join(ROOT, "..", "shared", "asdl-examples", "ASDL", "examples", "pdks",
                   "gf180mcu", "ngspice")


def timed(commands, parallel=1):
    """Runs the commands, `parallel` at a time; (wall s, cpu s of the children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    running = []
    pending = list(commands)
    while pending or running:
        while pending and len(running) < parallel:
            running.append(subprocess.Popen(pending.pop(0), stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        running[0].wait()
        if running[0].returncode != 0:
            raise SystemExit(f"failed: {' '.join(running[0].args)}")
        running.pop(0)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(runs):
    return min(runs, key=lambda r: r[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.path.isdir(PDK):
        print(f"bench_jobs: skipped: the GF180 PDK is not at {os.path.normpath(PDK)} "
              "(../shared is missing)")
        return 0
    cli = os.path.abspath(os.path.join(args.build, "bin", "wavebench-run"))
    work = tempfile.mkdtemp(prefix="bench_jobs.")
    spec = os.path.join(work, "ota_mc.yaml")
    with open(spec, "w") as f:
        f.write(f"name: ota_mc\nnetlist: {EXAMPLE}/tb_ota_mc.spice\n"
                f"montecarlo: {{count: {args.points}, seed: 1}}\n")

    def job(workers, store):
        for leftover in (store, store + ".parts"):
            shutil.rmtree(leftover, ignore_errors=True) if os.path.isdir(leftover) else (
                os.path.exists(leftover) and os.remove(leftover))
        return [cli, "job", spec, "--out", store, "--jobs", str(workers), "--quiet"]

    store1 = os.path.join(work, "j1.h5")
    storeN = os.path.join(work, f"j{args.jobs}.h5")
    one = best([timed([job(1, store1)]) for _ in range(args.repeat)])
    many = best([timed([job(args.jobs, storeN)]) for _ in range(args.repeat)])

    # The baseline: each point's own netlist, as the store recorded it.
    points = []
    with h5py.File(store1, "r") as f:
        for run_id in sorted(f["runs"]):
            path = os.path.join(work, f"{run_id}.cir")
            with open(path, "wb") as out:
                out.write(f["runs"][run_id]["inputs"]["netlist"][()])
            points.append(path)
    raws = [p[:-4] + ".raw" for p in points]
    batch = [["ngspice", "-b", "-r", raw, p] for p, raw in zip(points, raws)]
    serial = best([timed(batch) for _ in range(args.repeat)])
    parallel = best([timed(batch, args.jobs) for _ in range(args.repeat)])
    raw_bytes = sum(os.path.getsize(r) for r in raws)
    store_bytes = os.path.getsize(store1)

    n = len(points)
    print(f"GF180 OTA Monte Carlo, {n} points (AC, 91 frequencies), best of {args.repeat}, "
          f"{os.cpu_count()} cores")
    print(f"  {n} x ngspice -b -r, one at a time   {serial[0]:7.2f} s wall {serial[1]:7.2f} s cpu"
          f"   {1000 * serial[0] / n:6.1f} ms/point")
    print(f"  wavebench-run job --jobs 1           {one[0]:7.2f} s wall {one[1]:7.2f} s cpu"
          f"   {1000 * one[0] / n:6.1f} ms/point   {one[0] / serial[0]:.3f}x ngspice (wall), "
          f"{one[1] / serial[1]:.3f}x (cpu)")
    print(f"  {n} x ngspice -b -r, {args.jobs} at a time     {parallel[0]:7.2f} s wall "
          f"{parallel[1]:7.2f} s cpu")
    print(f"  wavebench-run job --jobs {args.jobs}           {many[0]:7.2f} s wall {many[1]:7.2f} s"
          f" cpu   {many[0] / one[0]:.3f}x --jobs 1, {many[0] / parallel[0]:.3f}x ngspice "
          f"{args.jobs} at a time")
    print(f"  store {store_bytes / 1e6:8.2f} MB   ngspice raw files {raw_bytes / 1e6:8.2f} MB   "
          f"{store_bytes / raw_bytes:.2f}x")

    # A simulation-bound job beside it: 6 points of a 21-stage ring, ~1 s each, where the
    # points' load (the OTA's 1.3 MB PDK library, which two cores of this machine read no
    # faster than one) does not dominate.
    ring = os.path.join(work, "ring.yaml")
    with open(ring, "w") as f:
        f.write(f"name: ring\nnetlist: {ROOT}/tests/data/jobs/ring_job.cir\n"
                "analysis: {type: tran, step: 10p, stop: 300n}\n"
                "sweeps:\n  - {param: vddval, values: [1.6, 1.7, 1.8, 1.9, 2.0, 2.1]}\n")

    def ring_job(workers):
        store = os.path.join(work, f"ring{workers}.h5")
        shutil.rmtree(store + ".parts", ignore_errors=True)
        if os.path.exists(store):
            os.remove(store)
        return [cli, "job", ring, "--out", store, "--jobs", str(workers), "--quiet"]

    ring1 = best([timed([ring_job(1)]) for _ in range(args.repeat)])
    ringN = best([timed([ring_job(args.jobs)]) for _ in range(args.repeat)])
    print(f"21-stage ring, 6 sweep points (simulation-bound): --jobs 1 {ring1[0]:.2f} s, "
          f"--jobs {args.jobs} {ringN[0]:.2f} s wall: {ringN[0] / ring1[0]:.3f}x")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
