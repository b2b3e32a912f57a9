#!/bin/sh
# The rollback matrix (tests/faults.sh) on the guest's Debian kernel, whose
# unified cgroup hierarchy has the controllers: here the cgroup steps that
# need one (cg_enable, cg_limits) are reached too, which the hybrid build
# host cannot do.  Markers become `PASS vm: faults/NAME`.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

LIMIT=150
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export TMPDIR=/tmp

if [ ! -x /usr/bin/bash ] || [ ! -f "$ROOT/tests/faults.sh" ] || [ ! -x "$ROOT/build/nsrun-faults" ]; then
	fail faults "no bash, tests/faults.sh or build/nsrun-faults in the initramfs"
	exit 0
fi
rm -f "$T/rc" "$T/failed"
{
	timeout -k 5 "$LIMIT" bash "$ROOT/tests/faults.sh" 2>&1
	echo $? >"$T/rc"
} | while IFS= read -r line; do
	case $line in
	"PASS faults: "*) echo "PASS vm: faults/${line#PASS faults: }" ;;
	"FAIL faults: "*) echo "FAIL vm: faults/${line#FAIL faults: }"; touch "$T/failed" ;;
	*) echo "$line" ;;
	esac
done
rc=$(cat "$T/rc")
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	fail faults "timed out after $LIMIT s"
elif [ "$rc" != 0 ] && [ ! -e "$T/failed" ]; then
	fail faults "exited $rc without a FAIL line"
fi
exit 0
