#!/usr/bin/env bash
# bench/run.sh: the benchmark of issue 5, every scenario for every contender,
# interleaved, then bench/REPORT.md and bench/storm.png.
#
#   bench/run.sh                 full mode (about 15 minutes on 2 cores)
#   bench/run.sh --quick         quick mode (under 2 minutes): 1 repetition, short runs,
#                                growth at 10^4 and 10^5 requests only
#   options: --reps N            repetitions (default 3, quick 1)
#            --no-install        do not build and install the extension; measure what the
#                                server's installation already has
#            --pg-bindir DIR     use the PostgreSQL installation of DIR (e.g. a copy made
#                                with cp -a, into which another build was installed)
#            --head              measure exactly the committed HEAD: a clean `git archive`
#                                export of HEAD is built and installed (make install
#                                DESTDIR=...) into a private copy of the PostgreSQL
#                                installation under /tmp, which the run then uses; the work
#                                tree (uncommitted changes of others included) and the
#                                system's installation are left alone
#            --report FILE       where the report goes (default bench/REPORT.md; the chart
#                                goes next to it as storm.png)
#
# Contenders: (a) the seed app's client-side SERIALIZABLE transaction with 3
# tries (a_app.pgbench), (b) the PL/pgSQL function bench.accept_plpgsql, (c)
# truck_accept.accept_truck_request, (d) the floor: the writes alone in one
# statement (baselines.sql).  Scenarios: storm, spread, CPU cost (pgbench and
# callgrind), growth.  Each pgbench run starts from the same state
# (bench.reset_world(), VACUUM, CHECKPOINT).  Raw data: bench/results/ (not
# committed).
source "$(dirname "$0")/../scripts/lib.sh"

quick=0 reps= install=1 pg_bindir= report= head=0
while [ $# -gt 0 ]; do
	case $1 in
		--quick) quick=1 ;;
		--head) head=1 ;;
		--reps) reps=$2; shift ;;
		--no-install) install=0 ;;
		--pg-bindir) pg_bindir=$2; shift ;;
		--report) report=$2; shift ;;
		*) ta_die "unknown option $1 (see the top of $0)" ;;
	esac
	shift
done
bench=$TA_ROOT/bench
report=${report:-$bench/REPORT.md}
chart=$(dirname "$report")/storm.png

# Scenario sizes.  Storm: a new hot order every $period_ms ms, each needs 3
# trucks and is broadcast as 6 requests; every call a fresh transporter.
period_ms=5
storm_conns="16 64 128"
spread_conns=8
if [ $quick = 1 ]; then
	reps=${reps:-1}
	storm_secs=3 spread_secs=2 cpu_secs=2 growth_secs=0
	storm_vehicles=40000 spread_orders=30000
	growth_sizes="10000 100000"
	cg_calls=30
else
	reps=${reps:-3}
	storm_secs=10 spread_secs=6 cpu_secs=5 growth_secs=3
	storm_vehicles=150000 spread_orders=80000
	growth_sizes="10000 100000 1000000"
	cg_calls=200
fi
cpu_requests=60000
storm_orders=$(((storm_secs * 1000 + 5000) / period_ms))

