#!/bin/bash
# Times `kenshin checklist` merging N scan results (default 10 000) into one checklist, in each
# format, against what an administrator would otherwise script: jq grouping the same results per
# item and device category (the aggregation alone, no form). Same machine, one run.
#   bench/checklist.sh [N] [RUNS]     (default 10000 results, 5 kenshin runs per format)
set -eu
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${2:-5}
. scripts/deps.sh
install_missing $need_build jq bc python3
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" >/dev/null
k=./build-bench/kenshin
tmp=$(mktemp -d /tmp/kenshin-bench-XXXXXX); trap 'rm -rf "$tmp"' EXIT

# Two fleets of N results, both copied from real scans: "debian" from the Debian 12 tree the tests
# build (a patched minimal server, ~47 KB per result), and "mixed", half of them from this machine's
# own scan (with its pending updates and accounts as evidence, ~108 KB).
"$k" scan --format json --config /dev/null --output "$tmp/host.json" >/dev/null 2>&1 || true
tree=${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}
sets=()
if [ -e "$tree/etc/passwd" ]; then
	"$k" scan --root "$tree" --format json --config /dev/null --output "$tmp/tree.json" >/dev/null 2>&1 || true
	python3 bench/gen_results.py "$tmp/debian" "$n" "$tmp/tree.json"
	python3 bench/gen_results.py "$tmp/mixed" "$n" "$tmp/host.json" "$tmp/tree.json"
	sets=(debian mixed)
else
	python3 bench/gen_results.py "$tmp/host" "$n" "$tmp/host.json"
	sets=(host)
fi
cp examples/answers.yaml "$tmp/answers.yaml"

time_ms() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; echo "($EPOCHREALTIME - $t0) * 1000" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }

# jq: per item and category, the failing hosts and counts (what kenshin's merge computes).
jq_prog='[inputs | {h: .host.hostname, r: .host.role, v: [.results[] | {i: .item, v: .verdict}]}]
  | [.[] as $h | $h.v[] | {item: .i, role: $h.r, host: $h.h, verdict: .v}]
  | group_by(.item) | map({item: .[0].item, categories: (group_by(.role) | map({role: .[0].role,
      hosts: length, failing: [.[] | select(.verdict == "fail") | .host],
      unknown: ([.[] | select(.verdict == "unknown")] | length)}))})'

for set in "${sets[@]}"; do
	dir=$tmp/$set
	cat "$dir"/*.json > /dev/null   # warm the page cache for every tool alike
	echo
	echo "== $set: $n results, $(du -sm "$dir" | cut -f1) MB, $(nproc) CPUs"
	printf '%-44s %10s\n' "command" "wall (ms)"
	for fmt in json xlsx html csv; do
		for i in $(seq "$runs"); do
			time_ms "$k" checklist --answers "$tmp/answers.yaml" --now 1763856000 --format "$fmt" \
				--output "$tmp/out.$fmt" "$dir"
		done | median > "$tmp/med.$fmt"
		printf '%-44s %10s\n' "kenshin checklist --format $fmt (median/$runs)" "$(cat "$tmp/med.$fmt")"
	done
	/usr/bin/time -f '%M' -o "$tmp/rss" "$k" checklist --answers "$tmp/answers.yaml" --now 1763856000 \
		--format xlsx --output "$tmp/out.xlsx" "$dir" >/dev/null 2>&1 || true
	echo "peak RSS (xlsx): $(( $(grep -E '^[0-9]+$' "$tmp/rss") / 1024 )) MB; xlsx $(du -k "$tmp/out.xlsx" | cut -f1) KB"
	jq_ms=$(cd "$dir" && time_ms jq -n "$jq_prog" ./*.json)
	printf '%-44s %10.0f\n' "jq (aggregation only, 1 run)" "$jq_ms"
	printf 'kenshin checklist is %.0fx (json) and %.0fx (xlsx) faster than jq\n' \
		"$(echo "$jq_ms / $(cat "$tmp/med.json")" | bc -l)" "$(echo "$jq_ms / $(cat "$tmp/med.xlsx")" | bc -l)"
	for fmt in json xlsx html csv; do
		[ "$(cat "$tmp/med.$fmt")" -lt 2000 ] || echo "over 2 s: --format $fmt took $(cat "$tmp/med.$fmt") ms"
	done
done
