#!/bin/bash
# tests/faults.sh — the rollback matrix.
#
# A `build.sh --with-faults` nsrun lists its setup steps with --fault-points
# and fails the one named by $NSRUN_FAULT.  For every step: exit 125, exactly
# one line on stderr, "nsrun: ... (fault injected at STEP)", and the host as
# it was (lib.sh's snapshot).  A step that no config reaches is a failure:
# every step must be reachable.
#
# Two configs between them reach every step: FULL (squashfs image + overlay,
# every namespace, user maps, time offsets, a sysctl, a bind and a tmpfs mount) and
# DIRRO (the same on a directory rootfs with a read-only root: the steps
# mount_rootdir and remount_ro).  A step is tried with FULL first; only when
# FULL runs to the end without reaching it is DIRRO tried.
#
# NET is FULL with a "net" section (a bridge nsrun creates, IPv4 and IPv6
# addresses, routes, DNS files, masquerade and two published ports, the
# forwarding sysctls switched on and back); it runs in a network namespace
# of the test's own (tests/netns-run), which fails the run if any link but
# lo, or any nf_tables rule, is left in it.  It is tried for the steps the
# other two do not reach.
#
# VERITY (root.verity) reaches the device-mapper steps where the kernel has
# dm-verity (the VM tier); VSIG, with a signature, the signature key's.
#
# FULL has a "cgroup" section.  Where the cgroup2 hierarchy has the memory
# and pids controllers (the VM tier), it sets limits and so reaches every
# cgroup step; on a hybrid host whose controllers are bound to cgroup v1 it
# is empty, and the steps that need a controller (cg_enable, cg_limits) are
# left to the VM tier, which runs this same script.
#
# The script runs as a child subreaper (as tests/oci/conformance.sh does):
# an OCI create leaves the container's process to its caller, and bash
# reaps what it adopts, so a deleted container leaves no zombie behind.
if [ -z "${FAULTS_SUBREAPER:-}" ] && command -v python3 >/dev/null; then
	exec env FAULTS_SUBREAPER=1 python3 -c '
import ctypes, os, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
os.execv("/bin/bash", ["bash"] + sys.argv[1:])' "$0" "$@"
fi
TIER=faults
. "$(dirname "$0")/lib.sh"

FAULTY=$BUILD/nsrun-faults
NSRUN=$FAULTY
if [ "$(id -u)" != 0 ]; then
	fail rollback "needs root (run tests/run as root)"
	exit 1
fi
for f in "$FAULTY" "$IMG" "$ROOTDIR"; do
	[ -e "$f" ] || { fail rollback "$f is missing (tests/run builds it)"; exit 1; }
done

steps=$("$FAULTY" --fault-points 2>"$T/err")
if [ $? != 0 ] || [ -z "$steps" ]; then
	fail fault_points "nsrun --fault-points gave nothing: $(brief "$T/err")"
	exit 1
fi

# The binary lists exactly the steps of nsrun.h's NSRUN_STEPS, in order (as
# the C preprocessor expands the table: tests/run writes build/nsrun-steps.txt).
begin fault_points_match_nsrun_h
want=$(cat "$BUILD/nsrun-steps.txt" 2>/dev/null)
[ -n "$want" ] || bad "$BUILD/nsrun-steps.txt is missing (tests/run makes it)"
expect_eq "nsrun --fault-points" "$(echo $steps)" "$(echo $want)"
end

cg_ctrl=$(cat "$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)/cgroup.controllers" 2>/dev/null)
if [[ " $cg_ctrl " == *" memory "* && " $cg_ctrl " == *" pids "* ]]; then
	cgroup='{"memory_max": "64M", "pids_max": 64}'
	vm_only=
else
	cgroup='{}'
	vm_only="cg_enable cg_limits"
fi

