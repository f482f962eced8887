#!/usr/bin/env python3
"""Lists the Rust functions longer than a limit (default 120 lines).

    python3 scripts/long-functions.py [--max N] [DIR...]   (default: relay/src wasm-core/src)

A function spans from its `fn` line to the line of its closing brace; braces
inside strings, chars and comments are skipped. Exit status 1 when any
function is over the limit (the rule of docs/DEVELOPING.md), 0 otherwise.
"""

import argparse
import pathlib
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?(extern\s+\"[^\"]*\"\s+)?fn\s+(\w+)")


def strip(line, state):
    """The line without string/char/comment contents; `state` carries a
    block comment or a raw/normal string across lines."""
    out = []
    i = 0
    while i < len(line):
        if state["block"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block"] = False
            i = end + 2
            continue
        if state["string"] is not None:
            close = state["string"]
            if close == '"':
                if line[i] == "\\":
                    i += 2
                    continue
                if line[i] == '"':
                    state["string"] = None
                i += 1
                continue
            end = line.find(close, i)
            if end < 0:
                return "".join(out)
            state["string"] = None
            i = end + len(close)
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"] = True
            i += 2
            continue
        m = re.match(r'b?r(#*)"', line[i:])
        if m:
            state["string"] = '"' + m.group(1)
            i += len(m.group(0))
            continue
        if c == '"':
            state["string"] = '"'
            i += 1
            continue
        m = re.match(r"b?'(\\.|[^\\'])'", line[i:])
        if m:
            i += len(m.group(0))
            continue
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    state = {"block": False, "string": None}
    code = [strip(line, state) for line in lines]
    for start, line in enumerate(code):
        m = FN.match(line)
        if not m:
            continue
        depth = 0
        opened = False
        for end in range(start, len(code)):
            for ch in code[end]:
                if ch == "{":
                    depth += 1
                    opened = True
                elif ch == "}":
                    depth -= 1
                elif ch == ";" and not opened and depth == 0:
                    break  # a declaration without a body
            else:
                if opened and depth == 0:
                    yield m.group(7), start + 1, end - start + 1
                    break
                continue
            break


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=120)
    ap.add_argument("dirs", nargs="*", default=["relay/src", "wasm-core/src"])
    args = ap.parse_args()
    over = []
    for d in args.dirs:
        for path in sorted(pathlib.Path(d).rglob("*.rs")):
            for name, line, length in functions(path):
                if length > args.max:
                    over.append((length, f"{path}:{line}", name))
    for length, where, name in sorted(over, reverse=True):
        print(f"{length:5} lines  {where}  fn {name}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
