#!/bin/sh
# The attacks of issue 13 ("Hardening") that would harm the machine if they
# succeeded, so they run only here, in the VM's guest, never on a build
# host: /proc/sysrq-trigger (with 'h', the harmless help key: never a real
# trigger), core_pattern and other sysctls, module loading, device nodes
# (made at run time, planted in the image, bound in), the guest's hostname
# from a container without a uts namespace, and nsrun's own binary
# (CVE-2019-5736: an entrypoint "#!/proc/self/exe" is refused; another
# container's root goes for /proc/PID/exe of the processes that run the
# binary, with and without a pid namespace, before and after it SIGKILLed
# the nsrun above it).  The images are tests/attack/mkhostile.sh's (build/hostile), the
# attacks /bin/payload's modes, each printing KEY=ERRNO.  Around them all the
# guest must stay as it was: nsrun's sha256, the hostname and domain name,
# core_pattern, sysrq, the kernel log's sysrq lines, the mount points and
# the loaded modules.  tests/integ/attack.sh (also run here, by 50-integ)
# has the attacks that are harmless anywhere.
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

HOSTILE=$ROOT/build/hostile
ATK_ROOT="\"root\": {\"image\": \"$HOSTILE/atk.sqfs\", \"overlay\": \"8M\"}"
P=/bin/payload
NOPID='"namespaces": ["mount", "uts", "ipc", "net"]'

if [ ! -f "$HOSTILE/atk.sqfs" ]; then
	fail attack "no $HOSTILE/atk.sqfs in the initramfs (tests/vm/run builds it with tests/attack/mkhostile.sh)"
	exit 0
fi

# What the attacks aim at, one line each.
guest_targets() {
	echo "nsrun sha256: $(sha256sum "$NSRUN" | cut -d' ' -f1)"
	echo "hostname: $(hostname)"
	echo "domainname: $(cat /proc/sys/kernel/domainname)"
	echo "core_pattern: $(cat /proc/sys/kernel/core_pattern)"
	echo "sysrq: $(cat /proc/sys/kernel/sysrq)"
	echo "modprobe: $(cat /proc/sys/kernel/modprobe)"
	echo "sysrq lines in the kernel log: $(dmesg | grep -c 'sysrq')"
	echo "modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
	awk '{ print "mount point:", $5 }' /proc/self/mountinfo | sort -u
}
TARGETS_BEFORE=$(guest_targets)

# expect_vals WHAT "KEY=VALUE ...": each KEY's value in $OUT.
expect_vals() {
	local kv
	for kv in $2; do
		expect_eq "$1: ${kv%%=*}" "$(val "${kv%%=*}")" "${kv#*=}"
	done
}

begin attack_sysrq_and_sysctls_readonly
run_nsrun run "$(mkcfg atk-sysrq "$ATK_ROOT" "$(process $P put /proc/sysrq-trigger h sysrq_trigger \
	+ put /proc/sys/kernel/sysrq 0 sysrq + put /proc/sys/kernel/core_pattern '|/bin/payload' core_pattern \
	+ put /proc/sys/kernel/modprobe /bin/payload modprobe + put /proc/sys/vm/drop_caches 3 drop_caches)")"
expect_rc 0 && expect_vals "root, default set" \
	"sysrq_trigger=EROFS sysrq=EROFS core_pattern=EROFS modprobe=EROFS drop_caches=EROFS"
end

begin attack_module_loading_refused
run_nsrun run "$(mkcfg atk-mod "$ATK_ROOT" "$(process $P modules)")"
expect_rc 0 && expect_vals "root, default set" "finit_module=EPERM init_module=EPERM delete_module=EPERM"
end

# No CAP_MKNOD: no node of the guest's memory or of a loop device.
begin attack_mknod_refused
run_nsrun run "$(mkcfg atk-mknod "$ATK_ROOT" "$(process $P mknod /tmp/loop0 b 7 0 blk + mknod /dev/atk-mem c 1 1 chr)")"
expect_rc 0 && expect_vals "root, default set" "blk=EPERM chr=EPERM"
end

# Nodes planted in the image (/nodes: mem 1:1, port 1:4, loop0 7:0, null
# 1:3) under the overlay and on the bare squashfs, and a node of the
# guest's in a bind volume: nodev everywhere, so none opens.
begin attack_planted_device_nodes
mkdir -p "$T/vnodes"
{ mknod "$T/vnodes/loop0" b 7 0 && mknod "$T/vnodes/null" c 1 3; } || bad "mknod in the guest's $T/vnodes"
for ovl in '"8M"' false; do
	run_nsrun run "$(mkcfg atk-nodes "\"root\": {\"image\": \"$HOSTILE/atk.sqfs\", \"overlay\": $ovl}" \
		"$(process $P open /nodes/mem r mem + open /nodes/port r port + open /nodes/loop0 r loop0 \
			+ open /nodes/null r null + open /data/loop0 r vol_loop0 + open /data/null rw vol_null)" \
		"\"mounts\": [{\"type\": \"bind\", \"source\": \"$T/vnodes\", \"target\": \"/data\"}]")"
	expect_rc 0 && expect_vals "overlay $ovl" \
		"mem=EACCES port=EACCES loop0=EACCES null=EACCES vol_loop0=EACCES vol_null=EACCES"
