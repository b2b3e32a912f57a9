#!/bin/bash
# Networking (the "net" section, issue 5): two containers on a bridge nsrun
# makes ping each other and the bridge over IPv4 and IPv6; a server in one is
# reached from the other by name through the generated /etc/hosts; the DNS
# files are read-only; MTU and MAC are what was asked; nothing is left after
# exit (no veth, no bridge nsrun made, no address); a bridge that existed
# before is kept as it was; a missing bridge and a taken host interface are
# start errors, bad values config errors; 50 starts in a row leave no link and
# are timed (a "note:" line); a --without-net build refuses a net section.
#
# The machine's own interfaces are never touched: every test makes a network
# namespace of its own (held by a sleep), runs nsrun in it through nsenter
# and inspects it with iproute2's ip, never with nsrun's code.  The namespace
# must end with only lo and lo's addresses; begin/end check the host as in
# every integration test (its links included).
. "$(dirname "$0")/../lib.sh"
require_root

NSRUN_ALL=$NSRUN                        # the build under test, with every feature
NONET=$BUILD/nsrun-nonet                # ./build.sh --without-net
HOST_NET=$(readlink /proc/self/ns/net)
# iproute2's ip by its path: busybox's nsenter (the VM tier's) would run its
# own ip applet for a bare "ip".
IP=$(type -P ip) || { fail net "iproute2's ip is not in PATH"; exit 1; }

# ---- the test's own network namespace -----------------------------------------

NS_PID=                                 # the sleep that holds it
NS_ID=                                  # its /proc/PID/ns/net link: net:[INODE]

# netns_up [BINARY]: a fresh network namespace with lo up; NSRUN becomes a
# wrapper that runs BINARY (default the full build) inside it.  Returns 1 (and
# records a failure) when the namespace cannot be made: nothing may then run.
netns_up() {
	local bin=${1:-$NSRUN_ALL} i id
	unshare --net -- sleep 300 </dev/null &
	NS_PID=$!
	# until unshare has made the namespace and exec'd sleep
	for ((i = 0; i < 200; i++)); do
		id=$(readlink "/proc/$NS_PID/ns/net" 2>/dev/null)
		[ "$(cat "/proc/$NS_PID/comm" 2>/dev/null)" = sleep ] && [ -n "$id" ] && [ "$id" != "$HOST_NET" ] && break
		sleep 0.01
	done
	if [ "$(cat "/proc/$NS_PID/comm" 2>/dev/null)" != sleep ] || [ -z "$id" ] || [ "$id" = "$HOST_NET" ]; then
		bad "could not make a network namespace (unshare --net)"
		netns_kill
		return 1
	fi
	NS_ID=$id
	cat >"$T/nsrun-in-netns" <<-EOF
		#!/bin/sh
		# $bin in the test's network namespace $NS_ID, never in the machine's
		[ "\$(readlink /proc/$NS_PID/ns/net 2>/dev/null)" = "$NS_ID" ] ||
		        { echo "net.sh: the test's network namespace is gone" >&2; exit 99; }
		exec nsenter -n/proc/$NS_PID/ns/net -- "$bin" "\$@"
	EOF
	# (-nFILE: util-linux's nsenter and busybox's, the VM tier's, both take it)
	chmod +x "$T/nsrun-in-netns"
	NSRUN=$T/nsrun-in-netns
	nip link set lo up || { bad "ip link set lo up failed in the test's namespace"; netns_kill; return 1; }
}

# nip ARG...: the test's own `ip` in the test's namespace (nothing if it is gone).
nip() {
	if [ -z "$NS_PID" ] || [ "$(readlink "/proc/$NS_PID/ns/net" 2>/dev/null)" != "$NS_ID" ]; then
		echo "net.sh: the test's network namespace is gone" >&2
		return 99
	fi
	nsenter -n"/proc/$NS_PID/ns/net" -- "$IP" "$@"
}

