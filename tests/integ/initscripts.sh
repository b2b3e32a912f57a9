#!/bin/bash
# The init-script examples of images/init: their syntax (sh -n), and the
# procd script sourced with stub config_* and procd_* functions that record
# what it asks procd for (OpenWrt's rc.common, functions.sh and procd.sh are
# not ours to ship, and the suite does not download them).
. "$(dirname "$0")/../lib.sh"
INIT=$ROOT/images/init

begin initscripts_syntax
for f in nsrun.procd nsrun-web.procd nsrun-web.sysv; do
	sh -n "$INIT/$f" 2>"$T/err" || bad "$f: sh -n: $(brief "$T/err")"
done
grep -qxF '::respawn:/usr/bin/nsrun run /etc/nsrun/web.json' "$INIT/inittab" || bad "inittab: no respawn line"
grep -qxF '::shutdown:/usr/bin/nsrun stop web' "$INIT/inittab" || bad "inittab: no shutdown line"
grep -qE "^config container 'web'$" "$INIT/nsrun.uci" || bad "nsrun.uci: no section for web"
end

# Three sections: web (defaults but its config), db (no respawn, 30 s), off
# (disabled): two instances, and the reload trigger on /etc/config/nsrun.
begin initscripts_procd_uci
out=$(sh -c '
	config_load() { echo "config_load $1"; }
	config_foreach() { for s in web db off; do "$1" "$s"; done; }
	config_get() { eval "v=\${UCI_$2_$3-}"; eval "$1=\${v:-\$4}"; }
	config_get_bool() { config_get "$@"; }
	UCI_web_config=/etc/nsrun/web.json UCI_db_respawn=0 UCI_db_term_timeout=30 UCI_off_enabled=0
	procd_open_instance() { echo "open $*"; }
	procd_set_param() { echo "param $*"; }
	procd_close_instance() { echo close; }
	procd_add_reload_trigger() { echo "trigger $*"; }
	. "$1"
	start_service
	service_triggers
' sh "$INIT/nsrun.procd" 2>&1)
expect_eq "procd calls" "$out" "config_load nsrun
open web
param command /usr/bin/nsrun run /etc/nsrun/web.json
param file /etc/nsrun/web.json
param respawn
param term_timeout 15
param stdout 1
param stderr 1
close
open db
param command /usr/bin/nsrun run /etc/nsrun/db.json
param file /etc/nsrun/db.json
param term_timeout 30
param stdout 1
param stderr 1
close
trigger nsrun"
end
