#!/bin/bash
# The paths nsrun takes on kernels older than the build host's: under
# tests/oldkernel.c's seccomp filter close_range (5.9/5.11), openat2 (5.6),
# mount_setattr (5.12), clone3 (5.3) and statmount (6.8) fail with ENOSYS,
# and the loop driver's LOOP_CONFIGURE (5.8) with EINVAL, as there, and a
# start (from the squashfs image: LOOP_SET_FD + LOOP_SET_STATUS64, its
# autoclear checked by the snapshot) must confine exactly as on this kernel: no fd but
# 0-2 in the app (the /proc/self/fd walk), masks and read-only paths and
# read-only, nodev volumes (resolved by hand, remounted), a read-only
# directory root, and the same with a user namespace.
. "$(dirname "$0")/../lib.sh"
require_root

OLD=$BUILD/oldkernel
OLDCALLS="close_range openat2 mount_setattr clone3 statmount loop_configure"
if [ ! -x "$OLD" ]; then
	begin oldkernel_present
	bad "$OLD is missing (tests/run builds it)"
	end
	exit 0
fi

# What the app reports: its fds, the flags of the mounts that matter.
PROBE='echo fds=$(ls /proc/self/fd | tr "\n" " ")
for p in / /data /proc/sys /proc/acpi /sys/firmware; do
	f=$(grep -E "^[^ ]+ [^ ]+ [^ ]+ [^ ]+ $p " /proc/self/mountinfo | tail -n 1 | cut -d" " -f6)
	echo "$p=$f"
done
echo 1 >/proc/sys/kernel/ns_last_pid 2>/dev/null && echo sys.write=ok || echo sys.write=refused
touch /data/x 2>/dev/null && echo data.write=ok || echo data.write=refused'

sh_proc() {
	local s=${1//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	echo "{\"args\": [\"/bin/busybox\", \"sh\", \"-c\", \"$s\"]}"
}

# run_both NAME CONFIG-ARGS...: the config under the old kernel's calls and
# as it is; the two outputs must be the same, and $OUT is the old one.
run_both() {
	local name=$1 cfg new
	shift
	cfg=$(mkcfg "$name" process "$(sh_proc "$PROBE")" \
		mounts "[{\"type\": \"bind\", \"source\": \"$T/vol\", \"target\": \"/data\", \"readonly\": true}]" "$@")
	run_nsrun run "$cfg" 9<"$T/vol/f" </dev/null
	expect_rc 0 || return 1
	new=$OUT
	timeout -k 5 30 "$OLD" $OLDCALLS -- "$NSRUN" run "$cfg" 9<"$T/vol/f" >"$T/out" 2>"$T/err" </dev/null
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 0 || return 1
	expect_eq "the app's view without $OLDCALLS" "$OUT" "$new"
}

mkdir -p "$T/vol"
echo secret >"$T/vol/f"

begin oldkernel_default_start
if run_both ok-default; then
	expect_eq "fds (nsrun was started with fd 9)" "$(val fds)" "0 1 2 3"
	expect_line "/proc/sys" "$(val /proc/sys)" '^ro,'
	expect_line "/data" "$(val /data)" '^ro,nodev'
	expect_eq "a write under /proc/sys" "$(val sys.write)" refused
	expect_eq "a write in the read-only volume" "$(val data.write)" refused
	expect_line "/sys/firmware" "$(val /sys/firmware)" '^ro,'
fi
end

begin oldkernel_directory_root_read_only
if run_both ok-dirro root "{\"path\": \"$ROOTDIR\"}"; then
	expect_line "the root" "$(val /)" '^ro,nodev'
	expect_line "/proc/sys" "$(val /proc/sys)" '^ro,'
fi
end

begin oldkernel_user_namespace
if run_both ok-userns namespaces '["pid", "mount", "uts", "ipc", "net", "user"]' \
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]'; then
	expect_eq "fds" "$(val fds)" "0 1 2 3"
	expect_line "/proc/sys" "$(val /proc/sys)" '^ro,'
	expect_line "/data" "$(val /data)" '^ro,nodev'
fi
end

# A "nofile" of 1 leaves no fd for the /proc/self/fd walk (close_range's
# CLOEXEC is 5.11) nor for oom_score_adj's file: both come before the
# rlimits (on 5.10 this start failed with "open /proc/self/fd: No file
# descriptors available").
begin oldkernel_nofile_1
cfg=$(mkcfg ok-nofile process '{"args": ["/bin/payload", "exit", "0"], "rlimits": {"nofile": [1, 2]}, "oom_score_adj": 100}')
timeout -k 5 30 "$OLD" $OLDCALLS -- "$NSRUN" run "$cfg" >"$T/out" 2>"$T/err" </dev/null
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 0
end

# Kernels without a namespace nsrun can be asked for: no time namespace
# before 5.6 or without CONFIG_TIME_NS, no cgroup namespace before 4.6.  No
# booted Debian kernel lacks them, so the filter makes unshare() (and
# clone()) with the flag fail with the EINVAL those kernels give.  The start
# fails with the documented line, exit 125, nothing left; the same config
# without that namespace runs under the same filter.
# noname_ns NAME FLAG WHAT NAMESPACES-WITH NAMESPACES-WITHOUT [MORE CONFIG-ARGS...]
noname_ns() {
	local name=$1 flag=$2 what=$3 with=$4 without=$5
	shift 5
	begin "oldkernel_no_${what}_namespace"
	timeout -k 5 30 "$OLD" "$flag" -- "$NSRUN" run "$(mkcfg "$name" namespaces "$with" "$@")" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 125 && expect_one_error "^nsrun: unshare $what namespace: Invalid argument\$"
	expect_eq "stdout" "$OUT" ""
	timeout -k 5 30 "$OLD" "$flag" -- "$NSRUN" run "$(mkcfg "$name-w" namespaces "$without")" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 0
	end
}
noname_ns ok-notime newtime time '["pid", "mount", "uts", "ipc", "net", "time"]' \
	'["pid", "mount", "uts", "ipc", "net"]' time_offsets '{"monotonic": 100}'
noname_ns ok-nocgns newcgroup cgroup '["pid", "mount", "uts", "ipc", "net", "cgroup"]' \
	'["pid", "mount", "uts", "ipc", "net"]'
