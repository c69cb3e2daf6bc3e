#!/bin/bash
# kenshin's two quick-start jobs on Debian 12. Each installs the Debian packages it needs when
# they are missing (and nothing else), builds, and runs:
#   scripts/run.sh scan   build and `kenshin scan` this host (extra arguments go to kenshin scan)
#   scripts/run.sh test   build with ASan+UBSan and run every test (unit, end-to-end, fuzz replay)
set -eu
cd "$(dirname "$0")/.."
job=${1:-}
[ $# -gt 0 ] && shift

. scripts/deps.sh
need_test="$need_build libcmocka-dev python3 python3-openpyxl chromium fonts-noto-cjk debootstrap gzip xz-utils lz4 zstd"

jobs=$(nproc 2>/dev/null || echo 2)
case "$job" in
scan)
	install_missing $need_build
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF > /dev/null
	cmake --build build -j "$jobs" > /dev/null
	[ "$(id -u)" -eq 0 ] || echo "kenshin: not root: files only root can read (e.g. /etc/shadow) will be reported as unknown" >&2
	set +e
	./build/kenshin scan "$@"
	status=$?
	set -e
	# 1 means "some item failed": the scan itself worked.
	[ $status -le 1 ] || exit $status
	[ $status -eq 0 ] || echo "kenshin: some items failed (exit status 1); see the fixes above" >&2
	;;
test)
	install_missing $need_test
	# A real Debian tree for tests against package defaults (built once, ~30 s; Debian packages only).
	tree=${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}
	if [ ! -e "$tree/etc/ssh/sshd_config" ] && [ "$(id -u)" -eq 0 ] && [ "${KENSHIN_NO_DEBOOTSTRAP:-}" = "" ]; then
		echo "kenshin: building a Debian 12 tree in $tree for tests (debootstrap)" >&2
		rm -rf "$tree.tmp"
		if debootstrap --variant=minbase --include=openssh-server,libpam-pwquality,sudo,login,passwd \
			bookworm "$tree.tmp" http://deb.debian.org/debian > /tmp/kenshin-debootstrap.log 2>&1; then
			mv "$tree.tmp" "$tree"
		else
			echo "kenshin: debootstrap failed (see /tmp/kenshin-debootstrap.log); Debian-tree tests will be skipped" >&2
			rm -rf "$tree.tmp"
		fi
	fi
	# The optimised build the scan job uses must compile too (-O2 finds warnings -O0 does not).
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKENSHIN_TESTS=OFF > /dev/null
	cmake --build build -j "$jobs" > /dev/null
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKENSHIN_SANITIZE=ON > /dev/null
	cmake --build build-asan -j "$jobs"
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	ctest --test-dir build-asan --output-on-failure -j "$jobs" "$@"
	;;
*)
	echo "usage: scripts/run.sh scan [kenshin scan options] | test [ctest options]" >&2
	exit 2
	;;
esac
