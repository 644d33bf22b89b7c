-- 01_outcomes: every outcome of accept_truck_request, in the documented order
-- of precedence, and the side effects of "accepted".
\i sql/include/tables.sql
\set VERBOSITY terse

-- Readable fixed ids: id('name') is the md5 of the name, as a uuid.
CREATE FUNCTION id(text) RETURNS uuid
	LANGUAGE sql IMMUTABLE AS $$ SELECT pg_catalog.md5($1)::uuid $$;

-- The call, with the random ids reduced to whether they are there.
CREATE FUNCTION try(req text, tr text, veh text, drv text DEFAULT NULL)
RETURNS TABLE (outcome text, accepted boolean, has_assignment boolean,
			   has_trip boolean, order_ok boolean, filled text,
			   order_status text, message text)
LANGUAGE sql AS $$
	SELECT r.outcome, r.accepted, r.assignment_id IS NOT NULL,
		   r.trip_id IS NOT NULL,
		   r.order_id IS NOT DISTINCT FROM
			 (SELECT t.order_id FROM public.truck_requests t WHERE t.id = id(req)),
		   r.trucks_filled || '/' || r.trucks_needed, r.order_status, r.message
	FROM truck_accept.accept_truck_request(id(req), id(tr), id(veh),
										   CASE WHEN drv IS NULL THEN NULL ELSE id(drv) END) r
$$;

-- A fingerprint of every row of every table, to show that a call wrote nothing.
CREATE FUNCTION fingerprint() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(o::text, ',' ORDER BY o.id) FROM public.orders o),
		(SELECT string_agg(r::text, ',' ORDER BY r.id) FROM public.truck_requests r),
		(SELECT string_agg(v::text, ',' ORDER BY v.id) FROM public.vehicles v),
		(SELECT string_agg(d::text, ',' ORDER BY d.id) FROM public.drivers d),
		(SELECT string_agg(a::text, ',' ORDER BY a.id) FROM public.assignments a)))
$$;

-- Fixtures: order o1 needs 2 trucks of type open_17ft.
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2);
INSERT INTO public.orders (id, trucks_needed, status) VALUES
	(id('o-cancelled'), 1, 'cancelled'),
	(id('o-expired'), 1, 'expired'),
	(id('o-completed'), 1, 'completed');
INSERT INTO public.orders (id, trucks_needed, trucks_filled, status) VALUES
	(id('o-full'), 1, 1, 'fully_filled'),
	(id('o-full-counter'), 1, 1, 'partially_filled');

