#!/bin/sh
# root.verity on a real kernel: nsrun sets up dm-verity under the squashfs
# itself (device-mapper ioctls, no dmsetup or veritysetup in the guest).
# The images come from the build host (tests/mkverity.sh, via tests/vm/run):
# build/verity/app.sqfs (tree appended), sep.sqfs + sep.hash (tree in its own
# file), bad.sqfs (a byte of the first block changed), late.sqfs (a byte of
# /aaa/blob changed), untrusted.sig.  dm-mod and dm-verity are packed but not
# loaded by /init: this script first proves the lines for a kernel with no
# device-mapper and one with no verity target, then loads them (late.order),
# and leaves them loaded for the guests after it (60-faults.sh's verity steps).
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/../lib.sh"

V=$ROOT/build/verity
NOVERITY=$ROOT/build/nsrun-noverity
if [ ! -f "$V/app.sqfs" ] || [ ! -f /lib/modules/late.order ]; then
	fail verity "no $V/app.sqfs or /lib/modules/late.order in the initramfs"
	exit 0
fi
OFF=$(cat "$V/app.offset")
HASH=$(cat "$V/app.roothash")
SEPHASH=$(cat "$V/sep.roothash")

# vroot IMAGE VERITY-MEMBERS [OVERLAY]: the "root" member.
vroot() {
	echo "\"root\": {\"image\": \"$1\", \"verity\": {$2}${3:+, \"overlay\": \"$3\"}}"
}
APPEND="\"root_hash\": \"$HASH\", \"hash_offset\": $OFF"
dm_count() {
	n=0
	for d in /sys/block/dm-*; do
		[ -e "$d" ] && n=$((n + 1))
	done
	echo $n
}
one_line() {			# one_line REGEX: stderr is exactly one line, matching (shown)
	echo "note: $TEST: $ERR"
	[ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] || bad "stderr is not one line: $(brief "$T/err")"
	expect_line stderr "$ERR" "$1"
}
# insmod_upto MODULE: load late.order's modules up to and including MODULE
insmod_upto() {
	while read -r m; do
		[ -e "/sys/module/$(echo "${m%.ko}" | tr - _)" ] || insmod "/lib/modules/$m" ||
			bad "insmod $m failed"
		[ "$m" = "$1.ko" ] && break
	done </lib/modules/late.order
}

begin verity_no_device_mapper
if grep -q device-mapper /proc/misc; then
	bad "device-mapper is already in /proc/misc (built in?): cannot test its absence"
else
	run_nsrun run "$(mkcfg t-vnodm "$(vroot "$V/app.sqfs" "$APPEND")")"
	expect_rc 125 && one_line '^nsrun: .*: root\.verity: this kernel has no device-mapper \(CONFIG_BLK_DEV_DM'
	[ ! -e /dev/mapper/control ] || bad "/dev/mapper/control was made"
	grep -q device-mapper /proc/misc && bad "device-mapper was loaded"
fi
end

begin verity_no_verity_target
insmod_upto dm-mod
if [ -e /sys/module/dm_verity ]; then
	bad "dm_verity is loaded already"
else
	run_nsrun run "$(mkcfg t-vnotgt "$(vroot "$V/app.sqfs" "$APPEND")")"
	expect_rc 125 && one_line ': root\.verity: this kernel.s device-mapper has no verity target \(CONFIG_DM_VERITY'
	[ ! -e /sys/module/dm_verity ] || bad "nsrun loaded dm-verity"
fi
end
insmod_upto dm-verity

begin verity_appended_runs
run_nsrun run "$(mkcfg t-vapp "$(vroot "$V/app.sqfs" "$APPEND")" "$(process /bin/payload exit 42)")"
expect_rc 42 && expect_eq stderr "$ERR" ""
end

begin verity_data_intact_root_on_dm
run_nsrun run "$(mkcfg t-vdata "$(vroot "$V/app.sqfs" "$APPEND")" \
	"$(process /bin/sh -c 'md5sum /aaa/blob; grep " / / " /proc/self/mountinfo')")"
if expect_rc 0; then
	expect_eq "md5 of /aaa/blob" "$(echo "$OUT" | sed -n 's| .*/aaa/blob$||p')" "$(cat "$V/blob.md5")"
	expect_line "/ in mountinfo" "$OUT" ' / / .* - squashfs /dev/dm-[0-9]+ '
fi
end

