"""Prints the directories of the workspace packages that the named packages are built from:
the packages themselves and their workspace dependencies (normal and build, transitively), one
per line, relative to the workspace root. `.ci/run` hashes them (with the specs and its own
scripts) to decide whether a step's inputs changed since it last passed.

Usage: cargo metadata --format-version 1 --locked | python3 .ci/inputs.py PACKAGE...
"""

import json
import os
import sys

metadata = json.load(sys.stdin)
root = metadata["workspace_root"]
members = set(metadata["workspace_members"])
packages = {p["id"]: p for p in metadata["packages"]}
by_name = {packages[i]["name"]: i for i in members}
nodes = {n["id"]: n for n in metadata["resolve"]["nodes"]}

missing = [name for name in sys.argv[1:] if name not in by_name]
if missing:
    sys.exit(f"inputs.py: no workspace package named {', '.join(missing)}")

seen = set()
pending = [by_name[name] for name in sys.argv[1:]]
while pending:
    package = pending.pop()
    if package in seen or package not in members:
        continue
    seen.add(package)
    for dep in nodes[package]["deps"]:
        if any(kind["kind"] in (None, "build") for kind in dep["dep_kinds"]):
            pending.append(dep["pkg"])

for package in sorted(seen, key=lambda p: packages[p]["name"]):
    directory = os.path.dirname(packages[package]["manifest_path"])
    print(os.path.relpath(directory, root))
