#!/bin/bash
# tests/mkverity.sh — the root.verity test images, made from a squashfs image
# with veritysetup (Debian's cryptsetup-bin) and openssl, on the build host:
# the VM's guest has neither, and the unit tests read the superblocks.
#
#   tests/mkverity.sh IMAGE OUTDIR
#
# IMAGE should start with a file of random data (images/mkimage.sh -a
# RANDOM=/aaa/blob: mksquashfs stores it uncompressed, at offset 96, ahead
# of everything else), so that a byte of it can be corrupted where only a
# read of that file meets it.  OUTDIR gets:
#   app.sqfs        IMAGE with its hash tree appended at app.offset (bytes)
#   app.roothash    its root hash (hex, no newline)
#   sep.sqfs        IMAGE unchanged, its tree in sep.hash; sep.roothash
#   bad.sqfs        app.sqfs with a byte of its first block changed: the
#                   mount already meets it (same offset and root hash)
#   late.sqfs       app.sqfs with a byte of /aaa/blob changed (block 10):
#                   only a read of that file meets it
#   untrusted.sig   a PKCS#7 signature of app.roothash by a key no kernel
#                   trusts (made here, thrown away)
#   sb512.bin       the superblock of a sha512 tree, 2 KiB of data (unit tests)
set -eu
[ $# = 2 ] || { echo "usage: tests/mkverity.sh IMAGE OUTDIR" >&2; exit 2; }
img=$1 out=$2
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
t=$out.tmp

roothash() {			# veritysetup format's "Root hash:" line
	sed -n 's/^Root hash:[[:space:]]*//p' | tr -d '\n'
}

cp "$img" "$t/app.sqfs"
size=$(stat -c %s "$t/app.sqfs")
[ $((size % 4096)) = 0 ] || { echo "mkverity.sh: $img: $size bytes, not a multiple of 4096" >&2; exit 1; }
printf '%s' "$size" >"$t/app.offset"
veritysetup format "$t/app.sqfs" "$t/app.sqfs" --hash-offset="$size" | roothash >"$t/app.roothash"
cp "$img" "$t/sep.sqfs"
veritysetup format "$t/sep.sqfs" "$t/sep.hash" | roothash >"$t/sep.roothash"
[ -s "$t/app.roothash" ] && [ -s "$t/sep.roothash" ] || { echo "mkverity.sh: no root hash" >&2; exit 1; }

# flip FILE OFFSET: one byte changed (inverted) in place
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((255 - b)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$t/app.sqfs" "$t/bad.sqfs"
flip "$t/bad.sqfs" 200
cp "$t/app.sqfs" "$t/late.sqfs"
flip "$t/late.sqfs" $((10 * 4096 + 7))

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$t/key.pem" -out "$t/cert.pem" \
	-subj /CN=nsrun-untrusted -days 2 2>/dev/null
openssl smime -sign -nocerts -noattr -binary -in "$t/app.roothash" -inkey "$t/key.pem" \
	-signer "$t/cert.pem" -outform der -out "$t/untrusted.sig"
rm -f "$t/key.pem" "$t/cert.pem"

head -c 2048 /dev/zero >"$t/d512"
veritysetup format "$t/d512" "$t/h512" --hash=sha512 --data-block-size=1024 --hash-block-size=1024 \
	--salt=00112233 >/dev/null
head -c 512 "$t/h512" >"$t/sb512.bin"
rm -f "$t/d512" "$t/h512"

rm -rf "$out"
mv "$t" "$out"
