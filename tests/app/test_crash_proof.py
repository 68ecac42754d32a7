#!/usr/bin/python3
"""A store that survives any crash, with real processes: wavebench-run killed with SIGKILL at
random moments of a long run, two writers at once, a store read while a run writes, a full
disk (a small tmpfs) and a read-only file system. After each, plain h5py and xarray
(h5netcdf) open the store at once, every earlier run is bit-identical, the killed run is
recovered as interrupted by `wavebench-run recover`, and the next run appends.

    /usr/bin/python3 tests/app/test_crash_proof.py --cli build/bin/wavebench-run \
        --root . --workdir /tmp/x
"""
import argparse
import fcntl
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy
import xarray

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary, wait_until  # noqa: E402

TIMEOUT_S = 300
KILLS = 10

def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_digest(group):
    """Every dataset's values and every attribute of a run group, hashed."""
    digest = hashlib.sha256()

    def add(name, obj):
        digest.update(name.encode())
        for key in sorted(obj.attrs):
            if key in ("DIMENSION_LIST", "REFERENCE_LIST"):
                continue  # object references: addresses, not content
            digest.update(key.encode() + repr(obj.attrs[key]).encode())
        if isinstance(obj, h5py.Dataset):
            digest.update(numpy.ascontiguousarray(obj[()]).tobytes())

    group.visititems(add)
    return digest.hexdigest()


def snapshot(store):
    with h5py.File(store, "r") as f:
        return {run_id: run_digest(f["runs"][run_id]) for run_id in f["runs"]}


def live_parts(store):
    """The part files a live process still writes (it holds their flock)."""
    live = []
    folder = store + ".parts"
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        if not name.endswith(".h5"):
            continue
        try:
            with open(os.path.join(folder, name), "rb") as f:
                fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            live.append(name)
        except FileNotFoundError:
            pass
    return live


