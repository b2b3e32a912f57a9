#!/bin/bash
# Attacks from inside a container (issue 13, "Hardening") that are harmless
# to the machine even if they succeeded, so they run on the build host too:
# hostile squashfs images (tests/attack/mkhostile.sh) whose /dev or /proc
# is a symlink to a host path, mount targets that are symlinks to "/" or
# "../../..", ptrace of PID 1 and its /proc entries, an fd nsrun was started
# with, a cwd outside the root (CVE-2024-21626), a setuid-root binary under
# no_new_privileges, mount and umount as root, and the capability sets the
# app gets.  Each attack is one payload call printing KEY=ERRNO; each test
# asserts the errno and an unchanged host (lib.sh's snapshot, and the
# paths the attack aimed at).  The attacks that would harm the machine if
# they succeeded (sysrq, modules, core_pattern, device nodes, the hostname,
# the nsrun binary) run only in the VM's guest: tests/vm/guest/30-attack.sh.
. "$(dirname "$0")/../lib.sh"
require_root

HOSTILE=${NSRUN_TEST_HOSTILE:-$BUILD/hostile}
ATK=$HOSTILE/atk.sqfs
for f in "$ATK" "$HOSTILE/atk-devabs.sqfs" "$HOSTILE/atk-procup.sqfs"; do
	if [ ! -f "$f" ]; then
		fail attack "$f is missing (tests/run builds it with tests/attack/mkhostile.sh)"
		exit 1
	fi
done
ATK_ROOT="{\"image\": \"$ATK\", \"overlay\": \"8M\"}"
P=/bin/payload
DEFAULT_CAPS=00000000800005fb           # README: the default set
ROOT_LS=$(ls -A /)

# sh_cfg NAME SCRIPT [KEY JSON]...: a config of the attack image whose app is
# `sh -c SCRIPT` (one line, no double quotes or backslashes).
sh_cfg() {
	local name=$1 script=$2
	shift 2
	mkcfg "$name" root "$ATK_ROOT" process "{$(sh_args "$script")}" "$@"
}

sh_args() {
	echo "\"args\": [\"/bin/sh\", \"-c\", \"$1\"]"
}

# chain_args WORD...: "args" of one payload running each subcommand in turn
# ("open ... + readlink ... + ..."), one exec for many attacks.
chain_args() {
	local w list="\"$P\""
	for w in "$@"; do
		list+=", \"$w\""
	done
	echo "\"args\": [$list]"
}

# app_cfg NAME PROCESS-MEMBERS [KEY JSON]...: the attack image, PROCESS the
# inside of "process" ({"args": ...} without the braces).
app_cfg() {
	local name=$1 proc=$2
	shift 2
	mkcfg "$name" root "$ATK_ROOT" process "{$proc}" "$@"
}

# host_root_same: the host's / has the entries it had.
host_root_same() {
	expect_eq "the host's /" "$(ls -A /)" "$ROOT_LS"
}

# ---- images whose /dev or /proc is a symlink to a host path ---------------------

# /dev -> /: following it from nsrun's side would put a tmpfs and device
# nodes over the host's root.  Refused: 125, one line, nothing mounted.
begin attack_image_dev_symlink_to_host_root
cfg=$(mkcfg atk-devabs root "{\"image\": \"$HOSTILE/atk-devabs.sqfs\", \"overlay\": \"8M\"}")
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: /dev in the image is a symlink; it must be a directory'
host_root_same
end

# /proc -> ../../../../../../run: climbing from nsrun's work directory
# (/run/nsrun/root) to the host's /run.  Without an overlay, too.
begin attack_image_proc_symlink_climbing
for ovl in '"8M"' false; do
	cfg=$(mkcfg atk-procup root "{\"image\": \"$HOSTILE/atk-procup.sqfs\", \"overlay\": $ovl}")
	run_nsrun run "$cfg" </dev/null
	expect_rc 125 && expect_one_error '^nsrun: /proc in the image is a symlink; it must be a directory'
