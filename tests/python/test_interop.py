#!/usr/bin/python3
"""End-to-end interop test: wavebench-run writes HDF5, Python reads it back.

Run by ctest (needs Debian's python3 with h5py, xarray, h5netcdf):

    /usr/bin/python3 tests/python/test_interop.py --cli build/bin/wavebench-run \
        --netlist tests/data/rc_step.cir --workdir <tmpdir> [--tau 1e-6 --vstep 1]

It checks that the file is readable both by a generic netCDF reader
(xarray + h5netcdf) and by our own reader (wavebench.open_xarray), that both
agree bit for bit, that the simulated RC step is physically right, and that
appending a second run leaves the first one untouched.

Prints one PASS/FAIL line per check group, then "N passed, M failed" alone on
the last line; exits non-zero if anything failed.
"""

import argparse
import math
import os
import subprocess
import sys
import traceback

# Import the in-tree package rather than an installed one: the test is about
# this checkout.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

import wavebench  # noqa: E402

RUN1, RUN2 = "interop1", "interop2"
CLI_TIMEOUT_S = 300


class CheckFailed(Exception):
    pass


def require(cond, message):
    # Plain assert would vanish under python -O and gives poorer messages.
    if not cond:
        raise CheckFailed(message)


def run_cli(args, run_id):
    cmd = [args.cli, args.netlist, "--out", args.h5, "--run-id", run_id]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
    except FileNotFoundError:
        raise CheckFailed(f"CLI not found: {args.cli}")
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"CLI did not finish within {CLI_TIMEOUT_S} s: {' '.join(cmd)}")
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-20:])
        raise CheckFailed(f"{' '.join(cmd)} exited with {proc.returncode}; last output:\n{tail}")
    require(os.path.isfile(args.h5), f"CLI exited 0 but did not create {args.h5}")


def open_h5netcdf(path, run_id):
    # Load into memory and close, so the file is not held open while the CLI
    # appends the second run.
    with xr.open_dataset(path, group=f"runs/{run_id}", engine="h5netcdf") as ds:
        return ds.load()


def cref_vars(ds, dim):
    return sorted(name for name, var in ds.data_vars.items() if name.startswith("top.") and var.dims == (dim,))


# --- check groups ----------------------------------------------------------
# Each returns nothing and raises CheckFailed (or anything else) on failure.
# They share a small state dict so later checks can reuse earlier results.


def check_first_run(args, state):
    """CLI exits 0 and writes the run into a fresh file."""
    run_cli(args, RUN1)


def check_h5netcdf_view(args, state):
    """A generic netCDF reader sees a proper time coordinate and cref variables."""
    ds = open_h5netcdf(args.h5, RUN1)
    require("time" in ds.coords, f"no 'time' coordinate; coords: {list(ds.coords)}")
    t = ds["time"].values
    require(t.ndim == 1 and t.size >= 2, f"time has shape {t.shape}, expected at least 2 points")
    require(bool(np.all(np.diff(t) > 0)), "time is not strictly increasing")
    crefs = cref_vars(ds, "time")
    require(crefs, f"no variable named top.* with dims ('time',); variables: {list(ds.data_vars)}")
    for name in crefs:
        missing = {"unit", "source_vec"} - set(ds[name].attrs)
        require(not missing, f"{name} lacks attrs {sorted(missing)}; has {sorted(ds[name].attrs)}")
    require(ds.attrs.get("status") == "ok", f"run status is {ds.attrs.get('status')!r}, expected 'ok'")
    state["h5netcdf"] = ds


def check_reader_matches(args, state):
    """wavebench.open_xarray agrees exactly with the h5netcdf view."""
    ref = state["h5netcdf"]
    ds = wavebench.open_xarray(args.h5, RUN1)
    require("t" in ds.coords, f"open_xarray has no 't' coordinate; coords: {list(ds.coords)}")
    require(np.array_equal(ds["t"].values, ref["time"].values), "coordinate t differs from h5netcdf's time")
    ours, theirs = set(ds.data_vars), set(cref_vars(ref, "time"))
    require(ours == theirs, f"cref sets differ: only in open_xarray {sorted(ours - theirs)}, "
                            f"only in h5netcdf {sorted(theirs - ours)}")
    for name in sorted(ours):
        require(np.array_equal(ds[name].values, ref[name].values), f"values of {name} differ")
        aliases = ds[name].attrs.get("aliases", [])
        require(isinstance(aliases, list) and all(isinstance(a, str) for a in aliases),
                f"{name}: aliases should be a list of str, got {aliases!r}")
    state["run1"] = ds


