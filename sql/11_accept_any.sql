-- 11_accept_any: accept_any_truck_request(order_id, transporter_id,
-- vehicle_id, driver_id) takes the lowest free request of an order (skipping
-- cancelled, expired and past-due ones) with accept's checks and side effects,
-- and returns accept's columns plus the request it decided on.  Every outcome:
-- accepted, already_yours (a retry with the same vehicle), order_closed,
-- request_closed (open order, no free request left), not_found (no such
-- order), the vehicle_* and driver_* rejections; NULL arguments are errors.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t11;
SET search_path = t11, public;

-- Readable fixed ids that sort like their names: id('r1') is the name's
-- bytes, zero-padded, as a uuid (names of at most 16 bytes); nm() reads the
-- name back, and says "random" for an id the extension generated.
\i sql/include/helpers.sql

-- The call, with the ids read back as names (the assignment's as a boolean).
-- The call, with the ids read back as names (the random ones as booleans).
CREATE FUNCTION take_any(ord text, tr text, veh text, drv text DEFAULT NULL)
RETURNS TABLE (outcome text, accepted boolean, has_assignment boolean, has_trip boolean,
			   order_name text, filled text, order_status text, message text, request text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.accepted, r.assignment_id IS NOT NULL, r.trip_id IS NOT NULL,
		   nm(r.order_id), r.trucks_filled || '/' || r.trucks_needed, r.order_status,
		   r.message, nm(r.request_id)
	FROM truck_accept.accept_any_truck_request(id(ord), id(tr), id(veh), id(drv)) r
$$;
CREATE FUNCTION state() RETURNS TABLE (order_name text, order_status text, filled text, requests text)
LANGUAGE sql AS $$
	SELECT nm(o.id), o.status, o.trucks_filled || '/' || o.trucks_needed,
		   (SELECT string_agg(nm(r.id) || ' ' || r.status
							  || coalesce(' ' || nm(r.assigned_vehicle_id), ''), ', ' ORDER BY r.id)
			FROM public.truck_requests r WHERE r.order_id = o.id)
	FROM public.orders o ORDER BY o.id
$$;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

-- Fixtures.  o1 needs 2 trucks, broadcast as six requests, ordered by id:
-- r1 cancelled, r2 searching but past its expires_at, r3 expired, then three
-- free ones.  o2 needs 2: one free request, one cancelled.  o3 needs 1: its
-- only request is past its expires_at.  o4 needs 1, broadcast once.
-- o-cancelled, o-expired and o-completed are closed.  o5 keeps a truck and
-- a driver of alpha's busy.
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2), (id('o2'), 2), (id('o3'), 1), (id('o4'), 1), (id('o5'), 1);
INSERT INTO public.orders (id, trucks_needed, status) VALUES
	(id('o-cancelled'), 1, 'cancelled'),
	(id('o-expired'), 1, 'expired'),
	(id('o-completed'), 1, 'completed');
INSERT INTO public.truck_requests (id, order_id, vehicle_type, status, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', 'cancelled', NULL),
	(id('r2'), id('o1'), 'open_17ft', 'searching', now() - interval '1 second'),
	(id('r3'), id('o1'), 'open_17ft', 'expired', NULL),
	(id('r4'), id('o1'), 'open_17ft', 'searching', now() + interval '1 hour'),
	(id('r5'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r6'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('s1'), id('o2'), 'open_17ft', 'searching', NULL),
	(id('s2'), id('o2'), 'open_17ft', 'cancelled', NULL),
	(id('t1'), id('o3'), 'open_17ft', 'searching', now() - interval '1 second'),
	(id('u1'), id('o4'), 'open_17ft', 'searching', NULL),
	(id('w1'), id('o5'), 'open_17ft', 'searching', NULL),
	(id('x1'), id('o-cancelled'), 'open_17ft', 'cancelled', NULL),
	(id('x2'), id('o-expired'), 'open_17ft', 'expired', NULL),
	(id('x3'), id('o-completed'), 'open_17ft', 'searching', NULL);
INSERT INTO public.vehicles (id, transporter_id, vehicle_type, status) VALUES
	(id('va'), id('alpha'), 'open_17ft', 'available'),
	(id('va2'), id('alpha'), 'open_17ft', 'available'),
	(id('va-closed'), id('alpha'), 'closed_20ft', 'available'),
	(id('va-maint'), id('alpha'), 'open_17ft', 'maintenance'),
	(id('va-inactive'), id('alpha'), 'open_17ft', 'inactive'),
	(id('va-busy'), id('alpha'), 'open_17ft', 'available'),
	(id('vb'), id('bravo'), 'open_17ft', 'available'),
	(id('vc'), id('charlie'), 'open_17ft', 'available'),
	(id('vc2'), id('charlie'), 'open_17ft', 'available');
INSERT INTO public.drivers (id, transporter_id, status) VALUES
	(id('da'), id('alpha'), 'available'),
	(id('da2'), id('alpha'), 'available'),
	(id('da-busy'), id('alpha'), 'available'),
	(id('da-inactive'), id('alpha'), 'inactive'),
	(id('db'), id('bravo'), 'available');
SELECT outcome FROM truck_accept.accept_truck_request(id('w1'), id('alpha'), id('va-busy'), id('da-busy'));
TRUNCATE public.events;

-- The result's columns, in order: accept's nine, then request_id.  An
-- unknown order is not_found, with no order and no request.
SELECT * FROM truck_accept.accept_any_truck_request(id('o-none'), id('alpha'), id('va'), id('da'));

-- The rejections, each naming the request it decided on (the lowest free
-- one, r4) and the order.  None writes anything.
SELECT fingerprint() AS before_rejections \gset
-- vehicle_not_found, vehicle_not_owned, vehicle_type_mismatch, vehicle_unavailable
SELECT * FROM take_any('o1', 'alpha', 'no-such-vehicle', 'da');
SELECT * FROM take_any('o1', 'alpha', 'vb', 'da');
SELECT * FROM take_any('o1', 'alpha', 'va-closed', 'da');
SELECT * FROM take_any('o1', 'alpha', 'va-maint', 'da');
SELECT * FROM take_any('o1', 'alpha', 'va-inactive', 'da');
SELECT * FROM take_any('o1', 'alpha', 'va-busy', 'da');
-- driver_not_found, driver_not_owned, driver_unavailable
SELECT * FROM take_any('o1', 'alpha', 'va', 'no-such-driver');
SELECT * FROM take_any('o1', 'alpha', 'va', 'db');
SELECT * FROM take_any('o1', 'alpha', 'va', 'da-busy');
SELECT * FROM take_any('o1', 'alpha', 'va', 'da-inactive');
-- order_closed: cancelled, expired, completed (x3 is still searching)
SELECT * FROM take_any('o-cancelled', 'alpha', 'va', 'da');
SELECT * FROM take_any('o-expired', 'alpha', 'va', 'da');
SELECT * FROM take_any('o-completed', 'alpha', 'va', 'da');
-- request_closed: o3 is open, but its only request is past due
SELECT * FROM take_any('o3', 'alpha', 'va', 'da');
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- NULL order, transporter or vehicle: SQLSTATE 22004, the first one named.
SELECT * FROM truck_accept.accept_any_truck_request(NULL, id('alpha'), id('va'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.accept_any_truck_request(id('o1'), NULL, id('va'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.accept_any_truck_request(id('o1'), id('alpha'), NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.accept_any_truck_request(NULL, NULL, NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- accepted: alpha gets r4, the lowest free request (r1, r2 and r3 are
-- skipped), with accept's side effects and one "accepted" event.
SELECT * FROM take_any('o1', 'alpha', 'va', 'da');
SELECT * FROM state() WHERE order_name = 'o1';
SELECT r.assignment_id = a.id AS same_assignment, r.trip_id = a.trip_id AS same_trip,
	   nm(a.truck_request_id) AS request, nm(a.transporter_id) AS transporter,
	   nm(a.vehicle_id) AS vehicle, nm(a.driver_id) AS driver, a.status
FROM truck_accept.accept_any_truck_request(id('o1'), id('alpha'), id('va'), id('da')) r
JOIN public.assignments a ON a.truck_request_id = r.request_id;
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id = id('va');
SELECT nm(id) AS driver, status FROM public.drivers WHERE id = id('da');
SELECT e.event_type, nm(e.request_id) AS request, e.assignment_id = a.id AS assignment_ok,
	   named(e.payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids,
	   e.payload->>'trip_id' = a.trip_id::text AS payload_trip_ok
FROM public.events e JOIN public.assignments a ON a.truck_request_id = e.request_id
ORDER BY e.id;

-- already_yours: a retry with the same vehicle gets the same slot back,
-- whatever driver it names, and changes nothing.
SELECT fingerprint() AS after_accept \gset
SELECT * FROM take_any('o1', 'alpha', 'va', 'da');
SELECT * FROM take_any('o1', 'alpha', 'va');
SELECT * FROM take_any('o1', 'alpha', 'va', 'no-such-driver');
SELECT fingerprint() = :'after_accept' AS nothing_written;
-- the same truck offered for another order is on its trip
SELECT * FROM take_any('o4', 'alpha', 'va');

-- Another vehicle of the same transporter takes another slot: r5, and the
-- order is full.
SELECT * FROM take_any('o1', 'alpha', 'va2', 'da2');
SELECT * FROM state() WHERE order_name = 'o1';
-- The retries still get their own slots back, with the assignment and trip
-- each already holds.
SELECT r.outcome, nm(r.request_id) AS request,
	   r.assignment_id = a.id AS same_assignment, r.trip_id = a.trip_id AS same_trip
FROM (VALUES ('va'), ('va2')) v(name)
	 CROSS JOIN LATERAL truck_accept.accept_any_truck_request(id('o1'), id('alpha'), id(v.name)) r
	 JOIN public.assignments a ON a.vehicle_id = id(v.name) AND a.status = 'active'
ORDER BY v.name;
-- order_closed: the order is full; r6 is still searching, so it is the
-- request decided on
SELECT fingerprint() AS full_order \gset
SELECT * FROM take_any('o1', 'bravo', 'vb', 'db');
SELECT fingerprint() = :'full_order' AS nothing_written;

-- request_closed: o2 is still open, but its last free request is taken.
SELECT * FROM take_any('o2', 'bravo', 'vb', 'db');
SELECT * FROM take_any('o2', 'charlie', 'vc');
SELECT * FROM state() WHERE order_name = 'o2';

-- order_closed with no request left at all: o4's only request is taken.
SELECT * FROM take_any('o4', 'charlie', 'vc');
SELECT * FROM take_any('o4', 'charlie', 'vc2');
SELECT * FROM take_any('o4', 'charlie', 'vc');

-- A released slot is free again for the next caller.
SELECT outcome FROM truck_accept.release_truck_request(id('r4'), id('alpha'));
SELECT * FROM take_any('o1', 'charlie', 'vc2');
SELECT * FROM state();

-- Every accept_any that won appended exactly one "accepted" event for its
-- request (and the release its "released").
SELECT e.event_type, nm(e.request_id) AS request, nm(e.transporter_id) AS transporter,
	   e.payload->>'order_status' AS order_status
FROM public.events e ORDER BY e.id;

SELECT * FROM truck_accept.invariant_violations;

-- An order broadcast for two types: a closed truck takes the closed request
-- even though an open one has a lower id, and an open truck the open one.
INSERT INTO public.orders (id, trucks_needed) VALUES (id('o9'), 2);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r91'), id('o9'), 'open_17ft'),
	(id('r92'), id('o9'), 'closed_20ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('v9-closed'), id('niner'), 'closed_20ft'),
	(id('v9-closed2'), id('niner'), 'closed_20ft'),
	(id('v9-open'), id('niner'), 'open_17ft');
SELECT * FROM take_any('o9', 'niner', 'v9-closed');
-- no closed request is left: the second closed truck is of the wrong type
SELECT * FROM take_any('o9', 'niner', 'v9-closed2');
SELECT * FROM take_any('o9', 'niner', 'v9-open');
SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t11 CASCADE;
RESET search_path;
