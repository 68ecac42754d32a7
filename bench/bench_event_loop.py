#!/usr/bin/python3
"""The GUI event loop's stalls during a live ring101 run (bench_stream.py's 101-stage CMOS ring,
400 ns), in a MainWindow offscreen with a few probes: bench_event_loop (C++) prints the p50,
p99 and max lateness of a 1 ms timer while the run streams into the plots.

    /usr/bin/python3 bench/bench_event_loop.py --build build [--stages 101] [--tstop 400n]
"""
import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_stream", os.path.join(here, "bench_stream.py"))
bench_stream = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_stream)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(here, "..", "build"))
    p.add_argument("--stages", type=int, default=101)
    p.add_argument("--tstop", type=float, default=400e-9)
    args = p.parse_args()
    build = os.path.abspath(args.build)
    with tempfile.TemporaryDirectory() as work:
        netlist = os.path.join(work, f"ring{args.stages}.cir")
        with open(netlist, "w") as f:
            f.write(bench_stream.ring_netlist(args.stages, args.tstop))
        probes = []
        for node in (1, args.stages // 2, args.stages):
            probes += ["--probe", f"top.nodes.n{node}.v"]
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=work)
        return subprocess.run([os.path.join(build, "bin", "bench_event_loop"), netlist,
                               *probes], env=env, cwd=work).returncode


if __name__ == "__main__":
    sys.exit(main())
