#!/usr/bin/python3
"""The GF180 OTA ASDL testbenches (resources/examples/gf180_ota_asdl) end to end, through the
real ASDL compiler and the real PDK: `wavebench-run run tb.asdl` compiles the design (into its
cache, never beside it), runs it, and every stored vector equals, value for value, what
`ngspice -b -r` gives for the netlist the compiler emits; the transistor's gm is stored under
its ASDL cref (top.ota.mn_in_p.op.gm ↔ @m.xota.xmn_in_p.m0[gm]); the .measure results are in
the run; the tree holds the compiler's hierarchy.

Needs ../shared (the ASDL checkout with the PDK) and asdlc (on PATH or ../shared/tools/asdlc):
exits 77 (ctest: skipped) naming what is missing.

    /usr/bin/python3 tests/app/test_asdl_example.py --cli build/bin/wavebench-run --root . \
        --workdir /tmp/x
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary  # noqa: E402

TIMEOUT_S = 300
SKIP = 77


def read_raw(path):
    """{normalized name: values} of every plot in an ngspice binary rawfile (real or complex)."""
    data = open(path, "rb").read()
    plots, at = [], 0
    while at < len(data):
        marker = data.find(b"Binary:\n", at)
        if marker < 0:
            break
        lines = data[at:marker].decode("latin-1").splitlines()
        field = {l.split(":", 1)[0]: l.split(":", 1)[1].strip() for l in lines if ":" in l}
        nvars, npoints = int(field["No. Variables"]), int(field["No. Points"])
        start = lines.index("Variables:") + 1
        names = [lines[start + i].split()[1] for i in range(nvars)]
        complex_plot = "complex" in field.get("Flags", "")
        # In a complex plot ngspice 39's rawfile writes a real vector (a device's operating
        # point, `@m...[gm]`) as one double, not two, and pads the row at its end to two
        # doubles a variable (seen: [..., gm1, gm2, 0, 0]).
        real = [complex_plot and n.startswith("@") for n in names]
        doubles = [1 if r or not complex_plot else 2 for r in real]
        row = 2 * nvars if complex_plot else nvars
        flat = np.frombuffer(data, dtype="<f8", count=row * npoints,
                             offset=marker + 8).reshape(npoints, row)
        plot, column = {}, 0
        for n, width in zip(names, doubles):
            values = flat[:, column] if width == 1 else flat[:, column] + 1j * flat[:, column + 1]
            plot[normalize(n)] = values
            column += width
        check(not np.any(flat[:, column:]), f"{path}: a row's padding is zeros")
        plots.append(plot)
        at = marker + 8 + 8 * row * npoints
    return plots


def normalize(name):
    """ngspice's names for one vector (`v(out)`, `out`; `i(vdd)`, `vdd#branch`) made one."""
    name = name.lower()
    m = re.fullmatch(r"v\((.*)\)", name)
    if m:
        return m.group(1)
    m = re.fullmatch(r"i\((.*)\)", name)
    if m:
        return m.group(1) + "#branch"
    return name


