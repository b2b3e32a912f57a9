# tests/oci/ctrd-lib.sh — a private containerd for tests/oci/containerd.sh and
# shellcheck shell=bash
# tests/bench/run (bash, sourced; root, inside a private mount namespace whose
# /sys/fs/cgroup is hidden: tests/oci/private.sh).
#
#   ctrd_start DIR            the daemon: DIR/config.toml, root DIR/root, state
#                             DIR/state, socket DIR/c.sock, log DIR/containerd.log;
#                             sets CTRD_PID and CTR (ctr's argv with --address)
#   ctrd_image DIR ROOTFS REF an OCI image-layout tarball of ROOTFS, imported as REF
#   ctrd_runtime DIR RUNTIME [ARGS...]   prints what to give ctr run --runc-binary
#   ctrd_stop DIR             every task and container killed and removed, the
#                             daemon and every shim of DIR/c.sock ended
#   ctrd_uncover              the /run cover of ctrd_start unmounted (when the
#                             namespace outlives the daemon: the benchmark)
#
# The daemon has no CRI plugin, no cgroup monitor (io.containerd.monitor.v1.cgroups:
# the task service then takes a no-op monitor) and only the overlayfs and
# native snapshotters; it writes nothing outside DIR but /run/containerd (the
# runc shim's sockets, fixed in 1.6, and ctr's default FIFO directory), so
# ctrd_start first covers /run with a tmpfs of the private namespace.

ctrd_start() {
	local d=$1 i
	mkdir -p "$d" || return 1
	[ "$(findmnt -n -o SOURCE --mountpoint /run)" = ctrd-run ] ||
		mount -t tmpfs -o size=16m,mode=0755 ctrd-run /run || return 1
	cat >"$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.monitor.v1.cgroups",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$d/c.sock"
[debug]
  level = "${CTRD_LOG_LEVEL:-info}"
TOML
	containerd --config "$d/config.toml" </dev/null >"$d/containerd.log" 2>&1 &
	CTRD_PID=$!
	CTR=("$(command -v ctr)" --address "$d/c.sock")      # a path: timeit execs it
	for ((i = 0; i < 100; i++)); do
		"${CTR[@]}" version >/dev/null 2>&1 && return 0
		kill -0 "$CTRD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "containerd did not come up: $(tail -n 3 "$d/containerd.log" | tr '\n' '|')" >&2
	return 1
}

ctrd_image() {
	local d=$1 rootfs=$2 ref=$3
	python3 "$(dirname "${BASH_SOURCE[0]}")/mkociimage.py" "$rootfs" "$d/image.tar" "$ref" &&
		"${CTR[@]}" images import "$d/image.tar" >"$d/import.log" 2>&1
}

ctrd_runtime() {
	local d=$1 rt
	shift
	rt=$(command -v "$1") && rt=$(realpath "$rt") || return 1     # the shim's cwd is not ours
	shift
	if [ $# = 0 ]; then
		echo "$rt"
		return 0
	fi
	# options the shim cannot pass (crun's --cgroup-manager=disabled): a wrapper
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$rt" "$*" >"$d/runtime-$(basename "$rt")" &&
		chmod 755 "$d/runtime-$(basename "$rt")" && echo "$d/runtime-$(basename "$rt")"
}

# ctrd_shims DIR: the pids of the shims serving DIR/c.sock (and containerd's own pid)
ctrd_shims() {
	local f c
	for f in /proc/[0-9]*/cmdline; do
		{ read -r -d '' c <"$f"; } 2>/dev/null || continue
		[ "${c##*/}" = containerd-shim-runc-v2 ] || continue
		tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "-address $1/c.sock " || continue
		f=${f#/proc/}
		echo "${f%/cmdline}"
	done
}

ctrd_stop() {
	local d=$1 id p i
	[ -n "${CTRD_PID:-}" ] || return 0
	for id in $("${CTR[@]}" tasks ls -q 2>/dev/null); do
		timeout 10 "${CTR[@]}" tasks kill -s KILL --all "$id" >/dev/null 2>&1
		timeout 10 "${CTR[@]}" tasks kill -s KILL "$id" >/dev/null 2>&1
		timeout 10 "${CTR[@]}" tasks rm -f "$id" >/dev/null 2>&1
	done
	for id in $("${CTR[@]}" containers ls -q 2>/dev/null); do
		timeout 10 "${CTR[@]}" containers rm "$id" >/dev/null 2>&1
	done
	kill -TERM "$CTRD_PID" 2>/dev/null
	for ((i = 0; i < 50; i++)); do kill -0 "$CTRD_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null
	# a shim left (a task that would not die): it and its container, by pid
	for p in $(ctrd_shims "$d"); do
		kill -KILL "$p" $(pgrep -P "$p") 2>/dev/null      # the shim reaps: its children are its tasks
	done
	# the snapshotters' and the shims' mounts under DIR
	for p in $(awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$p" 2>/dev/null
	done
	CTRD_PID=
}

ctrd_uncover() {
	[ "$(findmnt -n -o SOURCE --mountpoint /run)" != ctrd-run ] || umount /run
}
