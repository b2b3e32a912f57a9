#!/bin/bash
# build.sh — build nsrun: one static, stripped musl binary with cJSON compiled in,
# for x86_64 or, cross-compiled, for armhf, aarch64, mipsel and mips; the
# matrix of every arch x feature set (--matrix, --sizes) and the demo.
#
# Run as root on Debian 12: whatever is missing (musl-tools, the cross toolchains,
# dpkg-dev, cJSON's source, mips's soft-float musl) is installed, fetched or built on
# the way, so a fresh machine needs nothing beforehand.  Everything generated goes
# under build/ and out/ (git-ignored), except ./nsrun and the images that
# images/mkimage.sh writes.  Two helpers, sourced:
#   tests/debian-pkgs.sh  apt-get and dpkg: need_pkgs (install what is missing,
#                         also `./build.sh deps` for the other scripts),
#                         foreign architectures, deb-src, source packages
#   tests/musl-mips.sh    the soft-float musl toolchain for big-endian mips,
#                         built once into build/musl-mips
set -eu
cd "$(dirname "$0")"
. tests/debian-pkgs.sh
. tests/musl-mips.sh

usage() {
	cat <<'EOF'
usage: ./build.sh [OPTION]... [TARGET]

targets:
  nsrun              build the runtime (the default)
  demo               build it and images/busybox.sqfs, then run images/demo.json
  deps PACKAGE...    install the Debian packages that are missing (for scripts)
  features           print nsrun.h's feature rows as `name FLAG` lines (the C
                     preprocessor expands NSRUN_FEATURES; for scripts)
  cc ARG...          run ARCH's compiler (as --arch and CC choose it, installed
                     when missing) with the kernel headers it needs and ARG...
                     (for the tests: payload and unit tests for ARCH)

options:
  --arch ARCH        build for ARCH: x86_64 (the default), armhf (ARMv7 hard
                     float), aarch64, mipsel (MIPS32r2 LE), mips (MIPS32r2 BE,
                     soft-float); the binary goes to out/ARCH/nsrun
  --without-NAME     leave feature NAME out (repeatable; names: the rows of
                     NSRUN_FEATURES in nsrun.h, listed by --help)
  --with-faults      add fault points for the rollback tests (NSRUN_FAULT=step)
  --out FILE         write the binary to FILE (default ./nsrun, or
                     out/ARCH/nsrun with --arch)
  --matrix           build every arch with all features, with none, and with
                     each one left out (out/matrix/ARCH/nsrun-VARIANT); check
                     each with `file`, the soft-float rules and the aarch64
                     page layout, and that each variant but all is smaller
                     than all; exit 1 when one fails
  --sizes            print the table of stripped sizes, arch x variant, and
                     what each feature costs (builds the matrix)
  --readme           with --sizes: also put that table into README.md's
                     Sizes section (between its two marker lines)
  --verbs-cost       what the lifecycle verbs (exec stop kill list state
                     features) add to ARCH's binary: built with them and
                     with their rows of the verb table pointing at --help;
                     exit 1 when x86_64's is over the 6 KiB budget
  -h, --help         show this text

environment:
  CC=COMPILER        a vendor's musl toolchain for --arch ARCH instead of
                     Debian's (then only missing kernel headers are installed)
EOF
	echo "features: $(feature_names)"
}

die() {				# die STATUS MESSAGE
	echo "build.sh: $2" >&2
	exit "$1"
}

# ---- features: the rows of NSRUN_FEATURES(X) in nsrun.h -----------------------
# The C preprocessor expands the table (no regular expression reads C text):
# each row X(name, FLAG, "what") becomes `@feature name FLAG@`, printed as
# `name FLAG`; a new row is a new --without-name.  `./build.sh features`
# prints these lines for the test scripts.
list_features() {
	local rows
	need_pkgs cpp libc6-dev >&2	# nsrun.h includes <sys/types.h>
	rows=$(printf '%s\n' '#include "nsrun.h"' \
		'#define NSRUN_BUILD_ROW(name, FLAG, what) @feature name FLAG@' \
		'NSRUN_FEATURES(NSRUN_BUILD_ROW)' | cpp -P -I. -x c - |
		grep -oE '@feature [a-z0-9_]+ [A-Z0-9_]+@' | sed 's/^@feature //; s/@$//')
	[ -n "$rows" ] || die 1 "no feature rows from the C preprocessor on nsrun.h (is NSRUN_FEATURES there?)"
	echo "$rows"
}

