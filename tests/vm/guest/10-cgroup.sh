#!/bin/sh
# cgroup v2 limits on a real unified hierarchy (the Debian kernel, booted by
# tests/vm/run; the build hosts' own cgroups are hybrid).  Every limit is
# proven by its effect, not only by the file: the OOM killer ends a memory
# hog and nsrun says so; pids.max stops a fork bomb; cpu.max throttles;
# cpuset pins.  Then every key lands in its file, a refused value and a
# missing controller each give their one line and leave no cgroup behind,
# parents nsrun made go with the last container and parents it did not make
# stay.  lib.sh's snapshot covers every cgroup directory too.
# The scripts given to the container's sh have $... for it to expand:
# shellcheck disable=SC2016
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup

# cg_dirs: every cgroup directory below the root, for the before/after checks.
cg_dirs() {
	find "$CG" -mindepth 1 -type d 2>/dev/null | sort
}

# A test's own check that nsrun left no cgroup directory (lib.sh's snapshot
# does not look at /sys/fs/cgroup).
CG_BEFORE=
cg_begin() {
	begin "$1"
	CG_BEFORE=$(cg_dirs)
}
cg_end() {
	local i=0
	while [ "$(cg_dirs)" != "$CG_BEFORE" ] && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cg_dirs)" = "$CG_BEFORE" ] ||
		bad "cgroup directories left: $(cg_dirs | grep -vxF "$CG_BEFORE" | tr '\n' ' ')"
	end
}

sh_c() {			# sh_c SCRIPT: the member "process" running sh -c SCRIPT
	process /bin/sh -c "$1"
}

# A controller the hierarchy lacks: unbind io from v2 and give it to a v1
# hierarchy, as hybrid hosts do.  First in this file: io can move only
# while no cgroup (not even a dying one) has used it (init's vm-keep had
# it: its io state goes a moment after -io, hence the retries); afterwards
# it goes back to v2 for the rest of the tests.
v1_blkio() {
	local i=0
	until mount -t cgroup -o blkio blkio /tmp/blkio 2>/dev/null; do
		[ $i -lt 50 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}
cg_begin missing_controller_named
if echo "-io" >"$CG/cgroup.subtree_control" && mkdir -p /tmp/blkio && v1_blkio; then
	cfg=$(mkcfg t-noio '"cgroup": {"io_weight": 100}')
	run_nsrun run "$cfg"
	expect_rc 125
	expect_line "error" "$ERR" "^nsrun: $cfg:[0-9]+:[0-9]+: cgroup.io_weight: controller \"io\" is not available \\($CG/cgroup.controllers: [a-z ]+; it is bound to the cgroup v1 hierarchy at /tmp/blkio\\)\$"
	umount /tmp/blkio
else
	bad "could not move io to a v1 hierarchy"
fi
i=0
until echo "+io" >"$CG/cgroup.subtree_control" 2>/dev/null; do
	[ $i -lt 50 ] || { bad "io did not come back to cgroup v2"; break; }
	sleep 0.1
	i=$((i + 1))
done
cg_end

cg_begin oom_kill_reported
run_nsrun run "$(mkcfg t-oom "$(process /bin/payload memhog 200)" \
	'"cgroup": {"memory_max": "32M", "memory_swap_max": 0}')"
expect_rc 137
expect_line "OOM line" "$ERR" '^nsrun: t-oom: killed by the OOM killer \(memory_max 32M; oom_kill 1, max [0-9]+\)$'
cg_end

cg_begin pids_max_stops_forkbomb
run_nsrun run "$(mkcfg t-pids "$(process /bin/payload forkbomb 100)" '"cgroup": {"pids_max": 16}')"
expect_rc 0
forked=$(printf '%s\n' "$OUT" | sed -n 's/^forked=\([0-9]*\) failed=\([0-9]*\)$/\1/p')
failed=$(printf '%s\n' "$OUT" | sed -n 's/^forked=\([0-9]*\) failed=\([0-9]*\)$/\2/p')
# pids.max counts the container's PID 1 and the payload itself: 14 children fit.
[ "${forked:-x}" = 14 ] && [ "${failed:-0}" = 86 ] || bad "forkbomb: '$OUT', want forked=14 failed=86"
expect_eq stderr "$ERR" ""
cg_end

cg_begin cpu_max_throttles
# cpu.stat read from outside while the container sleeps after its spin (and
# from inside, through its own cgroup namespace, for the log).
"$NSRUN" run "$(mkcfg t-cpu "$(sh_c '/bin/payload spin 1500; cat /sys/fs/cgroup/cpu.stat; sleep 2')" \
	'"cgroup": {"cpu_max": "10000 100000"}')" >"$T/bg.out" 2>&1 </dev/null &
BG=$!
i=0
while ! grep -q usage_usec "$T/bg.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
outside=$(cat "$CG/nsrun/t-cpu/cpu.stat" 2>&1)
wait "$BG"
RC=$?
expect_rc 0
thr=$(printf '%s\n' "$outside" | sed -n 's/^nr_throttled //p')
[ "${thr:-0}" -gt 0 ] 2>/dev/null ||
	bad "cpu.stat nr_throttled is '${thr}', want > 0 (outside: $(printf '%s' "$outside" | tr '\n' '|'); inside: $(tr '\n' '|' <"$T/bg.out"))"
cg_end

# Pinned to the last CPU (1 with -smp 2; malta's kernel is uniprocessor: 0).
cg_begin cpuset_pins
cpu=$(cat /sys/devices/system/cpu/online)
cpu=${cpu##*[-,]}
run_nsrun run "$(mkcfg t-cpuset "$(sh_c 'grep Cpus_allowed_list /proc/self/status')" \
	"\"cgroup\": {\"cpuset_cpus\": \"$cpu\", \"cpuset_mems\": \"0\"}")"
expect_rc 0
expect_line "Cpus_allowed_list" "$OUT" "^Cpus_allowed_list:[[:space:]]+$cpu\$"
cg_end


# Every key in its file, read from inside through the container's own
# cgroup namespace (it sees its cgroup as / at /sys/fs/cgroup).
cg_begin every_key_lands
loopdev=$(cat /sys/block/loop0/dev)
io_max="\"io_max\": [\"$loopdev rbps=1048576 wbps=2097152\"], "
# Debian 6.1's 32-bit kernels (armmp and 4kc-malta 6.1.176-1, under qemu)
# oops in throtl_trim_slice, from the throttle timer, on the first bio an
# io.max bps limit throttles ("kernel BUG at block/blk-throttle.c:742!" on
# armmp), and panic.  A guest kernel bug, not nsrun's: there io_max is left
# out (its parsing is covered by the unit tests, the io controller by
# missing_controller_named).
case $(uname -m) in
arm*l | mips | i?86)
	io_max=
	echo "vm: every_key_lands: io_max left out on $(uname -m) $(uname -r) (blk-throttle BUG)"
	;;
