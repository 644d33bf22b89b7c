# scripts/: dev tooling, not part of the installed extension. lib.sh is sourced by the others.
#
# Shared by the README's two commands (demo/run.sh, scripts/test.sh):
#   ta_ensure_deps     install what is missing (Debian packages), as root or via sudo
#   ta_build_install   build with PGXS (-Werror) and install into the detected
#                      PostgreSQL; with TA_PACKAGED=1 only check it is installed
#   ta_cluster_start   initdb + start a throwaway server (unix socket in a temp
#                      dir, a free port, run by a non-root user); it is stopped
#                      and removed when the calling script exits, also on failure
#
# After ta_cluster_start, PGHOST/PGPORT/PGUSER/PGDATABASE point at that server.

set -euo pipefail

TA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TA_ROOT

ta_log() { printf '==> %s\n' "$*" >&2; }
ta_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
ta_as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		ta_die "need root for: $* (run as root or install sudo)"
	fi
}

# The PostgreSQL major: the newest installed server's (asked of its own
# pg_config), else the one pg_config on PATH reports, else the one Debian's
# "postgresql" package would install.
ta_pg_major() {
	local v d best=
	for d in /usr/lib/postgresql/*/bin/pg_config; do
		[ -x "$d" ] || continue
		v=$("$d" --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p')
		if [ -n "$v" ] && { [ -z "$best" ] || [ "$v" -gt "$best" ]; }; then best=$v; fi
	done
	if [ -z "$best" ] && command -v pg_config >/dev/null 2>&1; then
		best=$(pg_config --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p')
	fi
	if [ -z "$best" ] && command -v apt-cache >/dev/null 2>&1; then
		best=$(apt-cache depends postgresql 2>/dev/null |
			sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -n 1)
	fi
	echo "$best"
}

# runuser lives in /usr/sbin, which is not on an ordinary user's PATH: look
# for it there too before deciding that util-linux is missing.
ta_runuser() {
	local d
	if command -v runuser 2>/dev/null; then return 0; fi
	for d in /usr/sbin /sbin; do
		if [ -x "$d/runuser" ]; then echo "$d/runuser"; return 0; fi
	done
	return 1
}

ta_apt_updated=
ta_apt_install() {
	if [ -z "$ta_apt_updated" ]; then
		ta_log "apt-get update"
		ta_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
		ta_apt_updated=1
	fi
	ta_log "apt-get install $*"
	ta_as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Install whatever is missing.  Each check looks at the file a package
# provides, so an installed machine costs no apt call at all.
ta_ensure_deps() {
	local need=() major
	command -v make >/dev/null 2>&1 || need+=(make)
	command -v gcc >/dev/null 2>&1 || need+=(gcc)
	ta_runuser >/dev/null || need+=(util-linux)
	[ ${#need[@]} -eq 0 ] || ta_apt_install "${need[@]}"
	need=()

	major=$(ta_pg_major)
	if [ -z "$major" ]; then
		# a fresh machine may have no package lists yet
		ta_apt_install postgresql-common
		major=$(ta_pg_major)
	fi
	[ -n "$major" ] || ta_die "cannot tell which PostgreSQL major to use"

	[ -x "/usr/lib/postgresql/$major/bin/postgres" ] || need+=("postgresql-$major")
	# server headers and PGXS (pgxs.mk and pg_isolation_regress come with the
	# client package, so look for the headers)
	[ -f "/usr/include/postgresql/$major/server/postgres.h" ] &&
		[ -f "/usr/lib/postgresql/$major/lib/pgxs/src/makefiles/pgxs.mk" ] &&
		[ -x "/usr/lib/postgresql/$major/lib/pgxs/src/test/isolation/pg_isolation_regress" ] ||
		need+=("postgresql-server-dev-$major")
	[ -f "/usr/share/postgresql/$major/extension/pgtap.control" ] || need+=("postgresql-$major-pgtap")
	command -v pg_prove >/dev/null 2>&1 || need+=(libtap-parser-sourcehandler-pgtap-perl)
	[ ${#need[@]} -eq 0 ] || ta_apt_install "${need[@]}"

	export PG_MAJOR=$major
	export PG_CONFIG=/usr/lib/postgresql/$major/bin/pg_config
	export PG_BINDIR
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	# psql, createdb, pgbench ... of this major first
	export PATH="$PG_BINDIR:$PATH"
	ta_log "PostgreSQL $("$PG_CONFIG" --version | sed 's/^PostgreSQL //') ($PG_CONFIG)"
}

# Build with -Werror (the project's own builds; a plain `make` only warns)
# and install.  With TA_PACKAGED=1 neither: the tests then run against the
# extension as a package installed it (scripts/matrix.sh does that with the
# Debian package), which must be there already.
ta_build_install() {
	if [ -n "${TA_PACKAGED:-}" ]; then
		local ext
		ext="$("$PG_CONFIG" --sharedir)/extension/truck_accept.control"
		[ -f "$ext" ] || ta_die "TA_PACKAGED is set but truck_accept is not installed ($ext is missing)"
		ta_log "TA_PACKAGED: testing the installed truck_accept ($ext), no build, no make install"
		return 0
	fi
	ta_log "build and install truck_accept"
	make -C "$TA_ROOT" -s PG_CONFIG="$PG_CONFIG" WERROR=1 >/dev/null
	ta_as_root make -C "$TA_ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
}

# A TCP port nobody listens on (the server itself listens only on its unix
# socket, whose name carries the port).
ta_free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	ta_die "no free port found"
}

# Run a command as the user that owns the throwaway cluster.
ta_as_pg() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && "$(ta_runuser)" -u "$TA_PG_OS_USER" -- "$@")
	else
		"$@"
	fi
}

TA_CLUSTER_DIR=
ta_cluster_stop() {
	local rc=$?
	if [ -n "$TA_CLUSTER_DIR" ] && [ -d "$TA_CLUSTER_DIR" ]; then
		if [ -f "$TA_CLUSTER_DIR/data/postmaster.pid" ]; then
			ta_as_pg "$PG_BINDIR/pg_ctl" -D "$TA_CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 ||
				ta_as_pg "$PG_BINDIR/pg_ctl" -D "$TA_CLUSTER_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
		fi
		if [ "${TA_KEEP_LOG:-}" != "" ] && [ -f "$TA_CLUSTER_DIR/server.log" ]; then
			cp "$TA_CLUSTER_DIR/server.log" "$TA_KEEP_LOG" 2>/dev/null || true
		fi
		rm -rf "$TA_CLUSTER_DIR"
		TA_CLUSTER_DIR=
	fi
	return $rc
}

# Extra server settings may be passed as arguments ("-c name=value" ...).
ta_cluster_start() {
	if [ "$(id -u)" = 0 ]; then
		# PostgreSQL refuses to run as root: use the "postgres" account the
		# Debian packages create.
		TA_PG_OS_USER=postgres
		id "$TA_PG_OS_USER" >/dev/null 2>&1 || ta_die "no \"postgres\" OS user to run the server as"
	else
		TA_PG_OS_USER=$(id -un)
	fi
	TA_CLUSTER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/truck_accept.XXXXXX")
	trap ta_cluster_stop EXIT
	trap 'exit 130' INT TERM
	chmod 755 "$TA_CLUSTER_DIR"
	[ "$(id -u)" = 0 ] && chown "$TA_PG_OS_USER" "$TA_CLUSTER_DIR"

	local port
	port=$(ta_free_port)
	ta_log "throwaway cluster in $TA_CLUSTER_DIR (port $port, server user $TA_PG_OS_USER)"
	ta_as_pg "$PG_BINDIR/initdb" -D "$TA_CLUSTER_DIR/data" -U postgres -A trust \
		-E UTF8 --locale=C.UTF-8 >"$TA_CLUSTER_DIR/initdb.log" 2>&1 ||
		{ cat "$TA_CLUSTER_DIR/initdb.log" >&2; ta_die "initdb failed"; }
	TA_CLUSTER_OPTS="-c listen_addresses='' -k $TA_CLUSTER_DIR -p $port -c max_connections=300 -c fsync=off -c shared_buffers=256MB $*"
	ta_cluster_up

	export PGHOST=$TA_CLUSTER_DIR PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	unset PGPASSWORD PGSERVICE PGOPTIONS || true
}

# (Re)start the throwaway cluster's server with the options it was created with.
ta_cluster_up() {
	ta_as_pg "$PG_BINDIR/pg_ctl" -D "$TA_CLUSTER_DIR/data" -l "$TA_CLUSTER_DIR/server.log" -w \
		-o "$TA_CLUSTER_OPTS" start >/dev/null ||
		{ tail -n 50 "$TA_CLUSTER_DIR/server.log" >&2; ta_die "server did not start"; }
}

# Stop the server with the given shutdown mode (fast, immediate ...).
ta_cluster_down() {
	ta_as_pg "$PG_BINDIR/pg_ctl" -D "$TA_CLUSTER_DIR/data" -m "$1" -w stop >/dev/null
}
