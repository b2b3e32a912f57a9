#!/bin/bash
# The root filesystem and mounts: overlay writes go to RAM and vanish, a root
# without overlay is read-only, a directory rootfs, bind and tmpfs mounts,
# mount targets that are symlinks pointing out of the root, and nsrun run
# from a chroot whose "/" is no mount point.
. "$(dirname "$0")/../lib.sh"
require_root

BB=/bin/busybox

begin overlay_writes_vanish
cfg=$(mkcfg t-ovl process '{"args": ["/bin/payload", "write", "/etc/x"]}')
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	run_nsrun run "$cfg" -- $BB test -e /etc/x </dev/null
	expect_rc 1                     # busybox test: 1 = absent
fi
end

begin overlay_size_capped
cfg=$(mkcfg t-ovlcap root "{\"image\": \"$IMG\", \"overlay\": \"1M\"}" \
	process "{\"args\": [\"$BB\", \"dd\", \"if=/dev/zero\", \"of=/big\", \"bs=64k\", \"count=64\"]}")
run_nsrun run "$cfg" </dev/null
[ "$RC" != 0 ] && [ "$RC" != 125 ] || bad "4 MiB into a 1M overlay: exit $RC, want dd's failure"
expect_line stderr "$ERR" 'No space left'
end

# The overlay's upper directory is the container's "/": the image root's
# mode whatever nsrun's umask, owned by the container's root (0:0, or the
# ids its user namespace maps 0 to, seen as 0:0 inside).
begin overlay_root_mode_and_owner
want=$(stat -c '%a' "$ROOTDIR")
cfg=$(mkcfg t-ovlroot process "{\"args\": [\"$BB\", \"stat\", \"-c\", \"%a %u:%g\", \"/\"]}")
OUT=$(umask 077 && "$NSRUN" run "$cfg" 2>&1 </dev/null); RC=$?
expect_rc 0 && expect_eq "/ with umask 077" "$OUT" "$want 0:0"
cfg=$(mkcfg t-ovlroot2 namespaces '["pid", "mount", "user"]' \
	uid_map '[[0, 100000, 65536]]' gid_map '[[0, 200000, 65536]]' \
	process "{\"args\": [\"$BB\", \"stat\", \"-c\", \"%a %u:%g\", \"/\"]}")
OUT=$(umask 077 && "$NSRUN" run "$cfg" 2>&1 </dev/null); RC=$?
expect_rc 0 && expect_eq "/ in a user namespace" "$OUT" "$want 0:0"
end

