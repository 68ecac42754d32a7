#!/usr/bin/python3
"""wavebench-run's command line: every subcommand and every earlier (flag) form, their exit
statuses and output, usage errors that name the bad flag, and Ctrl-C.

    /usr/bin/python3 tests/app/test_cli_commands.py --cli build/bin/wavebench-run \
        --root . --workdir /tmp/x
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from wavebench import job_table, list_runs, open_xarray  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary  # noqa: E402

TIMEOUT_S = 300  # a hung CLI fails the test instead of the whole suite

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True, help="the source tree (test data, examples)")
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    data = os.path.join(a.root, "tests", "data")
    examples = os.path.join(a.root, "resources", "examples")
    rc_step = os.path.join(data, "rc_step.cir")
    asdl = os.path.join(examples, "ota_asdl", "tb_ota.asdl")
    spec = os.path.join(data, "jobs", "cli_corners.yaml")
    work = lambda name: os.path.join(a.workdir, name)  # noqa: E731

    def cli(*args):
        done = subprocess.run([a.cli, *args], capture_output=True, text=True, timeout=TIMEOUT_S)
        return done.returncode, done.stdout, done.stderr

    def expect(args, status, stdout=(), stderr=(), what=None):
        code, out, err = cli(*args)
        label = what or "wavebench-run " + " ".join(os.path.basename(x) for x in args)
        missing = [s for s in stdout if s not in out] + [s for s in stderr if s not in err]
        check(code == status and not missing, f"{label}: exit {status}",
              f"  exit {code}, missing {missing}\n  stdout: {out[-800:]}\n  stderr: {err[-800:]}")
        return out, err

    # -- help -------------------------------------------------------------------------------
    out, _ = expect(["--help"], 0, ["run", "tree", "job", "import", "merge", "recover",
                                    "not implemented yet", "Exit status: 0 ok, 1 failed, 2 usage",
                                    "wavebench-run --tree DESIGN"])
    expect(["run", "--help"], 0, ["NETLIST", "--tran", "--probe-map", "--out", "--run-id",
                                  "--emitted", "--quiet"])
    expect(["tree", "--help"], 0, ["DESIGN", "--json", "--emitted"])
    expect(["job", "--help"], 0, ["SPEC", "--out", "--csv", "--quiet"])
    expect([rc_step, "--help"], 0, ["--tran"], what="legacy NETLIST --help")

    # -- run, and the earlier form NETLIST ... -----------------------------------------------
    store = work("rc.h5")
    out, _ = expect([rc_step, "--out", store, "--run-id", "legacy", "--quiet"], 0,
                    [f"run legacy: ok, ", f" points -> {store} (group /runs/legacy)"])
    legacy_points = int(out.split(", ")[1].split()[0])
    out, _ = expect(["run", rc_step, "--tran", "10n", "2u", "-o", store, "--run-id", "sub", "-q"],
                    0, ["run sub: ok, ", f"-> {store} (group /runs/sub)"])
    ids = [r["run_id"] for r in list_runs(store)]
    check(sorted(ids) == ["legacy", "sub"], f"both runs are in one store: {ids}")
    t_stop = float(open_xarray(store, "sub")["t"].values[-1])
    check(abs(t_stop - 2e-6) < 1e-12, f"--tran replaced the netlist's analysis (stop {t_stop})")
    check(int(out.split(", ")[1].split()[0]) < legacy_points, "--tran: a shorter run")
    # The default store is the netlist's name with .h5, beside it.
    copied = work("copied.cir")
    shutil.copy(rc_step, copied)
    expect(["run", copied, "--run-id", "beside", "-q"], 0, [f"-> {work('copied.h5')}"])
    check(os.path.isfile(work("copied.h5")), "the default store sits beside the netlist")

    # A probe map (JSON) names vectors; a vector that is not there is exit 3.
    with open(work("probes.json"), "w") as f:
        json.dump({"map": {"mine.out": "v(out)"}}, f)
    expect([rc_step, "--probe-map", work("probes.json"), "--out", store, "--run-id", "mapped",
            "-q"], 0, ["run mapped: ok"])
    check("mine.out" in open_xarray(store, "mapped"), "the probe map's cref is stored")
    with open(work("ghost.json"), "w") as f:
        json.dump({"map": {"mine.ghost": "v(ghost)"}}, f)
    expect(["run", rc_step, "--probe-map", work("ghost.json"), "-o", store, "--run-id", "ghost",
            "-q"], 3, ["run ghost: missing"], ["ghost"])

    # An ASDL design runs its emitted netlist and stores ASDL crefs.
    expect(["run", asdl, "-o", work("ota.h5"), "--run-id", "asdl", "-q"], 0, ["run asdl: ok"])
    check("top.ota1.nodes.tail.v" in open_xarray(work("ota.h5"), "asdl"), "ASDL crefs stored")

    # -- tree, and the earlier form --tree DESIGN ... ----------------------------------------
    text, _ = expect(["--tree", asdl], 0, ["top.ota1.nodes.tail.v  [net]  xota1.tail"])
    same, _ = expect(["tree", asdl], 0, [])
    check(text == same, "tree DESIGN prints what --tree DESIGN printed")
    legacy_json, _ = expect(["--tree", "--json", asdl], 0, ['"format": "wavebench.tree"'])
    sub_json, _ = expect(["tree", asdl, "--json", "--emitted",
                          os.path.join(examples, "ota_asdl", "tb_ota.spice")], 0, [])
    check(legacy_json == sub_json and json.loads(sub_json)["format"] == "wavebench.tree",
          "tree --json prints tree.json, as --tree --json did")
    expect(["tree", work("none.asdl")], 1, [], ["none.asdl: no such file"])

    # -- job, and the earlier form --job SPEC ... --------------------------------------------
    expect(["--job", spec, "--out", work("job_legacy.h5"), "--quiet"], 0,
           ["job cli_corners: 6 runs, 6 ok, 0 failed"])
    expect(["job", spec, "-o", work("job_sub.h5"), "--csv", work("job.csv")], 0,
           ["run 6/6 tran-ff-snone-p002-", "job cli_corners: 6 runs, 6 ok",
            f"measurements -> {work('job.csv')}"], ["run 1/6 tran-tt-snone-p000-"])
    check(len(job_table(work("job_sub.h5"), "cli_corners")) == 6, "the job's store holds 6 runs")
    check(open(work("job.csv")).readline().startswith("index,run_id,"), "--csv wrote the table")
    expect(["job", spec, "-o", work("job_sub.h5")], 1, [], ["already holds run"])

    # -- not implemented yet -----------------------------------------------------------------
    for command in ("import",):
        expect([command, work("x.h5")], 2, [], [f"wavebench-run {command}: not implemented yet: "])
    # merge (issue 11): a store without shards is named, exit status 1
    expect(["merge", work("x.h5")], 1, [], [f"{work('x.h5')}: no shards to merge"])

    # -- recover: nothing to recover in a clean store; a missing store is named --------------
    expect(["recover", work("job_sub.h5")], 0, [f"{work('job_sub.h5')}: 0 runs recovered"])
    expect(["recover", work("nowhere.h5")], 1, [], [f"{work('nowhere.h5')}: no such store"])
    expect(["recover", work("job_sub.h5"), work("x.h5")], 2, [], ["more than one store given"])

    # -- usage errors: exit 2, naming what is wrong ------------------------------------------
    usage = "usage: wavebench-run run NETLIST"
    expect([], 2, [], [usage], what="no arguments")
    expect([rc_step, "--frobnicate"], 2, [], ["unknown option --frobnicate", usage])
    expect(["run", rc_step, "--frobnicate"], 2, [], ["unknown option --frobnicate"])
    expect(["run", "--tran", "1n", rc_step], 2, [], ["--tran"], what="--tran with one value")
    # Several netlists are a batch (test_cli_batch.py); a command that takes one refuses more.
    expect(["tree", asdl, asdl], 2, [], ["more than one netlist given"])
    expect([rc_step, rc_step, "--run-id", "x"], 2, [],
           ["--run-id given 1 time(s) for 2 netlists", usage])
    expect(["run", asdl, asdl, "--emitted", rc_step], 2, [], ["--emitted names the netlist of one"])
    expect(["tree", asdl, "--out", work("t.h5")], 2, [], ["unknown option --out"])
    # The job array's options (issue 11): each goes with --slurm; a bad shard is named.
    expect(["job", spec, "--no-wait"], 2, [], ["go with --slurm"])
    expect(["job", spec, "--slurm", "--shard", "0/2"], 2, [], ["--shard is what each task"])
    expect(["job", spec, "--slurm", "--csv", work("x.csv")], 2, [], ["--csv is written by a local"])
    expect(["job", spec, "--shard", "5/3", "-o", work("shard.h5")], 1, [], ['--shard "5/3"'])
    expect(["job", spec, "--tran", "1n", "1u"], 2, [], ["unknown option --tran"])
    expect(["--job", spec, "--tree"], 2, [], ["unknown option --tree"])
    expect([rc_step, "--csv", work("x.csv")], 2, [], ["unknown option --csv"])
    expect(["run"], 2, [], ["NETLIST is required"])
    expect(["--job"], 2, [], ["SPEC is required"])

    # -- failures: exit 1, naming the file ---------------------------------------------------
    expect([work("nosuch.cir")], 1, [], ["nosuch.cir: no such file"])
    expect(["run", rc_step, "--probe-map", work("nosuch.json")], 1, [], ["nosuch.json"])
    expect(["--job", work("nosuch.yaml")], 1, [], ["nosuch.yaml"])

    # -- Ctrl-C: interrupted, the partial data kept ------------------------------------------
    long_store = work("long.h5")
    proc = subprocess.Popen([a.cli, "run", os.path.join(data, "long_ring.cir"), "-o", long_store,
                             "--run-id", "long"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    first = proc.stderr.readline()
    while first.startswith("wavebench-run: note"):  # printed before the run starts
        first = proc.stderr.readline()
    # Progress: ngspice is running, and Ctrl-C is the CLI's to handle.
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    check(proc.returncode == 4 and "run long: interrupted" in out and "stopping" in err,
          "Ctrl-C: exit 4, interrupted", f"  first line {first!r}\n  {out}\n  {err[-500:]}")
    runs = list_runs(long_store) if os.path.isfile(long_store) else []
    check([r["status"] for r in runs] == ["interrupted"], f"the run is stored as interrupted")

    return summary()


if __name__ == "__main__":
    sys.exit(main())
