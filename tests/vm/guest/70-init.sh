#!/bin/sh
# BusyBox init as the guest's PID 1, running a container from the inittab
# example images/init/inittab (issue 15): the example's two lines, with only
# their paths changed (/usr/bin/nsrun -> /repo/nsrun, /etc/nsrun/web.json ->
# this test's config), plus two lines of the test's own.  Three phases:
#
#   (no argument)  run by /init as the last guest script: writes the config
#                  and /etc/inittab, takes the snapshot of the guest; /init
#                  then execs `busybox init` instead of powering off.
#   drive          init's `::once:` action: waits for the container, kills
#                  the app by the pid `nsrun state web` gives and sees init
#                  respawn nsrun (a new container init); `nsrun exec web`
#                  runs in the container's namespaces with CMD's status;
#                  then BusyBox `poweroff`.
#   final          init's last `::shutdown:` action, after the example's
#                  `nsrun stop web`: the container was stopped within its
#                  stop_timeout (its app ignores TERM, so the KILL after the
#                  timeout ended it), and nothing of it is left: no mount,
#                  loop device, /run/nsrun state, cgroup or process.  Then
#                  `=== DONE`; init sends TERM and KILL to all and powers off.
#
# The checks of the two later phases are PASS/FAIL lines like every guest
# script's; /init's time limit does not reach them, so `drive` has its own
# (and tests/vm/run's VM_TIMEOUT is the last resort).
# The app's script has $... for the container's sh:
# shellcheck disable=SC2016
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

W=/tmp/vm-init                  # what the phases hand on to each other
STOP_TIMEOUT=2
SELF=$VM_DIR/guest/70-init.sh

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# state_pid: the container's init pid from `nsrun state web`, or nothing.
state_pid() {
	"$NSRUN" state web 2>/dev/null | sed -n 's/.*"pid": *\([0-9][0-9]*\).*/\1/p'
}

