#!/usr/bin/python3
"""Jobs on a real Slurm (tests/support/slurm_cluster.sh: munged, slurmctld and slurmd of their
own), the real engine, and the stores read back by h5py and xarray:

- a 12-point job through Slurm equals the same job run locally, value for value and attribute
  for attribute, but `started` and `finished` (wall-clock timestamps of the run: they say when
  it ran, and the two runs ran at different times). Nothing else differs: the runs record no
  host, pid or path of their process; the netlist, tree, logs and seeds are the point's own;
- a merge killed after its first run (WAVEBENCH_FAULT_INJECTION=merge-after-first-run) and run
  again gives the same store as one merge, byte for byte in every run;
- a task cancelled (scancel) leaves its point out; the summary says so, and `--resume --slurm`
  runs that point only;
- `--no-wait` prints the array's id; `merge` merges once the array is done;
- `--resume` runs only the failed points again and keeps their earlier runs under
  /superseded/<run_id>/1;
- a task killed mid-run leaves a dead part in its shard: merge recovers it, as interrupted.

Skips (exit status 77) when not root or when Slurm or munge is not installed.

    /usr/bin/python3 tests/app/test_slurm.py --cli build/bin/wavebench-run --root . --workdir /tmp/x
"""
import argparse
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy
import xarray

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import store_compare  # noqa: E402
from checks import check, summary, wait_until  # noqa: E402

TIMEOUT_S = 300
# Attributes of a run group that say when it ran, and nothing else: the only ones that differ
# between two runs of the same point.
TIMESTAMPS = ("started", "finished")

def run_digest(group, skip=()):
    """Every object name, attribute (but the dimension-scale references and `skip`, of the run
    group itself) and data byte of a run group, hashed."""
    digest = hashlib.sha256()

    def add(name, obj):
        digest.update(name.encode())
        for key in sorted(obj.attrs):
            if key in ("DIMENSION_LIST", "REFERENCE_LIST") or (name == "." and key in skip):
                continue
            digest.update(key.encode() + repr(obj.attrs[key]).encode())
        if isinstance(obj, h5py.Dataset):
            digest.update(str(obj.dtype).encode() + str(obj.shape).encode())
            digest.update(numpy.ascontiguousarray(obj[()]).tobytes())
            for dim in obj.dims:
                digest.update(repr([scale.name.split("/")[-1] for scale in dim.values()]).encode())

    add(".", group)
    group.visititems(add)
    return digest.hexdigest()


def snapshot(store, skip=()):
    with h5py.File(store, "r") as f:
        return {run_id: run_digest(f["runs"][run_id], skip) for run_id in f["runs"]}


def attribute(store, path, name):
    with h5py.File(store, "r") as f:
        value = f[path].attrs[name]
        return value.decode() if isinstance(value, bytes) else str(value)


def differing_attributes(a, b):
    """The names of the attributes, anywhere in any run, that differ between two stores."""
    names = set()
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        for run_id in fa["runs"]:
            ga, gb = fa["runs"][run_id], fb["runs"][run_id]
            objects = ["."]
            ga.visit(objects.append)
            for name in objects:
                oa, ob = ga[name], gb[name]
                for key in set(oa.attrs) | set(ob.attrs):
                    if key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                        continue
                    if repr(oa.attrs.get(key)) != repr(ob.attrs.get(key)):
                        names.add(key if name == "." else f"{name}@{key}")
    return names


