#!/usr/bin/env bash
# scripts/check-dump-restore.sh: the business tables are the application's, so
# pg_dump and DROP EXTENSION treat them as such.  Part of scripts/test.sh; on
# a throwaway cluster of its own.  Prints "ok - ..." per check, then
# "dumps: PASS" or the FAIL lines, and exits non-zero on any failure.
#
#  1. A database made with CREATE EXTENSION and create_tables(), to whose
#     tables the application added a NOT NULL column with a default, an
#     index, a trigger, a CHECK and a row-security policy, with rows,
#     assignments, undelivered events and a grant.  A plain dump restored
#     with psql -f and a custom-format dump restored with pg_restore (both
#     stopping at the first error) each give a database with every row, every
#     application object, the catalog and the events sequence's position, in
#     which the functions work at once.
#  2. The same round trip for a database updated from 1.1 (tables in schema
#     truck_accept).
#  3. DROP EXTENSION without CASCADE removes no row and no application
#     object; an application view on the extension's audit view makes it
#     refuse (CASCADE then drops that view, still no row); after CREATE
#     EXTENSION the tables are recorded again with one INSERT and work.
#  4. An EXECUTE-only API (create_api) owned by the tables' owner: after a
#     plain and a custom-format round trip its application role still wins
#     through the wrappers and still cannot read the tables.
#  5. An application's own tables in Prisma's shape (sql/include/
#     prisma_schema.sql) recorded with bind(): after a plain and a
#     custom-format round trip the bindings are the same, every row too, and
#     the functions work at once, writing the application's spellings.
#  6. The same with text ids (sql/include/prisma_text_schema.sql: cuid-style
#     ids, a text trip id), called through truck_accept_text.
source "$(dirname "$0")/lib.sh"

ta_ensure_deps
ta_build_install
ta_cluster_start
work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"; ta_cluster_stop' EXIT

status=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL: $*"; status=1; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# The application's world on tables in schema $2 of database $1, with what an
# application adds to its own tables.
make_world() {
	local db=$1 s=$2
	sql -d "$db" <<-SQL
	GRANT USAGE ON SCHEMA truck_accept TO dump_app;
	GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) TO dump_app;
	GRANT SELECT, INSERT ON $s.orders TO dump_app;
	-- what the application adds
	ALTER TABLE $s.orders ADD COLUMN customer_name text NOT NULL DEFAULT 'walk-in';
	CREATE INDEX orders_customer_name_idx ON $s.orders (customer_name);
	ALTER TABLE $s.vehicles ADD CONSTRAINT vehicles_type_not_empty CHECK (vehicle_type <> '');
	CREATE TABLE public.app_log (assignment_id uuid, logged_at timestamptz DEFAULT now());
	CREATE FUNCTION public.app_log_assignment() RETURNS trigger LANGUAGE plpgsql AS
		\$\$ BEGIN INSERT INTO public.app_log (assignment_id) VALUES (NEW.id); RETURN NULL; END \$\$;
	CREATE TRIGGER app_log_assignment AFTER INSERT ON $s.assignments
		FOR EACH ROW EXECUTE FUNCTION public.app_log_assignment();
	ALTER TABLE $s.orders ENABLE ROW LEVEL SECURITY;
	CREATE POLICY orders_app ON $s.orders TO dump_app USING (customer_name <> 'hidden');
	-- rows: 20 orders of 3 trucks, 4 requests each; 40 transporters
	INSERT INTO $s.orders (id, trucks_needed, customer_name)
	SELECT md5('o' || n)::uuid, 3, 'customer ' || n FROM generate_series(1, 20) n;
	INSERT INTO $s.truck_requests (id, order_id, vehicle_type)
	SELECT md5('r' || n || '-' || k)::uuid, md5('o' || n)::uuid, 'open_17ft'
	FROM generate_series(1, 20) n, generate_series(1, 4) k;
	INSERT INTO $s.vehicles (id, transporter_id, vehicle_type)
	SELECT md5('v' || t)::uuid, md5('t' || t)::uuid, 'open_17ft' FROM generate_series(1, 40) t;
	INSERT INTO $s.drivers (id, transporter_id)
	SELECT md5('d' || t)::uuid, md5('t' || t)::uuid FROM generate_series(1, 40) t;
	-- transporter t takes request (1 + (t-1) % 4) of order 1 + (t-1) / 2
	SELECT count(*) FROM (
		SELECT truck_accept.accept_truck_request(md5('r' || (1 + (t - 1) / 2) || '-' || (1 + (t - 1) % 4))::uuid,
			md5('t' || t)::uuid, md5('v' || t)::uuid, md5('d' || t)::uuid)
		FROM generate_series(1, 30) t) x;
	SELECT count(*) FROM truck_accept.release_truck_request(md5('r1-1')::uuid, md5('t1')::uuid);
	SELECT count(*) FROM truck_accept.complete_assignment(
		(SELECT a.id FROM $s.assignments a WHERE a.truck_request_id = md5('r2-3')::uuid AND a.status = 'active'));
	-- a consumer took the first five events; the rest wait in the outbox
	SELECT count(*) FROM truck_accept.take_events(5);
	SQL
}