begin verity_own_hash_file_with_overlay
run_nsrun run "$(mkcfg t-vsep "$(vroot "$V/sep.sqfs" "\"root_hash\": \"$SEPHASH\", \"hash_image\": \"$V/sep.hash\"" 4M)" \
	"$(process /bin/sh -c 'echo x >/new && cat /new && head -c 100 /aaa/blob | wc -c')")"
expect_rc 0 && expect_eq stdout "$OUT" "$(printf 'x\n100')"
end

begin verity_two_share_one_device
cfg=$(mkcfg t-vsh1 "$(vroot "$V/app.sqfs" "$APPEND")" "$(process /bin/payload sleep 4000)")
"$NSRUN" run "$cfg" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
bg=$!
i=0
while [ ! -e "$RUNDIR/t-vsh1.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.3
run_nsrun run "$(mkcfg t-vsh2 "$(vroot "$V/app.sqfs" "$APPEND")" \
	"$(process /bin/sh -c 'ls /sys/block | grep -c "^dm-"')")"
expect_rc 0 && expect_eq "dm devices while both run" "$OUT" 1
wait "$bg"
st=$?
[ "$st" = 0 ] || bad "the first container exited $st: $(brief "$T/bg.err")"
end

begin verity_verified_and_unverified_at_once
cfg=$(mkcfg t-vboth "$(vroot "$V/app.sqfs" "$APPEND")" "$(process /bin/payload sleep 3000)")
"$NSRUN" run "$cfg" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
bg=$!
sleep 1
run_nsrun run "$(mkcfg t-vplain "\"root\": {\"image\": \"$V/app.sqfs\"}" \
	"$(process /bin/sh -c 'grep " / / " /proc/self/mountinfo')")"
expect_rc 0 && expect_line "unverified / is a loop device" "$OUT" ' - squashfs /dev/loop[0-9]+ '
wait "$bg" || bad "the verified container failed: $(brief "$T/bg.err")"
end

begin verity_wrong_root_hash
run_nsrun run "$(mkcfg t-vwrong "$(vroot "$V/app.sqfs" "\"root_hash\": \"$SEPHASH\", \"hash_offset\": $OFF")")"
expect_rc 125 && one_line "^nsrun: .*: root\\.verity: $V/app\\.sqfs does not match its root hash \\(wrong root_hash or corrupted image\\)\$"
end

begin verity_corrupted_copy
run_nsrun run "$(mkcfg t-vbad "$(vroot "$V/bad.sqfs" "$APPEND")")"
expect_rc 125 && one_line "root\\.verity: $V/bad\\.sqfs does not match its root hash"
end

begin verity_corruption_met_by_the_app
run_nsrun run "$(mkcfg t-vlate "$(vroot "$V/late.sqfs" "$APPEND")" \
	"$(process /bin/sh -c 'cat /aaa/blob >/dev/null 2>&1; echo cat=$?')")"
expect_rc 0 && expect_eq stdout "$OUT" cat=1
one_line "^nsrun: .*: root\\.verity: $V/late\\.sqfs is corrupted \\(dm-verity refused a block\\)\$"
end

begin verity_untrusted_signature
run_nsrun run "$(mkcfg t-vsig "$(vroot "$V/app.sqfs" "$APPEND, \"signature\": \"$V/untrusted.sig\"")")"
expect_rc 125 && one_line 'root\.verity: .*signature'
end

begin verity_missing_hash_image
run_nsrun run "$(mkcfg t-vnohf "$(vroot "$V/sep.sqfs" "\"root_hash\": \"$SEPHASH\", \"hash_image\": \"$V/nonexistent\"")")"
expect_rc 125 && one_line 'root\.verity: open hash_image .*nonexistent: No such file'
end

begin verity_no_superblock_there
run_nsrun run "$(mkcfg t-vnosb "$(vroot "$V/app.sqfs" "\"root_hash\": \"$HASH\", \"hash_offset\": 4096")")"
expect_rc 125 && one_line 'root\.verity: .*app\.sqfs at 4096: no verity superblock there'
end

begin verity_algorithm_mismatch
run_nsrun run "$(mkcfg t-valg "$(vroot "$V/app.sqfs" "\"root_hash\": \"$HASH$HASH\", \"algorithm\": \"sha512\", \"hash_offset\": $OFF")")"
expect_rc 125 && one_line "root\\.verity: .*verity superblock says sha256, root\\.verity\\.algorithm is sha512"
end

