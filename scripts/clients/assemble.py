"""Merges transcribe.py's rows with the rows written by hand (no recorded
hello) into wasm-core/data/clients.json, in a layout meant for review: one key
a line, lists on one line.

    python3 scripts/clients/assemble.py rows.json hand.json > wasm-core/data/clients.json
"""

import json
import sys


def dump(rows):
    out = ["{", ' "schema": "tlslens.clients/1",', ' "clients": [']
    for i, row in enumerate(rows):
        out.append("  {")
        items = list(row.items())
        for j, (k, v) in enumerate(items):
            if k == "rules":
                v = json.dumps(v, separators=(", ", ": "))
            else:
                v = json.dumps(v, separators=(", ", ": "), ensure_ascii=False)
            out.append(f'   "{k}": {v}' + ("," if j < len(items) - 1 else ""))
        out.append("  }" + ("," if i < len(rows) - 1 else ""))
    out += [" ]", "}"]
    return "\n".join(out) + "\n"


def main(rows_path, hand_path):
    rows = json.load(open(rows_path))
    hand = json.load(open(hand_path))
    for h in hand:
        after = h.pop("after")
        idx = next(i for i, r in enumerate(rows) if r["id"] == after)
        rows.insert(idx + 1, h)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    sys.stdout.write(dump(rows))


if __name__ == "__main__":
    main(*sys.argv[1:])
