#!/usr/bin/env python3
"""Independent oracle for `kenshin checklist --format json`: recomputes every item's marks from the
scan result files with the rules of issue 4 and compares them with what kenshin wrote.

usage: check_checklist.py CHECKLIST.json NOW_EPOCH RESULT.json...
"""
import datetime
import json
import sys

CATS = ["server", "terminal", "network"]
RANK = {"na": 0, "yes": 1, "nohost": 2, "unanswered": 3, "check": 4, "no": 5}


def jst_day(iso):
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return (t + datetime.timedelta(hours=9)).date().isoformat()


def epoch(iso):
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp())


def worse(a, b):
    return b if RANK[b] > RANK[a] else a


def load_hosts(files):
    hosts = []
    for f in files:
        d = json.load(open(f, encoding="utf-8"))
        h = d["host"]
        hosts.append({
            "file": f, "name": h.get("hostname") or "", "role": h["role"],
            "id": h.get("machine_id") or "", "at": d["scanned_at"],
            "verdicts": {r["item"]: r["verdict"] for r in d["results"]},
        })
    # The newest result of each machine is used.
    keep = {}
    for h in hosts:
        key = ("id", h["id"]) if h["id"] else ("name", h["name"])
        if key not in keep or (h["at"], h["file"]) > (keep[key]["at"], keep[key]["file"]):
            keep[key] = h
    return list(keep.values())


def expect_item(item, hosts, now, max_age):
    ans = item["answer"]
    people = {"yes": "yes", "no": "no"}.get(ans, "unanswered")
    cells = {}
    oldest = None
    for c in CATS:
        if c not in item["targets"]:
            cells[c] = {"applies": False, "mark": "na"}
            continue
        hs = [h for h in hosts if h["role"] == c]
        fail = sorted(h["name"] for h in hs if h["verdicts"].get(item["item"]) == "fail")
        unknown = sorted(h["name"] for h in hs if h["verdicts"].get(item["item"], "missing") in ("unknown", "missing"))
        waived = sorted(h["name"] for h in hs if h["verdicts"].get(item["item"]) == "waived")
        vs = [h["verdicts"].get(item["item"], "missing") for h in hs]
        if not hs:
            mark = "nohost"
        elif fail:
            mark = "no"
        elif unknown:
            mark = "check"
        elif "manual" in vs:
            mark = people
        elif "pass" in vs or waived:
            mark = "yes"
        else:
            mark = "na"
        stale = 0
        for h in hs:
            if h["verdicts"].get(item["item"]) == "na":
                continue
            d = jst_day(h["at"])
            oldest = d if oldest is None or d < oldest else oldest
            stale += now - epoch(h["at"]) > max_age * 86400
        cells[c] = {"applies": True, "mark": mark, "hosts": len(hs), "failing": fail,
                    "unknown_hosts": unknown, "waived_hosts": waived, "stale": stale}
    if not item["targets"]:
        final = people
    else:
        applying = [cells[c] for c in CATS if cells[c]["applies"]]
        final = "na"
        for cell in applying:
            final = worse(final, people if cell["mark"] == "nohost" else cell["mark"])
        if all(cell["mark"] == "nohost" for cell in applying) and people == "unanswered":
            final = "nohost"
        if people == "no":
            final = "no"
    confirmed = oldest
    if ans and item["answer_confirmed"] and (confirmed is None or item["answer_confirmed"] < confirmed):
        confirmed = item["answer_confirmed"]
    conflict = ans == "yes" and any(cells[c].get("failing") for c in CATS)
    return cells, final, confirmed, conflict


def main():
    out = json.load(open(sys.argv[1], encoding="utf-8"))
    now = int(sys.argv[2])
    hosts = load_hosts(sys.argv[3:])
    max_age = out["max_result_age_days"]
    errors = []
    assert out["schema"] == "kenshin.checklist/1", out["schema"]
    if out["hosts"]["total"] != len(hosts):
        errors.append(f"hosts.total {out['hosts']['total']} != {len(hosts)}")
    for c in CATS:
        n = sum(1 for h in hosts if h["role"] == c)
        if out["hosts"][c] != n:
            errors.append(f"hosts.{c} {out['hosts'][c]} != {n}")
    stale = sum(1 for h in hosts if now - epoch(h["at"]) > max_age * 86400)
    if out["hosts"]["stale"] != stale:
        errors.append(f"hosts.stale {out['hosts']['stale']} != {stale}")
    summary = {m: 0 for m in RANK}
    for item in out["items"]:
        cells, final, confirmed, conflict = expect_item(item, hosts, now, max_age)
        summary[final] += 1
        where = item["item"]
        if item["mark"] != final:
            errors.append(f"{where}: mark {item['mark']} != expected {final}")
        if item["confirmed"] != confirmed:
            errors.append(f"{where}: confirmed {item['confirmed']} != expected {confirmed}")
        if item["conflict"] != conflict:
            errors.append(f"{where}: conflict {item['conflict']} != expected {conflict}")
        if item["target_missing"] != (final == "no" and item["target"] is None):
            errors.append(f"{where}: target_missing wrong")
        for c in CATS:
            got, exp = item["categories"][c], cells[c]
            for k, v in exp.items():
                if got[k] != v:
                    errors.append(f"{where}/{c}: {k} {got[k]!r} != expected {v!r}")
    for m, n in summary.items():
        if out["summary"][m] != n:
            errors.append(f"summary.{m} {out['summary'][m]} != {n}")
    # The evidence table: one row per item on the form and host the item targets.
    rows = [(r["item"], r["host"], r["verdict"]) for r in out["results"]]
    order = {"server": 0, "terminal": 1, "network": 2}
    hs = sorted(hosts, key=lambda h: (order[h["role"]], h["name"], h["file"]))
    want = [(it["item"], h["name"], h["verdicts"].get(it["item"], "missing"))
            for it in out["items"] for h in hs if h["role"] in it["targets"]]
    if rows != want:
        errors.append(f"results table differs: {len(rows)} rows vs {len(want)} expected")
    if [a["hostname"] for a in out["assets"]] != [h["name"] for h in hs]:
        errors.append("asset ledger differs from the hosts")
    for e in errors:
        print("check_checklist:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
