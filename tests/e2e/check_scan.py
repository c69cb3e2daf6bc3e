#!/usr/bin/env python3
"""Checks one `kenshin scan --format json` result against a fixture's `expect` file.

expect lines:  verdict=pass|fail|unknown|manual|na|waived   (required)
               waiver_expired=1   the result carries an expired waiver
               source=SUBSTRING   an evidence source of the item must contain it (repeatable)
               fact=SUBSTRING     an evidence fact name of the item must contain it (repeatable)
               role=..., set=NAME=VALUE, item=ID, profile=NAME, waivers=FILE   (read by the shell runner)
"""
import json
import sys


def main():
    item, expect_path, result_path = sys.argv[1:4]
    with open(result_path, encoding="utf-8") as f:
        doc = json.load(f)
    assert doc["schema"] == "kenshin.scan/1", doc.get("schema")
    results = {r["item"]: r for r in doc["results"]}
    if item not in results:
        print(f"item {item} missing from the result")
        return 1
    r = results[item]
    errors = []
    for line in open(expect_path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if key == "verdict" and r["verdict"] != value:
            errors.append(f"verdict {r['verdict']}, expected {value}")
        elif key == "source" and not any(value in (e.get("source") or "") for e in r["evidence"]):
            errors.append(f"no evidence source contains {value!r}")
        elif key == "waiver_expired" and not (r.get("waiver") or {}).get("expired"):
            errors.append("expected an expired waiver on the result")
        elif key == "fact" and not any(value in (e.get("fact") or "") for e in r["evidence"]):
            errors.append(f"no evidence fact contains {value!r}")
    if r.get("rule_error"):
        errors.append("rule error: " + r["rule_error"])
    if errors:
        print(f"{item}: " + "; ".join(errors))
        print(json.dumps(r, ensure_ascii=False, indent=1)[:3000])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