done
rm -rf "$T/vnodes"
end

# CAP_MKNOD given by the config: a node made on the root (the overlay,
# nodev) does not open.  Nor one made in /dev: with CAP_MKNOD nsrun's tmpfs
# there is nodev and its nodes are the host's, bound (else the container
# would reach any device of the machine; here the guest's loop0, opened
# read-only and never read).
begin attack_cap_mknod_nodes_do_not_open
proc=$(process $P mknod /atk-loop0 b 7 0 root_mknod + open /atk-loop0 r root_open \
	+ mknod /dev/atk-loop0 b 7 0 dev_mknod + open /dev/atk-loop0 r dev_open)
run_nsrun run "$(mkcfg atk-capmk "$ATK_ROOT" "${proc%\}}, \"capabilities\": [\"CAP_MKNOD\", \"CAP_DAC_OVERRIDE\"]}")"
if expect_rc 0; then
	echo "vm: attack_cap_mknod_nodes_do_not_open: $(printf '%s' "$OUT" | tr '\n' ' ')"
	expect_vals "CAP_MKNOD" "root_mknod=ok root_open=EACCES dev_mknod=ok"
	expect_vals "CAP_MKNOD: /dev is nodev then" "dev_open=EACCES"
fi
end

# Without a uts namespace the container shares the guest's hostname: it
# must not be able to change it (no CAP_SYS_ADMIN; /proc/sys read-only).
# With one, the same.
begin attack_hostname_of_the_guest
proc=$(process $P put /proc/sys/kernel/hostname atk-evil sysctl_hostname \
	+ put /proc/sys/kernel/domainname atk-evil sysctl_domainname + sethostname atk-evil)
domain=$(cat /proc/sys/kernel/domainname)
run_nsrun run "$(mkcfg atk-host "$ATK_ROOT" '"namespaces": ["pid", "mount", "ipc", "net"]' "$proc")"
expect_rc 0 && expect_vals "no uts namespace" "sethostname=EPERM setdomainname=EPERM sysctl_hostname=EROFS \
	sysctl_domainname=EROFS hostname=vm domainname=$domain"
run_nsrun run "$(mkcfg atk-hostu "$ATK_ROOT" "$proc")"
expect_rc 0 && expect_vals "own uts namespace" \
	"sethostname=EPERM setdomainname=EPERM sysctl_hostname=EROFS sysctl_domainname=EROFS hostname=atk-hostu"
expect_eq "the guest's hostname" "$(hostname)" vm
end

# PID 1 is nsrun's code from the guest's nsrun binary, not dumpable: its
# exe does not open for writing, directly or through O_PATH.
begin attack_proc1_exe_write
run_nsrun run "$(mkcfg atk-exew "$ATK_ROOT" "$(process $P open /proc/1/exe w exe_w + open /proc/1/exe path+w exe_path \
	+ open /proc/1/exe rw exe_rw)")"
expect_rc 0 && expect_vals "root" "exe_w=EACCES exe_path=EACCES exe_rw=EACCES"
end

# ---- CVE-2019-5736: the nsrun binary --------------------------------------------
# The app's first exec is made in init's memory, where /proc/self/exe is the
# nsrun binary: "#!/proc/self/exe" (the image's /entry) would run it inside
# the container, where another process could open it through /proc/PID/exe.
# nsrun compares the app (and its "#!" chain) with its own binary first.
begin attack_self_exe_entry_refused
run_nsrun run "$(mkcfg atk-selfexe "$ATK_ROOT" "$(process /entry)")"
expect_rc 126
expect_line "the entrypoint that is nsrun" "$ERR" "^nsrun: exec /entry: it is nsrun's own binary, which a container never runs\$"
end

# The attacks on the binary use a copy of nsrun (its own file, which the
# containers run): a successful one changes the copy, never /repo/nsrun.
COPY=$T/nsrun
cp "$NSRUN" "$COPY"
COPY_SUM=$(sha256sum "$COPY" | cut -d' ' -f1)

# comm_is /proc/PID NAME: without a fork per process (TCG makes forks dear).
comm_is() {
	local c=
	{ read -r c <"$1/comm"; } 2>/dev/null
	[ "$c" = "$2" ]
}

