#!/bin/bash
# mkimage.sh — build a busybox-static root filesystem for nsrun containers,
# as a squashfs image (the default) or as a plain directory (-d).
#
# The root holds Debian's static /bin/busybox with one symlink per applet, the
# directories nsrun mounts on, and a minimal /etc with the users root,
# www-data and nobody.  Every mount target already exists, so the image works
# read-only (nsrun cannot create a directory in a squashfs root without an
# overlay).
#
# Owners: every file is root's (0:0) but www-data's home, /var/www and what is
# in it (33:33, mode 0700: a daemon that drops to www-data must still be able
# to open its own files, and no other user can).  -s N adds N to every uid and gid, for a container whose
# user namespace maps [[0, N, 65536]]: inside it each file has its own owner
# again.  A squashfs gets its owners from a mksquashfs pseudo file (one
# "PATH m MODE UID GID" line per file), so any user can build it; a directory
# is chown'ed, which takes root (without root, and without -s, its files stay
# the builder's).
set -eu

usage() {
	cat <<'EOF'
usage: images/mkimage.sh [-c COMP] [-b BUSYBOX] [-a SRC=DEST]... [-s N] [-d] OUT

  -c COMP      squashfs compressor: zstd (default), xz, gzip, lz4, lzo
  -b BUSYBOX   the static busybox to put in the image (default /bin/busybox;
               another arch's, e.g. from busybox-static:armhf, is run under
               qemu-user to list its applets)
  -a SRC=DEST  copy SRC into the image at DEST (absolute), keeping its mode;
               repeatable (e.g. -a build/payload=/bin/payload)
  -s N         shift every file's owner and group by N (0 to 4294901760), for
               uid_map and gid_map [[0, N, 65536]]: root's files are N:N
               inside the image, www-data's /var/www N+33:N+33 (default 0)
  -d           write the root as a directory OUT instead of a squashfs image;
               its owners are set with chown, as root only (without root, -s
               is refused and the files stay the builder's)
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
idshift=0 shifted=0
while getopts c:a:b:s:dh opt; do
	case $opt in
	c) comp=$OPTARG ;;
	b) busybox=$OPTARG ;;
	a) adds+=("$OPTARG") ;;
	s) idshift=$OPTARG shifted=1 ;;
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
# The last id a shifted file can get is N + 65534 (nobody); 4294967295 is -1.
# No leading zero: bash would read 0100000 as octal.
[[ $idshift =~ ^(0|[1-9][0-9]{0,9})$ ]] && ((idshift <= 4294901760)) ||
	die "-s $idshift: expected an integer from 0 to 4294901760"
[ "$dir" = 0 ] || [ "$shifted" = 0 ] || [ "$(id -u)" = 0 ] ||
	die "-s with -d needs root (the directory's files are chown'ed)"
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
(cd "$root" && mkdir -p bin proc sys dev tmp etc root var/run var/www run usr/bin sbin data)
chmod 1777 "$root/tmp"
chmod 0700 "$root/root" "$root/var/www"
# www-data's own file: only www-data (and root) can read it.
echo "only www-data reads this" >"$root/var/www/index.html"
chmod 0600 "$root/var/www/index.html"

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
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
www-data:x:33:
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

# The owners (see the top): N:N, www-data's home N+33:N+33.
www=var/www www_id=$((idshift + 33))
if [ "$dir" = 1 ]; then
	if [ "$(id -u)" = 0 ]; then
		# chown clears the setuid and setgid bits: note them, set them again.
		mapfile -d '' special < <(find "$root" ! -type l -perm /6000 -printf '%m %p\0')
		chown -hR "$idshift:$idshift" "$root"
		chown -hR "$www_id:$www_id" "$root/$www"
		for m in ${special[@]+"${special[@]}"}; do
			chmod "${m%% *}" "${m#* }"
		done
	fi
	# A directory cannot be swapped in one rename: move the old one aside first.
	[ -e "$out" ] && mv "$out" "$work/old"
	mv "$root" "$out"
else
	# The pseudo file: every path below the root with its mode and owner; each
	# character outside [A-Za-z0-9._/-] is escaped with a backslash.  A name
	# with a newline cannot be written there.
	nl=$(find "$root" -name $'*\n*' -print -quit)
	[ -z "$nl" ] || die "${nl#"$root"}: a file name with a newline cannot be given its owner"
	find "$root" -mindepth 1 -printf '%m %P\n' |
		awk -v n="$idshift" -v www="$www" -v www_id="$www_id" '{
			mode = $1
			path = substr($0, length(mode) + 2)
			id = (path == www || index(path, www "/") == 1) ? www_id : n
			esc = ""
			for (i = 1; i <= length(path); i++) {
				c = substr(path, i, 1)
				esc = esc (c ~ /[A-Za-z0-9._\/-]/ ? "" : "\\") c
			}
			printf "%s m %s %.0f %.0f\n", esc, mode, id, id
		}' >"$work/owners"
	# No -all-root: it would override the pseudo file.  mksquashfs only warns
	# about a definition it cannot apply ("Ignoring"): that is an error here.
	if ! mksquashfs "$root" "$work/image" -comp "$comp" -noappend -quiet -no-progress \
		-root-uid "$idshift" -root-gid "$idshift" -pf "$work/owners" 2>"$work/err"; then
		cat "$work/err" >&2
		die "mksquashfs failed"
	fi
	if grep -q . "$work/err"; then
		cat "$work/err" >&2
		die "mksquashfs did not apply every owner (see above)"
	fi
	mv -f "$work/image" "$out"
fi
echo "$out: $(du -sb "$out" | cut -f1) bytes"
