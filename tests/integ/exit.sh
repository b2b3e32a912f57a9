#!/bin/bash
# Exit codes of `nsrun run`: the app's status, 128+N when a signal killed it,
# 126 when args[0] cannot be executed, 127 when it is not found (a name
# without '/' is looked up in the container's PATH); and `-- ARG...`.
. "$(dirname "$0")/../lib.sh"
require_root

# exit_case TEST NAME WANT ARGS_JSON [ARG...]
exit_case() {
	local test=$1 name=$2 want=$3 args=$4 cfg
	shift 4
	begin "$test"
	cfg=$(mkcfg "$name" process "{\"args\": $args}")
	run_nsrun run "$cfg" "$@" </dev/null
	expect_rc "$want"
	end
}

exit_case exit_0 t-exit0 0 '["/bin/payload", "exit", "0"]'
exit_case exit_1 t-exit1 1 '["/bin/payload", "exit", "1"]'
exit_case exit_42 t-exit42 42 '["/bin/payload", "exit", "42"]'
exit_case exit_255 t-exit255 255 '["/bin/payload", "exit", "255"]'
exit_case exit_126_not_executable t-exit126 126 '["/etc/passwd"]'
exit_case exit_126_directory t-exit126d 126 '["/etc"]'
exit_case exit_127_missing t-exit127 127 '["/bin/no-such-binary"]'
exit_case exit_127_not_in_path t-exit127p 127 '["no-such-command"]'
exit_case exit_path_lookup t-pathlook 7 '["payload", "exit", "7"]'
exit_case exit_signal_9 t-kill9 137 '["/bin/payload", "kill", "9"]'
exit_case exit_signal_15 t-kill15 143 '["/bin/payload", "kill", "15"]'

# `-- ARG...` replaces process.args as a whole.
exit_case args_replaced t-args 5 '["/bin/payload", "exit", "3"]' -- /bin/payload exit 5
exit_case args_from_config t-args2 3 '["/bin/payload", "exit", "3"]'

begin args_keep_spaces
cfg=$(mkcfg t-args3 process '{"args": ["/bin/payload", "exit", "3"]}')
run_nsrun run "$cfg" -- /bin/payload echo2 "two  words" </dev/null
expect_rc 0 && expect_eq stdout "$OUT" "two  words"
end
