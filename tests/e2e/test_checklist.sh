#!/bin/bash
# kenshin checklist end to end: three fixture hosts (two servers, one terminal) are scanned with
# `kenshin scan`, then merged with an answers file into every format. The JSON is checked against
# an independent oracle (check_checklist.py) and rule by rule below; the other formats against it.
set -u
kenshin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/kenshin-checklist-XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
now=1763769600          # 2025-11-22T00:00:00Z, inside 令和7年度
later=$((now + 86400))  # the checklist is made a day after the scans
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

. "$here/checklist_hosts.sh"
standard_hosts
results=("$work/results/srv01.json" "$work/results/srv02.json" "$work/results/pc01.json")

cat > "$work/answers.yaml" <<'YAML'
facility:
  name: "テスト記念病院"
  type: 病院
fiscal_year: 令和7年度
confirmed_by:
  name: "山田 花子"
  title: "医療情報システム安全管理責任者"
items:
  "1-1":
    answer: はい
    confirmed: 2025-06-02
    evidence:
      - document: "安全管理責任者 任命書"
        version: "2025-04-01"
        location: "総務課"
  "2-11":
    answer: はい          # contradicted by both servers: the form must still say いいえ
    confirmed: 2025-11-20
  "2-6":
    target: 2025-12-26
    note: "月次の更新作業で適用する"
  "3-3":
    answer: いいえ
    confirmed: 2025-07-01
    target: 2026-02-27
    note: "BCP 草案を作成中"
YAML

cl() { "$kenshin" checklist --answers "$work/answers.yaml" --now "$later" "$@" "${results[@]}"; }

for fmt in json csv html text; do
	cl --format "$fmt" --lang ja --output "$work/out.$fmt" 2>"$work/err.$fmt"
	rc=$?
	[ $rc -eq 1 ] || { fail "--format $fmt exits $rc, expected 1 (some items are not はい)"; cat "$work/err.$fmt"; }
	[ -s "$work/out.$fmt" ] || fail "--format $fmt wrote nothing"
done
cl --format xlsx --lang ja --output "$work/out.xlsx" 2>"$work/err.xlsx"
[ -s "$work/out.xlsx" ] || fail "--format xlsx wrote nothing"

python3 "$here/check_checklist.py" "$work/out.json" "$later" "${results[@]}" || fail "oracle disagrees"

# Rule by rule, with the values this scenario must give.
python3 - "$work/out.json" <<'PY' || fail "rule checks"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
items = {i["item"]: i for i in d["items"]}
bad = []
def want(cond, what):
    if not cond:
        bad.append(what)
i = items["2-6"]   # patches: srv02 has a pending security update
want(i["categories"]["server"]["mark"] == "no", "2-6 server いいえ")
want(i["categories"]["server"]["failing"] == ["srv02"], "2-6 names srv02")
want(i["categories"]["network"]["mark"] == "nohost", "2-6 network: no host")
want(i["mark"] == "no" and i["target"] == "2025-12-26" and not i["target_missing"], "2-6 いいえ with target")
want(i["confirmed"] == "2025-09-23", "2-6 confirmed on the oldest scan (pc01, JST)")
i = items["2-11"]  # human はい against a measured failure
want(i["mark"] == "no" and i["conflict"], "2-11 conflict shown, still いいえ")
want(i["categories"]["server"]["failing"] == ["srv01", "srv02"], "2-11 names both servers")
want(not i["categories"]["terminal"]["applies"], "2-11 is for servers only")
i = items["2-9"]   # the terminal's failure is waived
want(i["categories"]["terminal"]["mark"] == "yes", "2-9 terminal はい by waiver")
want(i["categories"]["terminal"]["waived_hosts"] == ["pc01"], "2-9 waived host named")
want(i["categories"]["terminal"]["stale"] == 1, "2-9 terminal result is stale")
want(i["waived"], "2-9 marked waived")
i = items["2-12"]  # for servers and terminals only; every host passes
want(i["categories"]["server"]["mark"] == "yes" and i["categories"]["terminal"]["mark"] == "yes", "2-12 はい per category")
want(not i["categories"]["network"]["applies"] and i["mark"] == "yes", "2-12 はい")
want(items["1-1"]["mark"] == "yes" and items["1-1"]["confirmed"] == "2025-06-02", "1-1 answered はい")
want(items["3-1"]["mark"] == "unanswered", "3-1 unanswered")
want(items["3-3"]["mark"] == "no" and items["3-3"]["target_wareki"] == "令和8年2月27日", "3-3 いいえ with 和暦 target")
want(d["hosts"] == {"total": 3, "server": 2, "terminal": 1, "network": 0, "stale": 1, "superseded": 0}, "host counts")
want(len(d["waivers"]) == 1 and d["waivers"][0]["host"] == "pc01", "waiver listed")
want(d["fiscal_year_label"] == "令和7年度" and d["form_title"]["ja"] == "医療機関確認用", "header")
for b in bad:
    print("rule:", b)
