-- 22_catalog: the catalog of the tables truck_accept works on.  No tables
-- recorded, a kind missing, a dropped or non-table relation: clear errors with
-- hints.  create_tables(): one set per database, owned by its caller, who
-- need not be able to write the catalog.  A recorded table renamed, dropped,
-- re-created or replaced in the catalog in the middle of a session gives the
-- right answer or a clear error, never a statement on another table; another
-- backend follows a change of the catalog at its next call.
\i sql/include/tables.sql
\set VERBOSITY terse
CREATE SCHEMA t22;
SET search_path = t22, public;
\i sql/include/helpers.sql

CREATE FUNCTION world() RETURNS void LANGUAGE sql AS $$
	INSERT INTO public.orders (id, trucks_needed) VALUES (id('o1'), 3);
	INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
		(id('r1'), id('o1'), 'open_17ft'), (id('r2'), id('o1'), 'open_17ft'),
		(id('r3'), id('o1'), 'open_17ft');
	INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
		(id('va'), id('alpha'), 'open_17ft'), (id('vb'), id('bravo'), 'open_17ft'),
		(id('vc'), id('charlie'), 'open_17ft');
$$;
CREATE FUNCTION acc(req text, tr text, veh text) RETURNS text LANGUAGE sql AS $$
	SELECT outcome || ' ' || trucks_filled || '/' || trucks_needed
	FROM truck_accept.accept_truck_request(id(req), id(tr), id(veh))
$$;
SELECT world();

-- 1. No tables recorded: every function says what to do.
BEGIN;
DELETE FROM truck_accept.bound_tables;
SELECT acc('r1', 'alpha', 'va');
ROLLBACK;
BEGIN;
DELETE FROM truck_accept.bound_tables;
SELECT * FROM truck_accept.take_events(1);
ROLLBACK;
BEGIN;
DELETE FROM truck_accept.bound_tables;
SELECT * FROM truck_accept.invariant_violations;
ROLLBACK;
-- a kind missing
BEGIN;
DELETE FROM truck_accept.bound_tables WHERE kind = 'drivers';
SELECT acc('r1', 'alpha', 'va');
ROLLBACK;
-- a kind recorded as a view
CREATE VIEW t22.not_a_table AS SELECT * FROM public.vehicles;
BEGIN;
UPDATE truck_accept.bound_tables SET relid = 't22.not_a_table' WHERE kind = 'vehicles';
SELECT acc('r1', 'alpha', 'va');
ROLLBACK;
-- the catalog accepts only the six kinds, once each
INSERT INTO truck_accept.bound_tables VALUES ('customers', 'public.orders');
INSERT INTO truck_accept.bound_tables VALUES ('orders', 'public.vehicles');

-- 2. create_tables(): once per database, and a clear error for a bad schema.
SELECT truck_accept.create_tables();
SELECT truck_accept.create_tables('t22');
SELECT truck_accept.create_tables(NULL);
SELECT truck_accept.create_tables('no_such_schema');
-- A role that may create in a schema and call create_tables(), and nothing
-- else: the tables are its own, the catalog records them, and it still
-- cannot write the catalog itself.
CREATE ROLE t22_owner;
CREATE SCHEMA t22_app AUTHORIZATION t22_owner;
GRANT USAGE ON SCHEMA truck_accept TO t22_owner;
GRANT EXECUTE ON FUNCTION truck_accept.create_tables(name) TO t22_owner;
BEGIN;
DELETE FROM truck_accept.bound_tables;
SET ROLE t22_owner;
SELECT truck_accept.create_tables('t22_app');
SELECT kind, relid, pg_get_userbyid(c.relowner) AS owner
FROM truck_accept.bound_tables b JOIN pg_class c ON c.oid = b.relid ORDER BY kind;
SELECT pg_get_userbyid(c.relowner) AS sequence_owner FROM pg_class c
WHERE c.oid = 't22_app.events_id_seq'::regclass;
INSERT INTO truck_accept.bound_tables VALUES ('events', 'public.events');
ROLLBACK;
-- a role without CREATE on the schema cannot make tables there
BEGIN;
DELETE FROM truck_accept.bound_tables;
SET ROLE t22_owner;
SELECT truck_accept.create_tables('t22');
ROLLBACK;
-- ... nor without EXECUTE
CREATE ROLE t22_other;
GRANT USAGE ON SCHEMA truck_accept TO t22_other;
SET ROLE t22_other;
SELECT truck_accept.create_tables('t22_app');
RESET ROLE;

