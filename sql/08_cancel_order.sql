-- 08_cancel_order: cancel_order(order_id), every outcome and error.  A
-- cancellation cancels the order's searching requests and the requests it has
-- an active assignment for, those assignments, frees their vehicles and
-- drivers, and cancels the order with trucks_filled back to its completed
-- assignments; it appends one assignment_cancelled event per assignment and
-- one order_cancelled.  Nothing of a cancelled order can be won any more.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t08;
SET search_path = t08, public;

-- Readable fixed ids that sort like their names: id('r1') is the name's
-- bytes, zero-padded, as a uuid (names of at most 16 bytes); nm() reads the
-- name back, and says "random" for an id the extension generated.
\i sql/include/helpers.sql

-- The call, with the ids read back as names (the assignment's as a boolean).
CREATE FUNCTION acc(req text, tr text, veh text, drv text DEFAULT NULL)
RETURNS TABLE (outcome text, filled text, order_status text, message text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.trucks_filled || '/' || r.trucks_needed, r.order_status, r.message
	FROM truck_accept.accept_truck_request(id(req), id(tr), id(veh), id(drv)) r
$$;
-- the active (or given status's) assignment of a request
CREATE FUNCTION asg(req text, st text DEFAULT 'active') RETURNS uuid LANGUAGE sql AS $$
	SELECT a.id FROM public.assignments a
	WHERE a.truck_request_id = id(req) AND a.status = st
$$;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

-- Fixtures.  o1 needs 3 trucks and has every kind of request; o2 is fully
-- filled, one of its trips already completed; o3 has nothing assigned; o4 has
-- no request at all; o-expired and o-completed are closed.
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 3), (id('o2'), 2), (id('o3'), 2), (id('o4'), 1), (id('o5'), 1);
INSERT INTO public.orders (id, trucks_needed, status) VALUES
	(id('o-expired'), 1, 'expired'),
	(id('o-completed'), 1, 'completed');
INSERT INTO public.truck_requests (id, order_id, vehicle_type, status, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r2'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r3'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r4-past'), id('o1'), 'open_17ft', 'searching', now() - interval '1 minute'),
	(id('r5-expired'), id('o1'), 'open_17ft', 'expired', NULL),
	(id('r6-cancelled'), id('o1'), 'open_17ft', 'cancelled', NULL),
	(id('r7'), id('o2'), 'open_17ft', 'searching', NULL),
	(id('r8'), id('o2'), 'open_17ft', 'searching', NULL),
	(id('r9'), id('o3'), 'open_17ft', 'searching', NULL),
	(id('r10'), id('o3'), 'open_17ft', 'searching', NULL),
	(id('r11'), id('o5'), 'open_17ft', 'searching', NULL),
	(id('r12'), id('o-expired'), 'open_17ft', 'expired', NULL);
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('va2'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('da'), id('alpha')),
	(id('dc'), id('charlie'));

SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT * FROM acc('r2', 'bravo', 'vb');
SELECT * FROM acc('r7', 'alpha', 'va2');
SELECT * FROM acc('r8', 'charlie', 'vc', 'dc');
SELECT outcome, order_status FROM truck_accept.complete_assignment(asg('r7'));
TRUNCATE public.events;

-- The rejections.  None writes anything.
SELECT fingerprint() AS before_rejections \gset
-- not_found: no such order (and so no status)
SELECT * FROM truck_accept.cancel_order(id('o-none'));
-- already_closed: expired, completed
SELECT * FROM truck_accept.cancel_order(id('o-expired'));
SELECT * FROM truck_accept.cancel_order(id('o-completed'));
-- A NULL order is an error, SQLSTATE 22004.
SELECT * FROM truck_accept.cancel_order(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- cancelled: o1 had two active assignments (one with a driver), a searching
-- request, one searching but past its expires_at, an expired and a cancelled
-- one.
SELECT id AS a1, trip_id AS trip1 FROM public.assignments
WHERE truck_request_id = id('r1') AND status = 'active' \gset
SELECT id AS a2, trip_id AS trip2 FROM public.assignments
WHERE truck_request_id = id('r2') AND status = 'active' \gset
SELECT * FROM truck_accept.cancel_order(id('o1'));
-- every searching and assigned request is cancelled (also the one past its
-- expires_at that nobody expired yet); the expired one stays expired
SELECT nm(id) AS request, status
FROM public.truck_requests WHERE order_id = id('o1') ORDER BY id;
-- both active assignments are cancelled
SELECT nm(truck_request_id) AS request, nm(transporter_id) AS transporter, status,
	   id = CASE truck_request_id WHEN id('r1') THEN :'a1'::uuid ELSE :'a2'::uuid END AS same_assignment
FROM public.assignments WHERE order_id = id('o1') ORDER BY truck_request_id;
-- the order: cancelled, nothing filled any more
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders WHERE id = id('o1');
-- the vehicles and the driver are free again (o2's are untouched)
SELECT nm(id) AS vehicle, status FROM public.vehicles ORDER BY id;
SELECT nm(id) AS driver, status FROM public.drivers ORDER BY id;
-- events: one assignment_cancelled per assignment, then the order_cancelled
SELECT array_agg(event_type ORDER BY id) AS events FROM public.events;
SELECT event_type, nm(order_id) AS order_name, nm(request_id) AS request,
	   nm(transporter_id) AS transporter,
	   assignment_id = CASE request_id WHEN id('r1') THEN :'a1'::uuid ELSE :'a2'::uuid END AS assignment_ok,
	   named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids,
	   payload->>'assignment_id' = assignment_id::text AS payload_assignment_ok,
	   payload->>'trip_id' = CASE request_id WHEN id('r1') THEN :'trip1' ELSE :'trip2' END AS payload_trip_ok
FROM public.events ORDER BY event_type, request_id;
SELECT * FROM truck_accept.invariant_violations;

-- A second cancellation: already_closed, nothing written.
SELECT fingerprint() AS after_cancel \gset
SELECT * FROM truck_accept.cancel_order(id('o1'));

-- Nothing of a cancelled order can be won, released or completed any more.
SELECT * FROM acc('r3', 'bravo', 'vb');
SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT * FROM acc('r5-expired', 'bravo', 'vb');
SELECT outcome, nm(request_id) AS request, nm(order_id) AS order_name,
	   trucks_filled, trucks_needed, order_status, message
FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
SELECT outcome, released, order_status, message
FROM truck_accept.release_truck_request(id('r1'), id('alpha'));
SELECT outcome, completed, order_status, message
FROM truck_accept.complete_assignment(:'a1');
SELECT fingerprint() = :'after_cancel' AS nothing_written;

-- The freed vehicle and driver can take another order.
SELECT * FROM acc('r11', 'alpha', 'va', 'da');

-- A fully filled order with a completed trip: the active assignment is
-- cancelled, the completed one stays completed and still counts.
SELECT id AS a8 FROM public.assignments WHERE truck_request_id = id('r8') \gset
SELECT * FROM truck_accept.cancel_order(id('o2'));
SELECT nm(id) AS request, status FROM public.truck_requests
WHERE order_id = id('o2') ORDER BY id;
SELECT nm(truck_request_id) AS request, status FROM public.assignments
WHERE order_id = id('o2') ORDER BY truck_request_id;
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders WHERE id = id('o2');
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id IN (id('va2'), id('vc')) ORDER BY id;
SELECT nm(id) AS driver, status FROM public.drivers WHERE id = id('dc');
SELECT event_type, assignment_id = :'a8' AS assignment_ok,
	   named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM public.events WHERE order_id = id('o2') ORDER BY id;
SELECT * FROM truck_accept.invariant_violations;

-- Nothing assigned: the requests are cancelled, only order_cancelled.
SELECT * FROM truck_accept.cancel_order(id('o3'));
SELECT nm(id) AS request, status FROM public.truck_requests
WHERE order_id = id('o3') ORDER BY id;
SELECT event_type, named(payload) AS payload
FROM public.events WHERE order_id = id('o3') ORDER BY id;
-- No request at all.
SELECT * FROM truck_accept.cancel_order(id('o4'));
SELECT event_type, named(payload) AS payload
FROM public.events WHERE order_id = id('o4') ORDER BY id;

-- every cancelled order, and its counter
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders ORDER BY id;
SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t08 CASCADE;
RESET search_path;
