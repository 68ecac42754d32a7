#!/usr/bin/python3
"""Mutates the project's example and test netlists (deleted, duplicated and garbage lines,
truncation, swapped and dropped tokens, bad numbers, unknown models and subcircuits, a
formula naming no parameter, a missing include, ...), runs each mutant through
`wavebench-run` on its own, and checks that every failure message names the netlist: the
CLI's stderr and the `message` attribute of the run it stored. A crash (a signal) is a
failure of its own.

    /usr/bin/python3 bench/mutate_netlists.py --cli build/bin/wavebench-run --root . \\
        [--mutants 360] [--seed 10] [--workdir /tmp/mutants] [--verbose]

Prints the counts and every message that does not name its netlist; exits 1 if there is
one, or a crash. The ctest `failure_messages` runs a subset with a fixed seed.
"""
import argparse
import glob
import os
import random
import re
import shutil
import signal
import subprocess
import sys

import h5py

TIMEOUT_S = 30
# Netlists that run for long on purpose (Ctrl-C and stop tests), or that are the
# reporter's own fuzz inputs, are left out.
SKIP = {"long_ring.cir", "long_loop.cir", "runaway.cir", "ngspice_hangs_loading.cir"}
BAD_NUMBERS = ["1.2.3", "abc", "1e", "--1", "1k5q", "0x1g", "1/0", "()", "1,5"]


def sources(root):
    found = []
    for pattern in ("tests/data/**/*.cir", "tests/data/**/*.spice", "tests/data/**/*.sp",
                    "resources/examples/**/*.cir", "resources/examples/**/*.spice"):
        found += glob.glob(os.path.join(root, pattern), recursive=True)
    keep = []
    for path in sorted(set(found)):
        relative = os.path.relpath(path, root)
        if os.path.basename(path) in SKIP or "/asdl/real/" in relative or "/inc/" in relative \
                or "/lib/" in relative:
            continue
        keep.append(path)
    return keep


def is_card(line):
    stripped = line.strip()
    return stripped and stripped[0] not in "*+;$" and not stripped.startswith("//")


def is_number(token):
    return re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?[a-z]*", token, re.I) is not None


# Each mutation takes the lines (the title is line 0) and a random source, and returns the
# mutated lines, or None when it does not apply to this netlist.
def delete_line(lines, rng):
    if len(lines) < 3:
        return None
    i = rng.randrange(1, len(lines))
    return lines[:i] + lines[i + 1:]


def duplicate_line(lines, rng):
    i = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    return lines[:i + 1] + [lines[i]] + lines[i + 1:]


