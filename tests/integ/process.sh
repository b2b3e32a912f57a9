#!/bin/bash
# What the app gets: stdin/stdout/stderr straight through, exactly
# process.env, cwd, user, no supplementary groups, an empty signal mask and
# default dispositions, PID 1 (nsrun's init) as its parent.
. "$(dirname "$0")/../lib.sh"
require_root

begin stdin_stdout_passthrough
cfg=$(mkcfg t-stdio)
run_nsrun run "$cfg" -- /bin/payload cat <<<"hi"
expect_rc 0 && expect_eq stdout "$OUT" hi
expect_eq stderr "$ERR" ""
end

begin stdin_large_passthrough
head -c 1048576 /dev/urandom >"$T/big"
cfg=$(mkcfg t-stdiobig)
timeout -k 5 30 "$NSRUN" run "$cfg" -- /bin/payload cat <"$T/big" >"$T/big.out" 2>"$T/err"
RC=$?
expect_rc 0 && cmp -s "$T/big" "$T/big.out" || bad "1 MiB through payload cat came out different"
end

begin stderr_separate
cfg=$(mkcfg t-stderr process '{"args": ["/bin/payload", "echo2", "some text"]}')
run_nsrun run "$cfg" </dev/null
expect_rc 0
expect_eq stdout "$OUT" "some text"
expect_eq stderr "$ERR" "err:some text"
end

begin stdout_to_pipe
cfg=$(mkcfg t-pipe process '{"args": ["/bin/payload", "echo2", "piped"]}')
got=$(timeout -k 5 30 "$NSRUN" run "$cfg" 2>/dev/null </dev/null | cat)
expect_eq "stdout through a pipe" "$got" piped
end

