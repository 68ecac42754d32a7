#!/usr/bin/python3
"""A job on several engine processes (`wavebench-run job --jobs N`), with real processes:

- `--jobs 1`, `--jobs 2` and `--jobs 3` give the same store: the same runs, ids, attributes
  and values, bit for bit (tests/support/store_compare.py; only `started`/`finished` differ),
  for a Monte Carlo job and for a corners x sweep job;
- the comparison itself sees a changed value and a changed attribute;
- an engine process killed (SIGKILL) while it runs a point: that point is `failed`, naming
  the signal, every other point is `ok`, the job goes on with a new engine, and the store
  holds every point;
- `--in-process --jobs 2` says it runs one point at a time, and does;
- an engine orphaned while ngspice hangs loading a netlist (its CLI killed) exits within
  seconds instead of simulating on, and its part is recovered as interrupted.

    /usr/bin/python3 tests/app/test_job_workers.py --cli build/bin/wavebench-run \
        --root . --workdir /tmp/x
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import store_compare  # noqa: E402
from checks import check, summary  # noqa: E402

TIMEOUT_S = 300
def write_spec(path, name, body):
    with open(path, "w") as f:
        f.write(f"name: {name}\n{body}")
    return path


def run_job(cli, spec, store, *extra):
    return subprocess.run(
        [cli, "job", spec, "--out", store, "--quiet", *extra],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def statuses(store):
    with h5py.File(store, "r") as f:
        return {
            run_id: (str(g.attrs["status"]), str(g.attrs.get("message", "")))
            for run_id, g in f["runs"].items()
        }


def children(pid):
    """Child processes of every thread of `pid` (each engine is started by its link thread)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(p) for p in f.read().split()]
        except OSError:
            pass
    return found


def program_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return os.path.basename(f.read().split(b"\0")[0].decode())
    except OSError:
        return ""


def same_stores(cli, work, name, spec_body, job_counts):
    spec = write_spec(os.path.join(work, f"{name}.yaml"), name, spec_body)
    stores = {}
    for n in job_counts:
        store = os.path.join(work, f"{name}-j{n}.h5")
        result = run_job(cli, spec, store, "--jobs", str(n))
        check(result.returncode == 0, f"{name}: --jobs {n} runs every point ok",
              result.stdout + result.stderr)
        stores[n] = store
    first = stores[job_counts[0]]
    count = len(store_compare.run_ids(first))
    for n in job_counts[1:]:
        differences = store_compare.compare(first, stores[n])
        check(not differences and count > 0,
              f"{name}: --jobs {n} gives the store of --jobs {job_counts[0]} ({count} runs, "
              "every id, attribute and value)", "\n".join(differences[:20]))
    return spec, first