features=			# "name FLAG" lines, read once by load_features

load_features() {
	[ -n "$features" ] || features=$(list_features)
	[ -n "$features" ] || exit 1	# (list_features said why)
}

feature_names() {
	local name flag names=
	load_features
	while read -r name flag; do names="$names $name"; done <<<"$features"
	echo "${names# }"
}

feature_flag() {		# feature_flag NAME -> prints FLAG, or fails
	local name flag
	load_features
	while read -r name flag; do
		[ "$name" = "$1" ] && { echo "$flag"; return 0; }
	done <<<"$features"
	return 1
}

# ---- per-architecture toolchain ------------------------------------------------
# ARCHES: what --arch takes and --matrix builds.  For each one: Debian's name
# of the architecture (multiarch packages), the GNU triplet of its cross
# binutils and kernel headers, the musl compiler, and what `file` says about
# a right binary.  CC set in the environment (a vendor's own toolchain) is
# used instead of the Debian one; nothing is then installed but, when that
# compiler cannot see <linux/*.h>, Debian's kernel headers for the arch.
ARCHES="x86_64 armhf aarch64 mipsel mips"
user_cc=${CC:-}

arch_setup() {
	arch_pkgs=()
	foreign=
	case $ARCH in
	x86_64)
		gnu=x86_64-linux-gnu
		CC='musl-gcc'
		arch_pkgs=(musl-tools)
		khdr_pkg=linux-libc-dev
		klinux=/usr/include/linux
		kasm=/usr/include/$gnu/asm
		kgeneric=/usr/include/asm-generic
		machine='ELF 64-bit LSB executable, x86-64,'
		;;
	armhf | aarch64 | mipsel)
		case $ARCH in
		armhf) foreign=armhf gnu=arm-linux-gnueabihf CC=arm-linux-musleabihf-gcc
			machine='ELF 32-bit LSB executable, ARM, EABI5' ;;
		aarch64) foreign=arm64 gnu=aarch64-linux-gnu CC=aarch64-linux-musl-gcc
			machine='ELF 64-bit LSB executable, ARM aarch64,' ;;
		mipsel) foreign=mipsel gnu=mipsel-linux-gnu CC=mipsel-linux-musl-gcc
			machine='ELF 32-bit LSB executable, MIPS, MIPS32 rel2' ;;
		esac
		# musl-dev:ARCH brings the cross gcc (gcc-GNU) and its musl
		# wrapper.  The kernel headers come from the -cross package: the
		# multiarch linux-libc-dev:ARCH must match the host's version
		# exactly, and apt would rather downgrade the host's copy and
		# remove build-essential than fail.
		arch_pkgs=("musl-dev:$foreign")
		khdr_pkg=linux-libc-dev-$foreign-cross
		klinux=/usr/$gnu/include/linux
		kasm=/usr/$gnu/include/asm
		kgeneric=/usr/$gnu/include/asm-generic
		;;
	mips)
		# Big-endian MIPS32r2, soft-float (OpenWrt's ath79): Debian 12
		# has the cross gcc but no musl for it, so musl_mips
		# (tests/musl-mips.sh) builds one, and the soft-float helpers
		# Debian's hard-float libgcc lacks.
		gnu=mips-linux-gnu
		CC=$PWD/build/musl-mips/bin/mips-linux-musl-gcc
		arch_pkgs=(gcc-mips-linux-gnu)
		khdr_pkg=linux-libc-dev-mips-cross
		klinux=/usr/$gnu/include/linux
		kasm=/usr/$gnu/include/asm
		kgeneric=/usr/$gnu/include/asm-generic
		machine='ELF 32-bit MSB executable, MIPS, MIPS32 rel2'
		;;
	*)
		die 2 "unsupported architecture: $ARCH (one of: $ARCHES)"
		;;
	esac
	kinc=build/kinc/$ARCH
	if [ -n "$user_cc" ]; then
		CC=$user_cc
		arch_pkgs=()
	fi
}