mkdir -p "$T/src"
echo data >"$T/src/file"
mounts="\"mounts\": [
    {\"type\": \"bind\", \"source\": \"$T/src\", \"target\": \"/data\", \"readonly\": true},
    {\"type\": \"tmpfs\", \"target\": \"/tmp\", \"size\": \"1M\", \"mode\": \"1777\"}
  ]"
common="\"namespaces\": [\"pid\", \"mount\", \"uts\", \"ipc\", \"net\", \"cgroup\", \"user\", \"time\"],
  \"uid_map\": [[0, 100000, 65536]],
  \"gid_map\": [[0, 100000, 65536]],
  \"time_offsets\": {\"monotonic\": 86400, \"boottime\": 86400},
  \"sysctl\": {\"net.ipv4.ip_unprivileged_port_start\": \"0\"},
  $mounts"
FULL=$(mkcfg_raw full.json <<EOF
{
  "name": "t-fault",
  "hostname": "faulty",
  "root": {"image": "$IMG", "overlay": "4M"},
  "process": {"args": ["/bin/payload", "exit", "0"], "cwd": "/tmp", "user": "1000:1000"},
  $common,
  "cgroup": $cgroup
}
EOF
)
DIRRO=$(mkcfg_raw dirro.json <<EOF
{
  "name": "t-faultdir",
  "hostname": "faulty",
  "root": {"path": "$ROOTDIR", "overlay": false},
  "process": {"args": ["/bin/payload", "exit", "0"], "cwd": "/tmp", "user": "1000:1000"},
  $common
}
EOF
)

NET=$(mkcfg_raw net.json <<EOF
{
  "name": "t-faultnet",
  "root": {"image": "$IMG", "overlay": "4M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  $common,
  "net": {"bridge": "br-fault", "bridge_address": ["10.77.0.1/24", "fd77::1/64"],
          "address": ["10.77.0.2/24", "fd77::2/64"], "gateway": "10.77.0.1", "gateway6": "fd77::1",
          "dns": ["10.77.0.1"], "hosts": {"gw": "10.77.0.1"}, "masquerade": true, "ip_forward": true,
          "ports": [{"host": 8080, "container": 80}, {"host": 5353, "container": 53, "proto": "udp"}]}
}
EOF
)
# NET's runs go through a wrapper that makes the network namespace.
# Without a user namespace the container mounts its own root (nsrun.c,
# section image): the same steps on the other side of the clone.
plain="\"namespaces\": [\"pid\", \"mount\", \"uts\", \"ipc\", \"net\", \"cgroup\"],
  $mounts"
PLAIN=$(mkcfg_raw plain.json <<EOF
{
  "name": "t-faultplain",
  "root": {"image": "$IMG", "overlay": "4M"},
  "process": {"args": ["/bin/payload", "exit", "0"], "cwd": "/tmp", "user": "1000:1000"},
  $plain,
  "net": {"bridge": "br-faultp", "bridge_address": "10.78.0.1/24", "address": "10.78.0.2/24",
          "dns": ["10.78.0.1"], "hosts": {"gw": "10.78.0.1"}}
}
EOF
)
DIRPLAIN=$(mkcfg_raw dirplain.json <<EOF
{
  "name": "t-faultdirp",
  "root": {"path": "$ROOTDIR", "overlay": false},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  $plain
}
EOF
)
CONFIGS=("$FULL" "$DIRRO" "$NET" "$PLAIN" "$DIRPLAIN")
# VERITY is FULL on root.verity's appended image (build/verity, made by
# tests/mkverity.sh), where the kernel has device-mapper and the verity
# target loaded (the VM tier, after guest/55-verity.sh loaded them); VSIG
# adds a signature no kernel trusts, so it never runs cleanly: it is tried
# only for dm_key, the step only a signature reaches.
verity_steps="dm_create dm_key dm_load dm_resume"
if [ -e /sys/module/dm_verity ] && [ -f "$BUILD/verity/app.sqfs" ]; then
	vmember="\"verity\": {\"root_hash\": \"$(cat "$BUILD/verity/app.roothash")\", \"hash_offset\": $(cat "$BUILD/verity/app.offset")"
	VERITY=$(mkcfg_raw verity.json <<EOF
{
  "name": "t-faultv",
  "root": {"image": "$BUILD/verity/app.sqfs", "overlay": "4M", $vmember}},
  "process": {"args": ["/bin/payload", "exit", "0"], "cwd": "/tmp", "user": "1000:1000"},
  $common
}
EOF
)
	VSIG=$(mkcfg_raw vsig.json <<EOF
{
  "name": "t-faultvs",
  "root": {"image": "$BUILD/verity/app.sqfs", $vmember, "signature": "$BUILD/verity/untrusted.sig"}},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
	CONFIGS+=("$VERITY")
else
	vm_only="$vm_only $verity_steps"
fi
NETNS_NSRUN=$T/nsrun-in-netns
cat >"$NETNS_NSRUN" <<EOF
#!/bin/sh
exec "$TESTS_DIR/netns-run" "$FAULTY" "\$@"
EOF
chmod +x "$NETNS_NSRUN"
nsrun_for() {			# nsrun_for CONFIG: the binary (or wrapper) that runs it
	{ [ "$1" = "$NET" ] || [ "$1" = "$PLAIN" ]; } && echo "$NETNS_NSRUN" || echo "$FAULTY"
}

# The configs must run cleanly without a fault, or nothing below means much.
for cfg in "${CONFIGS[@]}"; do
	NSRUN=$(nsrun_for "$cfg")
	begin "no_fault_$(basename "$cfg" .json)"
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 && expect_eq stderr "$ERR" ""
	end
done

# Steps only an OCI create reaches: the OCI part below runs them.
oci_only="console"
for step in $steps; do
	[[ " $oci_only " == *" $step "* ]] && continue
	if [[ " $vm_only " == *" $step "* ]]; then
		echo "note: $step needs what this host's kernel lacks (cgroup v2 controllers, dm-verity): the VM tier covers it"
		continue
	fi
	begin "$step"
	reached=0
	cfgs=("${CONFIGS[@]}")
	[ "$step" != dm_key ] || cfgs=("$VSIG")
	for cfg in "${cfgs[@]}"; do            # every config that reaches it
		NSRUN=$(nsrun_for "$cfg")
		NSRUN_FAULT=$step run_nsrun run "$cfg" </dev/null
		[ "$RC" = 0 ] && [ -z "$ERR" ] && continue      # not reached: next config
		reached=$((reached + 1))
		expect_rc 125
		expect_one_error "^nsrun: .* \\(fault injected at $step\\)\$"
		d=$(assert_no_leftovers "$BEFORE") || bad "after $(basename "$cfg"): host changed: $d"
	done
	[ $reached -gt 0 ] || bad "no config reaches this step (every step must be reachable)"
	end
done

# ---- the OCI mode (issue 17): every step an OCI create reaches ----------------
# Two bundles on the directory root: one with a user namespace (nsrun mounts
# the root on its side of the clone), one without (the container does); a
# third, where python3 is (not in the VM guests), the plain one with
# process.terminal, its own /dev and devpts, created with --console-socket
# (a receiver as the shim's: it takes the pty's master and reads it until
# the container is gone), for the step only it reaches (console).  A
# step that fails create: exit 1, one line "(fault injected at STEP)", the
# host as it was and nothing left under --root; a step create does not reach
# (nsrun's own state files, its init) lets it succeed: then deleted.
if "$FAULTY" --version | grep -q ' +oci'; then
	OROOT=$T/oci-root
	obundles="user plain"
	if command -v python3 >/dev/null; then
		obundles="user plain tty"
	else
		echo "note: no python3 (the console socket's receiver): the OCI step console is not run here"
	fi
	# A user and a time namespace held by a sleep of ours (mapped as the user
	# bundle's), for the bundle "joined", which joins both by path.
	HOLDER= HPID=
	if [ ! -e /proc/self/ns/time ]; then
		echo "note: no time namespaces in this kernel: the OCI bundle joined is not run here"
	elif unshare --user --time --boottime 100 --fork sleep 3600 </dev/null >/dev/null 2>&1 & then
		HPID=$!
		BG_PIDS+=("$HPID")
		for ((i = 0; i < 100; i++)); do
			HOLDER=$(cat "/proc/$HPID/task/$HPID/children" 2>/dev/null)
			HOLDER=${HOLDER%% *}
			[ -n "$HOLDER" ] && [ "$(readlink "/proc/$HOLDER/ns/time")" != "$(readlink /proc/self/ns/time)" ] && break
			HOLDER=
			sleep 0.02
		done
	fi
	[ -z "$HOLDER" ] || BG_PIDS+=("$HOLDER")
	if [ -n "$HOLDER" ] && echo "0 100000 65536" >"/proc/$HOLDER/uid_map" && echo "0 100000 65536" >"/proc/$HOLDER/gid_map"; then
		obundles+=" joined"
	elif [ -n "$HPID" ]; then
		echo "FAIL faults: oci_setup: no user and time namespaces to join (unshare --user --time)"
	fi
	for b in $obundles; do
		mkdir -p "$T/ob-$b"
		term= devm=
		ns='[{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"network"},{"type":"cgroup"}]'
		[ "$b" = user ] && ns=${ns%]}',{"type":"user"}],
           "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
           "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]'
		[ "$b" = joined ] && ns=${ns%]}",{\"type\":\"user\",\"path\":\"/proc/$HOLDER/ns/user\"},{\"type\":\"time\",\"path\":\"/proc/$HOLDER/ns/time\"}]"
		[ "$b" = tty ] && term='"terminal": true, ' devm='
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["newinstance", "ptmxmode=0666"]},'
		cat >"$T/ob-$b/config.json" <<EOF
{"ociVersion": "1.0.2", "hostname": "faulty",
 "process": {$term"args": ["/bin/payload", "exit", "0"], "cwd": "/tmp", "user": {"uid": 1000, "gid": 1000},
             "capabilities": {"bounding": ["CAP_KILL"]}, "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 64, "hard": 64}]},
 "root": {"path": "$ROOTDIR", "readonly": true},
 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},$devm
            {"destination": "/data", "type": "bind", "source": "$T/src", "options": ["rbind", "ro"]},
            {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1M", "mode=1777"]}],
 "linux": {"namespaces": $ns,
           "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0"},
           "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"]}}
