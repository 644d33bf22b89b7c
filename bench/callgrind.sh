#!/usr/bin/env bash
# bench/callgrind.sh: instructions per call of one contender, counted by
# valgrind's callgrind on a single-user backend (postgres --single), which
# is repeatable (to ~2% between freshly built worlds: random ids land in
# different index pages) where wall-clock figures on a shared 2-core VM are not.
#
#   bench/callgrind.sh DATADIR DB CONTENDER N OUTDIR [IDX]
#
# DATADIR is a stopped cluster's data directory (bench/run.sh stops its
# throwaway server first), DB a database made by bench.make_world(), CONTENDER
# one of noop a b c c_nonotify d dfn, or noopt ct (noop and c with text ids,
# on the world made into Prisma's shape by stress/prisma_shape.sql).  The call is the same every time and is
# rolled back, so the state never changes: request 0 of live order IDX
# (default: the middle one), transporter/vehicle/driver IDX, all free.
#
# Method.  stdin gets, one statement per line: PREPARE of the contender's
# statement(s); 10 warm-up calls (plans prepared, caches filled, the first 5
# custom plans past); SELECT pg_sleep(0); N measured calls; SELECT
# pg_sleep(0).  Each call is one line "BEGIN; EXECUTE ...; ROLLBACK;".
# callgrind runs with --dump-before=pg_sleep, so the second dump holds exactly
# the N measured calls (and one trivial statement): its total divided by N is
# the "gross" cost of a call, its statement and its transaction.  "noop"
# (BEGIN; EXECUTE of SELECT $1,$2,$3,$4; ROLLBACK) measures that frame alone;
# gross(x) - gross(noop) is the "net" cost of contender x.  The per-function
# profile of the same dump is kept (OUTDIR/CONTENDER.callgrind) for
# callgrind_annotate.
#
# Prints: CONTENDER N instructions_total instructions_per_call
set -euo pipefail
datadir=$1 db=$2 contender=$3 n=$4 outdir=$5 idx=${6:-}
: "${PG_BINDIR:?PG_BINDIR must name the PostgreSQL bin directory}"
warmup=10

uid() { # bench.uid(kind, i): md5(kind || i) as a uuid
	local h
	h=$(printf '%s%s' "$1" "$2" | md5sum | cut -c1-32)
	echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

# The world's shape, from the file bench/run.sh wrote next to the data.
# shellcheck disable=SC1090
source "$outdir/world_$db.env"   # orders rpo needed vehicles
[ -n "$idx" ] || idx=$((orders / 2))
req=$(uid r $((idx * rpo))) tr=$(uid t "$idx") veh=$(uid v "$idx") drv=$(uid d "$idx") ord=$(uid o "$idx")

# noopt and ct: the world made into Prisma's shape with text ids by
# stress/prisma_shape.sql, whose legacy() turned about half of the ids into
# cuid-style ones: the same ids, as it made them
legacy() {
	local h
	h=$(printf '%s' "$1" | md5sum | cut -c1-25)
	if [[ ${h:0:1} < 8 ]]; then echo "c${h:1:24}"; else echo "$1"; fi
}
case $contender in
noopt|ct)
	req=$(legacy "$req") tr=$(legacy "$tr") veh=$(legacy "$veh") drv=$(legacy "$drv") ord=$(legacy "$ord") ;;
esac

in=$outdir/$db.$contender.in
{
	case $contender in
	noop)
		echo "PREPARE x(uuid, uuid, uuid, uuid) AS SELECT \$1, \$2, \$3, \$4;"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	noopt)
		echo "PREPARE x(text, text, text, text) AS SELECT \$1, \$2, \$3, \$4;"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	ct)
		echo "PREPARE x(text, text, text, text) AS SELECT * FROM truck_accept_text.accept_truck_request(\$1, \$2, \$3, \$4);"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	c|c_nonotify)
		[ "$contender" = c_nonotify ] && echo "SET truck_accept.notify = off;"
		echo "PREPARE x(uuid, uuid, uuid, uuid) AS SELECT * FROM truck_accept.accept_truck_request(\$1, \$2, \$3, \$4);"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	b)
		echo "PREPARE x(uuid, uuid, uuid, uuid) AS SELECT * FROM bench.accept_plpgsql(\$1, \$2, \$3, \$4);"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	dfn)
		echo "PREPARE x(uuid, uuid, uuid, uuid) AS SELECT * FROM bench.accept_floor(\$1, \$2, \$3, \$4);"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	d)
		# the floor statement itself, text from bench.floor_sql() (saved by run.sh), on one line
		echo "PREPARE x(uuid, uuid, uuid, uuid) AS $(tr '\n\t' '  ' <"$outdir/floor.sql");"
		call="BEGIN; EXECUTE x('$req', '$tr', '$veh', '$drv'); ROLLBACK;" ;;
	a)
		# the statements of a_app.pgbench on the accept path, as the server sees them
		# (single-user mode has no round trips: this is (a)'s server-side cost only)
		cat <<SQL