toolchain_setup() {
	arch_setup
	if [ ${#arch_pkgs[@]} -gt 0 ]; then
		[ -z "$foreign" ] || add_dpkg_arch "$foreign"
		need_pkgs "${arch_pkgs[@]}"
	fi
	if [ "$ARCH" = mips ] && [ -z "$user_cc" ]; then
		musl_mips
	fi
	# musl's compilers see no kernel headers (their specs say -nostdinc);
	# a vendor's toolchain usually has them in its sysroot: probe first.
	kinc_flags=()
	if ! echo '#include <linux/rtnetlink.h>' | $CC -E -x c - >/dev/null 2>&1; then
		need_pkgs "$khdr_pkg"
		kinc_setup
		kinc_flags=(-isystem "$kinc")
	fi
}

# A directory of three symlinks adds exactly the kernel headers: never all of
# /usr/include or /usr/GNU/include, which would mix glibc's headers into a
# musl build.
kinc_setup() {
	mkdir -p "$kinc"
	ln -sfn "$klinux" "$kinc/linux"
	ln -sfn "$kasm" "$kinc/asm"
	ln -sfn "$kgeneric" "$kinc/asm-generic"
}

# ---- cJSON: Debian's patched source, never committed -----------------------------
cjson_fetch() {
	[ -f build/cjson/cJSON.c ] && return 0
	# The test suite may start several builds at once on a fresh tree: one fetches.
	mkdir -p build
	{
		flock 9
		if [ ! -f build/cjson/cJSON.c ]; then	# not `||`: that would switch off set -e
			cjson_download
		fi
	} 9>build/.cjson.lock
}

# build/cjson: the three files of Debian's patched source that nsrun needs,
# and VERSION (Debian's version, which --version prints).
cjson_download() {
	deb_source cjson
	rm -rf build/cjson.tmp
	mkdir -p build/cjson.tmp
	deb_source_version cjson >build/cjson.tmp/VERSION
	cp build/src/cjson/cJSON.c build/src/cjson/cJSON.h build/src/cjson/LICENSE build/cjson.tmp/
	rm -rf build/cjson
	mv build/cjson.tmp build/cjson	# cJSON.c appears complete or not at all
}

# ---- compile and link --------------------------------------------------------------
# cflags: also used by the soft-float check below.
set_cflags() {
	local ver
	ver=$(cat build/cjson/VERSION)
	# No unwind tables (nothing unwinds: no C++, no backtraces).  No
	# position-independent code (-fno-pie; Debian's gcc makes it by
	# default): the link is -static, not -static-pie, so the binary loads
	# at its fixed address anyway, and PIC's GOT loads and longer
	# RIP-relative forms only cost bytes (x86_64: 2.6 KB).  On x86_64 data
	# aligned as the psABI says (-malign-data=abi), not arrays of 32 bytes
	# and more on 32-byte lines, which pads the tables (0.5 KB).  No sibling
	# calls (-fno-optimize-sibling-calls): a tail call as a jump needs the
	# function's whole epilogue before each one, where a call shares the one
	# return (x86_64 0.4 KB, armhf 0.2, aarch64 0.5, mips 1.1; no function
	# of nsrun's recurses in tail position).
	cflags=(-std=gnu11 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections
		-fno-asynchronous-unwind-tables -fno-unwind-tables -fno-pie -fno-optimize-sibling-calls
		${kinc_flags[@]+"${kinc_flags[@]}"} -Ibuild/cjson "-DNSRUN_CJSON_VERSION=\"$ver\"" "${defs[@]}")
	[ "$ARCH" != x86_64 ] || cflags+=(-malign-data=abi)
}

build_nsrun() {
	toolchain_setup
	[ -f nsrun.c ] || die 1 "nsrun.c not found"
	cjson_fetch
	set_cflags
	# No page-aligned separate code segment (-z noseparate-code): the text
	# starts the file instead of a page after the headers.  No RELRO
	# segment (-z norelro): only musl's dynamic linker applies it, never a
	# static binary's startup, and ld pads the file so that its end falls on
	# a max-page-size boundary (64 KiB on aarch64: 18 KiB of zeros).  The
	# data segment's address stays congruent to its file offset modulo that
	# size, so the file still loads on 4K, 16K and 64K page kernels.  A
	# common page size of 64 bytes (-z common-page-size=64) keeps ld from
	# starting the data segment on a page of its own in the file (it would
	# pad the text up to the next 4 KiB to save a page of memory, which for
	# a 4 KiB data segment saves nothing): the file is the code and data
	# only, and every byte a feature costs shows in its size.  With Debian's
	# own toolchains a link warning is an error: a soft-float object meeting
	# a hard-float one on mips is only a warning to ld.
	# shellcheck disable=SC2054 # -Wl,A,B is one argument
	local ldflags=(-static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro
		-Wl,-z,common-page-size=64)
	# shellcheck disable=SC2054
	[ -n "$user_cc" ] || ldflags+=(-Wl,--fatal-warnings)
	# A private object dir per run: the test suite builds several variants at once.
	objs=$(mktemp -d build/obj.XXXXXX)	# global: the trap runs after we return
	trap 'rm -rf "$objs"' EXIT
	# cJSON is its own object, built with the same compiler: soft-float
	# where the toolchain is.
	$CC "${cflags[@]}" -c nsrun.c -o "$objs/nsrun.o"
	$CC "${cflags[@]}" -c build/cjson/cJSON.c -o "$objs/cJSON.o"
	$CC "${ldflags[@]}" "$objs/nsrun.o" "$objs/cJSON.o" -o "$objs/nsrun"
	# Rename into place: no half-written binary, and no "Text file busy"
	# when the old one is still running.
	mkdir -p "$(dirname "$out")"
	mv -f "$objs/nsrun" "$out"
	echo "$out: $(stat -c %s "$out") bytes"
}

# ---- the matrix: every arch x {all on, all off, each off} --------------------------------
# Variants by name: all, none (every optional feature off), no-FEATURE.
variants() {
	local f
	echo all
	for f in $(feature_names); do echo "no-$f"; done
	echo none
}

variant_opts() {		# variant_opts VARIANT -> build.sh options
	local f
	case $1 in
	all) ;;
	none) for f in $(feature_names); do echo "--without-$f"; done ;;
	no-*) echo "--without-${1#no-}" ;;
	esac
}