started=$(date +%s)   # the whole run: dependencies, build and install included
ta_ensure_deps
head_dir=
if [ $head = 1 ]; then
	[ -z "$pg_bindir" ] || ta_die "--head and --pg-bindir exclude each other"
	head_commit=$(git -C "$TA_ROOT" rev-parse --short HEAD)
	head_dir=$(mktemp -d /tmp/truck_accept_head.XXXXXX)
	trap 'rm -rf "$head_dir"' EXIT
	chmod 755 "$head_dir"
	ta_log "clean export of HEAD ($head_commit), built into a copy of the PostgreSQL installation in $head_dir"
	pg_prefix=$(dirname "$PG_BINDIR")             # /usr/lib/postgresql/15
	pg_share=$("$PG_CONFIG" --sharedir)           # /usr/share/postgresql/15
	mkdir -p "$head_dir/src" "$head_dir/inst$(dirname "$pg_prefix")" "$head_dir/inst$(dirname "$pg_share")"
	git -C "$TA_ROOT" archive HEAD | tar -x -C "$head_dir/src"
	cp -a "$pg_prefix" "$head_dir/inst$(dirname "$pg_prefix")/"
	cp -a "$pg_share" "$head_dir/inst$(dirname "$pg_share")/"
	make -C "$head_dir/src" -s PG_CONFIG="$PG_CONFIG" >/dev/null
	make -C "$head_dir/src" -s PG_CONFIG="$PG_CONFIG" DESTDIR="$head_dir/inst" install >/dev/null
	pg_bindir=$head_dir/inst$PG_BINDIR
	[ "$("$pg_bindir/pg_config" --sharedir)" = "$head_dir/inst$pg_share" ] ||
		ta_die "the copy of the installation does not find its own share directory"
	install=0
elif [ $install = 1 ]; then
	ta_build_install
fi
if [ -n "$pg_bindir" ]; then
	PG_BINDIR=$(cd "$pg_bindir" && pwd)
	PG_CONFIG=$PG_BINDIR/pg_config
	export PG_BINDIR PG_CONFIG PATH="$PG_BINDIR:$PATH"
fi
command -v gnuplot >/dev/null 2>&1 || ta_apt_install gnuplot-nox
command -v valgrind >/dev/null 2>&1 || ta_apt_install valgrind
command -v python3 >/dev/null 2>&1 || ta_apt_install python3
command -v pgbench >/dev/null 2>&1 || ta_die "no pgbench in $PG_BINDIR"

results=$bench/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$results"
chmod 777 "$results"
ta_cluster_start -c max_connections=300
# the copy of --head goes after the server it runs (ta_cluster_start's trap replaced)
[ -z "$head_dir" ] || trap 'ta_cluster_stop; rm -rf "$head_dir"' EXIT
{
	if [ $head = 1 ]; then
		echo "commit=$head_commit"
		echo "install=head"
	else
		echo "commit=$(git -C "$TA_ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$TA_ROOT" status --porcelain -- '*.c' '*.h' truck_accept--*.sql truck_accept.control Makefile 2>/dev/null | grep -q . && echo ' (work tree with uncommitted changes to the extension)')"
		echo "install=$install"
	fi
	echo "pg_bindir=$PG_BINDIR"
	echo "library=$(ls -l "$("$PG_BINDIR/pg_config" --pkglibdir)/truck_accept.so" 2>/dev/null)"
} >"$results/build.txt"

ta_log "contract of the PL/pgSQL baseline (bench/check_baseline.sh)"
"$bench/check_baseline.sh" --here | tee "$results/check_baseline.txt" ||
	ta_log "WARNING: the PL/pgSQL baseline (b) does not match the C function (see the report): the figures of (b) compare a different contract"

# ---------------------------------------------------------------- worlds
# make_db NAME ORDERS REQUESTS_PER_ORDER TRUCKS_NEEDED VEHICLES HISTORY_ORDERS
make_db() {
	local db=$1
	createdb "$db"
	psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()' -f "$bench/baselines.sql" \
		-c "SELECT bench.make_world($2, $3, $4, $5, $6)" -c 'VACUUM (ANALYZE)' >/dev/null
	echo "orders=$2 rpo=$3 needed=$4 vehicles=$5" >"$results/world_$db.env"
}
ta_log "worlds, built side by side: storm ($storm_orders orders x 6 requests, $storm_vehicles transporters), spread ($spread_orders one-truck orders), cpu ($cpu_requests requests), growth ($growth_sizes requests)"
world_pids=()
make_db storm "$storm_orders" 6 3 "$storm_vehicles" 0 & world_pids+=($!)
make_db spread "$spread_orders" 1 1 "$spread_orders" 0 & world_pids+=($!)
make_db cpu $((cpu_requests / 4)) 2 1 $((cpu_requests / 4)) $((cpu_requests / 4)) & world_pids+=($!)
for n in $growth_sizes; do
	make_db "g$n" $((n / 4)) 2 1 $((n / 4)) $((n / 4)) & world_pids+=($!)
