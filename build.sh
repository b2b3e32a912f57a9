#!/bin/bash
# build.sh — build nsrun: one static, stripped musl binary with cJSON compiled in,
# for x86_64 or, cross-compiled, for armhf, aarch64, mipsel and mips.
#
# Run as root on Debian 12: whatever is missing (musl-tools, the cross toolchains,
# dpkg-dev, cJSON's source, mips's soft-float musl) is installed, fetched or built on
# the way, so a fresh machine needs nothing beforehand.  Everything generated goes
# under build/ and out/ (git-ignored), except ./nsrun and the images that
# images/mkimage.sh writes.
set -eu
cd "$(dirname "$0")"

usage() {
	cat <<'EOF'
usage: ./build.sh [OPTION]... [TARGET]

targets:
  nsrun              build the runtime (the default)
  demo               build it and images/busybox.sqfs, then run images/demo.json
  deps PACKAGE...    install the Debian packages that are missing (for scripts)
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
                     page layout; exit 1 when one fails
  --sizes            print the table of stripped sizes, arch x variant
                     (builds the matrix)
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

# ---- apt: install only what is missing --------------------------------------
# One place for apt-get, so images/mkimage.sh and tests/run reuse it through
# `./build.sh deps PACKAGE...` and every install waits for the dpkg lock the same way.
apt_fresh=0

apt_update() {
	[ "$apt_fresh" = 1 ] && return 0
	# A mirror in mid-sync can make `apt-get update` fail for one index; a
	# retry usually clears it, and a real failure shows up at install time.
	apt-get update || { sleep 5; apt-get update; } ||
		echo "build.sh: warning: apt-get update failed; trying with the old indexes" >&2
	apt_fresh=1
}

need_pkgs() {			# need_pkgs PACKAGE...
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die 1 "need root to install: ${missing[*]}"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}"
}

# ---- features: the rows of NSRUN_FEATURES(X) in nsrun.h -----------------------
# Each row `X(name, FLAG, "what")` becomes `name:FLAG`; a new row is a new --without-name.
features=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\), *\([A-Z_]*\),.*/\1:\2/p' nsrun.h)
[ -n "$features" ] || die 1 "no feature rows found in nsrun.h (has NSRUN_FEATURES changed shape?)"

feature_names() {
	local f names=
	for f in $features; do names="$names ${f%%:*}"; done
	echo "${names# }"
}