# Build every variant of every arch into out/matrix/ARCH/nsrun-VARIANT (the
# log beside it), nproc builds at a time; the first build of an arch runs
# alone, so that installing its toolchain (or building mips's musl) happens
# once.  Then check each one, and that every variant but all is smaller than
# all.  Prints `PASS matrix: ARCH/VARIANT: ...` or `FAIL matrix:
# ARCH/VARIANT: WHY` lines, and `matrix: ...` notes; returns 1 when one failed.
matrix() {
	local a v o f jobs=0 bad=0 opts
	[ -z "$user_cc" ] || die 2 "CC names one arch's compiler: use it with --arch, not with --matrix or --sizes"
	load_features
	need_pkgs file mawk		# the checks below
	# One matrix at a time: it starts by removing the last one.
	mkdir -p build
	exec 8>build/.matrix.lock
	flock 8
	rm -rf out/matrix
	for a in $ARCHES; do
		mkdir -p "out/matrix/$a"
		for v in $(variants); do
			o=out/matrix/$a/nsrun-$v
			# shellcheck disable=SC2207 # option words have no spaces
			opts=($(variant_opts "$v"))
			if [ "$v" = all ]; then
				./build.sh --arch "$a" ${opts[@]+"${opts[@]}"} --out "$o" >"$o.log" 2>&1 || true
				continue
			fi
			./build.sh --arch "$a" ${opts[@]+"${opts[@]}"} --out "$o" >"$o.log" 2>&1 &
			jobs=$((jobs + 1))
			if [ "$jobs" -ge "$(nproc)" ]; then
				wait -n || true
				jobs=$((jobs - 1))
			fi
		done
		wait
		jobs=0
	done
	for a in $ARCHES; do
		ARCH=$a
		arch_setup
		for v in $(variants); do
			matrix_check "$a" "$v" "out/matrix/$a/nsrun-$v" || bad=1
		done
		for v in $(variants); do
			[ "$v" = all ] || smaller_check "$a" "$v" || bad=1
		done
		case $a in
		mips | mipsel) softfloat_check || bad=1 ;;
		aarch64) pages_check out/matrix/aarch64/nsrun-all || bad=1 ;;
		x86_64) budget_check out/matrix/x86_64/nsrun-all || bad=1 ;;
		esac
	done
	return "$bad"
}