# What must survive: every row of the six tables and of the application's
# log, the catalog, the application's objects on the tables, the grant and
# the events sequence's position.
fingerprint() {
	local db=$1 s=$2
	sql -d "$db" <<-SQL
	SELECT 'rows ' || (SELECT count(*) FROM $s.orders) || ' ' || (SELECT count(*) FROM $s.truck_requests)
		|| ' ' || (SELECT count(*) FROM $s.vehicles) || ' ' || (SELECT count(*) FROM $s.drivers)
		|| ' ' || (SELECT count(*) FROM $s.assignments) || ' ' || (SELECT count(*) FROM $s.events)
		|| ' ' || (SELECT count(*) FROM public.app_log);
	SELECT 'data ' || md5(concat_ws('|',
		(SELECT string_agg(to_jsonb(o)::text, ',' ORDER BY o.id) FROM $s.orders o),
		(SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY r.id) FROM $s.truck_requests r),
		(SELECT string_agg(to_jsonb(v)::text, ',' ORDER BY v.id) FROM $s.vehicles v),
		(SELECT string_agg(to_jsonb(d)::text, ',' ORDER BY d.id) FROM $s.drivers d),
		(SELECT string_agg(to_jsonb(a)::text, ',' ORDER BY a.id) FROM $s.assignments a),
		(SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY e.id) FROM $s.events e)));
	SELECT 'column ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' '
		|| pg_get_expr(d.adbin, d.adrelid)
	FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE a.attrelid = '$s.orders'::regclass AND a.attname = 'customer_name';
	SELECT 'index ' || count(*) FROM pg_indexes WHERE schemaname = '$s' AND indexname = 'orders_customer_name_idx';
	SELECT 'check ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'vehicles_type_not_empty';
	SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = '$s.assignments'::regclass AND NOT tgisinternal;
	SELECT 'policy ' || policyname || ' ' || qual || ' rls ' || (SELECT relrowsecurity FROM pg_class WHERE oid = '$s.orders'::regclass)
	FROM pg_policies WHERE schemaname = '$s' AND tablename = 'orders';
	SELECT 'grant ' || has_table_privilege('dump_app', '$s.orders', 'INSERT');
	SELECT 'sequence ' || last_value FROM $s.events_id_seq;
	-- last: gone after DROP EXTENSION
	SELECT 'catalog ' || string_agg(kind || '=' || relid::text, ',' ORDER BY kind) FROM truck_accept.bound_tables;
	SQL
}

