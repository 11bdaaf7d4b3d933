#!/usr/bin/env python3
"""Merges two runs of `licentia-node benchmark pallet` for one pallet: writes NEW with each
execution-time figure (a call's base, and its slope per component) raised to BASELINE's where
BASELINE's is larger, for the calls both measured. Storage reads, writes and proof sizes are
NEW's (they follow the code as it is now). On a noisy machine one run can measure a call 20%
faster than the last; the weights then keep the slower measurement rather than let the chain
admit more than it can execute.

usage: weights-max.py BASELINE NEW   (NEW is rewritten in place)"""
import re
import sys

FN = re.compile(r'(\tfn (\w+)\([^)]*\) -> Weight \{\n)(.*?)(\n\t\})', re.S)
TERM = re.compile(r'Weight::from_parts\(([\d_]+), (\d+)\)(\.saturating_mul\((\w)\.into\(\)\))?')


def functions(text):
    found = {}
    for m in FN.finditer(text):
        found.setdefault(m.group(2), []).append(m.group(3))
    return found


def main(baseline_path, new_path):
    baseline = functions(open(baseline_path).read())
    new = open(new_path).read()
    seen = {}

    def merge(m):
        name, body = m.group(2), m.group(3)
        k = seen.get(name, 0)
        seen[name] = k + 1
        if k >= len(baseline.get(name, [])):
            return m.group(0)
        old = {}
        for t in TERM.finditer(baseline[name][k]):
            old.setdefault(t.group(4), []).append(int(t.group(1).replace('_', '')))
        used = {}

        def raise_term(t):
            var, value = t.group(4), int(t.group(1).replace('_', ''))
            i = used.get(var, 0)
            used[var] = i + 1
            if value == 0 or i >= len(old.get(var, [])) or old[var][i] <= value:
                return t.group(0)
            larger = f"{old[var][i]:,}".replace(',', '_')
            return t.group(0).replace(t.group(1), larger, 1)

        return m.group(1) + TERM.sub(raise_term, body) + m.group(4)

    merged = FN.sub(merge, new)
    note = ("//! Execution times raised to those of the weights before this run where those were larger\n"
            "//! (`BASELINE`, scripts/lib/weights-max.py).\n")
    merged = merged.replace("//! HOST ", note + "//! HOST ", 1)
    open(new_path, 'w').write(merged)


if __name__ == '__main__':
    main(*sys.argv[1:3])
