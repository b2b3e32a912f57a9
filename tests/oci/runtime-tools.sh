#!/bin/bash
# tests/oci/runtime-tools.sh RUNTIME [ARGS...] — the opencontainers/runtime-tools
# validation suite (validation/, 58 test files) with RUNTIME as the runtime.
#
#   tests/oci/runtime-tools.sh crun --cgroup-manager=disabled
#   tests/oci/runtime-tools.sh ./nsrun                    (once nsrun has the mode)
#   RTT_MIN=35 tests/oci/runtime-tools.sh ./nsrun        (exit 1 below 35 files)
#   RTT_ONLY="default mounts" tests/oci/runtime-tools.sh ./nsrun   (those files only)
#
# The project cannot commit the suite's code, and CI reaches only Debian's
# apt, so everything comes from Debian at test time, into RTT_DIR (default
# build/runtime-tools, kept as a cache):
#   - the source: `apt-get source --download-only` of
#     golang-github-opencontainers-runtime-tools through an apt of its own
#     (RTT_DIR/apt: its own sources list, lists and cache, deb-src of
#     RTT_SUITE, default trixie, whose 0.9.0.109.ge931285 snapshot has
#     validation/ and wants Go 1.19; the system's apt sources are untouched;
#     Debian's binary package leaves validation/ and cmd/ out);
#   - Go 1.19 and the suite's dependencies as Debian 12 packages (./build.sh
#     deps: golang-go and the golang-*-dev packages, installed when missing);
#   - github.com/mndrix/tap-go (not in Debian): this script writes a small
#     TAP 13 producer with the part of its API the suite uses;
#   - GOPATH mode (GO111MODULE=off), GOPATH = the source's tree, then
#     /usr/share/gocode (Debian's packaged Go sources), no network.
# Then `runtimetest` (static) and each validation/NAME/NAME.go are built, and
# each test file is run from the source's directory (it copies runtimetest
# and unpacks rootfs-amd64.tar.gz into its bundles) with RUNTIME=the runtime,
# under `timeout 120`.
#
# RUNTIME with no ARGS is given to the suite as it is (it calls `RUNTIME
# create|start|state|kill|delete ...` with no --root: the runtime's default
# state directory, on this script's own /run); with ARGS, a two-line wrapper
# script execs RUNTIME ARGS "$@".
#
# Counting (the TAP lines, read here: no node-tap): a file PASSes when it
# exits 0, prints a plan 1..N with N results, and no `not ok` line that is
# not a `# TODO`; skips count as ok.  A plan 1..0 (the file skipped all its
# tests: the hooks files do so after an error they print as a YAML block)
# is a PASS as node-tap counts it, and counted apart in the total.  One line
# a file, `PASS rtt: RUNTIME/NAME (ok/N)` or `FAIL rtt: RUNTIME/NAME: why`,
# then `rtt: RUNTIME: P of F files pass (Z of them 1..0 ...)`; RTT_MIN
# applies to P.  The TAP output: RTT_DIR/results/RUNTIME/NAME.tap.
#
# Root only.  Like the other OCI scripts it runs in a private mount
# namespace whose /sys/fs/cgroup is an empty read-only tmpfs (the suite's
# cgroup tests, and its one test that writes cgroups itself, cannot touch the
# host's: they fail here), with a tmpfs over /run, as a child subreaper
# (whatever a test leaves running is killed at the end).  Not part of
# tests/run: it downloads and builds (about 2 minutes cold), and no runtime
# passes every file on a host without usable cgroups.
set -u
[ $# -ge 1 ] || { echo "usage: tests/oci/runtime-tools.sh RUNTIME [ARGS...]" >&2; exit 2; }
# shellcheck source=private.sh
. "$(dirname "$0")/private.sh"
oci_private "runtime-tools-$(basename "$1")" "$0" "$@"

REPO=$(cd "$(dirname "$0")/../.." && pwd)
RTT_DIR=${RTT_DIR:-$REPO/build/runtime-tools}
SUITE=${RTT_SUITE:-trixie}
PKG=golang-github-opencontainers-runtime-tools
RNAME=$(basename "$1")
say() { echo "runtime-tools: $*" >&2; }
setup_fail() { echo "FAIL rtt: $RNAME/setup: $1"; exit 1; }
mkdir -p "$RTT_DIR" || exit 1

# ---- Go and the suite's dependencies, from Debian 12 ---------------------------------
GODEPS=(golang-go golang-github-blang-semver-dev golang-github-google-uuid-dev
	golang-github-hashicorp-go-multierror-dev golang-github-mrunalp-fileutils-dev
	golang-github-opencontainers-specs-dev golang-github-opencontainers-selinux-dev
	golang-github-sirupsen-logrus-dev golang-github-stretchr-testify-dev golang-gocapability-dev
	golang-github-urfave-cli-dev golang-github-xeipuuv-gojsonschema-dev golang-golang-x-sys-dev)
say "packages (./build.sh deps)"
"$REPO/build.sh" deps "${GODEPS[@]}" >"$RTT_DIR/deps.log" 2>&1 ||
	setup_fail "./build.sh deps failed (see $RTT_DIR/deps.log)"

# ---- the source, through an apt of our own ---------------------------------------------
A=$RTT_DIR/apt
APT_OPTS=(-o "Dir::Etc::SourceList=$A/sources.list" -o "Dir::Etc::SourceParts=$A/sources.list.d"
	-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
SRC=$(ls -d "$RTT_DIR/src/$PKG"-*/ 2>/dev/null | head -n 1)
if [ -z "$SRC" ] || [ ! -d "$SRC/validation" ]; then
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/sources.list.d" "$RTT_DIR/src"
	echo "deb-src http://deb.debian.org/debian $SUITE main" >"$A/sources.list"
	say "apt-get update ($SUITE deb-src, in $A)"
	apt-get "${APT_OPTS[@]}" update >"$RTT_DIR/apt.log" 2>&1 || say "warning: apt-get update had errors"
	say "apt-get source --download-only $PKG ($SUITE)"
	# (the .dsc is not needed: the upstream tarball is unpacked as it is)
	(cd "$RTT_DIR/src" && apt-get "${APT_OPTS[@]}" source --download-only "$PKG") >>"$RTT_DIR/apt.log" 2>&1
	orig=$(ls "$RTT_DIR/src/${PKG}_"*.orig.tar.* 2>/dev/null | tail -n 1)
	[ -n "$orig" ] || setup_fail "no $PKG source from $SUITE (see $RTT_DIR/apt.log)"
	tar -xf "$orig" -C "$RTT_DIR/src" || setup_fail "cannot unpack $orig"
	SRC=$(ls -d "$RTT_DIR/src/$PKG"-*/ 2>/dev/null | head -n 1)
	[ -d "$SRC/validation" ] || setup_fail "$orig has no validation/"
fi
SRC=${SRC%/}

# ---- build (GOPATH mode, offline) -------------------------------------------------------------
G=$RTT_DIR/gopath
OUT=$RTT_DIR/bin
mkdir -p "$G/src/github.com/opencontainers" "$G/src/github.com/mndrix/tap-go" "$OUT"
ln -sfn "$SRC" "$G/src/github.com/opencontainers/runtime-tools"
cat >"$G/src/github.com/mndrix/tap-go/tap.go" <<'GO'
// Package tap: a TAP 13 producer with the part of the github.com/mndrix/tap-go
// API that runtime-tools' validation/ and runtimetest use (nsrun's tests
// write it at test time: that package is not in Debian).
package tap

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

type T struct {
	n      *int // the next test number, shared with Todo's copies
	Writer io.Writer
	TODO   bool
}

func New() *T {
	n := 1
	return &T{n: &n, Writer: os.Stdout}
}

func (t *T) printf(f string, a ...interface{}) { fmt.Fprintf(t.Writer, f, a...) }

func (t *T) Header(count int) {
	t.printf("TAP version 13\n")
	if count > 0 {
		t.printf("1..%d\n", count)
	}
}

func (t *T) Ok(ok bool, desc string) {
	s := "ok"
	if !ok {
		s = "not ok"
	}
	if t.TODO {
		desc += " # TODO"
	}
	t.printf("%s %d - %s\n", s, *t.n, desc)
	*t.n++
}

// Todo: a T whose results are TODO, numbered with t's.
func (t *T) Todo() *T {
	c := *t
	c.TODO = true
	return &c
}

func (t *T) Pass(desc string) { t.Ok(true, desc) }
func (t *T) Fail(desc string) { t.Ok(false, desc) }
func (t *T) Count() int       { return *t.n - 1 }
func (t *T) AutoPlan()        { t.printf("1..%d\n", t.Count()) }

func (t *T) Skip(count int, desc string) {
	for i := 0; i < count; i++ {
		t.printf("ok %d # SKIP %s\n", *t.n, desc)
		*t.n++
	}
}

func (t *T) Diagnostic(msg string) {
	t.printf("# %s\n", strings.ReplaceAll(msg, "\n", "\n# "))
}

func (t *T) Diagnosticf(f string, a ...interface{}) { t.Diagnostic(fmt.Sprintf(f, a...)) }

// YAML: the message as a YAML block (JSON is YAML).
func (t *T) YAML(msg interface{}) error {
	b, err := json.MarshalIndent(msg, "  ", "  ")
	if err != nil {
		return err
	}
	t.printf("  ---\n  %s\n  ...\n", b)
	return nil
}
GO
export GOPATH=$G:/usr/share/gocode GO111MODULE=off GOFLAGS='' GOCACHE=$RTT_DIR/gocache GOPROXY=off CGO_ENABLED=0
cd "$G/src/github.com/opencontainers/runtime-tools" || exit 1
say "go build ($(go version | cut -d' ' -f3)): runtimetest and validation/*"
go build -o "$OUT/runtimetest" ./cmd/runtimetest >"$RTT_DIR/build.log" 2>&1 ||
	setup_fail "go build ./cmd/runtimetest failed (see $RTT_DIR/build.log)"
TESTS=()
for f in validation/*/*.go; do
	n=$(basename "$f" .go)
	[ "$(basename "$(dirname "$f")")" = "$n" ] || continue        # validation/util, helpers
	go build -o "$OUT/$n.t" "./validation/$n" >>"$RTT_DIR/build.log" 2>&1 ||
		setup_fail "go build ./validation/$n failed (see $RTT_DIR/build.log)"
	TESTS+=("$n")
done

# ---- the setting, then the runs -----------------------------------------------------------------
hide_cgroups rtt || setup_fail "cannot cover /sys/fs/cgroup"
mount -t tmpfs -o size=16m,mode=0755 rtt-run /run || setup_fail "cannot cover /run"
W=$(mktemp -d /tmp/nsrun-rtt.XXXXXX)
# unmount_under DIR: every mount below DIR in this namespace, deepest first (a
# test whose container's mounts propagate back here leaves its bundle's
# proc, sysfs and /dev mounts behind); rm must never walk into one.
unmount_under() {
	local m
	for m in $(awk -v d="$1/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
}
trap 'unmount_under "$W"; rm -rf --one-file-system "$W"' EXIT
cp "$OUT/runtimetest" "$W/" && cp "$SRC/rootfs-amd64.tar.gz" "$W/" || setup_fail "cannot stage runtimetest and the rootfs"
rt=$(command -v "$1") || setup_fail "runtime $1 not found"
rt=$(realpath "$rt")
shift
if [ $# -gt 0 ]; then
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$rt" "$*" >"$W/runtime-$RNAME" && chmod 755 "$W/runtime-$RNAME"
	rt=$W/runtime-$RNAME
fi
R=$RTT_DIR/results/$RNAME
rm -rf "$R"
mkdir -p "$R"
pass=0
zero=0
cd "$W" || exit 1
for n in "${TESTS[@]}"; do
	[ -z "${RTT_ONLY:-}" ] || [[ " $RTT_ONLY " == *" $n "* ]] || continue
	mkdir -p "$W/tmp"
	RUNTIME=$rt TMPDIR=$W/tmp timeout -k 5 120 "$OUT/$n.t" >"$R/$n.tap" 2>"$R/$n.err" </dev/null
	rc=$?
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$R/$n.tap" | cut -d. -f3)
	results=$(grep -cE '^(not )?ok [0-9]+' "$R/$n.tap")
	bad=$(grep -E '^not ok [0-9]+' "$R/$n.tap" | grep -cv '# TODO')
	why=
	if [ "$rc" != 0 ]; then
		why="exit $rc: $(grep -m1 -E '^not ok' "$R/$n.tap" || head -n 1 "$R/$n.err")"
	elif [ -z "$plan" ]; then
		why="no plan (stderr: $(head -n 1 "$R/$n.err"))"
	elif [ "$results" != "$plan" ]; then
		why="$results results for a plan of $plan"
	elif [ "$bad" != 0 ]; then
		why="$bad not ok: $(grep -m1 -E '^not ok' "$R/$n.tap")"
	fi
	if [ -z "$why" ] && [ "$plan" = 0 ]; then
		# 1..0: the file skipped all its tests (as node-tap counts it: a
		# pass), here always after an error it printed as a YAML block
		echo "PASS rtt: $RNAME/$n (1..0: skipped all; $(grep -m1 -oE '"error": "[^"]{0,120}' "$R/$n.tap" | cut -d'"' -f4))"
		pass=$((pass + 1))
		zero=$((zero + 1))
	elif [ -z "$why" ]; then
		echo "PASS rtt: $RNAME/$n ($results/$plan)"
		pass=$((pass + 1))
	else
		echo "FAIL rtt: $RNAME/$n: $(cut -c1-200 <<<"$why")"
	fi
	# whatever the test left below us (the subreaper): killed, by pid
	for p in $(pgrep -P $$); do
		kill -KILL "$p" 2>/dev/null
	done
	left=$(awk -v d="$W/" 'index($5, d) == 1 { n++ } END { print n + 0 }' /proc/self/mountinfo)
	[ "$left" = 0 ] || echo "    ($RNAME/$n left $left mounts under its bundle in the caller's namespace)" >&2
	unmount_under "$W"
	rm -rf --one-file-system "$W/tmp"
done
echo "rtt: $RNAME: $pass of ${#TESTS[@]} files pass ($zero of them with the plan 1..0, as node-tap counts it; $((pass - zero)) with at least one test, all ok)"
[ "$pass" -ge "${RTT_MIN:-0}" ]