begin verity_repeated_starts
cfg=$(mkcfg t-vrep "$(vroot "$V/app.sqfs" "$APPEND")")
for i in 1 2 3 4 5 6; do
	run_nsrun run "$cfg"
	[ "$RC" = 0 ] || bad "start $i exited $RC: $(brief "$T/err")"
done
end

begin verity_sigkill_of_nsrun
cfg=$(mkcfg t-vkill "$(vroot "$V/app.sqfs" "$APPEND")" "$(process /bin/payload sleep 30000)")
"$NSRUN" run "$cfg" >"$T/bg.out" 2>"$T/bg.err" </dev/null &
bg=$!
i=0
while [ ! -e "$RUNDIR/t-vkill.pid" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.5
[ "$(dm_count)" = 1 ] || bad "$(dm_count) dm devices while it runs, want 1"
kill -KILL "$bg"
wait "$bg" 2>/dev/null
i=0
while [ "$(dm_count)" != 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run_nsrun state t-vkill          # the stale state file (the kill's own leftover) goes
end

# The variant builds are packed for the host's arch only (tests/vm/run).
if [ -x "$NOVERITY" ]; then
	begin verity_compiled_out
	NSRUN=$NOVERITY run_nsrun check "$(mkcfg t-vout "$(vroot "$V/app.sqfs" "$APPEND")")"
	NSRUN=$ROOT/nsrun
	expect_rc 1 && one_line "^nsrun: .*: root\\.verity: feature 'verity' was compiled out of this nsrun \\(see nsrun --version\\)\$"
	end
else
	echo "note: no $NOVERITY (a foreign arch's guest): verity_compiled_out runs on the host's arch"
fi
# The cost, measured (tests/bench/timeit, rounds interleaved A B, B A, ...):
# warm starts (the image's dm device or loop device and its superblock held
# by a container that keeps running) of the same image verified and
# unverified, then cold starts (fresh loops, dm device, superblock: nothing
# holds them; 100 ms between runs for the teardown).  Under TCG: the ratios
# are the result, not the times.  Prints notes and one PASS line when the
# measurements ran (no threshold: a benchmark, not a timed test).
begin verity_bench
TIMEIT=$ROOT/build/timeit
if [ -x "$TIMEIT" ]; then
	hold_v=$(mkcfg t-vholdv "$(vroot "$V/app.sqfs" "$APPEND")" "$(process /bin/payload sleep 600000)")
	hold_u=$(mkcfg t-vholdu "\"root\": {\"image\": \"$V/sep.sqfs\"}" "$(process /bin/payload sleep 600000)")
	"$NSRUN" run "$hold_v" >/dev/null 2>&1 </dev/null &
	hv=$!
	"$NSRUN" run "$hold_u" >/dev/null 2>&1 </dev/null &
	hu=$!
	sleep 1
	bv=$(mkcfg t-vbv "$(vroot "$V/app.sqfs" "$APPEND")")
	bu=$(mkcfg t-vbu "\"root\": {\"image\": \"$V/sep.sqfs\"}")
	printf 'verified\t%s run %s\nunverified\t%s run %s\n' "$NSRUN" "$bv" "$NSRUN" "$bu" >"$T/warm.spec"
	"$TIMEIT" -n 40 -w 5 -R verified/unverified "$T/warm.spec" >"$T/warm.tsv" 2>&1 || bad "timeit (warm) failed: $(brief "$T/warm.tsv")"
	kill "$hv" "$hu" 2>/dev/null
	wait "$hv" "$hu" 2>/dev/null
	sleep 0.5
	"$TIMEIT" -n 20 -w 2 -s 100 -R verified/unverified "$T/warm.spec" >"$T/cold.tsv" 2>&1 || bad "timeit (cold) failed: $(brief "$T/cold.tsv")"
	for k in warm cold; do
		awk -F'\t' -v k="$k" '$1 == "run" { printf "note: verity bench %s %s: median %.2f ms (min %.2f, max %.2f, %d runs, %d failed)\n", k, $2, $5 / 1e6, $6 / 1e6, $7 / 1e6, $3, $4 }
			$1 == "ratio" { printf "note: verity bench %s ratio %s/%s: median %.3f (paired min %.3f, max %.3f)\n", k, $2, $3, $5, $6, $7 }' "$T/$k.tsv"
	done
else
	bad "no $TIMEIT in the initramfs"
fi
end
exit 0