begin readonly_root_refuses_writes
cfg=$(mkcfg t-roroot root "{\"image\": \"$IMG\", \"overlay\": false}" \
	process '{"args": ["/bin/payload", "write", "/etc/x"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 1 && expect_line stdout "$OUT" 'Read-only file system'
end

begin dir_root_overlay
cfg=$(mkcfg t-dirovl root "{\"path\": \"$ROOTDIR\", \"overlay\": \"8M\"}" \
	process '{"args": ["/bin/payload", "write", "/etc/dirx"]}')
rm -f "$ROOTDIR/etc/dirx"
run_nsrun run "$cfg" </dev/null
expect_rc 0
[ ! -e "$ROOTDIR/etc/dirx" ] || bad "the overlay write reached the host directory $ROOTDIR"
run_nsrun run "$cfg" -- $BB test -e /etc/dirx </dev/null
expect_rc 1
end

begin dir_root_readonly
cfg=$(mkcfg t-dirro root "{\"path\": \"$ROOTDIR\", \"overlay\": false}" \
	process '{"args": ["/bin/payload", "write", "/etc/dirx"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 1 && expect_line stdout "$OUT" 'Read-only file system'
[ ! -e "$ROOTDIR/etc/dirx" ] || bad "a write reached the host directory $ROOTDIR"
# the app still runs normally there
run_nsrun run "$cfg" -- /bin/payload status </dev/null
expect_rc 0
end

begin bind_mounts
mkdir -p "$T/bsrc" "$T/rwsrc"
echo hostdata >"$T/bsrc/hello"
cfg=$(mkcfg t-bind \
	process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"cat /data/hello; /bin/payload write /data/new; echo ro=\$?; /bin/payload write /mnt/rw/new; echo rw=\$?\"]}" \
	mounts "[
    {\"type\": \"bind\", \"source\": \"$T/bsrc\", \"target\": \"/data\", \"readonly\": true},
    {\"type\": \"bind\", \"source\": \"$T/rwsrc\", \"target\": \"/mnt/rw\"}
  ]")
run_nsrun run "$cfg" </dev/null
expect_rc 0
expect_line "host file through the bind" "$OUT" '^hostdata$'
expect_line "write to the readonly bind" "$OUT" '^write /data/new: Read-only file system$'
expect_line "write to the readonly bind" "$OUT" '^ro=1$'
expect_line "write to the rw bind" "$OUT" '^rw=0$'
[ ! -e "$T/bsrc/new" ] || bad "a write went through the readonly bind"
expect_eq "host file written through the rw bind" "$(cat "$T/rwsrc/new" 2>/dev/null)" x
touch "$T/bsrc/after" 2>/dev/null || bad "the readonly bind made the host's source read-only"
end

begin tmpfs_mounts
cfg=$(mkcfg t-tmpfs root "{\"image\": \"$IMG\", \"overlay\": false}" \
	process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"for d in /tmp /data /run; do echo \$d=\$(stat -c %a \$d) \$(stat -f -c '%T %b %S' \$d); done; /bin/payload write /tmp/f; echo w=\$?\"]}" \
	mounts '[
    {"type": "tmpfs", "target": "/tmp", "size": "4M", "mode": "1777"},
    {"type": "tmpfs", "target": "/data", "size": "1048576", "mode": "0700"},
    {"type": "tmpfs", "target": "/run"}
  ]')
run_nsrun run "$cfg" </dev/null
expect_rc 0
# size = blocks * block size
read -r m t b s <<<"$(val /tmp)"
expect_eq "/tmp mode" "$m" 1777
expect_eq "/tmp type" "$t" tmpfs
expect_eq "/tmp size" "$((b * s))" $((4 << 20))
read -r m t b s <<<"$(val /data)"
expect_eq "/data mode" "$m" 700
expect_eq "/data size" "$((b * s))" $((1 << 20))
read -r m t b s <<<"$(val /run)"
expect_eq "/run mode (the default)" "$m" 1777
expect_eq "/run type" "$t" tmpfs
expect_eq "write to a tmpfs on a read-only root" "$(val w)" 0
end

# Targets are resolved inside the root as if it were '/': a symlink in the
# image that points "out" (absolute, or with '..') stays inside, and nothing
# is created or mounted on the host.
begin symlink_targets_stay_inside
u=nsrun-esc-$$
root=$T/esc/root
mkdir -p "$T/esc" "$T/bsrc2"
echo marker-ok >"$T/bsrc2/marker"
cp -a "$ROOTDIR" "$root"
rm -rf "$root/data"
ln -s "/tmp/../../$u-a" "$root/data"            # absolute, climbing with ..
ln -s /etc/../.. "$root/up"                     # absolute, to the root
ln -s "../../../../../$u-c" "$root/rel"         # relative, far above
cfg=$(mkcfg t-symlink root "{\"path\": \"$root\", \"overlay\": \"8M\"}" \
	process "{\"args\": [\"$BB\", \"sh\", \"-c\", \"stat -f -c a=%T /$u-a; stat -f -c b=%T /$u-b; cat /$u-c/d/marker\"]}" \
	mounts "[
    {\"type\": \"tmpfs\", \"target\": \"/data\", \"size\": \"1M\"},
    {\"type\": \"tmpfs\", \"target\": \"/up/$u-b\", \"size\": \"1M\"},
    {\"type\": \"bind\", \"source\": \"$T/bsrc2\", \"target\": \"/rel/d\"}
  ]")
run_nsrun run "$cfg" </dev/null
outside=$(find / -xdev -maxdepth 5 -path "$root" -prune -o -name "$u-*" -print 2>/dev/null)
[ -z "$outside" ] || bad "created outside the root: $(echo $outside)"
rm -rf $outside
if expect_rc 0; then
	expect_line "/data -> /tmp/../../$u-a" "$OUT" '^a=tmpfs$'
	expect_line "/up -> /etc/../.." "$OUT" '^b=tmpfs$'
	expect_line "/rel -> ../../../../../$u-c" "$OUT" '^marker-ok$'
fi
end

# nsrun in a plain chroot whose "/" is no mount point (a build chroot, a
# rescue shell).  In its new mount namespace nsrun binds "/" onto itself and
# enters the bind, when the mount that holds "/" is not shared (statmount
# says, since 6.8): the app runs and its status comes back.  A shared one is
# refused with the way out, and no mount reaches the host.  The chroot: a
# directory on a tmpfs of the test's own, with nsrun, the image, /proc, /dev.
CH=$T/ch/root
mkdir -p "$T/ch"
if mount -t tmpfs rtch "$T/ch" && track_mount "$T/ch" && mount --make-private "$T/ch" &&
	mkdir -p "$CH/proc" "$CH/dev" "$CH/run" "$CH/tmp" && cp "$NSRUN" "$CH/nsrun" && cp "$IMG" "$CH/test.sqfs" &&
	mount -t proc proc "$CH/proc" && track_mount "$CH/proc" &&
	mount --bind /dev "$CH/dev" && track_mount "$CH/dev"; then
	chroot_ok=1
else
	chroot_ok=0
fi
IFS=.- read -r kmaj kmin _ <<<"$(uname -r)"

begin chroot_root_not_a_mount_point
[ "$chroot_ok" = 1 ] || bad "could not build the chroot in $T/ch"
cp "$(mkcfg rt-chroot root '{"image": "/test.sqfs", "overlay": "8M"}' \
	process '{"args": ["/bin/payload", "exit", "7"]}')" "$CH/rt-chroot.json"
NSRUN=chroot run_nsrun "$CH" /nsrun run /rt-chroot.json </dev/null
if ((kmaj > 6 || (kmaj == 6 && kmin >= 8))); then
	expect_rc 7 && expect_eq stderr "$ERR" ""
else
	expect_rc 125 && expect_one_error '^nsrun: / is not a mount point \(a chroot\?\), and without statmount'
fi
end

begin chroot_shared_root_refused
[ "$chroot_ok" = 1 ] || bad "could not build the chroot in $T/ch"
mount --make-shared "$T/ch"
cp "$(mkcfg rt-chroots root '{"image": "/test.sqfs", "overlay": "8M"}')" "$CH/rt-chroots.json"
NSRUN=chroot run_nsrun "$CH" /nsrun run /rt-chroots.json </dev/null
expect_rc 125
expect_one_error '^nsrun: / is not a mount point \(a chroot\?\).* would reach the host; make the chroot.s directory a mount point .*\(mount --bind DIR DIR; chroot DIR\)$'
end

for ((i = ${#OUR_MOUNTS[@]} - 1; i >= 0; i--)); do
	umount "${OUR_MOUNTS[i]}" || fail chroot_cleanup "umount ${OUR_MOUNTS[i]} failed"
done
OUR_MOUNTS=()