-- 3. A recorded table renamed in the middle of the session: followed.
SELECT acc('r1', 'alpha', 'va');
ALTER TABLE public.orders RENAME TO orders_renamed;
SELECT acc('r2', 'bravo', 'vb');
SELECT kind, relid FROM truck_accept.bound_tables WHERE kind = 'orders';
-- ... and a new table under the old name is not the recorded one
CREATE TABLE public.orders (LIKE public.orders_renamed INCLUDING ALL);
SELECT acc('r2', 'bravo', 'vb');
SELECT count(*) AS rows_in_new_orders FROM public.orders;
DROP TABLE public.orders;
ALTER TABLE public.orders_renamed RENAME TO orders;
SELECT * FROM truck_accept.invariant_violations;

-- ... and so is a schema renamed: a new schema with tables of the same names
-- under the old name is not the recorded one either
BEGIN;
DELETE FROM truck_accept.bound_tables;
CREATE SCHEMA t22s;
SELECT truck_accept.create_tables('t22s');
INSERT INTO t22s.orders SELECT * FROM public.orders;
INSERT INTO t22s.truck_requests SELECT * FROM public.truck_requests;
INSERT INTO t22s.vehicles SELECT * FROM public.vehicles;
SELECT acc('r3', 'charlie', 'vc');
ALTER SCHEMA t22s RENAME TO t22s_old;
CREATE SCHEMA t22s;
CREATE TABLE t22s.orders (LIKE t22s_old.orders INCLUDING ALL);
INSERT INTO t22s.orders SELECT * FROM t22s_old.orders;
-- a call that writes (its statements prepared only now, after the rename)
SELECT outcome, trucks_filled FROM truck_accept.release_truck_request(id('r3'), id('charlie'));
SELECT kind, relid FROM truck_accept.bound_tables WHERE kind = 'orders';
SELECT (SELECT o.trucks_filled FROM t22s_old.orders o) AS recorded_orders_filled,
	   (SELECT o.trucks_filled FROM t22s.orders o) AS new_orders_filled;
ROLLBACK;
-- a temporary schema would vanish with the session: refused
CREATE TEMP TABLE t22_temp (x int);
SELECT truck_accept.create_tables(n.nspname) FROM pg_namespace n WHERE n.oid = pg_my_temp_schema();
DROP TABLE t22_temp;

-- 4. A recorded table dropped: an error that names it and how to fix it.
BEGIN;
DROP TABLE public.events;
SELECT acc('r3', 'charlie', 'vc');
ROLLBACK;
-- ... re-created and recorded again: the right answer
BEGIN;
ALTER TABLE public.events RENAME TO events_old;
CREATE TABLE public.events (LIKE public.events_old INCLUDING ALL);
UPDATE truck_accept.bound_tables SET relid = 'public.events' WHERE kind = 'events';
SELECT acc('r3', 'charlie', 'vc');
SELECT event_type, nm(request_id) AS request FROM public.events;
SELECT count(*) AS events_in_old_table FROM public.events_old
WHERE request_id = id('r3');
ROLLBACK;

-- 5. Another backend follows a change of the catalog at its next call.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink SCHEMA public;
RESET client_min_messages;
SELECT public.dblink_connect('t22',
	format('host=%s port=%s dbname=%s user=%s',
		   split_part(current_setting('unix_socket_directories'), ',', 1),
		   current_setting('port'), current_database(), current_user));
-- that backend calls once (and keeps the tables resolved)
SELECT * FROM public.dblink('t22', $$SELECT outcome FROM truck_accept.release_truck_request(
	t22.id('r1'), t22.id('alpha'))$$) AS t(outcome text);
-- here: the events go to another table from now on
CREATE TABLE t22.events2 (LIKE public.events INCLUDING ALL);
UPDATE truck_accept.bound_tables SET relid = 't22.events2' WHERE kind = 'events';
SELECT * FROM public.dblink('t22', $$SELECT outcome FROM truck_accept.accept_truck_request(
	t22.id('r1'), t22.id('alpha'), t22.id('va'))$$) AS t(outcome text);
SELECT event_type, nm(request_id) AS request FROM t22.events2;
UPDATE truck_accept.bound_tables SET relid = 'public.events' WHERE kind = 'events';
SELECT public.dblink_disconnect('t22');

SELECT * FROM truck_accept.invariant_violations;
TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
RESET search_path;
DROP SCHEMA t22 CASCADE;
DROP SCHEMA t22_app;
REVOKE ALL ON SCHEMA truck_accept FROM t22_owner, t22_other;
REVOKE ALL ON FUNCTION truck_accept.create_tables(name) FROM t22_owner;
DROP ROLE t22_owner;
DROP ROLE t22_other;
