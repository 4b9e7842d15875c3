#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check zcrxctl's Prometheus exposition on stdin with Prometheus's own
Python parser (Debian's python3-prometheus-client), plus the conventions
the parser does not enforce: every family declared with HELP and TYPE,
counters named *_total, zcrx_ snake_case names, the per-binding labels,
no sample twice.

  check-prometheus.py [--expect JSON]... < exposition

--expect '{"name": N, "labels": {...}, "value": V}' requires the sample N
with exactly those labels and that value ("NaN" for NaN).  Exit 0 and one
summary line when all holds; 1 and the problems otherwise.
"""
import json
import math
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

BINDING_LABELS = {"nic", "queue", "macvtap", "owner"}
NAME = re.compile(r"^zcrx_[a-z0-9]+(_[a-z0-9]+)*$")


def main(argv):
    expects = []
    args = argv[1:]
    while args:
        if args[0] != "--expect" or len(args) < 2:
            print(__doc__, file=sys.stderr)
            return 2
        expects.append(json.loads(args[1]))
        args = args[2:]

    text = sys.stdin.read()
    problems = []
    # The parser reads a family's TYPE and HELP only where they appear;
    # check that they precede the samples, as the format requires.
    declared = set()
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# TYPE "):
            fields = line.split()
            declared.add(fields[2])
            # The parser renames a counter's samples to *_total itself.
            if fields[3:] == ["counter"] and not fields[2].endswith("_total"):
                problems.append(f"line {number}: counter {fields[2]} not named *_total")
        elif line and not line.startswith("#"):
            name = re.split(r"[{ ]", line, 1)[0]
            if name not in declared:
                problems.append(f"line {number}: {name} has no TYPE before it")
    if text and not text.endswith("\n"):
        problems.append("the last line does not end in a newline")

    try:
        families = list(text_string_to_metric_families(text))
    except Exception as e:  # the parser raises ValueError and others
        print(f"not valid Prometheus text: {e!r}")
        return 1

    samples = {}
    for family in families:
        if family.type == "unknown":
            problems.append(f"{family.name}: no TYPE")
        if not family.documentation:
            problems.append(f"{family.name}: no HELP")
        for s in family.samples:
            if not NAME.match(s.name):
                problems.append(f"{s.name}: not a zcrx_ snake_case name")
            if family.name != "zcrx_bindings" and not BINDING_LABELS <= set(s.labels):
                problems.append(f"{s.name}: labels {sorted(s.labels)} lack "
                                f"{sorted(BINDING_LABELS - set(s.labels))}")
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in samples:
                problems.append(f"{s.name}{s.labels}: given twice")
            samples[key] = s.value

    for e in expects:
        key = (e["name"], tuple(sorted(e.get("labels", {}).items())))
        if key not in samples:
            problems.append(f"missing sample {e['name']}{e.get('labels', {})}")
            continue
        got, want = samples[key], e["value"]
        same = (math.isnan(got) and want == "NaN") if want == "NaN" else got == float(want)
        if not same:
            problems.append(f"{e['name']}{e.get('labels', {})}: {got}, want {want}")

    if problems:
        print("\n".join(problems))
        return 1
    print(f"ok: {len(families)} families, {len(samples)} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
