-- 10_complete: complete_assignment(assignment_id), every outcome and error.
-- A completed trip completes its assignment and request and frees the
-- vehicle and driver; its truck still counts toward the order, which stays
-- fully_filled until its last active assignment completes and then becomes
-- completed (assignment_completed and order_completed events).  A partially
-- filled order is not completed by its trips.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t10;
SET search_path = t10, public;

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
-- the latest assignment of a request
CREATE FUNCTION asg(req text) RETURNS uuid LANGUAGE sql AS $$
	SELECT a.id FROM public.assignments a
	WHERE a.truck_request_id = id(req) ORDER BY a.created_at DESC, a.status = 'active' DESC LIMIT 1
$$;
-- the call, with the ids read back as names
CREATE FUNCTION cmp(a uuid)
RETURNS TABLE (outcome text, completed boolean, request text, order_name text,
			   order_status text, message text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.completed, nm(r.request_id), nm(r.order_id), r.order_status, r.message
	FROM truck_accept.complete_assignment(a) r
$$;
CREATE FUNCTION state() RETURNS TABLE (order_name text, order_status text, filled text, requests text)
LANGUAGE sql AS $$
	SELECT nm(o.id), o.status, o.trucks_filled || '/' || o.trucks_needed,
		   (SELECT string_agg(nm(r.id) || ' ' || r.status, ', ' ORDER BY r.id)
			FROM public.truck_requests r WHERE r.order_id = o.id)
	FROM public.orders o ORDER BY o.id
$$;
CREATE FUNCTION last_event() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(max(id), 0) FROM public.events
$$;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

-- Fixtures.  o1 needs 2 trucks and is over-broadcast as 3 requests; o2 needs
-- 2; o3 and o4 need 1 each.
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2), (id('o2'), 2), (id('o3'), 1), (id('o4'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r1'), id('o1'), 'open_17ft'),
	(id('r2'), id('o1'), 'open_17ft'),
	(id('r3'), id('o1'), 'open_17ft'),
	(id('r4'), id('o2'), 'open_17ft'),
	(id('r5'), id('o2'), 'open_17ft'),
	(id('r6'), id('o3'), 'open_17ft'),
	(id('r7'), id('o4'), 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('va2'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vb2'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('da'), id('alpha')),
	(id('dc'), id('charlie'));

SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT * FROM acc('r2', 'bravo', 'vb');
SELECT * FROM acc('r4', 'charlie', 'vc', 'dc');
-- r6's assignment is released, r7's cancelled with its order
SELECT * FROM acc('r6', 'alpha', 'va2');
SELECT outcome FROM truck_accept.release_truck_request(id('r6'), id('alpha'));
SELECT * FROM acc('r7', 'bravo', 'vb2');
SELECT outcome FROM truck_accept.cancel_order(id('o4'));
TRUNCATE public.events;
SELECT * FROM state();

-- The rejections.  None writes anything.
SELECT fingerprint() AS before_rejections \gset
-- not_found: no such assignment (a request's id is not an assignment's)
SELECT * FROM cmp(id('no-such-asg'));
SELECT * FROM cmp(id('r1'));
-- not_active: released, cancelled
SELECT * FROM cmp(asg('r6'));
SELECT * FROM cmp(asg('r7'));
-- A NULL assignment is an error, SQLSTATE 22004.
SELECT * FROM truck_accept.complete_assignment(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- completed, with a driver: o1 has another active assignment, so it stays
-- fully_filled, and its counter still counts the completed truck.
SELECT asg('r1') AS a1 \gset
SELECT last_event() AS mark \gset
SELECT * FROM cmp(:'a1');
SELECT nm(truck_request_id) AS request, status FROM public.assignments WHERE id = :'a1';
SELECT * FROM state() WHERE order_name = 'o1';
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id IN (id('va'), id('vb')) ORDER BY id;
SELECT nm(id) AS driver, status FROM public.drivers WHERE id = id('da');
SELECT event_type, nm(order_id) AS order_name, nm(request_id) AS request,
	   assignment_id = :'a1' AS assignment_ok, nm(transporter_id) AS transporter,
	   named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids,
	   payload->>'assignment_id' = :'a1' AS payload_assignment_ok,
	   payload->>'trip_id' = (SELECT trip_id::text FROM public.assignments WHERE id = :'a1') AS payload_trip_ok
FROM public.events WHERE id > :mark ORDER BY id;
SELECT * FROM truck_accept.invariant_violations;

-- already_completed: a retry changes nothing.
SELECT fingerprint() AS after_first \gset
SELECT * FROM cmp(:'a1');
SELECT fingerprint() = :'after_first' AS nothing_written;
-- the completed request can be neither released nor accepted again, and the
-- full order takes no more trucks
SELECT outcome, released, message FROM truck_accept.release_truck_request(id('r1'), id('alpha'));
SELECT * FROM acc('r1', 'charlie', 'va2');
SELECT * FROM acc('r3', 'alpha', 'va', 'da');
SELECT fingerprint() = :'after_first' AS nothing_written;

-- The last active assignment of the full order: the order is completed too.
SELECT asg('r2') AS a2 \gset
SELECT last_event() AS mark \gset
SELECT * FROM cmp(:'a2');
SELECT * FROM state() WHERE order_name = 'o1';
SELECT nm(truck_request_id) AS request, status FROM public.assignments
WHERE order_id = id('o1') ORDER BY truck_request_id;
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id = id('vb');
SELECT event_type, nm(order_id) AS order_name, nm(request_id) AS request,
	   assignment_id = :'a2' AS assignment_ok, nm(transporter_id) AS transporter,
	   named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM public.events WHERE id > :mark ORDER BY id;
SELECT * FROM cmp(:'a2');
SELECT * FROM truck_accept.cancel_order(id('o1'));
SELECT * FROM truck_accept.invariant_violations;

-- A partially filled order is not completed, even when its only assignment
-- completes ...
SELECT asg('r4') AS a4 \gset
SELECT last_event() AS mark \gset
SELECT * FROM cmp(:'a4');
SELECT * FROM state() WHERE order_name = 'o2';
SELECT array_agg(event_type ORDER BY id) AS events FROM public.events WHERE id > :mark;
-- ... it fills up again, with the freed truck, and completes with its last trip.
SELECT * FROM acc('r5', 'charlie', 'vc', 'dc');
SELECT asg('r5') AS a5 \gset
SELECT last_event() AS mark \gset
SELECT * FROM cmp(:'a5');
SELECT * FROM state() WHERE order_name = 'o2';
SELECT event_type, named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM public.events WHERE id > :mark ORDER BY id;

-- A completed trip on a full order that then loses its other truck: the order
-- drops back to partially_filled and is completed only once filled again.
INSERT INTO public.orders (id, trucks_needed) VALUES (id('o5'), 2);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r8'), id('o5'), 'open_17ft'), (id('r9'), id('o5'), 'open_17ft');
SELECT * FROM acc('r8', 'alpha', 'va', 'da');
SELECT * FROM acc('r9', 'bravo', 'vb');
SELECT * FROM cmp(asg('r8'));
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.release_truck_request(id('r9'), id('bravo'));
SELECT * FROM acc('r9', 'charlie', 'vc');
SELECT * FROM cmp(asg('r9'));
SELECT * FROM state();

SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t10 CASCADE;
RESET search_path;