esac
run_nsrun run "$(mkcfg t-keys "$(sh_c 'cat /proc/self/cgroup; cd /sys/fs/cgroup &&
	for f in memory.max memory.high memory.swap.max pids.max cpu.max cpu.weight cpuset.cpus \
		cpuset.mems io.max io.weight; do echo "$f=$(cat $f | tr "\n" " " | sed "s/ *$//")"; done')" \
	"\"cgroup\": {\"memory_max\": \"32M\", \"memory_high\": \"28M\", \"memory_swap_max\": 0,
	\"pids_max\": 64, \"cpu_max\": \"50000 100000\", \"cpu_weight\": 50, \"cpuset_cpus\": \"0\",
	\"cpuset_mems\": \"0\", $io_max\"io_weight\": 70}")"
expect_rc 0
expect_line "own cgroup namespace" "$OUT" '^0::/$'
expect_eq memory.max "$(val memory.max)" 33554432
expect_eq memory.high "$(val memory.high)" 29360128
expect_eq memory.swap.max "$(val memory.swap.max)" 0
expect_eq pids.max "$(val pids.max)" 64
expect_eq cpu.max "$(val cpu.max)" "50000 100000"
expect_eq cpu.weight "$(val cpu.weight)" 50
expect_eq cpuset.cpus "$(val cpuset.cpus)" 0
expect_eq cpuset.mems "$(val cpuset.mems)" 0
if [ -n "$io_max" ]; then
	expect_line io.max "$(val io.max)" "^$loopdev rbps=1048576 wbps=2097152 riops=max wiops=max"
fi
expect_line io.weight "$(val io.weight)" '^default 70'
cg_end

# The cgroup2 mount inside is read-only.
cg_begin cgroup_mount_read_only
run_nsrun run "$(mkcfg t-cgro "$(sh_c 'mkdir /sys/fs/cgroup/x 2>&1; echo rc=$?')" '"cgroup": {}')"
expect_rc 0
expect_line "mkdir in the container's cgroup2" "$OUT" 'Read-only file system'
cg_end

