#!/bin/bash
# Hostile trees: each must scan in under 2 s, without a crash (exit 0 or 1, valid JSON), and
# without reading anything outside the root (a marker placed beside the root must never appear).
set -u
kenshin=$1
work=$(mktemp -d /tmp/kenshin-hostile-XXXXXX)
trap 'rm -rf "$work"' EXIT
outside=$work/outside
mkdir -p "$outside/etc"
marker=OUTSIDE-MARKER-7f3a
printf 'root:x:0:0:%s:/root:/bin/bash\n' "$marker" > "$outside/etc/passwd"
printf 'root:$6$%s$abc:19000:0:99999:7:::\n' "$marker" > "$outside/etc/shadow"
printf 'PASS_MAX_DAYS 1 # %s\n' "$marker" > "$outside/etc/login.defs"

base() { # a minimal sane tree the hostile part is added to
	local t=$1
	mkdir -p "$t/etc/pam.d" "$t/etc/ssh" "$t/etc/security" "$t/usr/sbin" "$t/var/log"
	printf 'root:x:0:0:root:/root:/bin/bash\n' > "$t/etc/passwd"
	printf 'root:*:19000:0:99999:7:::\n' > "$t/etc/shadow"
	printf 'password required pam_unix.so\n' > "$t/etc/pam.d/passwd"
}

mk() { local t=$work/t-$1; base "$t"; echo "$t"; }

t=$(mk abs-symlink);  ln -sf "$outside/etc/passwd" "$t/etc/passwd"; ln -sf "$outside/etc/shadow" "$t/etc/shadow"
                      ln -sf "$outside/etc/login.defs" "$t/etc/login.defs"
t=$(mk dotdot);       ln -sf ../../../../../../../..$outside/etc/passwd "$t/etc/passwd"
                      ln -sf ../../../../../../../../../../../etc/shadow "$t/etc/shadow"
                      ln -sf ../.. "$t/etc/up"; printf '@include ../up/up/up/%s/etc/login.defs\n' "${outside#/}" >> "$t/etc/pam.d/passwd"
t=$(mk dir-escape);   rm -rf "$t/etc/ssh"; ln -s "$outside/etc" "$t/etc/ssh"; : > "$t/usr/sbin/sshd"
t=$(mk loops);        ln -sf loop2 "$t/etc/pam.d/common-auth"; ln -sf common-auth "$t/etc/pam.d/loop2"
                      ln -sf login.defs "$t/etc/login.defs"; ln -sf /etc/passwd "$t/etc/passwd"
t=$(mk fifo);         rm -f "$t/etc/shadow"; mkfifo "$t/etc/shadow" "$t/etc/login.defs" "$t/etc/security/pwquality.conf"
                      : > "$t/usr/sbin/sshd"; mkfifo "$t/etc/ssh/sshd_config"
                      mkdir -p "$t/var/log"; mkfifo "$t/var/log/lastlog" "$t/var/log/wtmp"
if [ "$(id -u)" = 0 ]; then
t=$(mk device);       rm -f "$t/etc/passwd" "$t/etc/shadow"
                      mknod "$t/etc/login.defs" c 1 3; mknod "$t/etc/passwd" c 1 5; mknod "$t/etc/shadow" c 1 3
                      mknod "$t/var/log/lastlog" c 1 5; mknod "$t/etc/ssh/sshd_config" c 5 0; : > "$t/usr/sbin/sshd"
                      mknod "$t/etc/security/pwquality.conf" c 1 5
fi
t=$(mk pam-loop);     printf '@include common-a\n' > "$t/etc/pam.d/passwd"; printf '@include common-b\n' > "$t/etc/pam.d/common-a"
                      printf 'password include common-a\npassword substack passwd\n' > "$t/etc/pam.d/common-b"
                      printf 'auth include sshd\n' > "$t/etc/pam.d/sshd"
