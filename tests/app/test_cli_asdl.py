#!/usr/bin/python3
"""wavebench-run on ASDL projects: `tree` of the ASDL checkout's mosbius top design from
nothing but the checkout's .asdlrc, with the built-in reader and with the real compiler,
holding every instance path of the compiler's own `query tree`; --lib, --asdlrc, --asdlc,
--no-compiler; an LVS-only design that browses and refuses to run; a compiled design that
runs in an engine process. Exit 77 (skipped) without ../shared/asdl-examples.

    /usr/bin/python3 tests/app/test_cli_asdl.py --cli build/bin/wavebench-run --root . \
        --workdir /tmp/x
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from checks import check, summary  # noqa: E402

TIMEOUT_S = 300


def compact_crefs(children, prefix, out):
    """The crefs of a compact `query tree` (keys `instance:ref`), below `prefix`."""
    for key, grandchildren in children.items():
        cref = prefix + "." + key.split(":")[0]
        out.add(cref)
        compact_crefs(grandchildren, cref, out)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", required=True)
    a = p.parse_args()
    a.cli, a.root = os.path.abspath(a.cli), os.path.abspath(a.root)
    shared = os.path.join(a.root, "..", "shared")
    checkout = os.path.join(shared, "asdl-examples", "ASDL")
    if not os.path.isdir(checkout):
        print("SKIP: ../shared/asdl-examples is absent (the ASDL checkout)")
        return 77
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    asdlc = shutil.which("asdlc") or os.path.join(shared, "tools", "asdlc")
    have_compiler = os.access(asdlc, os.X_OK)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(a.workdir, "cache"))
    # Only the checkout's .asdlrc may find the libraries: no ASDL_LIB_PATH from outside.
    env.pop("ASDL_LIB_PATH", None)

    def cli(*args, cwd=None):
        done = subprocess.run([a.cli, *args], capture_output=True, text=True,
                              timeout=TIMEOUT_S, cwd=cwd, env=env)
        return done.returncode, done.stdout, done.stderr

    def crefs(text):
        return {line.split()[0] for line in text.splitlines() if line.strip()}

    top_dir = os.path.join(checkout, "examples", "libs", "mosbius_devices",
                           "top_mosbius_devices_v1_nmos")
    relative = os.path.join("examples", "libs", "mosbius_devices",
                            "top_mosbius_devices_v1_nmos", "top_mosbius_devices_v1_nmos.asdl")
    with open(os.path.join(top_dir, "top_mosbius_devices_v1_nmos.tree.json")) as f:
        reference = json.load(f)["payload"]
    (children,) = reference.values()
    wanted = compact_crefs(children, "top", {"top"})

    code, out, err = cli("tree", "--help")
    check(code == 0 and all(f in out for f in ("--asdlrc", "--asdlc", "--lib", "--no-compiler")),
          "tree --help names --asdlrc, --asdlc, --lib, --no-compiler", out[-600:])

    # The command, run from the checkout: the built-in reader with the rc's roots.
    code, out, err = cli("tree", relative, "--no-compiler", cwd=checkout)
    missing = wanted - crefs(out)
    check(code == 0 and not missing, "tree of the mosbius top design (built-in reader, .asdlrc)",
          f"exit {code}, missing {sorted(missing)[:5]}\n{err[-600:]}")
    check("top.nmos_ota.mn_in_p.op.gm" in out and "@m.xnmos_ota.xmn_in_p.m0[gm]" in out,
          "its transistors' gm are probed by their ngspice names", out[-400:])

    # A wrong rc named explicitly wins over the checkout's own: the import is not found.
    bad_rc = os.path.join(a.workdir, "empty.asdlrc")
    with open(bad_rc, "w") as f:
        f.write("schema_version: 1\n")
    code, out, err = cli("tree", relative, "--no-compiler", "--asdlrc", bad_rc, cwd=checkout)
    check(code == 1 and "gf180mcu.asdl" in err, "--asdlrc overrides the discovered rc", err)
    # ... and --lib puts the library back.
    pdk_asdl = os.path.join(checkout, "examples", "pdks", "gf180mcu", "asdl")
    code, out, err = cli("tree", relative, "--no-compiler", "--asdlrc", bad_rc, "--lib",
                         pdk_asdl, cwd=checkout)
    check(code == 0 and not (wanted - crefs(out)), "--lib finds what the rc does not", err)

    stdcells = os.path.join(a.root, "tests", "data", "asdl", "stdcells", "inv_chain.asdl")
    code, out, err = cli("tree", stdcells, "--lib", pdk_asdl, "--no-compiler")
    check(code == 0 and {"top", "top.u1", "top.u2"} <= crefs(out) and "cannot run" in err,
          "an LVS-only design browses and says it cannot run", f"exit {code}\n{out}\n{err}")
    code, out, err = cli("run", stdcells, "--lib", pdk_asdl, "--no-compiler", "-o",
                         os.path.join(a.workdir, "stdcells.h5"))
    check(code == 1 and "device inv_1 has no sim.ngspice backend" in err,
          "running it fails naming what is missing", f"exit {code}\n{err}")

    if not have_compiler:
        print("SKIP (the compiler checks): no asdlc on PATH or in ../shared/tools")
        return summary()
    code, out, err = cli("tree", relative, "--asdlc", asdlc, cwd=checkout)
    missing = wanted - crefs(out)
    check(code == 0 and not missing, "tree of the mosbius top design through asdlc",
          f"exit {code}, missing {sorted(missing)[:5]}\n{err[-600:]}")
    check(os.path.isdir(os.path.join(a.workdir, "cache", "wavebench", "asdl")),
          "the compile went to $XDG_CACHE_HOME/wavebench/asdl")
    divider = os.path.join(a.root, "tests", "data", "asdl", "compiled", "tb_divider.asdl")
    store = os.path.join(a.workdir, "divider.h5")
    code, out, err = cli("run", divider, "--asdlc", asdlc, "-o", store)
    check(code == 0 and "ok, 1 points" in out, "a compiled design runs in an engine process",
          f"exit {code}\n{out}\n{err}")
    check(not os.path.exists(os.path.join(os.path.dirname(divider), "tb_divider.spice")),
          "nothing is written beside the design")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
