#!/usr/bin/python3
"""Headless cost of wavebench-run against `ngspice -b -r` (issue 11, items 3 and 4).

    /usr/bin/python3 bench/bench_headless.py [--build build] [--out bench/out/headless]
        [--repeat 3] [--ota resources/examples/gf180_ota_mc/ota_mc.yaml]

Prints, best of --repeat (wall, CPU) and max (RSS):
  1. peak RSS of each process for the 101-stage ring (400n, 800n) and the 1000-node RC
     ladder (10n, 20u): the front end (`wavebench-run`, its VmHWM polled every 5 ms), the
     engine child (`wavebench-engine`, run under /usr/bin/time through WAVEBENCH_ENGINE,
     so its figure is exact) and `ngspice -b -r`. The issue's "<= batch + 40 MB" is judged
     on the engine: it is the process that simulates and writes, as ngspice -b does; the
     front end only plans the run and waits;
  2. the ladder's wall and CPU ratio against `ngspice -b -r` (target <= 1.05 x wall);
  3. the writer's setup of a run with 1000 vectors (build/bin/bench_store_setup;
     target <= 50 ms) and its commit;
  4. store bytes against ngspice's raw file bytes: the GF180 OTA AC Monte Carlo job (if
     --ota names its job.yaml; 20 runs against 20 raw files) and the ladder's transient.
Netlists come from bench/bench_stream.py's generators. Exit 0 always once measured
(targets are printed PASS/FAIL); 2 when something it needs is missing.
"""
import argparse
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_stream  # noqa: E402

RSS_SLACK_MB = 40.0
WALL_RATIO_MAX = 1.05
SETUP_MS_MAX = 50.0


def time_v(report):
    text = open(report).read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text).group(1)) / 1024
    user = float(re.search(r"User time \(seconds\):\s*([\d.]+)", text).group(1))
    system = float(re.search(r"System time \(seconds\):\s*([\d.]+)", text).group(1))
    return rss, user + system