# The names of the namespace's links, one a line, sorted ("@peer" cut).
ns_links() {
	nip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# link_lines [ARG...]: `ip -o link show ARG...` without carrier and
# operstate: the kernel changes those through linkwatch, asynchronously (a
# bridge's carrier drops once a port has come and gone, a bridge that never
# had a port says UNKNOWN instead of DOWN); that is not nsrun's doing.
link_lines() {
	nip -o link show "$@" |
		sed -E 's/(NO-CARRIER|LOWER_UP|M-DOWN),?//g; s/,>/>/; s/ state [A-Z]+//'
}

# links_settle WANT: ns_links once it is WANT, or as it is after 3 s.  After
# a run with a pid namespace nsrun leaves its pair to the kernel, which
# deletes it with the container's network namespace in the background, a few
# milliseconds after nsrun has exited (nsrun.c, section net).
links_settle() {
	local i now
	for ((i = 0; i < 60; i++)); do
		now=$(ns_links)
		[ "$now" = "$1" ] && break
		sleep 0.05
	done
	printf '%s\n' "$now"
}

# The namespace's addresses as "DEV ADDRESS/PREFIX", sorted.
ns_addrs() {
	nip -o addr show | awk '{ print $2, $4 }' | sort
}

# netns_down: the namespace must hold only lo and lo's addresses; then it goes.
netns_down() {
	local links addrs
	if [ -n "$NS_PID" ]; then
		links=$(links_settle lo | grep -vx lo | tr '\n' ' ')
		[ -z "$links" ] || bad "links left in the test's network namespace: $links"
		addrs=$(ns_addrs | grep -v '^lo ' | tr '\n' ' ')
		[ -z "$addrs" ] || bad "addresses left in the test's network namespace: $addrs"
	fi
	netns_kill
}

netns_kill() {
	if [ -n "$NS_PID" ]; then
		kill -KILL "$NS_PID" 2>/dev/null
		wait "$NS_PID" 2>/dev/null
	fi
	NS_PID=
	NS_ID=
	NSRUN=$NSRUN_ALL
}
trap 'netns_kill; lib_cleanup' EXIT

# mknet NAME HOSTNAME SCRIPT NET_JSON: a config running `busybox sh -c SCRIPT`
# with the net section NET_JSON (SCRIPT is JSON-escaped here: backslashes,
# quotes, newlines, tabs).
mknet() {
	local script=${3//\\/\\\\}
	script=${script//\"/\\\"}
	script=${script//$'\n'/\\n}
	script=${script//$'\t'/\\t}
	mkcfg "$1" hostname "\"$2\"" process "{\"args\": [\"/bin/busybox\", \"sh\", \"-c\", \"$script\"]${5:+, $5}}" net "$4"
}

# The default capabilities and CAP_NET_RAW, which ping needs (mknet's fifth argument).
PING_CAPS='"capabilities": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_NET_RAW"]'


# stop_bg: SIGTERM to the background nsrun (forwarded to the app, which dies
# of it), wait for it: 143.
stop_bg() {
	kill -TERM "$BG_PID" 2>/dev/null
	wait_bg
	expect_rc 143
}

# The lines of OUT between "--- NAME" and the next "---".
section() {
	awk -v s="--- $1" '$0 == s { on = 1; next } /^---/ { on = 0 } on' <<<"$OUT"
}

# ---- two containers on one bridge --------------------------------------------

# Both on br-t1, which nsrun creates (alias "nsrun") with 10.61.0.1/24 and
# fd61::1/64; the first one keeps running while the second pings it and the
# bridge over both families.  The bridge stays while one of them is on it and
# goes with the last.
begin net_two_containers_ping_v4_v6
if netns_up; then
	srv=$(mkcfg t-net-srv hostname '"srv"' process '{"args": ["/bin/payload", "sleep", "30000"]}' \
		net '{"bridge": "br-t1", "bridge_address": ["10.61.0.1/24", "fd61::1/64"],
		      "address": ["10.61.0.2/24", "fd61::2/64"], "gateway": "10.61.0.1", "gateway6": "fd61::1"}')
	cli=$(mknet t-net-cli cli '
		for a in 10.61.0.2:peer4 fd61::2:peer6 10.61.0.1:bridge4 fd61::1:bridge6; do
			if ping -c 1 -W 3 "${a%:*}" >/dev/null 2>&1; then echo "${a##*:}=ok"; else echo "${a##*:}=no"; fi
		done' \
		'{"bridge": "br-t1", "bridge_address": ["10.61.0.1/24", "fd61::1/64"],
		  "address": ["10.61.0.3/24", "fd61::3/64"], "gateway": "10.61.0.1", "gateway6": "fd61::1"}' "$PING_CAPS")
	bg_nsrun run "$srv"
	if wait_app; then
		expect_line "bridge br-t1 (ip -d link)" "$(nip -d link show dev br-t1 2>&1)" '^ +alias nsrun$'
		expect_line "bridge br-t1 (ip link)" "$(nip -o link show dev br-t1 2>&1)" '<[^>]*\bUP\b[^>]*>'
		# its own MAC, set at creation: not its port's, and it stays when a port leaves
		br_mac=$(nip -o link show dev br-t1 | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p')
		[ -n "$br_mac" ] && [ "$br_mac" != "$(nip -o link show dev ve-t-net-srv | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p')" ] ||
			bad "br-t1's MAC '$br_mac' is its port's (or none)"
		expect_eq "br-t1's addresses" "$(ns_addrs | grep '^br-t1 ' | grep -v ' fe80:')" \
			"br-t1 10.61.0.1/24
br-t1 fd61::1/64"
		expect_eq "br-t1's ports" "$(nip -o link show master br-t1 | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')" \
			ve-t-net-srv
		expect_line "ve-t-net-srv" "$(nip -o link show dev ve-t-net-srv 2>&1)" 'master br-t1 state UP'
		expect_line "ve-t-net-srv's queues" "$(nip -d link show dev ve-t-net-srv 2>&1)" \
			'numtxqueues 1 numrxqueues 1 '
		run_nsrun run "$cli" </dev/null
		expect_rc 0
		for k in peer4 peer6 bridge4 bridge6; do
			expect_eq "ping $k" "$(val $k)" ok
		done
		# the second one left: its veth is gone, the bridge stays for the first
		expect_eq "links while t-net-srv runs alone" "$(links_settle "br-t1
lo
ve-t-net-srv")" "br-t1
lo
ve-t-net-srv"
		expect_eq "br-t1's MAC after a port left" \
			"$(nip -o link show dev br-t1 | sed -n 's/.* link\/ether \([0-9a-f:]*\) .*/\1/p')" "$br_mac"
	fi
	stop_bg
	netns_down
fi
end

# ---- a server reached by name; the DNS files ----------------------------------

# busybox httpd in one container; the other finds it as "web" (IPv4) and
# "web6" (IPv6) only through the /etc/hosts that nsrun generates: there is no
# DNS server in the namespace.  Both generated files are read-only inside.
# (wget has no -T: busybox 1.35's wget dies of SIGSEGV with it.)
begin net_http_by_name_and_dns_files
if netns_up; then
	web=$(mknet t-net-web web \
		'mkdir -p /www && echo hello-from-web >/www/x && echo ready && exec httpd -f -p 8080 -h /www' \
		'{"bridge": "br-t2", "bridge_address": ["10.62.0.1/24", "fd62::1/64"],
		  "address": ["10.62.0.2/24", "fd62::2/64"], "gateway": "10.62.0.1", "gateway6": "fd62::1"}')
	get=$(mknet t-net-get get '
		get() {
			i=0
			while [ $i -lt 50 ]; do
				wget -q -O /tmp/got "http://$1:8080/x" 2>/dev/null && { echo "$2=$(cat /tmp/got)"; return; }
				sleep 0.1
				i=$((i + 1))
			done
			echo "$2=failed"
		}
		get web http4
		get web6 http6
		echo "--- resolv.conf"; cat /etc/resolv.conf
		echo "--- hosts"; cat /etc/hosts
		echo ---
		for f in /etc/hosts /etc/resolv.conf; do
			if (echo "# x" >>"$f") 2>/dev/null; then echo "$f=writable"; else echo "$f=read-only"; fi
		done' \
		'{"bridge": "br-t2", "bridge_address": ["10.62.0.1/24", "fd62::1/64"],
		  "address": ["10.62.0.3/24", "fd62::3/64"], "gateway": "10.62.0.1", "gateway6": "fd62::1",
		  "dns": ["10.62.0.1", "fd62::1"], "hosts": {"web": "10.62.0.2", "web6": "fd62::2"}}')
	bg_nsrun run "$web"
	if wait_for "$T/bg.out" '^ready$'; then
		run_nsrun run "$get" </dev/null
		expect_rc 0
		expect_eq "GET http://web:8080/x" "$(val http4)" hello-from-web
		expect_eq "GET http://web6:8080/x" "$(val http6)" hello-from-web
		expect_eq /etc/resolv.conf "$(section resolv.conf)" "nameserver 10.62.0.1
nameserver fd62::1"
		hosts=$(section hosts)
		expect_line /etc/hosts "$hosts" $'^127\\.0\\.0\\.1\tlocalhost$'
		expect_line /etc/hosts "$hosts" $'^10\\.62\\.0\\.3\tget$'
		expect_line /etc/hosts "$hosts" $'^fd62::3\tget$'
		expect_line /etc/hosts "$hosts" $'^10\\.62\\.0\\.2\tweb$'
		expect_line /etc/hosts "$hosts" $'^fd62::2\tweb6$'
		expect_eq "/etc/hosts inside" "$(val /etc/hosts)" read-only
		expect_eq "/etc/resolv.conf inside" "$(val /etc/resolv.conf)" read-only
	fi
	stop_bg
	netns_down
fi
end

# ---- MTU and MAC ---------------------------------------------------------------

begin net_mtu_and_mac
if netns_up; then
	cfg=$(mknet t-net-mtu mtu '
		echo "mtu=$(cat /sys/class/net/eth0/mtu)"
		echo "mac=$(cat /sys/class/net/eth0/address)"
		echo "ip=$(ip link show eth0 | tr "\n" " ")"
		echo ready
		exec sleep 30' \
		'{"bridge": "br-t3", "bridge_address": "10.63.0.1/24", "address": "10.63.0.2/24",
		  "mtu": 1280, "mac": "02:42:0a:3f:00:02"}')
	bg_nsrun run "$cfg"
	if wait_for "$T/bg.out" '^ready$'; then
		OUT=$(cat "$T/bg.out")
		expect_eq "eth0's mtu inside" "$(val mtu)" 1280
		expect_eq "eth0's MAC inside" "$(val mac)" 02:42:0a:3f:00:02
		expect_line "ip link show eth0 inside" "$(val ip)" 'mtu 1280 .*link/ether 02:42:0a:3f:00:02 '
		host_end=$(nip -o link show dev ve-t-net-mtu 2>&1)
		expect_line "the host end" "$host_end" ' mtu 1280 .* master br-t3 state UP '
		expect_line "the host end" "$host_end" 'link-netnsid'
	fi
	stop_bg
	netns_down
fi
end

# ---- a bridge that existed before ----------------------------------------------

# The test makes br-keep (its own MAC and no IPv6 link-local generation, so
# that the kernel itself changes nothing when a port comes and goes) with two
# addresses.  nsrun may only add its veth to it and take it away: the bridge,
# its addresses and the absence of an alias are as before, bridge_address
# (given here) is not applied to a bridge that exists.
begin net_existing_bridge_is_kept
# br-keep as nsrun could have changed it: name, flags, mtu, address.
keep_link() {
	link_lines dev br-keep
}
if netns_up; then
	nip link add br-keep address 02:00:00:00:00:01 type bridge &&
		nip link set dev br-keep addrgenmode none &&
		nip addr add 10.64.0.1/24 dev br-keep &&
		nip addr add fd64::1/64 dev br-keep nodad &&
		nip link set dev br-keep up || bad "could not make the test's bridge br-keep"
	link_before=$(keep_link)
	addr_before=$(ns_addrs)
	cfg=$(mknet t-net-keep keep '
		ping -c 1 -W 3 10.64.0.1 >/dev/null 2>&1 && echo bridge4=ok
		ping -c 1 -W 3 fd64::1 >/dev/null 2>&1 && echo bridge6=ok
		echo ready
		exec sleep 30' \
		'{"bridge": "br-keep", "bridge_address": ["10.64.0.254/24"], "address": ["10.64.0.2/24", "fd64::2/64"]}' \
		"$PING_CAPS")
	bg_nsrun run "$cfg"
	if wait_for "$T/bg.out" '^ready$'; then
		OUT=$(cat "$T/bg.out")
		expect_eq "ping br-keep's IPv4 address" "$(val bridge4)" ok
		expect_eq "ping br-keep's IPv6 address" "$(val bridge6)" ok
		expect_eq "br-keep's ports while it runs" \
			"$(nip -o link show master br-keep | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')" ve-t-net-keep
		expect_eq "the namespace's addresses while it runs (host side)" \
			"$(ns_addrs | grep -v '^ve-t-net-keep fe80:')" "$addr_before"
		expect_no_line "br-keep's alias" "$(nip -d link show dev br-keep)" '^ +alias '
	fi
	stop_bg
	expect_eq "links after" "$(links_settle "br-keep
lo")" "br-keep
lo"
	expect_eq "br-keep after" "$(keep_link 2>&1)" "$link_before"
	expect_eq "the namespace's addresses after" "$(ns_addrs)" "$addr_before"
	expect_eq "br-keep's ports after" "$(nip -o link show master br-keep)" ""
	nip link del br-keep
	netns_down
fi
end

# ---- the pair after the run ------------------------------------------------------

# pin_netns: the test's own `sleep`, entered into the network namespace of
# the app (wait_app's APP_PIDS), holds that namespace after the container.
pin_netns() {
	local p i want
	for p in $APP_PIDS; do
		grep -qa payload "/proc/$p/cmdline" 2>/dev/null || continue
		want=$(readlink "/proc/$p/ns/net")
		nsenter -t "$p" -n -- sleep 300 </dev/null &
		PIN=$!
		BG_PIDS+=("$PIN")
		for ((i = 0; i < 200; i++)); do         # until it is in there
			[ "$(cat "/proc/$PIN/comm" 2>/dev/null)" = sleep ] &&
				[ "$(readlink "/proc/$PIN/ns/net")" = "$want" ] && return 0
			sleep 0.01
		done
		bad "could not pin the network namespace of pid $p"
		return 1
	done
	bad "no app to pin the network namespace of"
	return 1
}

unpin() {
	kill -KILL "$PIN" 2>/dev/null
	wait "$PIN" 2>/dev/null
	forget_bg "$PIN"
}

# A pair left to the kernel stays while something outside the container
# still holds its network namespace (the test's pin here).  On nsrun's own
# bridge the last container's exit still removes the bridge (that port is
# marked "nsrun left" first); on the test's bridge it stays a port, marked
# "nsrun:NAME".  The next start of the same container puts it out of the
# way (down, renamed nsrun-leftN, marked "nsrun left") and runs; another
# container naming the same host_if is refused and changes nothing.  The
# pin gone, the kernel deletes what was left.
begin net_left_pair_replaced_by_its_container
if netns_up; then
	nip link add br-tq type bridge && nip link set dev br-tq up || bad "could not make the test's bridge br-tq"
	own=$(mkcfg t-net-pin process '{"args": ["/bin/payload", "sleep", "30000"]}' \
		net '{"bridge": "br-tp", "bridge_address": "10.71.0.1/24", "address": "10.71.0.2/24"}')
	vend=$(mkcfg t-net-pin2 process '{"args": ["/bin/payload", "sleep", "30000"]}' \
		net '{"bridge": "br-tq", "host_if": "ve-pin", "address": "10.72.0.2/24"}')
	other=$(mkcfg t-net-other net '{"bridge": "br-tq", "host_if": "ve-pin", "address": "10.72.0.3/24"}')

	bg_nsrun run "$own"
	if wait_app && pin_netns; then
		stop_bg
		expect_eq "links after t-net-pin (pinned)" "$(links_settle "br-tq
lo
ve-t-net-pin")" "br-tq
lo
ve-t-net-pin"
		expect_line "ve-t-net-pin's alias" "$(nip -d link show dev ve-t-net-pin 2>&1)" '^ +alias nsrun left$'
		run_nsrun run "$own" -- /bin/payload exit 0 </dev/null
		expect_rc 0
		expect_eq stderr "$ERR" ""
		expect_eq "links after t-net-pin again" "$(links_settle "br-tq
lo
nsrun-left0")" "br-tq
lo
nsrun-left0"
		expect_line "nsrun-left0" "$(nip -d -o link show dev nsrun-left0 2>&1)" '<BROADCAST,MULTICAST> .* state DOWN .* alias nsrun left'
		unpin
		expect_eq "links after the pin" "$(links_settle "br-tq
lo")" "br-tq
lo"
	fi

	bg_nsrun run "$vend"
	if wait_app && pin_netns; then
		stop_bg
		expect_eq "br-tq's ports after t-net-pin2 (pinned)" \
			"$(nip -o link show master br-tq | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')" ve-pin
		expect_line "ve-pin's alias" "$(nip -d link show dev ve-pin 2>&1)" '^ +alias nsrun:t-net-pin2$'
		links=$(link_lines)
		run_nsrun run "$other" </dev/null
		expect_rc 125
		expect_one_error '^nsrun: create veth ve-pin: File exists$'
		expect_eq "links after t-net-other" "$(link_lines)" "$links"
		run_nsrun run "$vend" -- /bin/payload exit 0 </dev/null
		expect_rc 0
		expect_eq stderr "$ERR" ""
		expect_line "br-tq's ports after t-net-pin2 again" \
			"$(nip -o link show master br-tq | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }')" '^nsrun-left0$'
		unpin
		expect_eq "links after t-net-pin2 again" "$(links_settle "br-tq
lo")" "br-tq
lo"
	fi
	nip link del br-tq
	netns_down
fi
end

# The same container again the moment it exits, 20 times: whether the kernel
# has finished the last one's pair or not, each start succeeds.
begin net_respawn_at_once
if netns_up; then
	nip link add br-tr type bridge && nip link set dev br-tr up || bad "could not make the test's bridge br-tr"
	cfg=$(mkcfg t-net-again net '{"bridge": "br-tr", "address": "10.73.0.2/24"}')
	n=0
	for ((i = 0; i < 20; i++)); do
		run_nsrun run "$cfg" </dev/null
		[ "$RC" = 0 ] && [ -z "$ERR" ] || { bad "start $i: exit $RC: $ERR"; break; }
		n=$((n + 1))
	done
	expect_eq "starts that exited 0" "$n" 20
	expect_eq "links after" "$(links_settle "br-tr
lo")" "br-tr
lo"
	nip link del br-tr
	netns_down
fi
end

# With a user namespace nsrun builds the root in a mount namespace of its own,
# where the work tmpfs covers /run/nsrun as long as nsrun runs; the
# net lock (an flock on /run/nsrun) must still be the host's directory: the
# app does not run before another holder lets it go (uptimes compared: the
# app's, printed first thing, and the holder's at its release).  The
# container's /etc/hosts (made in the work tmpfs) is there, its address is
# on eth0, and the bridge nsrun made goes with it.
begin net_with_userns_takes_the_host_lock
if netns_up; then
	cfg=$(mkcfg t-net-user namespaces '["pid", "mount", "uts", "ipc", "net", "user"]' \
		uid_map '[[0, 100000, 65536]]' gid_map '[[0, 100000, 65536]]' \
		process '{"args": ["/bin/busybox", "sh", "-c", "cut -d\" \" -f1 /proc/uptime; grep -q \"^10.74.0.2\tt-net-user$\" /etc/hosts && ip -o addr show eth0 | grep -q \" 10.74.0.2/24 \""]}' \
		net '{"bridge": "br-tu", "bridge_address": "10.74.0.1/24", "address": "10.74.0.2/24"}')
	hold_lock "$RUNDIR" 1000
	run_nsrun run "$cfg" </dev/null
	wait "$HOLDER"
	expect_rc 0
	expect_eq stderr "$ERR" ""
	released=$(sed -n 's/^released=//p' "$T/holder")
	awk -v a="$OUT" -v r="$released" 'BEGIN { exit !(a != "" && r != "" && a + 0 >= r + 0) }' ||
		bad "the app ran at uptime ${OUT:-?}, before the lock on $RUNDIR was let go at ${released:-?}"
	expect_eq "links after" "$(links_settle lo)" "lo"
	netns_down
fi
end

# ---- start errors ----------------------------------------------------------------

begin net_missing_bridge
if netns_up; then
	cfg=$(mkcfg t-net-nobr net '{"bridge": "br-none", "address": "10.65.0.2/24"}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: bridge br-none does not exist\b'
	expect_eq stdout "$OUT" ""
	netns_down
fi
end

# The container's address, link and routes go to the kernel in one batch:
# a refusal of the last request (a gateway not on any of its networks) is
# the one named, with the kernel's own words, and the start is rolled back:
# the pair and the bridge nsrun made are gone (netns_down checks).
begin net_refused_route_is_named
if netns_up; then
	cfg=$(mkcfg t-net-gw net '{"bridge": "br-tg", "bridge_address": "10.68.0.1/24",
		"address": ["10.68.0.2/24", "fd68::2/64"], "gateway": "10.69.0.1"}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: add default route via 10\.69\.0\.1 dev eth0: Network (is )?unreachable( \(kernel: .+\))?$'
	expect_eq stdout "$OUT" ""
	# one in the middle: the second address, given twice
	cfg=$(mkcfg t-net-gw net '{"bridge": "br-tg", "bridge_address": "10.68.0.1/24",
		"address": ["fd68::2/64", "10.68.0.2/24", "10.68.0.2/24"], "gateway": "10.68.0.1"}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: add address 10\.68\.0\.2/24 to eth0: File exists( \(kernel: .+\))?$'
	netns_down
fi
end

# dup_case TEST NAME HOST_IF BRIDGE_JSON_MEMBERS [TEST_BRIDGE]: the test makes
# a veth pair HOST_IF/vh-other first (and TEST_BRIDGE when given); nsrun must
# stop at its own veth with one line and change nothing in the namespace: a
# bridge it made for this start is gone again, the test's are as they were.
dup_case() {
	local test=$1 name=$2 host_if=$3 members=$4 test_br=${5:-} links addrs cfg
	begin "$test"
	netns_up || { end; return; }
	nip link add "$host_if" type veth peer name vh-other || bad "could not make the test's veth $host_if"
	if [ -n "$test_br" ]; then
		nip link add "$test_br" type bridge && nip link set dev "$test_br" addrgenmode none &&
			nip addr add 10.66.0.1/24 dev "$test_br" && nip link set dev "$test_br" up ||
			bad "could not make the test's bridge $test_br"
	fi
	links=$(link_lines)
	addrs=$(ns_addrs)
	cfg=$(mkcfg "$name" net "{$members, \"address\": \"10.66.0.2/24\"}")
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: create veth $host_if: File exists\$"
	expect_eq "links (ip -o link)" "$(link_lines)" "$links"
	expect_eq "addresses" "$(ns_addrs)" "$addrs"
	nip link del "$host_if"
	[ -z "$test_br" ] || nip link del "$test_br"
	netns_down
	end
}
dup_case net_duplicate_host_if t-net-dup vh-dup \
	'"bridge": "br-t6", "bridge_address": ["10.66.0.1/24", "fd66::1/64"], "host_if": "vh-dup"'
dup_case net_duplicate_default_host_if t-net-dup2 ve-t-net-dup2 '"bridge": "br-test"' br-test

# ---- config errors -----------------------------------------------------------------

# net_cfg_error TEST FILE LINE COL FIELD: `check` exits 1, `run` 125, both
# with the same one line at FILE:LINE:COL; the namespace stays empty.
net_cfg_error() {
	local test=$1 file=$2 line=$3 col=$4 field=$5 want check_err
	begin "$test"
	netns_up || { end; return; }
	want="^nsrun: $file:$line:$col: $field: "
	run_nsrun check "$file" </dev/null
	expect_rc 1
	expect_one_error "$want"
	check_err=$ERR
	run_nsrun run "$file" </dev/null
	expect_rc 125
	expect_one_error "$want"
	expect_eq "run's message (vs check's)" "$ERR" "$check_err"
	netns_down
	end
}

f=$(mkcfg_raw net-bad-address.json <<EOF
{
  "name": "t-net-cfg1",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "net": {"bridge": "br-x", "bridge_address": "10.67.0.1/24",
          "address": ["10.67.0.2/24", "10.42.0.300/24"]}
}
EOF
)
net_cfg_error net_config_bad_address "$f" 6 "$(col_of "$f" 6 '"10.42.0.300/24"')" 'net\.address\[1\]'

f=$(mkcfg_raw net-bad-mac.json <<EOF
{
  "name": "t-net-cfg2",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "net": {
    "bridge": "br-x", "bridge_address": "10.67.0.1/24", "address": "10.67.0.2/24",
    "mac": "01:00:5e:00:00:01"
  }
}
EOF
)
net_cfg_error net_config_bad_mac "$f" 7 "$(col_of "$f" 7 '"01:00:5e:00:00:01"')" 'net\.mac'

f=$(mkcfg_raw net-long-ifname.json <<EOF
{
  "name": "t-net-cfg3",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "net": {
    "bridge": "br-x", "bridge_address": "10.67.0.1/24",
    "host_if": "ve-0123456789abc"
  }
}
EOF
)
net_cfg_error net_config_16_byte_ifname "$f" 7 "$(col_of "$f" 7 '"ve-0123456789abc"')" 'net\.host_if'

# ---- 50 starts in a row; the time per start ----------------------------------------

# Three configs, run in turn: no net (50 times), net on a bridge nsrun makes
# and removes every time (50), net on a bridge the test made (the first 20
# rounds: the VM tier's TCG guest is slow).  The app prints one line and
# exits: "start" is until that line arrives (nsrun's setup up to the app),
# "run" until nsrun exits (with its teardown).  After every run on nsrun's
# bridge the namespace holds no link but lo (and br-t8k).  All three pay the
# same for the wrapper (sh, nsenter) and bash's process substitution.

# timed_run CFG VAR: run once; appends "START RUN" (µs) to $T/VAR.times.
timed_run() {
	local cfg=$1 var=$2 t0 t1 t2 fd pid line rc
	t0=${EPOCHREALTIME/./}
	exec {fd}< <(exec "$NSRUN" run "$cfg" 2>>"$T/t8.err" </dev/null)
	pid=$!
	line=
	read -r -t 30 -u "$fd" line
	t1=${EPOCHREALTIME/./}
	cat <&"$fd" >/dev/null
	t2=${EPOCHREALTIME/./}
	exec {fd}<&-
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] && [ "$line" = up ] || { bad "$var run: exit $rc, first line '$line' (stderr: $(brief "$T/t8.err"))"; return 1; }
	echo "$((10#$t1 - 10#$t0)) $((10#$t2 - 10#$t0))" >>"$T/$var.times"
}

# mean and median of column N of FILE, in ms with one decimal
stats() {
	sort -n -k"$2" "$1" | awk -v k="$2" '{ v[NR] = $k; s += $k }
		END { printf "mean %.1f median %.1f ms", s / NR / 1000, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) / 1000 }'
}

begin net_50_starts_leave_no_link
if netns_up; then
	nonet=$(mkcfg t-net-t8a process '{"args": ["/bin/payload", "echo2", "up"]}')
	made=$(mkcfg t-net-t8b process '{"args": ["/bin/payload", "echo2", "up"]}' \
		net '{"bridge": "br-t8", "bridge_address": ["10.68.0.1/24", "fd68::1/64"],
		      "address": ["10.68.0.2/24", "fd68::2/64"], "gateway": "10.68.0.1", "gateway6": "fd68::1",
		      "dns": ["10.68.0.1"], "hosts": {"gw": "10.68.0.1"}}')
	kept=$(mkcfg t-net-t8c process '{"args": ["/bin/payload", "echo2", "up"]}' \
		net '{"bridge": "br-t8k", "address": ["10.69.0.2/24", "fd69::2/64"], "gateway": "10.69.0.1",
		      "gateway6": "fd69::1", "dns": ["10.69.0.1"], "hosts": {"gw": "10.69.0.1"}}')
	nip link add br-t8k type bridge && nip link set dev br-t8k up || bad "could not make the test's bridge br-t8k"
	: >"$T/nonet.times"
	: >"$T/made.times"
	: >"$T/kept.times"
	for ((n = 1; n <= 50; n++)); do
		timed_run "$nonet" nonet || break
		timed_run "$made" made || break
		left=$(links_settle "br-t8k
lo" | grep -vxE 'lo|br-t8k' | tr '\n' ' ')
		[ -z "$left" ] || { bad "after start $n on br-t8: links left: $left"; break; }
		((n > 20)) || timed_run "$kept" kept || break
	done
	expect_eq "starts with a net section on br-t8 (nsrun's bridge)" "$(grep -c '' "$T/made.times")" 50
	expect_eq "links after" "$(links_settle "br-t8k
lo")" "br-t8k
lo"
	expect_eq "br-t8k's ports after" "$(nip -o link show master br-t8k)" ""
	nip link del br-t8k
	if [ "$(grep -c '' "$T/kept.times")" = 20 ]; then
		echo "note: net: per start (until the app runs): no net $(stats "$T/nonet.times" 1) (50);" \
			"net, nsrun's bridge $(stats "$T/made.times" 1) (50); net, existing bridge $(stats "$T/kept.times" 1) (20)"
		echo "note: net: per run (start to exit, with teardown): no net $(stats "$T/nonet.times" 2) (50);" \
			"net, nsrun's bridge $(stats "$T/made.times" 2) (50); net, existing bridge $(stats "$T/kept.times" 2) (20)"
	fi
	netns_down
fi
end

# ---- SIGKILL ---------------------------------------------------------------------------

# nsrun killed: the kernel removes the pair with the container's namespace;
# the bridge nsrun made has no owner left and stays until the next container
# on it leaves (the same name again here, which also replaces the stale
# state file).
begin net_sigkill_pair_goes_with_namespace
if netns_up; then
	cfg=$(mkcfg t-net-kill process '{"args": ["/bin/payload", "sleep", "30000"]}' \
		net '{"bridge": "br-t9", "bridge_address": "10.70.0.1/24", "address": "10.70.0.2/24"}')
	bg_nsrun run "$cfg"
	if wait_app; then
		{
			kill -KILL "$BG_PID"
			wait_bg
		} 2>/dev/null                   # no "Killed" notice from bash
		expect_rc 137
		# The container's PID 1 is reparented to the host's init, which may
		# reap it late; the loop device clears itself asynchronously.
		d=$(assert_no_leftovers "$BEFORE" 3 'mount|loop|link|proc') || bad "after SIGKILL: $d"
		for ((i = 0; i < 100; i++)); do
			[ "$(ns_links | tr '\n' ' ')" = "br-t9 lo " ] && break
			sleep 0.05
		done
		expect_eq "links after SIGKILL" "$(ns_links)" "br-t9
lo"
		run_nsrun run "$cfg" -- /bin/payload exit 0 </dev/null
		expect_rc 0
		expect_eq stderr "$ERR" ""
	fi
	netns_down
fi
end

# ---- a build without the feature -------------------------------------------------------

begin net_without_net_build_refuses_net
f=$(mkcfg_raw net-nonet.json <<EOF
{
  "name": "t-net-nonet",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "net": {"bridge": "br-x", "bridge_address": "10.71.0.1/24", "address": "10.71.0.2/24"}
}
EOF
)
if [ ! -x "$NONET" ]; then
	bad "$NONET is missing (tests/run builds it: ./build.sh --without-net --out build/nsrun-nonet)"
elif netns_up "$NONET"; then
	want="^nsrun: $f:5:3: net: feature 'net' was compiled out of this nsrun \\(see nsrun --version\\)\$"
	run_nsrun --version </dev/null
	expect_rc 0 && expect_line "--version" "$OUT" '^nsrun [0-9.]+ .*-net\b'
	run_nsrun check "$f" </dev/null
	expect_rc 1
	expect_one_error "$want"
	run_nsrun run "$f" </dev/null
	expect_rc 125
	expect_one_error "$want"
	netns_down
fi
end
