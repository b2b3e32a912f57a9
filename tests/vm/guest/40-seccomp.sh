#!/bin/sh
# The seccomp filter on a real kernel (qemu-user cannot prove one: it does
# not pass filters to the host's kernel): /bin/payload seccomp calls every
# syscall of the default profile with harmless arguments and prints its
# errno.  With "errno": 4000 every refusal is E4000, an errno no kernel
# returns, so each one is the filter's, not a missing capability's.  Runs on
# every qemu-system guest: x86_64 (tests/vm), armhf, aarch64, mipsel
# (tests/cross/run).
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

# The probe's keys that name a call the default profile refuses (with the
# default profile's errno E): all but these.
OTHER='^(seccomp|work\.[a-z]*|abi\.[a-z0-9]*|clone3|personality_query)='
refused_all() {			# refused_all ERRNO: every refused key says ERRNO
	keys=$(printf '%s\n' "$OUT" | grep -vE "$OTHER" | grep -c '=')
	[ "$keys" -ge 40 ] || bad "the probe printed $keys refused calls, want 40 or more"
	wrong=$(printf '%s\n' "$OUT" | grep -vE "$OTHER" | grep '=' | grep -v "=$1\$" | head -n 3 | tr '\n' ' ')
	[ -z "$wrong" ] || bad "not refused with $1: $wrong"
	expect_eq clone3 "$(val clone3)" ENOSYS
	expect_eq "personality(0xffffffff)" "$(val personality_query)" ok
}
work_ok() {
	for w in fork exec thread socket file; do
		expect_eq "work.$w" "$(val work.$w)" ok
	done
	for a in i386 x32; do
		v=$(val abi.$a)
		[ -z "$v" ] || expect_eq "abi.$a (a foreign ABI)" "$v" SIGSYS
	done
}

begin seccomp_default_profile
run_nsrun run "$(mkcfg t-scdef "$(process /bin/payload seccomp)")"
if expect_rc 0; then
	expect_eq "Seccomp: in /proc/self/status" "$(val seccomp)" 2
	refused_all EPERM
	work_ok
fi
end

begin seccomp_refusals_are_the_filters
run_nsrun run "$(mkcfg t-scerr "$(process /bin/payload seccomp)" '"seccomp": {"deny": ["@default"], "errno": 4000}')"
if expect_rc 0; then
	expect_eq "Seccomp:" "$(val seccomp)" 2
	refused_all E4000
	work_ok
fi
end

begin seccomp_none
run_nsrun run "$(mkcfg t-scnone "$(process /bin/payload seccomp)" '"seccomp": "none"')"
if expect_rc 0; then
	expect_eq "Seccomp:" "$(val seccomp)" 0
	[ "$(val clone3)" != ENOSYS ] || bad "clone3 is ENOSYS without a filter"
	expect_eq "personality(PER_BSD) without a filter" "$(val personality_bsd)" ok
fi
end

# A granted capability lifts its own rows, and only those.
begin seccomp_capability_lifts_its_rows
caps='"CAP_SYS_ADMIN", "CAP_SYS_TIME", "CAP_SYS_PTRACE", "CAP_SYS_CHROOT", "CAP_SYS_MODULE"'
run_nsrun run "$(mkcfg t-sccap "\"process\": {\"args\": [\"/bin/payload\", \"seccomp\"], \"capabilities\": [$caps]}" \
	'"seccomp": {"deny": ["@default"], "errno": 4000}')"
if expect_rc 0; then
	for k in mount umount2 pivot_root setns chroot ptrace kcmp settimeofday clock_settime adjtimex \
		init_module finit_module delete_module unshare_0; do
		v=$(val $k)
		[ "$v" != E4000 ] || bad "$k is still refused with its capability granted"
	done
	expect_eq "unshare(0) with CAP_SYS_ADMIN" "$(val unshare_0)" ok
	for k in unshare_newuser clone_newuser kexec_load bpf keyctl personality_bsd; do
		expect_eq "$k with the capabilities" "$(val $k)" E4000
	done
fi
end

# no_new_privileges off: loaded while CAP_SYS_ADMIN is held, before the
# user change; the app (uid 1000) runs filtered all the same.
begin seccomp_without_no_new_privs
run_nsrun run "$(mkcfg t-scnnp '"process": {"args": ["/bin/payload", "seccomp"], "user": "1000:1000", "no_new_privileges": false}' \
	'"seccomp": {"deny": ["@default"], "errno": 4000}')"
if expect_rc 0; then
	expect_eq "Seccomp:" "$(val seccomp)" 2
	expect_eq kexec_load "$(val kexec_load)" E4000
	expect_eq "work.exec" "$(val work.exec)" ok
fi
end
