"""Compares the runs of two Wavebench stores, as h5py reads them.

Used by the tests that claim two ways of running a job give the same store (--jobs 1 and
--jobs N, a Slurm array and a local run, a merge cut short and re-run): every run group,
every dataset's dtype, shape and values (bit for bit), every attribute, and what each
object reference (dimension scales) points at, must be equal; only what differs by nature
between two runs of the same point is left out:

- the run attributes `started` and `finished` (wall-clock times);
- lines of logs/ngspice.txt that report this process's time or memory ("Total analysis
  time", "Current ngspice program size", ...), which differ every run even in ngspice -b;
- the one line that tells how the point's circuit was loaded: "Note: No compatibility mode
  selected!" of a fresh load or "Reset re-loads circuit ..." of a point whose engine reloaded
  the previous point's deck (CircuitReload), which depends on which engine ran what before.

Run from the command line: `store_compare.py A.h5 B.h5` prints the differences and exits 1
when there are any.
"""

import re
import sys

import h5py
import numpy as np

VOLATILE_RUN_ATTRS = {"started", "finished"}
# What ngspice's `rusage` and end-of-run statistics print: times and memory of this process.
VOLATILE_LOG_LINE = re.compile(
    r"(Total (analysis|elapsed) time|Total DRAM available|DRAM currently available|"
    r"(Maximum|Current) ngspice program size|Shared ngspice pages|Text \(code\) pages|"
    r"Stack = |Library pages|"
    # How the point's circuit was loaded: a fresh load's note, or a reload of the previous
    # point's deck (CircuitReload); which one depends on what the engine ran before.
    r"Note: No compatibility mode selected!|Reset re-loads circuit )"
)


def _attr_value(f, value):
    """An attribute as comparable Python data; references become the paths they name."""
    if isinstance(value, h5py.Reference):
        return ("ref", f[value].name if value else None)
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind == "V" or value.dtype.names:
            return tuple(_attr_value(f, v) for v in value.flat)
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.void):
        return tuple(_attr_value(f, v) for v in value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _log_text(data):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return [line for line in text.splitlines() if not VOLATILE_LOG_LINE.search(line)]


def _dataset_value(name, dataset):
    data = dataset[()]
    if name.endswith("logs/ngspice.txt"):
        return ("log", tuple(_log_text(data)))
    if isinstance(data, bytes):
        return ("bytes", data)
    if isinstance(data, np.ndarray):
        if data.dtype == object:
            return ("objects", tuple(_attr_value(dataset.file, v) for v in data.flat))
        return ("array", data.dtype.str, data.shape, data.tobytes())
    if isinstance(data, np.generic):
        return ("scalar", np.asarray(data).tobytes())  # bits: a NaN equals itself
    return ("scalar", _attr_value(dataset.file, data))


def describe_run(f, run_id):
    """{relative path: (kind, attributes, value)} of everything in /runs/<run_id>."""
    group = f["runs"][run_id]
    out = {}

    def attrs_of(obj, is_run):
        attrs = {}
        for key, value in obj.attrs.items():
            if is_run and key in VOLATILE_RUN_ATTRS:
                continue
            attrs[key] = _attr_value(f, value)
        return attrs

    out["."] = ("group", attrs_of(group, True), None)

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = ("dataset", attrs_of(obj, False), _dataset_value(name, obj))
        else:
            out[name] = ("group", attrs_of(obj, False), None)

    group.visititems(visit)
    return out


def run_ids(path):
    with h5py.File(path, "r") as f:
        return sorted(f["runs"].keys()) if "runs" in f else []


def compare(path_a, path_b, runs=None):
    """The differences between the runs of two stores, as readable lines; [] when equal.

    `runs`: the run ids to compare (default: all of either store)."""
    differences = []
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        ids_a = set(a["runs"].keys()) if "runs" in a else set()
        ids_b = set(b["runs"].keys()) if "runs" in b else set()
        wanted = set(runs) if runs is not None else ids_a | ids_b
        for run_id in sorted(wanted - ids_a):
            differences.append(f"{run_id}: only in {path_b}")
        for run_id in sorted(wanted - ids_b):
            differences.append(f"{run_id}: only in {path_a}")
        for run_id in sorted(wanted & ids_a & ids_b):
            da, db = describe_run(a, run_id), describe_run(b, run_id)
            for name in sorted(set(da) | set(db)):
                if name not in da or name not in db:
                    where = path_b if name not in da else path_a
                    differences.append(f"{run_id}/{name}: only in {where}")
                    continue
                kind_a, attrs_a, value_a = da[name]
                kind_b, attrs_b, value_b = db[name]
                if kind_a != kind_b:
                    differences.append(f"{run_id}/{name}: {kind_a} against {kind_b}")
                for key in sorted(set(attrs_a) | set(attrs_b)):
                    if attrs_a.get(key) != attrs_b.get(key):
                        differences.append(
                            f"{run_id}/{name} @{key}: {attrs_a.get(key)!r:.120} against "
                            f"{attrs_b.get(key)!r:.120}"
                        )
                if value_a != value_b:
                    differences.append(f"{run_id}/{name}: values differ")
    return differences


def main(argv):
    if len(argv) != 3:
        print("usage: store_compare.py A.h5 B.h5", file=sys.stderr)
        return 2
    differences = compare(argv[1], argv[2])
    for line in differences:
        print(line)
    print(f"{len(differences)} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
