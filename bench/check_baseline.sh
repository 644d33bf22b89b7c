#!/usr/bin/env bash
# bench/check_baseline.sh: proves that the PL/pgSQL baseline (b),
# bench.accept_plpgsql, keeps the contract of truck_accept.accept_truck_request:
# runs the regression scenario sql/01_outcomes.sql (every outcome, its
# precedence, its messages, the side effects of accepted, rollback) once as
# it is and once with the function name replaced, each in a fresh database,
# and diffs the two outputs; diffs the public.events rows the two
# functions appended during that scenario (truck_accept 1.1: one "accepted"
# event per acceptance, in its transaction; compared up to the random
# assignment and trip ids, which must be those of the assignment the same
# transaction inserted); then checks SQLSTATE 22004 for NULL arguments, and
# that the NOTIFY payloads agree and equal the payload of the event row;
# last, that the floor (d), bench.floor_sql(), writes the same rows as an
# accepted call of (c).  Exits non-zero on any difference.
#
#   bench/check_baseline.sh            its own throwaway cluster (scripts/lib.sh)
#   bench/check_baseline.sh --here     against the server PGHOST/PGPORT/PGUSER name
#                                      (bench/run.sh calls it this way)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
own_cluster=0
if [ "${1:-}" != "--here" ]; then
	source "$here/../scripts/lib.sh"
	ta_ensure_deps
	ta_build_install
	ta_cluster_start
	own_cluster=1
fi
root=$(cd "$here/.." && pwd)
work=$(mktemp -d)
# (this trap replaces ta_cluster_start's: it must stop the cluster too)
trap 'rm -rf "$work"; if [ $own_cluster = 1 ]; then ta_cluster_stop; fi' EXIT
chmod 755 "$work"

status=0
run_case() { # $1 label, $2 function name
	local db=bench_check_$1
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$db"
	createdb "$db"
	psql -X -q -d "$db" -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()' -f "$here/baselines.sql" \
		-f - >/dev/null <<'SQL'
-- Copies of the rows appended to events and assignments, kept by triggers,
-- because sql/01_outcomes.sql truncates the tables at its end (TRUNCATE
-- fires no row trigger).  Rows of a rolled-back call vanish with it.
CREATE SCHEMA bench_check;
CREATE TABLE bench_check.events_log AS
	SELECT e.*, pg_current_xact_id() AS xid FROM public.events e WITH NO DATA;
CREATE TABLE bench_check.assignments_log AS
	SELECT a.*, pg_current_xact_id() AS xid FROM public.assignments a WITH NO DATA;
CREATE FUNCTION bench_check.log_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO bench_check.events_log SELECT NEW.*, pg_current_xact_id();
	RETURN NULL;
END $$;
CREATE FUNCTION bench_check.log_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO bench_check.assignments_log SELECT NEW.*, pg_current_xact_id();
	RETURN NULL;
END $$;
CREATE TRIGGER bench_check_log AFTER INSERT ON public.events
	FOR EACH ROW EXECUTE FUNCTION bench_check.log_events();
CREATE TRIGGER bench_check_log AFTER INSERT ON public.assignments
	FOR EACH ROW EXECUTE FUNCTION bench_check.log_assignments();
SQL
	sed "s/truck_accept\.accept_truck_request/$2/g" "$root/sql/01_outcomes.sql" >"$work/$1.sql"
	# as pg_regress runs a test: psql -a -q, messages in C
	PGOPTIONS="-c lc_messages=C -c client_min_messages=notice" \
		psql -X -a -q -d "$db" <"$work/$1.sql" >"$work/$1.out" 2>&1 || true
	sed -i "s/$2/@FN@/g" "$work/$1.out"
	# the events the scenario appended, in order, the random ids replaced by
	# whether they are those of the assignment the same transaction inserted
	# (an error lands in the file and fails the comparison below)
	psql -X -q -A -d "$db" -v ON_ERROR_STOP=1 >"$work/$1.events" 2>&1 <<'SQL' || true
SELECT e.event_type, e.order_id, e.request_id, e.transporter_id,
	   a.id IS NOT NULL AND a.truck_request_id = e.request_id AND a.order_id = e.order_id
		 AND a.transporter_id = e.transporter_id AND a.xid = e.xid AS assignment_of_the_call,
	   e.created_at = a.created_at AS created_with_it,
	   e.payload ->> 'assignment_id' = e.assignment_id::text AS payload_assignment_ok,
	   e.payload ->> 'trip_id' = a.trip_id::text AS payload_trip_ok,
	   e.payload - 'assignment_id' - 'trip_id' AS payload
  FROM bench_check.events_log e
  LEFT JOIN bench_check.assignments_log a ON a.id = e.assignment_id
 ORDER BY e.id;
SELECT count(*) AS assignments_inserted,
	   count(*) FILTER (WHERE EXISTS (SELECT FROM bench_check.events_log e
									  WHERE e.assignment_id = a.id)) AS with_their_event
  FROM bench_check.assignments_log a;
SQL
}
run_case c truck_accept.accept_truck_request
run_case b bench.accept_plpgsql
if diff -u "$work/c.out" "$work/b.out" >"$work/diff"; then
	grep -q "ERROR" "$work/b.out" && grep "ERROR" "$work/b.out" | sort | uniq -c
	echo "ok: sql/01_outcomes.sql gives the same output for bench.accept_plpgsql as for truck_accept.accept_truck_request ($(grep -c '^(1 row)' "$work/c.out") calls and checks)"
