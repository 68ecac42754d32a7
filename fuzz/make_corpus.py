#!/usr/bin/python3
"""Writes the seed corpora in fuzz/corpus/ from the project's real inputs.

The seeds are committed; this script says where each comes from and remakes them:
    /usr/bin/python3 fuzz/make_corpus.py [--shared ../shared/asdl-examples]
A seed of several files holds them separated by NUL bytes, with the names the target gives
them (fuzz/*.cpp): includes and imports are renamed to match. fuzz_store_reader's seeds
are not files of the project (its input is a program, see fuzz_store_reader.cpp): they are
kept as found by fuzzing, and this script leaves them alone.
"""
import argparse
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def read(path, replace=()):
    text = pathlib.Path(path).read_bytes()
    for old, new in replace:
        text = text.replace(old.encode(), new.encode())
    return text


def parts(*items):
    return b"\0".join(items)


def spice_seeds():
    data = ROOT / "tests" / "data"
    seeds = {}
    for path in sorted(data.glob("*.cir")) + sorted((data / "analyses").glob("*.cir")) + \
            sorted((data / "stepped").glob("*.cir")) + sorted((data / "jobs").glob("*.cir")):
        seeds[path.stem] = read(path)
    spice = data / "spice"
    for name in ["devices", "nested_defs", "err_ports", "err_recursion", "err_unknown_subckt",
                 "err_missing_include"]:
        seeds[name] = read(spice / f"{name}.cir")
    # Includes and library sections beside the top file: a.lib, b.lib.
    seeds["edge_top"] = parts(
        read(spice / "edge_top.cir", [("inc/cells.inc", "a.lib"), ("lib/corners.lib", "b.lib")]),
        read(spice / "inc" / "cells.inc", [("nested.inc", "a.lib")]),
        read(spice / "lib" / "corners.lib", [("corners.lib", "b.lib"), ("common.mod", "a.lib")]))
    seeds["err_include_loop"] = parts(
        read(spice / "err_include_loop.cir", [("inc/loop_a.inc", "a.lib")]),
        read(spice / "inc" / "loop_a.inc", [("loop_b.inc", "b.lib")]),
        read(spice / "inc" / "loop_b.inc", [("loop_a.inc", "a.lib")]))
    seeds["err_missing_section"] = parts(
        read(spice / "err_missing_section.cir", [("lib/corners.lib", "a.lib")]),
        read(spice / "lib" / "corners.lib", [("corners.lib", "a.lib"), ("common.mod", "b.lib")]),
        read(spice / "lib" / "common.mod"))
    examples = ROOT / "resources" / "examples"
    seeds["tb_ota"] = parts(read(examples / "ota" / "tb_ota.spice", [("models.lib", "a.lib")]),
                            read(examples / "ota" / "models.lib"))
    seeds["ring"] = read(examples / "ring" / "ring.cir")
    # Found by fuzzing: two names that are not UTF-8 became one in tree.json.
    seeds["found_names_not_utf8"] = (b"divider o`\nv1 a 0 1\nbunoa b1k \xcd\n"
                                     b"r2 b \xb1 0.\nkop\n.end\n")
    seeds["asdl_emitted"] = parts(
        read(examples / "ota_asdl" / "tb_ota.spice", [("models.lib", "a.lib")]),
        read(examples / "ota_asdl" / "models.lib"))
    return seeds


def asdl_seeds(shared):
    seeds = {}
    ota = ROOT / "resources" / "examples" / "ota_asdl"
    imports = [("./ota.asdl", "lib1.asdl"), ("./devices.asdl", "lib2.asdl")]
    seeds["tb_ota"] = parts(read(ota / "tb_ota.asdl", imports),
                            read(ota / "tb_ota.spice"),
                            read(ota / "ota.asdl", imports),
                            read(ota / "devices.asdl"))
    edge = ROOT / "tests" / "data" / "asdl" / "edge"
    cells = [("./lib/cells.asdl", "lib1.asdl"), ("./edge/lib/cells.asdl", "lib1.asdl")]
    for name in ["chain", "broadcast"]:
        seeds[name] = parts(read(edge / f"{name}.asdl", cells), read(edge / f"{name}.spice"),
                            read(edge / "lib" / "cells.asdl"))
    seeds["chain_stale"] = parts(read(edge / "chain.asdl", cells),
                                 read(edge / "chain_stale.spice"), read(edge / "lib" / "cells.asdl"))
    for path in sorted((ROOT / "tests" / "data" / "asdl").glob("err_*.asdl")):
        seeds[path.stem] = parts(read(path, cells), b"", read(edge / "lib" / "cells.asdl"))
    quirk = ROOT / "tests" / "data" / "asdl" / "real" / "compiler-output"
    seeds["pattern_render_quirk"] = parts(read(quirk / "pattern_render_quirk.asdl"),
                                          read(quirk / "pattern_render_quirk.spice"))
    if shared and shared.is_dir():
        examples = shared / "ASDL" / "examples"
        mosbius = examples / "libs" / "mosbius_devices"
        pdk = read(examples / "pdks" / "gf180mcu" / "asdl" / "gf180mcu.asdl")
        gf = [("gf180mcu.asdl", "lib2.asdl")]
        for name in ["inv", "ota_nmos"]:
            seeds[f"mosbius_{name}"] = parts(read(mosbius / name / f"{name}.asdl", gf),
                                             read(mosbius / name / f"{name}.spice"), b"", pdk)
        for name in ["current_mirror_nmos", "current_mirror_array_nmos"]:
            seeds[f"mosbius_{name}"] = read(mosbius / name / f"{name}.asdl")
        tb = examples / "libs" / "tb" / "tb_inv"
        seeds["tb_inv"] = parts(read(tb / "tb.asdl", [("./inv.asdl", "lib1.asdl")] + gf),
                                read(tb / "tb.spice"), read(tb / "inv.asdl", gf), pdk)
    return seeds


