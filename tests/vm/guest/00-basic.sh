#!/bin/sh
# Real containers on the Debian kernel, from the guest's initramfs root:
# cgroup2 is usable; the root is rootfs, where pivot_root fails (EINVAL) and
# nsrun must move the new root over "/" and chroot; exit statuses; pid, uts,
# ipc, net namespaces; overlay writes vanish; read-only roots; a directory
# root that itself lives in the initramfs; a user namespace with a map; the
# README's examples; many starts in a row.  After each: no mount, loop
# device, state file or link left behind.
# The scripts given to the container's sh have $... for it to expand:
# shellcheck disable=SC2016
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

BB=/bin/busybox
# statfs f_type in hex (busybox's stat -f %T names neither)
CGROUP2_MAGIC=63677270
OVERLAYFS_MAGIC=794c7630
echo "vm: nsrun: $("$NSRUN" --version 2>&1 | head -n 1)"

# The unified hierarchy that /init mounted, with the controllers nsrun's
# cgroup section needs, enabled for the root's children.
begin cgroup2_unified
expect_eq "file system magic at /sys/fs/cgroup" "$(stat -f -c %t /sys/fs/cgroup)" "$CGROUP2_MAGIC"
ctl=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)
sub=$(cat /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null)
echo "vm: cgroup.controllers: $ctl; cgroup.subtree_control: $sub"
for c in memory pids cpu cpuset io; do
	case " $ctl " in *" $c "*) ;; *) bad "cgroup.controllers lacks $c: '$ctl'" ;; esac
	case " $sub " in *" $c "*) ;; *) bad "cgroup.subtree_control lacks $c: '$sub'" ;; esac
done
end

# The fact the next tests stand on: "/" is the initramfs (rootfs) and
# pivot_root refuses it, even in a new mount namespace with a real mount to
# pivot into.
begin guest_root_is_rootfs
rootfs=$(awk '$5 == "/" { for (i = 7; i <= NF; i++) if ($i == "-") break; print $(i + 1); exit }' \
	/proc/self/mountinfo)
expect_eq "file system type of /" "$rootfs" rootfs
mkdir -p /mnt/pivot
out=$(unshare -m sh -c 'mount -t tmpfs tmpfs /mnt/pivot && mkdir /mnt/pivot/old &&
	cd /mnt/pivot && pivot_root . old && echo pivoted' 2>&1)
expect_line "pivot_root on rootfs" "$out" 'Invalid argument'
end

begin exit_0
run_nsrun run "$(mkcfg t-exit0)"
expect_rc 0
end

begin exit_42
run_nsrun run "$(mkcfg t-exit42 "$(process /bin/payload exit 42)")"
expect_rc 42
end

begin exit_signal_9
run_nsrun run "$(mkcfg t-kill9 "$(process /bin/payload kill 9)")"
expect_rc 137
end

# pid, mount, uts, ipc and net namespaces: the app's parent is PID 1 (nsrun's
# init), its own hostname, only lo; each namespace link differs from the
# guest's, the others are the guest's; and the root is the image's overlay,
# with nothing of the initramfs in sight.
begin namespaces_pid_uts_ipc_net
script='echo mypid=$$; echo ppid=$PPID; echo host=$(hostname); echo links=$(ls /sys/class/net)
echo rootfs=$(stat -f -c %t /); echo repo=$(ls -d /repo 2>/dev/null); /bin/payload ns'
cfg=$(mkcfg t-ns '"hostname": "vm-box"' '"namespaces": ["pid", "mount", "uts", "ipc", "net"]' \
	"$(process $BB sh -c "$script")")
run_nsrun run "$cfg"
if expect_rc 0; then
	expect_eq "parent pid inside (nsrun's init)" "$(val ppid)" 1
	case $(val mypid) in [2-9]) ;; *) bad "pid inside: $(val mypid), want 2..9 (a new pid namespace)" ;; esac
	expect_eq "hostname inside" "$(val host)" vm-box
	expect_eq "links inside" "$(val links)" lo
	expect_eq "file system magic of / inside (overlayfs)" "$(val rootfs)" "$OVERLAYFS_MAGIC"
	expect_eq "the guest's /repo inside" "$(val repo)" ""
	for l in pid mnt uts ipc net cgroup user time; do
		inside=$(val $l)
		outside=$(readlink /proc/self/ns/$l)
		# A namespace this kernel lacks (armmp has no time namespace).
		[ -n "$outside" ] || [ -e /proc/self/ns/$l ] || continue
		case $l in
		pid | mnt | uts | ipc | net)
			[ "$inside" != "$outside" ] || bad "$l: the guest's namespace ($inside), want a new one" ;;
		*)
			[ "$inside" = "$outside" ] || bad "$l: a new namespace ($inside, guest $outside), not requested" ;;
		esac
	done
