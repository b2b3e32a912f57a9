#!/bin/bash
# Living under an init system (issue 15): state, list, kill, stop and exec
# on running containers; stale state files; process.wait "all".
. "$(dirname "$0")/../lib.sh"
require_root

# init_of: the host pid of the background run's container init (its child).
init_of() {
	sed -n 's/^init_pid=//p' "$RUNDIR/$1.pid" 2>/dev/null
}

# Milliseconds since boot, 10 ms steps (/proc/uptime: busybox's date has no %N).
uptime_ms() {
	local u
	read -r u _ </proc/uptime
	echo $((10#${u/./} * 10))
}

# start NAME [KEY JSON]...: a background run of a trap app; waits for "ready".
start() {
	local name=$1
	shift
	bg_nsrun run "$(mkcfg "$name" process '{"args": ["/bin/payload", "trap"]}' "$@")"
	wait_for "$T/bg.out" '^ready$' && wait_for "$RUNDIR/$name.pid" '^status=running$'
}

# A name that never ran, and one whose run has ended: exit 1, one line, no stdout.
begin lc_not_running
for v in "exec lc-none -- /bin/true" "stop lc-none" "kill lc-none" "kill lc-none USR1" "state lc-none" \
	"stop lc-none -t 0"; do
	run_nsrun $v </dev/null
	expect_rc 1 && expect_eq "$v: stdout" "$OUT" "" && expect_one_error '^nsrun: lc-none: not running$' || break
done
run_nsrun list </dev/null
expect_rc 0 && expect_no_line list "$OUT" '^lc-none '
end

begin lc_usage
for v in "stop lc-u -t x" "stop lc-u -t 3601" "kill lc-u BOGUS" "kill lc-u STOP" "kill lc-u 99999" \
	"exec lc-u /bin/true" "exec lc-u -u 1 -- /bin/true" "exec lc-u -e X -- /bin/true" "state ../x" \
	"state" "list --bogus" "stop" "exec -- /bin/true"; do
	run_nsrun $v </dev/null
	expect_rc 125 && expect_one_error '^nsrun: .*\(see nsrun --help\)$' || { bad "$v: $WHY"; break; }
done
end

# state and list while it runs, and after.
begin lc_state_list
if start lc-state stop_timeout 7; then
	init=$(init_of lc-state)
	run_nsrun state lc-state </dev/null
	expect_rc 0
	expect_line state "$OUT" "^\\{\"name\": \"lc-state\", \"pid\": $init, \"image\": \"$IMG\", \"uptime\": [0-9]+, \"state\": \"running\", \"status\": \"running\", \"config\": \"$T/lc-state.json\", \"started\": [0-9]+, \"cgroup\": null, \"host_if\": null, \"oom_kills\": null, \"owner\": $BG_PID\\}$"
	[ "$(awk '{ print $4 }' "/proc/$init/stat")" = "$BG_PID" ] || bad "pid $init is not the run's child"
	run_nsrun list </dev/null
	expect_line "list header" "$(head -n1 <<<"$OUT")" '^NAME +PID +IMAGE +UPTIME +STATE$'
	expect_line list "$OUT" "^lc-state +$init +$IMG +[0-9]+ +running$"
	run_nsrun list --json </dev/null
	expect_line "list --json" "$OUT" "\\{\"name\": \"lc-state\", \"pid\": $init, \"image\": \"$IMG\", \"uptime\": [0-9]+, \"state\": \"running\"\\}"
	expect_line "list --json" "$OUT" '^\[.*\]$'
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
run_nsrun state lc-state </dev/null
expect_rc 1
run_nsrun list --json </dev/null
expect_no_line "list --json after" "$OUT" lc-state
end

# kill by name (with and without SIG) and by number; KILL goes to the init.
begin lc_kill
if start lc-kill; then
	for s in USR1 SIGUSR2 "$(kill -l HUP)"; do
		run_nsrun kill lc-kill "$s" </dev/null
		expect_rc 0 && expect_eq "kill $s: stdout" "$OUT" "" || break
	done
	wait_for "$T/bg.out" '^got SIGUSR1$' && wait_for "$T/bg.out" '^got SIGUSR2$' &&
		wait_for "$T/bg.out" '^got SIGHUP$'
	run_nsrun kill lc-kill </dev/null
	expect_rc 0
fi
wait_bg
expect_rc 42
if start lc-kill9; then
	run_nsrun kill lc-kill9 KILL </dev/null
	expect_rc 0
fi
wait_bg
expect_rc 137
end

# stop: an app that exits on TERM; stop returns once run has ended.
begin lc_stop_term
if start lc-stop; then
	run_nsrun stop lc-stop </dev/null
	expect_rc 0 && expect_eq "stop: stdout and stderr" "$OUT$ERR" ""
	st=$(proc_state "$BG_PID")
	[ -z "$st" ] || [ "$st" = Z ] || bad "run still running (state $st) when stop returned"
	[ ! -e "$RUNDIR/lc-stop.pid" ] || bad "the state file is still there when stop returned"
fi
wait_bg
expect_rc 42
end

# stop: an app that ignores TERM is killed after the timeout, -t or the config's.
for how in t config; do
	begin "lc_stop_timeout_$how"
	args=()
	[ $how = t ] && stopargs=(-t 1) || { stopargs=(); args=(stop_timeout 1); }
	bg_nsrun run "$(mkcfg "lc-stop${how:0:1}x" process '{"args": ["/bin/sh", "-c", "trap \"\" TERM; echo ready; while :; do sleep 1; done"]}' "${args[@]}")"
	if wait_for "$T/bg.out" '^ready$' && wait_for "$RUNDIR/lc-stop${how:0:1}x.pid" '^status=running$'; then
		t0=$(uptime_ms)
		run_nsrun stop "lc-stop${how:0:1}x" "${stopargs[@]}" </dev/null
		ms=$(($(uptime_ms) - t0))
		expect_rc 0
		((ms >= 1000 && ms < 2500)) || bad "stop took $ms ms, want 1000-2500"
	fi
	wait_bg
	expect_rc 137
	end