# wait_running OLD: up to 60 s for `nsrun state web` to name an init pid
# other than OLD; prints it.
wait_running() {
	local i=0 p
	while [ $i -lt 600 ]; do
		p=$(state_pid)
		if [ -n "$p" ] && [ "$p" != "$1" ]; then
			echo "$p"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# children PID: the pids whose parent is PID.
children() {
	grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3
}

# app_of PID: the app, the child of the container's init PID, once it is
# there (the state record can come before init has forked it): up to 10 s.
app_of() {
	local i=0 a
	while [ $i -lt 100 ]; do
		a=$(children "$1")
		[ -z "$a" ] || { echo "$a"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

setup() {
	local ex=$ROOT/images/init/inittab
	rm -rf "$W"
	mkdir -p "$W"
	begin busybox_init_inittab
	# The app ignores TERM: `nsrun stop` has to wait out stop_timeout and
	# KILL the container.  A cgroup, so that its removal is checked too.
	cat >"$W/web.json" <<-EOF
		{
		  "name": "web",
		  $IMG_ROOT,
		  $(process /bin/busybox sh -c 'trap "" TERM; echo web-up; while :; do sleep 1; done'),
		  "stop_timeout": $STOP_TIMEOUT,
		  "cgroup": {"pids_max": 32}
		}
	EOF
	run_nsrun check "$W/web.json"
	expect_rc 0
	[ -f "$ex" ] || bad "$ex is missing"
	sed -e "s|/usr/bin/nsrun|$NSRUN|g" -e "s|/etc/nsrun/web.json|$W/web.json|g" "$ex" >"$W/inittab"
	# Only the paths changed: the example's lines are what runs.
	grep -q '^::respawn:' "$W/inittab" || bad "the example has no ::respawn: line"
	grep -q '^::shutdown:.* stop web$' "$W/inittab" || bad "the example has no ::shutdown: line with nsrun stop web"
	[ "$(sed -e "s|$NSRUN|/usr/bin/nsrun|g" -e "s|$W/web.json|/etc/nsrun/web.json|g" "$W/inittab")" = "$(cat "$ex")" ] ||
		bad "the adapted inittab differs from the example in more than paths"
	cat >>"$W/inittab" <<-EOF

		# The VM tier's own (tests/vm/guest/70-init.sh): the checks, and a
		# last shutdown action after the example's.
		::once:$SELF drive
		::shutdown:$SELF final
	EOF
	guest_state >"$W/before"
	if [ -z "$WHY" ]; then
		cp "$W/inittab" /etc/inittab
		echo "vm: busybox init: /etc/inittab:"
		sed 's/^/vm:   /' /etc/inittab
	fi
	end
}

drive() {
	# The checks may not hang the guest: poweroff comes in any case.
	timeout -s KILL 120 "$SELF" checks ||
		echo "FAIL vm: busybox_init_checks: exited $? (120 s limit)"
	uptime_s >"$W/poweroff_at"
	echo "vm: busybox init: poweroff at uptime $(cat "$W/poweroff_at") s"
	poweroff
}

checks() {
	local p1 p2 app ns
	begin busybox_init_respawn
	expect_eq "PID 1" "$(cat /proc/1/comm)" init
	if p1=$(wait_running ""); then
		echo "$p1" >"$W/pids"
		app=$(app_of "$p1")
		echo "vm: busybox init: container init $p1, app $app"
		if [ -z "$app" ]; then
			bad "no app under the container's init $p1 after 10 s"
		else
			kill -KILL $app
			if p2=$(wait_running "$p1"); then
				echo "$p2" >>"$W/pids"
				echo "vm: busybox init: respawned: container init $p2"
				[ ! -e "/proc/$p1" ] || bad "the first container's init $p1 still runs"
				run_nsrun state web
				expect_rc 0 && expect_line "nsrun state web" "$OUT" '"status": "running"'
				app_of "$p2" >/dev/null || bad "no app under the new container's init $p2 after 10 s"
			else
				bad "init did not respawn the container within 60 s (nsrun state web: $(state_pid))"
			fi
		fi
	else
		bad "the container did not start within 60 s"
	fi
	# The container runs on: what it leaves is the final phase's check.
	BEFORE=$(guest_state)
	end

	begin busybox_init_exec
	p2=$(state_pid)
	run_nsrun exec web -- /bin/payload exit 7
	expect_rc 7
	run_nsrun exec web -- /bin/payload ns
	if expect_rc 0 && [ -n "$p2" ]; then
		for ns in pid mnt uts ipc net cgroup; do
			expect_eq "$ns namespace of exec's CMD" "$(val "$ns")" "$(readlink "/proc/$p2/ns/$ns")"
		done
	fi
	end
}

final() {
	local t0 dt p d
	begin busybox_init_shutdown
	BEFORE=$(cat "$W/before")
	t0=$(cat "$W/poweroff_at" 2>/dev/null)
	if [ -n "$t0" ]; then
		dt=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
		echo "vm: busybox init: the shutdown actions before this one took $dt s (stop_timeout $STOP_TIMEOUT)"
		# TERM is ignored: the KILL comes after the timeout, and stop
		# returns about 1 s after it at most (TCG: a few more).
		awk -v d="$dt" -v t="$STOP_TIMEOUT" 'BEGIN { exit !(d >= t && d <= t + 5) }' ||
			bad "nsrun stop took $dt s, want $STOP_TIMEOUT..$((STOP_TIMEOUT + 5)) s"
	else
		bad "the driver never called poweroff"
	fi
	[ -z "$(state_pid)" ] || bad "nsrun state web: still running"
	for p in $(cat "$W/pids" 2>/dev/null); do
		[ ! -e "/proc/$p" ] || bad "container init $p still runs"
	done
	# No process of the container, nor any nsrun: every process is in
	# init's pid namespace, and none runs nsrun.
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$(readlink "$d/exe" 2>/dev/null)" != "$NSRUN" ] || bad "nsrun still runs: pid $p ($(tr '\0' ' ' <"$d/cmdline"))"
		[ -z "$(readlink "$d/ns/pid" 2>/dev/null)" ] ||
			[ "$(readlink "$d/ns/pid")" = "$(readlink /proc/1/ns/pid)" ] ||
			bad "a process of the container still runs: pid $p ($(tr '\0' ' ' <"$d/cmdline"))"
	done
	end
	echo "=== DONE at uptime $(uptime_s) s"
}

case ${1:-setup} in
setup) setup ;;
drive) drive ;;
checks) checks ;;
final) final ;;
*) echo "usage: $0 [drive|checks|final]" >&2; exit 2 ;;
esac
exit 0
