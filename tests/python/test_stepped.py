#!/usr/bin/python3
"""Runs with steps inside (a .control loop, a .dc with two sources) open in xarray with a
step_index dimension, through h5netcdf and through our reader.

    /usr/bin/python3 tests/python/test_stepped.py --cli build/bin/wavebench-run \
        --data tests/data/stepped --workdir /tmp/x
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from wavebench import list_runs, open_xarray  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    store = os.path.join(a.workdir, "stepped.h5")
    if os.path.exists(store):
        os.remove(store)
    for netlist, run_id in [("rc_loop.cir", "loop"), ("nmos_dc2.cir", "dc2"),
                            ("divider_temp.cir", "temps")]:
        subprocess.run([a.cli, os.path.join(a.data, netlist), "--out", store, "--run-id", run_id,
                        "--quiet"], check=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS  " if ok else "FAIL  ") + what)
        passed, failed = passed + bool(ok), failed + (not ok)

    loop = xr.open_dataset(store, group="runs/loop", engine="h5netcdf")
    out = loop["top.nodes.out.v"]
    check(out.dims == ("step_index", "point") and loop.sizes["step_index"] == 3,
          f"h5netcdf: a .control loop is one run over step_index ({out.dims})")
    check("time" in out.coords and out.coords["time"].dims == ("step_index", "point"),
          "each step has its own time axis, a 2-D coordinate")
    check(list(loop["rv"].values) == [1e3, 2e3, 4e3] and "rv" in out.coords,
          "the foreach variable labels the steps")
    for k, r in enumerate(loop["rv"].values):
        t = loop["time"].isel(step_index=k).values
        v = out.isel(step_index=k).values
        keep = ~np.isnan(t)
        tau = r * 1e-6
        got = np.interp(tau, t[keep], v[keep])
        check(abs(got - (1 - np.exp(-1))) < 0.005, f"step {k}: v(out) at RC = {got:.4f}")
    ours = open_xarray(store, "loop")
    check(ours["t"].dims == ("step_index", "point") and ours["t"].attrs["name"] == "time"
          and np.array_equal(ours["top.nodes.out.v"].values, out.values, equal_nan=True),
          "open_xarray: same values, t is the 2-D time")

    dc = xr.open_dataset(store, group="runs/dc2", engine="h5netcdf")
    d = dc["top.nodes.d.v"]
    check(d.dims == ("step_index", "vd") and "vg" in d.coords,
          f"h5netcdf: two-source .dc over (step_index, vd), vg along the steps ({d.dims})")
    check(np.allclose(dc["top.nodes.g.v"].values, dc["vg"].values[:, None]),
          "the gate follows vg, step by step")
    ours = open_xarray(store, "dc2")
    check(ours["top.nodes.d.v"].dims == ("step_index", "t") and ours["t"].attrs["name"] == "vd",
          "open_xarray: the shared sweep is t")

    temps = open_xarray(store, "temps")
    check(temps["top.nodes.out.v"].dims == ("step_index",) and list(temps["t"].values) == [-40, 27, 125],
          "an operating point in a loop: one value per step")
    runs = {r["run_id"]: r for r in list_runs(store)}
    check(set(runs) == {"loop", "dc2", "temps"} and all(r["status"] == "ok" for r in runs.values()),
          "list_runs sees three ok runs, no split")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