fi
expect_eq "the guest's hostname" "$(hostname)" vm
end

begin overlay_writes_vanish
cfg=$(mkcfg t-ovl "$(process /bin/payload write /etc/x)")
run_nsrun run "$cfg"
if expect_rc 0; then
	run_nsrun run "$cfg" -- $BB test -e /etc/x
	expect_rc 1		# busybox test: 1 = absent
fi
end

begin image_readonly_without_overlay
cfg=$(mkcfg t-imgro "\"root\": {\"image\": \"$IMG\", \"overlay\": false}" \
	"$(process /bin/payload write /etc/x)")
run_nsrun run "$cfg"
expect_rc 1 && expect_line stdout "$OUT" 'Read-only file system'
end

# A directory root on the initramfs itself: bind-mounted, then moved over "/".
begin dir_root_overlay
cfg=$(mkcfg t-dirovl "\"root\": {\"path\": \"$ROOTDIR\", \"overlay\": \"8M\"}" \
	"$(process /bin/payload write /etc/dirx)")
rm -f "$ROOTDIR/etc/dirx"
run_nsrun run "$cfg"
expect_rc 0
[ ! -e "$ROOTDIR/etc/dirx" ] || bad "the overlay write reached the guest's $ROOTDIR"
run_nsrun run "$cfg" -- $BB test -e /etc/dirx
expect_rc 1
end

begin dir_root_readonly
cfg=$(mkcfg t-dirro "\"root\": {\"path\": \"$ROOTDIR\", \"overlay\": false}" \
	"$(process /bin/payload write /etc/dirx)")
run_nsrun run "$cfg"
expect_rc 1 && expect_line stdout "$OUT" 'Read-only file system'
[ ! -e "$ROOTDIR/etc/dirx" ] || bad "a write reached the guest's $ROOTDIR"
run_nsrun run "$cfg" -- /bin/payload status
expect_rc 0 && expect_eq "parent of the app (nsrun's init)" "$(val ppid)" 1
end

# root in the container is uid 100000 outside: maps as written, ids 0 inside.
begin user_namespace_map
script='for f in uid_map gid_map; do read -r a b c <"/proc/self/$f"; echo "$f=$a $b $c"; done
echo ids=$(id -u):$(id -g); echo user=$(readlink /proc/self/ns/user)'
cfg=$(mkcfg t-userns '"namespaces": ["pid", "mount", "uts", "ipc", "net", "user"]' \
	'"uid_map": [[0, 100000, 65536]]' '"gid_map": [[0, 200000, 65536]]' "$(process $BB sh -c "$script")")
run_nsrun run "$cfg"
if expect_rc 0; then
	expect_eq uid_map "$(val uid_map)" "0 100000 65536"
	expect_eq gid_map "$(val gid_map)" "0 200000 65536"
	expect_eq "uid:gid inside" "$(val ids)" 0:0
	[ "$(val user)" != "$(readlink /proc/self/ns/user)" ] || bad "user: the guest's namespace"
fi
end

# The README's examples, run from /repo as documented (relative paths).
begin readme_examples
cd "$ROOT" || bad "cd $ROOT"
run_nsrun run images/minimal.json
expect_rc 0 && expect_eq "minimal.json's output" "$OUT" "hello from a minimal container"
run_nsrun run images/demo.json
expect_rc 0 && expect_line "demo.json's output" "$OUT" '^I am pid [0-9]+, my parent is pid 1$'
run_nsrun run images/dirroot.json
expect_rc 0 && expect_eq "dirroot.json's output" "$OUT" "root is read-only"
cd / || bad "cd /"
end

# Loop devices, mounts and state files are reused, not piled up.
begin many_starts_leave_nothing
cfg=$(mkcfg t-many)
i=0
while [ $i -lt 20 ]; do
	run_nsrun run "$cfg"
	expect_rc 0 || break
	i=$((i + 1))
done
end
