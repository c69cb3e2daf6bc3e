#!/bin/bash
# Every fact key the collectors produce (on this host, the fixture trees and the Debian tree) is
# documented in docs/facts.md: a new fact without a doc line fails here.
set -u
kenshin=$1
fixtures=$2
doc=$(cd "$(dirname "$0")/../.." && pwd)/docs/facts.md
roots=(/ "$fixtures"/*/*/)
[ -d "${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}/etc" ] && roots+=("${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}")
for r in "${roots[@]}"; do "$kenshin" facts --root "$r" --format json 2>/dev/null; done | python3 -c '
import json, re, sys
txt = sys.stdin.read(); dec = json.JSONDecoder(); i = 0; keys = set()
while i < len(txt):
    while i < len(txt) and txt[i].isspace(): i += 1
    if i >= len(txt): break
    d, i = dec.raw_decode(txt, i)
    keys |= {f["key"] for f in d["facts"]}
doc = open(sys.argv[1], encoding="utf-8").read()
missing = [k for k in sorted(keys)
           if "`" + k + "`" not in doc and re.sub(r"^pam\.[a-z-]+\.", "pam.<svc>.", k) not in doc]
print(f"{len(keys)} fact keys, {len(missing)} undocumented")
for k in missing: print("  undocumented:", k)
sys.exit(1 if missing or len(keys) < 50 else 0)
' "$doc"
