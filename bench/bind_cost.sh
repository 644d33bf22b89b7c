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
# 2. The same rows made into an application's tables as Prisma makes them:
#    tables "Order", "TruckRequest", "Vehicle", "Driver", "Assignment";
#    camelCase columns; statuses as UPPERCASE enums; time stamps as
#    timestamp(3) in UTC, "updatedAt" without a default; then recorded with
#    bind(naming => 'camelCase', add_invariants => true) (the events table
#    stays as it is), with the same CHECKs on statuses as in 1 (so that
#    both do the same work on every write), VACUUM FULL as in 1; counted
#    again.
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
psql -X -q -d cpu -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
BEGIN;
-- what names or compares the text statuses goes first, and comes back below
ALTER TABLE public.orders DROP CONSTRAINT orders_status_check,
	DROP CONSTRAINT orders_trucks_filled_check;
ALTER TABLE public.truck_requests DROP CONSTRAINT truck_requests_status_check,
	DROP CONSTRAINT truck_requests_assigned_check;
ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_status_check;
ALTER TABLE public.drivers DROP CONSTRAINT drivers_status_check;
ALTER TABLE public.assignments DROP CONSTRAINT assignments_status_check;
DROP INDEX public.assignments_one_active_per_request, public.assignments_one_active_per_vehicle,
	public.assignments_one_active_per_driver, public.truck_requests_searching_expires_at_idx,
	public.truck_requests_order_searching_idx;
DO $$
DECLARE
	t record;
	c record;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('orders', 'Order', 'OrderStatus',
			ARRAY['SEARCHING', 'PARTIALLY_FILLED', 'FULLY_FILLED', 'CANCELLED', 'EXPIRED', 'COMPLETED']),
		('truck_requests', 'TruckRequest', 'TruckRequestStatus',
			ARRAY['SEARCHING', 'ASSIGNED', 'CANCELLED', 'EXPIRED', 'COMPLETED']),
		('vehicles', 'Vehicle', 'VehicleStatus', ARRAY['AVAILABLE', 'ON_TRIP', 'MAINTENANCE', 'INACTIVE']),
		('drivers', 'Driver', 'DriverStatus', ARRAY['AVAILABLE', 'ON_TRIP', 'INACTIVE']),
		('assignments', 'Assignment', 'AssignmentStatus', ARRAY['ACTIVE', 'RELEASED', 'CANCELLED', 'COMPLETED']))
		AS v(old, new, enum, labels) LOOP
		EXECUTE format('CREATE TYPE public.%I AS ENUM (%s)', t.enum,
			(SELECT string_agg(quote_literal(l), ', ') FROM unnest(t.labels) l));
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status DROP DEFAULT', t.old);
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status TYPE public.%I USING upper(status)::public.%I',
			t.old, t.enum, t.enum);
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status SET DEFAULT %L', t.old, t.labels[1]);
		FOR c IN SELECT a.attname, a.atttypid FROM pg_attribute a
			WHERE a.attrelid = format('public.%I', t.old)::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
			IF c.atttypid = 'timestamptz'::regtype THEN
				EXECUTE format('ALTER TABLE public.%I ALTER COLUMN %I TYPE timestamp(3) USING %I AT TIME ZONE ''UTC''',
					t.old, c.attname, c.attname);
			END IF;
			IF c.attname = 'updated_at' THEN
				EXECUTE format('ALTER TABLE public.%I ALTER COLUMN updated_at DROP DEFAULT', t.old);
			END IF;
			IF c.attname LIKE '%\_%' THEN
				EXECUTE format('ALTER TABLE public.%I RENAME COLUMN %I TO %I', t.old, c.attname,
					lower(substr(c.attname, 1, 1)) || substr(replace(initcap(replace(c.attname, '_', ' ')), ' ', ''), 2));
			END IF;
		END LOOP;
		EXECUTE format('ALTER TABLE public.%I RENAME TO %I', t.old, t.new);
		-- the same checks on every write as create_tables()'s tables make
		EXECUTE format('ALTER TABLE public.%I ADD CHECK (status = ANY (%L::public.%I[]))',
			t.new, t.labels, t.enum);
	END LOOP;
END $$;
ALTER TABLE public."TruckRequest" ADD CHECK (status <> 'ASSIGNED'
	OR ("assignedTransporterId" IS NOT NULL AND "assignedVehicleId" IS NOT NULL
		AND "assignedAt" IS NOT NULL));
CREATE INDEX "TruckRequest_searching_expiresAt_idx" ON public."TruckRequest" ("expiresAt")
	WHERE status = 'SEARCHING';
CREATE INDEX "TruckRequest_order_searching_idx" ON public."TruckRequest" ("orderId", id)
	WHERE status = 'SEARCHING';
DELETE FROM truck_accept.bound_tables;
SELECT truck_accept.bind('public."Order"', 'public."TruckRequest"', 'public."Vehicle"',
	'public."Driver"', 'public."Assignment"', events => 'public.events',
	naming => 'camelCase', add_invariants => true);
COMMIT;
VACUUM (FULL, ANALYZE);
SQL
ta_cluster_down fast
measure bound noop
measure bound c

# ratios: field 5 of each line is instructions per call
awk '
	{ ipc[$1 "/" $2] = $5 }
	END {
		printf "per accepted call: create_tables() %d, bound %d: %.4fx gross; net of noop %d vs %d: %.4fx\n",
			ipc["create_tables/c"], ipc["bound/c"], ipc["bound/c"] / ipc["create_tables/c"],
			ipc["create_tables/c"] - ipc["create_tables/noop"], ipc["bound/c"] - ipc["bound/noop"],
			(ipc["bound/c"] - ipc["bound/noop"]) / (ipc["create_tables/c"] - ipc["create_tables/noop"])
	}' "$out/bind_cost.txt" | tee -a "$out/bind_cost.txt"
