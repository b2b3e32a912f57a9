#!/bin/bash
# tests/attack/mkhostile.sh — the hostile squashfs images of the attack tests
# (tests/integ/attack.sh on the host and in the VM's guest, and
# tests/vm/guest/30-attack.sh).  Each is images/mkimage.sh's busybox root with
# the payload as /bin/payload, then changed the way an attacker's image would
# be; mksquashfs makes the device nodes and the setuid bit from pseudo
# definitions, so nothing of the kind is ever created on the build host.
#
#   atk.sqfs          the attack image:
#                     /bin/suid     a copy of the payload, setuid root (4755)
#                     /entry        "#!/proc/self/exe": the interpreter the
#                                   kernel resolves in the exec'ing process,
#                                   nsrun's own binary when the app's first
#                                   exec runs it (CVE-2019-5736)
#                     /lnk-abs      -> /          mount targets that lead
#                     /lnk-up       -> ../../..   "out" of the root
#                     /lnk-etcup    -> /etc/../../..
#                     /nodes/mem    c 1:1 (the machine's memory)
#                     /nodes/port   c 1:4 (I/O ports)
#                     /nodes/loop0  b 7:0
#                     /nodes/null   c 1:3 (harmless: shows nodev alone)
#   atk-devabs.sqfs   /dev -> /                      (refused at start)
#   atk-procup.sqfs   /proc -> ../../../../../../run (refused at start)
#
# usage: tests/attack/mkhostile.sh [-b BUSYBOX] -p PAYLOAD OUTDIR
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mkimage=$here/../../images/mkimage.sh
busybox=/bin/busybox
payload=
while getopts b:p: opt; do
	case $opt in
	b) busybox=$OPTARG ;;
	p) payload=$OPTARG ;;
	*) echo "usage: $0 [-b BUSYBOX] -p PAYLOAD OUTDIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# != 1 ] || [ -z "$payload" ]; then
	echo "usage: $0 [-b BUSYBOX] -p PAYLOAD OUTDIR" >&2
	exit 2
fi
out=${1%/}
[ -f "$payload" ] || { echo "mkhostile.sh: $payload: no such file" >&2; exit 2; }

mkdir -p "$out"
work=$(mktemp -d "$out/.mkhostile.XXXXXX")
trap 'rm -rf "$work"' EXIT
base=$work/base
"$mkimage" -b "$busybox" -d -a "$payload=/bin/payload" "$base" >/dev/null

# squash DIR IMAGE [PSEUDO]...: DIR as IMAGE, all files root's.
squash() {
	local dir=$1 img=$2 p args=()
	shift 2
	for p in "$@"; do
		args+=(-p "$p")
	done
	mksquashfs "$dir" "$img.tmp" -comp zstd -all-root -noappend -quiet -no-progress ${args[@]+"${args[@]}"} &&
		mv -f "$img.tmp" "$img"
}

# The attack image.
r=$work/atk
cp -a "$base" "$r"
cp "$payload" "$r/bin/suid"
printf '#!/proc/self/exe\n' >"$r/entry"
chmod 755 "$r/entry"
ln -s / "$r/lnk-abs"
ln -s ../../.. "$r/lnk-up"
ln -s /etc/../../.. "$r/lnk-etcup"
mkdir -p "$r/nodes"
squash "$r" "$out/atk.sqfs" "bin/suid m 4755 0 0" \
	"nodes/mem c 600 0 0 1 1" "nodes/port c 600 0 0 1 4" \
	"nodes/loop0 b 600 0 0 7 0" "nodes/null c 666 0 0 1 3"

# /dev and /proc as symlinks to host paths.
r=$work/devabs
cp -a "$base" "$r"
rm -rf "${r:?}/dev"
ln -s / "$r/dev"
squash "$r" "$out/atk-devabs.sqfs"

r=$work/procup
cp -a "$base" "$r"
rm -rf "${r:?}/proc"
ln -s ../../../../../../run "$r/proc"
squash "$r" "$out/atk-procup.sqfs"
echo "$out: atk.sqfs atk-devabs.sqfs atk-procup.sqfs"