PROBE_MAPS = {
    "readme": {"map": {"top.ota1.vout": "v(out)", "top.ota1.m1.gm": "@m.xota1.m1[gm]"},
               "aliases": {"top.vout": "top.ota1.vout"}},
    "design": {"map": {"top.ota1.nodes.out.v": "v(out)", "top.ota1.m1.op.gm": "@m.x_ota1.m1[gm]"},
               "aliases": {"top.ota1.vout": "top.ota1.nodes.out.v"}},
    "chain": {"map": {"top.out": "out"},
              "aliases": {"top.a0": "top.a1", "top.a1": "top.a2", "top.a2": "top.out"}},
    "cycle": {"aliases": {"top.a": "top.b", "top.b": "top.a"}},
    "dangling": {"aliases": {"top.a": "top.nothing.here"}},
    "kinds": {"map": {"top.vdd.i": "i(vdd)", "top.st1.vm.i": "v.xst1.vm#branch",
                      "top.m1.nodes.drain.v": "m1#drain", "top.noise.onoise_spectrum":
                      "onoise_spectrum", "top.x.nodes.mid.v": "v(xbuf.mid)"}},
    "empty_sections": {"map": {}, "aliases": {}},
}


def probe_map_json_seeds():
    seeds = {name: json.dumps(value, indent=1).encode() for name, value in PROBE_MAPS.items()}
    seeds["empty_vector_map"] = read(ROOT / "tests" / "data" / "robust" / "empty_vector_map.json")
    seeds["syntax_error"] = b'{\n  "map": {\n    "a": "b",,\n  }\n}'
    seeds["wrong_type"] = b'{"map": {"a": 3}}'
    seeds["unknown_key"] = b'{"mapp": {}}'
    seeds["utf8"] = '{"map": {"top.\u00b5": "v(out)"}}'.encode()
    return seeds


def yaml_of(value):
    lines = []
    for section, entries in value.items():
        lines.append(f"{section}:" + ("" if entries else " {}"))
        lines += [f'  {cref}: "{target}"' for cref, target in entries.items()]
    return ("\n".join(lines) + "\n").encode()


def probe_map_yaml_seeds():
    seeds = {name: yaml_of(value) for name, value in PROBE_MAPS.items()}
    seeds["flow"] = b'{map: {top.out: "v(out)"}, aliases: {top.o: top.out}}\n'
    seeds["anchors"] = b"map:\n  top.a: &v \"v(out)\"\n  top.b: *v\n"
    seeds["duplicate"] = b"map:\n  a: x\n  a: y\n"
    seeds["list_value"] = b"map:\n  a: [1, 2]\n"
    seeds["utf8"] = "map:\n  top.\u00b5: \"v(out)\"\n".encode()
    return seeds


JOBS = {
    "every_key": """name: rc_corners
netlist: netlist.cir
store: out/rc.h5
probe_map: probes.json
analysis: {type: tran, step: 10n, stop: 5u, maxstep: 1n}
parameters: {cload: 1n, vdd: "{2*0.9}"}
sweeps:
  - {param: rval, values: [1k, 2.2k, 4.7k]}
  - param: vdd
    lin: {start: 1.6, stop: 2.0, points: 5}
  - {param: cl, log: {start: 1p, stop: 1n, points: 4}}
corners:
  - name: tt
    lib: [{file: models.lib, section: tt}]
  - name: ss
    lib: [{file: models.lib, section: ss}, {file: models.lib, section: tt}]
    parameters: {vth_shift: 0.05, vdd: 1.7}
montecarlo: {count: 3, seed: 1234}
""",
    "mc": """name: mc
netlist: netlist.cir
analysis: {type: tran, step: 10n, stop: 5u}
parameters: {cload: 1n}
sweeps:
  - {param: rval, values: [1k, 2k]}
corners:
  - {name: tt, lib: [{file: models.lib, section: tt}]}
  - {name: ss, lib: [{file: models.lib, section: ss}], parameters: {vth_shift: 0.05}}
montecarlo: {count: 2, seed: 5}
""",
    "ranges": """netlist: netlist.cir
sweeps:
  - {param: a, lin: {start: 1, stop: 2, points: 5}}
  - {param: c, log: {start: 1, stop: 1k, points: 4}}
  - {param: e, log: {start: -1, stop: -100, points: 3}}
""",
    "ac": "netlist: netlist.cir\nanalysis: {type: ac, variation: dec, points: 10, fstart: 1, "
          "fstop: 1g}\n",
    "dc": "netlist: netlist.cir\nanalysis: {type: dc, source: v1, start: 0, stop: 1, step: 0.1}\n",
    "noise": "netlist: netlist.cir\nanalysis: {type: noise, output: v(out), source: v1, "
             "variation: dec, points: 5, fstart: 1, fstop: 1meg, points_per_summary: 1}\n",
    "op": "netlist: netlist.cir\nanalysis: {type: op}\n",
    "typo": "netlist: netlist.cir\nsweeps:\n  - {param: rval, valus: [1k]}\n",
    "too_many": "netlist: netlist.cir\nmontecarlo: {count: 100000000}\n",
}


