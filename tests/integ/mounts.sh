#!/bin/bash
# The container's standard mounts (/proc, /sys, its cgroup, /dev and what is
# in it): what each one is inside, with and without a user namespace; and an
# image whose /proc, /sys or /dev is a symlink, absolute or climbing out with
# "..": nsrun refuses to start it (125, one line) and nothing outside the
# root is created or mounted on.
. "$(dirname "$0")/../lib.sh"
require_root

BB=/bin/busybox
USERNS=(namespaces '["pid", "mount", "uts", "ipc", "net", "cgroup", "user"]'
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]')
TYPES="for d in /proc /sys /dev /dev/pts /dev/shm; do echo \$d=\$(stat -f -c %T \$d); done; \
echo cgroup=\$(stat -f -c %t /sys/fs/cgroup); ls /proc/self/fd >/dev/null && echo self=ok; echo null=\$(stat -c %t:%T /dev/null)"

# mounts_case NAME CFG-ARGS...: the filesystem of each standard mount.
mounts_case() {
	local name=$1
	shift
	cfg=$(mkcfg "$name" "$@" process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"$TYPES\"]}")
	run_nsrun run "$cfg" </dev/null
	if expect_rc 0; then
		expect_eq /proc "$(val /proc)" proc
		expect_eq /sys "$(val /sys)" sysfs
		expect_eq "/sys/fs/cgroup (cgroup2's magic)" "$(val cgroup)" 63677270
		expect_eq /dev "$(val /dev)" tmpfs
		expect_eq /dev/pts "$(val /dev/pts)" devpts
		expect_eq /dev/shm "$(val /dev/shm)" tmpfs
		expect_eq "/proc/self/fd" "$(val self)" ok
		expect_eq "/dev/null" "$(val null)" 1:3
	fi
}

begin standard_mounts
mounts_case mt-std
end

begin standard_mounts_userns
mounts_case mt-stdu "${USERNS[@]}"
end

# A copy of the test root with the named entries replaced by symlinks:
# evil_root DIR NAME TARGET [NAME TARGET]...
evil_root() {
	local dir=$1
	shift
	cp -a "$ROOTDIR" "$dir"
	while (($# >= 2)); do
		rm -rf "${dir:?}/$1"
		ln -s "$2" "$dir/$1"
		shift 2
	done
}

# The host's side of an attack: EVIL is still an empty directory and not a
# mount point; / has the same entries as before.
host_untouched() {
	[ -d "$EVIL" ] && [ -z "$(ls -A "$EVIL")" ] || bad "$EVIL was written to: $(ls -A "$EVIL" | head -c 200)"
	! mountpoint -q "$EVIL" || bad "$EVIL is a mount point"
	expect_eq "the host's /" "$(ls -A /)" "$ROOT_LS"
}

EVIL=$T/evil                            # absolute, on the host
mkdir -p "$EVIL"
ROOT_LS=$(ls -A /)

# /proc -> an absolute host path; the same path exists inside the root, so
# following the link inside the root would have worked: refusing is policy.
begin proc_symlink_absolute
evil_root "$T/r-proc" proc "$EVIL"
mkdir -p "$T/r-proc$EVIL"
cfg=$(mkcfg mt-proc root "{\"path\": \"$T/r-proc\", \"overlay\": \"8M\"}")
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: /proc in the image is a symlink; it must be a directory'
host_untouched
[ -z "$(ls -A "$T/r-proc$EVIL")" ] || bad "something was made in the root's $EVIL"
end

# The same in a user namespace without a pid namespace of its own, where
# /proc is a bind of the host's (read-only root: nsrun mounts it first).
begin proc_symlink_userns
cfg=$(mkcfg mt-procu root "{\"path\": \"$T/r-proc\", \"overlay\": false}" \
	namespaces '["mount", "user"]' uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]')
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: /proc in the image is a symlink'
host_untouched
end

# /dev -> ../../.. from the root: the host's / when followed from the work
# directory (/run/nsrun/root), the root itself when followed inside it.
begin dev_symlink_climbing
evil_root "$T/r-dev" dev ../../..
cfg=$(mkcfg mt-dev root "{\"path\": \"$T/r-dev\", \"overlay\": false}")
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: /dev in the image is a symlink; it must be a directory'
host_untouched
[ ! -e "$T/r-dev/null" ] && [ ! -e "$T/r-dev/pts" ] || bad "nodes were made in the root itself"
end

begin sys_symlink_climbing
evil_root "$T/r-sys" sys "../../../../../../..$EVIL"
cfg=$(mkcfg mt-sys root "{\"path\": \"$T/r-sys\", \"overlay\": \"8M\"}" "${USERNS[@]}")
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: /sys in the image is a symlink'
host_untouched
end
