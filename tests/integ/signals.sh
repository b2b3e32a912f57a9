#!/bin/bash
# PID 1 and signals: forwarding, reaping, what an app that daemonizes
# leaves, the state file, and nsrun itself killed (SIGTERM: clean teardown;
# SIGKILL: the kernel reclaims, the next start cleans the rest).
. "$(dirname "$0")/../lib.sh"
require_root

trap_cfg() {
	mkcfg "$1" process '{"args": ["/bin/payload", "trap"]}'
}

# TERM sent to nsrun reaches the app, whose handler runs and exits 42.
begin signal_term_forwarded
bg_nsrun run "$(trap_cfg t-sigterm)"
if wait_for "$T/bg.out" '^ready$'; then
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
expect_line stdout "$OUT" '^got SIGTERM$'
end

# Every signal nsrun can catch is forwarded; the app keeps running.
begin signal_others_forwarded
bg_nsrun run "$(trap_cfg t-sigother)"
if wait_for "$T/bg.out" '^ready$'; then
	for sig in USR1 USR2 HUP INT QUIT WINCH; do
		kill -"$sig" "$BG_PID"
		wait_for "$T/bg.out" "^got SIG$sig\$" 5 || break
	done
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
end

# Orphans are reparented to the container's PID 1, which reaps them.
begin zombies_reaped
cfg=$(mkcfg t-orphans process '{"args": ["/bin/payload", "orphans", "5"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq "payload orphans 5" "$(val zombies)" 0
end

# An app that daemonizes (its first process exits, its daemons stay) ends
# the container: PID 1 kills what it left, with or without a pid namespace,
# and says so once, counting processes (each daemon has a second thread).
# The status stays the app's.
for nss in '["pid", "mount"]' '["mount"]'; do
	begin "app_daemonizes_$([[ $nss == *pid* ]] && echo pidns || echo no_pidns)"
	cfg=$(mkcfg "rt-daemon$([[ $nss == *pid* ]] && echo p || echo n)" namespaces "$nss" \
		process '{"args": ["/bin/payload", "daemonize", "2"]}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 3 && expect_eq stdout "$OUT" daemons=2
	expect_one_error '^nsrun: warning: rt-daemon[pn]: the app exited and left 2 processes; they were killed \(an app must stay in the foreground\)$'
	end
done

begin app_leaves_nothing_no_warning
cfg=$(mkcfg rt-daemon0 process '{"args": ["/bin/payload", "daemonize", "0"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 3 && expect_eq stderr "$ERR" ""
cfg=$(mkcfg rt-daemon0n namespaces '["mount"]' process '{"args": ["/bin/payload", "orphans", "3"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 0 && expect_eq stderr "$ERR" ""
end

# A second start with the same name fails and leaves the first alone.
begin name_already_running
bg_nsrun run "$(trap_cfg t-dup)"
if wait_for "$T/bg.out" '^ready$'; then
	cfg2=$(mkcfg_raw t-dup-2.json <<EOF
{
  "name": "t-dup",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
	run_nsrun run "$cfg2" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: t-dup: already running \\(pid $BG_PID\\)\$"
	[ -e "$RUNDIR/t-dup.pid" ] || bad "the second start removed the first one's state file"
	kill -0 "$BG_PID" 2>/dev/null || bad "the first nsrun died"
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
end

# A state file with a dead pid is stale: replaced, and removed at exit.
begin stale_state_file_replaced
cfg=$(mkcfg t-stale)
mkdir -p "$RUNDIR"
true &
dead=$!
wait "$dead"
echo "$dead" >"$RUNDIR/t-stale.pid"
run_nsrun run "$cfg" </dev/null
expect_rc 0
end

# nsrun killed by SIGTERM while the app sleeps: TERM goes to the app (no
# handler: it dies of it), nsrun tears down and exits 143.
begin nsrun_sigterm_leaves_nothing
bg_nsrun run "$(mkcfg t-term process '{"args": ["/bin/payload", "sleep", "30000"]}')"
if wait_app; then
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 143
end

# nsrun killed by SIGKILL while the app sleeps: the app dies (its parent's
# death signal), the kernel drops the mounts and the autoclear loop; only the
# state file (and work dir) may remain, and the next start cleans them.
begin nsrun_sigkill_then_restart
cfg=$(mkcfg t-sigkill process '{"args": ["/bin/payload", "sleep", "30000"]}')
bg_nsrun run "$cfg"
if wait_app; then
	pids=$APP_PIDS
	kill -KILL "$BG_PID"
	wait_bg
	for ((i = 0; i < 100; i++)); do
		left=
		for p in $pids; do
			[ -z "$(proc_state "$p")" ] || [ "$(proc_state "$p")" = Z ] || left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -z "$left" ] || bad "container processes survived nsrun's SIGKILL:$left"
	# autoclear is asynchronous: give the kernel up to 3 s
	if ! d=$(assert_no_leftovers "$BEFORE" 3 'mount|loop|link|proc'); then
		bad "after SIGKILL: $d"
	fi
	d=$(ls -A "$RUNDIR" 2>/dev/null | grep -v '^t-sigkill\.' | sort)
	expect_eq "state dir after SIGKILL (other than t-sigkill.*)" "$d" \
		"$(grep '^run: ' <<<"$BEFORE" | sed 's/^run: //' | grep -v '^t-sigkill\.' | sort)"
	run_nsrun run "$cfg" -- /bin/payload exit 0 </dev/null
	expect_rc 0
fi
end

# When the app exits, PID 1 ends what is left and nsrun returns the app's
# status at once (a background child must not keep the container alive).
begin app_exit_ends_the_rest
cfg=$(mkcfg t-leftover process '{"args": ["/bin/busybox", "sh", "-c", "/bin/payload sleep 30000 & /bin/payload sleep 30000 & exit 3"]}')
started=$SECONDS
run_nsrun run "$cfg" </dev/null
expect_rc 3
((SECONDS - started <= 5)) || bad "nsrun took $((SECONDS - started)) s to return after the app exited"
expect_one_error '^nsrun: warning: t-leftover: the app exited and left 2 processes; they were killed '
end

# Two containers with different names run side by side.
begin two_names_side_by_side
bg_nsrun run "$(trap_cfg t-side1)"
if wait_for "$T/bg.out" '^ready$'; then
	run_nsrun run "$(mkcfg t-side2 process '{"args": ["/bin/payload", "exit", "9"]}')" </dev/null
	expect_rc 9
	kill -TERM "$BG_PID"
fi
wait_bg
expect_rc 42
end

# The state file's lock, not the pid written in it, says whether a container
# runs: a file naming a live process that holds no lock (here PID 1, as after
# pid reuse) is stale too.
begin stale_state_file_live_pid
cfg=$(mkcfg t-stale2)
mkdir -p "$RUNDIR"
echo 1 >"$RUNDIR/t-stale2.pid"
run_nsrun run "$cfg" </dev/null
expect_rc 0
rm -f "$RUNDIR/t-stale2.pid"   # whatever happened, it is ours
end

# Once the container runs, its state file holds the record the lifecycle
# verbs read: nsrun's pid first, then the container's first process (as the
# host sees it) with its start time, the config's absolute path, the start,
# the status.  Replaced whole (renamed over), and gone after the exit.
ppid_of() {                     # (no ps in the VM's guest)
	awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$1/stat" 2>/dev/null
}
begin state_file_record
trap_cfg t-staterec >/dev/null
(cd "$T" && env --default-signal "$NSRUN" run t-staterec.json >"$T/bg.out" 2>"$T/bg.err" </dev/null) &
BG_PID=$!
BG_PIDS+=("$BG_PID")
if wait_for "$T/bg.out" '^ready$'; then
	f=$RUNDIR/t-staterec.pid
	# nsrun records it after "go", beside the container's own setup: the
	# app may print first.
	for ((i = 0; i < 200; i++)); do
		rec=$(cat "$f" 2>/dev/null)
		grep -q '^status=' <<<"$rec" && break
		sleep 0.01
	done
	owner=$(head -n 1 <<<"$rec")
	init=$(sed -n 's/^init_pid=//p' <<<"$rec")
	expect_eq "line 1 (nsrun's pid; the subshell execs nothing, so its child)" \
		"$(ppid_of "$owner")" "$BG_PID"
	expect_eq "init_start" "$(sed -n 's/^init_start=//p' <<<"$rec")" \
		"$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$init/stat" 2>/dev/null)"
	expect_eq "the init's pid inside" "$(awk '/^NSpid:/ { print $NF }' "/proc/$init/status" 2>/dev/null)" 1
	expect_eq "the init's parent" "$(ppid_of "$init")" "$owner"
	expect_eq "config" "$(sed -n 's/^config=//p' <<<"$rec")" "$T/t-staterec.json"
	started=$(sed -n 's/^started=//p' <<<"$rec")
	now=$(date +%s)
	[ -n "$started" ] && ((now - started >= 0 && now - started < 60)) || bad "started=$started, now $now"
	expect_eq "status" "$(sed -n 's/^status=//p' <<<"$rec")" running
	[ ! -e "$f.new" ] || bad "$f.new left beside the record"
	kill -TERM "$owner"
fi
wait_bg
expect_rc 42
[ ! -e "$RUNDIR/t-staterec.pid" ] || bad "the state file outlived the run"
end
