#!/usr/bin/python3
"""The store's names in Python (python/wavebench/layout.py) are the C++ ones
(core/store/store_layout.h): the same constants with the same values, none missing."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "python"))
from wavebench import layout  # noqa: E402

header = (root / "core/store/store_layout.h").read_text()
cpp = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper(): value
       for name, value in re.findall(r'inline constexpr const char\* k(\w+) = "([^"]+)";', header)}
py = {name: value for name, value in vars(layout).items() if name.isupper()}
problems = [f"{name}: C++ {cpp.get(name)!r}, Python {py.get(name)!r}"
            for name in sorted(set(cpp) | set(py)) if cpp.get(name) != py.get(name)]
if len(cpp) < 30:
    problems.append(f"only {len(cpp)} names read from store_layout.h")
for p in problems:
    print(p)
print(f"{len(cpp)} names compared, {len(problems)} problems")
sys.exit(1 if problems else 0)
