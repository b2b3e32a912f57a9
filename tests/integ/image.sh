#!/bin/bash
# The image's loop device: a start reuses a device already bound to the same
# image (same inode, read-only, offset 0, no size limit), whether another
# container or the vendor's own `mount -o loop` bound it, so the kernel hands
# back the warm superblock; nsrun never detaches a device it did not attach;
# starts of one image at once attach it once.
. "$(dirname "$0")/../lib.sh"
require_root

# loops_of FILE: the loop devices bound to FILE, one per line.
loops_of() {
	losetup -j "$1" -O NAME --noheadings 2>/dev/null | sort
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
pids=()
for i in 0 1 2 3 4 5 6 7 8 9; do
	timeout 30 "$NSRUN" run "$(mkcfg "t-imgp$i" process '{"args": ["/bin/payload", "sleep", "300"]}')" \
		>"$T/p$i.out" 2>&1 </dev/null &
	pids+=($!)
done
n=0
for ((i = 0; i < 40; i++)); do
	c=$(loops_of "$IMG" | grep -c .)
	((c > n)) && n=$c
	sleep 0.05
done
for p in "${pids[@]}"; do
	wait "$p" || bad "a parallel start failed: $(cat "$T"/p*.out | head -c 300)"
done
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
	"$PAYLOAD" lock "$IMG" 700 >"$T/holder" &
	holder=$!
	for ((i = 0; i < 300; i++)); do grep -q '^locked$' "$T/holder" && break; sleep 0.01; done
	pids=()
	for i in 0 1 2 3 4 5 6 7; do
		timeout 30 "$NSRUN" run "$(mkcfg "t-imgf$i" process '{"args": ["/bin/payload", "sleep", "400"]}')" \
			>"$T/f$i.out" 2>&1 </dev/null &
		pids+=($!)
	done
	wait "$holder"
	n=0
	for ((i = 0; i < 16; i++)); do
		c=$(loops_of "$IMG" | grep -c .)
		((c > n)) && n=$c
		sleep 0.05
	done
	for p in "${pids[@]}"; do
		wait "$p" || bad "round $round: a start failed: $(cat "$T"/f*.out | head -c 300)"
	done
	[ "$n" = 1 ] || bad "round $round: $n loop devices bound to the image at once, want 1"
	for ((i = 0; i < 100; i++)); do [ -z "$(loops_of "$IMG")" ] && break; sleep 0.02; done
done
end
