#!/bin/bash
# Scans a real Debian 12 tree made by debootstrap (scripts/run.sh test builds it) and checks the
# verdicts that Debian's package defaults must give: a stock install has no password class rule
# (2-7 fails), no USB restriction (2-9 fails), and sshd accepts a password alone (2-10 fails);
# its only account, root, has a locked password, so nothing is dormant (2-5 passes).
set -u
kenshin=$1
tree=${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}
if [ ! -e "$tree/etc/ssh/sshd_config" ]; then
	echo "skipped: no Debian tree at $tree (run scripts/run.sh test as root to build it)"
	exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp /tmp/kenshin-deb-XXXXXX.json)
trap 'rm -f "$out" "$out.expect"' EXIT
"$kenshin" scan --root "$tree" --format json -o "$out" 2>/dev/null
[ $? -le 1 ] || { echo "FAIL: scan exit status"; exit 1; }
fail=0
check() { # item verdict [source-substring]
	printf 'verdict=%s\n' "$2" > "$out.expect"
	[ -n "${3:-}" ] && printf 'source=%s\n' "$3" >> "$out.expect"
	python3 "$here/check_scan.py" "$1" "$out.expect" "$out" || fail=1
}
check 2-5 pass
check 2-7 fail /etc/pam.d/common-password
check 2-9 fail
check 2-10 fail
check 2-8 manual
check 2-4 manual
check 2-13 na
python3 - "$out" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["host"]["os_id"] == "debian" and d["host"]["os_version"] == "12", d["host"]
print("debian tree:", d["summary"])
PY
exit $fail