INSERT INTO public.truck_requests (id, order_id, vehicle_type, status, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', 'searching', now() + interval '1 hour'),
	(id('r2'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r3'), id('o1'), 'open_17ft', 'searching', NULL),
	(id('r-cancelled'), id('o1'), 'open_17ft', 'cancelled', NULL),
	(id('r-expired'), id('o1'), 'open_17ft', 'expired', NULL),
	(id('r-completed'), id('o1'), 'open_17ft', 'completed', NULL),
	(id('r-past'), id('o1'), 'open_17ft', 'searching', now() - interval '1 second'),
	(id('r-o-cancelled'), id('o-cancelled'), 'open_17ft', 'searching', NULL),
	(id('r-o-expired'), id('o-expired'), 'open_17ft', 'searching', NULL),
	(id('r-o-completed'), id('o-completed'), 'open_17ft', 'searching', NULL),
	(id('r-o-full'), id('o-full'), 'open_17ft', 'searching', NULL),
	(id('r-o-full-counter'), id('o-full-counter'), 'open_17ft', 'searching', NULL);

INSERT INTO public.vehicles (id, transporter_id, vehicle_type, status) VALUES
	(id('v-a'), id('alpha'), 'open_17ft', 'available'),
	(id('v-a2'), id('alpha'), 'open_17ft', 'available'),
	(id('v-a-closed'), id('alpha'), 'closed_20ft', 'available'),
	(id('v-a-maint'), id('alpha'), 'open_17ft', 'maintenance'),
	(id('v-a-inactive'), id('alpha'), 'open_17ft', 'inactive'),
	(id('v-b'), id('bravo'), 'open_17ft', 'available');

INSERT INTO public.drivers (id, transporter_id, status) VALUES
	(id('d-a'), id('alpha'), 'available'),
	(id('d-a-busy'), id('alpha'), 'on_trip'),
	(id('d-a-inactive'), id('alpha'), 'inactive'),
	(id('d-b'), id('bravo'), 'available');

SELECT fingerprint() AS before_rejections \gset

-- 1. not_found
SELECT * FROM try('no such request', 'alpha', 'v-a', 'd-a');
-- 4. request_closed: cancelled, expired, completed, past its expires_at
SELECT * FROM try('r-cancelled', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-expired', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-completed', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-past', 'alpha', 'v-a', 'd-a');
-- 5. order_closed: cancelled, expired, completed, fully_filled, counter at its cap
SELECT * FROM try('r-o-cancelled', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-o-expired', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-o-completed', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-o-full', 'alpha', 'v-a', 'd-a');
SELECT * FROM try('r-o-full-counter', 'alpha', 'v-a', 'd-a');
-- 6-9. the vehicle
SELECT * FROM try('r1', 'alpha', 'no such vehicle', 'd-a');
SELECT * FROM try('r1', 'alpha', 'v-b', 'd-a');
SELECT * FROM try('r1', 'alpha', 'v-a-closed', 'd-a');
SELECT * FROM try('r1', 'alpha', 'v-a-maint', 'd-a');
SELECT * FROM try('r1', 'alpha', 'v-a-inactive', 'd-a');
-- 10-12. the driver
SELECT * FROM try('r1', 'alpha', 'v-a', 'no such driver');
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-b');
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-a-busy');
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-a-inactive');

-- Precedence: the first failing check wins.
SELECT * FROM try('r-cancelled', 'alpha', 'no such vehicle', 'no such driver');  -- request_closed
SELECT * FROM try('r-o-full', 'alpha', 'no such vehicle', 'no such driver');     -- order_closed
SELECT * FROM try('r1', 'alpha', 'v-b', 'no such driver');                      -- vehicle_not_owned
SELECT * FROM try('r1', 'alpha', 'v-a-closed', 'd-a-busy');                     -- vehicle_type_mismatch
SELECT * FROM try('r1', 'alpha', 'v-a-maint', 'd-b');                           -- vehicle_unavailable
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-b');                                 -- driver_not_owned

-- A rejection writes nothing.
SELECT fingerprint() = :'before_rejections' AS nothing_written;

-- 13. accepted, with a driver: the request, a new assignment, the counter,
-- the vehicle and the driver all change in one go.
BEGIN;
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-a');
SELECT status, assigned_transporter_id = id('alpha') AS transporter_ok,
	   assigned_vehicle_id = id('v-a') AS vehicle_ok,
	   assigned_driver_id = id('d-a') AS driver_ok,
	   assigned_at = now() AS assigned_now
FROM public.truck_requests WHERE id = id('r1');
COMMIT;
SELECT truck_request_id = id('r1') AS request_ok, order_id = id('o1') AS order_ok,
	   transporter_id = id('alpha') AS transporter_ok, vehicle_id = id('v-a') AS vehicle_ok,
	   driver_id = id('d-a') AS driver_ok, trip_id IS NOT NULL AS has_trip, status
FROM public.assignments;
SELECT trucks_filled, trucks_needed, status FROM public.orders WHERE id = id('o1');
SELECT status FROM public.vehicles WHERE id = id('v-a');
SELECT status FROM public.drivers WHERE id = id('d-a');

-- 2. already_yours: a retry returns the existing assignment and changes nothing.
SELECT fingerprint() AS after_accept \gset
SELECT * FROM try('r1', 'alpha', 'v-a', 'd-a');
SELECT r.assignment_id = a.id AS same_assignment, r.trip_id = a.trip_id AS same_trip
FROM truck_accept.accept_truck_request(id('r1'), id('alpha'), id('v-a'), id('d-a')) r,
	 public.assignments a;
-- already_yours wins over the state of the vehicle or driver offered
SELECT * FROM try('r1', 'alpha', 'no such vehicle');
-- 3. already_taken: another transporter; the winner is not revealed
SELECT * FROM try('r1', 'bravo', 'v-b', 'd-b');
SELECT fingerprint() = :'after_accept' AS nothing_written;

-- A vehicle or driver on a trip cannot take a second request.
SELECT * FROM try('r2', 'alpha', 'v-a');
SELECT * FROM try('r2', 'alpha', 'v-a2', 'd-a');

-- accepted without a driver; the order's last truck fills it.
SELECT * FROM try('r2', 'bravo', 'v-b');
SELECT assigned_driver_id IS NULL AS no_driver FROM public.truck_requests WHERE id = id('r2');
SELECT count(*) AS active, count(driver_id) AS with_driver
FROM public.assignments WHERE status = 'active';
SELECT trucks_filled, trucks_needed, status FROM public.orders WHERE id = id('o1');
-- Over-broadcast: the third request of a two-truck order finds it closed.
SELECT * FROM try('r3', 'alpha', 'v-a2');

-- Everything happens in the caller's transaction.
SELECT fingerprint() AS committed \gset
INSERT INTO public.orders (id, trucks_needed) VALUES (id('o4'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES (id('r4'), id('o4'), 'open_17ft');
SELECT fingerprint() AS with_o4 \gset
BEGIN;
SELECT * FROM try('r4', 'alpha', 'v-a2');
ROLLBACK;
SELECT fingerprint() = :'with_o4' AS rolled_back_to_nothing;
-- and the slot is still winnable
SELECT * FROM try('r4', 'alpha', 'v-a2');

-- The caller's transaction stays usable after a rejection.
BEGIN;
SELECT outcome FROM try('r4', 'bravo', 'v-b');
SELECT 1 AS still_usable;
COMMIT;

TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
