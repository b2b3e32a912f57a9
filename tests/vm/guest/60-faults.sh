#!/bin/sh
# The rollback matrix (tests/faults.sh) on the guest's Debian kernel, whose
# unified cgroup hierarchy has the controllers: here the cgroup steps that
# need one (cg_enable, cg_limits) are reached too, which the hybrid build
# host cannot do.  Markers become `PASS vm: faults/NAME`.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export TMPDIR=/tmp

if [ ! -x /usr/bin/bash ] || [ ! -f "$ROOT/tests/faults.sh" ] || [ ! -x "$ROOT/build/nsrun-faults" ]; then
	fail faults "no bash, tests/faults.sh or build/nsrun-faults in the initramfs"
	exit 0
fi
# (211 s on 6.1 under TCG with the OCI bundle that joins namespaces by path;
# the script limit, vm_timeout, is 420)
run_suite faults faults 360 "$ROOT/tests/faults.sh"
exit 0
