#!/bin/bash
# Namespaces: each alone (with mount, which is always on) and all together,
# compared link by link with the host's /proc/self/ns; the default set;
# hostname; user namespace maps; an image whose owners are shifted into the
# map (images/mkimage.sh -s) and a daemon in it that drops to its own user;
# time namespace offsets; the net namespace's loopback.
. "$(dirname "$0")/../lib.sh"
require_root

BB=/bin/busybox
ALL_LINKS="pid mnt uts ipc net cgroup user time"

# The /proc/self/ns link name of a config namespace name.
link_of() { [ "$1" = mount ] && echo mnt || echo "$1"; }

# ns_case TEST NAME "CONFIG NAMESPACES" ["EXPECTED NEW NAMESPACES"]
# With CONFIG NAMESPACES "-" the key is left out (the default set).
ns_case() {
	local test=$1 name=$2 nss=$3 want=${4:-$3} json args=() cfg n l inside outside
	begin "$test"
	if [ "$nss" != - ]; then
		json=$(printf '"%s", ' $nss)
		args+=(namespaces "[${json%, }]")
	fi
	[[ " $nss " != *" user "* ]] || args+=(uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]')
	[[ " $nss " != *" time "* ]] || args+=(time_offsets '{"monotonic": 3600, "boottime": 3600}')
	args+=(process '{"args": ["/bin/payload", "ns"]}')
	cfg=$(mkcfg "$name" "${args[@]}")
	run_nsrun run "$cfg" </dev/null
	if expect_rc 0; then
		for l in $ALL_LINKS; do
			inside=$(val "$l")
			outside=$(ns_outside "$l")
			[ -n "$inside" ] && [ "${inside#error}" = "$inside" ] ||
				{ bad "$l: cannot read the link inside: '$inside'"; continue; }
			want_new=0
			for n in $want; do
				[ "$(link_of "$n")" = "$l" ] && want_new=1
			done
			if [ $want_new = 1 ] && [ "$inside" = "$outside" ]; then
				bad "$l: the same namespace as the host ($inside), want a new one"
			elif [ $want_new = 0 ] && [ "$inside" != "$outside" ]; then
				bad "$l: a new namespace ($inside, host $outside), not requested"
			fi
		done
	fi
	end
}

for n in pid uts ipc net cgroup user time; do
	ns_case "namespace_${n}_alone" "t-ns-$n" "mount $n"
done
ns_case namespace_mount_alone t-ns-mount "mount"
ns_case namespaces_all t-ns-all "pid mount uts ipc net cgroup user time"
ns_case namespaces_default t-ns-def - "pid mount uts ipc net cgroup"

begin hostname_default_is_name
host_before=$(hostname)
cfg=$(mkcfg t-hostdef process "{\"args\": [\"$BB\", \"hostname\"]}")
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq hostname "$OUT" t-hostdef
expect_eq "the host's hostname" "$(hostname)" "$host_before"
end

begin hostname_explicit
host_before=$(hostname)
cfg=$(mkcfg t-hostexp hostname '"box-1.example"' process "{\"args\": [\"$BB\", \"hostname\"]}")
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq hostname "$OUT" box-1.example
expect_eq "the host's hostname" "$(hostname)" "$host_before"
end

begin user_namespace_maps
cfg=$(mkcfg t-userns namespaces '["pid", "mount", "uts", "ipc", "net", "cgroup", "user"]' \
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 200000, 1000], [1000, 300000, 1]]' \
	process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/gid_map; echo uid=\$(id -u) gid=\$(id -g)\"]}")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "uid_map and gid_map inside" "$(grep -v = <<<"$OUT" | awk '{ print $1, $2, $3 }')" \
		"0 100000 65536
0 200000 1000
1000 300000 1"
	expect_line ids "$OUT" '^uid=0 gid=0$'
fi
end

begin user_namespace_unprivileged_user
cfg=$(mkcfg t-userns2 namespaces '["pid", "mount", "user"]' \
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]' \
	process '{"args": ["/bin/payload", "status"], "user": "1000:1000"}')
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq "uid gid groups" "$(val uid) $(val gid) $(val groups)" "1000 1000 0"
end

