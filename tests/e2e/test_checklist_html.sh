#!/bin/bash
# The checklist HTML page in a real browser: result files and an answers file full of markup
# (host names, evidence, facility name, notes, documents) must come out as text. Headless Chromium
# loads the page; its DOM must hold no injected element or attribute, the title must be ours, and
# a screenshot must show a page (scripts/render-checklist.sh). Skips when Chromium is missing.
set -u
kenshin=$1
fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
render=$here/../../scripts/render-checklist.sh
py=/usr/bin/python3
browser=
for b in chromium chromium-browser; do
	command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
if [ -z "$browser" ]; then
	echo "skipped: Chromium is not installed"
	exit 77
fi
if ! "$kenshin" checklist --help >/dev/null 2>&1; then
	echo "skipped: this kenshin has no checklist command"
	exit 77
fi
[ -x "$py" ] || py=python3

work=$(mktemp -d /tmp/kenshin-clhtml-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
now=1763769600 # 2025-11-22, within 令和7年度

"$kenshin" scan --root "$fixtures/2-6/fail-pending" --format json --now $now --config /dev/null \
	--role server -o "$work/server.json" 2>/dev/null
[ $? -le 1 ] || { echo "FAIL: scan of the server fixture"; exit 1; }
"$kenshin" scan --root "$fixtures/2-6/pass" --format json --now $now --config /dev/null \
	--role terminal -o "$work/terminal.json" 2>/dev/null
[ $? -le 1 ] || { echo "FAIL: scan of the terminal fixture"; exit 1; }

mkdir -p "$work/results"
"$py" - "$work" <<'PY' || exit 1
import json, sys
work = sys.argv[1]
SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
QUOTE = "\"><svg onload=\"document.body.setAttribute('data-pwned','2')\">"

def write(src, name, hostname, machine_id):
    d = json.load(open(f"{work}/{src}"))
    d["host"]["hostname"] = hostname
    d["host"]["machine_id"] = machine_id
    # Hostile evidence on the failing item as well: value, source and note.
    for r in d["results"]:
        if r["item"] == "2-6" and r["evidence"]:
            e = r["evidence"][0]
            e["value"] = IMG + QUOTE
            e["source"] = "/var/lib/" + SCRIPT
            e["note"] = QUOTE
    json.dump(d, open(f"{work}/results/{name}", "w"))

write("server.json", "s1.json", SCRIPT, "m-1")
write("server.json", "s2.json", IMG, "m-2")
write("terminal.json", "t1.json", QUOTE, "m-3")
PY

cat >"$work/answers.yaml" <<'EOF'
form: facility
facility:
  name: "<script>document.title='PWNED'</script>病院"
  type: 病院
fiscal_year: 令和7年度
confirmed_by:
  name: "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
  title: "\"><svg onload=\"document.body.setAttribute('data-pwned','2')\">"
items:
  "1-1":
    answer: はい
    confirmed: 2025-05-16
    evidence:
      - document: "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
        version: "\"><svg onload=\"document.body.setAttribute('data-pwned','2')\">"
        location: "<script>document.title='PWNED'</script>"
    note: "<script>document.title='PWNED'</script><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
  "2-6":
    answer: はい
    confirmed: 2025-05-16
practices:
  - cell: staff-preventive
    description: "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">研修"
EOF

for lang in ja en; do
	html=$work/checklist-$lang.html
	"$kenshin" checklist --answers "$work/answers.yaml" --format html --lang $lang --now $now \
		--output "$html" "$work/results/s1.json" "$work/results/s2.json" "$work/results/t1.json" \
		2>"$work/stderr-$lang"
	rc=$?
	if [ $rc -gt 1 ] || [ ! -s "$html" ]; then
		echo "FAIL: kenshin checklist --lang $lang exited $rc"
		cat "$work/stderr-$lang"
		fail=1
		continue
	fi
	profile=$(mktemp -d "$work/profile-XXXXXX")
	"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --dump-dom "file://$html" >"$work/dom-$lang.html" 2>/dev/null
	if [ ! -s "$work/dom-$lang.html" ]; then
		echo "FAIL: Chromium produced no DOM for the $lang page"
		fail=1
		continue
	fi
	"$py" - "$html" "$work/dom-$lang.html" "$lang" <<'PY' || fail=1
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
dom = open(sys.argv[2], encoding="utf-8").read()
lang = sys.argv[3]
bad = []
# Elements and attributes as the browser built them: none of the injected ones may exist.
for tag in ("<script", "<img", "<svg"):
    if tag in dom.lower():
        bad.append(f"DOM has a {tag}> element")
for attr in ('data-pwned="', "onerror=\"", "onload=\""):
    # Escaped text serialises as &quot;, so a literal attribute can only come from real markup.
    if re.search(r"<[^>]*\s" + re.escape(attr), dom):
        bad.append(f"DOM has an element with {attr[:-2]}")
m = re.search(r"<title>(.*?)</title>", dom, re.S)
if not m or "PWNED" == m.group(1).strip() or not m.group(1).strip():
    bad.append(f"title was changed: {m.group(1) if m else None!r}")
# The page forbids scripts and outside resources.
csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
if f'http-equiv="Content-Security-Policy" content="{csp}"' not in src:
    bad.append("no Content-Security-Policy meta")
# The hostile strings are shown as text, not dropped.
if "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" not in src:
    bad.append("the hostile host name is missing from the page")
if dom.count("document.body.setAttribute") < 4:
    bad.append("the hostile strings are missing from the DOM text")
# Summary first, then the form, the evidence and the 3x3 view.
pos = [src.find(f'id="{s}"') for s in ("summary", "form", "evidence", "matrix")]
if -1 in pos or pos != sorted(pos):
    bad.append(f"sections out of order: {pos}")
want = ["医療機関確認用", "令和7年度", "不適合の機器"] if lang == "ja" else ["Medical institution form", "Failing hosts"]
for w in want:
    if w not in src:
        bad.append(f"missing: {w}")
for b in bad:
    print(f"FAIL ({lang}): {b}")
sys.exit(1 if bad else 0)
PY
done

# A picture of the first A4 page, through the script people use.
png=$work/checklist.png
if ! bash "$render" "$work/checklist-ja.html" "$png" >"$work/render.log" 2>&1; then
	echo "FAIL: render-checklist.sh"
	cat "$work/render.log"
	fail=1
else
	"$py" - "$png" <<'PY' || fail=1
import struct, sys
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    print("FAIL: the screenshot is not a PNG"); sys.exit(1)
w, h = struct.unpack(">II", data[16:24])
if w < 1200 or h < 1700:
    print(f"FAIL: the screenshot is {w}x{h}, expected about 1240x1754"); sys.exit(1)
if len(data) < 20000:
    print(f"FAIL: the screenshot is only {len(data)} bytes; the page is probably blank"); sys.exit(1)
PY
fi

# The script says clearly when it cannot run.
out=$(PATH=/nonexistent "$(command -v bash)" "$render" "$work/checklist-ja.html" "$work/x.png" 2>&1)
if [ $? -eq 0 ] || ! printf '%s' "$out" | grep -q "Chromium is not installed"; then
	echo "FAIL: render-checklist.sh without Chromium: $out"
	fail=1
fi
[ $fail = 0 ] && echo "checklist html: hostile strings escaped in ja and en; screenshot rendered"
exit $fail