def check_rc_physics(args, state):
    """v(out) of the RC step is within 1% of vstep*(1-exp(-t/tau)) at the end and at t=tau."""
    ds = state["run1"]
    # ngspice's own plot names the node vector "out"; raw files spell it
    # "v(out)". Either means the same vector.
    outs = [n for n in ds.data_vars if str(ds[n].attrs.get("source_vec", "")).lower() in ("out", "v(out)")]
    sources = sorted(str(ds[n].attrs.get("source_vec")) for n in ds.data_vars)
    require(outs, f"no variable with source_vec 'out'; source_vecs present: {sources}")
    t_end = float(ds["t"].values[-1])
    expected = args.vstep * (1.0 - math.exp(-t_end / args.tau))
    got = float(ds[outs[0]].values[-1])
    require(abs(got - expected) <= 0.01 * abs(expected),
            f"{outs[0]} at t={t_end:g} s is {got:.6g} V, expected {expected:.6g} V (tau={args.tau:g}, "
            f"vstep={args.vstep:g}) within 1%")
    print(f"      {outs[0]}(t={t_end:g} s) = {got:.6g} V, analytic {expected:.6g} V")
    # At 10 tau the curve is flat, so the final value barely depends on tau;
    # the value at t = tau (63% of the step) does, so check it as well.
    if ds["t"].values[0] <= args.tau <= t_end:
        at_tau = float(np.interp(args.tau, ds["t"].values, ds[outs[0]].values))
        expected = args.vstep * (1.0 - math.exp(-1.0))
        require(abs(at_tau - expected) <= 0.01 * abs(expected),
                f"{outs[0]} at t=tau={args.tau:g} s is {at_tau:.6g} V, expected {expected:.6g} V within 1%")
        print(f"      {outs[0]}(t=tau) = {at_tau:.6g} V, analytic {expected:.6g} V")


def check_second_run(args, state):
    """Appending a second run lists both as ok and leaves the first unchanged."""
    run_cli(args, RUN2)
    runs = {r["run_id"]: r for r in wavebench.list_runs(args.h5)}
    for run_id in (RUN1, RUN2):
        require(run_id in runs, f"list_runs lacks {run_id}; has {sorted(runs)}")
        require(runs[run_id]["status"] == "ok", f"{run_id} status is {runs[run_id]['status']!r}")
        require(runs[run_id]["points"] > 0, f"{run_id} reports {runs[run_id]['points']} points")
    with h5py.File(args.h5, "r") as f:
        for run_id in (RUN1, RUN2):
            require(isinstance(f.get(f"runs/{run_id}/_SUCCESS"), h5py.Group), f"{run_id} has no _SUCCESS group")
    after = wavebench.open_xarray(args.h5, RUN1)
    require(after.identical(state["run1"]), f"{RUN1} changed after writing {RUN2}")


def check_errors(args, state):
    """Unknown run ids and non-HDF5 files give clear errors."""
    try:
        wavebench.open_xarray(args.h5, "nope")
    except KeyError as exc:
        require("nope" in str(exc), f"KeyError does not mention 'nope': {exc}")
    else:
        raise CheckFailed("open_xarray(file, 'nope') did not raise KeyError")
    bogus = os.path.join(args.workdir, "not_hdf5.h5")
    with open(bogus, "w") as fh:
        fh.write("plain text\n")
    try:
        wavebench.open_xarray(bogus, RUN1)
    except (OSError, ValueError) as exc:
        require(bogus in str(exc), f"error for a non-HDF5 file does not name the path: {exc}")
    else:
        raise CheckFailed("open_xarray on a non-HDF5 file did not raise")


# (check, checks it depends on): a check whose prerequisite failed is reported
# as failed without running, instead of piling up confusing follow-on errors.
CHECKS = [
    (check_first_run, ()),
    (check_h5netcdf_view, (check_first_run,)),
    (check_reader_matches, (check_h5netcdf_view,)),
    (check_rc_physics, (check_reader_matches,)),
    (check_second_run, (check_reader_matches,)),
    (check_errors, (check_first_run,)),
]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", required=True, help="path to wavebench-run")
    p.add_argument("--netlist", required=True, help="RC step netlist (tests/data/rc_step.cir)")
    p.add_argument("--workdir", required=True, help="scratch directory (created if needed)")
    p.add_argument("--tau", type=float, default=1e-6, help="RC time constant in s (default 1e-6)")
    p.add_argument("--vstep", type=float, default=1.0, help="step amplitude in V (default 1)")
    args = p.parse_args()

    # Absolute paths: the CLI may be run from any directory by ctest.
    args.cli, args.netlist, args.workdir = (os.path.abspath(x) for x in (args.cli, args.netlist, args.workdir))
    os.makedirs(args.workdir, exist_ok=True)
    args.h5 = os.path.join(args.workdir, "interop.h5")
    if os.path.exists(args.h5):
        os.remove(args.h5)  # the test relies on starting from an empty file

    passed = failed = 0
    state = {}
    failed_checks = set()
    for check, needs in CHECKS:
        title = check.__doc__.strip()
        blocked = [c for c in needs if c in failed_checks]
        try:
            if blocked:
                raise CheckFailed(f"skipped: depends on failed check '{blocked[0].__doc__.strip()}'")
            check(args, state)
        except CheckFailed as exc:
            print(f"FAIL  {title}\n      {exc}")
        except Exception:  # a crash in the reader is a failure too, with its traceback
            print(f"FAIL  {title}\n      unexpected error:\n{traceback.format_exc()}")
        else:
            print(f"PASS  {title}")
            passed += 1
            continue
        failed += 1
        failed_checks.add(check)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
