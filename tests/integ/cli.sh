#!/bin/bash
# The command line: usage errors, --help, --version, `check` on the sample
# configs, config errors (one line in the compilers' format: 125 from run,
# 1 from check, an unchanged host), builds without squashfs and verity, and failed
# starts that roll back.
. "$(dirname "$0")/../lib.sh"
require_root

NOSQ=$BUILD/nsrun-nosquashfs

# ---- usage -------------------------------------------------------------------

usage_case() {
	local test=$1
	shift
	begin "$test"
	run_nsrun "$@" </dev/null
	expect_rc 125
	expect_one_error '^nsrun: .*\(see nsrun --help\)$'
	expect_eq stdout "$OUT" ""
	end
}
usage_case usage_no_verb
usage_case usage_unknown_verb frob
usage_case usage_run_without_config run
usage_case usage_check_without_config check
usage_case usage_unknown_option --frob

begin help
run_nsrun --help </dev/null
expect_rc 0
expect_line "--help" "$OUT" 'nsrun run .*CONFIG'
expect_line "--help" "$OUT" 'nsrun check CONFIG'
end

# The README's CLI block is `nsrun --help`, pasted.
begin help_matches_readme
if [ ! -f "$ROOT/README.md" ]; then
	bad "README.md is missing"
else
	run_nsrun --help </dev/null
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		grep -qxF -- "$line" "$ROOT/README.md" || { bad "README.md lacks the --help line '$line'"; break; }
	done <<<"$OUT"
fi
end

begin version
run_nsrun --version </dev/null
expect_rc 0
first=$(head -n 1 <<<"$OUT")
[[ $first == "nsrun "* ]] || bad "first line '$first' does not start with 'nsrun '"
for f in +squashfs +userns +timens; do
	[[ " $OUT " == *" $f"[[:space:]]* ]] || bad "--version does not list $f: '$OUT'"
done
grep -qi cjson <<<"$OUT" || bad "--version does not name the cJSON version: '$OUT'"
end

# The README's config tables are the schema's (tests/schema.c prints them from
# nsrun.c's rows): every row there, word for word, and no row beside them; and
# the README names every feature --version lists.
begin readme_documents_config_and_features
TABLES=$BUILD/schema-readme.md        # build/schema readme (tests/run makes it)
if [ ! -s "$TABLES" ]; then
	bad "$TABLES is missing (tests/run makes it with build/schema readme)"
else
	cp "$TABLES" "$T/tables"
	[ "$(grep -c '^| `' "$T/tables")" -ge 40 ] || bad "schema readme printed only $(grep -c '^| `' "$T/tables") rows"
	while IFS= read -r line; do
		grep -qxF -- "$line" "$ROOT/README.md" || { bad "README.md lacks the schema's row '$line'"; break; }
	done <"$T/tables"
	# Rows of the config reference's tables (up to "### Inside") the schema has not.
	sed -n '/^## Config reference/,/^### Inside/p' "$ROOT/README.md" | grep '^| `' |
		while IFS= read -r line; do
			grep -qxF -- "$line" "$T/tables" || { echo "$line"; break; }
		done >"$T/stale"
	[ ! -s "$T/stale" ] || bad "README.md has a config row the schema lacks: $(cat "$T/stale")"
fi
run_nsrun --version
for f in $(sed -n 's/^  [+-]\([a-z_]*\) .*/\1/p' <<<"$OUT"); do
	grep -qF "\`$f\`" "$ROOT/README.md" || { bad "README.md does not document feature \`$f\`"; break; }
done
[ -n "$(sed -n 's/^  [+-]\([a-z_]*\) .*/\1/p' <<<"$OUT")" ] || bad "--version lists no feature rows"
end

# ---- the sample configs --------------------------------------------------------

