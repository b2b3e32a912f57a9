#!/bin/bash
# The seccomp filter (the whole proof, every call of the profile on every
# arch, is tests/vm/guest/40-seccomp.sh, which the vm and cross tiers boot):
# here the default profile and a custom errno on the build host's kernel,
# a deny list, and the config's errors at their file:line:col.
. "$(dirname "$0")/../lib.sh"
require_root

OTHER='^(seccomp|work\.[a-z]*|abi\.[a-z0-9]*|clone3|personality_query)='
refused_all() {			# refused_all ERRNO
	local keys wrong
	keys=$(grep -vE "$OTHER" <<<"$OUT" | grep -c '=')
	[ "$keys" -ge 40 ] || bad "the probe printed $keys refused calls, want 40 or more"
	wrong=$(grep -vE "$OTHER" <<<"$OUT" | grep '=' | grep -v "=$1\$" | head -n 3 | tr '\n' ' ')
	[ -z "$wrong" ] || bad "not refused with $1: $wrong"
	expect_eq clone3 "$(val clone3)" ENOSYS
	expect_eq "personality(0xffffffff)" "$(val personality_query)" ok
	for w in fork exec thread socket file; do
		expect_eq "work.$w" "$(val work.$w)" ok
	done
	for a in i386 x32; do
		[ -z "$(val abi.$a)" ] || expect_eq "abi.$a (a foreign ABI)" "$(val abi.$a)" SIGSYS
	done
}
PROBE='{"args": ["/bin/payload", "seccomp"]}'

begin seccomp_default_profile
run_nsrun run "$(mkcfg t-scdef process "$PROBE")" </dev/null
expect_rc 0 && expect_eq "Seccomp:" "$(val seccomp)" 2 && refused_all EPERM
end

begin seccomp_custom_errno
run_nsrun run "$(mkcfg t-scerr process "$PROBE" seccomp '{"deny": ["@default"], "errno": 4000}')" </dev/null
expect_rc 0 && expect_eq "Seccomp:" "$(val seccomp)" 2 && refused_all E4000
end

begin seccomp_none
run_nsrun run "$(mkcfg t-scnone process "$PROBE" seccomp '"none"')" </dev/null
expect_rc 0 && expect_eq "Seccomp:" "$(val seccomp)" 0
[ "$(val clone3)" != ENOSYS ] || bad "clone3 is ENOSYS without a filter"
end

begin seccomp_deny_list
# EBUSY, an errno no kernel gives these calls here: a refusal by the kernel
# itself (bpf without CAP_BPF is EPERM on 5.10) is not the filter's.
run_nsrun run "$(mkcfg t-scdeny process "$PROBE" seccomp '{"deny": ["socket", "kexec_load"], "errno": "EBUSY"}')" </dev/null
if expect_rc 0; then
	expect_eq "socket refused" "$(val work.socket)" EBUSY
	expect_eq "kexec_load" "$(val kexec_load)" EBUSY
	[ "$(val bpf)" != EBUSY ] || bad "bpf refused by the filter, but only socket and kexec_load are listed"
	expect_eq "clone3 (clone is not held back)" "$(val clone3)" EINVAL
fi
end

begin seccomp_none_checks
f=$(mkcfg t-scout seccomp '"none"')
run_nsrun check "$f" </dev/null
expect_rc 0
end

# cfg_error TEST LINE COL FIELD MESSAGE: check 1, run 125, one line each.
sc_error() {
	local test=$1 line=$2 col=$3 field=$4 msg=$5 f
	f=$(mkcfg_raw "$test.json")
	begin "$test"
	run_nsrun check "$f" </dev/null
	expect_rc 1
	expect_one_error "^nsrun: $f:$line:$col: $field: $msg\$"
	run_nsrun run "$f" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: $f:$line:$col: $field: $msg\$"
	end
}
sc_error seccomp_unknown_syscall 4 46 'seccomp.deny\[2\]' 'unknown syscall "kexec_lod"' <<'EOF'
{
  "name": "t-scbad", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": {"deny": ["@default", "ptrace", "kexec_lod"]}
}
EOF
sc_error seccomp_duplicate 4 31 'seccomp.deny\[1\]' 'duplicate syscall "bpf"' <<'EOF'
{
  "name": "t-scdup", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": {"deny": ["bpf", "bpf"]}
}
EOF
sc_error seccomp_both_lists 4 32 'seccomp.allow' 'give exactly one of "deny" and "allow"' <<'EOF'
{
  "name": "t-scboth", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": {"deny": ["bpf"], "allow": ["read"]}
}
EOF
sc_error seccomp_bad_value 4 14 'seccomp' 'expected "default", "none" or an object, got "strict"' <<'EOF'
{
  "name": "t-scval", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": "strict"
}
EOF
sc_error seccomp_default_in_allow 4 33 'seccomp.allow\[1\]' 'unknown syscall "@default"' <<'EOF2'
{
  "name": "t-scall", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": {"allow": ["read", "@default"]}
}
EOF2
sc_error seccomp_no_list 4 14 'seccomp' 'give exactly one of "deny" and "allow"' <<'EOF2'
{
  "name": "t-scnol", "root": {"path": "/"},
  "process": {"args": ["/bin/true"]},
  "seccomp": {"errno": "EPERM"}
}
EOF2