EOF
	done
	cat >"$T/recvtty.py" <<'PYEOF'
import array, os, signal, socket, sys
signal.alarm(20)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
fds = array.array("i")
_, anc, _, _ = c.recvmsg(64, socket.CMSG_SPACE(fds.itemsize))
for _, _, data in anc:
    fds.frombytes(data[:fds.itemsize])
for fd in fds:
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
PYEOF
	# oci_create BUNDLE: create f1 from it (the tty one with its receiver).
	oci_create() {
		local tty=()
		if [ "$1" = tty ]; then
			rm -f "$T/tty.sock" "$T/tty.sock.ready"
			python3 "$T/recvtty.py" "$T/tty.sock" & RECV=$!
			for ((i = 0; i < 100; i++)); do [ -e "$T/tty.sock.ready" ] && break; sleep 0.05; done
			tty=(--console-socket "$T/tty.sock")
		fi
		run_nsrun --root "$OROOT" create -b "$T/ob-$1" "${tty[@]}" f1 </dev/null
	}
	# recv_done: the receiver gone (after the container).
	recv_done() {
		[ "$1" = tty ] || return 0
		for ((i = 0; i < 100; i++)); do kill -0 "$RECV" 2>/dev/null || break; sleep 0.05; done
		kill -0 "$RECV" 2>/dev/null && { bad "the console socket's receiver still runs"; kill -KILL "$RECV"; }
		wait "$RECV" 2>/dev/null
		rm -f "$T/tty.sock" "$T/tty.sock.ready"
	}
	NSRUN=$FAULTY
	begin oci_no_fault
	for b in $obundles; do
		oci_create "$b"
		expect_rc 0 && expect_eq stderr "$ERR" ""
		run_nsrun --root "$OROOT" delete -f f1 </dev/null
		expect_rc 0
		recv_done "$b"
	done
	end
	for step in $steps; do
		begin "oci_$step"
		reached=0
		for b in $obundles; do
			NSRUN_FAULT=$step oci_create "$b"
			if [ "$RC" = 0 ]; then          # not reached by a create
				run_nsrun --root "$OROOT" delete -f f1 </dev/null
				recv_done "$b"
				continue
			fi
			reached=$((reached + 1))
			recv_done "$b"
			expect_rc 1
			expect_one_error "^nsrun: .* \\(fault injected at $step\\)\$"
			[ -z "$(ls -A "$OROOT" 2>/dev/null)" ] || bad "left under --root: $(ls -A "$OROOT")"
			d=$(assert_no_leftovers "$BEFORE") || bad "after the $b bundle: host changed: $d"
		done
		[[ " $oci_only " != *" $step "* ]] || [ $reached -gt 0 ] || [[ $obundles != *tty* ]] ||
			bad "no OCI bundle reaches this OCI step"
		end
	done
	for p in $HOLDER $HPID; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null || :; done
fi
