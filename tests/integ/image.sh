#!/bin/bash
# The image's loop device: a start reuses a device already bound to the same
# image (same inode, read-only, offset 0, no size limit), whether another
# container or the vendor's own `mount -o loop` bound it, so the kernel hands
# back the warm superblock; nsrun never detaches a device it did not attach;
# starts of one image at once attach it once.  An image that is not a
# squashfs 4.0 is refused before a loop device, saying what it is; a
# compressor the kernel lacks is named.
. "$(dirname "$0")/../lib.sh"
require_root

# loops_of FILE: the loop devices bound to FILE, one per line.
loops_of() {
	losetup -j "$1" -O NAME --noheadings 2>/dev/null | sort
}

# starts_at_once PREFIX COUNT MS: COUNT starts of the test image in the
# background, named PREFIX0..., each app sleeping MS ms; $PIDS, output in
# $T/PREFIX*.out.
starts_at_once() {
	local i
	PIDS=()
	for ((i = 0; i < $2; i++)); do
		timeout 30 "$NSRUN" run "$(mkcfg "$1$i" process "{\"args\": [\"/bin/payload\", \"sleep\", \"$3\"]}")" \
			>"$T/$1$i.out" 2>&1 </dev/null &
		PIDS+=($!)
	done
}

# most_loops SAMPLES: the most loop devices bound to the image at once, over
# SAMPLES looks 50 ms apart.
most_loops() {
	local i c n=0
	for ((i = 0; i < $1; i++)); do
		c=$(loops_of "$IMG" | grep -c .)
		((c > n)) && n=$c
		sleep 0.05
	done
	echo "$n"
}

# wait_starts PREFIX WHAT: reap $PIDS; a failed start is WHAT's failure.
wait_starts() {
	local p
	for p in "${PIDS[@]}"; do
		wait "$p" || bad "$2: a start failed: $(cat "$T/$1"*.out | head -c 300)"
	done
}

begin image_loop_shared_by_two_containers
bg_nsrun run "$(mkcfg t-img1 process '{"args": ["/bin/payload", "sleep", "1500"]}')"
for ((i = 0; i < 100; i++)); do [ -n "$(loops_of "$IMG")" ] && break; sleep 0.02; done
first=$(loops_of "$IMG")
[ "$(wc -l <<<"$first")" = 1 ] && [ -n "$first" ] || bad "after the first start: '$first', want one device"
run_nsrun run "$(mkcfg t-img2)" </dev/null
expect_rc 0
# the second start must not have attached a device of its own
[ "$(loops_of "$IMG")" = "$first" ] || bad "devices now '$(loops_of "$IMG" | tr '\n' ' ')', want only $first"
wait_bg
expect_rc 0
end

begin image_vendor_loop_reused_not_detached
mkdir -p "$T/vendor"
if mount -o loop,ro "$IMG" "$T/vendor"; then
	OUR_MOUNTS+=("$T/vendor")
	dev=$(loops_of "$IMG")
	run_nsrun run "$(mkcfg t-img3)" </dev/null
	expect_rc 0
	expect_eq "devices after the container" "$(loops_of "$IMG")" "$dev"
	[ -e "$T/vendor/bin/payload" ] || bad "the vendor's mount lost its image"
	umount "$T/vendor" && OUR_MOUNTS=()
else
	bad "mount -o loop of the test image failed"
fi
end

begin image_parallel_starts_attach_once
# Ten starts at once: each waits on the image's lock, then finds the device
# the first one attached (all of them overlap with the first's sleep).
bg_nsrun run "$(mkcfg t-imgp process '{"args": ["/bin/payload", "sleep", "2500"]}')"
starts_at_once t-imgp 10 300
n=$(most_loops 40)
wait_starts t-imgp "parallel starts"
wait_bg
[ "$n" = 1 ] || bad "$n loop devices bound to the image at once, want 1"
end

begin image_first_starts_at_once_attach_once
# No device bound yet and eight starts at once, three times.  The image's
# lock is held from outside while they start (payload lock), so all eight
# wait on it and look at the same moment: each finds nothing under the
# shared lock, takes it alone and looks again; only the first attaches, the
# others find its device.
for round in 1 2 3; do
	[ -z "$(loops_of "$IMG")" ] || { bad "round $round: a device is still bound to the image"; break; }
	hold_lock "$IMG" 700
	starts_at_once t-imgf 8 400
	wait "$HOLDER"
	n=$(most_loops 16)
	wait_starts t-imgf "round $round"
	[ "$n" = 1 ] || bad "round $round: $n loop devices bound to the image at once, want 1"
	for ((i = 0; i < 100; i++)); do [ -z "$(loops_of "$IMG")" ] && break; sleep 0.02; done
done
end

# An image that is no squashfs Linux can mount is refused before any loop
# device: one line that says what it is instead, and nothing attached.
begin image_not_squashfs
echo "not an image" >"$T/text.img"
{ head -c 1080 /dev/zero; printf '\x53\xef'; head -c 4096 /dev/zero; } >"$T/ext.img"
head -c 100000 "$IMG" >"$T/short.sqfs"
for c in "text.img:not a squashfs image \(it looks like text\)" \
	"ext.img:not a squashfs image \(it looks like an ext2/3/4 file system\)" \
	"short.sqfs:truncated: its superblock says [0-9]+ bytes, the file has 100000"; do
	f=$T/${c%%:*}
	run_nsrun run "$(mkcfg rt-magic root "{\"image\": \"$f\", \"overlay\": \"8M\"}")" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: image $f: ${c#*:}\$"
done
end

begin image_is_a_directory
run_nsrun run "$(mkcfg rt-imgdir root "{\"image\": \"$ROOTDIR\", \"overlay\": \"8M\"}")" </dev/null
expect_rc 125
expect_one_error "^nsrun: image $ROOTDIR is a directory: a directory root is root\\.path"
end

# A compressor the kernel cannot read: the mount's EINVAL names it.  No
# kernel reads lzma (id 2): the test image with that id in its superblock.
begin image_compressor_unknown_to_the_kernel
cp "$IMG" "$T/lzma.sqfs"
printf '\x02' | dd of="$T/lzma.sqfs" bs=1 seek=20 conv=notrunc status=none
run_nsrun run "$(mkcfg rt-lzma root "{\"image\": \"$T/lzma.sqfs\", \"overlay\": \"8M\"}")" </dev/null
expect_rc 125
expect_one_error "^nsrun: mount squashfs $T/lzma.sqfs \\(/dev/loop[0-9]+\\): this kernel cannot read lzma-compressed squashfs \\(.*\\): Invalid argument\$"
end