matrix_check() {		# matrix_check ARCH VARIANT FILE
	local desc
	if [ ! -s "$3" ]; then
		echo "FAIL matrix: $1/$2: build failed: $(grep -m1 -E 'error|warning|build.sh:' "$3.log" || tail -n 1 "$3.log")"
		return 1
	fi
	desc=$(file -b "$3")
	if [[ $desc != "$machine"* ]] || [[ $desc != *", statically linked,"* ]]; then
		echo "FAIL matrix: $1/$2: file says '$desc', want '$machine ... statically linked'"
		return 1
	fi
	echo "PASS matrix: $1/$2: $(stat -c %s "$3") bytes, $desc"
}

# Leaving features out must show in the file: VARIANT (no-X, none) against
# all, in stripped bytes.  A build that failed was reported above.  On most
# arches the data segment starts on a 4 KiB page in the file, so a change of
# the code smaller than a page may not change the file at all: a FAIL notes
# how much the code itself (text + data) moved.
smaller_check() {		# smaller_check ARCH VARIANT
	local all=out/matrix/$1/nsrun-all f=out/matrix/$1/nsrun-$2 n m
	[ -s "$all" ] && [ -s "$f" ] || return 0
	n=$(stat -c %s "$f")
	m=$(stat -c %s "$all")
	if [ "$n" -lt "$m" ]; then
		echo "PASS matrix: $1/$2: smaller than all ($n < $m bytes)"
		return 0
	fi
	echo "FAIL matrix: $1/$2: not smaller than all ($n >= $m bytes)"
	echo "matrix: $1/$2: text + data $(code_bytes "$f") bytes, all's $(code_bytes "$all")"
	return 1
}

# The product's size budget: the x86_64 binary with every feature stays
# within 128 KiB stripped (README "Sizes").
SIZE_BUDGET=131072
budget_check() {		# budget_check FILE
	local n
	[ -s "$1" ] || return 0
	n=$(stat -c %s "$1")
	if [ "$n" -le "$SIZE_BUDGET" ]; then
		echo "PASS matrix: x86_64/all: within the budget ($n <= $SIZE_BUDGET bytes)"
		return 0
	fi
	echo "FAIL matrix: x86_64/all: over the budget ($n > $SIZE_BUDGET bytes)"
	return 1
}

code_bytes() {			# code_bytes FILE: text + data, as `size` counts them
	"$gnu-size" "$1" | awk 'NR == 2 { print $1 + $2 }'
}

