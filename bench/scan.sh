#!/bin/bash
# Times `kenshin scan` of / against the tools an administrator would otherwise run, on this machine
# in one run: Lynis (`lynis audit system --quick`) and OpenSCAP (`oscap xccdf eval`, when a SCAP
# Security Guide datastream exists for this OS). Prints wall time, peak RSS and the ratios.
#   bench/scan.sh [RUNS]      (default 21 kenshin runs; Lynis runs once: it takes about a minute)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-21}
. scripts/deps.sh
install_missing $need_build lynis time bc
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF >/dev/null
cmake --build build-bench -j "$(nproc)" >/dev/null
k=./build-bench/kenshin
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# kenshin: RUNS full scans of /, JSON report to /dev/null; wall ms and max RSS KiB per run
"$k" scan --format json -o /dev/null >/dev/null 2>&1 || true   # warm the page cache like the others get
for i in $(seq "$runs"); do
	# GNU time gives peak RSS (its %e has only 10 ms steps, so wall time is taken here in µs);
	# it adds a "Command exited with non-zero status" line when items fail: keep the numbers only.
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$tmp/t" "$k" scan --format json -o /dev/null >/dev/null 2>&1 || true
	t1=$EPOCHREALTIME
	echo "$(echo "$t1 - $t0" | bc -l) $(grep -E '^[0-9]+$' "$tmp/t")" >> "$tmp/kenshin"
done
read -r k_med k_rss < <(sort -n "$tmp/kenshin" | awk '{a[NR]=$1; r[NR]=$2} END {m=a[int((NR+1)/2)]; mx=0; for(i in r) if (r[i]>mx) mx=r[i]; printf "%.4f %d\n", m, mx}')

# Lynis: one quick audit (no pauses, no upload); its report goes to a scratch dir
/usr/bin/time -f '%e %M' -o "$tmp/lt" lynis audit system --quick --no-colors --no-log \
	--report-file "$tmp/lynis-report.dat" >/dev/null 2>&1 || true
read -r l_wall l_rss < <(grep -E '^[0-9.]+ [0-9]+$' "$tmp/lt")

printf '%-34s %12s %12s\n' "tool" "wall (s)" "peak RSS (MB)"
printf '%-34s %12.4f %12.1f\n' "kenshin scan / (median of $runs)" "$k_med" "$(echo "$k_rss/1024" | bc -l)"
ms=$(echo "$k_med * 1000" | bc -l); printf 'kenshin median %.1f ms, max RSS %.1f MB\n' "$ms" "$(echo "$k_rss/1024" | bc -l)"
printf '%-34s %12.2f %12.1f\n' "lynis audit system --quick" "$l_wall" "$(echo "$l_rss/1024" | bc -l)"
ratio=$(echo "$l_wall / $k_med" | bc -l)
printf 'kenshin is %.0fx faster than Lynis (wall time); Lynis spawns many processes, its RSS is the largest one.\n' "$ratio"

ds=""
. /etc/os-release 2>/dev/null || true
for f in /usr/share/xml/scap/ssg/content/ssg-"${ID:-x}${VERSION_ID:-}"-ds.xml; do [ -f "$f" ] && ds=$f; done
if [ -n "$ds" ] && command -v oscap >/dev/null; then
	/usr/bin/time -f '%e %M' -o "$tmp/ot" oscap xccdf eval --results "$tmp/oscap.xml" "$ds" >/dev/null 2>&1 || true
	read -r o_wall o_rss < <(grep -E '^[0-9.]+ [0-9]+$' "$tmp/ot")
	printf '%-34s %12.2f %12.1f\n' "oscap xccdf eval ($ds)" "$o_wall" "$(echo "$o_rss/1024" | bc -l)"
else
	echo "oscap: no SCAP Security Guide datastream for ${PRETTY_NAME:-this OS} (Debian 12's ssg packages ship none), skipped"
fi