done

# exec sees every namespace of the container, for several sets of them.
exec_ns_case() {
	local test=$1 name=$2 l inside outside init
	shift 2
	begin "$test"
	if start "$name" "$@"; then
		init=$(init_of "$name")
		run_nsrun exec "$name" -- /bin/payload ns </dev/null
		if expect_rc 0; then
			for l in pid mnt uts ipc net cgroup user time; do
				inside=$(val "$l")
				outside=$(readlink "/proc/$init/ns/$l")
				[ "$inside" = "$outside" ] || { bad "$l: exec's $inside, the init's $outside"; break; }
			done
		fi
		kill -TERM "$BG_PID"
	fi
	wait_bg
	expect_rc 42
	end
}
exec_ns_case lc_exec_ns_default lc-exns
exec_ns_case lc_exec_ns_mount_only lc-exmnt namespaces '["mount"]'
exec_ns_case lc_exec_ns_all lc-exall namespaces '["pid", "mount", "uts", "ipc", "net", "cgroup", "user", "time"]' \
	root "{\"image\": \"$IMG_SHIFT\", \"overlay\": \"8M\"}" \
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]' time_offsets '{"monotonic": 3600}'

# exec: user, environment, cwd, exit status, and the app's hardening.
begin lc_exec_process
if start lc-exproc process '{"args": ["/bin/payload", "trap"], "env": ["PATH=/bin", "A=1", "B=1"], "cwd": "/etc"}'; then
	run_nsrun exec lc-exproc -- /bin/payload status </dev/null
	expect_rc 0 && expect_eq "env" "$(grep '^env=' <<<"$OUT")" $'env=PATH=/bin\nenv=A=1\nenv=B=1'
	expect_eq "ppid (a child of the container's init)" "$(val ppid)" 1
	expect_eq "NAME.sock: root's only" "$(stat -c '%A %u' "$RUNDIR/lc-exproc.sock")" "srwx------ 0"
	expect_eq "cwd (process.cwd)" "$(val cwd)" /etc
	expect_eq "uid" "$(val uid)" 0
	FOO=host run_nsrun exec lc-exproc -u 33:33 -e B=2 -e C=3 --cwd /tmp -- /bin/payload status </dev/null
	expect_rc 0 && expect_eq "env with -e" "$(grep '^env=' <<<"$OUT")" $'env=PATH=/bin\nenv=A=1\nenv=B=2\nenv=C=3'
	expect_eq "uid gid groups" "$(val uid) $(val gid) $(val groups)" "33 33 0"
	expect_eq "cwd (--cwd)" "$(val cwd)" /tmp
	run_nsrun exec lc-exproc -- sh -c 'exit 7' </dev/null
	expect_rc 7
	run_nsrun exec lc-exproc -- /bin/payload kill 9 </dev/null
	expect_rc 137
	run_nsrun exec lc-exproc -- /nonexistent </dev/null
	expect_rc 127
	# the hardening: capabilities, no_new_privs, no fd but 0-2 (exec got fd 5)
	run_nsrun exec lc-exproc -- /bin/payload caps + fds 5<"$T/lc-exproc.json" </dev/null
	expect_rc 0
	expect_eq "CapEff CapBnd NoNewPrivs fds" "$(val CapEff) $(val CapBnd) $(val NoNewPrivs) $(val fds)" \
		"00000000800005fb 00000000800005fb 1 "
	run_nsrun exec lc-exproc -u 33:33 -- /bin/payload caps </dev/null
	expect_eq "CapEff CapPrm as uid 33" "$(val CapEff) $(val CapPrm)" "0000000000000000 0000000000000000"
	# CMD in the container's pid namespace; its orphans are reaped inside
	run_nsrun exec lc-exproc -- /bin/payload orphans 3 </dev/null
	expect_rc 0 && expect_eq "orphans reaped" "$(val zombies)" 0
	# a request (exec's arguments) longer than init takes: refused there
	printf -v big '%040000d' 0
	run_nsrun exec lc-exproc -- /bin/payload status "$big" </dev/null
	expect_rc 125 && expect_one_error '^nsrun: lc-exproc: exec /bin/payload: Argument list too long$'
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
end

