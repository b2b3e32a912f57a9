#!/bin/bash
# Namespaces: each alone (with mount, which is always on) and all together,
# compared link by link with the host's /proc/self/ns; the default set;
# hostname; user namespace maps; time namespace offsets; the net namespace's
# loopback.
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
