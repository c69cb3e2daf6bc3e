#!/bin/bash
# Runs every libFuzzer harness of a -DKENSHIN_FUZZ=ON build for SECONDS each, JOBS at a time,
# each on a scratch copy of its seed corpus; prints one line per harness (runs, crashes).
#   fuzz/campaign.sh BUILD_DIR [SECONDS=600] [JOBS=2] [HARNESS...]
set -u
build=$1; secs=${2:-600}; jobs=${3:-2}; shift $(( $# < 3 ? $# : 3 ))
src=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/kenshin-fuzz-XXXXXX)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(cd "$build/fuzz" && ls fuzz_* | sed 's/^fuzz_//'))
for n in "${names[@]}"; do
	mkdir -p "$out/$n/corpus" "$out/$n/artifacts"
	cp "$src/corpus/$n"/* "$out/$n/corpus/" 2>/dev/null
done
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} sh -c \
	"'$build/fuzz/fuzz_{}' -max_total_time=$secs -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
	  -artifact_prefix='$out/{}/artifacts/' '$out/{}/corpus' > '$out/{}/log' 2>&1"
for n in "${names[@]}"; do
	done_line=$(grep -h '^Done' "$out/$n/log" | tail -1)
	crashes=$(ls "$out/$n/artifacts" | wc -l)
	printf '%-10s %s  artifacts: %d\n' "$n" "${done_line:-NOT FINISHED (see $out/$n/log)}" "$crashes"
done
echo "logs and artifacts: $out"
