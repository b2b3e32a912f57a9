# tests/musl-mips.sh — a soft-float musl toolchain for big-endian MIPS
# (`./build.sh --arch mips`), built once into build/musl-mips (bash, sourced
# by build.sh, which also counts FPU instructions with fpu_insns).
#
# Debian's mips-linux-gnu-gcc defaults to hard float (FPXX), and its libgcc's
# float helpers are FPU instructions (__adddf3 is one add.d).  A router kernel
# without the FPU emulator kills such code with SIGILL, so the mips build is
# soft-float all through: musl from Debian's source package, built with
# -msoft-float into build/musl-mips; libgcc's soft-float helpers from the
# soft-fp code that glibc's source package carries (the same files as
# libgcc's, with the same link exception), replacing the hard-float members
# of a private copy of Debian's libgcc.a; and a wrapper,
# build/musl-mips/bin/mips-linux-musl-gcc, that compiles with -msoft-float
# against that musl and links that libgcc.
#
# Runs from the repository root; needs die (build.sh) and need_pkgs,
# deb_source and deb_src_setup (tests/debian-pkgs.sh).
# shellcheck shell=bash

MUSL_MIPS=build/musl-mips

# .done names the prefix: the specs and the wrapper hold absolute paths, so a
# moved checkout builds it again.
musl_mips_done() {
	[ "$(cat $MUSL_MIPS/.done 2>/dev/null)" = "$PWD/$MUSL_MIPS" ]
}

# The toolchain, built unless it is there; several builds may ask at once.
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

# build/src/softfp: glibc's soft-fp directory, its mips32 sfp-machine.h and
# longlong.h; nothing else of its 19 MB source is kept (its Debian patches do
# not touch these files, so the upstream tarball is taken as it is).
softfp_source() {
	[ -f build/src/softfp/soft-fp.h ] && return 0
	deb_src_setup glibc
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
	# make builds musl; the cross binutils (nm, ar, objcopy, objdump) come
	# with gcc-mips-linux-gnu; awk sorts their output.
	need_pkgs gcc-mips-linux-gnu make mawk
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
# Written by build.sh (tests/musl-mips.sh): soft-float big-endian MIPS with the musl in $MUSL_MIPS.
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
		[ "$(gnu=mips-linux-gnu fpu_insns "$o")" = 0 ] || continue
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
	deb_source_version musl >"$prefix/VERSION"
	rm -rf "$work"
	echo "$prefix" >"$prefix/.done"
}

# The number of MIPS FPU instructions in FILE (objdump of the GNU triplet
# $gnu: mips-linux-gnu or mipsel-linux-gnu): coprocessor 1 loads, stores,
# moves and branches, and every mnemonic with a format suffix (add.d,
# c.lt.s, cvt.d.w, mov.s...).
fpu_insns() {			# fpu_insns FILE
	# shellcheck disable=SC2154 # gnu: the caller's (build.sh's arch_setup)
	"$gnu-objdump" -d "$1" | awk -F'\t' 'NF >= 3 { print $3 }' |
		grep -cE '^([lsd][wd]x?c1|[ls]uxc1|m[ft]h?c1|[cm][ft]c1|bc1[ft]l?)$|\.(s|d|w|l|ps)$' || true
}