# The functions work in a restored database at once: a free request is won,
# the waiting events are handed out, the sequence goes on, all is consistent.
works() {
	local db=$1 s=$2 what=$3 seq_before
	seq_before=$(sql -d "$db" -c "SELECT last_value FROM $s.events_id_seq")
	check "$what: accept wins a free request right after the restore" accepted \
		"$(sql -d "$db" -c "SELECT outcome FROM truck_accept.accept_truck_request(md5('r20-4')::uuid, md5('t40')::uuid, md5('v40')::uuid)")"
	check "$what: the new event continues the sequence" "$((seq_before + 1))" \
		"$(sql -d "$db" -c "SELECT max(id) FROM $s.events")"
	check "$what: take_events hands out the undelivered events" \
		"$(sql -d "$db" -c "SELECT count(*) FROM $s.events")" \
		"$(sql -d "$db" -c "SELECT count(*) FROM truck_accept.take_events(1000)")"
	check "$what: invariant_violations is empty" 0 \
		"$(sql -d "$db" -c "SELECT count(*) FROM truck_accept.invariant_violations")"
}

# round_trip SOURCE_DB SCHEMA WHAT
round_trip() {
	local src=$1 s=$2 what=$3 before
	before=$(fingerprint "$src" "$s")
	pg_dump -d "$src" -f "$work/$src.sql"
	pg_dump -d "$src" -Fc -f "$work/$src.dump"
	sql -c "CREATE DATABASE ${src}_plain" -c "CREATE DATABASE ${src}_custom"
	if psql -X -q -v ON_ERROR_STOP=1 -d "${src}_plain" -f "$work/$src.sql" >"$work/plain.log" 2>&1; then
		ok "$what: the plain dump restores with psql -f, no error"
	else
		fail "$what: psql -f of the plain dump: $(grep -m3 ERROR "$work/plain.log")"
	fi
	if pg_restore --exit-on-error -d "${src}_custom" "$work/$src.dump" >"$work/custom.log" 2>&1; then
		ok "$what: the custom-format dump restores with pg_restore, no error"
	else
		fail "$what: pg_restore: $(grep -m3 error "$work/custom.log")"
	fi
	echo "# $what, before the dump: $(echo "$before" | tr '\n' ';')"
	check "$what: plain restore keeps every row, object, grant and the catalog" "$before" "$(fingerprint "${src}_plain" "$s")"
	check "$what: custom restore keeps every row, object, grant and the catalog" "$before" "$(fingerprint "${src}_custom" "$s")"
	works "${src}_plain" "$s" "$what, plain"
	works "${src}_custom" "$s" "$what, custom"
}

# 1. create_tables() in public
sql -c "CREATE ROLE dump_app"
sql -c "CREATE DATABASE dump_new"
sql -d dump_new -c "CREATE EXTENSION truck_accept" -c "SELECT truck_accept.create_tables()"
make_world dump_new public >/dev/null
round_trip dump_new public "create_tables()"

# 2. updated from 1.1
sql -c "CREATE DATABASE dump_up"
sql -d dump_up -c "CREATE EXTENSION truck_accept VERSION '1.1'" -c "ALTER EXTENSION truck_accept UPDATE TO '2.0'"
make_world dump_up truck_accept >/dev/null
round_trip dump_up truck_accept "updated from 1.1"