# exec's CMD lives with exec: exec's signals reach it; it dies with exec, and
# with the container (137, not counted as left by the app); 16 run at once,
# the 17th is refused.
kids_of() {			# kids_of PID: how many children PID has
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$1" '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); if (f[2] == p) n++ } END { print n + 0 }'
}
begin lc_exec_lifetime
if start lc-exlife; then
	init=$(init_of lc-exlife)
	"$NSRUN" exec lc-exlife -- /bin/payload trap >"$T/ex.out" 2>"$T/ex.err" </dev/null &
	ex=$!
	if wait_for "$T/ex.out" '^ready$'; then
		kill -USR1 "$ex"
		wait_for "$T/ex.out" '^got SIGUSR1$'
		kill -TERM "$ex"
		wait "$ex"
		expect_eq "exec's status, its CMD ended by the TERM it got" "$?" 42
	fi
	# (a file of its own: the first one's "ready" may be read before the
	# background shell has truncated a shared one)
	"$NSRUN" exec lc-exlife -- /bin/payload trap >"$T/ex2.out" 2>/dev/null </dev/null &
	ex=$!
	if wait_for "$T/ex2.out" '^ready$'; then
		expect_eq "init's children with exec's CMD" "$(kids_of "$init")" 2
		kill -KILL "$ex"
		wait "$ex" 2>/dev/null
		for ((i = 0; i < 100; i++)); do [ "$(kids_of "$init")" = 1 ] && break; sleep 0.05; done
		expect_eq "init's children once exec was SIGKILLed" "$(kids_of "$init")" 1
	fi
	exs=()
	for ((i = 0; i < 16; i++)); do
		"$NSRUN" exec lc-exlife -- /bin/payload sleep 60000 </dev/null >/dev/null 2>&1 &
		exs+=($!)
	done
	for ((i = 0; i < 200; i++)); do [ "$(kids_of "$init")" = 17 ] && break; sleep 0.05; done
	expect_eq "init's children: the app and 16 exec'd" "$(kids_of "$init")" 17
	"$NSRUN" exec lc-exlife -- /bin/payload exit 5 </dev/null >/dev/null 2>&1 &
	ex=$!
	sleep 0.5
	expect_eq "a 17th exec waits (init's children)" "$(kids_of "$init")" 17
	[ -n "$(proc_state "$ex")" ] || bad "a 17th exec did not wait"
	kill -TERM "${exs[0]}"
	wait "${exs[0]}"
	expect_eq "exec's status, its CMD killed by the TERM it passed on" "$?" 143
	wait "$ex"
	expect_eq "the 17th exec once one had ended" "$?" 5
	kill -TERM "$BG_PID"
	for p in "${exs[@]:1}"; do
		wait "$p"
		st=$?
		[ "$st" = 137 ] || { bad "an exec'd CMD when its container ended: exec's status $st, want 137"; break; }
	done
fi
wait_bg
expect_rc 42 && expect_eq "run's stderr (exec'd CMDs are not the app's leftovers)" "$ERR" ""
end

# run started with stdin and stdout closed: the fds exec passes land on 0 and 1
# in the init, and CMD still gets exec's own stdin, stdout and stderr.
begin lc_exec_init_without_stdio
: >"$T/bg.err"
env --default-signal "$NSRUN" run "$(mkcfg lc-exfd process '{"args": ["/bin/payload", "sleep", "30000"]}')" \
	0<&- 1>&- 2>"$T/bg.err" &
