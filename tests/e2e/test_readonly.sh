#!/bin/bash
# The scanner never changes what it reads: hash every fixture tree (names, types, modes, sizes,
# mtimes, ctimes, link targets and contents; not atimes, which reading may update) before and
# after a scan of each, and of a real Debian tree when one has been built (tests/debootstrap.sh).
set -u
kenshin=$1
fixtures=$2
tree_hash() {
	(cd "$1" && find . -printf '%p %y %m %s %T@ %C@ %l\n' | LC_ALL=C sort
	 find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum
}
roots=("$fixtures")
[ -d "${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}/etc" ] && roots+=("${KENSHIN_DEBIAN_TREE:-/var/tmp/kenshin-bookworm}")
fail=0 n=0
for top in "${roots[@]}"; do
	before=$(tree_hash "$top")
	if [ "$top" = "$fixtures" ]; then
		for d in "$fixtures"/*/*/; do
			[ -x "$d/make.sh" ] && continue   # make.sh trees are copied before use
			"$kenshin" scan --root "$d" --format json --now 1763769600 > /dev/null 2>&1
			n=$((n+1))
		done
	else
		"$kenshin" scan --root "$top" --format json > /dev/null 2>&1; n=$((n+1))
	fi
	after=$(tree_hash "$top")
	if [ "$before" != "$after" ]; then echo "FAIL: $top changed during a scan"; fail=1; fi
done
echo "readonly: $n scans, trees unchanged: $([ $fail = 0 ] && echo yes || echo NO)"

exit $fail