# nsrun's own code uses no floating point (MT7621 and ath79 have no FPU, and
# OpenWrt's toolchains are soft-float): compiled with -msoft-float, nsrun.o
# must call none of libgcc's soft-float helpers (__adddf3, __fixdfsi,
# __extendsfdf2, __ltdf2, ...).  The mips binary must not contain a single
# FPU instruction (musl, cJSON and libgcc included); mipsel's Debian musl is
# hard-float, so there the count is only reported.
softfloat_check() {
	local o calls n bad=0
	toolchain_setup >/dev/null
	cjson_fetch
	set_cflags
	o=$(mktemp -d build/sf.XXXXXX)
	if ! $CC "${cflags[@]}" -msoft-float -c nsrun.c -o "$o/nsrun.o" 2>"$o/err"; then
		echo "FAIL matrix: $ARCH/soft-float: nsrun.c does not compile with -msoft-float: $(head -n 1 "$o/err")"
		bad=1
	else
		calls=$("$gnu-nm" -u "$o/nsrun.o" | awk '{ print $NF }' |
			grep -E '^__[a-z]*(sf|df|tf|xf|sc|dc)[a-z]{0,2}[0-9]?$' | tr '\n' ' ')
		if [ -n "$calls" ]; then
			echo "FAIL matrix: $ARCH/soft-float: nsrun.o (-msoft-float) calls $calls"
			bad=1
		else
			echo "PASS matrix: $ARCH/soft-float: nsrun.o (-msoft-float) calls no soft-float helper"
		fi
	fi
	rm -rf "$o"
	n=$(fpu_insns "out/matrix/$ARCH/nsrun-all")
	if [ "$ARCH" = mips ]; then
		if [ "$n" = 0 ]; then
			echo "PASS matrix: mips/no-fpu: nsrun-all has no FPU instruction"
		else
			echo "FAIL matrix: mips/no-fpu: nsrun-all has $n FPU instructions"
			bad=1
		fi
	else
		echo "matrix: $ARCH: nsrun-all has $n FPU instructions (Debian's musl-dev:$foreign is hard-float)"
	fi
	return "$bad"
}

# Loadable with 4K, 16K and 64K pages: the kernel maps each PT_LOAD at
# p_vaddr from file offset p_offset in whole pages, so both must agree
# modulo the largest page size (64 KiB on aarch64).
pages_check() {			# pages_check FILE
	local type off va rest bad=
	while read -r type off va rest; do
		[ "$type" = LOAD ] || continue
		((off % 65536 == va % 65536)) || bad="$bad $off@$va"
	done < <("$gnu-readelf" -lW "$1")
	if [ -n "$bad" ]; then
		echo "FAIL matrix: aarch64/64k-pages: PT_LOAD offset and address differ modulo 64 KiB: $bad"
		return 1
	fi
	echo "PASS matrix: aarch64/64k-pages: every PT_LOAD is congruent modulo 64 KiB ($(stat -c %s "$1") bytes)"
}

# The README's Sizes block, from out/matrix: stripped bytes, arch x variant;
# what each feature costs (all minus no-FEATURE; all minus none for all of
# them together); the compilers.  README.md holds it between two marker
# lines, which --readme fills in.
sizes() {
	local a v f all row cost
	load_features
	printf '| arch |'
	for v in $(variants); do printf ' %s |' "$v"; done
	printf '\n|---|'
	for v in $(variants); do printf -- '---:|'; done
	printf '\n'
	for a in $ARCHES; do
		row="| $a |"
		for v in $(variants); do
			f=out/matrix/$a/nsrun-$v
			if [ -s "$f" ]; then
				row="$row $(commas "$(stat -c %s "$f")") |"
			else
				row="$row failed |"
			fi
		done
		echo "$row"
	done
	echo
	echo "What each feature costs: all minus no-FEATURE (together: all minus none), stripped bytes."
	echo
	printf '| arch |'
	for v in $(variants); do
		case $v in no-*) printf ' %s |' "${v#no-}" ;; esac
	done
	printf ' together |\n|---|'
	for v in $(variants); do
		[ "$v" = all ] || printf -- '---:|'
	done
	printf '\n'
	for a in $ARCHES; do
		row="| $a |"
		all=out/matrix/$a/nsrun-all
		for v in $(variants); do
			[ "$v" != all ] || continue
			f=out/matrix/$a/nsrun-$v
			cost=failed
			if [ -s "$f" ] && [ -s "$all" ]; then
				cost=$(commas $(($(stat -c %s "$all") - $(stat -c %s "$f"))))
			fi
			row="$row $cost |"
		done
		echo "$row"
	done
	echo
	echo "Built $(date +%Y-%m-%d) with:"
	for a in $ARCHES; do
		ARCH=$a
		arch_setup
		echo "- $a: $(compiler_version)"
	done
}

