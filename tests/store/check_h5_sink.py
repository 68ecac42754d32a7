#!/usr/bin/python3
"""Reads the synthetic store tests/store/tst_h5_sink.cpp writes (no simulator) with h5py,
with xarray through h5netcdf, and with python/wavebench, and checks README.md's store
layout: coordinates as dimension scales, complex AC, OP scalars, step_index dimensions,
logs, measurements, status and _SUCCESS.

    /usr/bin/python3 tests/store/check_h5_sink.py STORE.h5

The expected values are the C++ test's (products and quotients of small integers, the same
doubles in both languages). Prints PASS/FAIL per check and "N passed, M failed".
"""
import json
import os
import sys

import h5py
import numpy as np
import xarray as xr

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from wavebench import list_runs, open_xarray, read_measurements  # noqa: E402

TRAN_ROWS = 20000
AC_ROWS = 50
LOOP_ROWS = [5, 7, 3]


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def main():
    store = sys.argv[1]
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS  " if ok else "FAIL  ") + what)
        passed, failed = passed + bool(ok), failed + (not ok)

    i = np.arange(TRAN_ROWS, dtype=np.float64)
    with h5py.File(store, "r") as f:
        tran = f["runs/tran"]
        attrs = {k: text(v) for k, v in tran.attrs.items() if k not in ("seed", "sweep_index")}
        check(attrs["status"] == "ok" and attrs["analysis"] == "tran" and attrs["coordinate"] == "time"
              and attrs["corner"] == "tt" and attrs["job"] == "synthetic"
              and int(tran.attrs["seed"]) == 7 and int(tran.attrs["sweep_index"]) == 2,
              "h5py: tran run attributes")
        check("_SUCCESS" in tran and isinstance(tran["_SUCCESS"], h5py.Group), "h5py: _SUCCESS group")
        check(text(tran["inputs/netlist"][()]).startswith("* tran\n")
              and text(tran["inputs/tree.json"][()]) == '{"format": "wavebench.tree"}',
              "h5py: inputs/ hold what the run was given")
        time = tran["time"]
        # Streamed in chunks into the run's part; committed into the store contiguous, at
        # exactly its size (RunCopy): no partly filled last chunk.
        check(time.shape == (TRAN_ROWS,) and time.maxshape == (TRAN_ROWS,) and time.chunks is None
              and time.id.get_storage_size() == TRAN_ROWS * 8 and time.dtype == np.float64,
              f"h5py: time is float64 (T,), stored at exactly its size {time.shape}")
        check(text(time.attrs.get("CLASS", b"")) == "DIMENSION_SCALE", "h5py: time is a dimension scale")
        data = tran["vectors/top.nodes.out.v/data"]
        check([scale.name for scale in data.dims[0].values()] == ["/runs/tran/time"],
              "h5py: vectors/<cref>/data is attached to time")
        check(text(data.attrs["unit"]) == "V" and text(data.attrs["source_vec"]) == "out"
              and text(data.attrs["node_kind"]) == "node_voltage", "h5py: vector attributes")
        check(h5py.h5o.get_info(tran["top.nodes.out.v"].id).addr == h5py.h5o.get_info(data.id).addr,
              "h5py: <cref> is a hard link to vectors/<cref>/data")
        check(np.array_equal(time[()], i * 1e-9) and np.array_equal(data[()], i * 0.5),
              "h5py: tran values bit for bit")

        ac = f["runs/ac"]
        out = ac["top.nodes.out.v"][()]
        k = np.arange(AC_ROWS, dtype=np.float64)
        check(out.dtype == np.complex128, f"h5py: AC is read as complex128 ({out.dtype})")
        check(np.array_equal(out.real, 1.0 / (k + 1)) and np.array_equal(out.imag, -k * 0.125)
              and np.array_equal(ac["frequency"][()], (k + 1) * 1000.0), "h5py: AC values")

        op = f["runs/op"]
        check(text(op.attrs["coordinate"]) == "" and op["top.nodes.out.v"].shape == ()
              and op["top.nodes.out.v"][()] == 0.75 and op["top.v1.i"][()] == -1e-3,
              "h5py: an operating point is one scalar per cref")

        loop = f["runs/loop"]
        check(int(loop.attrs["steps"]) == 3 and text(loop.attrs["step_source"]) == "rv",
              "h5py: steps and step_source attributes")
        check(list(loop["step_index"][()]) == [0, 1, 2] and list(loop["point"][()]) == list(range(7)),
              "h5py: step_index and point are int64 scales")
        lt = loop["time"][()]
        check(lt.shape == (3, 7) and np.isnan(lt[0, 5:]).all() and np.isnan(lt[2, 3:]).all()
              and not np.isnan(lt[1]).any(), f"h5py: a 2-D time padded with NaN ({lt.shape})")

        measured = f["runs/measured"]
        tdelay = measured["measurements/tdelay"]
        check(tdelay[()] == 6.931531e-07 and text(tdelay.attrs["analysis"]) == "tran"
              and text(tdelay.attrs["message"]) == "" and tdelay.attrs["targ"] == 6.936531e-07
              and tdelay.attrs["trig"] == 5e-10, "h5py: a measurement with its extra values")
        vlate = measured["measurements/vlate"]
        check(np.isnan(vlate[()]) and "out of interval" in text(vlate.attrs["message"]),
              "h5py: a failed measurement is NaN with its reason")
        log = text(measured["logs/ngspice.txt"][()])
        warnings = text(measured["logs/warnings.jsonl"][()])
        check("stdout tdelay" in log and log.endswith("failed!\n"), "h5py: logs/ngspice.txt")
        levels = [json.loads(line)["level"] for line in warnings.splitlines() if line]
        check(levels.count("error") == 2 and levels.count("warning") == 1,
              "h5py: logs/warnings.jsonl, one line per error or warning")

        failed_run = f["runs/failed"]
        check(text(failed_run.attrs["status"]) == "failed" and "_SUCCESS" not in failed_run
              and text(failed_run.attrs["message"]) == "timestep too small",
              "h5py: a failed run has no _SUCCESS")

    # xarray through h5netcdf: one variable per cref, dimensions from the scales.
    ds = xr.open_dataset(store, group="runs/tran", engine="h5netcdf")
    check(ds["top.nodes.out.v"].dims == ("time",) and "time" in ds.coords
          and np.array_equal(ds["time"].values, i * 1e-9), "h5netcdf: tran over time")
    check(ds["top.nodes.out.v"].attrs["unit"] == "V" and np.array_equal(ds["top.v1.i"].values, -i * 0.25),
          "h5netcdf: attributes and values of each cref")
    ds.close()
    ds = xr.open_dataset(store, group="runs/ac", engine="h5netcdf")
    check(ds["top.nodes.out.v"].dtype == np.complex128 and ds["top.nodes.out.v"].dims == ("frequency",),
          "h5netcdf: AC is complex over frequency")
    ds.close()
    ds = xr.open_dataset(store, group="runs/op", engine="h5netcdf")
    check(ds["top.nodes.out.v"].dims == () and float(ds["top.nodes.out.v"]) == 0.75,
          "h5netcdf: OP scalars")
    ds.close()
    ds = xr.open_dataset(store, group="runs/loop", engine="h5netcdf")
    out = ds["top.nodes.out.v"]
    check(out.dims == ("step_index", "point") and out.coords["time"].dims == ("step_index", "point")
          and list(ds["rv"].values) == [1e3, 2e3, 4e3] and "rv" in out.coords,
          f"h5netcdf: a .control loop over (step_index, point), rv labels the steps ({out.dims})")
    for step, rows in enumerate(LOOP_ROWS):
        v = out.isel(step_index=step).values
        check(np.array_equal(v[:rows], step * 10 + np.arange(rows, dtype=np.float64))
              and np.isnan(v[rows:]).all(), f"h5netcdf: step {step} holds {rows} points, then NaN")
    ds.close()
    ds = xr.open_dataset(store, group="runs/dc2", engine="h5netcdf")
    d = ds["top.nodes.d.v"]
    check(d.dims == ("step_index", "vd") and "vg" in d.coords and list(ds["vg"].values) == [0.5, 1.0]
          and list(ds["vd"].values) == [0, 0.5, 1.0], f"h5netcdf: two-source .dc over (step_index, vd) ({d.dims})")
    check(np.array_equal(d.values, np.array([[0, 0.5, 1.0], [1.0, 1.5, 2.0]])), "h5netcdf: .dc values")
    ds.close()
    ds = xr.open_dataset(store, group="runs/temps", engine="h5netcdf")
    check(ds["top.nodes.out.v"].dims == ("step_index",) and list(ds["t"].values) == [-40, 27, 125]
          and list(ds["top.nodes.out.v"].values) == [0.5, 0.625, 0.75],
          "h5netcdf: an operating point in a loop, one value per step")
    ds.close()

    # Our own reader agrees.
    ours = open_xarray(store, "tran")
    check(ours["t"].attrs["name"] == "time" and np.array_equal(ours["top.nodes.out.v"].values, i * 0.5),
          "open_xarray: tran")
    ours = open_xarray(store, "loop")
    check(ours["top.nodes.out.v"].dims == ("step_index", "point"), "open_xarray: loop steps")
    m = read_measurements(store, "measured")
    check(m.get("tdelay") == 6.931531e-07 and np.isnan(m.get("vlate")),
          f"read_measurements: tdelay and a NaN vlate ({m})")
    runs = {r["run_id"]: r for r in list_runs(store)}
    check(set(runs) == {"tran", "ac", "op", "loop", "dc2", "temps", "measured", "failed"}
          and runs["failed"]["status"] == "failed" and runs["tran"]["status"] == "ok",
          "list_runs: every run with its status")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
