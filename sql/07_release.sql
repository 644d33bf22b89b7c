-- 07_release: release_truck_request(request_id, transporter_id), every
-- outcome and error, and the side effects of "released": the assignment is
-- released, the request is searching again with its assigned_* columns
-- cleared, the order's counter goes down by one and its status follows, the
-- vehicle and driver are available again, a "released" event is appended; and
-- the freed slot can be won again.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t07;
SET search_path = t07, public;

-- Readable fixed ids that sort like their names: id('r1') is the name's
-- bytes, zero-padded, as a uuid (names of at most 16 bytes); nm() reads the
-- name back, and says "random" for an id the extension generated.
\i sql/include/helpers.sql

-- The call, with the ids read back as names (the assignment's as a boolean).
CREATE FUNCTION rel(req text, tr text)
RETURNS TABLE (outcome text, released boolean, has_assignment boolean,
			   order_name text, filled text, order_status text, message text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.released, r.assignment_id IS NOT NULL, nm(r.order_id),
		   r.trucks_filled || '/' || r.trucks_needed, r.order_status, r.message
	FROM truck_accept.release_truck_request(id(req), id(tr)) r
$$;

CREATE FUNCTION acc(req text, tr text, veh text, drv text DEFAULT NULL)
RETURNS TABLE (outcome text, filled text, order_status text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.trucks_filled || '/' || r.trucks_needed, r.order_status
	FROM truck_accept.accept_truck_request(id(req), id(tr), id(veh), id(drv)) r
$$;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

-- Fixtures: o1 needs 2 trucks, o2 needs 1.
INSERT INTO public.orders (id, trucks_needed) VALUES (id('o1'), 2), (id('o2'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, status) VALUES
	(id('r1'), id('o1'), 'open_17ft', 'searching'),
	(id('r2'), id('o1'), 'open_17ft', 'searching'),
	(id('r3'), id('o2'), 'open_17ft', 'searching'),
	(id('r-cancelled'), id('o1'), 'open_17ft', 'cancelled'),
	(id('r-expired'), id('o1'), 'open_17ft', 'expired');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('va2'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('da'), id('alpha')),
	(id('dc'), id('charlie'));

-- alpha takes r1 with a driver, bravo r2 without: o1 is fully filled.
SELECT * FROM acc('r1', 'alpha', 'va', 'da');
SELECT * FROM acc('r2', 'bravo', 'vb');
TRUNCATE public.events;

-- The rejections, each with the order it reports.  None writes anything.
SELECT fingerprint() AS before_rejections \gset
-- not_found: no such request (and so no order)
SELECT * FROM rel('no-such-request', 'alpha');
-- not_assigned: searching, cancelled, expired (completed: see 10_complete)
SELECT * FROM rel('r3', 'alpha');
SELECT * FROM rel('r-cancelled', 'alpha');
SELECT * FROM rel('r-expired', 'alpha');
-- not_yours: assigned to another transporter, or to nobody we know
SELECT * FROM rel('r1', 'bravo');
SELECT * FROM rel('r2', 'alpha');
SELECT * FROM rel('r1', 'nobody');
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- A NULL argument is an error, SQLSTATE 22004, and writes nothing.
SELECT * FROM truck_accept.release_truck_request(NULL, id('alpha'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.release_truck_request(id('r1'), NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.release_truck_request(NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- released, with a driver: fully_filled -> partially_filled.
SELECT id AS a1, trip_id AS trip1 FROM public.assignments
WHERE truck_request_id = id('r1') AND status = 'active' \gset
SELECT outcome, released, assignment_id = :'a1' AS same_assignment, nm(order_id) AS order_name,
	   trucks_filled, trucks_needed, order_status, message
FROM truck_accept.release_truck_request(id('r1'), id('alpha'));
-- the assignment is released (kept, not deleted)
SELECT nm(truck_request_id) AS request, nm(transporter_id) AS transporter,
	   nm(vehicle_id) AS vehicle, nm(driver_id) AS driver, status, trip_id = :'trip1' AS same_trip
FROM public.assignments WHERE id = :'a1';
-- the request is searching again, with nothing of its holder left
SELECT nm(id) AS request, status, assigned_transporter_id, assigned_vehicle_id,
	   assigned_driver_id, assigned_at
FROM public.truck_requests WHERE id = id('r1');
-- the order gave one truck back
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders WHERE id = id('o1');
-- vehicle and driver are free again; bravo's vehicle is still on its trip
SELECT nm(id) AS vehicle, status FROM public.vehicles ORDER BY id;
SELECT nm(id) AS driver, status FROM public.drivers ORDER BY id;
-- one "released" event, naming everything involved
SELECT event_type, nm(order_id) AS order_name, nm(request_id) AS request,
	   assignment_id = :'a1' AS assignment_ok, nm(transporter_id) AS transporter,
	   named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids,
	   payload->>'assignment_id' = :'a1' AS payload_assignment_ok,
	   payload->>'trip_id' = :'trip1' AS payload_trip_ok
FROM public.events ORDER BY id;
SELECT * FROM truck_accept.invariant_violations;

-- Releasing it again: it is no longer assigned.
SELECT * FROM rel('r1', 'alpha');

-- released, without a driver: partially_filled -> searching.
SELECT * FROM rel('r2', 'bravo');
SELECT nm(id) AS request, status, assigned_transporter_id IS NULL AS cleared
FROM public.truck_requests WHERE order_id = id('o1') ORDER BY id;
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders WHERE id = id('o1');
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id = id('vb');
SELECT event_type, named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM public.events ORDER BY id DESC LIMIT 1;
SELECT * FROM truck_accept.invariant_violations;

-- A one-truck order goes from fully_filled straight back to searching.
SELECT * FROM acc('r3', 'charlie', 'vc', 'dc');
SELECT * FROM rel('r3', 'charlie');

-- The freed slot can be won again, by someone else, with a new assignment
-- and trip; the released assignment stays as it was.
SELECT * FROM acc('r1', 'charlie', 'vc', 'dc');
SELECT nm(transporter_id) AS transporter, nm(vehicle_id) AS vehicle, status,
	   id = :'a1' AS first_assignment, trip_id = :'trip1' AS first_trip
FROM public.assignments WHERE truck_request_id = id('r1')
ORDER BY status DESC;
SELECT nm(id) AS request, status, nm(assigned_transporter_id) AS transporter,
	   nm(assigned_vehicle_id) AS vehicle, nm(assigned_driver_id) AS driver
FROM public.truck_requests WHERE id = id('r1');
-- ... and the released holder can come back with the same truck elsewhere
SELECT * FROM acc('r2', 'alpha', 'va', 'da');
-- but r1 is no longer alpha's to release
SELECT * FROM rel('r1', 'alpha');
SELECT count(*) FILTER (WHERE status = 'released') AS released,
	   count(*) FILTER (WHERE status = 'active') AS active
FROM public.assignments;
SELECT nm(id) AS order_name, trucks_filled, trucks_needed, status
FROM public.orders ORDER BY id;
SELECT array_agg(event_type ORDER BY id) AS events FROM public.events;

SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t07 CASCADE;
RESET search_path;