t=$(mk sshd-loop);    : > "$t/usr/sbin/sshd"; printf 'Include /etc/ssh/sshd_config\nInclude sshd_config.d/*.conf\n' > "$t/etc/ssh/sshd_config"
                      mkdir -p "$t/etc/ssh/sshd_config.d"; printf 'Include /etc/ssh/sshd_config.d/*.conf\n' > "$t/etc/ssh/sshd_config.d/a.conf"
t=$(mk huge);         truncate -s 64M "$t/etc/security/pwquality.conf"   # sparse, far over the 16 MiB cap
                      head -c 20000000 /dev/zero | tr '\0' 'a' > "$t/etc/login.defs"
                      : > "$t/usr/sbin/sshd"; truncate -s 40M "$t/etc/ssh/sshd_config"
                      truncate -s 5G "$t/var/log/lastlog"; truncate -s 3G "$t/var/log/wtmp"
t=$(mk garbage);      for f in etc/passwd etc/shadow etc/group etc/login.defs etc/pam.d/passwd etc/pam.d/sshd \
                               etc/ssh/sshd_config etc/security/pwquality.conf etc/os-release etc/sudoers \
                               var/lib/dpkg/status var/log/lastlog var/log/wtmp etc/modprobe.d/x.conf \
                               etc/usbguard/usbguard-daemon.conf etc/usbguard/rules.conf; do
                          mkdir -p "$(dirname "$t/$f")"; head -c 65536 /dev/urandom > "$t/$f"; done
                      : > "$t/usr/sbin/sshd"
t=$(mk long-lines);   { printf 'root:x:0:0:'; head -c 1000000 /dev/zero | tr '\0' 'x'; printf ':/root:/bin/bash\n'; } > "$t/etc/passwd"
                      { printf 'password required pam_unix.so'; for i in $(seq 5000); do printf ' a%d' "$i"; done; echo; } > "$t/etc/pam.d/passwd"

pass=0 fail=0
for n in $(cd "$work" && ls -d t-* | sed 's/^t-//'); do
	t=$work/t-$n
	start=$(date +%s%N)
	timeout 10 "$kenshin" scan --root "$t" --format json --now 1763769600 > "$work/out.json" 2> "$work/err"
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	problem=""
	[ $rc -le 1 ] || problem="exit $rc"
	[ $ms -lt 2000 ] || problem="$problem took ${ms} ms"
	grep -q "$marker" "$work/out.json" "$work/err" && problem="$problem read outside the root"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]=="kenshin.scan/1"; assert len(d["results"])>=18' "$work/out.json" 2>/dev/null || problem="$problem invalid JSON"
	# No rule may pass on facts the hostile part made unreadable: in these trees the files that
	# decide 2-5, 2-7 and 2-10 are FIFOs, devices, noise, loops or over the size cap.
	case $n in
		fifo|device|garbage) guarded="2-5 2-7 2-10" ;;
		huge) guarded="2-7 2-10" ;;
		loops|abs-symlink|dotdot) guarded="2-5 2-7" ;;
		pam-loop|long-lines) guarded="2-7" ;;
		sshd-loop|dir-escape) guarded="2-10" ;;
		*) guarded="" ;;
	esac
	bad=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); g=sys.argv[2].split()
print(" ".join(r["item"] for r in d["results"] if r["item"] in g and r["verdict"]=="pass"))' "$work/out.json" "$guarded" 2>/dev/null)
	[ -z "$bad" ] || problem="$problem passes on unreadable input: $bad"
	verdicts=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(" ".join(r["item"]+"="+r["verdict"] for r in d["results"] if r["item"] in ("2-5","2-7","2-9","2-10")))' "$work/out.json" 2>/dev/null)
	if [ -z "$problem" ]; then
		echo "ok   $n (${ms} ms, exit $rc) $verdicts"; pass=$((pass+1))
	else
		echo "FAIL $n: $problem"; head -5 "$work/err"; fail=$((fail+1))
	fi
done
echo "hostile: $pass passed, $fail failed"
[ $fail -eq 0 ]
