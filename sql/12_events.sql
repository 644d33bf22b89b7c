-- 12_events: every state change appends its events to public.events
-- in the changing transaction (roll it back and they are gone), with a JSON
-- payload naming what changed; take_events(n) hands out the oldest n in id
-- order and removes them in the consumer's transaction (a consumer that
-- rolls back puts them back), skipping those another consumer holds.  The
-- grants the README lists are enough to run every function.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t12;
SET search_path = t12, public;

-- Readable fixed ids that sort like their names: id('r1') is the name's
-- bytes, zero-padded, as a uuid (names of at most 16 bytes); nm() reads the
-- name back, and says "random" for an id the extension generated.
\i sql/include/helpers.sql

-- The call, with the ids read back as names (the assignment's as a boolean).
CREATE FUNCTION acc(req text, tr text, veh text, drv text DEFAULT NULL)
RETURNS TABLE (outcome text, filled text, order_status text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.trucks_filled || '/' || r.trucks_needed, r.order_status
	FROM truck_accept.accept_truck_request(id(req), id(tr), id(veh), id(drv)) r
$$;
CREATE FUNCTION asg(req text) RETURNS uuid LANGUAGE sql AS $$
	SELECT a.id FROM public.assignments a
	WHERE a.truck_request_id = id(req) AND a.status = 'active'
$$;
-- the event log, by name
CREATE FUNCTION log() RETURNS TABLE (event_type text, order_name text, request text)
LANGUAGE sql AS $$
	SELECT e.event_type, nm(e.order_id), nm(e.request_id)
	FROM public.events e ORDER BY e.id
$$;
-- the rank of an event id among all events taken or not: ids are not
-- reproducible, their order is
CREATE TABLE all_events AS SELECT * FROM public.events WITH NO DATA;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2), (id('o2'), 1), (id('o3'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', NULL),
	(id('r2'), id('o1'), 'open_17ft', NULL),
	(id('r3'), id('o2'), 'open_17ft', NULL),
	(id('r4'), id('o3'), 'open_17ft', '2000-01-01 00:00:00+00');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES (id('da'), id('alpha'));

-- take_events returns rows of public.events; none yet.
SELECT * FROM truck_accept.take_events(10);
-- max_count must be a count: negative is 22023, NULL is 22004
SELECT * FROM truck_accept.take_events(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.take_events(NULL);
\echo :LAST_ERROR_SQLSTATE

-- Every function writes its events in the caller's transaction: visible
-- there, gone with a rollback (together with the change itself).
SELECT fingerprint() AS fixtures \gset
BEGIN;
SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT * FROM log();
ROLLBACK;
BEGIN;
SELECT outcome, nm(request_id) AS request
FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
SELECT * FROM log();
ROLLBACK;
BEGIN;
SELECT outcome, requests_cancelled FROM truck_accept.cancel_order(id('o1'));
SELECT * FROM log();
ROLLBACK;
BEGIN;
SELECT truck_accept.expire_truck_requests('2000-01-01 00:00:00+00') AS expired;
SELECT * FROM log();
ROLLBACK;
SELECT fingerprint() = :'fixtures' AS all_rolled_back;

-- (committed from here on) alpha takes r1.
SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT fingerprint() AS one_accept \gset
BEGIN;
SELECT outcome FROM truck_accept.release_truck_request(id('r1'), id('alpha'));
SELECT * FROM log();
ROLLBACK;
BEGIN;
SELECT outcome FROM truck_accept.complete_assignment(asg('r1'));
SELECT * FROM log();
ROLLBACK;
-- a rejection appends nothing
SELECT * FROM acc('r1', 'bravo', 'vb');
SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT outcome FROM truck_accept.release_truck_request(id('r1'), id('bravo'));
SELECT fingerprint() = :'one_accept' AS nothing_else_written;

-- Every kind of event, committed: bravo takes r2 through accept_any and
-- releases it, charlie takes it, both trips complete (and with them o1);
-- alpha takes o2's truck and o2 is cancelled; o3's only request expires.
SELECT outcome, nm(request_id) AS request
FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
SELECT outcome FROM truck_accept.release_truck_request(id('r2'), id('bravo'));
SELECT * FROM acc('r2', 'charlie', 'vc');
SELECT outcome, order_status FROM truck_accept.complete_assignment(asg('r1'));
SELECT outcome, order_status FROM truck_accept.complete_assignment(asg('r2'));
SELECT * FROM acc('r3', 'alpha', 'va', 'da');
SELECT outcome FROM truck_accept.cancel_order(id('o2'));
SELECT truck_accept.expire_truck_requests('2000-01-01 00:00:00+00') AS expired;
SELECT * FROM truck_accept.invariant_violations;

-- The log, oldest first: the columns name the order, the request, the
-- assignment and the transporter involved; the payload is a JSON object
-- whose "event" is the event type.  (The random assignment and trip ids are
-- compared, not shown.)
SELECT e.event_type, nm(e.order_id) AS order_name, nm(e.request_id) AS request,
	   e.assignment_id IS NOT NULL AS has_assignment, nm(e.transporter_id) AS transporter,
	   named(e.payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM public.events e ORDER BY e.id;
-- the keys of each kind of payload
SELECT e.event_type, array_agg(DISTINCT k ORDER BY k) AS payload_keys
FROM public.events e, jsonb_object_keys(e.payload) k
GROUP BY e.event_type ORDER BY min(e.id);
-- every payload agrees with its row and with the assignment it names
SELECT e.event_type,
	   jsonb_typeof(e.payload) = 'object' AS is_object,
	   e.payload->>'event' = e.event_type AS event_ok,
	   e.payload->>'order_id' = e.order_id::text AS order_ok,
	   e.payload->>'request_id' IS NOT DISTINCT FROM e.request_id::text AS request_ok,
	   e.payload->>'assignment_id' IS NOT DISTINCT FROM e.assignment_id::text AS assignment_ok,
	   e.payload->>'transporter_id' IS NOT DISTINCT FROM e.transporter_id::text AS transporter_ok,
	   (e.payload->>'trip_id')::uuid IS NOT DISTINCT FROM a.trip_id AS trip_ok,
	   a.id IS NOT NULL OR e.assignment_id IS NULL AS assignment_exists,
	   a.truck_request_id IS NOT DISTINCT FROM e.request_id
		   OR e.assignment_id IS NULL AS assignment_of_request
FROM public.events e LEFT JOIN public.assignments a ON a.id = e.assignment_id
ORDER BY e.id;
SELECT count(DISTINCT assignment_id) AS assignments_named, count(*) AS events
FROM public.events;

-- take_events(0) takes nothing.
INSERT INTO all_events SELECT * FROM public.events;
SELECT count(*) AS logged FROM all_events;
SELECT * FROM truck_accept.take_events(0);
SELECT count(*) AS left FROM public.events;

-- A consumer that rolls back puts its events back.
BEGIN;
SELECT event_type, nm(request_id) AS request FROM truck_accept.take_events(3);
SELECT count(*) AS left_inside FROM public.events;
ROLLBACK;
SELECT count(*) AS left,
	   (SELECT array_agg(id ORDER BY id) FROM public.events)
	   = (SELECT array_agg(id ORDER BY id) FROM all_events) AS same_events
FROM public.events;

-- take_events(n) returns the oldest n, in id order, whole, and removes them.
CREATE TABLE taken AS SELECT * FROM truck_accept.take_events(3) WITH ORDINALITY;
SELECT t.ordinality, t.event_type, nm(t.request_id) AS request,
	   t.id = (SELECT id FROM all_events ORDER BY id OFFSET t.ordinality - 1 LIMIT 1) AS oldest_in_order,
	   to_jsonb(t) - 'ordinality' = to_jsonb(a) AS whole_row
FROM taken t JOIN all_events a ON a.id = t.id ORDER BY t.ordinality;
SELECT count(*) AS left, min(id) > (SELECT max(id) FROM taken) AS younger_ones_left
FROM public.events;
-- the next consumer gets the next ones
INSERT INTO taken SELECT * FROM truck_accept.take_events(2);
SELECT array_agg(event_type ORDER BY id) AS taken FROM taken;

-- Competing consumers: while this one holds two events in an open
-- transaction, another (a second connection) skips them and takes the rest;
-- each event goes to exactly one consumer.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink SCHEMA public;
RESET client_min_messages;
SELECT dblink_connect('other',
	format('host=%s port=%s dbname=%s user=%s',
		   split_part(current_setting('unix_socket_directories'), ',', 1),
		   current_setting('port'), current_database(), current_user));
BEGIN;
INSERT INTO taken SELECT * FROM truck_accept.take_events(2);
CREATE TEMP TABLE other_took AS
SELECT * FROM dblink('other', 'SELECT id, event_type FROM truck_accept.take_events(100)')
	AS t(id bigint, event_type text);
COMMIT;
SELECT dblink_disconnect('other');
SELECT count(*) AS other_took,
	   NOT EXISTS (SELECT 1 FROM taken t WHERE t.id = o.id) AS disjoint
FROM other_took o GROUP BY 2;
-- together they took every event exactly once, and nothing is left
SELECT (SELECT array_agg(id ORDER BY id) FROM
		(SELECT id FROM taken UNION ALL SELECT id FROM other_took) s)
	   = (SELECT array_agg(id ORDER BY id) FROM all_events) AS each_exactly_once;
SELECT count(*) AS left FROM public.events;
SELECT * FROM truck_accept.take_events(100);

SELECT * FROM truck_accept.invariant_violations;

-- Privileges.  PUBLIC gets nothing of 1.1 ...
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p WHERE p.pronamespace IN ('truck_accept'::regnamespace, 'truck_accept_text'::regnamespace)
ORDER BY p.oid::regprocedure::text;
SELECT has_table_privilege('public', 'public.events', 'SELECT, INSERT, UPDATE, DELETE') AS public_events,
	   has_sequence_privilege('public', 'public.events_id_seq', 'USAGE, SELECT, UPDATE') AS public_sequence;
-- ... and a role with exactly the grants the README lists can run every
-- function: an application role (accept's grants, EXECUTE on each function,
-- UPDATE on assignments) and an event consumer (SELECT, UPDATE, DELETE on
-- events, EXECUTE on take_events).
CREATE ROLE truck_accept_app12;
GRANT USAGE ON SCHEMA truck_accept TO truck_accept_app12;
GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.release_truck_request(uuid, uuid),
	truck_accept.cancel_order(uuid),
	truck_accept.expire_truck_requests(timestamptz),
	truck_accept.complete_assignment(uuid) TO truck_accept_app12;
GRANT SELECT, UPDATE ON public.orders, public.truck_requests,
	public.vehicles, public.drivers TO truck_accept_app12;
GRANT SELECT, INSERT, UPDATE ON public.assignments TO truck_accept_app12;
GRANT INSERT ON public.events TO truck_accept_app12;
GRANT USAGE ON SEQUENCE public.events_id_seq TO truck_accept_app12;
CREATE ROLE truck_accept_consumer12;
GRANT USAGE ON SCHEMA truck_accept TO truck_accept_consumer12;
GRANT SELECT, UPDATE, DELETE ON public.events TO truck_accept_consumer12;
GRANT EXECUTE ON FUNCTION truck_accept.take_events(integer) TO truck_accept_consumer12;
-- (and this test's helpers)
GRANT USAGE ON SCHEMA t12 TO truck_accept_app12, truck_accept_consumer12;
INSERT INTO public.orders (id, trucks_needed) VALUES (id('p1'), 2), (id('p2'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at) VALUES
	(id('q1'), id('p1'), 'open_17ft', NULL),
	(id('q2'), id('p1'), 'open_17ft', NULL),
	(id('q3'), id('p2'), 'open_17ft', '2000-01-01 00:00:00+00');
SET ROLE truck_accept_app12;
SELECT outcome, nm(request_id) AS request
FROM truck_accept.accept_any_truck_request(id('p1'), id('bravo'), id('vb'));
SELECT outcome FROM truck_accept.release_truck_request(id('q1'), id('bravo'));
SELECT outcome FROM truck_accept.accept_truck_request(id('q1'), id('bravo'), id('vb'));
SELECT outcome FROM truck_accept.complete_assignment(
	(SELECT id FROM public.assignments WHERE truck_request_id = id('q1') AND status = 'active'));
SELECT truck_accept.expire_truck_requests('2000-01-01 00:00:00+00') AS expired;
SELECT outcome FROM truck_accept.cancel_order(id('p1'));
-- the application cannot consume events
SELECT count(*) FROM truck_accept.take_events(100);
RESET ROLE;
SET ROLE truck_accept_consumer12;
SELECT event_type, nm(order_id) AS order_name, nm(request_id) AS request
FROM truck_accept.take_events(100) ORDER BY id;
RESET ROLE;
SELECT nm(id) AS order_name, status, trucks_filled FROM public.orders
WHERE id IN (id('p1'), id('p2')) ORDER BY id;
SELECT count(*) AS events_left FROM public.events;
DROP OWNED BY truck_accept_app12, truck_accept_consumer12;
DROP ROLE truck_accept_app12, truck_accept_consumer12;

SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t12 CASCADE;
RESET search_path;