def truncate(lines, rng):
    text = "\n".join(lines)
    cut = rng.randrange(len(text) // 3, len(text)) if len(text) > 3 else len(text)
    return text[:cut].split("\n")


def card_indices(lines, rng, wanted=None):
    indices = [i for i, line in enumerate(lines) if i > 0 and is_card(line)
               and (wanted is None or wanted(line))]
    rng.shuffle(indices)
    return indices


def swap_tokens(lines, rng):
    for i in card_indices(lines, rng, lambda line: len(line.split()) >= 3):
        tokens = lines[i].split()
        a, b = rng.sample(range(len(tokens)), 2)
        tokens[a], tokens[b] = tokens[b], tokens[a]
        return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def drop_token(lines, rng):
    for i in card_indices(lines, rng, lambda line: len(line.split()) >= 2):
        tokens = lines[i].split()
        del tokens[rng.randrange(1, len(tokens))]
        return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def bad_number(lines, rng):
    for i in card_indices(lines, rng):
        tokens = lines[i].split()
        numbers = [k for k, token in enumerate(tokens) if k > 0 and is_number(token)]
        if numbers:
            tokens[rng.choice(numbers)] = rng.choice(BAD_NUMBERS)
            return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def unknown_model(lines, rng):
    for i in card_indices(lines, rng, lambda line: line.strip()[0].lower() in "mdqj"
                          and len(line.split()) >= 4):
        tokens = lines[i].split()
        # The model is the first word after the nodes: the last plain word for these.
        words = [k for k, token in enumerate(tokens) if k > 2 and "=" not in token
                 and not is_number(token)]
        if words:
            tokens[words[0]] = "nosuchmodel"
            return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def unknown_subckt(lines, rng):
    for i in card_indices(lines, rng, lambda line: line.strip()[0].lower() == "x"):
        tokens = lines[i].split()
        plain = [k for k, token in enumerate(tokens) if k > 0 and "=" not in token
                 and token.lower() != "params:"]
        if plain:
            tokens[plain[-1]] = "nosuchckt"
            return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def unknown_parameter(lines, rng):
    for i in card_indices(lines, rng, lambda line: line.strip()[0].lower() in "rcl"):
        tokens = lines[i].split()
        if len(tokens) >= 4:
            tokens[3] = "{nosuch}"
            return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def garbage_line(lines, rng):
    garbage = rng.choice(["zz1 a b c", "%%%% ???", ".bogus card", "r9 onlyonenode",
                          "x9 a b", "+ stray continuation", ".model", ".subckt", ".ends",
                          ".endc", "v9 a 0 dc", "e9 a 0 b", ".param = 3", ".tran"])
    i = rng.randrange(1, len(lines) + 1) if len(lines) > 1 else 1
    return lines[:i] + [garbage] + lines[i:]


def unbalanced(lines, rng):
    for i in card_indices(lines, rng, lambda line: len(line.split()) >= 3):
        tokens = lines[i].split()
        k = rng.randrange(1, len(tokens))
        tokens[k] = tokens[k] + rng.choice(["(", "{", "'", ")", "}"])
        return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return None


def missing_include(lines, rng):
    for i in card_indices(lines, rng, lambda line: line.lower().startswith((".include", ".lib"))):
        tokens = lines[i].split()
        tokens[1] = "nosuch_" + os.path.basename(tokens[1].strip("'\""))
        return lines[:i] + [" ".join(tokens)] + lines[i + 1:]
    return lines[:1] + [".include nosuch.inc"] + lines[1:]


MUTATIONS = [delete_line, duplicate_line, truncate, swap_tokens, drop_token, bad_number,
             unknown_model, unknown_subckt, unknown_parameter, garbage_line, unbalanced,
             missing_include]


def make_mutants(root, workdir, count, seed):
    """Writes `count` mutants beside copies of their sources' folders (so that relative
    includes resolve); returns (mutant path, source, mutation) in order."""
    rng = random.Random(seed)
    netlists = sources(root)
    mutants = []
    copies = {}
    attempts = 0
    while len(mutants) < count and attempts < count * 20:
        attempts += 1
        source = netlists[len(mutants) % len(netlists)]
        folder = os.path.dirname(source)
        if folder not in copies:
            copies[folder] = os.path.join(workdir, "src%02d" % len(copies))
            shutil.copytree(folder, copies[folder])
        with open(source, errors="replace") as f:
            lines = f.read().split("\n")
        mutation = rng.choice(MUTATIONS)
        mutated = mutation(lines, rng)
        if mutated is None or mutated == lines:
            continue
        name = "m%03d_%s_%s" % (len(mutants), mutation.__name__,
                                os.path.basename(source).replace(".", "_")) + ".cir"
        path = os.path.join(copies[folder], name)
        with open(path, "w") as f:
            f.write("\n".join(mutated))
        mutants.append((path, os.path.relpath(source, root), mutation.__name__))
    return mutants


def failure_text(stderr):
    """What the CLI printed about a failure: stderr without its notes."""
    return "\n".join(line for line in stderr.splitlines()
                     if line.strip() and not line.startswith("wavebench-run: note:"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--workdir", default="/tmp/wavebench-mutants")
    p.add_argument("--mutants", type=int, default=360)
    p.add_argument("--seed", type=int, default=10)
    p.add_argument("--verbose", action="store_true")
    a = p.parse_args()
    a.cli, a.root, a.workdir = (os.path.abspath(x) for x in (a.cli, a.root, a.workdir))
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    mutants = make_mutants(a.root, a.workdir, a.mutants, a.seed)

    failing = naming = crashes = timeouts = 0
    messages = messages_naming = 0
    unnamed = []
    for index, (path, source, mutation) in enumerate(mutants):
        run_id = "m%03d" % index
        # A store of its own: a mutant killed at the timeout leaves its store open.
        store = os.path.join(a.workdir, run_id + ".h5")
        # In the work folder: ngspice writes BSIM check logs into the current one. A session
        # of its own, so that a timeout kills the engine process with the CLI.
        process = subprocess.Popen([a.cli, "run", path, "--out", store, "--run-id", run_id, "-q"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   cwd=a.workdir, start_new_session=True)
        try:
            out, err = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            timeouts += 1
            print(f"TIMEOUT {run_id} {mutation} of {source}")
            continue
        done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        if done.returncode < 0 or done.returncode > 4:
            crashes += 1
            print(f"CRASH {run_id} {mutation} of {source}: exit {done.returncode}\n"
                  f"  {done.stderr[-400:]}")
            continue
        if done.returncode == 0:
            continue
        failing += 1
        name = os.path.basename(path)
        texts = [("stderr", failure_text(done.stderr))]
        with h5py.File(store, "r") if os.path.isfile(store) else open(os.devnull) as f:
            if isinstance(f, h5py.File) and "runs" in f and run_id in f["runs"]:
                attrs = f["runs"][run_id].attrs
                if attrs["status"] != "ok":
                    texts.append(("stored message", str(attrs["message"])))
        all_named = True
        for where, text in texts:
            messages += 1
            if name in text:
                messages_naming += 1
            else:
                all_named = False
                unnamed.append(f"{run_id} {mutation} of {source} ({where}): {text[:300]!r}")
        naming += all_named
        if a.verbose:
            print(f"{run_id} {mutation:18} exit {done.returncode} "
                  f"{'names it' if all_named else 'DOES NOT NAME IT'}")

    for line in unnamed:
        print("UNNAMED " + line)
    print(f"{len(mutants)} mutants (seed {a.seed}): {failing} failed, {crashes} crashed, "
          f"{timeouts} timed out; {naming} of {failing} failing mutants name the netlist in "
          f"every message; {messages_naming} of {messages} failure messages name it")
    return 1 if unnamed or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
