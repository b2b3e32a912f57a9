#!/bin/bash
# Outbound NAT and published ports (issue 16: net.masquerade, net.ports,
# net.ip_forward), written by nsrun as nf_tables rules over netlink.
#
# Two network namespaces the test makes, never the machine's own: "router"
# (held by a sleep) has the bridge nsrun creates, nsrun itself and a WAN link
# r0 (192.0.2.1/24, 2001:db8::1/64) to "client" (c0: 192.0.2.2, 2001:db8::2).
# The client fetches a page from the container's busybox httpd through the
# router's published tcp port and gets a UDP answer through a published udp
# port, over IPv4 and IPv6; the container reaches the client, which sees the
# router's address (masquerade); the router reaches the port itself (the
# output chain).  `nft list ruleset` (Debian's nftables, the test's own view)
# in the router must read byte-identical before a start and after its exit,
# its failed start, and a duplicate port.  The nf_tables-less kernel cannot
# be made here: tests/oldkernel.c's no_nftables makes socket(AF_NETLINK,
# ..., NETLINK_NETFILTER) fail as on a kernel without it, and the line is
# checked.
. "$(dirname "$0")/../lib.sh"
require_root

NSRUN_ALL=$NSRUN
NONAT=$BUILD/nsrun-nonat
HOST_NET=$(readlink /proc/self/ns/net)
IP=$(type -P ip) || { fail nat "iproute2's ip is not in PATH"; exit 1; }
NFT=$(type -P nft) || { fail nat "nftables' nft is not in PATH (tests/run installs it)"; exit 1; }

R_PID= C_PID= R_ID= C_ID=

# holder: a sleep in a fresh network namespace; prints "PID ID".
holder() {
	local pid id i
	unshare --net -- sleep 600 </dev/null >/dev/null &
	pid=$!
	for ((i = 0; i < 200; i++)); do
		id=$(readlink "/proc/$pid/ns/net" 2>/dev/null)
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sleep ] && [ -n "$id" ] && [ "$id" != "$HOST_NET" ] && break
		sleep 0.01
	done
	echo "$pid $id"
}