begin env_is_exact
cfg=$(mkcfg t-env process '{"args": ["/bin/payload", "status"],
    "env": ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY=", "X=a=b"]}')
export NSRUN_TEST_HOST_SECRET=leak
run_nsrun run "$cfg" </dev/null
unset NSRUN_TEST_HOST_SECRET
expect_rc 0 && expect_eq environment "$(sed -n 's/^env=//p' <<<"$OUT" | sort)" \
	"$(printf '%s\n' "EMPTY=" "FOO=bar baz" "PATH=/bin:/sbin" "X=a=b" | sort)"
end

begin env_default_has_path_only_ours
cfg=$(mkcfg t-envdef process '{"args": ["/bin/payload", "status"]}')
export NSRUN_TEST_HOST_SECRET=leak
run_nsrun run "$cfg" </dev/null
unset NSRUN_TEST_HOST_SECRET
if expect_rc 0; then
	expect_line "default environment" "$OUT" '^env=PATH=/'
	expect_no_line "default environment" "$OUT" 'NSRUN_TEST_HOST_SECRET'
fi
end

begin cwd_and_user
cfg=$(mkcfg t-cwduser process '{"args": ["/bin/payload", "status"], "cwd": "/tmp", "user": "1000:1000"}')
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq cwd "$(val cwd)" /tmp
	expect_eq uid "$(val uid)" 1000
	expect_eq gid "$(val gid)" 1000
	expect_eq "supplementary groups" "$(val groups)" 0
fi
end

begin default_user_cwd
cfg=$(mkcfg t-defuser process '{"args": ["/bin/payload", "status"]}')
run_nsrun run "$cfg" </dev/null
if expect_rc 0; then
	expect_eq "cwd uid gid groups" "$(val cwd) $(val uid) $(val gid) $(val groups)" "/ 0 0 0"
	expect_eq "parent of the app (nsrun's init)" "$(val ppid)" 1
fi
end

# The app has no supplementary groups whether nsrun had some (it drops them)
# or none (nothing to change: nsrun leaves the app's credentials alone);
# nsrun is started through `payload groups` (setgroups, then exec).
begin default_user_groups
cfg=$(mkcfg t-groups process '{"args": ["/bin/payload", "status"]}')
expect_eq "the launcher itself: groups of 'payload groups 4,27 payload status'" \
	"$("$PAYLOAD" groups 4,27 "$PAYLOAD" status | sed -n 's/^groups=//p')" 2
for g in - 4,27; do
	printf '#!/bin/sh\nexec %s groups %s %s "$@"\n' "$PAYLOAD" "$g" "$NSRUN" >"$T/nsrun-groups"
	chmod +x "$T/nsrun-groups"
	NSRUN=$T/nsrun-groups run_nsrun run "$cfg" </dev/null
	expect_rc 0 &&
		expect_eq "nsrun started with groups $g: cwd uid gid groups" \
			"$(val cwd) $(val uid) $(val gid) $(val groups)" "/ 0 0 0"
done
end

# nsrun is started with signals ignored (as a careless supervisor may do):
# the app must still see none ignored and none blocked.
begin signal_mask_empty
cfg=$(mkcfg t-sigmask process '{"args": ["/bin/payload", "status"]}')
(
	trap '' HUP USR1 USR2 PIPE TERM
	run_nsrun run "$cfg" </dev/null
	echo "$RC" >"$T/rc"
)
RC=$(cat "$T/rc") OUT=$(cat "$T/out") ERR=$(cat "$T/err")
if expect_rc 0; then
	expect_eq SigBlk "$(val SigBlk)" 0000000000000000
	expect_eq SigIgn "$(val SigIgn)" 0000000000000000
fi
end

# The defaults: no_new_privs on, umask 0022 whatever nsrun's own, and
# oom_score_adj and the limits nsrun has (inherited).
begin process_defaults
cfg=$(mkcfg t-pdefault process '{"args": ["/bin/payload", "status"]}')
OUT=$(umask 077 && timeout -k 5 30 "$NSRUN" run "$cfg" 2>"$T/err" </dev/null); RC=$?
expect_rc 0
expect_eq NoNewPrivs "$(val NoNewPrivs)" 1
expect_eq Umask "$(val Umask)" 0022
expect_eq oom_score_adj "$(val oom_score_adj)" "$(cat /proc/self/oom_score_adj)"
expect_eq "nofile (inherited)" "$(val nofile)" "$(ulimit -Sn) $(ulimit -Hn)"
end

# Each key reaches the app: no_new_privs off, a umask, oom_score_adj (raised,
# and lowered where nsrun may: CAP_SYS_RESOURCE, which some sandboxes drop),
# limits.
sys_resource=$(( 0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> 24 & 1 ))
begin process_keys_reach_the_app
adjs=500
[ "$sys_resource" = 1 ] && adjs="500 -100"
for adj in $adjs; do
	cfg=$(mkcfg t-pkeys process "{\"args\": [\"/bin/payload\", \"status\"], \"user\": \"1000:1000\",
	    \"no_new_privileges\": false, \"umask\": \"0027\", \"oom_score_adj\": $adj,
	    \"rlimits\": {\"nofile\": [100, 200], \"core\": [0, \"unlimited\"]}}")
	run_nsrun run "$cfg" </dev/null
	expect_rc 0
	expect_eq "uid" "$(val uid)" 1000
	expect_eq NoNewPrivs "$(val NoNewPrivs)" 0
	expect_eq Umask "$(val Umask)" 0027
	expect_eq oom_score_adj "$(val oom_score_adj)" "$adj"
	expect_eq nofile "$(val nofile)" "100 200"
	expect_eq core "$(val core)" "0 18446744073709551615"
done
end

# Without CAP_SYS_RESOURCE a lower oom_score_adj is a start error naming it.
if [ "$sys_resource" = 0 ]; then
	begin process_oom_lower_refused
	cfg=$(mkcfg t-poom process '{"args": ["/bin/payload", "exit", "0"], "oom_score_adj": -100}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: write -100 to /proc/self/oom_score_adj: Permission denied$'
	end
fi

# A limit above what nsrun may set is a start error naming it (125, one line).
begin process_rlimit_refused
cfg=$(mkcfg t-prlim process "{\"args\": [\"/bin/payload\", \"exit\", \"0\"], \"rlimits\": {\"nofile\": [1, 2]}}")
run_nsrun run "$cfg" </dev/null
expect_rc 0
cfg=$(mkcfg t-prlim2 process "{\"args\": [\"/bin/payload\", \"exit\", \"0\"],
    \"rlimits\": {\"nofile\": [1, 1099511627776]}}")
run_nsrun run "$cfg" </dev/null
expect_rc 125
expect_one_error "^nsrun: set rlimit nofile to \\[1, 1099511627776\\]: Operation not permitted\$"
end
