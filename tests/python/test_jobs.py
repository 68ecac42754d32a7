#!/usr/bin/python3
"""A job run by the CLI reads back from Python as a table of measurements over runs.

    /usr/bin/python3 tests/python/test_jobs.py --cli build/bin/wavebench-run \
        --spec tests/data/jobs/cli_corners.yaml --workdir /tmp/x
"""
import argparse
import math
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from wavebench import job_table, read_measurements  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--spec", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    store = os.path.join(a.workdir, "jobs.h5")
    if os.path.exists(store):
        os.remove(store)
    done = subprocess.run([a.cli, "--job", a.spec, "--out", store], capture_output=True, text=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS  " if ok else "FAIL  ") + what)
        passed, failed = passed + ok, failed + (not ok)

    check(done.returncode == 0, f"the job runs (exit {done.returncode}) {done.stderr.strip()[:200]}")
    table = job_table(store, "cli_corners")
    check(len(table) == 6 and set(table["status"]) == {"ok"}, f"{len(table)} runs, all ok")
    check(sorted(set(table["corner"])) == ["ff", "tt"], "both corners are there")
    tt0 = table[(table.corner == "tt") & (table.sweep_index == 0)].iloc[0]
    rc = 1e3 * 1e-9
    check(abs(tt0["tdelay"] - rc * math.log(2)) / (rc * math.log(2)) < 0.01,
          f"tt, first point: tdelay {tt0['tdelay']:.4g} s = RC ln 2 within 1 %")
    ff0 = table[(table.corner == "ff") & (table.sweep_index == 0)].iloc[0]
    check(ff0["tdelay"] < tt0["tdelay"], "the ff corner is faster than tt")
    check(read_measurements(store, tt0["run_id"])["tdelay"] == tt0["tdelay"],
          "read_measurements agrees with the table")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