PREPARE a1(uuid, uuid) AS SELECT COALESCE(r.order_id, '00000000-0000-0000-0000-000000000000') AS order_id, COALESCE(r.vehicle_type, '') AS vtype, CASE WHEN r.id IS NULL THEN 1 WHEN r.status = 'assigned' AND r.assigned_transporter_id = \$2 THEN 2 WHEN r.status = 'assigned' THEN 3 WHEN r.status <> 'searching' OR r.expires_at <= now() THEN 4 ELSE 0 END AS rc FROM (VALUES (1)) one LEFT JOIN public.truck_requests r ON r.id = \$1;
PREPARE a2(uuid) AS SELECT o.trucks_filled AS filled, o.trucks_needed AS needed, CASE WHEN o.status IN ('cancelled', 'expired', 'completed', 'fully_filled') OR o.trucks_filled >= o.trucks_needed THEN 5 ELSE 0 END AS oc FROM public.orders o WHERE o.id = \$1;
PREPARE a3(uuid, uuid, text) AS SELECT CASE WHEN v.id IS NULL THEN 6 WHEN v.transporter_id <> \$2 THEN 7 WHEN v.vehicle_type <> \$3 THEN 8 WHEN v.status <> 'available' THEN 9 ELSE 0 END AS vc FROM (VALUES (1)) one LEFT JOIN public.vehicles v ON v.id = \$1;
PREPARE a4(uuid, uuid) AS SELECT CASE WHEN d.id IS NULL THEN 10 WHEN d.transporter_id <> \$2 THEN 11 WHEN d.status <> 'available' THEN 12 ELSE 0 END AS dc FROM (VALUES (1)) one LEFT JOIN public.drivers d ON d.id = \$1;
PREPARE a5(uuid, uuid, uuid, uuid) AS WITH u AS (UPDATE public.truck_requests SET status = 'assigned', assigned_transporter_id = \$2, assigned_vehicle_id = \$3, assigned_driver_id = \$4, assigned_at = now(), updated_at = now() WHERE id = \$1 AND status = 'searching' RETURNING 1) SELECT count(*) AS n_req FROM u;
PREPARE a6(uuid, uuid, uuid, uuid, uuid) AS INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id, driver_id) VALUES (\$1, \$2, \$3, \$4, \$5) RETURNING id AS assignment_id, trip_id;
PREPARE a7(uuid, int, int) AS WITH u AS (UPDATE public.orders SET trucks_filled = \$2 + 1, status = CASE WHEN \$2 + 1 >= \$3 THEN 'fully_filled' ELSE 'partially_filled' END, updated_at = now() WHERE id = \$1 AND trucks_filled = \$2 RETURNING 1) SELECT count(*) AS n_ord FROM u;
PREPARE a8(uuid) AS UPDATE public.vehicles SET status = 'on_trip', updated_at = now() WHERE id = \$1;
PREPARE a9(uuid) AS UPDATE public.drivers SET status = 'on_trip', updated_at = now() WHERE id = \$1;
SQL
		call="BEGIN ISOLATION LEVEL SERIALIZABLE; EXECUTE a1('$req', '$tr'); EXECUTE a2('$ord'); EXECUTE a3('$veh', '$tr', 'open_17ft'); EXECUTE a4('$drv', '$tr'); EXECUTE a5('$req', '$tr', '$veh', '$drv'); EXECUTE a6('$req', '$ord', '$tr', '$veh', '$drv'); EXECUTE a7('$ord', 0, $needed); EXECUTE a8('$veh'); EXECUTE a9('$drv'); ROLLBACK;" ;;
	*) echo "unknown contender $contender" >&2; exit 2 ;;
	esac
	for _ in $(seq 1 $warmup); do echo "$call"; done
	echo "SELECT pg_sleep(0);"
	for _ in $(seq 1 "$n"); do echo "$call"; done
	echo "SELECT pg_sleep(0);"
} >"$in"

out=$outdir/$db.$contender.cg
rm -f "$out" "$out".*
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
chmod 644 "$in"
as_pg valgrind --tool=callgrind --dump-before=pg_sleep --callgrind-out-file="$out" \
	"$PG_BINDIR/postgres" --single -D "$datadir" -c shared_buffers=256MB -c fsync=off "$db" \
	<"$in" >"$outdir/$db.$contender.stdout" 2>"$outdir/$db.$contender.stderr"
if grep -q 'ERROR' "$outdir/$db.$contender.stdout" "$outdir/$db.$contender.stderr"; then
	echo "callgrind.sh: $contender on $db: the backend reported an error:" >&2
	grep -h 'ERROR' "$outdir/$db.$contender.stdout" "$outdir/$db.$contender.stderr" | head -5 >&2
	exit 1
fi
# the dump between the two markers
part=$out.2
[ -f "$part" ] || { echo "callgrind.sh: no dump $part" >&2; ls "$out"* >&2; exit 1; }
total=$(sed -n 's/^\(summary\|totals\): *\([0-9]*\).*/\2/p' "$part" | head -n 1)
mv "$part" "$outdir/$db.$contender.callgrind"
rm -f "$out" "$out".*
echo "$contender $n $total $((total / n))"
