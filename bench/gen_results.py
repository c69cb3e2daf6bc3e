#!/usr/bin/env python3
"""Makes N scan results for the checklist benchmark from real `kenshin scan --format json` outputs:
each copy gets its own host name, machine id, role and scan time, and a few verdicts changed, so the
merge does real work. The evidence stays as the scanner wrote it, so file sizes are realistic.

usage: gen_results.py OUTDIR N TEMPLATE.json...   (seeded: the same arguments give the same files)
"""
import json
import os
import random
import sys


def main():
    out, n, templates = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(20251122)
    docs = [json.load(open(t, encoding="utf-8")) for t in templates]
    # A large hospital: about one server for every ten terminals, a few network devices.
    roles = ["server"] * 10 + ["terminal"] * 85 + ["network"] * 5
    base = 1763769600  # 2025-11-22T00:00:00Z
    for i in range(n):
        d = docs[i % len(docs)]
        role = roles[rnd.randrange(len(roles))]
        prefix = {"server": "srv", "terminal": "pc", "network": "net"}[role]
        d["host"]["hostname"] = f"{prefix}{i:05d}"
        d["host"]["machine_id"] = f"{rnd.getrandbits(128):032x}"
        d["host"]["role"] = role
        t = base - rnd.randrange(0, 40 * 86400)
        d["scanned_at"] = "%04d-%02d-%02dT%02d:%02d:%02dZ" % __import__("time").gmtime(t)[:6]
        saved = [r["verdict"] for r in d["results"]]
        for r in d["results"]:
            if r["verdict"] in ("pass", "fail", "unknown") and rnd.random() < 0.1:
                r["verdict"] = rnd.choice(["pass", "fail", "unknown"])
        with open(os.path.join(out, f"{i:05d}.json"), "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False, indent=2)
        for r, v in zip(d["results"], saved):
            r["verdict"] = v


if __name__ == "__main__":
    main()
