#!/bin/bash
# build.sh — build nsrun: one static, stripped musl binary with cJSON compiled in.
#
# Run as root on Debian 12: whatever is missing (musl-tools, dpkg-dev, cJSON's source)
# is installed or fetched on the way, so a fresh machine needs nothing beforehand.
# Everything generated goes under build/ (git-ignored), except the binary itself
# and the images that images/mkimage.sh writes.
set -eu
cd "$(dirname "$0")"

usage() {
	cat <<'EOF'
usage: ./build.sh [OPTION]... [TARGET]

targets:
  nsrun              build the runtime (the default)
  demo               build it and images/busybox.sqfs, then run images/demo.json
  deps PACKAGE...    install the Debian packages that are missing (for scripts)

options:
  --without-NAME     leave feature NAME out (repeatable; names: the rows of
                     NSRUN_FEATURES in nsrun.h, listed by --help)
  --with-faults      add fault points for the rollback tests (NSRUN_FAULT=step)
  --out FILE         write the binary to FILE (default ./nsrun)
  -h, --help         show this text
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
# Only x86_64 for now; another arch is another branch naming its musl wrapper,
# its packages and where its kernel headers live (see ../shared/notes/TOOLCHAINS.md).
arch_setup() {
	case $ARCH in
	x86_64)
		CC=musl-gcc
		triplet=x86_64-linux-gnu
		arch_pkgs=(musl-tools)
		klinux=/usr/include/linux
		kasm=/usr/include/$triplet/asm
		kgeneric=/usr/include/asm-generic
		;;
	*)
		die 2 "unsupported architecture: $ARCH"
		;;
	esac
	kinc=build/kinc/$ARCH
}

# musl-gcc's specs use -nostdinc, so <linux/*.h> is invisible.  A directory of
# three symlinks adds exactly the kernel headers: never all of /usr/include,
# which would mix glibc's headers into a musl build.
kinc_setup() {
	mkdir -p "$kinc"
	ln -sfn "$klinux" "$kinc/linux"
	ln -sfn "$kasm" "$kinc/asm"
	ln -sfn "$kgeneric" "$kinc/asm-generic"
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
build_nsrun() {
	arch_setup
	need_pkgs "${arch_pkgs[@]}"
	[ -f nsrun.c ] || die 1 "nsrun.c not found"
	cjson_fetch
	kinc_setup

	local ver cflags
	ver=$(cat build/cjson/VERSION)
	# No unwind tables (nothing unwinds: no C++, no backtraces) and no
	# page-aligned separate code segment: together about 12 KiB of file.
	cflags=(-std=gnu11 -Os -Wall -Wextra -Werror -ffunction-sections -fdata-sections
		-fno-asynchronous-unwind-tables -fno-unwind-tables
		-isystem "$kinc" -Ibuild/cjson "-DNSRUN_CJSON_VERSION=\"$ver\"" "${defs[@]}")
	# A private object dir per run: the test suite builds several variants at once.
	objs=$(mktemp -d build/obj.XXXXXX)	# global: the trap runs after we return
	trap 'rm -rf "$objs"' EXIT
	$CC "${cflags[@]}" -c nsrun.c -o "$objs/nsrun.o"
	$CC "${cflags[@]}" -c build/cjson/cJSON.c -o "$objs/cJSON.o"
	$CC -static -s -Wl,--gc-sections -Wl,-z,noseparate-code "$objs/nsrun.o" "$objs/cJSON.o" -o "$objs/nsrun"
	# Rename into place: no half-written binary, and no "Text file busy"
	# when the old one is still running.
	mkdir -p "$(dirname "$out")"
	mv -f "$objs/nsrun" "$out"
	echo "$out: $(stat -c %s "$out") bytes"
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
out=./nsrun
target=nsrun
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
	-h | --help) usage; exit 0 ;;
	-*) die 2 "unknown option '$1' (see ./build.sh --help)" ;;
	nsrun | demo) target=$1 ;;
	deps) shift; target=deps; pkgs=("$@"); break ;;
	*) die 2 "unknown target '$1' (see ./build.sh --help)" ;;
	esac
	shift
done
case $out in */*) ;; *) out=./$out ;; esac	# so the demo runs it, not a PATH lookup

case $target in
deps) need_pkgs "${pkgs[@]}" ;;
nsrun) build_nsrun ;;
demo) build_nsrun; demo ;;
esac