done
for p in "${world_pids[@]}"; do
	wait "$p" || ta_die "building a world failed"
done
psql -X -At -d cpu -c 'SELECT bench.floor_sql()' >"$results/floor.sql"

# The pgbench scripts: the picker (storm, spread) or nothing (fixed call),
# then the contender.  (d) is the floor statement, from bench.floor_sql().
sed -e 's/\$1/:req/g; s/\$2/:tr/g; s/\$3/:veh/g; s/\$4/:drv/g' "$results/floor.sql" >"$results/floor.body"
{
	echo '-- (d) the floor (bench.floor_sql() in bench/baselines.sql), a prepared statement'
	echo '\if :rollback'; echo 'BEGIN;'; echo '\endif'
	cat "$results/floor.body"; echo ';'
	echo '\if :rollback'; echo 'ROLLBACK;'; echo '\endif'
} >"$results/d_floor.pgbench"
script_of() { # contender -> the file of its call
	case $1 in
		a) echo "$bench/a_app.pgbench" ;;
		b) echo "$bench/b_plpgsql.pgbench" ;;
		c) echo "$bench/c_extension.pgbench" ;;
		d) echo "$results/d_floor.pgbench" ;;
		e) echo "$bench/e_ceiling.pgbench" ;;
	esac
}
cat "$bench/pick_storm.pgbench" "$(script_of e)" >"$results/storm_e.pgbench"
for x in a b c d; do
	cat "$bench/pick_storm.pgbench" "$(script_of $x)" >"$results/storm_$x.pgbench"
	cat "$bench/pick_spread.pgbench" "$(script_of $x)" >"$results/spread_$x.pgbench"
	cp "$(script_of $x)" "$results/fixed_$x.pgbench"
done

