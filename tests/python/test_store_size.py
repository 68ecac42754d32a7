#!/usr/bin/python3
"""The store holds a run's data at its size, and a job's runs share one design tree.

    /usr/bin/python3 tests/python/test_store_size.py --cli build/bin/wavebench-run \
        --data tests/data --workdir /tmp/x

- a 20-point AC job's store is <= 1.1 x its data + the per-run overhead docs/store.md
  documents (RUN_OVERHEAD_BYTES + VECTOR_OVERHEAD_BYTES per stored vector);
- /trees holds that job's tree once; every run's inputs/tree.json is that one object and
  reads back (h5py, xarray's h5netcdf on the inputs group, wavebench's reader);
- a transient's datasets are stored at exactly their size (no partly filled chunk), and
  committing run after run into one store grows it by each run's share only.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

import h5py  # noqa: E402
import xarray as xr  # noqa: E402

import wavebench  # noqa: E402

# docs/store.md, "What it costs": HDF5's object headers, link and attribute indexes, and
# the slack of the global heap collection (4 KB at least) each commit starts for strings.
RUN_OVERHEAD_BYTES = 8 * 1024
VECTOR_OVERHEAD_BYTES = 1536
RATIO_MAX = 1.1


def data_bytes(path):
    """(bytes of samples and strings, each stored object counted once; stored vectors)."""
    seen, total, vectors = set(), 0, 0

    def strings(value):
        if isinstance(value, (bytes, str)):
            return len(value)
        if hasattr(value, "__iter__"):
            return sum(strings(v) for v in value)
        return 0

    with h5py.File(path, "r") as f:
        def visit(name, obj):
            nonlocal total
            for key, value in obj.attrs.items():
                if key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    continue
                numeric = hasattr(value, "dtype") and value.dtype.kind not in "OSU"
                total += value.nbytes if numeric else strings(value)
            if not isinstance(obj, h5py.Dataset) or obj.id.get_offset() in seen:
                return
            seen.add(obj.id.get_offset())
            total += strings(obj[()]) if obj.dtype.kind in "OSU" else obj.size * obj.dtype.itemsize
        f.visititems(visit)
        vectors = sum(len(run["vectors"]) for run in f["runs"].values())
    return total, vectors


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--data", required=True, help="tests/data")
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    passed = failed = 0

    def check(ok, what):
        nonlocal passed, failed
        print(("PASS  " if ok else "FAIL  ") + what)
        passed, failed = passed + bool(ok), failed + (not ok)

    store = os.path.join(a.workdir, "ac_size.h5")
    if os.path.exists(store):
        os.remove(store)
    done = subprocess.run([a.cli, "--job", os.path.join(a.data, "jobs", "ac_size.yaml"), "--out", store],
                          capture_output=True, text=True)
    check(done.returncode == 0, f"the AC job runs (exit {done.returncode}) {done.stderr.strip()[:300]}")
    size = os.path.getsize(store)
    data, vectors = data_bytes(store)
    with h5py.File(store, "r") as f:
        runs = list(f["runs"])
        check(len(runs) == 20, f"20 runs ({len(runs)})")
        allowed = RATIO_MAX * data + len(runs) * RUN_OVERHEAD_BYTES + vectors * VECTOR_OVERHEAD_BYTES
        check(size <= allowed, f"store {size} B <= 1.1 x data {data} B + {len(runs)} runs x "
              f"{RUN_OVERHEAD_BYTES} B + {vectors} vectors x {VECTOR_OVERHEAD_BYTES} B = {allowed:.0f} B")
        trees = list(f["trees"])
        check(len(trees) == 1, f"/trees holds the job's tree once ({len(trees)})")
        shared = f["trees"][trees[0]]
        same = [f["runs"][r]["inputs/tree.json"].id.get_offset() == shared.id.get_offset() for r in runs]
        check(all(same), f"every run's inputs/tree.json is /trees/{trees[0][:12]}... ({sum(same)}/{len(runs)})")
        text = f["runs"][runs[7]]["inputs/tree.json"][()]
        text = text.decode() if isinstance(text, bytes) else text
        check(json.loads(text).get("format") == "wavebench.tree", "a run's tree.json reads back as a tree")
        exact = all(ds.id.get_storage_size() == ds.size * ds.dtype.itemsize
                    for r in runs for ds in [f["runs"][r]["frequency"]]
                    + [g["data"] for g in f["runs"][r]["vectors"].values()])
        check(exact, "every AC dataset is stored at exactly its size (91 points)")
    inputs = xr.open_dataset(store, group=f"runs/{runs[3]}/inputs", engine="h5netcdf")
    check("tree.json" in inputs.variables, "xarray (h5netcdf) sees inputs/tree.json")
    ds = wavebench.open_xarray(store, runs[3])
    check(ds["top.nodes.out.v"].shape == (91,) and ds["top.nodes.out.v"].dtype.kind == "c",
          "wavebench.open_xarray reads an AC run of the job")

    # A transient, run after run into one store: exact datasets, no growing garbage.
    tran = os.path.join(a.workdir, "tran_size.h5")
    if os.path.exists(tran):
        os.remove(tran)
    growth = []
    for k in range(4):
        before = os.path.getsize(tran) if os.path.exists(tran) else 0
        done = subprocess.run([a.cli, os.path.join(a.data, "rc_step.cir"), "--out", tran, "--run-id", f"t{k}"],
                              capture_output=True, text=True)
        check(done.returncode == 0, f"transient run t{k} (exit {done.returncode}) {done.stderr.strip()[:200]}")
        growth.append(os.path.getsize(tran) - before)
    with h5py.File(tran, "r") as f:
        sets = [f["runs/t3/time"]] + [g["data"] for g in f["runs/t3/vectors"].values()]
        points = f["runs/t3/time"].shape[0]
        check(points > 1000 and all(d.id.get_storage_size() == d.size * 8 for d in sets),
              f"a transient of {points} points: every dataset stored at exactly its size")
        run_data = sum(d.size * 8 for d in sets)
    share = run_data + RUN_OVERHEAD_BYTES + len(sets) * VECTOR_OVERHEAD_BYTES + 4096
    check(all(g <= RATIO_MAX * share for g in growth[1:]),
          f"each commit grows the store by its run only: {growth[1:]} B <= 1.1 x {share} B")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
