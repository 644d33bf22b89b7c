-- 05_invariants: truck_accept.invariant_violations is empty on consistent
-- data and names every kind of inconsistency that writes bypassing the
-- function could leave behind (the audit the demo and the stress tests use
-- must be able to fail).
\i sql/include/tables.sql
\set VERBOSITY terse

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-0000000000a1', 2);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d2', 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000d1'),
	('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000d2');
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1',
	'00000000-0000-0000-0000-0000000000e1');

-- consistent: nothing to report
SELECT * FROM truck_accept.invariant_violations;

-- Each broken invariant, written behind the function's back, then undone.
BEGIN;
UPDATE public.orders SET trucks_filled = 2, status = 'fully_filled';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
BEGIN;
UPDATE public.orders SET status = 'fully_filled';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
BEGIN;
UPDATE public.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
	assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL
	WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
BEGIN;
UPDATE public.truck_requests SET assigned_vehicle_id = '00000000-0000-0000-0000-0000000000c2'
	WHERE id = '00000000-0000-0000-0000-0000000000b1';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
BEGIN;
UPDATE public.vehicles SET status = 'available' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE public.drivers SET status = 'on_trip' WHERE id = '00000000-0000-0000-0000-0000000000e2';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
BEGIN;
UPDATE public.vehicles SET transporter_id = '00000000-0000-0000-0000-0000000000d2'
	WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT invariant, detail FROM truck_accept.invariant_violations ORDER BY 1, 2;
ROLLBACK;
-- a second active assignment for the request: refused by the database itself
INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1',
			'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');

-- and all is well again
SELECT count(*) AS violations FROM truck_accept.invariant_violations;

TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
