#!/bin/sh
# Issue 17's cgroup rules, on a real unified hierarchy (the build hosts' own
# cgroups are hybrid, so tests/oci/conformance.sh and containerd.sh cover
# every other rule there, with no cgroup).  nsrun is driven as an OCI runtime
# (`nsrun --root DIR create/start/state/kill/ps/delete`, `run --bundle`) on a
# bundle whose root is the guest's busybox directory root, read-only.
#   - linux.cgroupsPath relative (under nsrun's default parent) and absolute
#     (under the cgroup2 mount); each resource lands in its cgroup v2 file
#     (cpu.shares through runc's formula to cpu.weight, quota + period to
#     cpu.max), the process is in it, and `delete` removes the cgroup and
#     the parents nsrun made;
#   - a limit has its effect: memory.limit ends a hog, pids.limit stops a
#     fork bomb;
#   - no cgroupsPath and nothing that is a real limit (what `ctr run
#     --cgroup ""` sends): no cgroup directory at all;
#   - `kill --all` and `ps` find every process through the cgroup;
#   - refused: a systemd `slice:prefix:name` path, a `..`, `unified`: one
#     line, nothing left.
# A build without `oci` (the cross tier's --without-oci guests) has nothing
# to test here: one PASS line says so when --version shows -oci.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup
OROOT=$T/oci-root                       # --root: the state directory
B=$T/bundle

case " $("$NSRUN" --version 2>&1 | head -n 1) " in
*" -oci "*) pass "oci: built without oci (nothing to test)"; exit 0 ;;
*" +oci "*) ;;
*) fail oci "nsrun --version says neither +oci nor -oci"; exit 0 ;;
esac

# bundle ARGS_JSON [LINUX_MEMBERS]: $B/config.json, the busybox root
# read-only, pid/mount/ipc/uts namespaces, proc and a tmpfs /dev.
bundle() {
	mkdir -p "$B"
	cat >"$B/config.json" <<EOF
{
  "ociVersion": "1.0.2-dev",
  "process": {"args": $1, "cwd": "/", "env": ["PATH=/bin:/sbin"], "user": {"uid": 0, "gid": 0}},
  "root": {"path": "$ROOTDIR", "readonly": true},
  "hostname": "oci",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755", "size=64k"]}
  ],
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]${2:+,
    $2}
  }
}
EOF
}