for f in "$ROOT"/images/*.json; do
	begin "check_images_$(basename "$f" .json)"
	(cd "$ROOT" && timeout 30 "$NSRUN" check "images/$(basename "$f")" >"$T/out" 2>"$T/err" </dev/null)
	RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
	expect_rc 0
	expect_eq stderr "$ERR" ""
	end
done

# ---- config errors ---------------------------------------------------------------

# cfg_error TEST FILE LINE COL FIELD_REGEX [MESSAGE_REGEX]
# `check` exits 1 and `run` 125, each with the same single line
# "nsrun: FILE:LINE:COL: FIELD: ...", and the host is unchanged.
cfg_error() {
	local test=$1 file=$2 line=$3 col=$4 field=$5 msg=${6:-.} want check_err
	begin "$test"
	want="^nsrun: $file:$line:$col: $field"
	run_nsrun check "$file" </dev/null
	expect_rc 1
	expect_one_error "$want" && expect_line message "$ERR" "$msg"
	check_err=$ERR
	run_nsrun run "$file" </dev/null
	expect_rc 125
	expect_one_error "$want"
	expect_eq "run's message (vs check's)" "$ERR" "$check_err"
	end
}

f=$(mkcfg_raw unknown-key.json <<EOF
{
  "name": "t-cfgkey",
  "hostnme": "box",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_unknown_key "$f" 3 3 'hostnme: ' 'did you mean .?hostname'

f=$(mkcfg_raw bad-size.json <<EOF
{
  "name": "t-cfgsize",
  "root": {"image": "$IMG", "overlay": "64MB"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_bad_size "$f" 3 "$(col_of "$f" 3 '"64MB"')" 'root\.overlay: '

f=$(mkcfg_raw bad-tmpfs-size.json <<EOF
{
  "name": "t-cfgsize2",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "mounts": [
    {"type": "tmpfs", "target": "/tmp", "size": "-1"}
  ]
}
EOF
)
cfg_error config_bad_tmpfs_size "$f" 6 "$(col_of "$f" 6 '"-1"')" 'mounts\[0\]\.size: '

f=$(mkcfg_raw missing-root.json <<EOF
{
  "name": "t-cfgroot",
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_missing_root "$f" 1 1 'root: '

f=$(mkcfg_raw bad-name.json <<EOF
{
  "name": "Web!",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_bad_name "$f" 2 11 'name: '

f=$(mkcfg_raw long-name.json <<EOF
{
  "name": "abcdefghijklm",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_name_too_long "$f" 2 11 'name: '

f=$(mkcfg_raw dotdot.json <<EOF
{
  "name": "t-cfgdotdot",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "mounts": [
    {"type": "tmpfs", "target": "/tmp"},
    {"type": "tmpfs", "target": "/data/../etc"}
  ]
}
EOF
)
cfg_error config_dotdot_target "$f" 7 "$(col_of "$f" 7 '"/data/../etc"')" 'mounts\[1\]\.target: '

f=$(mkcfg_raw dup.json <<EOF
{
  "name": "t-cfgdup",
  "name": "t-cfgdup2",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_duplicate_key "$f" 3 3 'name: '

f=$(mkcfg_raw syntax.json <<EOF
{
  "name": "t-cfgsyntax",
  "root": {"image": "$IMG"}
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
cfg_error config_json_syntax "$f" 4 3 ''

f=$(mkcfg_raw hostname-no-uts.json <<EOF
{
  "name": "t-cfghost",
  "hostname": "box",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "namespaces": ["pid", "mount"]
}
EOF
)
# the key itself is what is wrong here (it needs its namespace): its position
cfg_error config_hostname_without_uts "$f" 3 3 'hostname: '

f=$(mkcfg_raw map-no-user.json <<EOF
{
  "name": "t-cfgmap",
  "root": {"image": "$IMG"},
  "process": {"args": ["/bin/payload", "exit", "0"]},
  "uid_map": [[0, 100000, 65536]]
}
EOF
)
cfg_error config_uid_map_without_user "$f" 5 3 'uid_map: '

# ---- check does not look at files; run does, and rolls back ------------------------

begin check_ignores_missing_files
f=$(mkcfg t-missimg root '{"image": "/nonexistent/nsrun-test.sqfs", "overlay": "8M"}')
run_nsrun check "$f" </dev/null
expect_rc 0 && expect_eq stderr "$ERR" ""
run_nsrun run "$f" </dev/null
expect_rc 125
expect_one_error '^nsrun: .*nonexistent/nsrun-test\.sqfs'
end

begin run_missing_bind_source_rolls_back
f=$(mkcfg t-missbind mounts '[{"type": "bind", "source": "/nonexistent/nsrun-src", "target": "/data"}]')
run_nsrun run "$f" </dev/null
expect_rc 125
expect_one_error '^nsrun: .*nonexistent/nsrun-src'
end

begin run_missing_rootdir_rolls_back
f=$(mkcfg t-missdir root '{"path": "/nonexistent/nsrun-root"}')
run_nsrun run "$f" </dev/null
expect_rc 125
expect_one_error '^nsrun: .*nonexistent/nsrun-root'
end

begin run_missing_config
run_nsrun run "$T/no-such-config.json" </dev/null
expect_rc 125
expect_one_error '^nsrun: .*no-such-config\.json'
end

begin config_too_large
f=$T/huge.json
{
	printf '{\n  "name": "t-huge",\n  "root": {"image": "%s"},\n' "$IMG"
	printf '  "process": {"args": ["/bin/payload", "exit", "0"], "env": ['
	for ((i = 0; i < 200; i++)); do printf '"V%d=%0400d", ' $i 0; done
	printf '"Z=1"]}\n}\n'
} >"$f"
run_nsrun check "$f" </dev/null
expect_rc 1
expect_one_error "^nsrun: $f"
end

# Relative file names in a config are relative to nsrun's working directory.
begin relative_image_path
f=$(mkcfg t-relimg root '{"image": "build/test.sqfs", "overlay": "8M"}' process '{"args": ["/bin/payload", "exit", "4"]}')
(cd "$ROOT" && timeout 30 "$NSRUN" run "$f" >"$T/out" 2>"$T/err" </dev/null)
RC=$? OUT=$(cat "$T/out") ERR=$(cat "$T/err")
expect_rc 4
end

# ---- a build without squashfs ----------------------------------------------------------

begin without_squashfs_version
if [ ! -x "$NOSQ" ]; then
	bad "$NOSQ is missing (tests/run builds it)"
else
	NSRUN=$NOSQ run_nsrun --version </dev/null
	expect_rc 0
	[[ " $OUT " == *" -squashfs"[[:space:]]* ]] || bad "--version does not show -squashfs: '$OUT'"
	[[ " $OUT " == *" +userns"[[:space:]]* ]] || bad "--version does not show +userns: '$OUT'"
fi
end

begin without_squashfs_refuses_image
f=$(mkcfg_raw nosquashfs.json <<EOF
{
  "name": "t-nosq",
  "root": {"image": "$IMG", "overlay": "8M"},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
if [ -x "$NOSQ" ]; then
	NSRUN=$NOSQ run_nsrun check "$f" </dev/null
	expect_rc 1
	expect_one_error "^nsrun: $f:3:[0-9]+: root\\.image: .*squashfs.*nsrun --version"
	NSRUN=$NOSQ run_nsrun run "$f" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: $f:3:[0-9]+: root\\.image: .*squashfs"
else
	bad "$NOSQ is missing"
fi
end

# root.verity: refused where it stands by a build without it; on a host
# whose kernel has no device-mapper (this build host's), one line at run and
# nothing left (the VM tier, tests/vm/guest/55-verity.sh, runs the rest).
NOVERITY=$BUILD/nsrun-noverity
begin without_verity_refuses_the_key
f=$(mkcfg_raw noverity.json <<EOF
{
  "name": "t-nover",
  "root": {"image": "$BUILD/verity/app.sqfs",
    "verity": {"root_hash": "$(cat "$BUILD/verity/app.roothash" 2>/dev/null)", "hash_offset": $(cat "$BUILD/verity/app.offset" 2>/dev/null || echo 4096)}},
  "process": {"args": ["/bin/payload", "exit", "0"]}
}
EOF
)
if [ -x "$NOVERITY" ]; then
	NSRUN=$NOVERITY run_nsrun check "$f" </dev/null
	expect_rc 1
	expect_one_error "^nsrun: $f:4:5: root\\.verity: feature 'verity' was compiled out of this nsrun \\(see nsrun --version\\)\$"
	NSRUN=$NOVERITY run_nsrun --version </dev/null
	[[ " $OUT " == *" -verity"[[:space:]]* ]] || bad "--version does not show -verity: '$OUT'"
else
	bad "$NOVERITY is missing (tests/run builds it)"
fi
run_nsrun check "$f" </dev/null
expect_rc 0
end

begin verity_without_device_mapper
if grep -qw device-mapper /proc/misc; then
	echo "note: this kernel has device-mapper: the VM tier covers root.verity's runs"
else
	run_nsrun run "$f" </dev/null
	expect_rc 125
	expect_one_error "^nsrun: $f: root\\.verity: this kernel has no device-mapper \\(CONFIG_BLK_DEV_DM"
fi
end

begin without_squashfs_runs_dir_root
f=$(mkcfg t-nosqdir root "{\"path\": \"$ROOTDIR\", \"overlay\": \"8M\"}" process '{"args": ["/bin/payload", "exit", "7"]}')
if [ -x "$NOSQ" ]; then
	NSRUN=$NOSQ run_nsrun run "$f" </dev/null
	expect_rc 7
else
	bad "$NOSQ is missing"
fi
end
