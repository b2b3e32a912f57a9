# tests/debian-pkgs.sh — Debian package administration for build.sh (bash,
# sourced): apt-get update at most once, install only what is missing, add
# a foreign dpkg architecture, a deb-src entry, and Debian source packages
# extracted under build/src/.
#
# build.sh is its only reader; the other scripts go through `./build.sh deps
# PACKAGE...`, so every install waits for the dpkg lock the same way.
# Runs from the repository root; needs die STATUS MESSAGE from build.sh.
# shellcheck shell=bash

apt_fresh=0			# 1 once this process has run apt-get update

apt_update() {
	[ "$apt_fresh" = 1 ] && return 0
	# A mirror in mid-sync can make `apt-get update` fail for one index; a
	# retry usually clears it, and a real failure shows up at install time.
	apt-get update || { sleep 5; apt-get update; } ||
		echo "build.sh: warning: apt-get update failed; trying with the old indexes" >&2
	apt_fresh=1
}

need_pkgs() {			# need_pkgs PACKAGE...
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die 1 "need root to install: ${missing[*]}"
	apt_update
	# What the suite installs is for its own use: no package's service
	# (containerd's daemon, on a systemd host) is started on the machine.
	# invoke-rc.d and deb-systemd-invoke ask policy-rc.d; 101: "not now".
	# One of the machine's own is left alone (its policy applies).
	local policy=/usr/sbin/policy-rc.d ours=0 rc=0
	if [ ! -e $policy ]; then
		printf '#!/bin/sh\n# build.sh: no service starts during its install\nexit 101\n' >$policy &&
			chmod 755 $policy && ours=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o DPkg::Lock::Timeout=600 "${missing[@]}" || rc=$?
	[ $ours = 0 ] || rm -f $policy
	return $rc
}

# Multiarch packages (musl-dev:armhf) need their architecture known to dpkg,
# and apt needs that architecture's indexes.
add_dpkg_arch() {		# add_dpkg_arch DEBIAN-ARCH
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	[ "$(id -u)" = 0 ] || die 1 "need root to add the $1 architecture to dpkg"
	dpkg --add-architecture "$1"
	apt_fresh=0			# the new architecture needs its indexes
}

# ---- source packages ---------------------------------------------------------
has_deb_src() {
	grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*[[:space:]]deb-src([[:space:]]|$))' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# Debian 12 images here list only binary sources; a deb-src twin of the
# existing entries points at the same mirror, so no mirror is hard-coded.
add_deb_src() {
	local d=/etc/apt/sources.list.d
	if [ -f $d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' $d/debian.sources >$d/debian-src.sources.tmp
		mv $d/debian-src.sources.tmp $d/debian-src.sources
	elif grep -qs '^deb ' /etc/apt/sources.list; then	# one-line format (installer)
		sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >$d/debian-src.list.tmp
		mv $d/debian-src.list.tmp $d/debian-src.list
	else
		die 1 "no deb-src entry and no Debian source list to copy one from"
	fi
	apt_fresh=0			# the new entry needs its indexes
}

# Ready for `apt-get source`: dpkg-dev (dpkg-source extracts, and its xz-utils
# unpacks), a deb-src entry, fresh indexes.
deb_src_setup() {		# deb_src_setup WHAT (for the message)
	need_pkgs dpkg-dev xz-utils
	[ "$(id -u)" = 0 ] || die 1 "need root to fetch $1's source (once)"
	has_deb_src || add_deb_src
	apt_update
}

# build/src/NAME: Debian's source of package NAME, extracted with Debian's
# patches applied (never the .orig tarball next to it, which lacks them);
# its version is that of debian/changelog's first entry.  Not locked: the
# caller holds a lock of its own when several builds may start at once.
deb_source() {			# deb_source NAME
	[ -d "build/src/$1" ] && return 0
	deb_src_setup "$1"
	rm -rf "build/src/$1.tmp"
	mkdir -p "build/src/$1.tmp"
	(cd "build/src/$1.tmp" && apt-get source "$1")
	local d
	d=$(find "build/src/$1.tmp" -mindepth 1 -maxdepth 1 -type d | head -n 1)
	[ -n "$d" ] || die 1 "apt-get source $1 left no source tree"
	mv "$d" "build/src/$1"
	rm -rf "build/src/$1.tmp"
}

deb_source_version() {		# deb_source_version NAME
	dpkg-parsechangelog -l "build/src/$1/debian/changelog" -S Version
}
