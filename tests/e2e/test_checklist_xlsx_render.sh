#!/bin/bash
# The XLSX form's dates are date cells shown in 和暦 by their number format. openpyxl (in
# test_checklist_xlsx.sh) sees the format string; this test has a spreadsheet program display
# the sheet: LibreOffice, when installed, converts it to CSV "as shown" and the 確認日 and 目標日
# columns must read 令和…年…月…日. Skipped (77) without LibreOffice.
set -u
kenshin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v soffice >/dev/null || { echo "skipped: LibreOffice (soffice) is not installed"; exit 77; }
work=$(mktemp -d /tmp/kenshin-cl-render-XXXXXX)
trap 'rm -rf "$work"' EXIT
now=1763769600
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
. "$here/checklist_hosts.sh"
standard_hosts
"$kenshin" checklist --answers "$here/../../examples/answers.yaml" --now "$((now + 86400))" --lang ja \
	--format xlsx --output "$work/form.xlsx" "$work"/results/*.json 2>/dev/null
# 76 = UTF-8; the ninth token asks for the text as shown; only the first sheet is converted.
HOME=$work timeout 120 soffice --headless -env:UserInstallation="file://$work/lo" \
	--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true' --outdir "$work" \
	"$work/form.xlsx" >/dev/null 2>&1
[ -s "$work/form.csv" ] || { echo "FAIL: LibreOffice did not convert the workbook"; exit 1; }
python3 - "$work/form.csv" <<'PY' || fail "dates are not shown in 和暦"
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
head = next(i for i, r in enumerate(rows) if "確認日" in r)
for name in ("確認日", "目標日"):
    col = rows[head].index(name)
    dates = [r[col] for r in rows[head + 1:] if len(r) > col and r[col]]
    assert dates, f"no {name} shown"
    bad = [d for d in dates if not re.fullmatch(r"令和[0-9]+年[0-9]+月[0-9]+日", d)]
    assert not bad, (name, bad)
PY
[ $fails -eq 0 ] && echo "xlsx render: 確認日 shown in 和暦"
[ $fails -eq 0 ]
