# tests/oci/private.sh — the setting of the OCI scripts (bash, sourced first).
# shellcheck shell=bash
#
#   . tests/oci/private.sh
#   oci_private NAME "$0" "$@"  # re-exec into the setting (returns inside it)
#   hide_cgroups oci            # then: the cgroup cover
#   wait_status_of ID STATUS SECONDS FUNC   (with lib.sh) until FUNC ID prints STATUS
#   alive PID                   (with lib.sh) PID exists and is not a zombie
#
# oci_private NAME SCRIPT ARG...: unless OCI_PRIVATE is set, re-runs the script in a private
# mount namespace (unshare -m --propagation private: every mount the script
# or a runtime makes is gone with it) as a child subreaper (prctl from
# python3, which survives the exec of bash): a created container's process,
# and a daemonized containerd shim, stay descendants of the script, which
# reaps them and can kill them by pid.  Root only.
oci_private() {
	[ -n "${OCI_PRIVATE:-}" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL oci: $1/all: needs root"
		exit 1
	fi
	shift
	exec unshare -m --propagation private env OCI_PRIVATE=1 /usr/bin/python3 -c '
import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_CHILD_SUBREAPER): errno %d" % ctypes.get_errno())
os.execv("/bin/bash", ["bash"] + sys.argv[1:])' "$@"
}

# hide_cgroups TAG: an empty read-only tmpfs over /sys/fs/cgroup in the
# private namespace, with an empty directory for each hierarchy the host
# mounts there.  Nothing can write the host's (hybrid) cgroups: crun stops
# refusing the hybrid hierarchy, runc cannot create cgroups, containerd's
# runc shim finds no memory cgroup for its OOM watcher (no
# cgroup.event_control is ever written).
hide_cgroups() {
	local dirs d
	dirs=$(awk '{ for (i = 7; $i != "-"; i++); }
		$(i + 1) ~ /^cgroup2?$/ && $5 ~ "^/sys/fs/cgroup/" { sub("^/sys/fs/cgroup/", "", $5); print $5 }' \
		/proc/self/mountinfo | sort -u)
	mount -t tmpfs -o size=16k,mode=0755 "$1-cgroup" /sys/fs/cgroup || return 1
	for d in $dirs; do mkdir -p "/sys/fs/cgroup/$d" || return 1; done
	mount -o remount,bind,ro /sys/fs/cgroup
}

# wait_status_of ID STATUS SECONDS FUNC: until `FUNC ID` prints STATUS (every
# 50 ms); else a failure (lib.sh's bad) naming what it printed last.
wait_status_of() {
	local i s
	for ((i = 0; i < $3 * 20; i++)); do
		s=$("$4" "$1")
		[ "$s" = "$2" ] && return 0
		sleep 0.05
	done
	bad "$1: status '$s' after $3 s, want '$2'"
}

alive() { local s; s=$(proc_state "$1"); [ -n "$s" ] && [ "$s" != Z ]; }
