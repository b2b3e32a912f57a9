#!/bin/bash
# What a default config confines, and the keys that change it: masked and
# read-only paths, sysctls, nodev.  (Capabilities, fds, the cwd check and
# the attacks on the host have their own file; the harmful ones run only in
# the VM's guest.)
. "$(dirname "$0")/../lib.sh"
require_root

# sh SCRIPT as the app: a "process" value for mkcfg.
sh_app() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	echo "{\"args\": [\"/bin/busybox\", \"sh\", \"-c\", \"$s\"]${2:+, $2}}"
}

# Inside: "PATH=masked" for /dev/null over it (a file: reads nothing) or an
# empty read-only tmpfs (a directory); "PATH=ro" when a write fails with
# EROFS; "PATH=rw"; "PATH=missing".  /proc/timer_list is a file and
# /proc/acpi a directory on this kernel when they exist.
PROBE='for p in /proc/timer_list /proc/acpi /sys/firmware /proc/sys /proc/bus /proc/irq /proc/fs /etc/group; do
	if [ ! -e $p ]; then echo "$p=missing"; continue; fi
	f=$(grep -E " $p " /proc/self/mountinfo | tail -n 1 | cut -d" " -f9)
	echo "$p.fs=${f:-none}"
done
[ -e /proc/timer_list ] && echo "timer_list.bytes=$(wc -c </proc/timer_list)"
[ -d /sys/firmware ] && echo "firmware.entries=$(ls -A /sys/firmware | wc -l)"
touch /sys/firmware/x 2>/dev/null && echo firmware.write=ok || echo firmware.write=refused
echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo sys.write=ok || echo sys.write=refused
grep -E " /proc/sys " /proc/self/mountinfo | grep -qE " ro[, ]" && echo sys.mount=ro || echo sys.mount=rw'

begin harden_default_masked_and_readonly
cfg=$(mkcfg t-hmask process "$(sh_app "$PROBE")")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	if [ -e /proc/timer_list ]; then
		expect_eq "/proc/timer_list: /dev/null bound over it" "$(val /proc/timer_list.fs)" devtmpfs
		expect_eq "/proc/timer_list reads nothing" "$(val timer_list.bytes)" 0
	fi
	[ -d /proc/acpi ] && expect_eq "/proc/acpi: an empty tmpfs" "$(val /proc/acpi.fs)" tmpfs
	expect_eq "/sys/firmware: an empty tmpfs" "$(val /sys/firmware.fs)" tmpfs
	expect_eq "/sys/firmware is empty" "$(val firmware.entries)" 0
	expect_eq "/sys/firmware is read-only" "$(val firmware.write)" refused
	expect_eq "/proc/sys bound read-only" "$(val sys.mount)" ro
	expect_eq "a write under /proc/sys" "$(val sys.write)" refused
	for p in /proc/bus /proc/irq /proc/fs; do
		[ -e $p ] && expect_eq "$p bound onto itself" "$(val $p.fs)" proc
	done
	expect_eq "/etc/group is not masked" "$(val /etc/group.fs)" none
fi
end

# The config's lists replace the defaults: [] leaves /proc/sys writable by
# the container's root (a namespaced sysctl of its own), and a masked path
# of the image's (/etc/group, a file) is masked; a missing one is skipped.
begin harden_lists_replace_defaults
cfg=$(mkcfg t-hlists process "$(sh_app "$PROBE")" masked_paths '["/etc/group", "/no/such/path"]' \
	readonly_paths '[]')
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "/etc/group masked" "$(val /etc/group.fs)" devtmpfs
	expect_eq "/sys/firmware not masked" "$(val firmware.entries)" "$(ls -A /sys/firmware | wc -l)"
	expect_eq "/proc/sys not read-only" "$(val sys.mount)" rw
	[ -e /proc/timer_list ] && expect_eq "/proc/timer_list not masked" "$(val /proc/timer_list.fs)" none
fi
end

# A masked path is resolved inside the root: a symlink in the image that
# points at a host path leads to the root's own file, never the host's.
begin harden_mask_through_symlink_stays_in_root
root=$T/root
cp -a "$ROOTDIR" "$root"
ln -s /etc/group "$root/etc/alias"
ln -s ../../../../../../etc/passwd "$root/etc/up"
host_before=$(stat -c '%i %s %Y' /etc/group /etc/passwd)
cfg=$(mkcfg t-hlink root "{\"path\": \"$root\"}" masked_paths '["/etc/alias", "/etc/up"]' \
	process "$(sh_app 'grep -E " /etc/(group|passwd) " /proc/self/mountinfo | cut -d" " -f5 | sort | tr "\n" " "')")
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq "masked inside the root" "$OUT" "/etc/group /etc/passwd "
expect_eq "the host's files" "$(stat -c '%i %s %Y' /etc/group /etc/passwd)" "$host_before"
expect_no_line "host mounts" "$(grep -E ' /etc/(group|passwd) ' /proc/self/mountinfo)" .
end

