#!/bin/sh
# nsrun's "net" section on the guest's kernel, with busybox only (so it runs
# on every arch the VM tier boots): nsrun creates the bridge
# (bridge_address), a veth pair with the peer born in the container, the
# addresses, the default route, /etc/hosts and /etc/resolv.conf; pings cross
# the bridge both ways over IPv4 and IPv6.  After the container exits the
# veth pair and the bridge are gone (lib.sh's snapshot lists every link).
# The scripts given to the container's sh have $... for it to expand:
# shellcheck disable=SC2016
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

BB=/bin/busybox
NET='"net": {"bridge": "br-vm", "bridge_address": ["10.77.0.1/24", "fd77::1/64"],
	"address": ["10.77.0.2/24", "fd77::2/64"], "gateway": "10.77.0.1",
	"dns": ["10.77.0.1"], "hosts": {"nas": "10.77.0.10"}}'

# ping4/6 ADDRESS: up to 5 tries (an IPv6 address on the bridge may still be
# tentative for a moment), one line NAME=ok or NAME=no.
PING='p() { i=0; while [ $i -lt 5 ]; do ping -c 1 -W 2 "$2" >/dev/null 2>&1 && { echo "$1=ok"; return; }; i=$((i + 1)); sleep 1; done; echo "$1=no"; }'

begin net_veth_bridge_ping
# The container pings the bridge, prints what it sees, says "ready" and
# stays up a few seconds for the guest's pings.
script="$PING"'
p ping4 10.77.0.1; p ping6 fd77::1
echo links=$(ls /sys/class/net | tr "\n" " ")
echo addr4=$(ip -o -4 addr show eth0 | awk "{ print \$4 }")
echo route=$(ip route | grep ^default)
echo dns=$(cat /etc/resolv.conf | grep nameserver)
echo nas=$(grep -w nas /etc/hosts | awk "{ print \$1 }")
echo ready
sleep 6'
# ping needs CAP_NET_RAW, which is not in the default set: the set and it.
proc=$(process $BB sh -c "$script")
proc="${proc%\}}, \"capabilities\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\", \"CAP_FOWNER\", \"CAP_FSETID\",
	\"CAP_KILL\", \"CAP_SETGID\", \"CAP_SETUID\", \"CAP_SETPCAP\", \"CAP_NET_BIND_SERVICE\", \"CAP_SETFCAP\",
	\"CAP_NET_RAW\"]}"
"$NSRUN" run "$(mkcfg t-net '"namespaces": ["pid", "mount", "uts", "ipc", "net"]' \
	"$proc" "$NET")" >"$T/out" 2>"$T/err" </dev/null &
BG=$!
i=0
while ! grep -q '^ready$' "$T/out" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# From the guest's side of the bridge into the container.
guest4=no guest6=no
ping -c 1 -W 3 10.77.0.2 >/dev/null 2>&1 && guest4=ok
ping -c 1 -W 3 fd77::2 >/dev/null 2>&1 && guest6=ok
bridge=$(ip -o link show br-vm 2>&1)
wait "$BG"
RC=$?
OUT=$(cat "$T/out")
if expect_rc 0; then
	expect_eq "ping from the container to the bridge (IPv4)" "$(val ping4)" ok
	expect_eq "ping from the container to the bridge (IPv6)" "$(val ping6)" ok
	expect_eq "ping from the guest to the container (IPv4)" "$guest4" ok
	expect_eq "ping from the guest to the container (IPv6)" "$guest6" ok
	expect_eq "links inside" "$(val links)" "eth0 lo"
	expect_eq "eth0's IPv4 address" "$(val addr4)" 10.77.0.2/24
	expect_line "default route" "$(val route)" '^default via 10\.77\.0\.1 dev eth0'
	expect_eq "/etc/resolv.conf" "$(val dns)" "nameserver 10.77.0.1"
	expect_eq "/etc/hosts' nas" "$(val nas)" 10.77.0.10
	expect_line "the bridge while the container ran" "$bridge" 'br-vm: .*UP'
fi
end
exit 0