# 3. DROP EXTENSION
before=$(fingerprint dump_new public | grep -v '^catalog')
sql -d dump_new -c "DROP EXTENSION truck_accept"
check "DROP EXTENSION keeps every row and application object" "$before" "$(fingerprint dump_new public 2>/dev/null | grep -v '^catalog')"
sql -d dump_new -c "CREATE EXTENSION truck_accept" \
	-c "INSERT INTO truck_accept.bound_tables (kind, relid)
		SELECT k, ('public.' || k)::regclass
		FROM unnest(ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events']) k"
works dump_new public "after DROP and CREATE EXTENSION and one INSERT into the catalog"
sql -d dump_new -c "CREATE VIEW public.app_audit AS SELECT * FROM truck_accept.invariant_violations"
before=$(fingerprint dump_new public | grep -v '^catalog')
if out=$(sql -d dump_new -c "DROP EXTENSION truck_accept" 2>&1); then
	fail "DROP EXTENSION without CASCADE dropped an extension an application view depends on"
else
	check "DROP EXTENSION without CASCADE refuses while an application view uses the audit view" \
		2BP01 "$(sql -d dump_new -v VERBOSITY=sqlstate -c "DROP EXTENSION truck_accept" 2>&1 | grep -o '2BP01' | head -1)"
fi
sql -d dump_new -c "SET client_min_messages = warning" -c "DROP EXTENSION truck_accept CASCADE"
check "DROP EXTENSION CASCADE drops the application's view on it" "" \
	"$(sql -d dump_new -c "SELECT to_regclass('public.app_audit')")"
check "DROP EXTENSION CASCADE keeps every row and application object" "$before" \
	"$(fingerprint dump_new public 2>/dev/null | grep -v '^catalog')"

# 4. An EXECUTE-only API (create_api) owned by the tables' owner
sql -c "CREATE ROLE dump_owner" -c "CREATE ROLE dump_api_app" -c "CREATE DATABASE dump_api"
sql -d dump_api >/dev/null <<-SQL
	CREATE EXTENSION truck_accept;
	CREATE SCHEMA biz AUTHORIZATION dump_owner;
	CREATE SCHEMA api AUTHORIZATION dump_owner;
	GRANT USAGE ON SCHEMA truck_accept TO dump_owner;
	GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA truck_accept TO dump_owner;
	SET ROLE dump_owner;
	SELECT truck_accept.create_tables('biz');
	SELECT truck_accept.create_api('api', 'dump_api_app');
	INSERT INTO biz.orders (id, trucks_needed) VALUES (md5('o1')::uuid, 2);
	INSERT INTO biz.truck_requests (id, order_id, vehicle_type)
	VALUES (md5('r1')::uuid, md5('o1')::uuid, 'open_17ft'), (md5('r2')::uuid, md5('o1')::uuid, 'open_17ft');
	INSERT INTO biz.vehicles (id, transporter_id, vehicle_type)
	VALUES (md5('v1')::uuid, md5('t1')::uuid, 'open_17ft'), (md5('v2')::uuid, md5('t2')::uuid, 'open_17ft');
	RESET ROLE;
	SET ROLE dump_api_app;
	SELECT outcome FROM api.accept_truck_request(md5('r1')::uuid, md5('t1')::uuid, md5('v1')::uuid);
	SQL
pg_dump -d dump_api -f "$work/dump_api.sql"
pg_dump -d dump_api -Fc -f "$work/dump_api.dump"
sql -c "CREATE DATABASE dump_api_plain" -c "CREATE DATABASE dump_api_custom"
psql -X -q -v ON_ERROR_STOP=1 -d dump_api_plain -f "$work/dump_api.sql" >"$work/plain.log" 2>&1 ||
	fail "EXECUTE-only API: psql -f of the plain dump: $(grep -m3 ERROR "$work/plain.log")"
pg_restore --exit-on-error -d dump_api_custom "$work/dump_api.dump" >"$work/custom.log" 2>&1 ||
	fail "EXECUTE-only API: pg_restore: $(grep -m3 error "$work/custom.log")"
for db in dump_api_plain dump_api_custom; do
	check "EXECUTE-only API, $db: the application role wins through the wrapper" "accepted 2/2" \
		"$(sql -d "$db" -c "SET ROLE dump_api_app" \
			-c "SELECT outcome || ' ' || trucks_filled || '/' || trucks_needed FROM api.accept_truck_request(md5('r2')::uuid, md5('t2')::uuid, md5('v2')::uuid)")"
	check "EXECUTE-only API, $db: the application role still cannot read the tables" 42501 \
		"$(sql -d "$db" -c "SET ROLE dump_api_app" -c "\\set VERBOSITY sqlstate" -c "SELECT count(*) FROM biz.orders" 2>&1 | grep -o 42501 | head -1)"
	check "EXECUTE-only API, $db: only the owner and the application role may execute the wrappers" \
		"7 0" "$(sql -d "$db" -c "SELECT count(*) FILTER (WHERE p.proacl = '{dump_owner=X/dump_owner,dump_api_app=X/dump_owner}') || ' ' ||
			count(*) FILTER (WHERE has_function_privilege('dump_app', p.oid, 'EXECUTE'))
			FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace")"
	check "EXECUTE-only API, $db: the wrappers are SECURITY DEFINER, owned by the tables' owner, search_path pinned" \
		"7 7 7" "$(sql -d "$db" -c "SELECT count(*) FILTER (WHERE p.prosecdef) || ' ' ||
			count(*) FILTER (WHERE pg_get_userbyid(p.proowner) = 'dump_owner') || ' ' ||
			count(*) FILTER (WHERE p.proconfig = '{\"search_path=pg_catalog, pg_temp\"}')
			FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace")"
done

# 5. bind() on an application's own tables in Prisma's shape
sql -c "CREATE DATABASE dump_bound"
PGOPTIONS="-c client_min_messages=warning" sql -d dump_bound >/dev/null <<-SQL
	CREATE EXTENSION truck_accept;
	\\i $TA_ROOT/sql/include/prisma_schema.sql
	SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
		naming => 'camelCase', add_invariants => true);
	INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt")
	SELECT md5('o' || n)::uuid, 2, now() FROM generate_series(1, 10) n;
	INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
	SELECT md5('r' || n || '-' || k)::uuid, md5('o' || n)::uuid, 'open_17ft', now()
	FROM generate_series(1, 10) n, generate_series(1, 3) k;
	INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "updatedAt")
	SELECT md5('v' || t)::uuid, md5('t' || t)::uuid, 'open_17ft', now() FROM generate_series(1, 20) t;
	SELECT count(*) FROM (
		SELECT truck_accept.accept_truck_request(md5('r' || (1 + (t - 1) / 2) || '-' || (1 + (t - 1) % 2))::uuid,
			md5('t' || t)::uuid, md5('v' || t)::uuid)
		FROM generate_series(1, 15) t) x;
	SELECT count(*) FROM truck_accept.take_events(3);