feature_flag() {		# feature_flag NAME -> prints FLAG, or fails
	local f
	for f in $features; do
		[ "${f%%:*}" = "$1" ] && { echo "${f#*:}"; return 0; }
	done
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
		# has the cross gcc but no musl for it, so musl_mips below builds
		# one (and the soft-float helpers Debian's hard-float libgcc lacks).
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

# Multiarch packages (musl-dev:armhf) need their architecture known to dpkg,
# and apt needs that architecture's indexes.
add_foreign_arch() {
	[ -n "$foreign" ] || return 0
	dpkg --print-foreign-architectures | grep -qx "$foreign" && return 0
	[ "$(id -u)" = 0 ] || die 1 "need root to add the $foreign architecture to dpkg"
	dpkg --add-architecture "$foreign"
	apt_fresh=0
}

toolchain_setup() {
	arch_setup
	if [ ${#arch_pkgs[@]} -gt 0 ]; then
		add_foreign_arch
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

# ---- mips: a soft-float musl of our own ---------------------------------------------
# Debian's mips-linux-gnu-gcc defaults to hard float (FPXX), and its libgcc's
# float helpers are FPU instructions (__adddf3 is one add.d).  A router kernel
# without the FPU emulator kills such code with SIGILL, so the mips build is
# soft-float all through: musl from Debian's source package, built with
# -msoft-float into build/musl-mips; libgcc's soft-float helpers from the
# soft-fp code that glibc's source package carries (the same files as
# libgcc's, with the same link exception), replacing the hard-float members
# of a private copy of Debian's libgcc.a; and a wrapper that compiles with
# -msoft-float against that musl and links that libgcc.
MUSL_MIPS=build/musl-mips

# .done names the prefix: the specs and the wrapper hold absolute paths, so a
# moved checkout builds it again.
musl_mips_done() {
	[ "$(cat $MUSL_MIPS/.done 2>/dev/null)" = "$PWD/$MUSL_MIPS" ]
}

musl_mips() {
	musl_mips_done && return 0
	mkdir -p build
	{
		flock 9
		if ! musl_mips_done; then
			musl_mips_build
		fi
	} 9>build/.musl-mips.lock
}

# build/src/NAME: Debian's source of package NAME, extracted (patches applied).
deb_source() {			# deb_source NAME
	[ -d "build/src/$1" ] && return 0
	need_pkgs dpkg-dev
	[ "$(id -u)" = 0 ] || die 1 "need root to fetch $1's source (once)"
	has_deb_src || add_deb_src
	apt_update
	rm -rf "build/src/$1.tmp"
	mkdir -p "build/src/$1.tmp"
	(cd "build/src/$1.tmp" && apt-get source "$1")
	local d
	d=$(find "build/src/$1.tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -n "$d" ] || die 1 "apt-get source $1 left no source tree"
	mv "$d" "build/src/$1"
	rm -rf "build/src/$1.tmp"
}

# build/src/softfp: glibc's soft-fp directory, its mips32 sfp-machine.h and
# longlong.h; nothing else of its 19 MB source is kept (its Debian patches do
# not touch these files, so the upstream tarball is taken as it is).
softfp_source() {
	[ -f build/src/softfp/soft-fp.h ] && return 0
	need_pkgs dpkg-dev xz-utils
	has_deb_src || add_deb_src
	apt_update
	local dl=build/src/glibc.dl tar
	rm -rf "$dl" build/src/softfp.tmp
	mkdir -p "$dl" build/src/softfp.tmp
	(cd "$dl" && apt-get source --download-only glibc)
	tar=$(find "$dl" -name 'glibc_*.orig.tar.*' | head -n 1)
	[ -n "$tar" ] || die 1 "apt-get source --download-only glibc brought no orig tarball"
	tar -xf "$tar" -C build/src/softfp.tmp --strip-components=1 --wildcards \
		'glibc-*/soft-fp/*' 'glibc-*/sysdeps/mips/mips32/sfp-machine.h' 'glibc-*/stdlib/longlong.h'
	mv build/src/softfp.tmp/soft-fp/* build/src/softfp.tmp/
	mv build/src/softfp.tmp/sysdeps/mips/mips32/sfp-machine.h build/src/softfp.tmp/sfp-machine-mips32.h
	mv build/src/softfp.tmp/stdlib/longlong.h build/src/softfp.tmp/
	rm -rf build/src/softfp.tmp/soft-fp build/src/softfp.tmp/sysdeps build/src/softfp.tmp/stdlib
	basename "$tar" >build/src/softfp.tmp/SOURCE
	rm -rf build/src/softfp "$dl"
	mv build/src/softfp.tmp build/src/softfp
}

musl_mips_build() {
	local top=$PWD prefix=$PWD/$MUSL_MIPS work=$PWD/build/musl-mips.work f o libgcc
	need_pkgs gcc-mips-linux-gnu make
	deb_source musl
	softfp_source
	rm -rf "$prefix" "$work"
	mkdir -p "$work/musl" "$work/softfp" "$prefix/lib"
	echo "build.sh: building a soft-float musl for mips into $MUSL_MIPS (once)" >&2
	# musl: out-of-tree, static only.  -msoft-float makes its configure pick
	# the mips-sf subarch.
	(cd "$work/musl" && "$top/build/src/musl/configure" --prefix="$prefix" \
		--target=mips-linux-gnu --disable-shared --enable-wrapper=gcc CC=mips-linux-gnu-gcc \
		CFLAGS="-msoft-float -Os" >configure.log &&
		make -j"$(nproc)" >make.log 2>&1 && make install >install.log 2>&1) ||
		die 1 "musl for mips failed to build (see $work/musl/*.log)"

	# musl's specs with a libgcc of our own (below), and a wrapper that
	# always says -msoft-float.
	libgcc=$prefix/lib/libgcc.a
	sed -i "s|^libgcc.a%s|$libgcc|" "$prefix/lib/musl-gcc.specs"
	grep -q "^$libgcc" "$prefix/lib/musl-gcc.specs" ||
		die 1 "musl's specs have no libgcc line to point at $libgcc"
	mkdir -p "$prefix/bin"
	cat >"$prefix/bin/mips-linux-musl-gcc" <<WRAP
#!/bin/sh
# Written by build.sh: soft-float big-endian MIPS with the musl in $MUSL_MIPS.
exec mips-linux-gnu-gcc -msoft-float "\$@" -specs "$prefix/lib/musl-gcc.specs"
WRAP
	chmod 755 "$prefix/bin/mips-linux-musl-gcc"
	# The helpers for single and double precision and their conversions to
	# and from 32/64-bit integers; the quad/half/extended/128-bit-int ones
	# are not used on o32 (long double is double there).
	cat >"$work/softfp/sfp-machine.h" <<'SFP'
/* glibc's mips32 sfp-machine.h outside glibc: the byte order from musl's
 * <endian.h>, and strong_alias for the comparison helpers' other names. */
#include <endian.h>
#define strong_alias(name, aliasname) \
	extern __typeof(name) aliasname __attribute__((alias(#name)));
#include "sfp-machine-mips32.h"
SFP
	for f in build/src/softfp/*.c; do
		case ${f##*/} in
		*tf* | *hf* | *xf* | *ti*) continue ;;	# (testit.c too)
		esac
		o=$work/softfp/$(basename "$f" .c).o
		"$prefix/bin/mips-linux-musl-gcc" -O2 -w -I"$work/softfp" -Ibuild/src/softfp \
			-c "$f" -o "$o" || die 1 "soft-fp: $f failed to compile"
	done
	# libgcc: Debian's, less every member that defines one of those helpers
	# (in FPU instructions), plus the soft-float ones.
	cp "$(mips-linux-gnu-gcc -print-libgcc-file-name)" "$libgcc"
	local helpers members m
	helpers=$(mips-linux-gnu-nm -g --defined-only "$work"/softfp/*.o | awk 'NF == 3 { print $3 }' | sort -u)
	members=$(mips-linux-gnu-nm -g --defined-only -A "$libgcc" 2>/dev/null |
		awk -F'[: ]+' 'NF >= 4 { print $2, $NF }' | grep -wFf <(echo "$helpers") |
		awk '{ print $1 }' | sort -u)
	# shellcheck disable=SC2086 # member names have no spaces
	[ -z "$members" ] || mips-linux-gnu-ar d "$libgcc" $members
	# The rest (64-bit division, bit counts, ...) and gcc's crtbeginS.o and
	# crtendS.o are integer code, but tagged hard-float like everything
	# Debian's gcc builds, and ld warns when a tag differs.  Where objdump
	# finds no FPU instruction the tags go (ld then takes the object as
	# "any float ABI"); a member that has one keeps its tag, so linking it
	# into a soft-float nsrun fails the build.
	mkdir "$work/libgcc"
	(cd "$work/libgcc" && mips-linux-gnu-ar x "$libgcc")
	for f in crtbeginS.o crtendS.o; do
		cp "$(mips-linux-gnu-gcc -print-file-name="$f")" "$work/libgcc/$f"
	done
	for o in "$work"/libgcc/*.o; do
		[ "$(fpu_insns "$o")" = 0 ] || continue
		mips-linux-gnu-objcopy -R .gnu.attributes -R .MIPS.abiflags "$o"
	done
	mv "$work/libgcc/crtbeginS.o" "$work/libgcc/crtendS.o" "$prefix/lib/"
	rm -f "$libgcc"
	# In the original order (ar t), then the soft-float helpers.
	for m in $(mips-linux-gnu-ar t "$(mips-linux-gnu-gcc -print-libgcc-file-name)"); do
		[ ! -f "$work/libgcc/$m" ] || echo "$work/libgcc/$m"
	done | xargs mips-linux-gnu-ar rc "$libgcc"
	mips-linux-gnu-ar rcs "$libgcc" "$work"/softfp/*.o
	sed -i "s|crtbeginS.o%s|$prefix/lib/crtbeginS.o|; s|crtendS.o%s|$prefix/lib/crtendS.o|" \
		"$prefix/lib/musl-gcc.specs"
	dpkg-parsechangelog -l build/src/musl/debian/changelog -S Version >"$prefix/VERSION"
	rm -rf "$work"
	echo "$prefix" >"$prefix/.done"
}

# ---- cJSON: Debian's patched source, never committed -----------------------------
has_deb_src() {
	grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*[[:space:]]deb-src([[:space:]]|$))' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# Debian 12 images here list only binary sources; a deb-src twin of the
# existing entries points at the same mirror, so no mirror is hard-coded.
add_deb_src() {
	local d=/etc/apt/sources.list.d
	if [ -f $d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' $d/debian.sources >$d/debian-src.sources.tmp
		mv $d/debian-src.sources.tmp $d/debian-src.sources
	elif grep -qs '^deb ' /etc/apt/sources.list; then	# one-line format (installer)
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >$d/debian-src.list.tmp
		mv $d/debian-src.list.tmp $d/debian-src.list
	else
		die 1 "no deb-src entry and no Debian source list to copy one from"
	fi
	apt_fresh=0			# the new entry needs its indexes
}

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

cjson_download() {
	need_pkgs dpkg-dev		# apt-get source extracts with dpkg-source
	[ "$(id -u)" = 0 ] || die 1 "need root to fetch cJSON's source (once)"
	if ! has_deb_src; then
		add_deb_src
	fi
	apt_update
	rm -rf build/cjson-src build/cjson.tmp
	mkdir -p build/cjson-src build/cjson.tmp
	(cd build/cjson-src && apt-get source cjson)
	# The extracted tree has Debian's security patches applied; the
	# .orig tarball next to it does not, so never take files from that.
	local dsc src
	dsc=$(echo build/cjson-src/cjson_*.dsc)
	src=$(find build/cjson-src -mindepth 1 -maxdepth 1 -type d -name 'cjson-*' | head -n 1)
	if [ ! -f "$dsc" ] || [ -z "$src" ]; then
		die 1 "apt-get source cjson left no .dsc or no source tree"
	fi
	sed -n 's/^Version: //p' "$dsc" >build/cjson.tmp/VERSION
	cp "$src/cJSON.c" "$src/cJSON.h" "$src/LICENSE" build/cjson.tmp/
	rm -rf build/cjson
	mv build/cjson.tmp build/cjson	# cJSON.c appears complete or not at all
}

# ---- compile and link --------------------------------------------------------------
# cflags: also used by the soft-float check below.
set_cflags() {
	local ver
	ver=$(cat build/cjson/VERSION)
	# No unwind tables (nothing unwinds: no C++, no backtraces).
	cflags=(-std=gnu11 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections
		-fno-asynchronous-unwind-tables -fno-unwind-tables
		${kinc_flags[@]+"${kinc_flags[@]}"} -Ibuild/cjson "-DNSRUN_CJSON_VERSION=\"$ver\"" "${defs[@]}")
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
	# size, so the file still loads on 4K, 16K and 64K page kernels.  With Debian's
	# own toolchains a link warning is an error: a soft-float object meeting
	# a hard-float one on mips is only a warning to ld.
	# shellcheck disable=SC2054 # -Wl,A,B is one argument
	local ldflags=(-static -s -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro)
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
# once.  Then check each one.  Prints `PASS matrix: ARCH/VARIANT: ...` or
# `FAIL matrix: ARCH/VARIANT: WHY` lines; returns 1 when one failed.
matrix() {
	local a v o f jobs=0 bad=0 opts
	[ -z "$user_cc" ] || die 2 "CC names one arch's compiler: use it with --arch, not with --matrix or --sizes"
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
		case $a in
		mips | mipsel) softfloat_check || bad=1 ;;
		aarch64) pages_check out/matrix/aarch64/nsrun-all || bad=1 ;;
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

# The number of MIPS FPU instructions in FILE: coprocessor 1 loads, stores,
# moves and branches, and every mnemonic with a format suffix (add.d, c.lt.s,
# cvt.d.w, mov.s...).
fpu_insns() {
	"$gnu-objdump" -d "$1" | awk -F'\t' 'NF >= 3 { print $3 }' |
		grep -cE '^([lsd][wd]x?c1|[ls]uxc1|m[ft]h?c1|[cm][ft]c1|bc1[ft]l?)$|\.(s|d|w|l|ps)$' || true
}

# Loadable with 4K, 16K and 64K pages: the kernel maps each PT_LOAD at
# p_vaddr from file offset p_offset in whole pages, so both must agree
# modulo the largest page size (64 KiB on aarch64).
pages_check() {			# pages_check FILE
	local type off va rest bad=
	while read -r type off va rest; do
		[ "$type" = LOAD ] || continue
		((off % 65536 == va % 65536)) || bad="$bad $off@$va"
	done < <(readelf -lW "$1")
	if [ -n "$bad" ]; then
		echo "FAIL matrix: aarch64/64k-pages: PT_LOAD offset and address differ modulo 64 KiB: $bad"
		return 1
	fi
	echo "PASS matrix: aarch64/64k-pages: every PT_LOAD is congruent modulo 64 KiB ($(stat -c %s "$1") bytes)"
}

# The README's size table: stripped bytes, arch x variant, from out/matrix.
sizes() {
	local a v row f
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
				row="$row $(stat -c %s "$f" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta') |"
			else
				row="$row failed |"
			fi
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

# ---- demo ------------------------------------------------------------------------------
demo() {
	need_pkgs squashfs-tools busybox-static
	images/mkimage.sh images/busybox.sqfs
	# Relative paths in a config are relative to the current directory: the repo root.
	local rc=0
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
defs=()
pkgs=()
while [ $# -gt 0 ]; do
	case $1 in
	--without-*)
		name=${1#--without-}
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
	-h | --help) usage; exit 0 ;;
	-*) die 2 "unknown option '$1' (see ./build.sh --help)" ;;
	nsrun | demo) target=$1 ;;
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

case $target in
deps) need_pkgs "${pkgs[@]}" ;;
cc)
	toolchain_setup >&2
	exec $CC ${kinc_flags[@]+"${kinc_flags[@]}"} ${pkgs[@]+"${pkgs[@]}"}
	;;
nsrun)
	if [ "$sizes" = 1 ]; then
		matrix >/dev/null || true
		sizes
	else
		build_nsrun
	fi
	;;
matrix)
	rc=0
	matrix || rc=$?
	[ "$sizes" = 0 ] || sizes
	exit "$rc"
	;;
demo)
	[ "$ARCH" = x86_64 ] || die 2 "demo runs the container here: build it for x86_64, not $ARCH"
	build_nsrun
	demo
	;;
esac
