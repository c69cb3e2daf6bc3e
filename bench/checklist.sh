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

# Templates: real scans of this host, and of the Debian tree the tests build when it is there.
"$k" scan --format json --config /dev/null --output "$tmp/t1.json" >/dev/null 2>&1 || true
templates=("$tmp/t1.json")
tree=${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}
if [ -e "$tree/etc/passwd" ]; then
	"$k" scan --root "$tree" --format json --config /dev/null --output "$tmp/t2.json" >/dev/null 2>&1 || true
	templates+=("$tmp/t2.json")
fi
python3 bench/gen_results.py "$tmp/results" "$n" "${templates[@]}"
size=$(du -sm "$tmp/results" | cut -f1)
echo "$n results, $size MB (templates: ${#templates[@]}, $(nproc) CPUs)"
cp examples/answers.yaml "$tmp/answers.yaml"
cat "$tmp"/results/*.json > /dev/null   # warm the page cache for every tool alike

time_ms() { local t0=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || true; echo "($EPOCHREALTIME - $t0) * 1000" | bc -l; }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]}'; }

printf '%-44s %10s\n' "command" "wall (ms)"
for fmt in json xlsx html csv; do
	for i in $(seq "$runs"); do
		time_ms "$k" checklist --answers "$tmp/answers.yaml" --now 1763856000 --format "$fmt" \
			--output "$tmp/out.$fmt" "$tmp/results"
	done | median > "$tmp/med.$fmt"
	printf '%-44s %10s\n' "kenshin checklist --format $fmt (median/$runs)" "$(cat "$tmp/med.$fmt")"
done
/usr/bin/time -f '%M' -o "$tmp/rss" "$k" checklist --answers "$tmp/answers.yaml" --now 1763856000 --format xlsx \
	--output "$tmp/out.xlsx" "$tmp/results" >/dev/null 2>&1 || true
echo "kenshin checklist --format xlsx peak RSS: $(( $(grep -E '^[0-9]+$' "$tmp/rss") / 1024 )) MB; xlsx $(du -k "$tmp/out.xlsx" | cut -f1) KB"

# jq: per item and category, the failing hosts and counts (what kenshin's merge computes).
jq_prog='[inputs | {h: .host.hostname, r: .host.role, v: [.results[] | {i: .item, v: .verdict}]}]
  | [.[] as $h | $h.v[] | {item: .i, role: $h.r, host: $h.h, verdict: .v}]
  | group_by(.item) | map({item: .[0].item, categories: (group_by(.role) | map({role: .[0].role,
      hosts: length, failing: [.[] | select(.verdict == "fail") | .host],
      unknown: ([.[] | select(.verdict == "unknown")] | length)}))})'
jq_ms=$(cd "$tmp/results" && time_ms jq -n "$jq_prog" ./*.json)
printf '%-44s %10.0f\n' "jq (aggregation only, 1 run)" "$jq_ms"
printf 'kenshin checklist (json) is %.0fx faster than jq; xlsx: %.0fx\n' \
	"$(echo "$jq_ms / $(cat "$tmp/med.json")" | bc -l)" "$(echo "$jq_ms / $(cat "$tmp/med.xlsx")" | bc -l)"
[ "$(cat "$tmp/med.xlsx")" -lt 2000 ] && echo "target met: $n results merge into the XLSX checklist in under 2 s" \
	|| echo "TARGET MISSED: the XLSX checklist of $n results took $(cat "$tmp/med.xlsx") ms (goal < 2000)"