commas() {			# commas N: 1234567 -> 1,234,567 (and -4,096)
	sed ':a; s/\B[0-9]\{3\}\>/,&/; ta' <<<"$1"
}

# Replace the lines between README.md's two marker lines with FILE.
readme_sizes() {		# readme_sizes FILE
	local begin='<!-- ./build.sh --sizes: begin -->' end='<!-- ./build.sh --sizes: end -->'
	if ! grep -qxF -- "$begin" README.md || ! grep -qxF -- "$end" README.md; then
		die 1 "README.md has no lines '$begin' and '$end' to put the sizes between"
	fi
	awk -v b="$begin" -v e="$end" -v f="$1" '
		$0 == e { skip = 0; print ""; }
		!skip { print }
		$0 == b { print ""; while ((getline l < f) > 0) print l; skip = 1 }' README.md >README.md.tmp
	mv README.md.tmp README.md
	echo "build.sh: README.md: the Sizes block replaced" >&2
}

compiler_version() {
	local musl
	case $ARCH in
	x86_64) musl=$(dpkg-query -W -f='${Version}' "musl-dev:$(dpkg --print-architecture)" 2>/dev/null) ;;
	mips) musl="$(cat $MUSL_MIPS/VERSION 2>/dev/null) built soft-float from Debian's source" ;;
	*) musl=$(dpkg-query -W -f='${Version}' "musl-dev:$foreign" 2>/dev/null) ;;
	esac
	echo "\`${CC##*/}\`: gcc $($CC -dumpfullversion 2>/dev/null) ($("$gnu-gcc" --version 2>/dev/null |
		head -n 1 | sed 's/.*(\(.*\)).*/\1/')), binutils $("$gnu-ld" --version | head -n 1 |
		awk '{ print $NF }'), musl $musl"
}

# ---- the lifecycle verbs' cost ----------------------------------------------------------
# Issue 15: "the verbs add at most 6 KiB to the x86_64 binary".  Built twice,
# the second time with NSRUN_NO_LIFECYCLE=1: the six rows of nsrun.c's verb
# table then point at v_help, so gc-sections drops the verbs' code and what
# only they use.  Each build runs in a subshell (its own object dir, trap
# and out) that sets -e itself and is not part of an || list: there bash
# would ignore -e, and a failed compile would go on to the next command.
VERBS_BUDGET=6144

# shellcheck disable=SC2030 # out and defs are each subshell's own, on purpose
verbs_cost() {
	local dir=build/verbs-cost/$ARCH with without cost rc
	mkdir -p "$dir"
	rm -f "$dir/nsrun" "$dir/nsrun-noverbs" "$dir/build.log"
	set +e
	(set -e; out=$dir/nsrun; build_nsrun) >>"$dir/build.log" 2>&1
	rc=$?
	[ "$rc" != 0 ] || (set -e; out=$dir/nsrun-noverbs; defs+=(-DNSRUN_NO_LIFECYCLE=1); build_nsrun) >>"$dir/build.log" 2>&1
	rc=$((rc | $?))
	set -e
	if [ "$rc" != 0 ] || [ ! -s "$dir/nsrun" ] || [ ! -s "$dir/nsrun-noverbs" ]; then
		die 1 "a build failed (see $dir/build.log)"
	fi
	with=$(stat -c %s "$dir/nsrun")
	without=$(stat -c %s "$dir/nsrun-noverbs")
	cost=$((with - without))
	echo "lifecycle verbs: $(commas "$cost") bytes ($ARCH, stripped: $(commas "$with") with them," \
		"$(commas "$without") without; budget $(commas "$VERBS_BUDGET") on x86_64)"
	[ "$ARCH" != x86_64 ] || [ "$cost" -le "$VERBS_BUDGET" ]
}

