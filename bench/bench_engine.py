#!/usr/bin/python3
"""What running ngspice in a wavebench-engine process costs: wall time of
`wavebench-run run NETLIST` (the engine process, the default) against
`wavebench-run run NETLIST --in-process`, on bench_stream.py's circuits.

    /usr/bin/python3 bench/bench_engine.py [--build build] [--out bench/out] [--repeat 5]

The two forms run alternately, --repeat times each, and the median wall time of each is
compared: target engine / in-process <= 1.02. The CPU time of each (the engine process
included) is printed too: on a loaded machine it says more than the wall time. Both write the same store layout; the engine
process sends every sample block over a pipe as well, for the front end's live plots.
Exit status: 0 target met, 1 missed, 2 setup error.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_stream import CIRCUITS, eng  # noqa: E402

RATIO_MAX = 1.02


def measure(cmd):
    """Wall seconds, and CPU seconds of the command and its children (the engine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default="build")
    p.add_argument("--out", default="bench/out")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--stages", type=int, default=101, help="ring oscillator stages (odd)")
    p.add_argument("--rc-nodes", type=int, default=1000, help="RC ladder sections")
    a = p.parse_args()
    cli = os.path.abspath(os.path.join(a.build, "bin", "wavebench-run"))
    if not os.access(cli, os.X_OK):
        print(f"bench_engine: {cli} is not built (make build)", file=sys.stderr)
        return 2
    out = os.path.abspath(a.out)
    os.makedirs(out, exist_ok=True)
    print(f"{'circuit':<16}{'in-process s':>14}{'engine s':>10}{'wall ratio':>12}"
          f"{'cpu in-proc s':>15}{'cpu engine s':>14}{'cpu ratio':>11}")
    worst = 0.0
    sizes = {"stages": a.stages, "rc_nodes": a.rc_nodes}
    for name, generator, tstop, size_opt in CIRCUITS:
        size = sizes[size_opt]
        netlist = os.path.join(out, f"engine_{name}_{eng(tstop)}.cir")
        with open(netlist, "w") as f:
            f.write(generator(size, tstop))
        times = {"in-process": [], "engine": []}
        cpus = {"in-process": [], "engine": []}
        for i in range(a.repeat):
            for form, extra in (("in-process", ["--in-process"]), ("engine", [])):
                store = os.path.join(out, f"engine_{name}_{form}_{i}.h5")
                if os.path.exists(store):
                    os.remove(store)
                elapsed, cpu = measure([cli, "run", netlist, "--out", store, "-q", *extra])
                times[form].append(elapsed)
                cpus[form].append(cpu)
                os.remove(store)
        inside = statistics.median(times["in-process"])
        engine = statistics.median(times["engine"])
        ratio = engine / inside
        worst = max(worst, ratio)
        cpu_in = statistics.median(cpus["in-process"])
        cpu_engine = statistics.median(cpus["engine"])
        print(f"{name + ' ' + eng(tstop):<16}{inside:>14.3f}{engine:>10.3f}{ratio:>12.3f}"
              f"{cpu_in:>15.3f}{cpu_engine:>14.3f}{cpu_engine / cpu_in:>11.3f}")
    print(f"worst ratio {worst:.3f} (target <= {RATIO_MAX})")
    return 0 if worst <= RATIO_MAX else 1


if __name__ == "__main__":
    sys.exit(main())
