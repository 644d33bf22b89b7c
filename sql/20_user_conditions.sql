-- 20_user_conditions: what a user's DDL, policy or data can do to the
-- extension's tables gets an error with its own SQLSTATE and a message that
-- names the table and says what to change, never an internal error (XX000),
-- and the call leaves nothing behind:
--   row security that lets a role read an order but not lock it   42501
--   a BEFORE trigger that returns NULL (skips a write), per table  27000
--   a NULL in a column the functions need a value in              23502
--   two rows with one id (a primary key dropped, or DEFERRABLE)    21000
--   a role without USAGE on the schema, calling through a view     42501
-- A DEFERRABLE primary key is read through SQL, not the direct read, which
-- would return the first duplicate it finds.
\i sql/include/tables.sql
\set VERBOSITY terse

CREATE SCHEMA t20;
SET search_path = t20, public;
\i sql/include/helpers.sql

CREATE FUNCTION world() RETURNS void LANGUAGE sql AS $$
	TRUNCATE public.events, public.assignments, public.truck_requests,
		public.vehicles, public.drivers, public.orders;
	INSERT INTO public.orders (id, trucks_needed) VALUES (id('o1'), 3), (id('o2'), 1);
	INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at) VALUES
		(id('r1'), id('o1'), 'open_17ft', NULL), (id('r2'), id('o1'), 'open_17ft', NULL),
		(id('r3'), id('o1'), 'open_17ft', '2000-01-01'), (id('r4'), id('o2'), 'open_17ft', NULL);
	INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
		(id('v1'), id('t1'), 'open_17ft'), (id('v2'), id('t1'), 'open_17ft'),
		(id('v3'), id('t2'), 'open_17ft'), (id('v4'), id('t2'), 'open_17ft');
	INSERT INTO public.drivers (id, transporter_id) VALUES
		(id('d1'), id('t1')), (id('d2'), id('t1')), (id('d3'), id('t2'));
	-- r2 is taken by t1 with v2 and d2; o2's r4 by t2 with v4 and d3
	SELECT truck_accept.accept_truck_request(id('r2'), id('t1'), id('v2'), id('d2'));
	SELECT truck_accept.accept_truck_request(id('r4'), id('t2'), id('v4'), id('d3'));
$$;
SELECT world();