# ---- demo ------------------------------------------------------------------------------
demo() {
	need_pkgs squashfs-tools busybox-static
	images/mkimage.sh images/busybox.sqfs
	# Relative paths in a config are relative to the current directory: the repo root.
	local rc=0
	# shellcheck disable=SC2031 # (verbs_cost's subshells set their own out)
	"$out" run images/demo.json || rc=$?
	echo "demo: nsrun exited $rc"
	exit "$rc"
}

# ---- command line ----------------------------------------------------------------------
ARCH=x86_64
out=
target=nsrun
arch_given=0
sizes=0
readme=0
defs=()
pkgs=()
while [ $# -gt 0 ]; do
	case $1 in
	--without-*)
		name=${1#--without-}
		load_features
		flag=$(feature_flag "$name") ||
			die 2 "unknown feature '$name'; valid features: $(feature_names)"
		defs+=("-DWITH_$flag=0")
		;;
	--with-faults) defs+=(-DWITH_FAULTS=1) ;;
	--out)
		[ $# -ge 2 ] || die 2 "--out needs a FILE (see ./build.sh --help)"
		out=$2
		shift
		;;
	--out=*) out=${1#--out=} ;;
	--arch)
		[ $# -ge 2 ] || die 2 "--arch needs one of: $ARCHES"
		ARCH=$2
		arch_given=1
		shift
		;;
	--arch=*) ARCH=${1#--arch=} arch_given=1 ;;
	--matrix) target=matrix ;;
	--sizes) sizes=1 ;;
	--readme) readme=1 ;;
	--verbs-cost) target=verbs-cost ;;
	-h | --help) usage; exit 0 ;;
	-*) die 2 "unknown option '$1' (see ./build.sh --help)" ;;
	nsrun | demo | features) target=$1 ;;
	deps) shift; target=deps; pkgs=("$@"); break ;;
	cc) shift; target=cc; pkgs=("$@"); break ;;
	*) die 2 "unknown target '$1' (see ./build.sh --help)" ;;
	esac
	shift
done
case " $ARCHES " in *" $ARCH "*) ;; *) die 2 "unsupported architecture: $ARCH (one of: $ARCHES)" ;; esac
if [ -z "$out" ]; then
	out=./nsrun
	[ "$arch_given" = 0 ] || out=out/$ARCH/nsrun
fi
case $out in */*) ;; *) out=./$out ;; esac	# so the demo runs it, not a PATH lookup
[ "$readme" = 0 ] || [ "$sizes" = 1 ] || die 2 "--readme goes with --sizes (see ./build.sh --help)"

# The Sizes block on stdout; with --readme also into README.md.
print_sizes() {
	if [ "$readme" = 0 ]; then
		sizes
		return
	fi
	sizes >build/sizes.md
	cat build/sizes.md
	readme_sizes build/sizes.md
}

case $target in
deps) need_pkgs "${pkgs[@]}" ;;
features)
	load_features
	echo "$features"
	;;
cc)
	toolchain_setup >&2
	exec $CC ${kinc_flags[@]+"${kinc_flags[@]}"} ${pkgs[@]+"${pkgs[@]}"}
	;;
nsrun)
	if [ "$sizes" = 1 ]; then
		matrix >/dev/null || true
		print_sizes
	else
		build_nsrun
	fi
	;;
matrix)
	rc=0
	matrix || rc=$?
	[ "$sizes" = 0 ] || print_sizes
	exit "$rc"
	;;
verbs-cost) verbs_cost ;;
demo)
	[ "$ARCH" = x86_64 ] || die 2 "demo runs the container here: build it for x86_64, not $ARCH"
	build_nsrun
	demo
	;;
esac
