# tests/vm/lib.sh — helpers for the guest scripts tests/vm/guest/*.sh
# (busybox sh, any arch; sourced).
# shellcheck shell=dash disable=SC2034
# (dash: `local` as in busybox sh; SC2034: the variables are for the scripts.)  The guest's /repo is a copy of the repo's
# test tree: /repo/nsrun, /repo/build/{payload,test.sqfs,testroot}.
#
# The same shape as tests/lib.sh on the host.  A test is the code between
# `begin NAME` and `end`:
#
#	begin exit_42                   # snapshot the guest, start a fresh record
#	cfg=$(mkcfg t-exit42 "$(process /bin/payload exit 42)")
#	run_nsrun run "$cfg"            # sets RC, OUT, ERR (files: $T/out, $T/err)
#	expect_rc 42
#	end                             # assert nothing was left behind, print the result
#
# Checks record the first failure and go on; `end` prints exactly one line,
# `PASS vm: NAME` or `FAIL vm: NAME: WHY`.  A guest script exits 0 when it
# ran to its end (failed tests included): /init reports a script that dies
# without a FAIL line.

set -u

VM_DIR=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$VM_DIR/../.." && pwd)
NSRUN=$ROOT/nsrun
PAYLOAD=$ROOT/build/payload             # the same binary as /bin/payload inside
IMG=$ROOT/build/test.sqfs
ROOTDIR=$ROOT/build/testroot
RUNDIR=/run/nsrun
T=$(mktemp -d /tmp/vm-test.XXXXXX)
trap 'rm -rf "$T"' EXIT

# The default root: the test image with an 8M overlay.
IMG_ROOT="\"root\": {\"image\": \"$IMG\", \"overlay\": \"8M\"}"

# ---- results ------------------------------------------------------------

TEST=
WHY=
BEFORE=

pass() { echo "PASS vm: $1"; }
fail() { echo "FAIL vm: $1: $2"; }

# Start a test: a snapshot of the guest and an empty failure record.
begin() {
	TEST=$1
	WHY=
	BEFORE=$(guest_state)
}

# Record a failure (the first one is the one reported).
bad() {
	[ -n "$WHY" ] || WHY=$*
	return 1
}

# Finish a test: the guest must be as `begin` found it; print one result line.
end() {
	local d
	d=$(leftovers) || bad "left behind: $d"
	if [ -z "$WHY" ]; then
		pass "$TEST"
	else
		fail "$TEST" "$WHY"
	fi
	TEST=
}

# ---- guest state -----------------------------------------------------------

# Everything a run could leave behind: the whole mount table (nsrun works in
# its own mount namespace, so not even a propagation flag may change here),
# the loop devices in use with their backing files, the device-mapper
# devices, the state dir, the links,
# the cgroup directories.
guest_state() {
	local f
	cat /proc/self/mountinfo
	for f in /sys/block/loop*/loop/backing_file; do
		[ -e "$f" ] || continue
		f=${f#/sys/block/}
		echo "loop: ${f%%/*} $(cat "/sys/block/$f")"
	done
	for f in /sys/block/dm-*; do      # root.verity's devices
		[ ! -e "$f" ] || echo "dm: ${f##*/} $(cat "$f/dm/name" 2>/dev/null)"
	done
	for f in "$RUNDIR"/* "$RUNDIR"/.[!.]*; do
		[ ! -e "$f" ] || echo "run: ${f##*/}"
	done
	for f in /sys/class/net/*; do
		echo "link: ${f##*/}"
	done
	find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | sort | sed 's/^/cgroup: /'
}

# leftovers: compare the guest with $BEFORE for up to 3 s (the kernel frees
# an autoclear loop device asynchronously after the last user is gone); print
# the difference (one line) and fail when it outlives the wait.
leftovers() {
	local i=0 now
	while :; do
		now=$(guest_state)
		[ "$now" = "$BEFORE" ] && return 0
		[ $i -lt 30 ] || break
		i=$((i + 1))
		sleep 0.1
	done
	echo "$BEFORE" >"$T/state.before"
	echo "$now" >"$T/state.now"
	diff -U0 "$T/state.before" "$T/state.now" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+) ' |
		tr '\n' ' ' | head -c 400
	return 1
}