-- Run a call with a change made first, and report its error, or "P0002: no
-- error" (the savepoint of the exception block takes the change and the call
-- back either way).
CREATE FUNCTION try(change text, call text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
BEGIN
	EXECUTE change;
	EXECUTE call;
	RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN state || ': ' || regexp_replace(msg, '[0-9a-f]{8}-[0-9a-f-]{27}', '<id>', 'g');
END
$$;

-- The calls, each of which writes to every table it names.
CREATE TABLE calls (name text, call text);
INSERT INTO calls VALUES
	('accept', format('SELECT truck_accept.accept_truck_request(%L, %L, %L, %L)', id('r1'), id('t1'), id('v1'), id('d1'))),
	('accept_any', format('SELECT truck_accept.accept_any_truck_request(%L, %L, %L, %L)', id('o1'), id('t1'), id('v1'), id('d1'))),
	('release', format('SELECT truck_accept.release_truck_request(%L, %L)', id('r2'), id('t1'))),
	('complete', format('SELECT truck_accept.complete_assignment((SELECT a.id FROM public.assignments a WHERE a.truck_request_id = %L))', id('r2'))),
	('cancel', format('SELECT truck_accept.cancel_order(%L)', id('o2'))),
	('expire', 'SELECT truck_accept.expire_truck_requests()');

-- 1. A BEFORE trigger that returns NULL, on each table each call writes.
CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TABLE written (name text, tab text, event text);
INSERT INTO written VALUES
	('accept', 'truck_requests', 'UPDATE'), ('accept', 'vehicles', 'UPDATE'),
	('accept', 'drivers', 'UPDATE'), ('accept', 'orders', 'UPDATE'),
	('accept', 'assignments', 'INSERT'), ('accept', 'events', 'INSERT'),
	('accept_any', 'truck_requests', 'UPDATE'), ('accept_any', 'assignments', 'INSERT'),
	('release', 'assignments', 'UPDATE'), ('release', 'truck_requests', 'UPDATE'),
	('release', 'vehicles', 'UPDATE'), ('release', 'drivers', 'UPDATE'),
	('release', 'orders', 'UPDATE'), ('release', 'events', 'INSERT'),
	('complete', 'assignments', 'UPDATE'), ('complete', 'truck_requests', 'UPDATE'),
	('complete', 'vehicles', 'UPDATE'), ('complete', 'drivers', 'UPDATE'),
	('complete', 'orders', 'UPDATE'), ('complete', 'events', 'INSERT'),
	('cancel', 'assignments', 'UPDATE'), ('cancel', 'truck_requests', 'UPDATE'),
	('cancel', 'vehicles', 'UPDATE'), ('cancel', 'drivers', 'UPDATE'),
	('cancel', 'orders', 'UPDATE'), ('cancel', 'events', 'INSERT'),
	('expire', 'events', 'INSERT');
SELECT fingerprint() AS before \gset
SELECT w.name, w.tab, w.event,
	   try(format('CREATE TRIGGER skip BEFORE %s ON public.%I FOR EACH ROW EXECUTE FUNCTION t20.skip_row()',
				  w.event, w.tab), c.call) AS error
FROM written w JOIN calls c USING (name)
ORDER BY c.name, w.tab;
SELECT fingerprint() = :'before' AS nothing_written;

-- 2. Row security on orders with a policy for SELECT and none for UPDATE:
-- the role may read an order but not lock it.
CREATE ROLE t20_app;
GRANT USAGE ON SCHEMA truck_accept TO t20_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA truck_accept TO t20_app;
GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public TO t20_app;
GRANT INSERT ON public.assignments, public.events TO t20_app;
GRANT USAGE ON SEQUENCE public.events_id_seq TO t20_app;
GRANT USAGE ON SCHEMA t20 TO t20_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA t20 TO t20_app;
GRANT SELECT ON t20.calls TO t20_app;
ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON public.orders FOR SELECT USING (true);
SET ROLE t20_app;
\set VERBOSITY default
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
\set VERBOSITY terse
SELECT c.name, try('SELECT 1', c.call) AS error FROM calls c WHERE c.name <> 'expire' ORDER BY c.name;
RESET ROLE;
SELECT fingerprint() = :'before' AS nothing_written;
-- with a policy for UPDATE as well, the same role wins
CREATE POLICY lock_all ON public.orders FOR UPDATE USING (true);
SET ROLE t20_app;
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
RESET ROLE;
DROP POLICY read_all ON public.orders;
DROP POLICY lock_all ON public.orders;
ALTER TABLE public.orders DISABLE ROW LEVEL SECURITY;
SELECT world();
SELECT fingerprint() AS before \gset

-- 3. A NULL where the functions need a value (a NOT NULL dropped).
SELECT c.name, try(x.change, c.call) AS error
FROM calls c, (VALUES
	('vehicles.status', format('ALTER TABLE public.vehicles ALTER status DROP NOT NULL; UPDATE public.vehicles SET status = NULL WHERE id = %L', id('v1'))),
	('orders.status', format('ALTER TABLE public.orders ALTER status DROP NOT NULL; UPDATE public.orders SET status = NULL WHERE id IN (%L, %L)', id('o1'), id('o2'))),
	('truck_requests.order_id', format('ALTER TABLE public.truck_requests ALTER order_id DROP NOT NULL; UPDATE public.truck_requests SET order_id = NULL WHERE id IN (%L, %L)', id('r1'), id('r2')))
	) AS x(what, change)
WHERE (x.what, c.name) IN (('vehicles.status', 'accept'), ('orders.status', 'accept'),
						   ('orders.status', 'cancel'), ('orders.status', 'release'),
						   ('truck_requests.order_id', 'accept'))
ORDER BY x.what, c.name;

-- ... and a request without an id (its primary key dropped), found by
-- accept_any's pass and by cancel_order's lock of the order's requests
SELECT x.name, try(format('ALTER TABLE public.truck_requests DROP CONSTRAINT truck_requests_pkey CASCADE;'
		' ALTER TABLE public.truck_requests ALTER id DROP NOT NULL;'
		' INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES (NULL, %L, %L)',
		id('o2'), 'open_17ft'), x.call) AS error
FROM (VALUES
	('accept_any', format('SELECT truck_accept.accept_any_truck_request(%L, %L, %L)', id('o2'), id('t1'), id('v1'))),
	('cancel', format('SELECT truck_accept.cancel_order(%L)', id('o2')))
	) AS x(name, call);

-- 4. Two rows with one id: the primary key dropped, or made DEFERRABLE
-- (then a duplicate may stand until commit).  The SQL read finds both.
SELECT x.pkey, try(x.change || format('; INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES (%L, %L, %L)', id('v1'), id('t2'), 'open_17ft'),
		   format('SELECT truck_accept.accept_truck_request(%L, %L, %L)', id('r1'), id('t1'), id('v1'))) AS error
FROM (VALUES
	('dropped', 'ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_pkey CASCADE'),
	('deferrable', 'ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_pkey CASCADE; ALTER TABLE public.vehicles ADD PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED')
	) AS x(pkey, change);
-- a DEFERRABLE key without a duplicate: read through SQL, and the call wins
BEGIN;
ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_pkey CASCADE;
ALTER TABLE public.vehicles ADD PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED;
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
ROLLBACK;
SELECT fingerprint() = :'before' AS nothing_written;

-- 5. USAGE on the schema of the tables: a role with every table privilege
-- and EXECUTE but without USAGE on public (nor on truck_accept), calling
-- through a view, is refused as the SQL read refuses it, even for a request a
-- plain read would settle.
CREATE ROLE t20_nousage;
REVOKE USAGE ON SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA truck_accept TO t20_nousage;
GRANT SELECT, UPDATE ON ALL TABLES IN SCHEMA public TO t20_nousage;
CREATE VIEW t20.taken_call AS
	SELECT * FROM truck_accept.accept_truck_request('72320000-0000-0000-0000-000000000000',
		'74320000-0000-0000-0000-000000000000', '76330000-0000-0000-0000-000000000000');
GRANT USAGE ON SCHEMA t20 TO t20_nousage;
GRANT SELECT ON t20.taken_call TO t20_nousage;
SELECT nm('72320000-0000-0000-0000-000000000000') AS request, outcome FROM t20.taken_call;
SET ROLE t20_nousage;
SELECT outcome FROM t20.taken_call;
RESET ROLE;
GRANT USAGE ON SCHEMA public TO PUBLIC;

SELECT * FROM truck_accept.invariant_violations;
TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t20 CASCADE;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM t20_app, t20_nousage;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA truck_accept FROM t20_app, t20_nousage;
REVOKE ALL ON SEQUENCE public.events_id_seq FROM t20_app;
REVOKE ALL ON SCHEMA truck_accept FROM t20_app;
DROP ROLE t20_app;
DROP ROLE t20_nousage;
RESET search_path;
