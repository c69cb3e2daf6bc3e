#!/bin/bash
# Runs `kenshin scan --root T --format json` on every fixture tree tests/fixtures/<item>/<case>/
# that has an `expect` file and checks the verdict and evidence of <item>. Trees that need
# binary or special files have a `make.sh` run first on a copy (git cannot hold sparse files).
set -u
kenshin=$1
fixtures=$2
here=$(cd "$(dirname "$0")" && pwd)
now=1763769600   # 2025-11-22T00:00:00Z: every fixture's dates are relative to this
work=$(mktemp -d /tmp/kenshin-e2e-XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
for expect in "$fixtures"/*/*/expect; do
	case_dir=$(dirname "$expect")
	name=${case_dir#"$fixtures"/}
	item=$(sed -n 's/^item=//p' "$expect"); item=${item:-${name%%/*}}
	role=$(sed -n 's/^role=//p' "$expect"); role=${role:-server}
	sets=(); while IFS= read -r s; do sets+=(--set "$s"); done < <(sed -n 's/^set=//p' "$expect")
	profile=$(sed -n 's/^profile=//p' "$expect"); [ -n "$profile" ] && sets+=(--profile "$profile")
	waivers=$(sed -n 's/^waivers=//p' "$expect"); [ -n "$waivers" ] && sets+=(--waivers "$case_dir/$waivers")
	root=$case_dir
	if [ -x "$case_dir/make.sh" ]; then
		root=$work/${name//\//_}
		cp -a "$case_dir" "$root"
		(cd "$root" && KENSHIN_FIXTURES="$fixtures" ./make.sh "$now") || { echo "FAIL $name: make.sh failed"; fail=$((fail+1)); continue; }
	fi
	out=$work/out.json
	# --config /dev/null: the machine's own /etc/kenshin must not change fixture verdicts
	"$kenshin" scan --root "$root" --format json --now "$now" --role "$role" --config /dev/null "${sets[@]}" \
		--output "$out" 2>"$work/err"
	rc=$?
	if [ $rc -ge 2 ]; then
		echo "FAIL $name: exit $rc"; cat "$work/err"; fail=$((fail+1)); continue
	fi
	if python3 "$here/check_scan.py" "$item" "$expect" "$out"; then
		pass=$((pass+1))
	else
		echo "FAIL $name"; fail=$((fail+1))
	fi
done
echo "fixtures: $pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
