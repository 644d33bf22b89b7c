#!/usr/bin/env bash
# bench/profile.sh: where the instructions of one truck_accept call go.
#
#   bench/profile.sh [--no-install] [--pg-bindir DIR] [--variant NAME=BINDIR]... [--out DIR]
#
# Starts a throwaway cluster, builds the CPU-cost world of bench/run.sh
# (60 000 requests), stops the server, and on a single-user backend (see
# bench/callgrind.sh):
#   1. instructions per call of noop, (b), (c), (c) with notify off, (d);
#   2. a breakdown of (c)'s accepted call, statement by statement: callgrind
#      dumps its counters each time the extension enters and leaves ta_exec()
#      (--dump-before/--dump-after=ta_exec), so that each SPI statement (lock
#      request, lock vehicle, lock driver, lock order, the write CTE) and each
#      stretch of C code between them is one dump; each dump is then split
#      with callgrind_annotate --inclusive=yes into plan cache (GetCachedPlan:
#      revalidation, generic/custom plan choice, planning), executor start,
#      run and end, and what inside them (row locks, updates, CHECK
#      constraints, FK triggers ...).  Needs ta_exec to be a function of its
#      own in the build (it is in truck_accept 1.0 at -O2).
#   3. for every --variant NAME=BINDIR (a copy of the PostgreSQL installation
#      with a modified truck_accept.so in its lib/), (c)'s instructions per
#      call, on the same data.
# Writes OUT/profile.md (default bench/results/profile-<time>/).
source "$(dirname "$0")/../scripts/lib.sh"

install=1 pg_bindir= out= variants=()
calls=200
while [ $# -gt 0 ]; do
	case $1 in
		--no-install) install=0 ;;
		--pg-bindir) pg_bindir=$2; shift ;;
		--variant) variants+=("$2"); shift ;;
		--out) out=$2; shift ;;
		--calls) calls=$2; shift ;;
		*) ta_die "unknown option $1" ;;
	esac
	shift
done
bench=$TA_ROOT/bench
ta_ensure_deps
[ $install = 1 ] && ta_build_install
if [ -n "$pg_bindir" ]; then
	PG_BINDIR=$(cd "$pg_bindir" && pwd)
	export PG_BINDIR PATH="$PG_BINDIR:$PATH"
fi
command -v valgrind >/dev/null 2>&1 || ta_apt_install valgrind
out=${out:-$bench/results/profile-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
chmod 777 "$out"
ta_cluster_start
createdb cpu
psql -X -q -d cpu -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()' -f "$bench/baselines.sql" \
	-c 'SELECT bench.make_world(15000, 2, 1, 15000, 15000)' -c 'VACUUM (ANALYZE)' >/dev/null
echo "orders=15000 rpo=2 needed=1 vehicles=15000" >"$out/world_cpu.env"
psql -X -At -d cpu -c 'SELECT bench.floor_sql()' >"$out/floor.sql"
ta_cluster_down fast
data=$TA_CLUSTER_DIR/data

ta_log "instructions per call ($calls calls each)"
: >"$out/totals.txt"
for x in noop b c c_nonotify d; do
	"$bench/callgrind.sh" "$data" cpu "$x" "$calls" "$out" | tee -a "$out/totals.txt"
done
for v in "${variants[@]}"; do
	name=${v%%=*} dir=${v#*=}
	mkdir -p "$out/$name"
	chmod 777 "$out/$name"
	cp "$out/world_cpu.env" "$out/floor.sql" "$out/$name/"
	r=$(PG_BINDIR=$dir "$bench/callgrind.sh" "$data" cpu c "$calls" "$out/$name")
	echo "variant:$name $r" | tee -a "$out/totals.txt"
done

ta_log "breakdown of (c) per statement"
n=12
cp "$out/cpu.c.in" "$out/breakdown.in"
# keep PREPARE, 10 warm-up calls, marker, $n calls, marker
awk -v n=$n '/pg_sleep/ {m++; print; next} m == 1 {if (++k > n) next} {print}' "$out/cpu.c.in" >"$out/breakdown.in"
chmod 644 "$out/breakdown.in"
rm -f "$out"/bd.cg*
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as_pg valgrind --tool=callgrind --dump-before=pg_sleep --dump-before=ta_exec --dump-after=ta_exec \
	--callgrind-out-file="$out/bd.cg" "$PG_BINDIR/postgres" --single -D "$data" -c shared_buffers=256MB cpu \
	<"$out/breakdown.in" >"$out/breakdown.stdout" 2>"$out/breakdown.stderr"
python3 "$bench/profile_breakdown.py" "$out" "$n" >"$out/profile.md"
cat "$out/profile.md"
ta_log "written: $out/profile.md"
