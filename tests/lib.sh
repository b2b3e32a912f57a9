# tests/lib.sh — helpers for tests/integ/*.sh and tests/faults.sh (bash, sourced).
#
# A test is the code between `begin NAME` and `end`:
#
#	begin exit_42                   # snapshot the host, start a fresh record
#	cfg=$(mkcfg t-exit42 process '{"args": ["/bin/payload", "exit", "42"]}')
#	run_nsrun run "$cfg"            # sets RC, OUT, ERR (files: $T/out, $T/err)
#	expect_rc 42
#	end                             # assert nothing was left behind, print PASS/FAIL
#
# Checks record the first failure and go on; `end` prints exactly one line,
# `PASS integ: NAME` or `FAIL integ: NAME: WHY`.  Every container name must be
# unique in the suite (1–12 of [a-z0-9_-]).  Tests run as root; they only ever
# signal processes they started, by pid.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
BUILD=$ROOT/build
NSRUN=${NSRUN:-$ROOT/nsrun}
PAYLOAD=$BUILD/payload                  # the same binary as /bin/payload inside
IMG=${NSRUN_TEST_IMAGE:-$BUILD/test.sqfs}
IMG_SHIFT=$BUILD/test-shift.sqfs        # the same, its owners shifted by 100000 (mkimage.sh -s)
ROOTDIR=${NSRUN_TEST_ROOTDIR:-$BUILD/testroot}
RUNDIR=/run/nsrun
TIER=${TIER:-integ}

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/nsrun-test.XXXXXX")
# Searchable by all: inside a user namespace the container's root is an
# unprivileged host uid, and bind sources under $TMPD must stay reachable.
chmod 755 "$TMPD"
T=$TMPD                                 # short alias for output files
BG_PIDS=()                              # nsrun processes started in the background
OUR_MOUNTS=()                           # mounts this script made itself
OUR_LOOPS=()                            # loop devices this script attached itself

# ---- results ------------------------------------------------------------

pass() { echo "PASS $TIER: $1"; }
fail() { echo "FAIL $TIER: $1: $2"; }

TEST=
WHY=
BEFORE=

# Start a test: a snapshot of the host and an empty failure record.
begin() {
	TEST=$1
	WHY=
	BEFORE=$(host_state)
}

# Record a failure (the first one is the one reported).
bad() {
	[ -n "$WHY" ] || WHY=$*
	return 1
}

# One-line summary of a file for failure messages: the first 3 lines joined.
brief() {
	head -c 600 "$1" 2>/dev/null | head -n 3 | tr '\n' '|' | sed 's/|$//'
}

# Finish a test: check the host, clean leaks so later tests are not affected,
# print one result line.
end() {
	local diff
	if ! diff=$(assert_no_leftovers "$BEFORE"); then
		bad "host changed: $diff"
		cleanup_leaks
	fi
	if [ -z "$WHY" ]; then
		pass "$TEST"
	else
		fail "$TEST" "$WHY"
	fi
	TEST=
}

# ---- host state ---------------------------------------------------------

# A snapshot of everything a run could leave behind, one item per line,
# each prefixed by its kind so parts can be compared alone.
host_state() {
	# mount point + fs type; mount ids, devices and options change from run
	# to run and say nothing about a leak.
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; print "mount:", $5, $(i + 1) }' \
		/proc/self/mountinfo | sort
	losetup -a 2>/dev/null | sed 's/^/loop: /' | sort
	# device-mapper devices (root.verity's); listed as loop: not a new kind
	local d
	for d in /sys/block/dm-*; do
		[ ! -e "$d" ] || echo "loop: ${d##*/} $(cat "$d/dm/name" 2>/dev/null)"
	done
	ls -A "$RUNDIR" 2>/dev/null | sed 's/^/run: /'
	ip -o link 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link:", $2 }' | sort
	# nsrun's and the payload's processes (a container that outlives its
	# run); not a zombie, which holds nothing but its pid until its reaper
	# (init, for an orphan: nat's socket closer, see nat_del) collects it
	local f c s
	for f in /proc/[0-9]*/stat; do
		{ read -r c <"$f"; } 2>/dev/null || continue
		s=${c##*) } c=${c#*\(} c=${c%\)*}
		[ "${s%% *}" != Z ] || continue
		case $c in nsrun | nsrun-* | payload) echo "proc: $c" ;; esac
	done | sort
}

