#!/usr/bin/env bash
# bench/version_cost.sh: instructions per accepted call of 1.1 and of this
# version on the same world (callgrind, bench/callgrind.sh's method).
#
#   bench/version_cost.sh [--old REV] [--calls N] [--out DIR]
#
# 1. Builds the library of REV (default: the last 1.1 commit, 193e083) from
#    git into a copy of the PostgreSQL installation (the installed one keeps
#    this version's library).
# 2. On a throwaway cluster: database "cpu" at extension version 1.1 with
#    bench/run.sh's CPU world (15 000 orders, 30 000 requests) in the tables
#    of schema truck_accept; server stopped; (c) accept_truck_request and
#    noop counted with REV's library.
# 3. The same database updated to this version (ALTER EXTENSION UPDATE: the
#    same tables, rows and pages, now recorded in the catalog), vacuumed as
#    the world was before step 2; counted with this version's library.
# 4. For reference, a database made with create_tables() in public and the
#    same world (a world of its own: other pages).
# Prints one line per measurement and the ratio new/old, gross and net of
# noop; writes OUT/version_cost.txt (default bench/results/version-<time>/).
source "$(dirname "$0")/../scripts/lib.sh"

old_rev=193e083 calls=200 out=
while [ $# -gt 0 ]; do
	case $1 in
		--old) old_rev=$2; shift ;;
		--calls) calls=$2; shift ;;
		--out) out=$2; shift ;;
		*) ta_die "unknown option $1" ;;
	esac
	shift
done
bench=$TA_ROOT/bench
ta_ensure_deps
ta_build_install
command -v valgrind >/dev/null 2>&1 || ta_apt_install valgrind
out=${out:-$bench/results/version-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
chmod 777 "$out"
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"; ta_cluster_stop' EXIT

# 1. REV's library, in a copy of the installation
ta_log "building $old_rev's library"
mkdir -p "$tmp/src"
git -C "$TA_ROOT" archive "$old_rev" | tar -x -C "$tmp/src"
make -s -C "$tmp/src" PG_CONFIG="$PG_CONFIG" >/dev/null
libdir=$("$PG_CONFIG" --pkglibdir) sharedir=$("$PG_CONFIG" --sharedir)
mkdir -p "$tmp/pg$(dirname "$libdir")" "$tmp/pg$(dirname "$sharedir")"
cp -a "$(dirname "$libdir")/." "$tmp/pg$(dirname "$libdir")/"
cp -a "$sharedir" "$tmp/pg$(dirname "$sharedir")/"
cp "$tmp/src/truck_accept.so" "$tmp/pg$libdir/truck_accept.so"
old_bindir=$tmp/pg$PG_BINDIR

# 2. the 1.1 world
ta_cluster_start
createdb cpu
psql -X -q -d cpu -v ON_ERROR_STOP=1 -c "CREATE EXTENSION truck_accept VERSION '1.1'" >/dev/null
# bench/baselines.sql names the tables of create_tables() in public; here
# they are 1.1's, in truck_accept
sed 's/\bpublic\.\(orders\|truck_requests\|vehicles\|drivers\|assignments\|events\)\b/truck_accept.\1/g' \
	"$bench/baselines.sql" >"$tmp/baselines_1_1.sql"
psql -X -q -d cpu -v ON_ERROR_STOP=1 -f "$tmp/baselines_1_1.sql" \
	-c 'SELECT bench.make_world(15000, 2, 1, 15000, 15000)' -c 'VACUUM (ANALYZE)' >/dev/null
# 4's world, while the server runs
createdb cpu_new
psql -X -q -d cpu_new -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' \
	-c 'SELECT truck_accept.create_tables()' -f "$bench/baselines.sql" \
	-c 'SELECT bench.make_world(15000, 2, 1, 15000, 15000)' -c 'VACUUM (ANALYZE)' >/dev/null
ta_cluster_down fast
data=$TA_CLUSTER_DIR/data
for db in cpu cpu_new; do
	echo "orders=15000 rpo=2 needed=1 vehicles=15000" >"$out/world_$db.env"
done
mkdir -p "$out/old"
chmod 777 "$out/old"
cp "$out/world_cpu.env" "$out/old/"

: >"$out/version_cost.txt"
measure() { # LABEL BINDIR DB CONTENDER DIR
	local r
	r=$(PG_BINDIR=$2 "$bench/callgrind.sh" "$data" "$3" "$4" "$calls" "$5")
	echo "$1 $r" | tee -a "$out/version_cost.txt"
}
ta_log "$old_rev's library on the 1.1 world ($calls calls each)"
measure old "$old_bindir" cpu noop "$out/old"
measure old "$old_bindir" cpu c "$out/old"

# 3. the same database, updated
ta_cluster_up
# VACUUM: the old library's 210 rolled-back calls left dead tuples and index
# entries that would otherwise be the new one's extra work
psql -X -q -d cpu -v ON_ERROR_STOP=1 -c 'ALTER EXTENSION truck_accept UPDATE' \
	-c 'VACUUM (ANALYZE)' >/dev/null
new_version=$(psql -X -At -d cpu -c "SELECT extversion FROM pg_extension WHERE extname = 'truck_accept'")
ta_cluster_down fast
ta_log "this version ($new_version) on the same world, updated"
measure new "$PG_BINDIR" cpu noop "$out"
measure new "$PG_BINDIR" cpu c "$out"
ta_log "this version on create_tables() tables in public (a world of its own)"
measure public "$PG_BINDIR" cpu_new noop "$out"
measure public "$PG_BINDIR" cpu_new c "$out"

# ratios: field 5 of each line is instructions per call
awk -v old="$old_rev" -v new="$new_version" '
	{ ipc[$1 "/" $2] = $5 }
	END {
		printf "per accepted call: %s (1.1) %d, %s %d: %.4fx gross; net of noop %d vs %d: %.4fx\n",
			old, ipc["old/c"], new, ipc["new/c"], ipc["new/c"] / ipc["old/c"],
			ipc["old/c"] - ipc["old/noop"], ipc["new/c"] - ipc["new/noop"],
			(ipc["new/c"] - ipc["new/noop"]) / (ipc["old/c"] - ipc["old/noop"])
		printf "create_tables() in public: %d per call (net %d)\n",
			ipc["public/c"], ipc["public/c"] - ipc["public/noop"]
	}' "$out/version_cost.txt" | tee -a "$out/version_cost.txt"
