# Sourced by the checklist end-to-end tests: makes scan results of fixture trees.
# Needs $kenshin, $fixtures, $work and a fail() function; results go to $work/results/NAME.json.
mkdir -p "$work/results"
echo "waivers: []" > "$work/no-waivers.yaml"

# host NAME CASE ROLE SCAN_TIME: the fixture tree CASE, given a host name and a machine id (the
# trees have none) and scanned as a host of ROLE at SCAN_TIME, with the tree's own waivers.yaml
# when it has one and never the machine's /etc/kenshin.
host() {
	local name=$1 case_dir=$fixtures/$2 role=$3 when=$4
	cp -a "$case_dir" "$work/$name"
	if [ -x "$work/$name/make.sh" ]; then
		(cd "$work/$name" && KENSHIN_FIXTURES="$fixtures" ./make.sh "$when") || fail "make.sh of $2"
	fi
	mkdir -p "$work/$name/etc"
	echo "$name" > "$work/$name/etc/hostname"
	printf '%s\n' "$(echo "$name" | md5sum | cut -c1-32)" > "$work/$name/etc/machine-id"
	local waivers=(--waivers "$work/no-waivers.yaml")
	[ -f "$work/$name/waivers.yaml" ] && waivers=(--waivers "$work/$name/waivers.yaml")
	"$kenshin" scan --root "$work/$name" --role "$role" --now "$when" --config /dev/null "${waivers[@]}" \
		--format json --output "$work/results/$name.json" 2>"$work/$name.err"
	[ $? -le 1 ] || { fail "scan of $name"; cat "$work/$name.err"; }
}

# The three hosts of the checklist tests: two servers (one with a pending security update) and a
# terminal whose USB failure is waived, scanned 60 days earlier (stale).
standard_hosts() {
	host srv01 2-6/pass server "$now"
	host srv02 2-6/fail-pending server "$((now - 3600))"
	host pc01 2-9/waived terminal "$((now - 60 * 86400))"
}