def stored_values(dataset):
    values = dataset[()]
    if values.dtype.names and set(values.dtype.names) == {"r", "i"}:
        return values["r"] + 1j * values["i"]
    return values


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    root = os.path.abspath(a.root)
    asdl_root = os.path.normpath(os.path.join(root, "..", "shared", "asdl-examples", "ASDL"))
    asdlc = shutil.which("asdlc") or os.path.normpath(
        os.path.join(root, "..", "shared", "tools", "asdlc"))
    if not os.path.isdir(os.path.join(asdl_root, "examples", "pdks", "gf180mcu")):
        print(f"SKIP: no ASDL checkout with the GF180 PDK at {asdl_root} (../shared is missing)")
        return SKIP
    if not os.access(asdlc, os.X_OK):
        print("SKIP: the ASDL compiler asdlc is neither on PATH nor in ../shared/tools")
        return SKIP
    if shutil.which("ngspice") is None:
        print("SKIP: ngspice (the program, the reference here) is not installed")
        return SKIP
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    example = os.path.join(root, "resources", "examples", "gf180_ota_asdl")
    env = dict(os.environ, ASDL_ROOT=asdl_root, XDG_CACHE_HOME=os.path.join(a.workdir, "cache"),
               PATH=os.path.dirname(asdlc) + os.pathsep + os.environ.get("PATH", ""))
    before = sorted(os.listdir(example))


    for bench, coordinate in (("tb_ota_ac", "frequency"), ("tb_ota_tran", "time")):
        design = os.path.join(example, bench + ".asdl")
        store = os.path.join(a.workdir, bench + ".h5")
        done = subprocess.run([a.cli, "run", design, "-o", store, "--run-id", bench,
                               "--probe", "top.ota.mn_in_p.op.gm", "--probe", "top.ota.mp_cs.op.gm", "-q"],
                              capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
        check(done.returncode == 0, f"{bench}: wavebench-run run exits 0",
              f"exit {done.returncode}: {done.stderr[-2000:]}")
        if done.returncode != 0:
            continue

        # The reference: the compiler's netlist, with a .save of the gm's, in ngspice -b -r.
        netlist = os.path.join(a.workdir, bench + ".spice")
        compiled = subprocess.run([asdlc, "netlist", design, "-o", netlist], capture_output=True,
                                  text=True, timeout=TIMEOUT_S, env=env)
        check(compiled.returncode == 0, f"{bench}: asdlc compiles it", compiled.stderr[-2000:])
        text = open(netlist).read()
        save = ".save all @m.xota.xmn_in_p.m0[gm] @m.xota.xmp_cs.m0[gm]\n"
        text = re.sub(r"^\.end\s*$", save + ".end", text, flags=re.M)
        # `.measure` cannot run in ngspice -b with -r; the vectors are what is compared.
        text = "\n".join(l for l in text.splitlines() if not l.lower().startswith(".measure"))
        with open(netlist, "w") as fh:
            fh.write(text + "\n")
        raw = os.path.join(a.workdir, bench + ".raw")
        ran = subprocess.run(["ngspice", "-b", "-r", raw, netlist], capture_output=True, text=True,
                             timeout=TIMEOUT_S, cwd=a.workdir)
        check(ran.returncode == 0 and os.path.exists(raw), f"{bench}: ngspice -b -r runs it",
              ran.stdout[-1000:])
        reference = read_raw(raw)[-1]

        with h5py.File(store, "r") as f:
            run = f["runs"][bench]
            status = run.attrs["status"]
            status = status.decode() if isinstance(status, bytes) else status
            check(status == "ok", f"{bench}: the run is ok", str(status))
            check(run.attrs.get("coordinate") in (coordinate, coordinate.encode()),
                  f"{bench}: its coordinate is {coordinate}")
            ref_x = reference[coordinate].real if coordinate == "frequency" else reference[coordinate]
            check(np.array_equal(run[coordinate][()], ref_x),
                  f"{bench}: {coordinate} equals ngspice -b -r's, value for value")
            compared, differing = 0, []
            crefs = set(run["vectors"])
            for cref in crefs:
                dataset = run["vectors"][cref]["data"]
                source = dataset.attrs["source_vec"]
                source = normalize(source.decode() if isinstance(source, bytes) else source)
                if source not in reference:
                    differing.append(f"{cref} ({source}): not in ngspice's rawfile")
                    continue
                ours, theirs = stored_values(dataset), reference[source]
                if np.iscomplexobj(ours) and not np.iscomplexobj(theirs):
                    # an operating point in an AC plot: ngspice's real value, ours complex
                    same = np.array_equal(ours.real, theirs) and not np.any(ours.imag)
                else:
                    same = np.array_equal(ours, theirs)
                if not same:
                    differing.append(f"{cref} ({source}): values differ")
                compared += 1
            check(compared >= 10 and not differing,
                  f"{bench}: every stored vector ({compared}) equals ngspice -b -r's",
                  "; ".join(differing[:10]))
            check({"top.ota.mn_in_p.op.gm", "top.ota.nodes.tail.v", "top.nodes.out.v"} <= crefs,
                  f"{bench}: the gm, the OTA's inner net and the output are stored by ASDL cref",
                  str(sorted(crefs)[:20]))
            if "top.ota.mn_in_p.op.gm" in crefs:
                gm = run["vectors"]["top.ota.mn_in_p.op.gm"]["data"]
                source = gm.attrs["source_vec"]
                source = source.decode() if isinstance(source, bytes) else source
                check(source == "@m.xota.xmn_in_p.m0[gm]", f"{bench}: gm is ngspice's {source}")
                check(np.all(np.abs(stored_values(gm)) > 1e-5),
                      f"{bench}: the BSIM4 gm is a real transconductance")
            measured = set(run.get("measurements", {}))
            wanted = {"gain_db", "ugf"} if bench == "tb_ota_ac" else {"t_rise", "v_peak", "v_final"}
            check(wanted <= measured, f"{bench}: the .measure results {sorted(wanted)} are stored",
                  str(sorted(measured)))
            if bench == "tb_ota_ac" and wanted <= measured:
                gain = float(np.asarray(run["measurements"]["gain_db"][()]).ravel()[0])
                ugf = float(np.asarray(run["measurements"]["ugf"][()]).ravel()[0])
                check(30 < gain < 60 and 1e6 < ugf < 1e9,
                      f"an OTA's gain ({gain:.1f} dB) and unity-gain frequency ({ugf:.3g} Hz)")
            tree = json.loads(run["inputs"]["tree.json"][()])
            text_tree = json.dumps(tree)
            check("top.ota.mn_in_p" in text_tree and "top.mn_bias" in text_tree,
                  f"{bench}: tree.json holds the compiler's hierarchy")

    # The default example (make run) is the compiler's, not hand-written: its tb_ota.spice is
    # what asdlc emits for it, apart from the comment naming each module's source file.
    bundled = os.path.join(root, "resources", "examples", "ota_asdl")
    emitted = os.path.join(a.workdir, "bundled_tb_ota.spice")
    compiled = subprocess.run([asdlc, "netlist", os.path.join(bundled, "tb_ota.asdl"), "-o", emitted,
                               "--log", os.path.join(a.workdir, "bundled.log.json")],
                              capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    check(compiled.returncode == 0, "the bundled ota_asdl example compiles", compiled.stderr[-2000:])
    if compiled.returncode == 0:
        def lines(path):
            return [l for l in open(path).read().splitlines()
                    if not (l.startswith("* ") and l.endswith(".asdl"))]
        check(lines(emitted) == lines(os.path.join(bundled, "tb_ota.spice")),
              "its tb_ota.spice is what asdlc emits")

    # The Monte Carlo job of the ASDL design: the PDK's mismatch draws differ run to run.
    store = os.path.join(a.workdir, "ota_mc.h5")
    csv = os.path.join(a.workdir, "ota_mc.csv")
    done = subprocess.run([a.cli, "job", os.path.join(example, "ota_mc.yaml"), "-o", store,
                           "--csv", csv, "--jobs", "2", "-q"],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    check(done.returncode == 0, "ota_mc.yaml: the ASDL design's Monte Carlo job runs",
          done.stderr[-2000:])
    if done.returncode == 0:
        rows = [line.split(",") for line in open(csv).read().splitlines()]
        header, rows = rows[0], rows[1:]
        ugf = np.array([float(r[header.index("ugf")]) for r in rows])
        statuses = {r[header.index("status")] for r in rows}
        check(len(rows) == 20 and statuses == {"ok"}, f"20 runs, all ok ({len(rows)}, {statuses})")
        check(len(set(ugf)) == len(ugf) and ugf.std() / ugf.mean() > 1e-3,
              f"mismatch moves the unity-gain frequency ({ugf.min():.4g} to {ugf.max():.4g} Hz)")
        with h5py.File(store, "r") as f:
            first = f["runs"][sorted(f["runs"])[0]]
            check("top.ota.nodes.tail.v" in first["vectors"],
                  "each job run names its vectors by ASDL cref")

    # A spec's own `asdlrc:` (a project file elsewhere than above the design), and a wrong one.
    rc = open(os.path.join(example, ".asdlrc")).read().replace("${ASDLRC_DIR}", example)
    with open(os.path.join(a.workdir, "elsewhere.asdlrc"), "w") as fh:
        fh.write(rc)
    # The testbench alone in a folder with no .asdlrc above it: only the spec's rc finds its
    # imports (sim_ngspice.asdl, the PDK's devices) and the backend config.
    alone = os.path.join(a.workdir, "alone")
    os.makedirs(alone)
    shutil.copy(os.path.join(example, "tb_ota_ac.asdl"), alone)
    spec = os.path.join(a.workdir, "two_draws.yaml")
    body = ("netlist: alone/tb_ota_ac.asdl\n"
            "parameters: {sw_stat_mismatch: 1}\nmontecarlo: {count: 2, seed: 7}\n")
    with open(spec, "w") as fh:
        fh.write(body)
    done = subprocess.run([a.cli, "job", spec, "-q"], capture_output=True, text=True,
                          timeout=TIMEOUT_S, env=env)
    check(done.returncode != 0 and "tb_ota_ac.asdl" in done.stderr,
          "without an .asdlrc the lone testbench's imports are not found, naming it",
          done.stderr[-500:])
    with open(spec, "w") as fh:
        fh.write("asdlrc: elsewhere.asdlrc\n" + body)
    done = subprocess.run([a.cli, "job", spec, "-q"], capture_output=True, text=True,
                          timeout=TIMEOUT_S, env=env)
    check(done.returncode == 0, "a job spec's asdlrc: opens its ASDL design", done.stderr[-2000:])
    done = subprocess.run([a.cli, "job", spec, "-q", "-o", os.path.join(a.workdir, "bad.h5"),
                           "--asdlrc", os.path.join(a.workdir, "no_such.asdlrc")],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    check(done.returncode != 0 and "no_such.asdlrc" in done.stderr,
          "--asdlrc naming no file fails the job, naming it", done.stderr[-500:])

    for name in os.listdir(example):  # the reference compile above writes its log beside
        if name.endswith(".log.json") and name not in before:
            os.remove(os.path.join(example, name))
    check(sorted(os.listdir(example)) == before,
          "the compiler wrote nothing beside the user's files", str(sorted(os.listdir(example))))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
