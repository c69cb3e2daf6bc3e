#!/bin/bash
# Agreement with apt: on a scratch copy of a debootstrapped Debian tree (dpkg status, /etc/apt and
# the apt lists only), kenshin's updates.pending_security must match what `apt-get -s dist-upgrade`
# would install from the security suite:
#   - every package kenshin reports pending is in apt's upgrade set ("Inst" lines), with the same
#     installed version;
#   - every package apt upgrades whose security-suite version is above the installed one is
#     reported by kenshin.
# $1 = kenshin binary, $2 = fixtures dir (unused). Tree: ${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}.
# If the tree's lists lack the security suite, fresh lists are downloaded for the COPY from the
# Debian mirrors (`apt-get update` with Dir options pointing into the copy). Exit 77 = skipped.
# KENSHIN_APT_COPY=DIR keeps the prepared copy in DIR (bench/apt.sh uses it).
set -u
kenshin=$1
tree=${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}
if [ ! -f "$tree/var/lib/dpkg/status" ] || [ ! -d "$tree/etc/apt" ]; then
	echo "skipped: no Debian tree at $tree"
	exit 77
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null || ! command -v python3 >/dev/null; then
	echo "skipped: needs apt-get, dpkg and python3"
	exit 77
fi
work=$(mktemp -d /tmp/kenshin-apt-agree-XXXXXX)
trap 'rm -rf "$work"' EXIT
copy=${KENSHIN_APT_COPY:-$work/root}

if [ ! -f "$copy/.prepared" ]; then
	rm -rf "$copy"
	mkdir -p "$copy/var/lib/dpkg" "$copy/var/lib/apt" "$copy/etc" "$copy/var/cache/apt/archives/partial"
	cp -a "$tree/var/lib/dpkg/status" "$copy/var/lib/dpkg/"
	[ -f "$tree/var/lib/dpkg/arch" ] && cp -a "$tree/var/lib/dpkg/arch" "$copy/var/lib/dpkg/"
	cp -a "$tree/etc/apt" "$copy/etc/"
	mkdir -p "$copy/var/lib/apt/lists/partial"
	[ -d "$tree/var/lib/apt/lists" ] && cp -a "$tree/var/lib/apt/lists/." "$copy/var/lib/apt/lists/"
	codename=$(sed -n 's/^VERSION_CODENAME=//p' "$tree/etc/os-release" "$tree/usr/lib/os-release" 2>/dev/null | head -1)
	codename=${codename:-bookworm}
	if ! ls "$copy"/var/lib/apt/lists/*_dists_"$codename"-security_*Release >/dev/null 2>&1; then
		if ! grep -rqs -- "$codename-security" "$copy/etc/apt/sources.list" "$copy/etc/apt/sources.list.d"; then
			echo "deb http://deb.debian.org/debian-security $codename-security main" >>"$copy/etc/apt/sources.list"
		fi
		echo "downloading fresh lists for the copy (apt-get update)"
		if ! apt-get -q -o Dir="$copy" -o Dir::State::status="$copy/var/lib/dpkg/status" \
			-o Dir::Etc="$copy/etc/apt" -o Dir::State::Lists="$copy/var/lib/apt/lists" \
			-o Dir::Cache="$copy/var/cache/apt" -o Debug::NoLocking=1 -o APT::Sandbox::User=root \
			update >"$work/update.log" 2>&1; then
			cat "$work/update.log"
			echo "skipped: apt-get update failed (no network?)"
			exit 77
		fi
	fi
	touch "$copy/.prepared"
fi

apt_opts=(-o Dir="$copy" -o Dir::State::status="$copy/var/lib/dpkg/status" -o Dir::Etc="$copy/etc/apt"
	-o Dir::State::Lists="$copy/var/lib/apt/lists" -o Dir::Cache="$copy/var/cache/apt"
	-o Debug::NoLocking=1)
if ! "$kenshin" facts --root "$copy" --format json >"$work/facts.json" 2>"$work/facts.err"; then
	echo "FAIL: kenshin facts failed"; cat "$work/facts.err"; exit 1
fi
if ! apt-get -s "${apt_opts[@]}" dist-upgrade >"$work/apt.txt" 2>"$work/apt.err"; then
	echo "FAIL: apt-get -s dist-upgrade failed"; cat "$work/apt.err"; exit 1
fi
# Every version the security suite's Packages files offer (any compression apt keeps).
: >"$work/security.txt"
for f in "$copy"/var/lib/apt/lists/*-security_*_binary-*_Packages*; do
	[ -f "$f" ] || continue
	case $f in
	*.gz) gzip -dc "$f" ;; *.xz) xz -dc "$f" ;; *.lz4) lz4 -dc "$f" ;; *.zst) zstd -dc "$f" ;;
	*) cat "$f" ;;
	esac | awk '/^Package:/{p=$2} /^Version:/{print p, $2}' >>"$work/security.txt"
done

python3 - "$work" <<'EOF'
import json, re, subprocess, sys
work = sys.argv[1]
facts = {f["key"]: f for f in json.load(open(f"{work}/facts.json"))["facts"]}
pend = facts.get("updates.pending_security", {})
if not isinstance(pend.get("value"), list):
    print("FAIL: updates.pending_security is not known:", pend.get("reason"))
    sys.exit(1)
kenshin = {r["name"]: r for r in pend["value"]}
apt = {}
for line in open(f"{work}/apt.txt"):
    m = re.match(r"Inst (\S+) \[(\S+)\] \((\S+) ([^)]*)\)", line)
    if m:
        apt[m.group(1).split(":")[0]] = (m.group(2), m.group(3), m.group(4))
security = {}
for line in open(f"{work}/security.txt"):
    p, v = line.split()
    security.setdefault(p, []).append(v)

def gt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0

errors = []
for name, r in kenshin.items():
    if name not in apt:
        errors.append(f"{name}: kenshin says pending ({r['summary']}), apt does not upgrade it")
    elif apt[name][0] != r["installed"]:
        errors.append(f"{name}: installed {r['installed']} per kenshin, {apt[name][0]} per apt")
expected = set()
for name, (inst, cand, rel) in apt.items():
    if any(gt(v, inst) for v in security.get(name, [])):
        expected.add(name)
        if name not in kenshin:
            errors.append(f"{name}: apt upgrades {inst} -> {cand} ({rel}) and security offers "
                          f"{max(security[name])}, kenshin does not report it")
print(f"kenshin pending: {len(kenshin)}; apt upgrades: {len(apt)}, of which {len(expected)} have a "
      f"security version above the installed one; security versions known: {sum(map(len, security.values()))}")
for e in errors:
    print("FAIL:", e)
if not kenshin and not expected:
    print("note: nothing pending on this tree; the comparison is trivially true")
sys.exit(1 if errors else 0)
EOF