# assert_no_leftovers BEFORE [SECONDS [KINDS]]
# Compares the host with the snapshot BEFORE; prints the difference (one
# line) and fails when they differ.  KINDS is a regex of the kinds to compare
# (default all: mount|loop|run|link|proc).
# The comparison is retried for up to SECONDS (default 1): the kernel detaches
# an autoclear loop device only when the last reference to it goes, and after
# nsrun exits that happens asynchronously (the container's mount namespace and
# its squashfs superblock are torn down after the processes are reaped), so a
# loop can still be listed for a moment after a clean exit.  Only a difference
# that outlives the retries is a leak.
assert_no_leftovers() {
	local before=$1 secs=${2:-1} kinds=${3:-mount|loop|run|link|proc} now i
	local tries=$((secs * 10))
	before=$(grep -E "^($kinds): " <<<"$before")
	for ((i = 0; ; i++)); do
		now=$(host_state | grep -E "^($kinds): ")
		[ "$now" = "$before" ] && return 0
		((i < tries)) || break
		sleep 0.1
	done
	diff <(echo "$before") <(echo "$now") | grep '^[<>]' |
		sed 's/^</-/; s/^>/+/' | tr '\n' ' ' | head -c 400
	echo
	return 1
}

# After a leak has been reported: unmount what nsrun left in the host's
# mount table under its state dir or our temp dir, detach loop devices backed
# by our images, and remove our names' state files.  Never touches anything
# else on the host.
cleanup_leaks() {
	local m l n
	for m in $(awk '{ print $5 }' /proc/self/mountinfo | grep -E "^($RUNDIR|$TMPD|$BUILD)/" | sort -r); do
		echo "cleanup: unmounting leaked $m" >&2
		umount -l "$m" 2>/dev/null
	done
	for l in $(losetup -a 2>/dev/null | grep -E "\\(($IMG|$IMG_SHIFT|$TMPD/)" | cut -d: -f1); do
		echo "cleanup: detaching leaked $l" >&2
		losetup -d "$l" 2>/dev/null
	done
	# the names of this script's configs (mkcfg runs in $(...): no variable)
	for n in $(grep -ohE '"name": *"[a-z0-9_-]+"' "$T"/*.json 2>/dev/null | cut -d'"' -f4 | sort -u); do
		if [ -e "$RUNDIR/$n.pid" ]; then
			echo "cleanup: removing leaked $RUNDIR/$n.pid" >&2
			rm -f "$RUNDIR/$n.pid"
		fi
	done
}

# ---- configs --------------------------------------------------------------

# mkcfg NAME [KEY JSON]...  ->  prints the path of a new config $T/NAME.json
# Defaults: the test image with an 8M overlay, /bin/payload exit 0.  Each KEY
# adds or replaces a top-level member with the JSON text given; an empty JSON
# text removes the member.
mkcfg() {
	local name=$1 file k sep=
	shift
	local -A m=(
		[name]="\"$name\""
		[root]="{\"image\": \"$IMG\", \"overlay\": \"8M\"}"
		[process]='{"args": ["/bin/payload", "exit", "0"]}'
	)
	local order=(name hostname root process namespaces uid_map gid_map time_offsets mounts)
	while (($# >= 2)); do
		[[ " ${order[*]} " == *" $1 "* ]] || order+=("$1")
		m[$1]=$2
		shift 2
	done
	file=$T/$name.json
	{
		echo "{"
		for k in "${order[@]}"; do
			[ -n "${m[$k]:-}" ] || continue
			printf '%s  "%s": %s' "$sep" "$k" "${m[$k]}"
			sep=$',\n'
		done
		printf '\n}\n'
	} >"$file"
	echo "$file"
}

# mkcfg_raw FILE  <<'EOF' ... EOF  ->  prints the path of $T/FILE (from stdin)
mkcfg_raw() {
	cat >"$T/$1"
	echo "$T/$1"
}

# ---- running nsrun -----------------------------------------------------------

# run_nsrun ARG...: nsrun in the foreground under `timeout 30`, stdin
# inherited (redirect it at the call).  Sets RC, OUT, ERR; the files are
# $T/out and $T/err.  Use NSRUN=... to run another build.
run_nsrun() {
	timeout -k 5 30 "$NSRUN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	[ "$RC" != 124 ] || bad "nsrun $* timed out after 30 s"
	return 0
}

# hold_lock PATH MS: an flock on PATH held from outside for MS ms (payload
# lock, in the background: $HOLDER, its output $T/holder, "released=UPTIME"
# at the end); returns once it is held, or records a failure.
hold_lock() {
	local i
	"$PAYLOAD" lock "$1" "$2" >"$T/holder" &
	HOLDER=$!
	for ((i = 0; i < 300; i++)); do grep -q '^locked$' "$T/holder" && return 0; sleep 0.01; done
	bad "the lock holder never took the lock on $1: $(cat "$T/holder")"
}

# bg_nsrun ARG...: nsrun in the background (no wrapper, so $BG_PID is
# nsrun's own pid and a signal sent to it reaches nsrun itself).  Its output
# goes to $T/bg.out and $T/bg.err.  Reap it with wait_bg.
# A non-interactive bash starts background jobs with SIGINT and SIGQUIT
# ignored; `env --default-signal` undoes that, so nsrun starts as it would
# under a supervisor (env execs nsrun: the pid stays the same).
bg_nsrun() {
	# Empty the files here: the child's own redirection happens after the
	# fork, and a wait_for started before it would read the last test's lines.
	: >"$T/bg.out"
	: >"$T/bg.err"
	env --default-signal "$NSRUN" "$@" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# wait_bg [SECONDS]: wait for the background nsrun to exit (default 20 s;
# SIGKILL after that, and a failure).  Sets RC, OUT, ERR.
wait_bg() {
	local secs=${1:-20} i st
	for ((i = 0; i < secs * 20; i++)); do
		st=$(proc_state "$BG_PID")
		[ -n "$st" ] && [ "$st" != Z ] || break
		sleep 0.05
	done
	if [ -n "$st" ] && [ "$st" != Z ]; then
		bad "nsrun (pid $BG_PID) still running after ${secs} s"
		kill -KILL "$BG_PID" 2>/dev/null
	fi
	{ wait "$BG_PID"; } 2>/dev/null        # no "Killed" notice from bash
	RC=$?
	forget_bg "$BG_PID"
	OUT=$(cat "$T/bg.out")
	ERR=$(cat "$T/bg.err")
}

forget_bg() {
	local p keep=()
	for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	BG_PIDS=(${keep[@]+"${keep[@]}"})
}

# The state letter of a process (R, S, Z...), empty when it is gone.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	echo "${s%% *}"
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches (default 10 s).
wait_for() {
	local i
	for ((i = 0; i < ${3:-10} * 20; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	bad "no line matching '$2' in $(basename "$1") after ${3:-10} s (got: $(brief "$1"))"
}

# descendants PID: every process below PID into the array DESC, from
# /proc/*/stat parent links, by builtins only (called directly, no subshell
# of its own is counted).
descendants() {
	local -A kids=()
	local f s pid ppid todo=("$1")
	DESC=()
	for f in /proc/[0-9]*/stat; do
		{ read -r s <"$f"; } 2>/dev/null || continue
		pid=${f#/proc/}
		pid=${pid%/stat}
		s=${s##*) }             # after the comm field: state ppid ...
		ppid=${s#* }
		ppid=${ppid%% *}
		kids[$ppid]+=" $pid"
	done
	while ((${#todo[@]})); do
		pid=${todo[0]}
		todo=("${todo[@]:1}")
		for f in ${kids[$pid]:-}; do
			DESC+=("$f")
			todo+=("$f")
		done
	done
}

# wait_gone SECONDS PID...: until none of PIDS exists, not even as a zombie
# (the container of a SIGKILLed nsrun dies by PDEATHSIG, an orphan reaped by
# whoever adopts it, in its own time); at most SECONDS.
wait_gone() {
	local i p left secs=$1
	shift
	for ((i = 0; i < secs * 20; i++)); do
		left=
		for p in "$@"; do [ -z "$(proc_state "$p")" ] || left=1; done
		[ -z "$left" ] && return 0
		sleep 0.05
	done
}

# descendants_of PID: the same, printed.
descendants_of() {
	descendants "$1"
	echo ${DESC[@]+"${DESC[@]}"}
}

# wait_app [SECONDS]: until a descendant of the background nsrun runs
# /bin/payload (default 10 s); sets APP_PIDS to every descendant.
wait_app() {
	local i p
	for ((i = 0; i < ${1:-10} * 20; i++)); do
		APP_PIDS=$(descendants_of "$BG_PID")
		for p in $APP_PIDS; do
			grep -qa payload "/proc/$p/cmdline" 2>/dev/null && return 0
		done
		sleep 0.05
	done
	bad "the app did not start within ${1:-10} s (stderr: $(brief "$T/bg.err"))"
}

# The host's /proc/self/ns link of X (pid mnt uts ipc net cgroup user time).
ns_outside() {
	readlink "/proc/self/ns/$1"
}

# col_of FILE LINE TEXT: the 1-based column where TEXT first starts on LINE.
col_of() {
	awk -v n="$2" -v t="$3" 'NR == n { print index($0, t) }' "$1"
}

# ---- expectations (each records a failure and returns 1) --------------------

expect_rc() {
	[ "$RC" = "$1" ] || bad "exit $RC, want $1 (stderr: $(brief "$T/err"))"
}

# expect_line WHAT TEXT REGEX: some line of TEXT matches REGEX.
expect_line() {
	grep -qE -- "$3" <<<"$2" || bad "$1: no line matching '$3' in '$(head -c 300 <<<"$2" | tr '\n' '|')'"
}

expect_no_line() {
	! grep -qE -- "$3" <<<"$2" || bad "$1: unexpected line matching '$3': '$(grep -E -- "$3" <<<"$2" | head -n1)'"
}

expect_eq() {
	[ "$2" = "$3" ] || bad "$1: got '$(head -c 300 <<<"$2" | tr '\n' '|')', want '$(tr '\n' '|' <<<"$3")'"
}

# expect_one_error REGEX: stderr is exactly one line, and it matches REGEX.
expect_one_error() {
	local n
	n=$(grep -c '' "$T/err")
	[ "$n" = 1 ] || { bad "stderr has $n lines, want 1: $(brief "$T/err")"; return 1; }
	grep -qE -- "$1" "$T/err" || bad "stderr '$ERR' does not match '$1'"
}

# The value of KEY=... in the payload's output.
val() {
	sed -n "s|^$1=||p" <<<"$OUT" | head -n 1
}

# ---- mounts and loops the test makes itself ----------------------------------

track_mount() { OUR_MOUNTS+=("$1"); }
track_loop() { OUR_LOOPS+=("$1"); }

# ---- the exit trap: runs on success, failure and interruption ------------------

lib_cleanup() {
	local p i
	trap '' PIPE            # a reader gone: messages fail, the cleanup goes on
	for p in ${BG_PIDS[@]+"${BG_PIDS[@]}"}; do     # only what we started
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for ((i = ${#OUR_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -l "${OUR_MOUNTS[i]}" 2>/dev/null
	done
	for p in ${OUR_LOOPS[@]+"${OUR_LOOPS[@]}"}; do
		losetup -d "$p" 2>/dev/null
	done
	if [ -n "$TEST" ]; then                         # interrupted inside a test
		fail "$TEST" "${WHY:-interrupted}"
		TEST=
	fi
	rm -rf "$TMPD"
}
trap lib_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# ---- preconditions -------------------------------------------------------------

# require_root: integration tests need real containers.  Not root is a FAIL
# (never a silent skip) and the script ends.
require_root() {
	if [ "$(id -u)" != 0 ]; then
		fail "${1:-$(basename "$0" .sh)}" "needs root (run tests/run as root)"
		exit 1
	fi
	local f
	for f in "$NSRUN" "$PAYLOAD" "$IMG"; do
		if [ ! -e "$f" ]; then
			fail "${1:-$(basename "$0" .sh)}" "$f is missing (tests/run builds it)"
			exit 1
		fi
	done
}