def shard_files(store):
    return sorted(glob.glob(store + ".shards/task-*.h5"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    a.root, a.workdir, a.cli = (os.path.abspath(x) for x in (a.root, a.workdir, a.cli))
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    work = lambda name: os.path.join(a.workdir, name)  # noqa: E731
    data = os.path.join(a.root, "tests", "data")
    fixture = os.path.join(a.root, "tests", "support", "slurm_cluster.sh")
    cluster = work("cluster")
    started = subprocess.run([fixture, "start", cluster], capture_output=True, text=True,
                             timeout=120)
    if started.returncode == 77:
        print("SKIP  no test Slurm: " + started.stderr.strip())
        return 77
    if started.returncode != 0:
        check(False, "the test Slurm starts", started.stdout + started.stderr)
        return 1
    os.environ["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
    os.environ.pop("WAVEBENCH_FAULT_INJECTION", None)  # the tasks inherit the environment
    try:
        tests(a, work, data)
    finally:
        subprocess.run([fixture, "stop", cluster], timeout=60)
    return summary()


def tests(a, work, data):
    def cli(*args, env=None):
        done = subprocess.run([a.cli, *args], capture_output=True, text=True, timeout=TIMEOUT_S,
                              env=env)
        return done.returncode, done.stdout, done.stderr

    # 3 x 4 points of the RC of the job tests, 10 us transients (a fraction of a second each).
    spec = work("rc12.yaml")
    with open(spec, "w") as f:
        f.write(f"name: rc12\nnetlist: {data}/jobs/rc_job.cir\nstore: local.h5\n"
                "analysis: {type: tran, step: 10n, stop: 10u}\n"
                "sweeps:\n  - {param: rval, values: [1k, 2k, 3k]}\n"
                "  - {param: cval, values: [1n, 2n, 3n, 4n]}\n")
    code, out, err = cli("job", spec, "-q")
    check(code == 0 and "12 runs, 12 ok" in out, "the 12-point job runs locally", out + err)

    # -- through Slurm: the same runs -------------------------------------------------------
    store = work("slurm.h5")
    code, out, err = cli("job", spec, "--slurm", "--out", store)
    check(code == 0 and re.search(r"slurm array \d+: 12 tasks for 12 points", out),
          "--slurm submits one array of 12 tasks and waits", out + err)
    check(re.search(r"12/12 runs landed", err), "progress is read from the shard stores", err)
    check("job rc12: 12 points, 12 ok" in out, "the summary counts 12 ok", out)
    # store_compare: the same runs, attributes, values and scales; started/finished and the
    # line telling how ngspice loaded each point (fresh, or reloaded by its engine) aside.
    differences = store_compare.compare(work("local.h5"), store)
    check(not differences,
          "every run equals the local one: ids, attributes, values, dimension scales",
          "\n".join(differences[:20]))
    differ = differing_attributes(work("local.h5"), store)
    check(differ == set(TIMESTAMPS), f"only {', '.join(TIMESTAMPS)} differ: {sorted(differ)}")
    check(shard_files(store) == [], "the shards are removed after the verified merge",
          repr(shard_files(store)))
    with h5py.File(store, "r") as f:
        first = sorted(f["runs"])[0]
    with xarray.open_dataset(store, group=f"runs/{first}", engine="h5netcdf") as ds:
        check("time" in ds.coords and len(ds.data_vars) > 0, "xarray opens a merged run",
              repr(ds))

    # -- a merge killed half-way, then run again, gives the same store -------------------------
    for name in ("cut.h5", "whole.h5"):
        os.makedirs(work(name) + ".shards")
        for k in range(3):
            code, out, err = cli("job", spec, "--shard", f"{k}/3", "--out",
                                 f"{work(name)}.shards/task-{k}.h5", "-q")
            check(code == 0 and "4 runs, 4 ok" in out, f"shard {k}/3 into {name}", out + err)
        if name == "cut.h5":  # the same shards for both stores: copied, not run twice
            shutil.rmtree(work("whole.h5") + ".shards", ignore_errors=True)
            shutil.copytree(work("cut.h5") + ".shards", work("whole.h5") + ".shards")
            break
    code, out, err = cli("merge", work("whole.h5"))
    check(code == 0 and "merged 12 runs" in out, "an uninterrupted merge", out + err)
    env = dict(os.environ, WAVEBENCH_FAULT_INJECTION="merge-after-first-run")
    code, out, err = cli("merge", work("cut.h5"), env=env)
    check(code == -signal.SIGKILL, f"the merge is killed after its first run (exit {code})", err)
    check(len(snapshot(work("cut.h5"))) == 1 and len(shard_files(work("cut.h5"))) == 3,
          "the store holds one run and every shard is still there")
    code, out, err = cli("merge", work("cut.h5"))
    check(code == 0 and "merged 11 runs" in out and "1 there already" in out,
          "merging again skips the run merged already and merges the rest", out + err)
    check(snapshot(work("cut.h5")) == snapshot(work("whole.h5")),
          "the store equals the uninterrupted merge's, every attribute and byte")
    check(shard_files(work("cut.h5")) == [], "and its shards are removed")

    # -- a task cancelled: its point is missing, the summary says so, --resume runs it ---------
    store = work("cancelled.h5")
    job = subprocess.Popen([a.cli, "job", spec, "--slurm", "--out", store, "-q"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = job.stdout.readline()
    array = re.search(r"slurm array (\d+)", line)
    check(array is not None, "the array's id comes first", line)
    subprocess.run(["scancel", f"{array.group(1)}_11"], check=False)
    out, err = job.communicate(timeout=TIMEOUT_S)
    out = line + out
    summary = re.search(r"job rc12: 12 points, (\d+) ok, 0 failed, 0 missing, (\d+) interrupted, "
                        r"(\d+) not in the store", out)
    check(job.returncode in (1, 4) and summary and summary.group(1) == "11" and
          int(summary.group(2)) + int(summary.group(3)) == 1 and "--resume" in out,
          "the summary names the point the cancelled task left out, and --resume", out + err)
    code, out, err = cli("job", spec, "--slurm", "--resume", "--out", store)
    check(code == 0 and "1 tasks for 1 points" in out and "12 points, 12 ok" in out,
          "--resume --slurm runs that one point only", out + err)
    differences = store_compare.compare(work("local.h5"), store)
    check(not differences, "the store then equals the local job's", "\n".join(differences[:20]))
    code, out, err = cli("job", spec, "--resume", "--out", store)
    check(code == 0 and "nothing to run" in out, "--resume of a complete job runs nothing", out)

    # -- --no-wait prints the array's id; merge once it is done ------------------------------
    store = work("nowait.h5")
    code, out, err = cli("job", spec, "--slurm", "--no-wait", "--out", store)
    array = re.search(r"slurm array (\d+): 12 tasks", out)
    check(code == 0 and array, "--no-wait prints the array's id and returns", out + err)
    done = wait_until(lambda: subprocess.run(["squeue", "-h", "-j", array.group(1)],
                                             capture_output=True, text=True).stdout.strip() == "",
                      TIMEOUT_S, poll=0.1)
    check(done, "the array ends")
    code, out, err = cli("merge", store)
    check(code == 0 and "merged 12 runs" in out
          and not store_compare.compare(work("local.h5"), store),
          "merge then gives the whole job", out + err)
    code, out, err = cli("job", spec, "--slurm", "--out", store)
    check(code == 1 and "already holds run" in err, "the same job again is refused", err)

    # -- --resume runs the failed points again; their earlier runs are superseded -------------
    kick = work("kick.yaml")
    with open(kick, "w") as f:
        f.write(f"name: kick\nnetlist: {data}/jobs/rc_job.cir\nstore: kick.h5\n"
                "analysis: {type: tran, step: 10n, stop: 10u}\n"
                "sweeps:\n  - {param: rval, values: [1k, 2k]}\n  - {param: kick, values: [0, 1]}\n")
    code, out, err = cli("job", kick, "-q")
    check(code == 1 and "2 ok, 2 failed" in out, "a job with two failing points", out + err)
    with h5py.File(work("kick.h5"), "r") as f:
        failed_ids = sorted(r for r in f["runs"] if f["runs"][r].attrs["status"] == "failed")
        ok_before = {r: run_digest(f["runs"][r]) for r in f["runs"] if r not in failed_ids}
    before = {r: attribute(work("kick.h5"), f"runs/{r}", "started") for r in failed_ids}
    code, out, err = cli("job", kick, "--resume", "-q")
    check("2 runs, 0 ok, 2 failed" in out, "--resume runs the two failed points only", out + err)
    with h5py.File(work("kick.h5"), "r") as f:
        kept = all(f"superseded/{r}/1" in f and
                   f[f"superseded/{r}/1"].attrs["started"] == before[r] for r in failed_ids)
        fresh = all(f["runs"][r].attrs["started"] != before[r] for r in failed_ids)
        same = {r: run_digest(f["runs"][r]) for r in ok_before} == ok_before
    check(kept and fresh, "each earlier failed run is kept under /superseded/<id>/1")
    check(same, "the ok runs are untouched")

    # -- a task killed mid-run: merge recovers its dead part as interrupted -------------------
    ring = work("ring.yaml")
    with open(ring, "w") as f:
        f.write(f"name: ring\nnetlist: {data}/long_ring.cir\nstore: ring.h5\n")
    store = work("ring.h5")
    os.makedirs(store + ".shards")
    task = subprocess.Popen([a.cli, "job", ring, "--shard", "0/1", "--out",
                             store + ".shards/task-0.h5", "--in-process", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = store + ".shards/task-0.h5.parts"
    appeared = wait_until(lambda: glob.glob(parts + "/*.h5"), 60, poll=0.1)
    time.sleep(0.5)  # a flush or two into the part
    task.kill()
    task.wait()
    check(appeared, "the task writes its run into a part of its shard")
    code, out, err = cli("merge", store)
    check(code == 0 and "recovered run" in out and "merged 1 run" in out,
          "merge recovers the dead part first", out + err)
    with h5py.File(store, "r") as f:
        statuses = [f["runs"][r].attrs["status"] for r in f["runs"]]
    check(statuses == ["interrupted"], f"and the run arrives as interrupted: {statuses}")


if __name__ == "__main__":
    sys.exit(main())
