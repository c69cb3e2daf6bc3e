#!/bin/bash
# Renders a checklist HTML page (kenshin checklist --format html) to a PNG with Debian's headless
# Chromium, so the page can be looked at without a desktop browser:
#
#   scripts/render-checklist.sh IN.html OUT.png [HEIGHT]
#
# The window is A4 at 150 dpi (1240 px wide); HEIGHT (default 1754, one A4 page) sets how much of
# the page the picture shows. Chromium runs with a throwaway profile and no network features; the
# page itself forbids every outside resource through its Content-Security-Policy.
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 IN.html OUT.png [HEIGHT]" >&2
	exit 2
fi
in=$1
out=$2
height=${3:-1754}
case $height in
'' | *[!0-9]*) echo "$0: HEIGHT must be a number of pixels, not '$height'" >&2; exit 2 ;;
esac
if [ ! -r "$in" ]; then
	echo "$0: cannot read $in" >&2
	exit 2
fi
browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "$0: Chromium is not installed (on Debian: apt-get install chromium fonts-noto-cjk)" >&2
	exit 3
fi
abs=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
case $out in
/*) outabs=$out ;;
*) outabs=$PWD/$out ;;
esac
profile=$(mktemp -d /tmp/kenshin-chromium-XXXXXX)
trap 'rm -rf "$profile"' EXIT
rm -f "$outabs"
# 1240 px at a device scale of 1.5625 is 794 CSS px: the width of A4 at 96 dpi, so the page lays
# out as it prints, at the resolution of a 150 dpi scan.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1.5625 \
	--window-size=794,$(((height * 64 + 99) / 100)) --screenshot="$outabs" "file://$abs" \
	>"$profile/log" 2>&1
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$outabs" ]; then
	echo "$0: $browser failed (exit $rc):" >&2
	tail -n 20 "$profile/log" >&2
	exit 1
fi
echo "$outabs"
