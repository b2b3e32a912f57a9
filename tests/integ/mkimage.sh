#!/bin/bash
# images/mkimage.sh -s N, the owners shifted for a user namespace, on the build
# host (tests/vm/run leaves this file out of the VM tier's guest, which has no
# mksquashfs): a bad N is refused in one line and writes nothing; a squashfs
# image gets every owner shifted from a pseudo file, whoever builds it, names
# with spaces, quotes, backslashes and non-ASCII bytes included, setuid and
# setgid bits kept; a directory root is chown'ed, its setuid and setgid bits
# set again, and -s without root is refused; a container in a user namespace
# sees the shifted directory root's own owners.
. "$(dirname "$0")/../lib.sh"
require_root

MK=$ROOT/images/mkimage.sh
N=100000
ODD='sp ace "q" \b é [x]*'

# What the tests add to the image: a setuid and a setgid program, a file in
# www-data's home, a directory with an awkward name in it.
mkdir -p "$T/in/odd"
install -m 4755 "$PAYLOAD" "$T/in/suid"
install -m 2755 "$PAYLOAD" "$T/in/sgid"
echo page >"$T/in/page"
: >"$T/in/odd/$ODD"
ADDS=(-a "$T/in/suid=/bin/suid" -a "$T/in/sgid=/bin/sgid" -a "$T/in/page=/var/www/page.html"
	-a "$T/in/odd=/odd")
# A directory nobody can write to, for builds as nobody.
mkdir -m 1777 "$T/nob"

# as_nobody CMD...: CMD as uid and gid 65534, no supplementary groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# mk ARG...: images/mkimage.sh; sets RC, OUT, ERR.
mk() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# check_owners WHAT: stdin (not a pipe: WWW is set here) is "UID:GID PATH" lines (PATH relative to the
# root, "" for the root itself): www-data's home and what is in it must be
# N+33:N+33, the rest N:N; WWW is how many were www-data's.
check_owners() {
	local wrong
	wrong=$(awk -v n="$N" '{
			path = substr($0, length($1) + 2)
			w = (path ~ /^var\/www(\/|$)/)
			www += w
			if ($1 != (w ? (n + 33) ":" (n + 33) : n ":" n)) print
		} END { print "www=" www + 0 > "/dev/stderr" }' 2>"$T/www" | head -n 3 | tr '\n' '|')
	WWW=$(sed -n 's/^www=//p' "$T/www")
	[ -z "$wrong" ] || bad "$1: wrong owners: $wrong"
}

# The "UID:GID PATH" lines of a squashfs image, from unsquashfs's listing
# ("MODE UID/GID SIZE DATE TIME squashfs-root/PATH[ -> TARGET]").
sqfs_owners() {
	unsquashfs -lln "$1" |
		sed -E 's|^[^ ]+ ([0-9]+)/([0-9]+) +[0-9]+ [^ ]+ [^ ]+ squashfs-root/?(.*)$|\1:\2 \3|; s| -> .*||'
}

begin mkimage_shift_refuses_bad_values
for v in -1 abc 0100 1.5 4294901761 99999999999 ''; do
	mk "$MK" -s "$v" "$T/bad.sqfs"
	expect_rc 2
	expect_eq "-s '$v'" "$ERR" "mkimage.sh: -s $v: expected an integer from 0 to 4294901760"
	[ ! -e "$T/bad.sqfs" ] || bad "-s '$v' wrote $T/bad.sqfs"
done
mk as_nobody "$MK" -d -s 1 "$T/nob/dir"
expect_rc 2
expect_eq "-d -s as nobody" "$ERR" "mkimage.sh: -s with -d needs root (the directory's files are chown'ed)"
[ ! -e "$T/nob/dir" ] || bad "-d -s as nobody wrote $T/nob/dir"
end

begin mkimage_shift_squashfs
mk "$MK" -s "$N" "${ADDS[@]}" "$T/s.sqfs"
if expect_rc 0; then
	sqfs_owners "$T/s.sqfs" >"$T/owners"
	check_owners "shifted by $N" <"$T/owners"
	expect_eq "www-data's files" "$WWW" 3
	list=$(unsquashfs -lln "$T/s.sqfs")
	expect_line "the setuid program" "$list" '^-rwsr-xr-x [0-9/]+ .* squashfs-root/bin/suid$'
	expect_line "the setgid program" "$list" '^-rwxr-sr-x [0-9/]+ .* squashfs-root/bin/sgid$'
	expect_line "/tmp" "$list" '^drwxrwxrwt [0-9/]+ .* squashfs-root/tmp$'
	expect_line "/root" "$list" '^drwx------ [0-9/]+ .* squashfs-root/root$'
	grep -qxF "$N:$N odd/$ODD" "$T/owners" || bad "no odd/$ODD owned by $N:$N in the image"
fi
# The most N can be: nobody's files are then 4294967294, the last valid id.
mk "$MK" -s 4294901760 "$T/max.sqfs"
if expect_rc 0; then
	expect_line "-s 4294901760" "$(sqfs_owners "$T/max.sqfs")" "^4294901793:4294901793 var/www\$"
fi
end

# The pseudo file needs no root: nobody builds the same owners.  (Without
# the setuid and setgid programs: cp -p drops those bits when it cannot keep
# a file's owner.)
begin mkimage_shift_squashfs_as_nobody
mk as_nobody "$MK" -s "$N" -a "$T/in/page=/var/www/page.html" -a "$T/in/odd=/odd" "$T/nob/s.sqfs"
if expect_rc 0; then
	check_owners "built by nobody" < <(sqfs_owners "$T/nob/s.sqfs")
	expect_eq "www-data's files" "$WWW" 3
fi
end

begin mkimage_shift_directory
mk "$MK" -d -s "$N" "${ADDS[@]}" "$T/d"
if expect_rc 0; then
	check_owners "-d shifted by $N" < <(find "$T/d" -printf '%U:%G %P\n')
	expect_eq "www-data's files" "$WWW" 3
	expect_eq modes "$(cd "$T/d" && stat -c '%a %n' bin/suid bin/sgid tmp root var/www)" "4755 bin/suid
2755 bin/sgid
1777 tmp
700 root
700 var/www"
	[ -e "$T/d/odd/$ODD" ] || bad "no odd/$ODD in the directory"
fi
end

# The shifted directory root in a container: each file its own owner inside.
begin mkimage_shift_directory_in_userns
if [ -d "$T/d" ]; then
	cfg=$(mkcfg shift-dir root "{\"path\": \"$T/d\", \"overlay\": false}" \
		namespaces '["pid", "mount", "user"]' uid_map "[[0, $N, 65536]]" gid_map "[[0, $N, 65536]]" \
		process '{"args": ["/bin/busybox", "stat", "-c", "%n %u:%g", "/bin/busybox", "/bin/suid", "/var/www/index.html"]}')
	run_nsrun run "$cfg" </dev/null
	expect_rc 0 && expect_eq "owners inside" "$OUT" "/bin/busybox 0:0
/bin/suid 0:0
/var/www/index.html 33:33"
else
	bad "no shifted directory root (mkimage_shift_directory failed)"
fi
end