def opens_with_xarray(store, run_id):
    try:
        with xarray.open_dataset(store, group=f"runs/{run_id}", engine="h5netcdf") as ds:
            return len(ds.data_vars) > 0, f"{len(ds.data_vars)} variables"
    except Exception as e:  # noqa: BLE001 - the message is the finding
        return False, repr(e)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("--seed", type=int, default=10)
    a = p.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    data = os.path.join(a.root, "tests", "data")
    rc_step = os.path.join(data, "rc_step.cir")
    long_ring = os.path.join(data, "long_ring.cir")
    work = lambda name: os.path.join(a.workdir, name)  # noqa: E731
    rng = random.Random(a.seed)

    def cli(*args, env=None):
        done = subprocess.run([a.cli, *args], capture_output=True, text=True, timeout=TIMEOUT_S,
                              env=env)
        return done.returncode, done.stdout, done.stderr

    # -- kill -9 at random moments of a long run, into a store holding two runs -------------
    store = work("store.h5")
    for run_id in ("a", "b"):
        code, out, err = cli("run", rc_step, "--out", store, "--run-id", run_id, "-q")
        check(code == 0, f"run {run_id} into the store", out + err)
    started = time.monotonic()
    code, _, err = cli("run", long_ring, "--out", work("timing.h5"), "-q")
    duration = time.monotonic() - started
    check(code == 0, f"the long run alone: {duration:.1f} s", err)
    earlier = snapshot(store)
    # Half the kills hit wavebench-run with ngspice in it (--in-process): the run is left
    # to recovery. The other half hit the front end of an engine process: the engine sees
    # its front end go, stops the run and commits it as interrupted with all its data.
    for i in range(KILLS):
        moment = rng.uniform(0.5, max(1.0, 0.8 * duration))
        run_id = f"k{i}"
        in_process = i % 2 == 1
        process = subprocess.Popen([a.cli, "run", long_ring, "--out", store, "--run-id", run_id,
                                    "-q"] + (["--in-process"] if in_process else []),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(moment)
        if process.poll() is not None:
            print(f"NOTE  kill -9 #{i + 1}: the run ended before {moment:.2f} s; not counted")
            continue
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=TIMEOUT_S)
        label = (f"kill -9 #{i + 1} at {moment:.2f} s"
                 f" ({'in-process' if in_process else 'engine process'})")
        try:
            with h5py.File(store, "r") as f:
                listed = set(f["runs"])
            opened, why = True, ""
        except Exception as e:  # noqa: BLE001
            opened, why, listed = False, repr(e), set()
        check(opened, f"{label}: h5py opens the store at once", why)
        now = snapshot(store) if opened else {}
        same = all(now.get(r) == digest for r, digest in earlier.items())
        check(same, f"{label}: the {len(earlier)} earlier runs are bit-identical",
              f"changed: {[r for r in earlier if now.get(r) != earlier[r]]}")
        ok, why = opens_with_xarray(store, "a")
        check(ok, f"{label}: xarray opens an earlier run", why)
        if in_process:
            check(run_id not in listed, f"{label}: the killed run is not in the store before "
                  "recovery")
        else:
            check(wait_until(lambda: not live_parts(store), 30),
                  f"{label}: the orphaned engine ends the run and exits", str(live_parts(store)))
        code, out, err = cli("recover", store)
        if in_process and f"recovered run {run_id}: ok (it had ended" in out:
            # The kill came after ngspice had finished, while the run was being committed
            # (the in-process run is faster than the timed one): recovery commits it as ok.
            with h5py.File(store, "r") as f:
                status = f["runs"][run_id].attrs["status"] if run_id in f["runs"] else ""
            status = status.decode() if isinstance(status, bytes) else status
            check(code == 0 and status == "ok",
                  f"{label}: killed after the run ended: recovery commits it as ok", out + err)
            earlier = snapshot(store)
            continue
        recovered = f"recovered run {run_id}: interrupted" in out
        check(code == 0 and (recovered if in_process else "0 runs recovered" in out),
              f"{label}: " + ("`wavebench-run recover` commits it as interrupted" if in_process
                              else "the engine committed it; nothing left to recover"),
              out + err)
        with h5py.File(store, "r") as f:
            landed = run_id in f["runs"]
            status = f["runs"][run_id].attrs["status"] if landed else ""
        check(landed and status == "interrupted", f"{label}: the run is in the store, "
              "interrupted", str(status))
        if landed:
            with h5py.File(store, "r") as f:
                run = f["runs"][run_id]
                message = run.attrs["message"]
                message = message.decode() if isinstance(message, bytes) else message
                points = run["time"].shape[0] if "time" in run else 0
                lengths = {run[name].shape[0] for name in run if isinstance(run[name], h5py.Dataset)
                           and run[name].ndim == 1}
            check("killed" in message, f"{label}: its message says the process was killed",
                  message)
            check(in_process or "front end" in message,
                  f"{label}: the engine says its front end went away", message)
            check(len(lengths) <= 1, f"{label}: every vector as long as the time axis ({points})",
                  str(lengths))
            if moment > 2.5:
                check(points > 0, f"{label}: data up to the last flush kept ({points} points)")
            ok, why = opens_with_xarray(store, run_id)
            check(ok, f"{label}: xarray opens the recovered run", why)
        earlier = snapshot(store)
    parts = [n for n in os.listdir(store + ".parts") if n.endswith(".h5")]
    check(parts == [], "no part file is left after recovery", str(parts))
    code, out, err = cli("run", rc_step, "--out", store, "--run-id", "after", "-q")
    check(code == 0 and "after" in snapshot(store), "the next run appends", out + err)
    now = snapshot(store)
    check(all(now[r] == d for r, d in earlier.items()), "and leaves every earlier run as it was")

    # -- the store is read while a run writes to it --------------------------------------------
    process = subprocess.Popen([a.cli, "run", long_ring, "--out", store, "--run-id", "live",
                                "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(min(1.5, duration / 2))
    try:
        with h5py.File(store, "r") as f:
            readable = "a" in f["runs"]
        ok, why = opens_with_xarray(store, "a")
    except Exception as e:  # noqa: BLE001
        readable, ok, why = False, False, repr(e)
    check(readable and ok and process.poll() is None,
          "h5py and xarray read the store while a run writes to it", why)
    out, err = process.communicate(timeout=TIMEOUT_S)
    check(process.returncode == 0 and "live" in snapshot(store), "and that run lands", err.decode())

    # -- two writers on one store: both land ---------------------------------------------------
    shared = work("shared.h5")
    writers = [subprocess.Popen([a.cli, "run", long_ring, "--tran", "10p", "150n", "--out", shared,
                                 "--run-id", f"w{i}", "-q"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE) for i in range(2)]
    results = [w.communicate(timeout=TIMEOUT_S) for w in writers]
    codes = [w.returncode for w in writers]
    runs = snapshot(shared) if os.path.exists(shared) else {}
    check(codes == [0, 0] and {"w0", "w1"} <= set(runs),
          "two writers on one store: both runs land", f"{codes} {results}")

    # -- a full disk, a read-only file system (a small tmpfs; needs root) ---------------------
    mount = work("small")
    os.makedirs(mount)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount],
                             capture_output=True).returncode == 0
    if not mounted:
        print("SKIP  full disk and read-only: cannot mount a tmpfs here (needs root)")
    else:
        try:
            small = os.path.join(mount, "store.h5")
            code, out, err = cli("run", rc_step, "--out", small, "--run-id", "first", "-q")
            check(code == 0, "a run into the 3 MB tmpfs", err)
            before = sha256(small)
            code, out, err = cli("run", long_ring, "--out", small, "--run-id", "big", "-q")
            check(code == 1 and "No space left on device" in err and small in err,
                  "a full disk: the run fails naming the store and the error",
                  f"exit {code}\n{err[-800:]}")
            check(code >= 0, "a full disk: no crash (no signal)", str(code))
            check(sha256(small) == before, "a full disk: the store is byte-identical (sha256)")
            with h5py.File(small, "r") as f:
                check(list(f["runs"]) == ["first"], "a full disk: h5py opens the store")
            parts = [n for n in os.listdir(small + ".parts") if n.endswith(".h5")]
            check(parts == [], "a full disk: the failed run's part is gone", str(parts))
            code, out, err = cli("run", rc_step, "--out", small, "--run-id", "again", "-q")
            check(code == 0, "a full disk: once there is room, the next run lands", err)
            before = sha256(small)
            subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
            code, out, err = cli("run", rc_step, "--out", small, "--run-id", "ro", "-q")
            check(code == 1 and "Read-only file system" in err and small in err,
                  "a read-only file system: the run fails naming the store",
                  f"exit {code}\n{err[-800:]}")
            check(sha256(small) == before, "a read-only file system: the store is byte-identical")
        finally:
            subprocess.run(["umount", mount])

    return summary()


if __name__ == "__main__":
    sys.exit(main())