sys.exit(1 if bad else 0)
PY

# CSV: the same table as the JSON items.
python3 - "$work/out.json" "$work/out.csv" <<'PY' || fail "csv differs from json"
import csv, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
assert [r["item"] for r in rows] == [i["item"] for i in d["items"]], "items"
for r, i in zip(rows, d["items"]):
    assert r["mark"] == i["mark"], (r["item"], r["mark"], i["mark"])
    assert r["confirmed"] == (i["confirmed"] or ""), r["item"]
    assert r["target"] == (i["target"] or ""), r["item"]
    assert r["conflict"] == ("yes" if i["conflict"] else ""), r["item"]
    failing = [h for c in ("server", "terminal", "network") for h in i["categories"][c]["failing"]]
    assert r["failing_hosts"] == "; ".join(failing), r["item"]
PY

grep -q "Content-Security-Policy" "$work/out.html" || fail "html has no CSP"
grep -q "<script" "$work/out.html" && fail "html contains a script"
for label in 1-① 2-⑥ 2-⑪ 3-③ 4-①; do
	grep -q "$label" "$work/out.html" || fail "html lacks $label"
	grep -q "$label" "$work/out.text" || fail "text lacks $label"
done

# Same inputs, same bytes (the XLSX embeds no wall-clock time).
sleep 1
cl --format xlsx --lang ja --output "$work/again.xlsx" 2>/dev/null
cmp -s "$work/out.xlsx" "$work/again.xlsx" || fail "xlsx is not reproducible"
cl --format json --output "$work/again.json" 2>/dev/null
cmp -s "$work/out.json" "$work/again.json" || fail "json is not reproducible"
if [ -f "$here/check_xlsx.py" ] && /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	/usr/bin/python3 "$here/check_xlsx.py" "$work/out.xlsx" "$work/out.json" ja || fail "xlsx differs from json"
	cl --format json --lang en --output "$work/en.json" 2>/dev/null
	cl --format xlsx --lang en --output "$work/en.xlsx" 2>/dev/null
	/usr/bin/python3 "$here/check_xlsx.py" "$work/en.xlsx" "$work/en.json" en || fail "en xlsx differs from json"
else
	fail "python3-openpyxl (Debian) is needed to read the XLSX back"
fi

# The newest result of a machine replaces older ones, and says so.
cp "$work/results/srv02.json" "$work/srv02-old.json"
python3 - "$work/srv02-old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["scanned_at"] = "2025-11-01T00:00:00Z"
for r in d["results"]:
    if r["item"] == "2-12":
        r["verdict"] = "fail"
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$kenshin" checklist --answers "$work/answers.yaml" --now "$later" --format json "${results[@]}" "$work/srv02-old.json" \
	> "$work/dup.json" 2>"$work/dup.err"
python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
i = {x["item"]: x for x in d["items"]}["2-12"]
assert d["hosts"]["superseded"] == 1 and d["hosts"]["server"] == 2, d["hosts"]
assert i["categories"]["server"]["mark"] == "yes", "the older failing result must not count"
' "$work/dup.json" || fail "duplicate host handling"
grep -q "srv02-old.json" "$work/dup.err" || fail "the superseded result is not named"