BG_PID=$!
BG_PIDS+=("$BG_PID")
if wait_for "$RUNDIR/lc-exfd.pid" '^status=running$'; then
	out=$(echo hello | "$NSRUN" exec lc-exfd -- /bin/payload cat 2>"$T/ex.err")
	expect_eq "CMD's stdout (its stdin copied)" "$out" hello
	out=$("$NSRUN" exec lc-exfd -- /bin/payload echo2 two 2>"$T/ex.err" </dev/null)
	expect_eq "CMD's stdout, stderr" "$out $(cat "$T/ex.err")" "two err:two"
	run_nsrun stop lc-exfd
	expect_rc 0
fi
wait_bg
end

# nsrun SIGKILLed: its state file is stale; a verb says "not running" and removes it.
begin lc_stale_after_kill9
cfg=$(mkcfg lc-stale process '{"args": ["/bin/payload", "sleep", "30000"]}')
bg_nsrun run "$cfg"
if wait_app && wait_for "$RUNDIR/lc-stale.pid" '^status=running$'; then
	pids=$APP_PIDS
	kill -KILL "$BG_PID"
	wait_bg
	wait_gone 3 $pids
	[ -e "$RUNDIR/lc-stale.pid" ] || bad "no state file left after kill -9 (the test needs one)"
	run_nsrun state lc-stale </dev/null
	expect_rc 1 && expect_one_error '^nsrun: lc-stale: not running$'
	[ ! -e "$RUNDIR/lc-stale.pid" ] || bad "the stale state file is still there"
fi
end

# Two starts of one name at once: exactly one runs.
begin lc_parallel_start
cfg=$(mkcfg lc-par process '{"args": ["/bin/payload", "trap"]}')
env --default-signal "$NSRUN" run "$cfg" >"$T/p1.out" 2>"$T/p1.err" </dev/null &
p1=$!
env --default-signal "$NSRUN" run "$cfg" >"$T/p2.out" 2>"$T/p2.err" </dev/null &
p2=$!
BG_PIDS+=("$p1" "$p2")
sleep 1
n=$(cat "$T/p1.out" "$T/p2.out" | grep -c '^ready$')
[ "$n" = 1 ] || bad "$n of the two starts run"
grep -qh 'already running' "$T/p1.err" "$T/p2.err" || bad "no 'already running' line: $(cat "$T/p1.err" "$T/p2.err")"
run_nsrun stop lc-par </dev/null
expect_rc 0
wait "$p1" "$p2" 2>/dev/null
forget_bg "$p1"; forget_bg "$p2"
end

# process.wait "all": a daemonizing app; the container lives on until stopped.
begin lc_wait_all
bg_nsrun run "$(mkcfg lc-wall process '{"args": ["/bin/payload", "daemonize", "2"], "wait": "all"}')"
if wait_for "$T/bg.out" '^daemons=2$'; then
	sleep 0.3
	run_nsrun state lc-wall </dev/null
	expect_rc 0
	run_nsrun stop lc-wall -t 5 </dev/null
	expect_rc 0
fi
wait_bg
expect_rc 3 && expect_eq stderr "$ERR" ""
end

# run --pidfile and --ready-fd: the init's pid, one line once the app runs.
begin lc_pidfile_ready
cfg=$(mkcfg lc-ready process '{"args": ["/bin/payload", "trap"]}')
: >"$T/ready"
env --default-signal "$NSRUN" run --pidfile "$T/pf" --ready-fd 5 "$cfg" 5>"$T/ready" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
BG_PID=$!
BG_PIDS+=("$BG_PID")
if ! { wait_for "$T/ready" '^ready$' 30 && wait_for "$T/bg.out" '^ready$' 30; }; then
	WHY="$WHY; run's stdout: $(brief "$T/bg.out"); stderr: $(brief "$T/bg.err")"
else
	expect_eq "pid file" "$(cat "$T/pf")" "$(init_of lc-ready)"
	expect_eq "ready line" "$(cat "$T/ready")" ready
	init=$(cat "$T/pf")
	for p in $init $(descendants_of "$init"); do
		ls -l "/proc/$p/fd" 2>/dev/null | grep -q "$T/ready" && bad "fd 5 is open in container pid $p"
	done
	run_nsrun stop lc-ready </dev/null
	expect_rc 0
