#!/bin/bash
# kenshin checklist --format xlsx end to end: every cell of the workbook is checked against the
# JSON of the same inputs (check_xlsx.py), for the facility form in both languages and for the
# vendor form, with result files whose host names are hostile (formula, markup, control
# characters). The workbook must not depend on the clock or the time zone, must come out the same
# through standard output, and an unwritable output must fail cleanly.
set -u
kenshin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	echo "skipped: needs Debian's python3-openpyxl to read the workbook back"
	exit 77
fi
work=$(mktemp -d /tmp/kenshin-cl-xlsx-XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
now=1763769600          # 2025-11-22T00:00:00Z
later=$((now + 86400))
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

. "$here/checklist_hosts.sh"
standard_hosts

# Hostile host names, written into the results as another machine would send them.
/usr/bin/python3 - "$work/results" <<'PY' || fail "preparing hostile results"
import json, os, sys
d = sys.argv[1]
names = {"srv01.json": '=HYPERLINK("http://x","y")', "srv02.json": "<script>alert(1)</script> _x0041_",
         "pc01.json": "pc\u0001-01\u001f"}
for f, name in names.items():
    p = os.path.join(d, f)
    doc = json.load(open(p, encoding="utf-8"))
    doc["host"]["hostname"] = name
    json.dump(doc, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
results=("$work/results/srv01.json" "$work/results/srv02.json" "$work/results/pc01.json")

cat > "$work/answers.yaml" <<'YAML'
facility:
  name: "=1+1 テスト記念病院"
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
      - document: "=HYPERLINK(\"http://x\")"
  "2-11":
    answer: はい
    confirmed: 2025-11-20
  "2-6":
    target: 2025-12-26
    note: "月次の更新作業で適用する\n<b>二行目</b>"
  "3-3":
    answer: いいえ
    confirmed: 2025-07-01
    target: 2026-02-27
YAML
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

# check NAME LANG ARGS...: json and xlsx of the same inputs, then every cell compared.
check() {
	local name=$1 lang=$2
	shift 2
	"$kenshin" checklist --now "$later" --lang "$lang" --format json --output "$work/$name.json" "$@" \
		"${results[@]}" 2>"$work/$name.json.err"
	[ $? -le 1 ] || { fail "$name: json"; cat "$work/$name.json.err"; return; }
	"$kenshin" checklist --now "$later" --lang "$lang" --format xlsx --output "$work/$name.xlsx" "$@" \
		"${results[@]}" 2>"$work/$name.xlsx.err"
	[ $? -le 1 ] || { fail "$name: xlsx"; cat "$work/$name.xlsx.err"; return; }
	/usr/bin/python3 "$here/check_xlsx.py" "$work/$name.xlsx" "$work/$name.json" "$lang" ||
		fail "$name: the workbook differs from the JSON"
}
check facility-ja ja --answers "$work/answers.yaml"
check facility-en en --answers "$work/answers.yaml"
check vendor-ja ja --form vendor --answers "$work/vendor.yaml"

# The hostile names are in the workbook as text (check_xlsx.py has already refused formulas).
/usr/bin/python3 - "$work/facility-ja.xlsx" <<'PY' || fail "hostile names"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
hosts = [r[0] for r in wb["資産台帳"].iter_rows(min_row=2, values_only=True)]
want = ['=HYPERLINK("http://x","y")', "<script>alert(1)</script> _x005F_x0041_", "pc\ufffd-01\ufffd"]
assert sorted(hosts) == sorted(want), hosts
PY

# Neither the clock nor the time zone shows in the file; standard output gives the same bytes.
sleep 1
TZ=America/Los_Angeles "$kenshin" checklist --now "$later" --lang ja --format xlsx --answers "$work/answers.yaml" \
	"${results[@]}" > "$work/stdout.xlsx" 2>/dev/null
cmp -s "$work/facility-ja.xlsx" "$work/stdout.xlsx" || fail "xlsx differs by time, time zone or output path"

# An output that cannot be written: a clear error, no crash.
"$kenshin" checklist --now "$later" --format xlsx --answers "$work/answers.yaml" \
	--output "$work/no-such-dir/out.xlsx" "${results[@]}" 2>"$work/unwritable.err"
rc=$?
[ $rc -ge 2 ] && [ $rc -lt 128 ] || fail "unwritable output exits $rc"
grep -q "no-such-dir/out.xlsx" "$work/unwritable.err" || { fail "unwritable output not named"; cat "$work/unwritable.err"; }

[ $fails -eq 0 ] && echo "checklist xlsx: all checks passed"
[ $fails -eq 0 ]