else
	echo "FAIL: sql/01_outcomes.sql differs between the C function and bench.accept_plpgsql:"
	cat "$work/diff"
	status=1
fi
nev=$(grep -c '^accepted|' "$work/c.events" || true)
if [ "$nev" -gt 0 ] && ! grep -q '|f|\|ERROR' "$work/c.events" && diff -u "$work/c.events" "$work/b.events" >"$work/diff_events"; then
	echo "ok: the two functions append the same public.events rows in sql/01_outcomes.sql ($nev \"accepted\" events, each in its call's transaction, naming the assignment it inserted; payloads equal up to the assignment and trip ids)"
else
	echo "FAIL: the events rows differ between the C function and bench.accept_plpgsql (or a check is false):"
	cat "$work/diff_events" 2>/dev/null || true
	echo "--- C function:"; cat "$work/c.events"
	status=1
fi
# and the C function still gives the committed expected output (minus pg_regress' own framing)
if ! diff -q <(sed "s/@FN@/truck_accept.accept_truck_request/g" "$work/c.out") "$root/expected/01_outcomes.out" >/dev/null; then
	echo "note: the C function's output differs from expected/01_outcomes.out (the diff above compares the two functions on the same server):"
	diff <(sed "s/@FN@/truck_accept.accept_truck_request/g" "$work/c.out") "$root/expected/01_outcomes.out" | head -20 || true
fi

