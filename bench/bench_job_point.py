#!/usr/bin/python3
"""What one point of a job costs: `wavebench-run --job` (in-process and with the engine
process) against `ngspice -b -r` of the same point netlists, one process each.

    /usr/bin/python3 bench/bench_job_point.py [--build build] [--out bench/out] [--repeat 3]
                                              [--points 20]

Cases: a Monte Carlo of the GF180MCU OTA (mismatch on, one seed a point: ngspice reloads
its stored deck with setseed + reset), a sweep of the OTA's load capacitance with one seed
for all points (alterparam + reset), the same sweep without a seed (the PDK draws agauss(),
so every point loads afresh), and a sweep of tests/data/jobs/rc_job.cir (a transient with
measures). The OTA cases need the PDK in ../shared (skipped with a message when it is
absent). The point netlists for ngspice are the ones the job stored (inputs/netlist).

Per point: the wall and CPU time (user + sys, the engine process and ngspice included) of
the whole command divided by its points, and the marginal cost of a point (a job of N
points less a job of 1, over N - 1: what a point adds once the job has started), the best
of --repeat runs; on a loaded machine the CPU time says more. Target: the whole job's CPU
against ngspice's <= 1.1. Exit status: 0 met, 1 missed, 2 setup.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PDK = os.path.normpath(os.path.join(ROOT, "..", "shared", "asdl-examples", "ASDL", "examples",
                                    "pdks", "gf180mcu", "ngspice"))
RATIO_MAX = 1.1

OTA = """* 5-transistor OTA, GF180MCU 3.3 V devices, open-loop AC, mismatch on
.include {pdk}/design.ngspice
.lib {pdk}/sm141064.ngspice typical
.param sw_stat_mismatch=1
.param cload=1p
.subckt ota_nmos inp inn out vbn vdd vss
xmp_ref d d vdd vdd pfet_03v3 l=0.5u w=30u nf=6 m=3
xmp_cs out d vdd vdd pfet_03v3 l=0.5u w=30u nf=6 m=3
xmn_in_p d inp tail vss nfet_03v3 l=0.5u w=30u nf=6
xmn_in_n out inn tail vss nfet_03v3 l=0.5u w=30u nf=6
xmn_tail tail vbn vss vss nfet_03v3 l=0.5u w=30u nf=6 m=2
xmn_diode vbn vbn vss vss nfet_03v3 l=0.5u w=30u nf=6
.ends ota_nmos
xota inp 0 out vbn vdd 0 ota_nmos
vdd vdd 0 3.3
vinp inp 0 dc 1.5 ac 1
iref vdd vbn 100u
cl out 0 {{cload}}
.ac dec 10 1 1g
.end
"""


def values(points, start, step, unit):
    return "[" + ", ".join(f"{start + k * step:g}{unit}" for k in range(points)) + "]"


def cases(out):
    """(name, netlist file, job YAML body for n points) of every case that can run here."""
    found = []
    if os.path.isfile(os.path.join(PDK, "sm141064.ngspice")):
        tb = os.path.join(out, "ota_tb.spice")
        with open(tb, "w") as f:
            f.write(OTA.format(pdk=PDK))

        def sweep(n):
            return f"sweeps:\n  - {{param: cload, values: {values(n, 0.5, 0.1, 'p')}}}\n"
        found += [
            ("ota mc (setseed)", tb, lambda n: f"montecarlo: {{count: {n}, seed: 1}}\n"),
            ("ota sweep, seed", tb, lambda n: "montecarlo: {count: 1, seed: 1}\n" + sweep(n)),
            ("ota sweep, no seed", tb, sweep),
        ]
    else:
        print(f"bench_job_point: the GF180MCU PDK is not in {PDK} (../shared is absent): "
              "the OTA cases are skipped", file=sys.stderr)
    rc = os.path.join(out, "rc_job.cir")
    shutil.copy(os.path.join(ROOT, "tests", "data", "jobs", "rc_job.cir"), rc)
    found.append(("rc_job sweep", rc,
                  lambda n: f"sweeps:\n  - {{param: rval, values: {values(n, 1, 0.1, 'k')}}}\n"))
    return found


def measure(cmd, cwd):
    """Wall seconds and CPU seconds of the command and its children (engine, ngspice)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-400:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def point_netlists(store, out):
    """The netlist of every run of the store, as the job ran it, one file each."""
    import h5py
    files = []
    with h5py.File(store, "r") as f:
        for run in sorted(f["runs"]):
            text = f["runs"][run]["inputs"]["netlist"][()]
            path = os.path.join(out, run + ".cir")
            with open(path, "wb") as g:
                g.write(text if isinstance(text, bytes) else text.encode())
            files.append(path)
    return files


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)


