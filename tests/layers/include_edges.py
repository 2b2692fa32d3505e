#!/usr/bin/env python3
"""The include graph between the folders of daemon/ and adapters/.

Each folder of daemon/ is one unit (daemon/redis/ is "redis"), and adapters/ with its
gateway subfolders is one more ("adapters": its registry builds every gateway, and every
gateway implements its interface, so they stand or fall together). An edge A -> B is a file
of A with `#include "B/..."`, or a Lua script of A pulling in a fragment of B
(`--!include B/x_lib.lua`).

  include_edges.py                 every edge, with its count and the files that make it
  include_edges.py --order         the folders in an order where every edge points left
                                   (fails with the cycle if there is none)
  include_edges.py --check FILE    FILE lists "folder: dep dep ..." (what CMake declared,
                                   build/layers/depends.txt); fails on an edge to a folder not
                                   declared, directly or through a declared folder.
"""
import argparse
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LUA_INCLUDE = re.compile(r'^--!include\s+(\S+)', re.M)
PATTERNS = {".h": INCLUDE, ".cpp": INCLUDE, ".lua": LUA_INCLUDE}


def unit_of_source(path):
    rel = path.relative_to(ROOT).parts
    if rel[0] == "daemon":
        return rel[1] if len(rel) > 2 else None  # daemon/main.cpp belongs to no folder
    if rel[0] == "adapters":
        return "adapters"
    return None


def unit_of_include(name):
    parts = name.split("/")
    if len(parts) < 2:
        return None
    if parts[0] == "adapters":
        return "adapters"
    if (ROOT / "daemon" / parts[0]).is_dir():
        return parts[0]
    return None  # proto/, generated files, system headers


def edges():
    found = collections.defaultdict(set)
    for top in ("daemon", "adapters"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix not in PATTERNS or "node_modules" in path.parts:
                continue
            src = unit_of_source(path)
            if src is None:
                continue
            for name in PATTERNS[path.suffix].findall(path.read_text(errors="replace")):
                dst = unit_of_include(name)
                if dst is not None and dst != src:
                    found[(src, dst)].add(str(path.relative_to(ROOT)) + " -> " + name)
    return found


def units(found):
    names = set()
    for top in ("daemon", "adapters"):
        for path in (ROOT / top).rglob("*"):
            if path.suffix in PATTERNS and "node_modules" not in path.parts:
                unit = unit_of_source(path)
                if unit:
                    names.add(unit)
    return names


def order(found):
    """Kahn's algorithm, lowest first; ties broken by name so the answer is stable."""
    deps = collections.defaultdict(set)
    for src, dst in found:
        deps[src].add(dst)
    remaining = set(units(found))
    done = []
    while remaining:
        ready = sorted(u for u in remaining if not (deps[u] & remaining))
        if not ready:
            return None, remaining
        done.extend(ready)
        remaining -= set(ready)
    return done, None


def closure(declared, unit):
    seen, pending = set(), list(declared.get(unit, ()))
    while pending:
        dep = pending.pop()
        if dep not in seen:
            seen.add(dep)
            pending.extend(declared.get(dep, ()))
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--order", action="store_true")
    parser.add_argument("--check", metavar="FILE")
    args = parser.parse_args()
    found = edges()
    if args.check:
        declared = {}
        for line in pathlib.Path(args.check).read_text().splitlines():
            if ":" in line:
                unit, deps = line.split(":", 1)
                declared[unit.strip()] = deps.split()
        bad = 0
        for (src, dst), files in sorted(found.items()):
            if src not in declared:
                print(f"{src}: not a declared folder library (tocsin_folder in CMakeLists.txt)")
                bad += 1
            elif dst not in closure(declared, src):
                print(f"{src} may not include {dst} (not in its DEPENDS):")
                for f in sorted(files):
                    print("    " + f)
                bad += 1
        if bad:
            return 1
        print(f"{len(found)} folder edges, all within the declared DEPENDS")
        return 0
    if args.order:
        done, cycle = order(found)
        if done is None:
            print("no layering: these folders include each other in a cycle:")
            for (src, dst) in sorted(found):
                if src in cycle and dst in cycle:
                    print(f"  {src} -> {dst}")
            return 1
        print("\n".join(done))
        return 0
    for (src, dst), files in sorted(found.items()):
        print(f"{src} -> {dst} ({len(files)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
