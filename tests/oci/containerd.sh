#!/bin/bash
# tests/oci/containerd.sh RUNTIME [ARGS...] — issue 17's containerd proof:
# Debian's containerd 1.6 and its io.containerd.runc.v2 shim drive RUNTIME as
# their runc (ctr run --runc-binary, i.e. the shim's BinaryName), whole
# lifecycles through ctr, and afterwards nothing is left.
#
#   tests/oci/containerd.sh crun --cgroup-manager=disabled
#   tests/oci/containerd.sh ./nsrun                       (once nsrun has the mode)
#
# RUNTIME with no ARGS is given to the shim as it is; with ARGS (options the
# shim cannot pass) a two-line wrapper script execs RUNTIME ARGS "$@".
# Output: `PASS oci: containerd-RUNTIME/NAME` or `FAIL ...: why`, one a test.
#
# Root only.  Like conformance.sh the script re-runs itself in a private mount
# namespace whose /sys/fs/cgroup is an empty read-only tmpfs, as a child
# subreaper (the shims, which daemonize, stay below it); /run is a tmpfs
# there too (the 1.6 shim's sockets go to /run/containerd/s).  The daemon
# (tests/oci/ctrd-lib.sh) has its own root, state, socket and config under a
# temporary directory; the image is an OCI image-layout tarball of the
# suite's busybox directory root (build/testroot), imported with `ctr images
# import`: no network.  Every container runs with `--cgroup ""` (no
# cgroupsPath) and `--runc-root` under that directory.
set -u
[ $# -ge 1 ] || { echo "usage: tests/oci/containerd.sh RUNTIME [ARGS...]" >&2; exit 2; }
# shellcheck source=private.sh
. "$(dirname "$0")/private.sh"
oci_private "containerd-$(basename "$1")" "$0" "$@"

TIER=oci
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=ctrd-lib.sh
. "$(dirname "$0")/ctrd-lib.sh"

RNAME=$(basename "$1")
NAME=containerd-$RNAME
D=$TMPD/ctrd                    # the daemon's directory
RROOT=$D/runc                   # the runtime's --root (the shim adds /NAMESPACE)
REF=docker.io/nsrun/testroot:latest
BASE=$ROOTDIR

# ---- known deviations of crun 1.8.1 (no cgroup: see conformance.sh) ------------
declare -A CRUN_DEVIATIONS=(
	[task_ps]="crun ps without a cgroup exits 255 'the container is not using cgroups': ctr task ps fails"
	[task_kill_all]="crun kill --all without a cgroup exits 0 and signals nothing: the task keeps running"
	[task_rm_force_running]="ctr task rm -f kills with --all (containerd's WithProcessKill), which crun ignores without a cgroup: the task never stops and ctr waits for ever"
)

tbegin() { begin "$NAME/$1"; ONAME=$1; rm -f "$W"/*; }
tend() {
	local left
	below_shims
	if [ -n "$WHY" ] && [ "$RNAME" = crun ] && [ -n "${CRUN_DEVIATIONS[$ONAME]:-}" ]; then
		echo "    ($NAME/$ONAME: $WHY)" >&2
		WHY=
		TEST="$TEST (crun deviation: ${CRUN_DEVIATIONS[$ONAME]})"
	fi
	end
}

# c ARG...: ctr under timeout (CTR_TIMEOUT seconds, default 30); RC, OUT, ERR
c() {
	timeout -k 5 "${CTR_TIMEOUT:-30}" "${CTR[@]}" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	[ "$RC" != 124 ] || bad "ctr $* timed out after ${CTR_TIMEOUT:-30} s"
	return 0
}
task_status() { "${CTR[@]}" tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { "${CTR[@]}" tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
wait_task() { wait_status_of "$1" "$2" 5 task_status; }     # wait_task ID STATUS
# run_d ID ARG...: ctr run -d of the image, until the task runs
run_d() {
	local id=$1
	shift
	c "${RUN[@]:3}" -d "$REF" "$id" "$@"
	expect_rc 0
	wait_task "$id" RUNNING
}
# kill_rm ID: SIGKILL (no --all), until stopped; task rm, container rm
kill_rm() {
	c tasks kill -s KILL "$1"
	wait_task "$1" STOPPED
	c tasks rm "$1"
	c containers rm "$1"
}

# Nothing of a finished test may stay: no task, no container, no snapshot
# but the image's, no entry under the runtime's root or the shims' state
# dir, no shim, no process below us but the daemon.
below_shims() {
	local p left=() i
	[ -z "$("${CTR[@]}" tasks ls -q 2>/dev/null)" ] || bad "tasks left: $("${CTR[@]}" tasks ls -q | tr '\n' ' ')"
	[ -z "$("${CTR[@]}" containers ls -q 2>/dev/null)" ] || bad "containers left: $("${CTR[@]}" containers ls -q | tr '\n' ' ')"
	[ "$("${CTR[@]}" snapshots ls 2>/dev/null | awk 'NR > 1 && !/ Committed *$/' | wc -l)" = 0 ] ||
		bad "active snapshots left: $("${CTR[@]}" snapshots ls | tail -n +2 | tr '\n' ' ')"
	[ -z "$(ls -A "$RROOT/default" 2>/dev/null)" ] || bad "left under the runtime's --root: $(ls -A "$RROOT/default")"
	[ -z "$(ls -A "$D/state/io.containerd.runtime.v2.task/default" 2>/dev/null)" ] ||
		bad "left in the shims' state: $(ls -A "$D/state/io.containerd.runtime.v2.task/default")"
	for ((i = 0; i < 40; i++)); do
		descendants $$
		left=()
		for p in ${DESC[@]+"${DESC[@]}"}; do [ "$p" = "$CTRD_PID" ] || ! alive "$p" || left+=("$p"); done
		[ ${#left[@]} = 0 ] && break
		sleep 0.05
	done
	if [ ${#left[@]} != 0 ]; then
		bad "processes left: $(for p in "${left[@]}"; do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-60; echo -n "($p); "; done)"
		ctrd_stop "$D"
		ctrd_start "$D" || exit 1
	fi
}

trap 'ctrd_stop "$D"; lib_cleanup' EXIT

# ---- setup ----------------------------------------------------------------------
# ---- setup (before the first test's snapshot: the covers and the daemon stay) --------
setup_fail() { fail "$NAME/setup" "$1"; exit 1; }
[ -x "$BASE/bin/busybox" ] || setup_fail "$BASE is missing (tests/run builds it: images/mkimage.sh -d)"
command -v containerd >/dev/null && command -v ctr >/dev/null && command -v containerd-shim-runc-v2 >/dev/null ||
	setup_fail "containerd, ctr or containerd-shim-runc-v2 not installed (Debian: containerd)"
hide_cgroups ctrd || setup_fail "cannot cover /sys/fs/cgroup in the private mount namespace"
BIN=$(ctrd_runtime "$TMPD" "$@") || setup_fail "runtime $1 not found"
ctrd_start "$D" 2>"$T/err" || setup_fail "$(cat "$T/err")"
W=$TMPD/w                       # bound at /w in every container
mkdir -p "$W" && chmod 777 "$W"
RUN=("${CTR[@]}" run --runc-binary "$BIN" --runc-root "$RROOT" --cgroup "" --fifo-dir "$D/fifo"
	--mount "type=bind,src=$W,dst=/w,options=rbind:rw")

tbegin image_import
if ctrd_image "$D" "$BASE" "$REF"; then
	c images ls -q
	expect_eq "images" "$OUT" "$REF"
else
	bad "import failed: $(brief "$D/import.log")"
fi
tend

# ---- ctr run --rm -------------------------------------------------------------------
tbegin run_rm_output_status
timeout -k 5 30 "${RUN[@]}" --rm "$REF" ctrd-r1 /bin/sh -c 'echo hello from $(cat /proc/1/comm); exit 3' \
	>"$T/out" 2>"$T/err" </dev/null
RC=$?
expect_rc 3
expect_eq "output" "$(cat "$T/out")" "hello from sh"
tend

# containerd's own default seccomp profile (ctr run --seccomp): the runtime
# loads it, the app runs under it (a fork, /proc/self/status's Seccomp: 2),
# and a call it refuses fails (unshare of a user namespace).
tbegin run_rm_seccomp
timeout -k 5 30 "${RUN[@]}" --rm --seccomp "$REF" ctrd-r9 /bin/sh -c \
	'grep -q "^Seccomp:.*2" /proc/self/status || exit 4; /bin/true || exit 5; unshare -U /bin/true 2>/dev/null && exit 6; exit 0' \
	>"$T/out" 2>"$T/err" </dev/null
RC=$?
expect_rc 0
tend

tbegin run_rm_signal_status
timeout -k 5 30 "${RUN[@]}" --rm "$REF" ctrd-r2 /bin/sleep 60 >"$T/out" 2>"$T/err" </dev/null &
bgp=$!
wait_task ctrd-r2 RUNNING
c tasks kill -s KILL ctrd-r2
expect_rc 0
wait "$bgp"
RC=$?
expect_rc 137
tend

tbegin run_rm_env_cwd_user
timeout -k 5 30 "${RUN[@]}" --rm --env FOO=bar --cwd /etc "$REF" ctrd-r3 \
	/bin/sh -c 'echo "$FOO $(pwd) $(id -u) $(cat /proc/1/cmdline | tr "\0" " ")"' \
	>"$T/out" 2>"$T/err" </dev/null
RC=$?
expect_rc 0
expect_eq "env, cwd, uid, pid 1" "$(cat "$T/out")" "bar /etc 0 /bin/sh -c echo \"\$FOO \$(pwd) \$(id -u) \$(cat /proc/1/cmdline | tr \"\\0\" \" \")\" "
tend

# ---- a detached task -------------------------------------------------------------------
# The app logs the signals it gets (PID 1 of its pid namespace ignores those
# it has no handler for) and exits on TERM.
TRAPPER='for s in HUP USR1; do trap "echo $s >> /w/sig" $s; done; trap "echo TERM >> /w/sig; exit 0" TERM; echo up > /w/up; while :; do sleep 0.05; done'

tbegin detached_lifecycle
run_d ctrd-d1 /bin/sh -c "$TRAPPER"
wait_for "$W/up" up 5
pid=$(task_pid ctrd-d1)
if [[ $pid =~ ^[1-9][0-9]*$ ]]; then
	alive "$pid" || bad "task ls's pid $pid is not running"
	expect_eq "the task's process" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -d' ' -f1-2)" "/bin/sh -c"
	[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] || bad "the task is in our pid namespace"
	[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] || bad "the task is in our mount namespace"
else
	bad "ctr task ls gave no pid for ctrd-d1: $("${CTR[@]}" tasks ls | tr '\n' '|')"
fi
c tasks exec --exec-id e1 ctrd-d1 /bin/sh -c 'echo in $(cat /proc/1/comm) $(cat /w/up); exit 5'
expect_rc 5
expect_eq "exec's output" "$OUT" "in sh up"
c tasks kill ctrd-d1                       # SIGTERM
expect_rc 0
wait_task ctrd-d1 STOPPED
expect_eq "signal the app got" "$(cat "$W/sig" 2>/dev/null)" TERM
c tasks exec --exec-id e2 ctrd-d1 /bin/true
[ "$RC" != 0 ] || bad "exec in a stopped task exited 0"
c tasks rm ctrd-d1
expect_rc 0
c containers rm ctrd-d1
expect_rc 0
[ -z "$pid" ] || ! alive "$pid" || bad "the task's process $pid lives after task rm"
tend

tbegin signals_reach_the_app
run_d ctrd-d2 /bin/sh -c "$TRAPPER"
wait_for "$W/up" up 5
for s in USR1 HUP TERM; do
	c tasks kill -s "$s" ctrd-d2
	[ "$RC" = 0 ] || bad "task kill -s $s exited $RC: $ERR"
	sleep 0.2
done
wait_task ctrd-d2 STOPPED
expect_eq "signals the app logged" "$(tr '\n' ' ' 2>/dev/null <"$W/sig")" "USR1 HUP TERM "
c tasks ls
expect_line "task ls" "$OUT" "^ctrd-d2 +[0-9]+ +STOPPED"
c tasks rm ctrd-d2
c containers rm ctrd-d2
tend

# What the shim hands the runtime: the bundle containerd writes for `ctr run
# --cgroup ""`, the shim's options (BinaryName, Root), the runtime's state
# under --root ROOT/NAMESPACE.  The spec is what an OCI mode has to take.
tbegin spec_sent
run_d ctrd-d6 /bin/sleep 60
b=$D/state/io.containerd.runtime.v2.task/default/ctrd-d6
jq -e '(.ociVersion | startswith("1.")) and .root.path == "rootfs" and (.linux | has("cgroupsPath") | not)
	and .linux.resources.cpu.shares == 1024 and .linux.resources.devices[0] == {allow: false, access: "rwm"}
	and ([.linux.namespaces[].type] | sort) == ["ipc", "mount", "network", "pid", "uts"]
	and ([.mounts[].destination] | index("/run") != null) and .process.noNewPrivileges == true
	and .process.user.additionalGids == [0] and (.process.rlimits[0].type == "RLIMIT_NOFILE")' \
	"$b/config.json" >/dev/null 2>&1 ||
	bad "the bundle's config.json is not what ctr 1.6 sent before: $(jq -c '{ociVersion, root, cg: .linux.cgroupsPath, r: .linux.resources.cpu}' "$b/config.json" 2>&1 | head -c 200)"
expect_eq "the shim's options" "$(jq -c . "$b/options.json" 2>&1)" "{\"binary_name\":\"$BIN\",\"root\":\"$RROOT\"}"
[ -n "$(ls -A "$RROOT/default" 2>/dev/null)" ] || bad "nothing of the running task under the runtime's --root $RROOT/default"
kill_rm ctrd-d6
tend

tbegin task_ps
run_d ctrd-d3 /bin/sleep 60
pid=$(task_pid ctrd-d3)
c tasks ps ctrd-d3
expect_rc 0
expect_line "task ps" "$OUT" "^$pid( |$)"
kill_rm ctrd-d3
tend

tbegin task_kill_all
run_d ctrd-d4 /bin/sh -c 'sleep 60 & sleep 60 & wait'
sleep 0.2
c tasks kill --all -s KILL ctrd-d4
expect_rc 0
for ((i = 0; i < 40; i++)); do [ "$(task_status ctrd-d4)" = STOPPED ] && break; sleep 0.05; done
expect_eq "status after kill --all" "$(task_status ctrd-d4)" STOPPED
kill_rm ctrd-d4                 # (a runtime whose --all did nothing)
tend

tbegin task_rm_force_running
run_d ctrd-d5 /bin/sleep 60
pid=$(task_pid ctrd-d5)
c tasks rm ctrd-d5
[ "$RC" != 0 ] || bad "task rm of a running task exited 0"
expect_eq "status after the refused rm" "$(task_status ctrd-d5)" RUNNING
CTR_TIMEOUT=10 c tasks rm -f ctrd-d5
expect_rc 0
[ -z "$pid" ] || ! alive "$pid" || bad "the task's process $pid lives after task rm -f"
if [ "$(task_status ctrd-d5)" = RUNNING ]; then        # (a runtime whose kill --all did nothing)
	kill_rm ctrd-d5
else
	c containers rm ctrd-d5
	expect_rc 0
fi
tend

# ---- a terminal (ctr -t) -----------------------------------------------------------------
# The shim passes --console-socket and the spec process.terminal; ctr wants a
# terminal of its own for -t: script(1) gives it a pty (its typescript:
# /dev/null).  In the container: tty names a /dev/pts/N there, stdin is it.
printf '#!/bin/bash\nexec %s "$@"\n' "$(printf '%q ' "${CTR[@]}")" >"$TMPD/ctr"
chmod 755 "$TMPD/ctr"
TTYRUN="$TMPD/ctr run --runc-binary $BIN --runc-root $RROOT --cgroup '' --fifo-dir $D/fifo --mount type=bind,src=$W,dst=/w,options=rbind:rw"
ttycheck() {
	printf '#!/bin/sh\nt=$(tty) && [ -e "$t" ] && echo "tty ${t%%%%[0-9]*}"\ntest -t 0 && echo stdin-tty\nexit %s\n' "$1" >"$W/ttycheck"
	chmod 755 "$W/ttycheck"
}
# script -e CMD: its exit status; the check's lines of the output (without
# the pty's CRs and the echo of a NUL, ^@, nor ctr's own lines: a late
# "resize pty" error)
tty_c() {
	timeout -k 5 30 script -qec "$1" /dev/null >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(tr -d '\r' <"$T/out" | sed 's/\^@//g' | grep -aE '^(tty |stdin-tty)')
	[ "$RC" != 124 ] || bad "script -c '$1' timed out after 30 s"
}

tbegin run_tty
ttycheck 6
tty_c "$TTYRUN -t --rm $REF ctrd-t1 /w/ttycheck"
expect_rc 6
expect_eq "the container's terminal" "$OUT" $'tty /dev/pts/\nstdin-tty'
tend

tbegin exec_tty
run_d ctrd-t2 /bin/sleep 60
ttycheck 7
tty_c "$TMPD/ctr tasks exec -t --exec-id t1 ctrd-t2 /w/ttycheck"
expect_rc 7
expect_eq "the exec'd process's terminal" "$OUT" $'tty /dev/pts/\nstdin-tty'
kill_rm ctrd-t2
tend

tbegin many_in_a_row
n=0
for ((i = 0; i < 10; i++)); do
	timeout -k 5 30 "${RUN[@]}" --rm "$REF" "ctrd-m$i" /bin/sh -c "exit $i" >/dev/null 2>>"$T/err" </dev/null
	[ $? = "$i" ] && n=$((n + 1))
done
expect_eq "runs with the right status" "$n" 10
tend

tbegin teardown
ctrd_stop "$D"
[ -z "$(ctrd_shims "$D")" ] || bad "shims left: $(ctrd_shims "$D" | tr '\n' ' ')"
[ -z "$(awk -v d="$D/" 'index($5, d) == 1' /proc/self/mountinfo)" ] || bad "mounts left under $D"
descendants $$
[ -z "${DESC[*]+x}" ] || bad "processes left: ${DESC[*]}"
end
