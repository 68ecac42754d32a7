#!/usr/bin/python3
"""AC runs read back as complex numbers in xarray (h5netcdf and our reader); an operating
point reads back as scalars; a DC sweep's coordinate is the swept source.

    /usr/bin/python3 tests/python/test_analyses.py --cli build/bin/wavebench-run \
        --data tests/data/analyses --workdir /tmp/x
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from wavebench import open_xarray  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    store = os.path.join(a.workdir, "analyses.h5")
    if os.path.exists(store):
        os.remove(store)
    for netlist, run_id in [("rc_ac.cir", "ac"), ("divider_op.cir", "op"), ("diode_dc.cir", "dc")]:
        subprocess.run([a.cli, os.path.join(a.data, netlist), "--out", store, "--run-id", run_id,
                        "--quiet"], check=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS  " if ok else "FAIL  ") + what)
        passed, failed = passed + ok, failed + (not ok)

    generic = xr.open_dataset(store, group="runs/ac", engine="h5netcdf")
    out = generic["top.nodes.out.v"]
    check(np.iscomplexobj(out.values) and out.dims == ("frequency",),
          f"h5netcdf reads AC data as complex over frequency ({out.dtype}, {out.dims})")
    ours = open_xarray(store, "ac")
    check(np.iscomplexobj(ours["top.nodes.out.v"].values)
          and np.array_equal(ours["top.nodes.out.v"].values, out.values),
          "open_xarray gives the same complex values")
    f = generic["frequency"].values
    h = out.values
    fc = 1 / (2 * np.pi * 1e3 * 1e-9)
    i = np.argmin(np.abs(f - fc))
    check(abs(20 * np.log10(abs(h[i])) + 3.01) < 0.1 and abs(np.angle(h[i], deg=True) + 45) < 1.5,
          f"at {f[i]:.0f} Hz: {20 * np.log10(abs(h[i])):.2f} dB, {np.angle(h[i], deg=True):.1f} deg")
    op = open_xarray(store, "op")
    check(op["top.nodes.b.v"].ndim == 0 and float(op["top.nodes.b.v"]) == 1.0,
          "the operating point is a scalar per cref")
    dc = xr.open_dataset(store, group="runs/dc", engine="h5netcdf")
    check("v1" in dc.coords and dc["top.nodes.k.v"].dims == ("v1",),
          "a DC sweep's coordinate is the swept source")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
