-- 19_column_types: the extension's tables belong to whoever may ALTER them.
-- A column of another type than the one the functions read, compare or
-- write is an error (42804) that names the table, the column, the type found
-- and the type expected: never a datum read as another type (an enum read
-- as text crashed the server), never a bigint truncated.  A domain over the
-- type, or varchar for text, is read like the type; from 2.1 on timestamp
-- where timestamptz is expected too, as UTC (how Prisma writes it).  Columns added and
-- dropped again change nothing, take_events included (its row type then
-- has a dropped column the statement does not return).
\i sql/include/tables.sql
\set VERBOSITY terse

CREATE SCHEMA t19;
SET search_path = t19, public;
\i sql/include/helpers.sql

INSERT INTO public.orders (id, trucks_needed) VALUES (id('o1'), 3), (id('o2'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r1'), id('o1'), 'open_17ft'), (id('r2'), id('o1'), 'open_17ft'),
	(id('r3'), id('o1'), 'open_17ft'), (id('r4'), id('o2'), 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('v1'), id('t1'), 'open_17ft'), (id('v2'), id('t1'), 'open_17ft'),
	(id('v3'), id('t1'), 'open_17ft'), (id('v4'), id('t1'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('d1'), id('t1')), (id('d2'), id('t1'));

-- The report of the issue: vehicle_type as an enum on truck_requests and
-- vehicles, then one accept (it used to crash the server).
BEGIN;
CREATE TYPE t19.vtype AS ENUM ('open_17ft', 'closed_32ft');
ALTER TABLE public.truck_requests ALTER COLUMN vehicle_type TYPE t19.vtype
	USING vehicle_type::t19.vtype;
ALTER TABLE public.vehicles ALTER COLUMN vehicle_type TYPE t19.vtype
	USING vehicle_type::t19.vtype;
\set VERBOSITY default
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
\set VERBOSITY terse
ROLLBACK;
-- Every column, one at a time: put a column of another type in its place
-- (renamed away, so that constraints and indexes stay with the old one),
-- make a call, and report the error.  The savepoint of the exception block
-- takes the change back.  (A counter as bigint cannot be made with ALTER
-- COLUMN ... TYPE while the invariant view reads it: this way it can.)
CREATE FUNCTION swap_and_call(tab text, col text, wrong text, call text)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	state text;
	msg text;
BEGIN
	EXECUTE format('ALTER TABLE public.%I RENAME COLUMN %I TO %I', tab, col, col || '_was');
	EXECUTE format('ALTER TABLE public.%I ADD COLUMN %I %s', tab, col, wrong);
	EXECUTE call;
	RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN state || ': ' || msg;
END
$$;

CREATE TABLE calls (name text, call text);
INSERT INTO calls VALUES
	('accept', format('SELECT truck_accept.accept_truck_request(%L, %L, %L, %L)', id('r1'), id('t1'), id('v1'), id('d1'))),
	('accept_any', format('SELECT truck_accept.accept_any_truck_request(%L, %L, %L)', id('o1'), id('t1'), id('v2'))),
	('release', format('SELECT truck_accept.release_truck_request(%L, %L)', id('r1'), id('t1'))),
	('cancel', format('SELECT truck_accept.cancel_order(%L)', id('o2'))),
	('complete', format('SELECT truck_accept.complete_assignment(%L)', id('none'))),
	('expire', 'SELECT truck_accept.expire_truck_requests()'),
	('take_events', 'SELECT truck_accept.take_events(1)');

CREATE TABLE columns (tab text, col text, wrong text);
INSERT INTO columns VALUES
	('orders', 'id', 'text'), ('orders', 'trucks_filled', 'bigint'),
	('orders', 'trucks_needed', 'numeric'), ('orders', 'status', 'name'),
	('orders', 'updated_at', 'date'),
	('truck_requests', 'id', 'text'), ('truck_requests', 'order_id', 'text'),
	('truck_requests', 'vehicle_type', 'name'), ('truck_requests', 'status', 'char'),
	('truck_requests', 'assigned_transporter_id', 'text'),
	('truck_requests', 'assigned_vehicle_id', 'text'),
	('truck_requests', 'assigned_driver_id', 'text'),
	('truck_requests', 'assigned_at', 'date'),
	('truck_requests', 'expires_at', 'date'),
	('truck_requests', 'updated_at', 'date'),
	('vehicles', 'id', 'text'), ('vehicles', 'transporter_id', 'text'),
	('vehicles', 'vehicle_type', 'integer'), ('vehicles', 'status', 'name'),
	('vehicles', 'updated_at', 'date'),
	('drivers', 'id', 'text'), ('drivers', 'transporter_id', 'text'),
	('drivers', 'status', 'bytea'), ('drivers', 'updated_at', 'date'),
	('assignments', 'id', 'text'), ('assignments', 'trip_id', 'integer'),
	('assignments', 'truck_request_id', 'text'), ('assignments', 'order_id', 'text'),
	('assignments', 'transporter_id', 'text'), ('assignments', 'vehicle_id', 'text'),
	('assignments', 'driver_id', 'text'), ('assignments', 'status', 'name'),
	('assignments', 'updated_at', 'date'),
	('events', 'id', 'integer'), ('events', 'event_type', 'name'),
	('events', 'order_id', 'text'), ('events', 'request_id', 'text'),
	('events', 'assignment_id', 'text'), ('events', 'transporter_id', 'text'),
	('events', 'payload', 'json');

-- each function, for every column: the same error (every call checks them all)
SELECT c.tab, c.col, k.name AS function, swap_and_call(c.tab, c.col, c.wrong, k.call) AS error
FROM columns c, calls k
WHERE k.name = 'accept' OR (c.tab, c.col) IN (('truck_requests', 'status'), ('assignments', 'trip_id'))
ORDER BY c.tab, c.col, k.name;

-- nothing was written by any of them
SELECT count(*) AS assignments FROM public.assignments;
SELECT count(*) AS events FROM public.events;

-- What is read like the type: varchar for text, a domain over the type.
BEGIN;
CREATE DOMAIN t19.status_text AS text CHECK (VALUE <> '');
ALTER TABLE public.vehicles RENAME COLUMN status TO status_was;
ALTER TABLE public.vehicles ADD COLUMN status varchar(32);
UPDATE public.vehicles SET status = status_was;
ALTER TABLE public.orders RENAME COLUMN status TO status_was;
ALTER TABLE public.orders ADD COLUMN status t19.status_text;
UPDATE public.orders SET status = status_was;
SELECT outcome, order_status FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
ROLLBACK;

-- Columns added and dropped again, on every table: every function works,
-- take_events returns its rows with the dropped column's place empty.
ALTER TABLE public.orders ADD COLUMN note text;
ALTER TABLE public.orders DROP COLUMN note;
ALTER TABLE public.truck_requests ADD COLUMN note text;
ALTER TABLE public.truck_requests DROP COLUMN note;
ALTER TABLE public.vehicles ADD COLUMN note text;
ALTER TABLE public.vehicles DROP COLUMN note;
ALTER TABLE public.drivers ADD COLUMN note text;
ALTER TABLE public.drivers DROP COLUMN note;
ALTER TABLE public.assignments ADD COLUMN note text;
ALTER TABLE public.assignments DROP COLUMN note;
ALTER TABLE public.events ADD COLUMN note text;
ALTER TABLE public.events DROP COLUMN note;
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('t1'), id('v1'), id('d1'));
SELECT outcome, nm(request_id) FROM truck_accept.accept_any_truck_request(id('o1'), id('t1'), id('v2'));
SELECT outcome FROM truck_accept.release_truck_request(id('r2'), id('t1'));
SELECT outcome FROM truck_accept.complete_assignment(
	(SELECT a.id FROM public.assignments a WHERE a.truck_request_id = id('r1')));
SELECT outcome FROM truck_accept.accept_truck_request(id('r4'), id('t1'), id('v3'), id('d2'));
SELECT outcome, assignments_cancelled FROM truck_accept.cancel_order(id('o2'));
UPDATE public.truck_requests SET expires_at = '2000-01-01' WHERE id = id('r3');
SELECT truck_accept.expire_truck_requests() AS expired;
SELECT event_type, nm(request_id) AS request, payload ? 'event' AS has_payload
FROM truck_accept.take_events(100) ORDER BY id;
SELECT * FROM truck_accept.invariant_violations;

-- A text trip id (2.2) beside uuid ids: the uuid functions that return
-- trip ids say so; the others, and those of truck_accept_text, work on.
ALTER TABLE public.assignments ALTER COLUMN trip_id TYPE text;
INSERT INTO public.orders (id, trucks_needed) VALUES (id('o5'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES (id('r5'), id('o5'), 'open_17ft');
SELECT outcome FROM truck_accept.accept_truck_request(id('r5'), id('t1'), id('v1'));
SELECT outcome FROM truck_accept.accept_any_truck_request(id('o5'), id('t1'), id('v1'));
SELECT outcome, trip_id IS NOT NULL AS has_trip
FROM truck_accept_text.accept_truck_request(id('r5')::text, id('t1')::text, id('v1')::text);
SELECT outcome FROM truck_accept.release_truck_request(id('r5'), id('t1'));
SELECT outcome FROM truck_accept.cancel_order(id('o5'));
SELECT count(*) AS events FROM truck_accept.take_events(100);
SELECT * FROM truck_accept.invariant_violations;
ALTER TABLE public.assignments ALTER COLUMN trip_id TYPE uuid USING trip_id::uuid;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t19 CASCADE;
RESET search_path;
