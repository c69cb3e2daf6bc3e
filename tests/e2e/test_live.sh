#!/bin/bash
# End to end on the machine the tests run on: `kenshin scan` of / must finish, exit 0 or 1, and
# produce every report format; JSON must list every catalog item with a verdict.
set -u
kenshin=$1
work=$(mktemp -d /tmp/kenshin-live-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
for fmt in text json html csv; do
	"$kenshin" scan --format $fmt --output "$work/out.$fmt" 2> "$work/err.$fmt"
	rc=$?
	if [ $rc -gt 1 ] || [ ! -s "$work/out.$fmt" ]; then
		echo "FAIL live scan --format $fmt: exit $rc"; cat "$work/err.$fmt"; fail=1
	fi
done
python3 - "$work/out.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["schema"] == "kenshin.scan/1"
items = [r["item"] for r in d["results"]]
assert len(items) == 18 and "2-7" in items and "2-10" in items, items
for r in d["results"]:
    assert r["verdict"] in ("pass", "fail", "unknown", "manual", "na"), r
    if r["verdict"] in ("pass", "fail"):
        assert r["evidence"], r["item"]
print("live:", {k: v for k, v in d["summary"].items()}, "host", d["host"]["hostname"])
PY
grep -q '<!DOCTYPE html>' "$work/out.html" || { echo "FAIL html"; fail=1; }
head -1 "$work/out.csv" | grep -q '"item"' || { echo "FAIL csv header"; fail=1; }
"$kenshin" --version | grep -q '^kenshin ' || fail=1
"$kenshin" scan --help | grep -q -- '--root' || fail=1
"$kenshin" explain 2-7 --lang ja | grep -q 'パスワード' || { echo "FAIL explain"; fail=1; }
"$kenshin" scan --format nope > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: bad --format must exit 2"; fail=1; }
"$kenshin" scan --set nosuch=1 > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: unknown --set must exit 2"; fail=1; }
"$kenshin" scan --root /nonexistent > /dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL: bad --root must exit 2"; fail=1; }
exit $fail
