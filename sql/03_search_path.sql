-- 03_search_path: nothing a caller puts on search_path changes what the
-- function does: look-alike tables and a hostile "=" for uuid and text are
-- ignored, because every name and operator inside is schema-qualified.
\i sql/include/tables.sql
\set VERBOSITY terse

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-0000000000a1', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d2', 'open_17ft');

CREATE SCHEMA evil;
-- Look-alike tables that would accept anything.
CREATE TABLE evil.truck_requests (LIKE public.truck_requests INCLUDING ALL);
CREATE TABLE evil.orders (LIKE public.orders INCLUDING ALL);
CREATE TABLE evil.vehicles (LIKE public.vehicles INCLUDING ALL);
CREATE TABLE evil.drivers (LIKE public.drivers INCLUDING ALL);
CREATE TABLE evil.assignments (LIKE public.assignments INCLUDING ALL);
-- "=" that says every uuid equals every other, and every text too.
CREATE FUNCTION evil.always(uuid, uuid) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.always(text, text) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.always);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always);
CREATE FUNCTION evil.now() RETURNS timestamptz
	LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid
	LANGUAGE sql AS $$ SELECT '00000000-0000-0000-0000-000000000000'::uuid $$;

-- evil comes before pg_catalog, so unqualified names would find it first.
SET search_path = evil, pg_catalog, truck_accept, public;
-- proof that the trap is armed: an unqualified "=" is now hostile
SELECT '00000000-0000-0000-0000-0000000000b1'::uuid = '00000000-0000-0000-0000-0000000000b2'::uuid AS hostile_eq;

-- A request that does not exist is still not found (a hostile = would find one).
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000ff',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
-- Someone else's vehicle is still not theirs.
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c2');
-- The right call wins, writes the real tables, and only the one row each.
SELECT outcome, trucks_filled, order_status, trip_id <> '00000000-0000-0000-0000-000000000000' AS real_trip
FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
-- The other request finds the order full.
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');
RESET search_path;

SELECT id, status, assigned_vehicle_id, assigned_at > '2000-01-02' AS real_now
FROM public.truck_requests ORDER BY id;
SELECT id, status FROM public.vehicles ORDER BY id;
SELECT truck_request_id, vehicle_id, status FROM public.assignments;
SELECT (SELECT count(*) FROM evil.truck_requests) + (SELECT count(*) FROM evil.orders)
	 + (SELECT count(*) FROM evil.vehicles) + (SELECT count(*) FROM evil.drivers)
	 + (SELECT count(*) FROM evil.assignments) AS rows_in_evil_tables;

DROP SCHEMA evil CASCADE;
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