# A value the schema accepts but the kernel refuses (there is no CPU 7):
# one line at the key, nothing left.
cg_begin refused_value_one_line
cfg=$(mkcfg t-badval '"cgroup": {"cpuset_cpus": "7"}')
run_nsrun run "$cfg"
expect_rc 125
expect_line "error" "$ERR" "^nsrun: $cfg:[0-9]+:[0-9]+: cgroup.cpuset_cpus: write \"7\" to $CG/nsrun/t-badval/cpuset.cpus: [A-Z][a-z ]+\$"
[ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] || bad "more than one line: $(brief "$T/err")"
cg_end

# Parents: the default one goes with its last container; a vendor's own
# parent (not made by nsrun) stays; one nsrun makes below it goes.
cg_begin parent_shared_then_removed
run_nsrun_bg() { "$NSRUN" run "$1" >"$T/bg.out" 2>&1 </dev/null & BG=$!; }
run_nsrun_bg "$(mkcfg t-long "$(process /bin/payload sleep 1500)" '"cgroup": {"pids_max": 32}')"
i=0
while [ ! -d "$CG/nsrun/t-long" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
run_nsrun run "$(mkcfg t-short '"cgroup": {"pids_max": 32}')"
expect_rc 0
[ -d "$CG/nsrun" ] || bad "the shared parent went while t-long still ran"
wait "$BG"
[ $? = 0 ] || bad "t-long: $(brief "$T/bg.out")"
[ ! -d "$CG/nsrun" ] || bad "the parent stayed after its last container"
cg_end

# nsrun exec (issue 15): CMD, a child of the container's init, is in the
# container's cgroup: its pids.max stops CMD's forks too.
cg_begin exec_in_the_cgroup
run_nsrun_bg "$(mkcfg t-exec "$(process /bin/payload sleep 30000)" '"cgroup": {"pids_max": 8}')"
i=0
while ! grep -q '^status=running' /run/nsrun/t-exec.pid 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
run_nsrun exec t-exec -- /bin/payload forkbomb 40
expect_rc 0
expect_line "exec'd fork bomb against pids.max 8 (init, the app and the bomb hold 3)" "$OUT" "^forked=5 failed=35\$"
expect_eq "the cgroup's processes after exec" "$(wc -l <"$CG/nsrun/t-exec/cgroup.procs")" 2
run_nsrun stop t-exec
expect_rc 0
wait "$BG"
cg_end

mkdir "$CG/vendor"
cg_begin vendor_parent_stays
run_nsrun run "$(mkcfg t-vendor '"cgroup": {"parent": "/sys/fs/cgroup/vendor/apps", "pids_max": 8}')"
expect_rc 0
[ -d "$CG/vendor" ] || bad "nsrun removed a parent it did not create"
[ ! -d "$CG/vendor/apps" ] || bad "nsrun left the parent it created"
cg_end
rmdir "$CG/vendor"

cg_begin many_in_a_row
i=0
while [ $i -lt 20 ]; do
	run_nsrun run "$(mkcfg "t-row$i" '"cgroup": {"memory_max": "16M", "pids_max": 8}')"
	[ "$RC" = 0 ] || { bad "run $i: exit $RC: $(brief "$T/err")"; break; }
	i=$((i + 1))
done
cg_end

# Last: the same pinning when the cpuset is a vendor parent's and the
# config has no cpuset key (the container's cgroup shares its parent's
# cpuset; 5.10's clone3 into a cgroup gave the child nsrun's CPUs here too).
# The parent stays: removing a cpuset parent soft-locks 5.10 under TCG.
cpu=$(cat /sys/devices/system/cpu/online)
cpu=${cpu##*[-,]}
mkdir "$CG/pinned"
echo "$cpu" >"$CG/pinned/cpuset.cpus"
echo "+cpuset" >"$CG/pinned/cgroup.subtree_control"
cg_begin cpuset_of_parent_pins
run_nsrun run "$(mkcfg t-pcpuset "$(sh_c 'grep Cpus_allowed_list /proc/self/status')" \
	'"cgroup": {"parent": "/sys/fs/cgroup/pinned/apps", "pids_max": 8}')"
expect_rc 0
expect_line "Cpus_allowed_list" "$OUT" "^Cpus_allowed_list:[[:space:]]+$cpu\$"
cg_end