# ---- an image with its owners shifted into the map -------------------------------

# $IMG_SHIFT, build/test-shift.sqfs, is `images/mkimage.sh -s 100000` (tests/run
# builds it): every uid and gid 100000 up, so that through [[0, 100000, 65536]]
# each file has its own owner again inside; $IMG is the same image unshifted.
USERNS='["pid", "mount", "uts", "ipc", "net", "cgroup", "user"]'
MAP='[[0, 100000, 65536]]'

# sh_process SCRIPT: a "process" running `busybox sh -c SCRIPT` (SCRIPT is
# JSON-escaped here: backslashes, quotes, newlines, tabs).
sh_process() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '{"args": ["%s", "sh", "-c", "%s"]}' "$BB" "$s"
}

# userns_cfg NAME ROOT_JSON SCRIPT: the container of these tests, in a user
# namespace mapping 0 to 100000.
userns_cfg() {
	mkcfg "$1" root "$2" namespaces "$USERNS" uid_map "$MAP" gid_map "$MAP" process "$(sh_process "$3")"
}

# Owners and modes inside, and www-data in the image's passwd and group.
OWNERS_SCRIPT='
for f in / /bin/busybox /bin/payload /tmp /root /var/www /var/www/index.html; do
	stat -c "%n %a %u:%g" $f 2>&1
done
grep -h ^www-data: /etc/passwd /etc/group'

# A daemon that changes to its own user: busybox httpd -u www-data binds its
# socket as root, then calls setgroups, setgid and setuid, and serves
# www-data's home (/var/www: 0700, its index.html 0600).  wget fetches the
# file (retrying while the server is not listening yet); "got=" is the file or
# wget's error, then httpd's Uid:, Gid: and Groups: lines.
DAEMON_SCRIPT='
httpd -f -u www-data -h /var/www -p 127.0.0.1:8080 &
p=$!
i=0
while [ $i -lt 100 ] && kill -0 $p 2>/dev/null; do
	r=$(wget -q -O - http://127.0.0.1:8080/index.html 2>&1) && break
	case $r in *connect*) ;; *) break ;; esac
	sleep 0.1
	i=$((i + 1))
done
echo "got=$(echo "$r" | head -n 1)"
grep -E "^(Uid|Gid|Groups):" /proc/$p/status 2>/dev/null
kill $p 2>/dev/null
exit 0'

# The ids of httpd's status lines, "UID GID GROUPS".
daemon_ids() {
	echo "$(awk '$1 == "Uid:" { print $2 }' <<<"$OUT") $(awk '$1 == "Gid:" { print $2 }' <<<"$OUT")" \
		"$(awk '$1 == "Groups:" { $1 = ""; print }' <<<"$OUT" | xargs)"
}

if [ ! -f "$IMG_SHIFT" ]; then
	fail userns_shifted_image "$IMG_SHIFT is missing (tests/run builds it)"