done
[ "$(stat -f -c %T /run)" != proc ] || bad "proc is mounted on the host's /run"
host_root_same
end

# ---- mount targets that are symlinks out of the root ------------------------------

# /lnk-abs -> /, /lnk-up -> ../../.., /lnk-etcup -> /etc/../../..: each
# target resolves inside the root as if it were /; nothing is created or
# mounted on the host (where ../../.. from nsrun's /run/nsrun/root is /).
begin attack_mount_targets_through_symlinks
u=atk-$$
mkdir -p "$T/src"
echo marker-ok >"$T/src/marker"
cfg=$(sh_cfg atk-mtgt "stat -f -c a=%T /$u-a; cat /$u-b/marker; stat -f -c c=%T /$u-c" \
	mounts "[{\"type\": \"tmpfs\", \"target\": \"/lnk-abs/$u-a\", \"size\": \"1M\"},
	{\"type\": \"bind\", \"source\": \"$T/src\", \"target\": \"/lnk-up/$u-b\", \"readonly\": true},
	{\"type\": \"tmpfs\", \"target\": \"/lnk-etcup/$u-c\", \"size\": \"1M\"}]")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_line "/lnk-abs/$u-a (-> /)" "$OUT" '^a=tmpfs$'
	expect_line "/lnk-up/$u-b (-> ../../..)" "$OUT" '^marker-ok$'
	expect_line "/lnk-etcup/$u-c (-> /etc/../../..)" "$OUT" '^c=tmpfs$'
fi
outside=$(find / -xdev -maxdepth 4 -name "$u-*" 2>/dev/null)
[ -z "$outside" ] || bad "created on the host: $(tr '\n' ' ' <<<"$outside")"
[ -z "$outside" ] || xargs -d '\n' rm -rf <<<"$outside"
host_root_same
end

# A target that is itself the symlink to "/": the tmpfs lands on the
# container's root in its own mount namespace, never on the host's.
begin attack_mount_target_is_symlink_to_root
for l in lnk-abs lnk-up; do
	cfg=$(sh_cfg atk-mroot "ls /entry /bin/payload" mounts "[{\"type\": \"tmpfs\", \"target\": \"/$l\", \"size\": \"1M\"}]")
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 && expect_eq "the image under /$l's tmpfs" "$OUT" "/bin/payload
/entry"
done
host_root_same
end

# ---- PID 1 (nsrun's init, from the host's nsrun binary) ----------------------------

begin attack_ptrace_pid1
cfg=$(app_cfg atk-ptrace "\"args\": [\"$P\", \"ptrace\", \"1\"]")
run_nsrun run "$cfg" </dev/null
expect_rc 0
expect_eq "PTRACE_ATTACH 1" "$(val attach)" EPERM
expect_eq "PTRACE_SEIZE 1" "$(val seize)" EPERM
end

# init is not dumpable: its exe, root, cwd, mem and environ are closed to
# the app, root or not; O_PATH is refused too (so no reopen through
# /proc/self/fd/N).  (Opening the exe for writing: the guest's 30-attack.)
begin attack_proc1_exe_and_links
chain="open /proc/1/exe r exe_r + open /proc/1/exe path+r exe_path
	+ readlink /proc/1/exe exe_link + readlink /proc/1/root root_link + readlink /proc/1/cwd cwd_link
	+ ls /proc/1/root/ root_ls + open /proc/1/mem r mem + open /proc/1/environ r environ"
for user in 0:0 1000:1000; do
	# shellcheck disable=SC2086 # the chain's words
	cfg=$(app_cfg atk-exe "$(chain_args $chain), \"user\": \"$user\"")
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 || continue
	for k in exe_r exe_path exe_link root_link cwd_link root_ls mem environ; do
		expect_eq "$k as $user" "$(val "$k")" EACCES
	done
done
end

# /proc/1/fd: not one of init's fds opens or reads as a link (init also
# holds the fds nsrun was started with: 9 here).  Listing the directory
# (fd numbers only) fails for a user; the container's root owns the
# directory of a non-dumpable task (kernel: task_dump_owner, mode 0500),
# so it can list the numbers, which nsrun cannot prevent without a user
# namespace: not asserted.
begin attack_proc1_fd_closed
echo secret >"$T/secret"
chain=
for f in 0 1 2 9; do
	chain+=" + open /proc/1/fd/$f r fd_r + open /proc/1/fd/$f path+r fd_path + readlink /proc/1/fd/$f fd_link"
done
# shellcheck disable=SC2086 # the chain's words
cfg=$(app_cfg atk-fd1 "$(chain_args ${chain# + })")
run_nsrun run "$cfg" 9<"$T/secret" </dev/null
if expect_rc 0; then
	expect_eq "init's fds: answers" "$(grep -c '^fd_' <<<"$OUT")" 12
	expect_eq "init's fds: every answer" "$(cut -d= -f2 <<<"$OUT" | sort -u)" EACCES
fi
cfg=$(app_cfg atk-fd1u "\"args\": [\"$P\", \"ls\", \"/proc/1/fd\"], \"user\": \"1000:1000\"")
run_nsrun run "$cfg" 9<"$T/secret" </dev/null
expect_rc 0 && expect_eq "ls /proc/1/fd as 1000" "$(val ls)" EACCES
end

# ---- fds and the cwd (CVE-2024-21626) ------------------------------------------

# nsrun started with fd 9 open on a host file: the app has no fd above 2,
# fd 9 does not read, and /proc/self/fd/9 does not exist.
begin attack_leaked_fd
echo secret >"$T/secret"
cfg=$(app_cfg atk-fds "\"args\": [\"$P\", \"fds\"]")
run_nsrun run "$cfg" 9<"$T/secret" </dev/null
expect_rc 0 && expect_eq "fds above 2 in the app" "$(val fds)" ""
cfg=$(app_cfg atk-fds2 "$(chain_args readfd 9 + open /proc/self/fd/9 r self9 + open /proc/1/fd/9 r init9)")
run_nsrun run "$cfg" 9<"$T/secret" </dev/null
if expect_rc 0; then
	expect_eq "read fd 9" "$(val readfd)" EBADF
	expect_eq "open /proc/self/fd/9" "$(val self9)" ENOENT
	expect_eq "open /proc/1/fd/9 (init's)" "$(val init9)" EACCES
fi
end

# process.cwd through the fd nsrun was started with, a host directory: the
# app would start outside the root.  A start error, one line, 125.  And
# init's cwd, closed (not dumpable).
begin attack_cwd_outside_root
mkdir -p "$T/hostdir"
cfg=$(app_cfg atk-cwd "\"args\": [\"$P\", \"status\"], \"cwd\": \"/proc/self/fd/9\"")
run_nsrun run "$cfg" 9<"$T/hostdir" </dev/null
expect_rc 125 && expect_one_error '^nsrun: process\.cwd /proc/self/fd/9 leads outside the container.s root$'
expect_eq stdout "$OUT" ""
cfg=$(app_cfg atk-cwd1 "\"args\": [\"$P\", \"status\"], \"cwd\": \"/proc/1/cwd\"")
run_nsrun run "$cfg" </dev/null
expect_rc 125 && expect_one_error '^nsrun: chdir /proc/1/cwd: Permission denied$'
[ -z "$(ls -A "$T/hostdir")" ] || bad "the host directory was written: $(ls -A "$T/hostdir")"
end

# ---- privileges ----------------------------------------------------------------------

# /bin/suid: a setuid-root copy of the payload in the image, run by user
# 1000.  With no_new_privileges (the default) it gains nothing; without, it
# gains euid 0 and the container's set: the bit works, so the first half
# proves something.
begin attack_setuid_binary_no_new_privs
cfg=$(app_cfg atk-suid "\"args\": [\"/bin/suid\", \"caps\"], \"user\": \"1000:1000\"")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "uid euid suid" "$(val uid) $(val euid) $(val suid)" "1000 1000 1000"
	expect_eq NoNewPrivs "$(val NoNewPrivs)" 1
	expect_eq "CapPrm CapEff" "$(val CapPrm) $(val CapEff)" "0000000000000000 0000000000000000"
fi
cfg=$(app_cfg atk-suid2 "\"args\": [\"/bin/suid\", \"caps\"], \"user\": \"1000:1000\", \"no_new_privileges\": false")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "without no_new_privileges: uid euid" "$(val uid) $(val euid)" "1000 0"
	expect_eq "without no_new_privileges: CapEff" "$(val CapEff)" "$DEFAULT_CAPS"
fi
end

# caps_case TEST NAME USER CAPS-JSON BND: the five sets inside are exactly
# Bnd=BND; Prm=Eff=BND for uid 0, else 0; Inh=Amb=0.  CAPS-JSON "-" leaves
# the key out (the default set).
caps_case() {
	local test=$1 name=$2 user=$3 caps=$4 bnd=$5 want key=
	begin "$test"
	[ "$caps" = - ] || key=", \"capabilities\": $caps"
	cfg=$(app_cfg "$name" "\"args\": [\"$P\", \"caps\"], \"user\": \"$user\"$key")
	run_nsrun run "$cfg" </dev/null
	want=$bnd
	[ "${user%%:*}" = 0 ] || want=0000000000000000
	if expect_rc 0; then
		expect_eq CapBnd "$(val CapBnd)" "$bnd"
		expect_eq CapPrm "$(val CapPrm)" "$want"
		expect_eq CapEff "$(val CapEff)" "$want"
		expect_eq CapInh "$(val CapInh)" 0000000000000000
		expect_eq CapAmb "$(val CapAmb)" 0000000000000000
	fi
	end
}
caps_case attack_caps_default atk-capdef 0:0 - "$DEFAULT_CAPS"
caps_case attack_caps_default_user atk-capdefu 1000:1000 - "$DEFAULT_CAPS"
# CAP_CHOWN (0), CAP_NET_RAW (13), CAP_AUDIT_WRITE (29)
caps_case attack_caps_explicit atk-capexp 0:0 '["CAP_NET_RAW", "CAP_CHOWN", "CAP_AUDIT_WRITE"]' 0000000020002001
caps_case attack_caps_explicit_user atk-capexpu 1000:1000 '["CAP_NET_RAW", "CAP_CHOWN"]' 0000000000002001
caps_case attack_caps_none atk-capnone 0:0 '[]' 0000000000000000

# A capability nsrun lacks cannot be given: some sandboxes run nsrun without
# CAP_SYS_RESOURCE (24), the VM's guest with it.
begin attack_caps_nsrun_lacks
cfg=$(app_cfg atk-capres "\"args\": [\"$P\", \"caps\"], \"capabilities\": [\"CAP_SYS_RESOURCE\", \"CAP_KILL\"]")
run_nsrun run "$cfg" </dev/null
if (((0x$(awk '/^CapPrm:/ { print $2 }' /proc/self/status) >> 24 & 1) == 1)); then
	expect_rc 0 && expect_eq "CapEff with CAP_SYS_RESOURCE and CAP_KILL" "$(val CapEff)" 0000000001000020
else
	expect_rc 125 && expect_one_error '^nsrun: capability CAP_SYS_RESOURCE: nsrun does not have it to give$'
fi
end

# Root in the container with the default set: no CAP_SYS_ADMIN, so no
# mount and no umount (a masked or read-only path stays in place).
begin attack_mount_umount_refused
cfg=$(app_cfg atk-mount "$(chain_args mount tmpfs /tmp + mount proc /tmp + umount /proc/sys + umount /proc)")
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "mount tmpfs, mount proc" "$(grep '^mount=' <<<"$OUT" | tr '\n' ' ')" "mount=EPERM mount=EPERM "
	expect_eq "umount /proc/sys, umount /proc" "$(grep '^umount=' <<<"$OUT" | tr '\n' ' ')" "umount=EPERM umount=EPERM "
fi
end