# The vendor form: sections 1 and 2 only, with the vendor in the header.
cat > "$work/vendor.yaml" <<'YAML'
form: vendor
facility:
  name: "テスト記念病院"
vendor:
  name: "テストシステムズ株式会社"
  system: "電子カルテ"
fiscal_year: 2025
confirmed_by:
  name: "佐藤 一郎"
YAML
"$kenshin" checklist --form vendor --answers "$work/vendor.yaml" --now "$later" --format json \
	"${results[@]}" > "$work/vendor.json" 2>/dev/null
python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["form"] == "vendor" and d["form_title"]["ja"] == "事業者確認用"
assert d["vendor"]["name"] == "テストシステムズ株式会社"
assert all(i["section"] in (1, 2) for i in d["items"]) and len(d["items"]) == 14, len(d["items"])
' "$work/vendor.json" || fail "vendor form"

# A broken answers file: nothing is written, every error is named with file:line:col.
cat > "$work/bad.yaml" <<'YAML'
facility:
  name: "テスト記念病院"
  type: 病院
fiscal_year: 令和7年度
confirmed_by:
  name: "山田 花子"
items:
  "2-99":
    answer: はい
    confirmed: 2025-06-02
  "3-3":
    answer: いいえ
    confirmed: 2025-06-02
YAML
"$kenshin" checklist --answers "$work/bad.yaml" --now "$later" --format json --output "$work/bad.json" \
	"${results[@]}" 2>"$work/bad.err"
[ $? -eq 2 ] || fail "a broken answers file must exit 2"
[ -e "$work/bad.json" ] && fail "a checklist was written from a broken answers file"
grep -q "bad.yaml:8:3:.*2-99" "$work/bad.err" || { fail "unknown item not reported at 8:3"; cat "$work/bad.err"; }
grep -q "bad.yaml:12:5:.*target" "$work/bad.err" || fail "missing target date not reported"

# A fleet: 700 copies of the three hosts, enough rows (over 8192) for the JSON writer to split the
# evidence table across threads; the oracle checks every row and its order.
mkdir -p "$work/fleet"
python3 - "$work/results" "$work/fleet" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
docs = [json.load(open(os.path.join(src, f), encoding="utf-8")) for f in sorted(os.listdir(src))]
for i in range(700):
    d = docs[i % 3]
    d["host"]["hostname"] = f"{d['host']['role'][:3]}{i:04d}"
    d["host"]["machine_id"] = f"{i:032x}"
    json.dump(d, open(os.path.join(dst, f"{i:04d}.json"), "w", encoding="utf-8"), ensure_ascii=False)
PY
"$kenshin" checklist --answers "$work/answers.yaml" --now "$later" --format json --output "$work/fleet.json" \
	"$work/fleet" 2>/dev/null
python3 "$here/check_checklist.py" "$work/fleet.json" "$later" "$work"/fleet/*.json || fail "fleet of 700 hosts"

# Example answers files shipped with kenshin load cleanly.
"$kenshin" checklist --answers "$repo/examples/answers.yaml" --now "$later" --format json "${results[@]}" \
	> /dev/null 2>"$work/example.err"
[ $? -le 1 ] || { fail "examples/answers.yaml"; cat "$work/example.err"; }
grep -q "examples/answers.yaml:[0-9]" "$work/example.err" && { fail "examples/answers.yaml has warnings"; cat "$work/example.err"; }
"$kenshin" checklist --form vendor --answers "$repo/examples/answers-vendor.yaml" --now "$later" --format json \
	"${results[@]}" > /dev/null 2>"$work/example-vendor.err"
[ $? -le 1 ] || { fail "examples/answers-vendor.yaml"; cat "$work/example-vendor.err"; }

[ $fails -eq 0 ] && echo "checklist: all checks passed"
[ $fails -eq 0 ]
