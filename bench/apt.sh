#!/bin/bash
# Times kenshin's apt collector against apt itself on the same scratch copy of a Debian tree
# (dpkg status, /etc/apt, full bookworm + bookworm-security lists; prepared, and checked for
# agreement, by tests/e2e/test_apt_agreement.sh):
#   kenshin facts --root COPY --format json        (every collector; on the copy only dpkg/apt find data)
#   apt-get -s dist-upgrade with Dir options on COPY (apt's own answer to "what would be upgraded"),
#     with its binary caches (pkgcache.bin, srcpkgcache.bin) forced on and warm, and as this host
#     configures it (Docker images set Dir::Cache::pkgcache "" so apt re-reads every list each run)
# Prints the median wall time of RUNS runs each and the ratio to apt's fastest (warm) case.
#   bench/apt.sh [KENSHIN_BINARY] [RUNS]     (default: a Release build in build-bench, 11 runs)
set -eu
cd "$(dirname "$0")/.."
k=${1:-}
runs=${2:-11}
if [ -z "$k" ]; then
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF >/dev/null
	cmake --build build-bench -j "$(nproc)" >/dev/null
	k=./build-bench/kenshin
fi
copy=${KENSHIN_APT_COPY:-/var/tmp/kenshin-apt-copy}
rc=0
KENSHIN_APT_COPY=$copy bash tests/e2e/test_apt_agreement.sh "$k" tests/fixtures || rc=$?
if [ $rc -eq 77 ]; then
	echo "skipped: no Debian tree (set KENSHIN_DEBIAN_TREE)"
	exit 0
fi
[ $rc -eq 0 ] || { echo "agreement check failed; timing anyway"; }

apt_opts=(-o Dir="$copy" -o Dir::State::status="$copy/var/lib/dpkg/status" -o Dir::Etc="$copy/etc/apt"
	-o Dir::State::Lists="$copy/var/lib/apt/lists" -o Dir::Cache="$copy/var/cache/apt"
	-o Debug::NoLocking=1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# milliseconds of one run of "$@"
ms() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	echo "scale=3; ($t1 - $t0) / 1000000" | bc
}
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

warm=(-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin)
# One warm-up each: page cache for all, and apt's binary caches are built once.
"$k" facts --root "$copy" --format json >/dev/null 2>&1 || true
apt-get -s "${apt_opts[@]}" "${warm[@]}" dist-upgrade >/dev/null 2>&1 || true
for _ in $(seq "$runs"); do
	ms "$k" facts --root "$copy" --format json >>"$tmp/k"
	ms apt-get -s "${apt_opts[@]}" "${warm[@]}" dist-upgrade >>"$tmp/a"
done
for _ in $(seq 3); do
	ms apt-get -s "${apt_opts[@]}" dist-upgrade >>"$tmp/c"
done
km=$(median "$tmp/k")
am=$(median "$tmp/a")
cm=$(median "$tmp/c")
lists=$(du -sh "$copy/var/lib/apt/lists" | cut -f1)
printf 'lists: %s in %s\n' "$lists" "$copy/var/lib/apt/lists"
printf '%-56s %10s\n' "command" "wall (ms)"
printf '%-56s %10.1f\n' "kenshin facts --root COPY (all collectors; median of $runs)" "$km"
printf '%-56s %10.1f\n' "apt-get -s dist-upgrade, warm pkgcache.bin (median of $runs)" "$am"
printf '%-56s %10.1f\n' "apt-get -s dist-upgrade, this host's apt.conf (median of 3)" "$cm"
printf 'kenshin is %.1fx faster than apt-get -s dist-upgrade with a warm cache (%.0fx as configured here)\n' \
	"$(echo "$am / $km" | bc -l)" "$(echo "$cm / $km" | bc -l)"