uid() { local h; h=$(printf '%s%s' "$1" "$2" | md5sum | cut -c1-32); echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"; }
fixed_call() { # db -> pgbench -D options for request 0 of the middle live order
	# shellcheck disable=SC1090
	source "$results/world_$1.env"
	local i=$((orders / 2))
	echo "-D req=$(uid r $((i * rpo))) -D tr=$(uid t $i) -D veh=$(uid v $i) -D drv=$(uid d $i)"
}

reset_db() {
	psql -X -q -d "$1" -v ON_ERROR_STOP=1 -c 'SELECT bench.reset_world()' \
		-c 'VACUUM (ANALYZE) public.orders, public.truck_requests, public.vehicles, public.drivers, public.assignments' \
		-c 'CHECKPOINT' >/dev/null
}

# run_pgbench TAG DB CLIENTS SECS SCRIPT EXTRA...: one pgbench run; writes
# $results/TAG.{out,err,lat} and prints "answered failed tps p50_ms p99_ms"
run_pgbench() {
	local tag=$1 db=$2 clients=$3 secs=$4 script=$5 j=2
	shift 5
	[ "$clients" -lt 2 ] && j=1
	rm -f "$results/$tag".log*
	# shellcheck disable=SC2086
	pgbench -n -M prepared -d "$db" -c "$clients" -j $j -T "$secs" --max-tries=3 --failures-detailed \
		-l --log-prefix="$results/$tag.log" -f "$script" "$@" >"$results/$tag.out" 2>"$results/$tag.err" ||
		{ cat "$results/$tag.err" >&2; ta_die "pgbench $tag failed"; }
	grep -q 'aborted' "$results/$tag.err" && { head "$results/$tag.err" >&2; ta_die "pgbench $tag: a client aborted"; }
	# per-transaction log: client tx_no latency_us|failed|serialization|deadlock script epoch us retries
	cat "$results/$tag".log* | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n >"$results/$tag.lat"
	local answered failed tps p50 p99
	answered=$(wc -l <"$results/$tag.lat")
	failed=$(cat "$results/$tag".log* | awk '$3 !~ /^[0-9]+$/' | wc -l)
	rm -f "$results/$tag".log*
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$results/$tag.out")
	p50=$(awk -v n="$answered" 'NR == int(n * 0.50 + 0.5) || (n < 2 && NR == 1) {printf "%.2f", $1 / 1000; exit}' "$results/$tag.lat")
	p99=$(awk -v n="$answered" 'NR == int(n * 0.99 + 0.5) || (n < 2 && NR == 1) {printf "%.2f", $1 / 1000; exit}' "$results/$tag.lat")
	echo "$answered $failed ${tps:-0} ${p50:-0} ${p99:-0}"
}

# ---------------------------------------------------------------- 1. storm
storm_tsv=$results/storm.tsv
echo -e "rep\tconns\tcontender\tanswered\tfailed\tanswered_per_s\tp50_ms\tp99_ms\taccepted\torders_hot\tslots_wanted\tslots_filled\tunfilled_wanted\toverfilled\tviolations\tcalls" >"$storm_tsv"
for rep in $(seq 1 "$reps"); do
	for conns in $storm_conns; do
		# (e): the ceiling of this harness, the picker and a statement that does nothing
		for x in a b c e; do
			reset_db storm
			psql -X -q -d storm -c 'DELETE FROM bench.storm_clock' \
				-c "INSERT INTO bench.storm_clock VALUES (clock_timestamp() + interval '200 milliseconds', $period_ms)"
			r=$(run_pgbench "storm_${rep}_${conns}_$x" storm "$conns" "$storm_secs" "$results/storm_$x.pgbench" -D rollback=0)
			audit=$(psql -X -At -F ' ' -d storm -c "SELECT (SELECT count(*) FROM public.assignments WHERE status = 'active'), a.*, (SELECT last_value FROM bench.call_seq) FROM bench.storm_audit() a")
			read -r answered failed tps p50 p99 <<<"$r"
			echo -e "$rep\t$conns\t$x\t$answered\t$failed\t$tps\t$p50\t$p99\t${audit// /	}" >>"$storm_tsv"
			ta_log "storm rep $rep, $conns conns, ($x): $answered answered, $failed failed, $tps/s, p50 $p50 ms, p99 $p99 ms; accepted/hot orders/wanted/filled/unfilled/overfilled/violations/calls: $audit"
		done
	done
done

# ---------------------------------------------------------------- 2. spread
spread_tsv=$results/spread.tsv
echo -e "rep\tcontender\tanswered\tfailed\tanswered_per_s\tp50_ms\tp99_ms\taccepted\tviolations" >"$spread_tsv"
for rep in $(seq 1 "$reps"); do
	for x in a b c d; do
		reset_db spread
		r=$(run_pgbench "spread_${rep}_$x" spread "$spread_conns" "$spread_secs" "$results/spread_$x.pgbench" -D rollback=0)
		read -r answered failed tps p50 p99 <<<"$r"
		acc=$(psql -X -At -F ' ' -d spread -c "SELECT (SELECT count(*) FROM public.assignments WHERE status = 'active'), (SELECT count(*) FROM truck_accept.invariant_violations)")
		echo -e "$rep\t$x\t$answered\t$failed\t$tps\t$p50\t$p99\t${acc// /	}" >>"$spread_tsv"
		ta_log "spread rep $rep ($x): $answered answered, $failed failed, $tps/s; accepted, violations: $acc"
	done
done

# ---------------------------------------------------------------- 3. CPU cost (pgbench) and 4. growth (pgbench)
cpu_tsv=$results/cpu.tsv
echo -e "rep\tdb\tcontender\tcalls\tfailed\tcalls_per_s\tp50_ms\tp99_ms" >"$cpu_tsv"
cpu_dbs=cpu
[ "$growth_secs" -gt 0 ] && for n in $growth_sizes; do cpu_dbs="$cpu_dbs g$n"; done
for rep in $(seq 1 "$reps"); do
	for db in $cpu_dbs; do
		secs=$cpu_secs
		[ "$db" = cpu ] || secs=$growth_secs
		for x in a b c d; do
			# shellcheck disable=SC2046
			r=$(run_pgbench "cpu_${rep}_${db}_$x" "$db" 1 "$secs" "$results/fixed_$x.pgbench" -D rollback=1 $(fixed_call "$db"))
			read -r answered failed tps p50 p99 <<<"$r"
			echo -e "$rep\t$db\t$x\t$answered\t$failed\t$tps\t$p50\t$p99" >>"$cpu_tsv"
			ta_log "cpu rep $rep $db ($x): $tps calls/s, $failed failed"
		done
	done
done
for db in $cpu_dbs; do
	v=$(psql -X -At -d "$db" -c 'SELECT count(*) FROM truck_accept.invariant_violations')
	[ "$v" = 0 ] || ta_die "$db: $v invariant violations after rolled-back calls"
done

# settings and versions for the report, while the server is up
psql -X -At -d cpu -c 'SELECT version()' >"$results/version.txt"
psql -X -At -d cpu -c "SELECT extversion FROM pg_extension WHERE extname = 'truck_accept'" >"$results/extversion.txt"
psql -X -At -F ' = ' -d cpu -c "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', 'max_connections', 'work_mem', 'plan_cache_mode', 'jit', 'autovacuum', 'default_transaction_isolation', 'wal_level', 'max_wal_size', 'huge_pages') ORDER BY 1" >"$results/settings.txt"
for db in cpu $(for n in $growth_sizes; do echo "g$n"; done); do
	psql -X -At -F ' ' -d "$db" -c "SELECT '$db', (SELECT count(*) FROM public.orders), (SELECT count(*) FROM public.truck_requests), (SELECT count(*) FROM public.vehicles), (SELECT count(*) FROM public.drivers), (SELECT count(*) FROM public.assignments)"
done >"$results/world_sizes.txt"

# ---------------------------------------------------------------- 3b/4b. callgrind
ta_log "callgrind: stopping the server; single-user backends, $cg_calls calls each"
ta_cluster_down fast
cg_tsv=$results/callgrind.tsv
echo -e "db\tcontender\tcalls\tinstructions\tper_call" >"$cg_tsv"
for db in cpu $(for n in $growth_sizes; do echo "g$n"; done); do
	if [ $quick = 1 ]; then
		contenders="c"
		[ "$db" = cpu ] && contenders="noop b c d"
	else
		contenders="noop a b c d dfn"
		[ "$db" = cpu ] && contenders="noop a b c c_nonotify d dfn"
	fi
	for x in $contenders; do
		r=$("$bench/callgrind.sh" "$TA_CLUSTER_DIR/data" "$db" "$x" "$cg_calls" "$results") ||
			ta_die "callgrind $db ($x) failed (see $results/$db.$x.stderr)"
		read -r _ calls total per <<<"$r"
		echo -e "$db\t$x\t$calls\t$total\t$per" >>"$cg_tsv"
		ta_log "callgrind $db ($x): $per instructions per call"
	done
done
ta_cluster_up
elapsed=$(($(date +%s) - started))

# ---------------------------------------------------------------- report
ta_log "report: $report, chart: $chart"
mode=full
[ $quick = 1 ] && mode=quick
python3 "$bench/report.py" "$results" "$report" "$chart" "$mode" "$reps" "$elapsed" \
	"storm_secs=$storm_secs spread_secs=$spread_secs cpu_secs=$cpu_secs growth_secs=$growth_secs period_ms=$period_ms storm_conns='$storm_conns' spread_conns=$spread_conns cg_calls=$cg_calls storm_orders=$storm_orders storm_vehicles=$storm_vehicles spread_orders=$spread_orders growth_sizes='$growth_sizes'"
ta_log "done in ${elapsed}s: $report"
