#!/bin/sh
# The integration suite (tests/integ/*.sh) on the guest's Debian kernel, from
# the initramfs root, with the host's bash, coreutils env/timeout, util-linux
# losetup, iproute2 ip and diffutils diff that tests/vm/run packed (busybox's
# differ in what the suite relies on).  Each `PASS integ: NAME` /
# `FAIL integ: NAME: WHY` line becomes `PASS vm: integ/NAME` /
# `FAIL vm: integ/NAME: WHY`; a script that times out, or exits non-zero
# without a FAIL line, gets `FAIL vm: integ/SCRIPT: WHY`.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

LIMIT=150                               # seconds, per tests/integ script (lifecycle.sh took 94 on a loaded 5.10)
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export TMPDIR=/tmp

if [ ! -x /usr/bin/bash ] || [ ! -f "$ROOT/tests/lib.sh" ]; then
	fail integ "no bash or no tests/lib.sh in the initramfs (tests/vm/run packs them for a native ARCH)"
	exit 0
fi
found=0
for s in "$ROOT"/tests/integ/*.sh; do
	[ -f "$s" ] || continue
	found=1
	name=$(basename "$s" .sh)
	echo "vm: integ/$name: start at uptime $(cut -d' ' -f1 /proc/uptime) s"
	run_suite integ "integ/$name" "$LIMIT" "$s"
done
[ "$found" = 1 ] || fail integ "no tests/integ/*.sh in the initramfs"
exit 0
