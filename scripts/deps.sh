# Sourced by scripts/run.sh and the benchmarks: the Debian packages kenshin builds and tests with,
# and install_missing, which installs those of its arguments that are not installed (Debian
# packages only, nothing else is downloaded).
need_build="build-essential cmake pkg-config libjansson-dev libyaml-dev libsodium-dev zlib1g-dev liblzma-dev liblz4-dev libzstd-dev libyajl-dev libxlsxwriter-dev"

install_missing() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "kenshin: installing Debian packages: ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
