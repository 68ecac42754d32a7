#!/usr/bin/python3
"""The folders are the architecture: checks what the compiler cannot.

- Each folder includes only folders below it (docs/architecture.md):
  base <- crefs <- design <- design/asdl <- netlist <- store <- engine <- jobs
       <- ui/plot <- ui/design <- ui/runs <- ui/jobs <- ui/window <- app.
- No include cycle between files.
- HDF5 stays private to core/store: no file outside it includes hdf5.h or one of the
  store's private headers, and no header of the store that others include does.
- Every header that declares a class or struct states its thread ("Thread", "thread" or
  "Pure logic").
Prints one line per problem, naming the file and line, and exits 1 when there is any.
"""
import pathlib
import re
import sys

LAYERS = ["core/base", "core/analysis", "core/crefs", "core/design", "core/design/asdl", "core/netlist",
          "core/store", "core/engine", "core/jobs", "ui/plot", "ui/design", "ui/runs",
          "ui/jobs", "ui/workbook", "ui/window", "app"]
STORE_PRIVATE = {"core/store/dimension_scales.h", "core/store/h5_handle.h", "core/store/h5_writer.h",
                 "core/store/journal_driver.h", "core/store/run_copy.h",
                 "core/store/measurement_store.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
DECLARES = re.compile(r"^\s*(class|struct)\s+\w+[^;]*$", re.M)


def layer_of(path):
    folder = str(path.parent)
    return LAYERS.index(folder) if folder in LAYERS else None


def main(folder=None):
    root = pathlib.Path(folder or (sys.argv[1] if len(sys.argv) > 1 else ".")).resolve()
    files = sorted(p.relative_to(root) for top in ("core", "ui", "app")
                   for p in (root / top).rglob("*") if p.suffix in (".h", ".cpp"))
    problems = []
    graph = {}
    for path in files:
        text = (root / path).read_text()
        source_layer = layer_of(path)
        if source_layer is None:
            problems.append(f"{path}: in no folder of the architecture")
            continue
        graph[str(path)] = []
        for match in INCLUDE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            quote, name = match.groups()
            where = f"{path}:{line}"
            if quote == "<":
                if name.startswith(("hdf5", "H5")) and not str(path).startswith("core/store/"):
                    problems.append(f"{where}: includes <{name}> outside core/store")
                continue
            target = pathlib.Path(name)
            if not (root / target).exists():
                if not name.endswith(".moc"):
                    problems.append(f"{where}: \"{name}\" is not a path from the project root")
                continue
            graph[str(path)].append(name)
            target_layer = layer_of(target)
            if target_layer is not None and target_layer > source_layer:
                problems.append(f"{where}: {path.parent} includes {target.parent}, a folder "
                                f"above it ({name})")
            if name in STORE_PRIVATE and not str(path).startswith("core/store/"):
                problems.append(f"{where}: {name} is private to core/store")
        if path.suffix == ".h" and DECLARES.search(text) and not re.search(
                r"[Tt]hread|Pure logic", text):
            problems.append(f"{path}: declares a class but does not state its thread")

    # Public store headers must not reach hdf5.h through private ones.
    for name in graph:
        if name.startswith("core/store/") and name.endswith(".h") and name not in STORE_PRIVATE:
            for target in graph[name]:
                if target in STORE_PRIVATE:
                    problems.append(f"{name}: a public store header includes {target}")

    # File cycles, by depth-first search.
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for target in graph.get(node, []):
            # A .cpp and its own header form no cycle through each other.
            if state.get(target) == 1:
                cycle = stack[stack.index(target):] + [target]
                problems.append("include cycle: " + " -> ".join(cycle))
            elif state.get(target) is None:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    headers = {n for n in graph if n.endswith(".h")}
    for name in sorted(headers):
        if state.get(name) is None:
            visit(name, [])
    # .cpp files: a header that includes a .cpp's dependents is a cycle at the class level.
    for name in sorted(graph):
        if name.endswith(".cpp"):
            own = name[:-4] + ".h"
            for target in graph[name]:
                if target != own and own in reachable(graph, target, headers):
                    problems.append(f"class cycle: {name} uses {target}, which includes {own}")

    for p in problems:
        print(p)
    print(f"{len(files)} files, {sum(len(v) for v in graph.values())} includes, "
          f"{len(problems)} problems")
    return 1 if problems else 0


def reachable(graph, start, headers):
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo.extend(t for t in graph.get(node, []) if t in headers)
    return seen


def self_test():
    """The check must catch what it is there to catch: a planted tree of each fault."""
    import tempfile
    planted = {
        "core/base/low.h": '#pragma once\n#include "core/crefs/high.h"\n// Pure logic.\n',
        "core/crefs/high.h": '#pragma once\n// Pure logic.\nclass High {};\n',
        "core/design/a.h": '#pragma once\n#include "core/design/b.h"\n// Pure logic.\n',
        "core/design/b.h": '#pragma once\n#include "core/design/a.h"\n// Pure logic.\n',
        "ui/plot/plot.h": '#pragma once\n#include <hdf5.h>\nclass Plot {\n};\n',
        "core/engine/e.cpp": '#include "core/store/h5_handle.h"\n',
        "core/store/h5_handle.h": '#pragma once\n#include <hdf5.h>\n// Thread: any.\n',
    }
    expected = ["core/crefs, a folder above it", "include cycle", "includes <hdf5.h> outside",
                "private to core/store", "does not state its thread"]
    with tempfile.TemporaryDirectory() as folder:
        for name, text in planted.items():
            path = pathlib.Path(folder) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        import io, contextlib
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = main(folder)
    missed = [e for e in expected if e not in out.getvalue()]
    for e in missed:
        print(f"self-test: the check missed a planted fault: {e}")
    return 1 if missed or status != 1 else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        sys.exit(self_test())
    sys.exit(main())
