-- 15_search_path_lifecycle: the 1.1 functions, like accept (03_search_path),
-- do the same thing whatever the caller puts on search_path: look-alike
-- tables, an "=" that is always true for uuid and text, "<=" and ">" for
-- timestamptz that say the opposite, and fake count(), now() and
-- jsonb_build_object() change nothing.
\i sql/include/tables.sql
\set VERBOSITY terse

INSERT INTO public.orders (id, trucks_needed) VALUES
	('00000000-0000-0000-0000-0000000000a1', 2),
	('00000000-0000-0000-0000-0000000000a2', 1),
	('00000000-0000-0000-0000-0000000000a3', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft', NULL),
	('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 'open_17ft', NULL),
	('00000000-0000-0000-0000-0000000000b3', '00000000-0000-0000-0000-0000000000a2', 'open_17ft', NULL),
	('00000000-0000-0000-0000-0000000000b4', '00000000-0000-0000-0000-0000000000a3', 'open_17ft', '2000-01-01'),
	('00000000-0000-0000-0000-0000000000b5', '00000000-0000-0000-0000-0000000000a3', 'open_17ft', '2999-01-01');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d2', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000d3', 'open_17ft');

CREATE SCHEMA evil;
CREATE TABLE evil.truck_requests (LIKE public.truck_requests INCLUDING ALL);
CREATE TABLE evil.orders (LIKE public.orders INCLUDING ALL);
CREATE TABLE evil.vehicles (LIKE public.vehicles INCLUDING ALL);
CREATE TABLE evil.drivers (LIKE public.drivers INCLUDING ALL);
CREATE TABLE evil.assignments (LIKE public.assignments INCLUDING ALL);
CREATE TABLE evil.events (LIKE public.events INCLUDING ALL);
CREATE FUNCTION evil.always(uuid, uuid) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.always(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true';
CREATE FUNCTION evil.never(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.always);
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always);
CREATE OPERATOR evil.<> (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.always);
CREATE OPERATOR evil.<= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.never);
CREATE OPERATOR evil.> (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = evil.never);
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION evil.jsonb_build_object(VARIADIC "any") RETURNS jsonb
	LANGUAGE sql AS $$ SELECT '{"evil": true}'::jsonb $$;

SET search_path = evil, pg_catalog, truck_accept, public;
-- the trap is armed: unqualified operators are now the hostile ones
SELECT '00000000-0000-0000-0000-0000000000b1'::uuid = '00000000-0000-0000-0000-0000000000b2'::uuid AS hostile_eq,
	   now()::date = '2000-01-01' AS hostile_now;

SELECT outcome, request_id OPERATOR(pg_catalog.=) '00000000-0000-0000-0000-0000000000b1' AS lowest_request
FROM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
SELECT outcome FROM truck_accept.release_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d2');
SELECT outcome, trucks_filled, order_status
FROM truck_accept.release_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1');
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b3',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');
SELECT outcome, order_status FROM truck_accept.complete_assignment(
	(SELECT a.id FROM public.assignments a
	 WHERE a.truck_request_id OPERATOR(pg_catalog.=) '00000000-0000-0000-0000-0000000000b3'));
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d3', '00000000-0000-0000-0000-0000000000c3');
SELECT outcome, requests_cancelled, assignments_cancelled
FROM truck_accept.cancel_order('00000000-0000-0000-0000-0000000000a1');
-- only b4 is due (b5 expires in 2999)
SELECT truck_accept.expire_truck_requests('2001-01-01') AS expired;
SELECT event_type, payload ? 'evil' AS fake_payload
FROM truck_accept.take_events(100) ORDER BY id;
RESET search_path;

SELECT id, status, assigned_transporter_id IS NOT NULL AS held
FROM public.truck_requests ORDER BY id;
SELECT id, status, trucks_filled FROM public.orders ORDER BY id;
SELECT id, status FROM public.vehicles ORDER BY id;
SELECT (SELECT count(*) FROM evil.truck_requests) + (SELECT count(*) FROM evil.orders)
	 + (SELECT count(*) FROM evil.vehicles) + (SELECT count(*) FROM evil.assignments)
	 + (SELECT count(*) FROM evil.events) AS rows_in_evil_tables;
SELECT * FROM truck_accept.invariant_violations;

DROP SCHEMA evil CASCADE;
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
