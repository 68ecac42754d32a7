#!/usr/bin/python3
"""The first plot of one cref from the 1,000-node RC ladder's stored run (bench_stream.py's
ladder: 1,002 vectors, ~20k points), against reading the whole run: runs the ladder once with
wavebench-run into a store, then bench_stored_cref (C++) offscreen.

    /usr/bin/python3 bench/bench_stored_cref.py --build build [--sections 1000] [--repeat 5]
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
    p.add_argument("--sections", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as work:
        netlist = os.path.join(work, "ladder.cir")
        with open(netlist, "w") as f:
            f.write(bench_stream.ladder_netlist(args.sections, 20e-6))
        store = os.path.join(work, "ladder.h5")
        subprocess.run([os.path.join(args.build, "bin", "wavebench-run"), "run", netlist, "--out",
                        store, "--run-id", "ladder", "-q"], check=True)
        cref = f"top.nodes.n{args.sections // 2}.v"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return subprocess.run([os.path.join(args.build, "bin", "bench_stored_cref"), store,
                               "ladder", cref, "--repeat", str(args.repeat)], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