# Sysctls: written in the container's own namespaces, never the host's.
begin harden_sysctl_namespaced
host_before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
host_dom=$(cat /proc/sys/kernel/domainname)
cfg=$(mkcfg t-hsys process "$(sh_app 'echo port=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
echo dom=$(cat /proc/sys/kernel/domainname)
echo shm=$(cat /proc/sys/kernel/shmmni)')" \
	sysctl '{"net.ipv4.ip_unprivileged_port_start": "99", "kernel.domainname": "inside.test",
		 "kernel.shmmni": "77"}')
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "net sysctl inside" "$(val port)" 99
	expect_eq "uts sysctl inside" "$(val dom)" inside.test
	expect_eq "ipc sysctl inside" "$(val shm)" 77
fi
expect_eq "the host's port start" "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$host_before"
expect_eq "the host's domainname" "$(cat /proc/sys/kernel/domainname)" "$host_dom"
end

# A value the kernel refuses: one line at the value, 125, nothing left.
begin harden_sysctl_refused
cfg=$(mkcfg_raw sysbad.json <<EOF
{
  "name": "t-hsysbad",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "sysctl": {"net.ipv4.ip_unprivileged_port_start": "lots"}
}
EOF
)
run_nsrun run "$cfg" </dev/null
expect_rc 125
expect_one_error "^nsrun: $cfg:5:53: sysctl\\.net\\.ipv4\\.ip_unprivileged_port_start: write \"lots\" to /proc/sys/net/ipv4/ip_unprivileged_port_start: Invalid argument\$"
run_nsrun check "$cfg" </dev/null
expect_rc 0
end

begin harden_sysctl_not_namespaced_check
cfg=$(mkcfg_raw sysns.json <<EOF
{
  "name": "t-hsysns",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/true"]},
  "sysctl": {
    "vm.swappiness": "10"
  }
}
EOF
)
run_nsrun check "$cfg" </dev/null
expect_rc 1
expect_one_error "^nsrun: $cfg:6:5: sysctl\\.vm\\.swappiness: not a namespaced sysctl\$"
run_nsrun run "$cfg" </dev/null
expect_rc 125
expect_one_error "^nsrun: $cfg:6:5: sysctl\\.vm\\.swappiness: not a namespaced sysctl\$"
end

# nodev: a device node in a bind volume (a null device the test makes in
# its own directory) and in a directory root do not open; the container's
# own /dev/null does.
begin harden_nodev_volumes_and_root
root=$T/noderoot
cp -a "$ROOTDIR" "$root"
mkdir -p "$T/vol"
mknod "$T/vol/null" c 1 3
mknod "$root/null" c 1 3
cfg=$(mkcfg t-hnodev root "{\"path\": \"$root\", \"overlay\": \"4M\"}" \
	mounts "[{\"type\": \"bind\", \"source\": \"$T/vol\", \"target\": \"/vol\"}]" \
	process "$(sh_app 'for d in /vol/null /null /dev/null; do
	if echo x >$d 2>/dev/null; then echo "$d=open"; else echo "$d=refused"; fi
done')")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "a node in a bind volume" "$(val /vol/null)" refused
	expect_eq "a node in the root" "$(val /null)" refused
	expect_eq "the container's /dev/null" "$(val /dev/null)" open
fi
end

# CVE-2019-5736: the app's first exec runs in init's memory, where
# /proc/self/exe is the host's nsrun.  An app that is that link, a script
# whose "#!" names it, or a script whose interpreter is such a script, is
# refused (126, one line) instead of running the host's binary inside.
begin harden_app_is_never_nsrun
root=$T/evilroot
cp -a "$ROOTDIR" "$root"
ln -s /proc/self/exe "$root/bin/evil"
printf '#!/proc/self/exe\n' >"$root/bin/evil.sh"
printf '#! /bin/evil.sh --arg\n' >"$root/bin/evil2"
chmod 755 "$root/bin/evil.sh" "$root/bin/evil2"
for app in /bin/evil evil.sh evil2 /proc/self/exe; do
	cfg=$(mkcfg t-hevil root "{\"path\": \"$root\"}" process "{\"args\": [\"$app\", \"--version\"]}")
	run_nsrun run "$cfg" </dev/null
	expect_rc 126
	expect_one_error "^nsrun: exec (/bin/)?${app#/bin/}: it is nsrun's own binary, which a container never runs\$"
done
end