oci() { run_nsrun --root "$OROOT" "$@"; }
# The "pid" of `state ID`'s JSON.
oci_pid() { "$NSRUN" --root "$OROOT" state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' | head -n 1; }
oci_status() { "$NSRUN" --root "$OROOT" state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' | head -n 1; }
# Wait (5 s) until ID's status is WANT.
wait_status() {
	local i=0
	while [ "$(oci_status "$1")" != "$2" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(oci_status "$1")" = "$2" ] || bad "$1: status '$(oci_status "$1")', want $2"
}
# delete -f ID and check that nothing of it is left under --root.
gone() {
	oci delete --force "$1"
	[ ! -e "$OROOT/$1" ] || bad "$OROOT/$1 left after delete"
}
file_is() {			# file_is FILE WANT
	[ -e "$1" ] || { bad "$1 missing"; return 1; }
	expect_eq "$1" "$(cat "$1")" "$2"
}
# refused ID WHAT: the last create failed with one error line, nothing of ID under --root.
refused() {
	[ "$RC" != 0 ] || bad "create with $2: exit 0"
	[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] && [ -n "$ERR" ] || bad "want one error line, got: $(brief "$T/err")"
	[ ! -e "$OROOT/$1" ] || bad "$OROOT/$1 left after a refused create"
}

# ---- every resource in its file; the process in the cgroup; delete removes it
begin oci_cgroup_relative_limits
bundle '["/bin/payload", "sleep", "30000"]' \
	'"cgroupsPath": "oci-t/c1", "resources": {"memory": {"limit": 33554432, "swap": 33554432},
	 "pids": {"limit": 32}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}}'
oci create --bundle "$B" c1
expect_rc 0
D=$CG/nsrun/oci-t/c1
file_is "$D/memory.max" 33554432
file_is "$D/memory.swap.max" 0
file_is "$D/pids.max" 32
file_is "$D/cpu.weight" 20                     # runc: 1 + (512 - 2) * 9999 / 262142
file_is "$D/cpu.max" "50000 100000"
pid=$(oci_pid c1)
grep -qx "${pid:-none}" "$D/cgroup.procs" 2>/dev/null ||
	bad "state's pid '$pid' is not in $D/cgroup.procs ($(tr '\n' ' ' <"$D/cgroup.procs" 2>&1))"
oci start c1
expect_rc 0
wait_status c1 running
gone c1
[ ! -d "$CG/nsrun/oci-t" ] || bad "the parent nsrun made ($CG/nsrun/oci-t) stayed after delete"
end

begin oci_cgroup_absolute
bundle '["/bin/payload", "exit", "0"]' '"cgroupsPath": "/oci-abs/c2", "resources": {"pids": {"limit": 16}}'
oci run --bundle "$B" c2
expect_rc 0
[ ! -d "$CG/oci-abs" ] || bad "$CG/oci-abs stayed after run"
gone c2
end

# A vendor's parent (not nsrun's) stays after delete.
mkdir "$CG/oci-vendor"
begin oci_cgroup_vendor_parent_stays
bundle '["/bin/sh", "-c", "cat /proc/self/cgroup"]' '"cgroupsPath": "/oci-vendor/apps/c3", "resources": {"pids": {"limit": 16}}'
oci run --bundle "$B" c3
expect_rc 0
expect_line "the app's cgroup" "$OUT" '^0::/oci-vendor/apps/c3$'
[ -d "$CG/oci-vendor" ] || bad "nsrun removed a parent it did not make"
[ ! -d "$CG/oci-vendor/apps" ] || bad "nsrun left the parent it made"
gone c3
end
rmdir "$CG/oci-vendor"

# ---- the limits work ---------------------------------------------------------
begin oci_memory_limit_ends_hog
bundle '["/bin/payload", "memhog", "200"]' \
	'"cgroupsPath": "c4", "resources": {"memory": {"limit": 33554432, "swap": 33554432}}'
oci run --bundle "$B" c4
expect_rc 137
gone c4
end

begin oci_pids_limit_stops_forkbomb
bundle '["/bin/payload", "forkbomb", "100"]' '"cgroupsPath": "c5", "resources": {"pids": {"limit": 16}}'
oci run --bundle "$B" c5
expect_rc 0
# pids.max counts the app itself (OCI: the app is the container's PID 1).
expect_line "forkbomb" "$OUT" '^forked=15 failed=85$'
gone c5
end

# ---- no real limit: no cgroup --------------------------------------------------
begin oci_no_limit_no_cgroup
bundle '["/bin/payload", "sleep", "30000"]' \
	'"resources": {"devices": [{"allow": false, "access": "rwm"}], "cpu": {"shares": 1024}, "memory": {"limit": -1}, "pids": {"limit": 0}}'
oci create --bundle "$B" c6
expect_rc 0
during=$(find "$CG" -mindepth 1 -type d | sort)
expect_eq "cgroup directories while c6 waits" "$during" "$(printf '%s\n' "$BEFORE" | sed -n 's/^cgroup: //p')"
gone c6
end

# ---- kill --all and ps through the cgroup ------------------------------------------
begin oci_kill_all_and_ps
bundle '["/bin/sh", "-c", "/bin/payload sleep 30000 & /bin/payload sleep 30000 & wait"]' \
	'"cgroupsPath": "c7", "resources": {"pids": {"limit": 16}}'
oci run --detach --bundle "$B" c7
expect_rc 0
wait_status c7 running
i=0
while [ "$(wc -l <"$CG/nsrun/c7/cgroup.procs" 2>/dev/null)" != 3 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
oci ps --format json c7
expect_rc 0
want=$(sort -n "$CG/nsrun/c7/cgroup.procs" | tr '\n' ',' | sed 's/,$//')
got=$(printf '%s' "$OUT" | tr -d '[] \n' | tr ',' '\n' | sort -n | tr '\n' ',' | sed 's/,$//')
expect_eq "ps --format json" "$got" "$want"
oci kill --all c7 KILL
expect_rc 0
wait_status c7 stopped
i=0
while [ -s "$CG/nsrun/c7/cgroup.procs" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ ! -s "$CG/nsrun/c7/cgroup.procs" ] || bad "processes left after kill --all: $(tr '\n' ' ' <"$CG/nsrun/c7/cgroup.procs")"
gone c7
end

# ---- a user (and time) namespace joined by path -------------------------------------
# create's helper joins the user namespace and clones the container as
# create's child, which then moves it into its cgroup by cgroup.procs: the
# app in its cgroup, in the joined user namespace, limits in force.  The
# namespaces to join: an nsrun container's of its own (busybox has no
# `unshare --time`), uid 0 -> 100000, boottime + 100 s.
begin oci_cgroup_joined_user
tns= tj= tl=
if [ -e /proc/self/ns/time ]; then      # (a kernel without CONFIG_TIME_NS: the user namespace only)
	tns=', "time"' tl='"time_offsets": {"boottime": 100}'
fi
hcfg=$(mkcfg t-holder "\"namespaces\": [\"pid\", \"mount\", \"uts\", \"ipc\", \"user\"$tns]" \
	'"uid_map": [[0, 100000, 65536]]' '"gid_map": [[0, 100000, 65536]]' ${tl:+"$tl"} \
	"$(process /bin/payload sleep 30000)")
"$NSRUN" run --pidfile "$T/holder.pid" "$hcfg" </dev/null >/dev/null 2>"$T/holder.err" &
hp=$! h= i=0
while [ -z "$h" ] && [ $i -lt 600 ] && kill -0 $hp 2>/dev/null; do
	h=$(cat "$T/holder.pid" 2>/dev/null)
	sleep 0.05
	i=$((i + 1))
done
if [ -n "$h" ]; then
	bundle '["/bin/sh", "-c", "cat /proc/self/cgroup /proc/self/uid_map; readlink /proc/self/ns/user; readlink /proc/self/ns/time 2>/dev/null; true"]' \
		'"cgroupsPath": "c11", "resources": {"pids": {"limit": 16}}'
	[ -z "$tns" ] || tj=", {\"type\": \"time\", \"path\": \"/proc/$h/ns/time\"}"
	sed -i "s|{\"type\": \"uts\"}]|{\"type\": \"uts\"}, {\"type\": \"user\", \"path\": \"/proc/$h/ns/user\"}$tj]|" "$B/config.json"
	oci run --bundle "$B" c11
	expect_rc 0
	expect_line "the app's cgroup" "$OUT" '^0::/nsrun/c11$'
	expect_line "the joined user namespace's map" "$OUT" '^ *0 *100000 *65536$'
	expect_line "the joined user namespace" "$OUT" "^$(readlink "/proc/$h/ns/user" | sed 's/[][]/\\&/g')\$"
	[ -z "$tns" ] || expect_line "the joined time namespace" "$OUT" "^$(readlink "/proc/$h/ns/time" | sed 's/[][]/\\&/g')\$"
	gone c11
	[ ! -d "$CG/nsrun/c11" ] || bad "$CG/nsrun/c11 left after delete"
else
	bad "the holder container did not start: $(brief "$T/holder.err")"
fi
kill -TERM $hp 2>/dev/null
wait $hp 2>/dev/null
end

# ---- refused, one line, nothing left ---------------------------------------------
begin oci_systemd_path_refused
bundle '["/bin/true"]' '"cgroupsPath": "system.slice:nsrun:c8"'
run_nsrun --root "$OROOT" --systemd-cgroup create --bundle "$B" c8
refused c8 "a systemd cgroupsPath"
expect_line "error" "$ERR" 'cgroupsPath.*systemd'
end

begin oci_dotdot_refused
bundle '["/bin/true"]' '"cgroupsPath": "../c9", "resources": {"pids": {"limit": 16}}'
oci create --bundle "$B" c9
refused c9 "a .. in cgroupsPath"
end

begin oci_unified_refused
bundle '["/bin/true"]' '"cgroupsPath": "c10", "resources": {"unified": {"memory.high": "1000000"}}'
oci create --bundle "$B" c10
refused c10 "resources.unified"
end

exit 0