# in PID ID CMD...: CMD in that namespace, if it is still the test's.
in_ns() {
	local pid=$1 id=$2
	shift 2
	[ -n "$pid" ] && [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$id" ] ||
		{ echo "nat.sh: the test's network namespace is gone" >&2; return 99; }
	nsenter -n"/proc/$pid/ns/net" -- "$@"
}
r() { in_ns "$R_PID" "$R_ID" "$@"; }
c() { in_ns "$C_PID" "$C_ID" "$@"; }
ruleset() { r "$NFT" list ruleset 2>&1; }

topo_kill() {
	local p
	for p in $R_PID $C_PID; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	R_PID= C_PID=
	NSRUN=$NSRUN_ALL
}
trap 'topo_kill; lib_cleanup' EXIT

# topo_up [BINARY]: router and client, linked; NSRUN runs BINARY in the router.
topo_up() {
	local bin=${1:-$NSRUN_ALL}
	read -r R_PID R_ID < <(holder)
	read -r C_PID C_ID < <(holder)
	if [ -z "$R_ID" ] || [ "$R_ID" = "$HOST_NET" ] || [ -z "$C_ID" ] || [ "$C_ID" = "$HOST_NET" ]; then
		bad "could not make the network namespaces (unshare --net)"
		topo_kill
		return 1
	fi
	cat >"$T/nsrun-in-router" <<-EOF
		#!/bin/sh
		[ "\$(readlink /proc/$R_PID/ns/net 2>/dev/null)" = "$R_ID" ] || { echo "nat.sh: router gone" >&2; exit 99; }
		exec nsenter -n/proc/$R_PID/ns/net -- ${OLDKERNEL:-} "$bin" "\$@"
	EOF
	chmod +x "$T/nsrun-in-router"
	NSRUN=$T/nsrun-in-router
	r "$IP" link set lo up && c "$IP" link set lo up &&
		r "$IP" link add r0 type veth peer name c0 && r "$IP" link set c0 netns "$C_PID" &&
		r "$IP" addr add 192.0.2.1/24 dev r0 && r "$IP" addr add 2001:db8::1/64 dev r0 nodad &&
		c "$IP" addr add 192.0.2.2/24 dev c0 && c "$IP" addr add 2001:db8::2/64 dev c0 nodad &&
		r "$IP" link set r0 up && c "$IP" link set c0 up &&
		r sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 ||
		{ bad "could not link router and client"; topo_kill; return 1; }
	# (a new namespace may inherit the host's forwarding: the tests start from 0)
}

# The router's forwarding sysctls, "V4 V6".
fwd() { echo "$(r cat /proc/sys/net/ipv4/ip_forward) $(r cat /proc/sys/net/ipv6/conf/all/forwarding)"; }

# web NAME SUBNET PORTS [MORE]: a container on br-nat at 10.88.0.SUBNET
# (and fd88::SUBNET) serving "hello NAME" over http on 80 and udp on 53.
web() {
	mkcfg "$1" process "{\"args\": [\"/bin/busybox\", \"sh\", \"-c\",
		\"mkdir /www && echo hello $1 >/www/index.html && httpd -p 80 -h /www && exec /bin/payload udpecho 53\"]}" \
		net "{\"bridge\": \"br-nat\", \"bridge_address\": [\"10.88.0.1/24\", \"fd88::1/64\"],
		      \"address\": [\"10.88.0.$2/24\", \"fd88::$2/64\"], \"gateway\": \"10.88.0.1\", \"gateway6\": \"fd88::1\",
		      \"masquerade\": true, \"ports\": $3 ${4:+, $4}}"
}

# ---- traffic ----------------------------------------------------------------------

begin nat_tcp_udp_masquerade_output_v4_v6
if topo_up; then
	before=$(ruleset)
	expect_eq "the fresh router's ruleset" "$before" ""
	cfg=$(web t-nat-web 2 '[{"host": 8080, "container": 80},
		{"host": 5353, "container": 53, "proto": "udp"}]' '"ip_forward": true')
	bg_nsrun run "$cfg"
	if wait_app; then
		expect_eq "forwarding while it runs" "$(fwd)" "1 1"
		rules=$(ruleset)
		expect_line "ruleset" "$rules" '^table inet nsrun \{$'
		expect_line "ruleset" "$rules" 'tcp dport 8080 dnat ip to 10.88.0.2:80 comment "nsrun:t-nat-web tcp 8080"$'
		expect_line "ruleset" "$rules" 'udp dport 5353 dnat ip6 to \[fd88::2\]:53 comment "nsrun:t-nat-web udp 5353"$'
		expect_line "ruleset" "$rules" 'ip saddr 10.88.0.2 oifname != "br-nat" masquerade comment "nsrun:t-nat-web"$'
		expect_line "ruleset" "$rules" \
			'ip saddr 10.88.0.0-10.88.0.255 ip daddr 10.88.0.2 oifname "br-nat" masquerade comment "nsrun:t-nat-web"$'
		for a in 192.0.2.1 2001:db8::1; do
			expect_line "tcp to $a:8080 from the client" "$(c "$PAYLOAD" tcpget "$a" 8080 2>&1)" '^hello t-nat-web$'
			expect_eq "udp to $a:5353 from the client" "$(c "$PAYLOAD" udpsend "$a" 5353 x 2>&1)" \
				"pong peer=${a%1}2"
			expect_line "tcp to $a:8080 from the router itself" "$(r "$PAYLOAD" tcpget "$a" 8080 2>&1)" \
				'^hello t-nat-web$'
		done
		# an unpublished port is not redirected
		expect_no_line "tcp to 192.0.2.1:8081" "$(c "$PAYLOAD" tcpget 192.0.2.1 8081 2>&1)" '^hello'
		# masquerade: the client sees the router's address
		# (nsenter execs the payload: $! is its pid)
		nsenter -n"/proc/$C_PID/ns/net" -- "$PAYLOAD" udpecho 9000 >"$T/echo.out" 2>&1 &
		echo_pid=$!
		wait_for "$T/echo.out" '^ready$'
		for a in 192.0.2.2 2001:db8::2; do
			expect_eq "udp from the container to $a" \
				"$(timeout 10 "$NSRUN" exec t-nat-web -- /bin/payload udpsend "$a" 9000 y 2>&1)" \
				"pong peer=${a%2}1"
		done
		kill "$echo_pid"
		wait "$echo_pid" 2>/dev/null
	fi
	kill -TERM "$BG_PID" 2>/dev/null
	wait_bg
	expect_rc 143
	# (httpd outlives the app: nsrun says so; nothing about nat)
	expect_no_line "stderr" "$ERR" 'nf_tables|nat rules|forward'
	expect_eq "ruleset after the exit" "$(ruleset)" "$before"
	expect_eq "forwarding after the exit (switched back)" "$(fwd)" "0 0"
	topo_kill
fi
end

# ---- two containers, a duplicate port, a failed start -----------------------------

begin nat_two_containers_duplicate_port
if topo_up; then
	r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# The bridge made here, with an address of its own: a bridge nsrun
	# creates takes the lowest MAC of its ports, and when t-nat-b's port
	# leaves, a container that learned the gateway by that MAC (the
	# hairpin's answers below teach it) loses it until it asks again
	r "$IP" link add br-nat address 02:00:0a:58:00:01 type bridge && r "$IP" link set br-nat up &&
		r "$IP" addr add 10.88.0.1/24 dev br-nat && r "$IP" addr add fd88::1/64 dev br-nat nodad ||
		bad "could not make br-nat"
	r0=$(ruleset)
	a=$(web t-nat-a 2 '[{"host": 8081, "container": 80}]')
	b=$(web t-nat-b 3 '[{"host": 8082, "container": 80}, {"host": 8081, "container": 53, "proto": "udp"}]')
	bg_nsrun run "$a"
	a_pid=$BG_PID
	wait_app
	r1=$(ruleset)
	bg_nsrun run "$b"
	b_pid=$BG_PID
	wait_app
	expect_line "t-nat-a via 8081" "$(c "$PAYLOAD" tcpget 192.0.2.1 8081 2>&1)" '^hello t-nat-a$'
	expect_line "t-nat-b via 8082" "$(c "$PAYLOAD" tcpget 192.0.2.1 8082 2>&1)" '^hello t-nat-b$'
	# hairpin: one container reaches the other's published port through a
	# host address, masqueraded to the bridge's address (the answer comes
	# back through the host); the client's own address is kept (above:
	# "pong peer=192.0.2.2")
	for a in 192.0.2.1 2001:db8::1 10.88.0.1; do
		expect_line "hairpin: t-nat-b to t-nat-a via $a:8081" \
			"$(timeout 10 "$NSRUN" exec t-nat-b -- /bin/payload tcpget "$a" 8081 2>&1)" '^hello t-nat-a$'
	done
	expect_eq "hairpin: udp from t-nat-a to t-nat-b via 192.0.2.1:8081" \
		"$(timeout 10 "$NSRUN" exec t-nat-a -- /bin/payload udpsend 192.0.2.1 8081 z 2>&1)" "pong peer=10.88.0.1"
	expect_eq "hairpin: udp from t-nat-a to t-nat-b via [2001:db8::1]:8081" \
		"$(timeout 10 "$NSRUN" exec t-nat-a -- /bin/payload udpsend 2001:db8::1 8081 z 2>&1)" "pong peer=fd88::1"
	r2=$(ruleset)
	dup=$(web t-nat-dup 4 '[{"host": 9000, "container": 80, "proto": "udp"},
		{"host": 8081, "container": 80, "host_address": "192.0.2.1"}]')
	run_nsrun run "$dup" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: t-nat-dup: net\.ports\[1\]: tcp port 8081 is already published by t-nat-a$'
	expect_eq "ruleset after the refused start" "$(ruleset)" "$r2"
	BG_PID=$b_pid
	kill -TERM "$BG_PID"
	wait_bg
	expect_rc 143
	expect_eq "ruleset after t-nat-b's exit" "$(ruleset)" "$r1"
	expect_line "t-nat-a still via 8081" "$(c "$PAYLOAD" tcpget 192.0.2.1 8081 2>&1)" '^hello t-nat-a$'
	BG_PID=$a_pid
	kill -TERM "$BG_PID"
	wait_bg
	expect_rc 143
	expect_eq "ruleset after t-nat-a's exit" "$(ruleset)" "$r0"
	expect_eq "forwarding nsrun did not switch" "$(fwd)" "1 1"
	topo_kill
fi
end

# ---- a failed start, a SIGKILLed nsrun ------------------------------------------

begin nat_failed_start_and_sigkill
if topo_up; then
	r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	r0=$(ruleset)
	# a start that fails after its rules are in: a volume that does not exist
	cfg=$(mkcfg t-nat-fail mounts "[{\"type\": \"bind\", \"source\": \"$T/nonexistent\", \"target\": \"/data\"}]" \
		net '{"bridge": "br-nat", "bridge_address": "10.88.0.1/24", "address": "10.88.0.5/24",
		      "masquerade": true, "ports": [{"host": 8085, "container": 80}]}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_eq "ruleset after a failed start" "$(ruleset)" "$r0"
	# killed: its rules stay until the next start of the name, which replaces them
	k=$(web t-nat-kill 6 '[{"host": 8086, "container": 80}]')
	bg_nsrun run "$k"
	wait_app
	pids=$APP_PIDS
	kill -KILL "$BG_PID"
	wait_bg
	wait_gone 5 $pids               # else the next test's snapshot sees it go
	expect_line "ruleset after SIGKILL" "$(ruleset)" 'comment "nsrun:t-nat-kill tcp 8086"$'
	k2=$(web t-nat-kill 9 '[{"host": 8087, "container": 80}]')
	bg_nsrun run "$k2"
	wait_app
	rules=$(ruleset)
	expect_no_line "the stale rules after the next start" "$rules" '8086'
	expect_line "the new rules" "$rules" 'comment "nsrun:t-nat-kill tcp 8087"$'
	expect_line "t-nat-kill via 8087" "$(c "$PAYLOAD" tcpget 192.0.2.1 8087 2>&1)" '^hello t-nat-kill$'
	kill -TERM "$BG_PID"
	wait_bg
	expect_eq "ruleset after its exit" "$(ruleset)" "$r0"
	topo_kill
fi
end

# ---- ip_forward -------------------------------------------------------------------

begin nat_ip_forward_warning
if topo_up; then
	cfg=$(mkcfg t-nat-warn net '{"bridge": "br-nat", "bridge_address": "10.88.0.1/24",
		"address": ["10.88.0.7/24", "fd88::7/64"], "masquerade": true}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 0
	expect_eq "stderr with forwarding off" "$ERR" \
"nsrun: t-nat-warn: warning: net.ipv4.ip_forward is 0: masquerade and published ports will not forward
nsrun: t-nat-warn: warning: net.ipv6.conf.all.forwarding is 0: masquerade and published ports will not forward"
	expect_eq "forwarding (unchanged)" "$(fwd)" "0 0"
	r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	run_nsrun run "$cfg" </dev/null
	expect_rc 0
	expect_eq "stderr with forwarding on" "$ERR" ""
	expect_eq "ruleset" "$(ruleset)" ""
	topo_kill
fi
end

# ---- no nf_tables (forced), --without-nat -----------------------------------------

begin nat_kernel_without_nf_tables_forced
if OLDKERNEL="$BUILD/oldkernel no_nftables --" topo_up; then
	cfg=$(mkcfg t-nat-nok net '{"bridge": "br-nat", "bridge_address": "10.88.0.1/24",
		"address": "10.88.0.8/24", "masquerade": true}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: t-nat-nok: nat needs nf_tables \(CONFIG_NF_TABLES, CONFIG_NF_TABLES_INET, CONFIG_NFT_NAT, CONFIG_NFT_MASQ, CONFIG_NFT_FIB_INET\): Protocol not supported$'
	expect_eq "links left in the router" "$(r "$IP" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')" "lo r0 "
	topo_kill
fi
end

begin nat_compiled_out
printf '{\n  "name": "web",\n  "root": {"path": "/tmp"},\n  "process": {"args": ["/bin/true"]},\n  "net": {"bridge": "br0",\n    "masquerade": true}\n}\n' >"$T/web.json"
NSRUN=$NONAT run_nsrun check "$T/web.json"
expect_rc 1
expect_one_error "^nsrun: $T/web.json:6:5: net\\.masquerade: feature 'nat' was compiled out of this nsrun \\(see nsrun --version\\)$"
NSRUN=$NONAT run_nsrun --version
expect_line "--version" "$OUT" '(^| )-nat( |$)'
end
