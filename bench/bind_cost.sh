#!/usr/bin/env bash
# bench/bind_cost.sh: instructions per accepted call on create_tables()'s
# tables and on the same world bound with bind() in Prisma's shape (callgrind,
# bench/callgrind.sh's method).
#
#   bench/bind_cost.sh [--calls N] [--out DIR]
#
# 1. On a throwaway cluster: database "cpu" with create_tables() in public
#    and bench/run.sh's CPU world (15 000 orders, 30 000 requests), VACUUM
#    FULL; server stopped; noop and (c) accept_truck_request counted.
# 2. The same rows made into an application's tables as Prisma makes them
#    (stress/prisma_shape.sql):
#    tables "Order", "TruckRequest", "Vehicle", "Driver", "Assignment";
#    camelCase columns; statuses as UPPERCASE enums; time stamps as
#    timestamp(3) in UTC, "updatedAt" without a default; text ids, about
#    half of them legacy cuid-style ones; then recorded with
#    bind(naming => 'camelCase', add_invariants => true) (the events table
#    stays as it is), with the same CHECKs on statuses as in 1 (so that
#    both do the same work on every write), VACUUM FULL as in 1; counted
#    again, called through truck_accept_text with text ids (noopt, ct).
# Prints one line per measurement and the ratio bound/create_tables, gross
# and net of noop; writes OUT/bind_cost.txt (default
# bench/results/bind-<time>/).
source "$(dirname "$0")/../scripts/lib.sh"

calls=200 out=
while [ $# -gt 0 ]; do
	case $1 in
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
out=${out:-$bench/results/bind-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
chmod 777 "$out"
trap 'ta_cluster_stop' EXIT

ta_cluster_start
createdb cpu
psql -X -q -d cpu -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' \
	-c 'SELECT truck_accept.create_tables()' -f "$bench/baselines.sql" \
	-c 'SELECT bench.make_world(15000, 2, 1, 15000, 15000)' -c 'VACUUM (FULL, ANALYZE)' >/dev/null
echo "orders=15000 rpo=2 needed=1 vehicles=15000" >"$out/world_cpu.env"
ta_cluster_down fast
data=$TA_CLUSTER_DIR/data

: >"$out/bind_cost.txt"
measure() { # LABEL CONTENDER
	local r
	r=$(PG_BINDIR=$PG_BINDIR "$bench/callgrind.sh" "$data" cpu "$2" "$calls" "$out")
	echo "$1 $r" | tee -a "$out/bind_cost.txt"
}
ta_log "create_tables()'s tables ($calls calls each)"
measure create_tables noop
measure create_tables c

ta_cluster_up
ta_log "the same rows, in Prisma's shape, bound with bind()"
PGOPTIONS="-c client_min_messages=warning" psql -X -q -d cpu -v ON_ERROR_STOP=1 \
	-f "$TA_ROOT/stress/prisma_shape.sql" -c 'VACUUM (FULL, ANALYZE)' >/dev/null
ta_cluster_down fast
measure bound noopt
measure bound ct

# ratios: field 5 of each line is instructions per call
awk '
	{ ipc[$1 "/" $2] = $5 }
	END {
		printf "per accepted call: create_tables() %d, bound %d: %.4fx gross; net of noop %d vs %d: %.4fx\n",
			ipc["create_tables/c"], ipc["bound/ct"], ipc["bound/ct"] / ipc["create_tables/c"],
			ipc["create_tables/c"] - ipc["create_tables/noop"], ipc["bound/ct"] - ipc["bound/noopt"],
			(ipc["bound/ct"] - ipc["bound/noopt"]) / (ipc["create_tables/c"] - ipc["create_tables/noop"])
	}' "$out/bind_cost.txt" | tee -a "$out/bind_cost.txt"