SQL
bound_state() {
	sql -d "$1" <<-SQL
	SELECT 'bindings ' || md5(string_agg(kind || relid::text || columns::text || statuses::text, ',' ORDER BY kind))
	FROM truck_accept.bound_tables;
	SELECT 'rows ' || md5(concat_ws('|',
		(SELECT string_agg(to_jsonb(o)::text, ',' ORDER BY o."id") FROM "Order" o),
		(SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY r."id") FROM "TruckRequest" r),
		(SELECT string_agg(to_jsonb(v)::text, ',' ORDER BY v."id") FROM "Vehicle" v),
		(SELECT string_agg(to_jsonb(a)::text, ',' ORDER BY a."id") FROM "Assignment" a),
		(SELECT string_agg(to_jsonb(e)::text, ',' ORDER BY e.id) FROM public.truck_accept_events e)));
	SQL
}
bound_before=$(bound_state dump_bound)
pg_dump -d dump_bound -f "$work/dump_bound.sql"
pg_dump -d dump_bound -Fc -f "$work/dump_bound.dump"
sql -c "CREATE DATABASE dump_bound_plain" -c "CREATE DATABASE dump_bound_custom"
psql -X -q -v ON_ERROR_STOP=1 -d dump_bound_plain -f "$work/dump_bound.sql" >"$work/plain.log" 2>&1 ||
	fail "bound tables: psql -f of the plain dump: $(grep -m3 ERROR "$work/plain.log")"
pg_restore --exit-on-error -d dump_bound_custom "$work/dump_bound.dump" >"$work/custom.log" 2>&1 ||
	fail "bound tables: pg_restore: $(grep -m3 error "$work/custom.log")"