else
	begin userns_shifted_image_owners
	cfg=$(userns_cfg shift-own "{\"image\": \"$IMG_SHIFT\", \"overlay\": \"8M\"}" "$OWNERS_SCRIPT")
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 && expect_eq "owners inside" "$OUT" "/ 755 0:0
/bin/busybox 755 0:0
/bin/payload 755 0:0
/tmp 1777 0:0
/root 700 0:0
/var/www 700 33:33
/var/www/index.html 600 33:33
www-data:x:33:33:www-data:/var/www:/bin/false
www-data:x:33:"
	end

	# The same image unshifted: every owner is outside the map, so the
	# kernel's overflow ids (nobody) inside, and even the container's root
	# cannot enter www-data's 0700 home.
	begin userns_unshifted_image_owners_overflow
	ou=$(cat /proc/sys/kernel/overflowuid) og=$(cat /proc/sys/kernel/overflowgid)
	cfg=$(userns_cfg shift-own0 "{\"image\": \"$IMG\", \"overlay\": \"8M\"}" "$OWNERS_SCRIPT")
	run_nsrun run "$cfg" </dev/null
	if expect_rc 0; then
		expect_line /bin/busybox "$OUT" "^/bin/busybox 755 $ou:$og\$"
		expect_line /var/www "$OUT" "^/var/www 700 $ou:$og\$"
		expect_line /var/www/index.html "$OUT" "index.html.*Permission denied"
	fi
	end

	begin userns_daemon_drops_to_its_own_user
	cfg=$(userns_cfg shift-www "{\"image\": \"$IMG_SHIFT\", \"overlay\": \"8M\"}" "$DAEMON_SCRIPT")
	run_nsrun run "$cfg" </dev/null
	if expect_rc 0; then
		expect_eq "GET /index.html" "$(val got)" "only www-data reads this"
		expect_eq "httpd's uid, gid and groups" "$(daemon_ids)" "33 33 33"
	fi
	# read-only, without an overlay, too
	cfg=$(userns_cfg shift-www-ro "{\"image\": \"$IMG_SHIFT\", \"overlay\": false}" "$DAEMON_SCRIPT")
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 && expect_eq "GET /index.html, read-only root" "$(val got)" "only www-data reads this"
	end

	# The controls: the unshifted image (httpd, still root, cannot enter
	# /var/www) and one owner for every file, 100000:100000 (the recipe of
	# `mksquashfs -force-uid 100000 -force-gid 100000`, here as a directory
	# root): httpd starts and drops to www-data, which cannot open its own
	# files, all of them root's now.
	begin userns_daemon_fails_without_shift
	cfg=$(userns_cfg shift-www0 "{\"image\": \"$IMG\", \"overlay\": \"8M\"}" "$DAEMON_SCRIPT")
	run_nsrun run "$cfg" </dev/null
	if expect_rc 0; then
		[ "$(val got)" != "only www-data reads this" ] || bad "the unshifted image served www-data's file"
		expect_line "httpd's error" "$ERR" "httpd: can't change directory to '/var/www': Permission denied"
	fi
	if cp -a "$ROOTDIR" "$T/oneowner" && chown -R 100000:100000 "$T/oneowner"; then
		cfg=$(userns_cfg shift-www1 "{\"path\": \"$T/oneowner\", \"overlay\": \"8M\"}" "$DAEMON_SCRIPT")
		run_nsrun run "$cfg" </dev/null
		if expect_rc 0; then
			expect_line "GET /index.html, one owner" "$(val got)" "HTTP/1\\.[01] (403|404)"
			expect_eq "httpd's uid, gid and groups, one owner" "$(daemon_ids)" "33 33 33"
		fi
	else
		bad "cannot copy $ROOTDIR to $T/oneowner with one owner"
	fi
	end
fi

begin time_namespace_offsets
cfg=$(mkcfg t-timens namespaces '["pid", "mount", "time"]' \
	time_offsets '{"monotonic": 86400, "boottime": 172800}' \
	process '{"args": ["/bin/payload", "monotonic"]}')
before=$("$PAYLOAD" monotonic)
run_nsrun run "$cfg" </dev/null
after=$("$PAYLOAD" monotonic)
if expect_rc 0; then
	m0=$(sed -n 's/^monotonic=//p' <<<"$before") m1=$(sed -n 's/^monotonic=//p' <<<"$after")
	b0=$(sed -n 's/^boottime=//p' <<<"$before") b1=$(sed -n 's/^boottime=//p' <<<"$after")
	mi=$(val monotonic) bi=$(val boottime)
	# whole seconds on both sides: allow one second of rounding
	((mi >= m0 + 86400 - 1 && mi <= m1 + 86400 + 1)) ||
		bad "monotonic inside $mi, host $m0..$m1: want +86400"
	((bi >= b0 + 172800 - 1 && bi <= b1 + 172800 + 1)) ||
		bad "boottime inside $bi, host $b0..$b1: want +172800"
	expect_eq "the host's monotonic clock" "$((m1 - m0 < 10))" 1
fi
end

begin net_namespace_has_only_lo_up
cfg=$(mkcfg t-netlo process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"echo links=\$(ls /sys/class/net); echo flags=\$(cat /sys/class/net/lo/flags)\"]}")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq links "$(val links)" lo
	flags=$(val flags)
	(((${flags:-0} & 1) == 1)) || bad "lo is down inside (flags $flags)"
fi
end
