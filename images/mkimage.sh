#!/bin/bash
# mkimage.sh — build a busybox-static root filesystem for nsrun containers,
# as a squashfs image (the default) or as a plain directory (-d).
#
# The root holds Debian's static /bin/busybox with one symlink per applet, the
# directories nsrun mounts on, and a minimal /etc.  Every mount target already
# exists, so the image works read-only (nsrun cannot create a directory in a
# squashfs root without an overlay).
set -eu

usage() {
	cat <<'EOF'
usage: images/mkimage.sh [-c COMP] [-b BUSYBOX] [-a SRC=DEST]... [-d] OUT

  -c COMP      squashfs compressor: zstd (default), xz, gzip, lz4, lzo
  -b BUSYBOX   the static busybox to put in the image (default /bin/busybox;
               another arch's, e.g. from busybox-static:armhf, is run under
               qemu-user to list its applets)
  -a SRC=DEST  copy SRC into the image at DEST (absolute), keeping its mode;
               repeatable (e.g. -a build/payload=/bin/payload)
  -d           write the root as a directory OUT instead of a squashfs image
EOF
}

die() {
	echo "mkimage.sh: $*" >&2
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
# zstd: decompresses fastest, which is what a container's cold start waits on.
comp=zstd
dir=0
adds=()
busybox=/bin/busybox
while getopts c:a:b:dh opt; do
	case $opt in
	c) comp=$OPTARG ;;
	b) busybox=$OPTARG ;;
	a) adds+=("$OPTARG") ;;
	d) dir=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { usage >&2; exit 2; }
out=${1%/}
[ -n "$out" ] || die "OUT must not be /"
# mv would put the image inside an existing directory instead of replacing it.
[ "$dir" = 1 ] || [ ! -d "$out" ] || die "$out is a directory (use -d for a directory root)"

[ -f "$busybox" ] || die "-b $busybox: no such file"
case $comp in
xz | gzip | lz4 | lzo | zstd) ;;
*) die "unknown compressor '$comp' (xz, gzip, lz4, lzo or zstd)" ;;
esac
for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%=*} dest=${a#*=}
	[ "$src" != "$a" ] || die "-a $a: expected SRC=DEST"
	[ -e "$src" ] || die "-a $a: $src does not exist"
	case $dest in /*) ;; *) die "-a $a: DEST must be absolute" ;; esac
	case $dest/ in */../*) die "-a $a: DEST must not contain '..'" ;; esac
done

# Debian's busybox-static, not busybox: the image has no libc to link against.
pkgs=()
[ "$busybox" != /bin/busybox ] || pkgs+=(busybox-static)
[ "$dir" = 1 ] || pkgs+=(squashfs-tools)
[ ${#pkgs[@]} -eq 0 ] || "$here/../build.sh" deps "${pkgs[@]}"

# Build next to OUT, so the final rename is atomic and never crosses filesystems.
mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/.mkimage.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
root=$work/root

mkdir -p "$root"
(cd "$root" && mkdir -p bin proc sys dev tmp etc root var/run run usr/bin sbin data)
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

# The applets, from busybox itself.  Another arch's busybox runs under
# qemu-user (qemu-user-static); which qemu-ARCH-static fits is not worth
# parsing out of the ELF header: the others refuse the binary at once.
applets() {
	local q
	"$busybox" --list 2>/dev/null && return 0
	for q in /usr/bin/qemu-*-static; do
		[ -x "$q" ] || continue
		"$q" "$busybox" --list 2>/dev/null && return 0
	done
	die "$busybox --list: cannot run it here (for another arch: apt-get install qemu-user-static)"
}
list=$(applets)
[ -n "$list" ] || die "$busybox --list printed no applet"
cp "$busybox" "$root/bin/busybox"
for applet in $list; do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
# Mount points for the /etc/resolv.conf and /etc/hosts that nsrun's "net"
# section generates and binds over them, even on a read-only root.
: >"$root/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n' >"$root/etc/hosts"

for a in ${adds[@]+"${adds[@]}"}; do
	src=${a%%=*} dest=${a#*=}
	mkdir -p "$root$(dirname "$dest")"
	rm -rf "$root$dest"		# e.g. replace an applet symlink with the real file
	cp -RpL "$src" "$root$dest"	# -p: modes (a payload stays executable); -L: no dangling links
done

if [ "$dir" = 1 ]; then
	# A directory cannot be swapped in one rename: move the old one aside first.
	[ -e "$out" ] && mv "$out" "$work/old"
	mv "$root" "$out"
else
	mksquashfs "$root" "$work/image" -comp "$comp" -all-root -noappend -quiet -no-progress
	mv -f "$work/image" "$out"
fi
echo "$out: $(du -sb "$out" | cut -f1) bytes"