def best(runs):
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--out", default="bench/out")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--points", type=int, default=20)
    a = p.parse_args()
    cli = os.path.abspath(os.path.join(a.build, "bin", "wavebench-run"))
    ngspice = shutil.which("ngspice")
    if not os.access(cli, os.X_OK) or not ngspice:
        print(f"bench_job_point: needs {cli} (make build) and ngspice on PATH", file=sys.stderr)
        return 2
    out = os.path.abspath(os.path.join(a.out, "job_point"))
    os.makedirs(out, exist_ok=True)
    help_text = subprocess.run([cli, "job", "--help"], capture_output=True, text=True).stdout
    jobs_flag = ["--jobs", "1"] if "--jobs" in help_text else []
    print(f"{a.points} points a case, best of {a.repeat}; ms a point. job: the whole job "
          f"over its points; marginal: (job of {a.points} - job of 1) / {a.points - 1}")
    print(f"{'case':<20}{'mode':<12}{'wall':>7}{'cpu':>7}{'wall/ng':>8}{'cpu/ng':>7}"
          f"{'marg wall':>10}{'marg cpu':>9}{'m cpu/ng':>9}")
    worst = 0.0
    for name, netlist, body in cases(out):
        spec = os.path.join(out, "job.yaml")
        store = os.path.join(out, "bench.h5")

        def job(n, extra):
            with open(spec, "w") as f:
                f.write(f"name: bench\nnetlist: {netlist}\nstore: bench.h5\n{body(n)}")
            runs = []
            for _ in range(a.repeat):
                remove(store)
                remove(store + ".parts")
                runs.append(measure([cli, "job", spec, "--out", store, "-q"] + jobs_flag + extra,
                                    out))
            return best(runs)
        timings, marginal = {}, {}
        for mode, extra in (("in-process", ["--in-process"]), ("engine", [])):
            one = job(1, extra)
            timings[mode] = job(a.points, extra)
            marginal[mode] = tuple((t - o) / (a.points - 1) * a.points
                                   for t, o in zip(timings[mode], one))
        points = point_netlists(store, out)
        raw = os.path.join(out, "point.raw")
        runs = []
        for _ in range(a.repeat):
            wall = cpu = 0.0
            for point in points:
                w, c = measure([ngspice, "-b", "-r", raw, point], out)
                wall, cpu = wall + w, cpu + c
            runs.append((wall, cpu))
        timings["ngspice -b"] = marginal["ngspice -b"] = best(runs)
        ng_wall, ng_cpu = timings["ngspice -b"]
        n = len(points)
        for mode, (wall, cpu) in timings.items():
            m_wall, m_cpu = marginal[mode]
            print(f"{name:<20}{mode:<12}{1e3 * wall / n:7.1f}{1e3 * cpu / n:7.1f}"
                  f"{wall / ng_wall:8.2f}{cpu / ng_cpu:7.2f}"
                  f"{1e3 * m_wall / n:10.1f}{1e3 * m_cpu / n:9.1f}{m_cpu / ng_cpu:9.2f}")
            if mode != "ngspice -b":
                worst = max(worst, cpu / ng_cpu)
    print(f"worst job/ngspice CPU ratio {worst:.2f} (target <= {RATIO_MAX})")
    return 0 if worst <= RATIO_MAX else 1


if __name__ == "__main__":
    sys.exit(main())