def run_ngspice(netlist, raw, workdir):
    report = os.path.join(workdir, "ngspice.time")
    t0 = time.monotonic()
    subprocess.run(["/usr/bin/time", "-v", "-o", report, "ngspice", "-b", "-r", raw, netlist],
                   cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.monotonic() - t0
    rss, cpu = time_v(report)
    return wall, cpu, rss


def run_wavebench(cli, args, workdir):
    """(wall s, CPU s of both processes, front-end peak MB, engine peak MB)."""
    report = os.path.join(workdir, "engine.time")
    wrapper = os.path.join(workdir, "engine.sh")
    engine = os.path.join(os.path.dirname(cli), "wavebench-engine")
    with open(wrapper, "w") as fh:
        fh.write(f'#!/bin/sh\nexec /usr/bin/time -v -o "{report}" "{engine}" "$@"\n')
    os.chmod(wrapper, 0o755)
    env = dict(os.environ, WAVEBENCH_ENGINE=wrapper)
    t0 = time.monotonic()
    proc = subprocess.Popen([cli] + args, cwd=workdir, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    front = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as fh:
                m = re.search(r"VmHWM:\s+(\d+)", fh.read())
            if m:
                front = max(front, int(m.group(1)))
        except OSError:
            pass
        time.sleep(0.005)
    wall = time.monotonic() - t0
    # RUSAGE_CHILDREN counts the engine too: it is reaped by the front end, which is ours.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join([cli] + args)} exited with {proc.returncode}")
    engine_rss, _ = time_v(report)
    return wall, after, front / 1024, engine_rss


def measure_wavebench(cli, args, workdir, repeat, store):
    best_wall, best_cpu, front, engine = math.inf, math.inf, 0.0, 0.0
    for _ in range(repeat):
        for path in (store, store + ".parts"):
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall, after, f, e = run_wavebench(cli, args, workdir)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
        front, engine = max(front, f), max(engine, e)
    return best_wall, best_cpu, front, engine


def measure_ngspice(netlist, raw, workdir, repeat):
    best_wall, best_cpu, rss = math.inf, math.inf, 0.0
    for _ in range(repeat):
        wall, cpu, r = run_ngspice(netlist, raw, workdir)
        best_wall, best_cpu, rss = min(best_wall, wall), min(best_cpu, cpu), max(rss, r)
    return best_wall, best_cpu, rss


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--out", default="bench/out/headless")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--ota", default="", help="the GF180 OTA Monte Carlo job.yaml (optional)")
    a = p.parse_args()
    cli = os.path.abspath(os.path.join(a.build, "bin", "wavebench-run"))
    setup = os.path.abspath(os.path.join(a.build, "bin", "bench_store_setup"))
    for need in (cli, setup, "/usr/bin/time"):
        if not os.access(need, os.X_OK):
            print(f"bench_headless: missing {need} (build it first)", file=sys.stderr)
            return 2
    if not shutil.which("ngspice"):
        print("bench_headless: ngspice is not on PATH", file=sys.stderr)
        return 2
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)

    cases = [("ring", bench_stream.ring_netlist, 101, t) for t in (400e-9, 800e-9)]
    cases += [("ladder", bench_stream.ladder_netlist, 1000, t) for t in (10e-9, 20e-6)]
    rows = []
    print("1. peak RSS (MB) and time, best of", a.repeat)
    print(f"{'circuit':8} {'tstop':>6} {'ngspice':>8} {'engine':>8} {'front':>8} {'eng-ng':>8}"
          f" {'ng wall':>8} {'wb wall':>8} {'ratio':>6} {'ng cpu':>7} {'wb cpu':>7}")
    for name, gen, size, tstop in cases:
        stem = f"{name}_{bench_stream.eng(tstop)}"
        netlist = os.path.join(out, stem + ".cir")
        with open(netlist, "w") as fh:
            fh.write(gen(size, tstop))
        raw, store = os.path.join(out, stem + ".raw"), os.path.join(out, stem + ".h5")
        ng = measure_ngspice(netlist, raw, out, a.repeat)
        wb = measure_wavebench(cli, [netlist, "--out", store, "--run-id", "bench"], out, a.repeat,
                               store)
        row = dict(name=name, tstop=tstop, ng=ng, wb=wb, raw=os.path.getsize(raw),
                   store=os.path.getsize(store))
        rows.append(row)
        print(f"{name:8} {bench_stream.eng(tstop):>6} {ng[2]:8.1f} {wb[3]:8.1f} {wb[2]:8.1f} "
              f"{wb[3] - ng[2]:+8.1f} {ng[0]:8.2f} {wb[0]:8.2f} {wb[0] / ng[0]:6.2f} {ng[1]:7.2f} "
              f"{wb[1]:7.2f}")
        os.remove(raw)
        os.remove(store)
    print("   (engine: wavebench-engine's max RSS, exact; front: wavebench-run's VmHWM, polled;"
          " wb cpu: both processes)")
    for r in rows:
        ok = r["wb"][3] - r["ng"][2] <= RSS_SLACK_MB
        print(f"   {'PASS' if ok else 'FAIL'}  {r['name']} {bench_stream.eng(r['tstop'])}: engine "
              f"{r['wb'][3]:.1f} MB <= ngspice {r['ng'][2]:.1f} + {RSS_SLACK_MB:.0f} MB")
    for name in ("ring", "ladder"):
        pair = [r for r in rows if r["name"] == name]
        print(f"   info  {name}: engine RSS growth with tstop {pair[1]['wb'][3] - pair[0]['wb'][3]:+.1f} MB")

    print("\n2. ladder wall against ngspice -b -r")
    for r in rows:
        if r["name"] == "ladder":
            ratio = r["wb"][0] / r["ng"][0]
            print(f"   {'PASS' if ratio <= WALL_RATIO_MAX else 'FAIL'}  {bench_stream.eng(r['tstop'])}: "
                  f"wall {ratio:.2f} x (cpu {r['wb'][1] / max(r['ng'][1], 1e-3):.2f} x)")

    print("\n3. writer setup by vectors (bench_store_setup, best of 5)")
    done = subprocess.run([setup, "--vectors", "10,100,1000", "--repeat", "5", "--dir", out],
                          capture_output=True, text=True, check=True)
    print("   " + done.stdout.strip().replace("\n", "\n   "))
    last = done.stdout.strip().splitlines()[-1].split()
    setup_ms = float(last[1]) + float(last[2])
    print(f"   {'PASS' if setup_ms <= SETUP_MS_MAX else 'FAIL'}  1000 vectors: createRun + beginPlot "
          f"{setup_ms:.1f} ms <= {SETUP_MS_MAX:.0f} ms")

    print("\n4. store bytes against ngspice raw bytes")
    for r in rows:
        print(f"   {r['name']} {bench_stream.eng(r['tstop'])}: store {r['store']} B, raw {r['raw']} B, "
              f"{r['store'] / r['raw']:.2f} x")
    if a.ota and os.path.exists(a.ota):
        store = os.path.join(out, "ota.h5")
        for path in (store, store + ".parts"):
            if os.path.isdir(path):
                shutil.rmtree(path)
            elif os.path.exists(path):
                os.remove(path)
        subprocess.run([cli, "--job", a.ota, "--out", store], cwd=out, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        netlist = os.path.join(os.path.dirname(os.path.abspath(a.ota)), "tb.spice")
        raw = os.path.join(out, "ota.raw")
        subprocess.run(["ngspice", "-b", "-r", raw, netlist], cwd=out, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True)
        runs = 20
        print(f"   GF180 OTA AC job, {runs} runs: store {os.path.getsize(store)} B, "
              f"{runs} x raw {os.path.getsize(raw)} B = {runs * os.path.getsize(raw)} B, "
              f"{os.path.getsize(store) / (runs * os.path.getsize(raw)):.2f} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