# victim_start NAME: a container whose app sleeps, run by the copy: VPID
# its nsrun, VINIT its init (PID 1 inside, from the state file); both run
# the binary.  The app sleeps an hour (victim_end ends it), so that no
# slow guest outlives it during the attacks (it slept 60 s; the attacks
# took 1.5 s on 5.10 under TCG), and victim_alive tells a victim that is
# gone from an ENOENT the attack itself met (an intermittent ENOENT here
# on 5.10 and 6.12 was not reproduced).
victim_start() {
	local i=0
	V_T0=$(uptime_s)
	"$COPY" run "$(mkcfg "$1" "$ATK_ROOT" "$(process $P sleep 3600000)")" >"$T/v.out" 2>"$T/v.err" </dev/null &
	VPID=$!
	VINIT=
	# The state file's record names the init once the container runs (a
	# child seen earlier may be another of nsrun's, gone by the attack).
	while [ $i -lt 100 ] && [ -z "$VINIT" ]; do
		VINIT=$(sed -n 's/^init_pid=//p' "$RUNDIR/$1.pid" 2>/dev/null)
		[ -n "$VINIT" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$VINIT" ] || { bad "the victim container's init did not show up: $(brief "$T/v.err")"; return; }
	# and its app runs (init's setup is over: its child is the app)
	i=0
	while [ $i -lt 100 ] && ! grep -q . "/proc/$VINIT/task/$VINIT/children" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# victim_alive WHAT: both of the victim's processes still there (an attack
# on a pid that is gone sees ENOENT, which is no finding).
victim_alive() {
	local p
	for p in "$VPID" "$VINIT"; do
		[ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null ||
			bad "$1: the victim's pid $p is gone ($(awk -v a="$V_T0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s after its start; $(brief "$T/v.err"))"
	done
}

victim_end() {
	kill -TERM "$VPID" 2>/dev/null
	wait "$VPID"
}

# attacker NAME NAMESPACES-MEMBER ARG...: `payload exeattack ARG...` in a
# container of its own; its output (and a survivor's) in $T/x.out.
attacker() {
	local name=$1 ns=$2
	shift 2
	"$COPY" run "$(mkcfg "$name" "$ATK_ROOT" "$ns" "$(process $P exeattack "$@")")" >"$T/x.out" 2>"$T/x.err" </dev/null
	XRC=$?
	OUT=$(cat "$T/x.out")
}

# The attacker's survivors (payload exeattack outliving its container):
# their pids; they are this test's.
survivors() {
	local d
	for d in /proc/[0-9]*; do
		comm_is "$d" payload && grep -q exeattack "$d/cmdline" 2>/dev/null && echo "${d#/proc/}"
	done
}

# Another container's root goes for the processes that run the binary: the
# victim's init (not dumpable) and its nsrun (holding capabilities the
# attacker lacks).  In a pid namespace it does not see them; without one it
# sees them but opens nothing, not even for reading, nor after it SIGKILLed
# the nsrun above its own container (its survivor has no fd to write to).
begin attack_nsrun_binary_through_proc_pid_exe
victim_start atk-vic1
if [ -n "$VINIT" ]; then
	attacker atk-xpid '"namespaces": ["pid", "mount", "uts", "ipc", "net"]' "$VINIT" 3
	[ "$XRC" = 0 ] || bad "attacker with a pid namespace exited $XRC: $(brief "$T/x.err")"
	expect_vals "attacker in a pid namespace" "readlink=ENOENT open_r=ENOENT open_w=ENOENT open_path=ENOENT"
	for target in "$VINIT" "$VPID"; do
		attacker atk-xnopid "$NOPID" "$target" 3
		echo "vm: attack_nsrun_binary_through_proc_pid_exe: pid $target," \
			"$(awk -v a="$V_T0" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }') s after the victim's start: exit $XRC:" \
			"$(printf '%s' "$OUT" | tr '\n' ' ')$(brief "$T/x.err")"
		victim_alive "attacker without a pid namespace, pid $target"
		expect_vals "attacker without a pid namespace, pid $target" \
			"readlink=EACCES open_r=EACCES open_w=EACCES open_path=EACCES"
	done
	attacker atk-xkill "$NOPID" "$VINIT" 3 kill
	victim_alive "attacker that kills its nsrun"
	expect_vals "attacker that kills its nsrun" "open_r=EACCES open_path=EACCES"
fi
victim_end
expect_eq "the nsrun binary's sha256" "$(sha256sum "$COPY" | cut -d' ' -f1)" "$COPY_SUM"
for p in $(survivors); do
	kill -KILL "$p" 2>/dev/null
done
# A SIGKILLed nsrun leaves its state file (the next start of the name
# reuses it): not this test's subject.
rm -f "$RUNDIR/atk-xkill.pid"
end

begin attack_guest_unchanged
expect_eq "the guest's targets" "$(guest_targets)" "$TARGETS_BEFORE"
end
exit 0