def job_seeds():
    jobs = ROOT / "tests" / "data" / "jobs"
    netlist = read(jobs / "rc_job.cir")
    models = read(jobs / "rc_corners.lib")
    probes = b'{"map": {"top.out": "v(out)"}}'
    seeds = {name: parts(text.encode(), netlist, models, probes) for name, text in JOBS.items()}
    renames = [("rc_job.cir", "netlist.cir"), ("rc_corners.lib", "models.lib")]
    for name in ["cli_job", "cli_corners"]:
        seeds[name] = parts(read(jobs / f"{name}.yaml", renames), netlist, models)
    seeds["mc_netlist"] = parts(JOBS["mc"].encode(), read(jobs / "rc_mc.cir"), models)
    return seeds


def tree_seeds(build):
    seeds = {}
    cli = build / "bin" / "wavebench-run"
    data = ROOT / "tests" / "data"
    for path in [data / "rc_step.cir", data / "runaway.cir", data / "analyses" / "rc_ac.cir",
                 data / "analyses" / "divider_op.cir"]:
        text = subprocess.run([str(cli), "tree", str(path), "--json"], check=True,
                              capture_output=True).stdout
        tree = json.loads(text)
        for node in tree["nodes"]:
            if "source" in node:
                node["source"]["file"] = path.name  # no absolute paths of this machine
        seeds[f"tree_{path.stem}"] = json.dumps(tree, separators=(",", ":")).encode()
    seeds["tree_unknown_version"] = b'{"format": "wavebench.tree", "version": 9}'
    real = data / "asdl" / "real"
    for path in sorted((real / "compiler-output").glob("*.json")):
        seeds[path.stem.replace(".", "_")] = read(path)
    mosbius = real / "libs" / "mosbius_devices" / "top_mosbius_devices_v1_nmos"
    for suffix in ["tree.json", "log.json"]:
        seeds["mosbius_" + suffix.replace(".", "_")] = read(
            mosbius / f"top_mosbius_devices_v1_nmos.{suffix}")
    # Found by fuzzing: a number out of range threw out of the JSON parser.
    seeds["found_number_out_of_range"] = b'{"kind": "query.tree", "schema_version": 755e555}'
    return seeds


def asdl_rc_seeds(shared):
    """Every .asdlrc of the project and of the ASDL checkout."""
    seeds = {}
    for folder, prefix in ((ROOT / "resources", "res"), (ROOT / "tests" / "data", "tests"),
                           (shared, "asdl")):
        for path in sorted(pathlib.Path(folder).rglob(".asdlrc")):
            name = "_".join(path.relative_to(folder).parts[:-1]) or "root"
            seeds[f"{prefix}_{name}"] = read(path)
    seeds["env_chain"] = (b"schema_version: 1\nlib_roots: [${A}/x, ~/lib, rel]\n"
                          b"backend_config: ${B}/b.yaml\nenv:\n  A: ${B}/a\n  B: ${PDK_ROOT}\n"
                          b"  C: ${C}${C}\n")
    # Found by fuzzing: a variable defined through itself doubled on every pass (out of memory).
    seeds["found_self_doubling"] = b"schema_version: 1\nenv:\n  A: x${A}${A}\n"
    # Found by fuzzing: an env name given twice was listed twice.
    seeds["found_env_twice"] = b"schema_version: 1\nenv:\n  A: '1'\n  B: ${A}\n  A: '3'\n"
    return seeds


def write(target, seeds):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, data in seeds.items():
        (folder / name).write_bytes(data)
    size = sum(len(d) for d in seeds.values())
    print(f"{target}: {len(seeds)} seeds, {size} bytes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=pathlib.Path,
                        default=ROOT.parent / "shared" / "asdl-examples")
    parser.add_argument("--build", type=pathlib.Path, default=ROOT / "build",
                        help="a build with bin/wavebench-run (for the tree.json seeds)")
    args = parser.parse_args()
    write("fuzz_spice_reader", spice_seeds())
    write("fuzz_asdl_reader", asdl_seeds(args.shared))
    write("fuzz_probe_map_json", probe_map_json_seeds())
    write("fuzz_probe_map_yaml", probe_map_yaml_seeds())
    write("fuzz_job_spec", job_seeds())
    write("fuzz_tree_json", tree_seeds(args.build))
    write("fuzz_asdl_rc", asdl_rc_seeds(args.shared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