# NULL arguments: 22004 naming the argument, for both
for f in truck_accept.accept_truck_request bench.accept_plpgsql; do
	got=$(psql -X -q -d bench_check_b -At 2>&1 <<SQL || true
\set ON_ERROR_STOP 0
\set VERBOSITY default
SELECT * FROM $f(NULL, gen_random_uuid(), gen_random_uuid());
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM $f(gen_random_uuid(), NULL, gen_random_uuid());
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM $f(gen_random_uuid(), gen_random_uuid(), NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM $f(NULL, NULL, NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SQL
)
	echo "$got" | sed -e 's/^.*ERROR: *//' -e '/^CONTEXT/d' -e '/^PL\/pgSQL/d' >"$work/nulls_$f"
done
if diff -u "$work/nulls_truck_accept.accept_truck_request" "$work/nulls_bench.accept_plpgsql"; then
	echo "ok: NULL arguments raise the same errors ($(grep -c 22004 "$work/nulls_bench.accept_plpgsql") x SQLSTATE 22004)"
else
	echo "FAIL: NULL arguments"
	status=1
fi

# NOTIFY payload: same keys, same values for the fields both can know; and
# the event row's payload is the NOTIFY payload, with the call's ids
payload() { # $1 function
	psql -X -q -d bench_check_b -At <<SQL
SELECT bench.make_world(1, 1, 2, 1);
-- the payload, not the default empty wake-up call (2.0)
SET truck_accept.notify_payload = full;
LISTEN truck_accept;
SELECT 'call:' || concat_ws(' ', outcome, assignment_id, trip_id) FROM $1(bench.uid('r', 0), bench.uid('t', 0), bench.uid('v', 0), bench.uid('d', 0));
SELECT 'event:' || payload::text FROM public.events ORDER BY id;
SELECT 'event_assignment:' || assignment_id FROM public.events ORDER BY id;
SQL
}
notified() { sed -n 's/.*notification "truck_accept" with payload "\(.*\)" received.*/\1/p'; }
out_c=$(payload truck_accept.accept_truck_request)
out_b=$(payload bench.accept_plpgsql)
pc=$(echo "$out_c" | notified)
pb=$(echo "$out_b" | notified)
norm() { sed -E 's/"(assignment_id|trip_id)":"[^"]*"/"\1":"X"/g'; }
if [ -n "$pc" ] && [ "$(echo "$pc" | norm)" = "$(echo "$pb" | norm)" ]; then
	echo "ok: NOTIFY payloads agree (up to the fresh assignment and trip ids): $(echo "$pb" | norm)"
else
	echo "FAIL: NOTIFY payloads differ"
	echo " C:        $pc"
	echo " PL/pgSQL: $pb"
	status=1
fi
for f in c b; do
	out=$out_c
	[ $f = b ] && out=$out_b
	p=$(echo "$out" | notified)
	ev=$(echo "$out" | sed -n 's/^event://p')
	ev_aid=$(echo "$out" | sed -n 's/^event_assignment://p')
	read -r outcome aid tid <<<"$(echo "$out" | sed -n 's/^call://p')"
	same=$(psql -X -q -d bench_check_b -At -c "SELECT '$p'::jsonb = '$ev'::jsonb AND '$ev'::jsonb ->> 'assignment_id' = '$aid' AND '$ev'::jsonb ->> 'trip_id' = '$tid'" 2>&1 || true)
	if [ "$outcome" = accepted ] && [ "$(echo "$ev" | wc -l)" = 1 ] && [ "$same" = t ] && [ "$ev_aid" = "$aid" ]; then
		echo "ok: ($f) one event row, its payload equal to the NOTIFY payload and naming the returned assignment and trip"
	else
		echo "FAIL: ($f) event row and NOTIFY payload: outcome $outcome, returned $aid $tid, notified $p, events: $ev (assignment_id $ev_aid)"
		status=1
	fi
done

# The floor (d) is a fair floor only if it writes what an accepted call of
# (c) writes: the same rows in every table, the same event (up to the random
# ids, and to the assignment's created_at/updated_at being now()).
written() { # $1: the call (a statement without its semicolon)
	psql -X -q -d bench_check_b -At -v ON_ERROR_STOP=1 <<SQL
SELECT bench.make_world(1, 1, 2, 1);
SELECT bench.floor_sql() AS floor_q \gset
PREPARE floor_d(uuid, uuid, uuid, uuid) AS :floor_q;
BEGIN;
$1 \\g /dev/null
SELECT 'request: ' || concat_ws(' ', status, assigned_transporter_id, assigned_vehicle_id, assigned_driver_id, assigned_at = now(), updated_at = now()) FROM public.truck_requests;
SELECT 'order: ' || concat_ws(' ', id, trucks_filled, trucks_needed, status, updated_at = now()) FROM public.orders;
SELECT 'vehicle: ' || concat_ws(' ', id, status, updated_at = now()) FROM public.vehicles;
SELECT 'driver: ' || concat_ws(' ', id, status, updated_at = now()) FROM public.drivers;
SELECT 'assignment: ' || concat_ws(' ', truck_request_id, order_id, transporter_id, vehicle_id, driver_id, status, created_at = now(), updated_at = now()) FROM public.assignments;
SELECT 'event: ' || concat_ws(' ', e.event_type, e.order_id, e.request_id, e.transporter_id, e.created_at = now(),
	   e.assignment_id = a.id, e.payload ->> 'assignment_id' = a.id::text, e.payload ->> 'trip_id' = a.trip_id::text,
	   e.payload - 'assignment_id' - 'trip_id')
  FROM public.events e LEFT JOIN public.assignments a ON true;
COMMIT;
SQL
}
call_args="bench.uid('r', 0), bench.uid('t', 0), bench.uid('v', 0), bench.uid('d', 0)"
w_c=$(written "SELECT outcome FROM truck_accept.accept_truck_request($call_args)" 2>&1 | grep -v '^$' || true)
w_d=$(written "EXECUTE floor_d($call_args)" 2>&1 | grep -v '^$' || true)
if [ "$w_c" = "$w_d" ] && echo "$w_c" | grep -q '^event: accepted .* t t t t {' && ! echo "$w_c" | grep -q ' f \|ERROR'; then
	echo "ok: the floor (d) writes what an accepted call of (c) writes (request, order, vehicle, driver, assignment, event; up to the random ids)"
else
	echo "FAIL: the floor (d) does not write what (c) writes:"
	diff <(echo "$w_c") <(echo "$w_d") || true
	status=1
fi

PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists bench_check_c
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists bench_check_b
exit $status