# ---- configs ---------------------------------------------------------------

# json_str TEXT: TEXT as a JSON string (backslashes, quotes, tabs and
# newlines escaped).
json_str() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' |
		awk 'NR > 1 { printf "%s", "\\n" } { printf "%s", $0 }')"
}

# process ARG...: the member "process": {"args": [ARG...]}.
process() {
	local a list=
	for a in "$@"; do
		list="$list${list:+, }$(json_str "$a")"
	done
	echo "\"process\": {\"args\": [$list]}"
}

# mkcfg NAME [MEMBER]...  ->  prints the path of a new config $T/NAME.json.
# Each MEMBER is a JSON member text ("key": value); without a "root" member
# the root is $IMG_ROOT, without "process" the app is `/bin/payload exit 0`.
mkcfg() {
	local name=$1 f=$T/$1.json m have=
	shift
	for m in "$@"; do
		have="$have ${m%%:*}"
	done
	{
		printf '{\n  "name": "%s"' "$name"
		case $have in *'"root"'*) ;; *) printf ',\n  %s' "$IMG_ROOT" ;; esac
		case $have in *'"process"'*) ;; *) printf ',\n  %s' "$(process /bin/payload exit 0)" ;; esac
		for m in "$@"; do
			printf ',\n  %s' "$m"
		done
		printf '\n}\n'
	} >"$f"
	echo "$f"
}

# ---- running nsrun -----------------------------------------------------------

# run_nsrun ARG...: nsrun in the foreground, stdin from /dev/null, killed
# after 30 s.  Sets RC, OUT, ERR; the files are $T/out and $T/err.
run_nsrun() {
	timeout 30 "$NSRUN" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# One-line summary of a file for failure messages: its first 3 lines joined.
brief() {
	head -c 600 "$1" 2>/dev/null | head -n 3 | tr '\n' '|' | sed 's/|$//'
}

# ---- expectations (each records a failure and returns 1) --------------------

expect_rc() {
	[ "$RC" = "$1" ] || bad "exit $RC, want $1 (stderr: $(brief "$T/err"))"
}

expect_eq() {			# expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] || bad "$1: got '$(printf '%s' "$2" | head -c 300 | tr '\n' '|')', want '$3'"
}

expect_line() {			# expect_line WHAT TEXT REGEX: some line of TEXT matches
	printf '%s\n' "$2" | grep -qE -- "$3" ||
		bad "$1: no line matching '$3' in '$(printf '%s' "$2" | head -c 300 | tr '\n' '|')'"
}

# The value of KEY=... in the app's output.
val() {
	printf '%s\n' "$OUT" | sed -n "s|^$1=||p" | head -n 1
}

# ---- host suites in the guest ----------------------------------------------

# run_suite TIER NAME LIMIT SCRIPT: run one of the host's bash test scripts
# (tests/integ/*.sh, tests/faults.sh) in the guest with the host tools
# tests/vm/run packed, turning its `PASS TIER: X` / `FAIL TIER: X: WHY` lines
# into `PASS vm: NAME/X` / `FAIL vm: NAME/X: WHY`; a timeout, or a non-zero
# exit without a FAIL line, is a `FAIL vm: NAME: WHY` of its own.
run_suite() {
	local tier=$1 name=$2 limit=$3 script=$4 rc
	rm -f "$T/rc" "$T/failed"
	{
		timeout -k 5 "$limit" bash "$script" 2>&1
		echo $? >"$T/rc"
	} | while IFS= read -r line; do
		case $line in
		"PASS $tier: "*) echo "PASS vm: $name/${line#PASS "$tier": }" ;;
		"FAIL $tier: "*) echo "FAIL vm: $name/${line#FAIL "$tier": }"; touch "$T/failed" ;;
		*) echo "$line" ;;
		esac
	done
	rc=$(cat "$T/rc")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$name" "timed out after $limit s"
	elif [ "$rc" != 0 ] && [ ! -e "$T/failed" ]; then
		fail "$name" "exited $rc without a FAIL line"
	fi
}