fi
wait_bg
expect_rc 42
[ ! -e "$T/pf" ] || bad "the pid file is still there after the run"
# a start that fails: nothing written, and the pid file of a killed run replaced
echo 1 >"$T/pf"
cfg=$(mkcfg lc-ready2 process '{"args": ["/nonexistent"]}')
"$NSRUN" run --pidfile "$T/pf" --ready-fd 5 "$cfg" 5>"$T/ready2" >/dev/null 2>&1 </dev/null
RC=$?
expect_rc 127
expect_eq "ready line of a failed start" "$(cat "$T/ready2")" ""
[ ! -e "$T/pf" ] || bad "the pid file is still there after a failed run"
run_nsrun run --ready-fd 1 "$cfg" </dev/null
expect_rc 125
end

# features: the build's table, the kernel's probes (this host has them all:
# the suite's own images are zstd squashfs under an overlay), and the
# feature left out of a --without build.
begin lc_features
run_nsrun features </dev/null
expect_rc 0 && expect_eq "lines" "$(grep -c '' <<<"$OUT")" 1
expect_line features "$OUT" '^\{"features": \{"squashfs": true, "userns": true, "timens": true, "cgroup": true, "net": true, "seccomp": true, "verity": true, "nat": true\}, "kernel": \{"namespaces": \{"pid": (true|false), "mount": true, "uts": (true|false), "ipc": (true|false), "net": (true|false), "cgroup": (true|false), "user": (true|false), "time": (true|false)\}, "overlay": true, "squashfs": true, "cgroup2": (true|false), "loop": true, "veth": (true|false), "bridge": (true|false), "device_mapper": (true|false), "dm_verity": (true|false), "clone3": (true|false), "pidfd": (true|false), "openat2": (true|false), "cgroup2_controllers": \[[^]]*\], "squashfs_codecs": \[[^]]*"zstd"\]\}, "missing": \{.*\}\}$'
# every false probe has its line in "missing", with a CONFIG_ option or a version
for k in $(grep -oE '"[a-z0-9]+": false' <<<"${OUT%%\"missing\"*}" | cut -d'"' -f2); do
	expect_line "missing $k" "$OUT" "\"missing\": \\{.*\"$k\": \"(CONFIG_[A-Z0-9_]+|Linux [0-9.]+): [^\"]+\"" || break
done
if [ -x "$BUILD/nsrun-nosquashfs" ]; then
	NSRUN=$BUILD/nsrun-nosquashfs run_nsrun features </dev/null
	expect_rc 0 && expect_line "--without-squashfs" "$OUT" '^\{"features": \{"squashfs": false, '
fi
end

# The squashfs codecs by mounting a tiny image with each one's id (issue
# 19): as kallsyms has them where it names each decompressor (the suite's
# images loaded the squashfs module), the same with /proc/kallsyms hidden,
# and nothing left behind (end's snapshot: no loop device, no mount).
# Without root (a user namespace of its own: no loop device) features
# falls back to kallsyms; without both it knows no codec.
codecs_of() {
	grep -o '"squashfs_codecs": \[[^]]*\]' <<<"$1" | sed 's/.*\[//' | grep -oE '[a-z0-9]+' | tr '\n' ' '
}
begin lc_features_codecs
run_nsrun features </dev/null
expect_rc 0
codecs=$(codecs_of "$OUT")
want=
for c in gzip:zlib_uncompress xz:squashfs_xz_uncompress lzo:lzo_uncompress lz4:lz4_uncompress \
	zstd:zstd_uncompress; do
	! grep -qE " ${c#*:}([[:space:]]|\$)" /proc/kallsyms || want="$want${c%%:*} "
done
expect_eq "codecs mounted" "$codecs" "$want"
case $codecs in *zstd*) ;; *) bad "no zstd: the suite's own images are zstd ($codecs)" ;; esac
for k in gzip xz lzo lz4 zstd; do
	case " $codecs" in
	*" $k "*) expect_no_line "missing $k" "$OUT" "\"$k\": \"CONFIG_SQUASHFS_" ;;
	*) expect_line "missing $k" "$OUT" "\"$k\": \"CONFIG_SQUASHFS_" ;;
	esac
done
OUT=$(unshare -m bash -c 'mount --bind /dev/null /proc/kallsyms && "$0" features' "$NSRUN" 2>&1 </dev/null)
expect_eq "codecs mounted without /proc/kallsyms" "$(codecs_of "$OUT")" "$codecs"
OUT=$(unshare -U "$NSRUN" features 2>&1 </dev/null)
expect_eq "codecs of kallsyms, without root" "$(codecs_of "$OUT")" "$want"
OUT=$(unshare -m bash -c 'mount --bind /dev/null /proc/kallsyms && unshare -U "$0" features' "$NSRUN" 2>&1 </dev/null)
expect_eq "codecs without root and without /proc/kallsyms" "$(codecs_of "$OUT")" ""
end