for db in dump_bound_plain dump_bound_custom; do
	check "bound tables, $db: the bindings and every row are restored" "$bound_before" "$(bound_state "$db")"
	check "bound tables, $db: accept wins at once and writes the application's spellings" \
		"accepted ASSIGNED ON_TRIP ACTIVE" \
		"$(sql -d "$db" -c "SELECT outcome FROM truck_accept.accept_truck_request(md5('r9-3')::uuid, md5('t20')::uuid, md5('v20')::uuid)" \
			-c "SELECT (SELECT r.status FROM \"TruckRequest\" r WHERE r.id = md5('r9-3')::uuid)
			|| ' ' || (SELECT v.status FROM \"Vehicle\" v WHERE v.id = md5('v20')::uuid)
			|| ' ' || (SELECT a.status FROM \"Assignment\" a WHERE a.\"truckRequestId\" = md5('r9-3')::uuid)" | tr '\n' ' ' | sed 's/ $//')"
	check "bound tables, $db: take_events hands out the undelivered events, the audit is empty" "13 0" \
		"$(sql -d "$db" -c "SELECT (SELECT count(*) FROM truck_accept.take_events(100)) || ' ' || (SELECT count(*) FROM truck_accept.invariant_violations)")"
done

# 6. The same with text ids, through truck_accept_text
sql -c "CREATE DATABASE dump_text"
PGOPTIONS="-c client_min_messages=warning" sql -d dump_text >/dev/null <<-SQL
	CREATE EXTENSION truck_accept;
	\\i $TA_ROOT/sql/include/prisma_text_schema.sql
	SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
		naming => 'camelCase', add_invariants => true);
	INSERT INTO "Transporter" ("id") SELECT 'ct' || t FROM generate_series(1, 20) t;
	INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt")
	SELECT 'co' || n, 2, now() FROM generate_series(1, 10) n;
	INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
	SELECT 'cr' || n || '-' || k, 'co' || n, 'open_17ft', now()
	FROM generate_series(1, 10) n, generate_series(1, 3) k;
	INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "updatedAt")
	SELECT 'cv' || t, 'ct' || t, 'open_17ft', now() FROM generate_series(1, 20) t;
	SELECT count(*) FROM (
		SELECT truck_accept_text.accept_truck_request('cr' || (1 + (t - 1) / 2) || '-' || (1 + (t - 1) % 2),
			'ct' || t, 'cv' || t)
		FROM generate_series(1, 15) t) x;
	SELECT count(*) FROM truck_accept_text.take_events(3);
SQL
text_before=$(bound_state dump_text)
pg_dump -d dump_text -f "$work/dump_text.sql"
pg_dump -d dump_text -Fc -f "$work/dump_text.dump"
sql -c "CREATE DATABASE dump_text_plain" -c "CREATE DATABASE dump_text_custom"
psql -X -q -v ON_ERROR_STOP=1 -d dump_text_plain -f "$work/dump_text.sql" >"$work/plain.log" 2>&1 ||
	fail "text ids: psql -f of the plain dump: $(grep -m3 ERROR "$work/plain.log")"
pg_restore --exit-on-error -d dump_text_custom "$work/dump_text.dump" >"$work/custom.log" 2>&1 ||
	fail "text ids: pg_restore: $(grep -m3 error "$work/custom.log")"
for db in dump_text_plain dump_text_custom; do
	check "text ids, $db: the bindings and every row are restored" "$text_before" "$(bound_state "$db")"
	check "text ids, $db: accept wins at once through truck_accept_text, text ids out" \
		"accepted text ASSIGNED ON_TRIP ACTIVE" \
		"$(sql -d "$db" -c "SELECT outcome || ' ' || pg_typeof(assignment_id) FROM truck_accept_text.accept_truck_request('cr9-3', 'ct20', 'cv20')" \
			-c "SELECT (SELECT r.status FROM \"TruckRequest\" r WHERE r.id = 'cr9-3')
			|| ' ' || (SELECT v.status FROM \"Vehicle\" v WHERE v.id = 'cv20')
			|| ' ' || (SELECT a.status FROM \"Assignment\" a WHERE a.\"truckRequestId\" = 'cr9-3')" | tr '\n' ' ' | sed 's/ $//')"
	check "text ids, $db: take_events hands out the undelivered events, the audit is empty" "13 0" \
		"$(sql -d "$db" -c "SELECT (SELECT count(*) FROM truck_accept_text.take_events(100)) || ' ' || (SELECT count(*) FROM truck_accept_text.invariant_violations)")"
done

if [ "$status" -eq 0 ]; then
	echo "dumps: PASS"
else
	echo "dumps: FAIL"
fi
exit "$status"