def comparison_sees_changes(work, store):
    """The comparison is only worth something if it fails on a change."""
    changed = os.path.join(work, "changed.h5")
    shutil.copy(store, changed)
    with h5py.File(changed, "r+") as f:
        run = f["runs"][sorted(f["runs"])[0]]
        data = run["vectors"][sorted(run["vectors"])[0]]["data"]
        values = data[()]
        values.flat[len(values) // 2] += 1e-12 * (abs(values.flat[len(values) // 2]) + 1)
        data[...] = values
    differences = store_compare.compare(store, changed)
    check(any("values differ" in d for d in differences),
          "the comparison sees one sample changed by 1e-12", "\n".join(differences))
    shutil.copy(store, changed)
    with h5py.File(changed, "r+") as f:
        f["runs"][sorted(f["runs"])[-1]].attrs["seed"] = 999999
    differences = store_compare.compare(store, changed)
    check(any("@seed" in d for d in differences), "the comparison sees a changed attribute",
          "\n".join(differences))


def killed_worker(cli, root, work):
    """SIGKILL one engine while it runs a point of a 6-point job on 2 engines."""
    spec = write_spec(
        os.path.join(work, "ring.yaml"),
        "ring_kill",
        f"netlist: {root}/tests/data/jobs/ring_job.cir\n"
        "analysis: {type: tran, step: 10p, stop: 300n}\n"
        "sweeps:\n  - {param: vddval, values: [1.6, 1.7, 1.8, 1.9, 2.0, 2.1]}\n",
    )
    store = os.path.join(work, "ring.h5")
    process = subprocess.Popen(
        [cli, "job", spec, "--out", store, "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    victim = None
    deadline = time.time() + 60
    while time.time() < deadline and victim is None:
        engines = [p for p in children(process.pid) if program_of(p) == "wavebench-engine"]
        parts = store + ".parts"
        live = [n for n in os.listdir(parts) if n.endswith(".h5")] if os.path.isdir(parts) else []
        if len(engines) == 2 and len(live) == 2:
            time.sleep(0.2)  # well into the run
            victim = engines[0]
        else:
            time.sleep(0.02)
    check(victim is not None, "two engine processes run two points at once")
    if victim is None:
        process.kill()
        process.communicate()
        return
    os.kill(victim, signal.SIGKILL)
    out, err = process.communicate(timeout=TIMEOUT_S)
    check(process.returncode == 1, "the job's exit status is 1 (one point failed)",
          f"exit {process.returncode}\n{out}\n{err}")
    stored = statuses(store)
    failed_runs = {k: v for k, v in stored.items() if v[0] == "failed"}
    ok_runs = [k for k, v in stored.items() if v[0] == "ok"]
    check(len(stored) == 6, f"the store holds all 6 points ({len(stored)})", repr(stored))
    check(len(failed_runs) == 1 and len(ok_runs) == 5,
          f"one point failed, five ok ({len(failed_runs)} failed, {len(ok_runs)} ok)",
          repr(stored))
    check(all("SIGKILL" in message for _, message in failed_runs.values()),
          "the failed point's message names the signal", repr(failed_runs))
    check("5 ok, 1 failed" in out, "the summary counts 5 ok and 1 failed", out)
    check(not children(process.pid), "no engine process is left behind")


def in_process_is_serial(cli, spec, work):
    store = os.path.join(work, "serial.h5")
    result = run_job(cli, spec, store, "--jobs", "2", "--in-process")
    check(result.returncode == 0 and "one point at a time" in result.stderr,
          "--in-process --jobs 2 runs, one point at a time, and says so",
          result.stdout + result.stderr)
    return store


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def orphaned_engine_exits(cli, root, work):
    """ngspice never returns from loading this netlist; the CLI is killed meanwhile."""
    hangs = os.path.join(root, "tests", "data", "robust", "ngspice_hangs_loading.cir")
    store = os.path.join(work, "orphan.h5")
    # No pipes: the engine inherits the CLI's stderr, which would hold a reader until it
    # exits.
    process = subprocess.Popen([cli, "run", hangs, "--out", store, "-q"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = None
    deadline = time.time() + 30
    while time.time() < deadline and engine is None:
        engines = [p for p in children(process.pid) if program_of(p) == "wavebench-engine"]
        engine = engines[0] if engines else None
        time.sleep(0.05)
    check(engine is not None, "the CLI runs the hanging netlist in an engine")
    if engine is None:
        process.kill()
        process.wait()
        return
    # The run has begun once its part exists; ngspice is then in its loader for good.
    parts = store + ".parts"
    deadline = time.time() + 30
    while time.time() < deadline and not (
            os.path.isdir(parts) and any(n.endswith(".h5") for n in os.listdir(parts))):
        time.sleep(0.05)
    time.sleep(1.0)
    started = time.time()
    process.kill()
    process.wait()
    while alive(engine) and time.time() - started < 30:
        time.sleep(0.1)
    gone = not alive(engine)
    waited = time.time() - started
    # Asked to stop, it cannot (ngspice does not listen while loading): it exits after its
    # grace period of 5 s.
    check(gone and waited >= 3, f"the orphaned engine exits by itself, {waited:.1f} s after "
          "its CLI was killed")
    if not gone:
        os.kill(engine, signal.SIGKILL)
    done = subprocess.run([cli, "recover", store], capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    check(done.returncode == 0 and "interrupted" in done.stdout,
          "its part is recovered as interrupted", done.stdout + done.stderr)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    cli, root = os.path.abspath(args.cli), os.path.abspath(args.root)
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    jobs = os.path.join(root, "tests", "data", "jobs")
    _, mc = same_stores(
        cli, work, "mc",
        f"netlist: {jobs}/rc_mc.cir\nmontecarlo: {{count: 8, seed: 11}}\n",
        [1, 2, 3],
    )
    corners_spec, corners = same_stores(
        cli, work, "corners",
        f"netlist: {jobs}/rc_job.cir\n"
        "sweeps:\n  - {param: rval, lin: {start: 1k, stop: 2k, points: 3}}\n"
        f"corners:\n  - {{name: tt, lib: [{{file: {jobs}/rc_corners.lib, section: tt}}]}}\n"
        f"  - {{name: ff, lib: [{{file: {jobs}/rc_corners.lib, section: ff}}]}}\n",
        [1, 2],
    )
    comparison_sees_changes(work, mc)
    serial = in_process_is_serial(cli, corners_spec, work)
    differences = store_compare.compare(corners, serial)
    check(not differences, "in-process, the corners job gives the engines' store",
          "\n".join(differences[:20]))
    killed_worker(cli, root, work)
    orphaned_engine_exits(cli, root, work)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
