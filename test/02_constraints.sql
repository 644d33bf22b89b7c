-- test/02_constraints.sql: the database itself refuses writes that break the
-- invariants, also when they bypass accept_truck_request(), and accepts the
-- writes that keep them.
--
-- Fixed ids, by table:
--   a0...  orders            b0...  truck_requests     c0...  vehicles
--   d0...  drivers           e0...  transporters       f0...  assignments / trips
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(61);

-- ---------------------------------------------------------------------------
-- Fixtures: one order with four requests, four vehicles and two drivers of
-- one transporter, and one active assignment (R1, V1, D1, trip f0..01).
-- ---------------------------------------------------------------------------
INSERT INTO public.orders (id, trucks_needed)
VALUES ('a0000000-0000-0000-0000-000000000001', 3);

INSERT INTO public.truck_requests (id, order_id, vehicle_type)
VALUES ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('b0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000001', 'open_17ft');

INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
VALUES ('c0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000003', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000004', 'e0000000-0000-0000-0000-000000000001', 'open_17ft');

INSERT INTO public.drivers (id, transporter_id)
VALUES ('d0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001'),
       ('d0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001');

INSERT INTO public.assignments
	(id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id, trip_id)
VALUES ('f0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000001',
        'a0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
        'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001',
        'f0000000-0000-0000-0000-0000000000f1');

-- The defaults fill in the contract's initial states.
SELECT results_eq(
	$$SELECT o.trucks_filled, o.status::text, r.status::text, v.status::text, d.status::text, a.status::text
	    FROM public.orders o, public.truck_requests r, public.vehicles v,
	         public.drivers d, public.assignments a
	   WHERE o.id = 'a0000000-0000-0000-0000-000000000001'
	     AND r.id = 'b0000000-0000-0000-0000-000000000001'
	     AND v.id = 'c0000000-0000-0000-0000-000000000001'
	     AND d.id = 'd0000000-0000-0000-0000-000000000001'
	     AND a.id = 'f0000000-0000-0000-0000-000000000001'$$,
	$$VALUES (0, 'searching', 'searching', 'available', 'available', 'active')$$,
	'defaults: trucks_filled 0, order and request searching, vehicle and driver available, assignment active');

-- ---------------------------------------------------------------------------
-- orders
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed) VALUES (0)$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_trucks_needed_check"',
	'orders: trucks_needed = 0 is refused');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed) VALUES (-1)$$,
	'23514', NULL,
	'orders: trucks_needed < 0 is refused (by either counter check)');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed, trucks_filled) VALUES (2, -1)$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_trucks_filled_check"',
	'orders: trucks_filled < 0 is refused');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed, trucks_filled) VALUES (2, 3)$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_trucks_filled_check"',
	'orders: trucks_filled > trucks_needed is refused on INSERT');
SELECT throws_ok(
	$$UPDATE public.orders SET trucks_filled = trucks_needed + 1
	   WHERE id = 'a0000000-0000-0000-0000-000000000001'$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_trucks_filled_check"',
	'orders: trucks_filled > trucks_needed is refused on UPDATE');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed, status) VALUES (1, 'open')$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_status_check"',
	'orders: unknown status is refused');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed, status) VALUES (1, 'SEARCHING')$$,
	'23514', 'new row for relation "orders" violates check constraint "orders_status_check"',
	'orders: status values are case-sensitive');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed) VALUES (NULL)$$,
	'23502', 'null value in column "trucks_needed" of relation "orders" violates not-null constraint',
	'orders: NULL trucks_needed is refused');
SELECT throws_ok(
	$$INSERT INTO public.orders (trucks_needed, status) VALUES (1, NULL)$$,
	'23502', 'null value in column "status" of relation "orders" violates not-null constraint',
	'orders: NULL status is refused');
SELECT throws_ok(
	$$DELETE FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000001'$$,
	'23503', NULL,
	'orders: an order with requests and assignments cannot be deleted');

SELECT lives_ok(
	$$INSERT INTO public.orders (trucks_needed, trucks_filled, status)
	  SELECT 2, CASE WHEN s = 'fully_filled' THEN 2 ELSE 1 END, s
	    FROM unnest(ARRAY['searching', 'partially_filled', 'fully_filled',
	                      'cancelled', 'expired', 'completed']) AS s$$,
	'orders: every contract status is accepted, and trucks_filled = trucks_needed is allowed');

-- ---------------------------------------------------------------------------
-- truck_requests
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$INSERT INTO public.truck_requests (order_id, vehicle_type)
	  VALUES ('a0000000-0000-0000-0000-0000000000ff', 'open_17ft')$$,
	'23503', 'insert or update on table "truck_requests" violates foreign key constraint "truck_requests_order_id_fkey"',
	'truck_requests: a nonexistent order_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests (order_id, vehicle_type, status)
	  VALUES ('a0000000-0000-0000-0000-000000000001', 'open_17ft', 'accepted')$$,
	'23514', 'new row for relation "truck_requests" violates check constraint "truck_requests_status_check"',
	'truck_requests: unknown status is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests
	      (order_id, vehicle_type, status, assigned_vehicle_id, assigned_at)
	  VALUES ('a0000000-0000-0000-0000-000000000001', 'open_17ft', 'assigned',
	          'c0000000-0000-0000-0000-000000000004', now())$$,
	'23514', 'new row for relation "truck_requests" violates check constraint "truck_requests_assigned_check"',
	'truck_requests: assigned without assigned_transporter_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests
	      (order_id, vehicle_type, status, assigned_transporter_id, assigned_at)
	  VALUES ('a0000000-0000-0000-0000-000000000001', 'open_17ft', 'assigned',
	          'e0000000-0000-0000-0000-000000000001', now())$$,
	'23514', 'new row for relation "truck_requests" violates check constraint "truck_requests_assigned_check"',
	'truck_requests: assigned without assigned_vehicle_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests
	      (order_id, vehicle_type, status, assigned_transporter_id, assigned_vehicle_id)
	  VALUES ('a0000000-0000-0000-0000-000000000001', 'open_17ft', 'assigned',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000004')$$,
	'23514', 'new row for relation "truck_requests" violates check constraint "truck_requests_assigned_check"',
	'truck_requests: assigned without assigned_at is refused');
SELECT throws_ok(
	$$UPDATE public.truck_requests SET status = 'assigned'
	   WHERE id = 'b0000000-0000-0000-0000-000000000004'$$,
	'23514', 'new row for relation "truck_requests" violates check constraint "truck_requests_assigned_check"',
	'truck_requests: UPDATE to assigned without the assignee is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests (order_id, vehicle_type) VALUES (NULL, 'open_17ft')$$,
	'23502', 'null value in column "order_id" of relation "truck_requests" violates not-null constraint',
	'truck_requests: NULL order_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.truck_requests (order_id, vehicle_type)
	  VALUES ('a0000000-0000-0000-0000-000000000001', NULL)$$,
	'23502', 'null value in column "vehicle_type" of relation "truck_requests" violates not-null constraint',
	'truck_requests: NULL vehicle_type is refused');
SELECT throws_ok(
	$$DELETE FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000001'$$,
	'23503', 'update or delete on table "truck_requests" violates foreign key constraint "assignments_truck_request_id_fkey" on table "assignments"',
	'truck_requests: a request with an assignment cannot be deleted');

SELECT lives_ok(
	$$INSERT INTO public.truck_requests (order_id, vehicle_type, status)
	  SELECT 'a0000000-0000-0000-0000-000000000001', 'open_17ft', s
	    FROM unnest(ARRAY['searching', 'cancelled', 'expired', 'completed']) AS s$$,
	'truck_requests: every unassigned contract status is accepted without an assignee');
SELECT lives_ok(
	$$INSERT INTO public.truck_requests
	      (order_id, vehicle_type, status, assigned_transporter_id, assigned_vehicle_id, assigned_at)
	  VALUES ('a0000000-0000-0000-0000-000000000001', 'open_17ft', 'assigned',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000004', now())$$,
	'truck_requests: assigned with transporter, vehicle and time (no driver) is accepted');

-- ---------------------------------------------------------------------------
-- vehicles and drivers
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$INSERT INTO public.vehicles (transporter_id, vehicle_type, status)
	  VALUES ('e0000000-0000-0000-0000-000000000001', 'open_17ft', 'busy')$$,
	'23514', 'new row for relation "vehicles" violates check constraint "vehicles_status_check"',
	'vehicles: unknown status is refused');
SELECT throws_ok(
	$$INSERT INTO public.vehicles (transporter_id, vehicle_type) VALUES (NULL, 'open_17ft')$$,
	'23502', 'null value in column "transporter_id" of relation "vehicles" violates not-null constraint',
	'vehicles: NULL transporter_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.vehicles (transporter_id, vehicle_type)
	  VALUES ('e0000000-0000-0000-0000-000000000001', NULL)$$,
	'23502', 'null value in column "vehicle_type" of relation "vehicles" violates not-null constraint',
	'vehicles: NULL vehicle_type is refused');
SELECT lives_ok(
	$$INSERT INTO public.vehicles (transporter_id, vehicle_type, status)
	  SELECT 'e0000000-0000-0000-0000-000000000001', 'open_17ft', s
	    FROM unnest(ARRAY['available', 'on_trip', 'maintenance', 'inactive']) AS s$$,
	'vehicles: every contract status is accepted');

SELECT throws_ok(
	$$INSERT INTO public.drivers (transporter_id, status)
	  VALUES ('e0000000-0000-0000-0000-000000000001', 'maintenance')$$,
	'23514', 'new row for relation "drivers" violates check constraint "drivers_status_check"',
	'drivers: unknown status (maintenance is for vehicles only) is refused');
SELECT throws_ok(
	$$INSERT INTO public.drivers (transporter_id) VALUES (NULL)$$,
	'23502', 'null value in column "transporter_id" of relation "drivers" violates not-null constraint',
	'drivers: NULL transporter_id is refused');
SELECT lives_ok(
	$$INSERT INTO public.drivers (transporter_id, status)
	  SELECT 'e0000000-0000-0000-0000-000000000001', s
	    FROM unnest(ARRAY['available', 'on_trip', 'inactive']) AS s$$,
	'drivers: every contract status is accepted');

-- ---------------------------------------------------------------------------
-- assignments: the single-winner indexes, bypassing the function
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000002', 'c0000000-0000-0000-0000-000000000002')$$,
	'23505', 'duplicate key value violates unique constraint "assignments_one_active_per_request"',
	'assignments: a second active assignment for the same request is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000001')$$,
	'23505', 'duplicate key value violates unique constraint "assignments_one_active_per_vehicle"',
	'assignments: a second active assignment for the same vehicle is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, driver_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002',
	          'd0000000-0000-0000-0000-000000000001')$$,
	'23505', 'duplicate key value violates unique constraint "assignments_one_active_per_driver"',
	'assignments: a second active assignment for the same driver is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, trip_id, status)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002',
	          'f0000000-0000-0000-0000-0000000000f1', 'completed')$$,
	'23505', 'duplicate key value violates unique constraint "assignments_trip_id_key"',
	'assignments: a duplicate trip_id is refused (whatever the status)');
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-0000000000ff')$$,
	'23503', 'insert or update on table "assignments" violates foreign key constraint "assignments_vehicle_id_fkey"',
	'assignments: a nonexistent vehicle is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, driver_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002',
	          'd0000000-0000-0000-0000-0000000000ff')$$,
	'23503', 'insert or update on table "assignments" violates foreign key constraint "assignments_driver_id_fkey"',
	'assignments: a nonexistent driver is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-0000000000ff', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002')$$,
	'23503', 'insert or update on table "assignments" violates foreign key constraint "assignments_truck_request_id_fkey"',
	'assignments: a nonexistent truck request is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-0000000000ff',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002')$$,
	'23503', 'insert or update on table "assignments" violates foreign key constraint "assignments_order_id_fkey"',
	'assignments: a nonexistent order is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, status)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002', 'pending')$$,
	'23514', 'new row for relation "assignments" violates check constraint "assignments_status_check"',
	'assignments: unknown status is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, trip_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002', NULL)$$,
	'23502', 'null value in column "trip_id" of relation "assignments" violates not-null constraint',
	'assignments: NULL trip_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          NULL, 'c0000000-0000-0000-0000-000000000002')$$,
	'23502', 'null value in column "transporter_id" of relation "assignments" violates not-null constraint',
	'assignments: NULL transporter_id is refused');
SELECT throws_ok(
	$$INSERT INTO public.assignments
	      (truck_request_id, order_id, transporter_id, vehicle_id, status)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002', NULL)$$,
	'23502', 'null value in column "status" of relation "assignments" violates not-null constraint',
	'assignments: NULL status is refused');

-- Only active rows count: a released assignment for the same request (and
-- the same vehicle and driver) may sit next to the active one.
SELECT lives_ok(
	$$INSERT INTO public.assignments
	      (id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id, status)
	  VALUES ('f0000000-0000-0000-0000-000000000002', 'b0000000-0000-0000-0000-000000000001',
	          'a0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	          'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001', 'released')$$,
	'assignments: a released assignment beside the active one for the same request, vehicle and driver is allowed');
SELECT throws_ok(
	$$UPDATE public.assignments SET status = 'active'
	   WHERE id = 'f0000000-0000-0000-0000-000000000002'$$,
	'23505', NULL,
	'assignments: reactivating the released one while the other is active is refused');

-- NULL drivers never collide.
SELECT lives_ok(
	$$INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	  VALUES ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002'),
	         ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001',
	          'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000003')$$,
	'assignments: two active assignments with NULL driver_id are allowed');
SELECT is(
	(SELECT count(*)::int FROM public.assignments
	  WHERE order_id = 'a0000000-0000-0000-0000-000000000001' AND status = 'active' AND driver_id IS NULL),
	2, 'assignments: both driverless active assignments are there');

-- Releasing frees the request, the vehicle and the driver for a new active row.
SELECT lives_ok(
	$$UPDATE public.assignments SET status = 'released'
	   WHERE id = 'f0000000-0000-0000-0000-000000000001' AND status = 'active'$$,
	'assignments: literal status values work in UPDATE ... SET and WHERE');
SELECT lives_ok(
	$$INSERT INTO public.assignments
	      (id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id, status)
	  VALUES ('f0000000-0000-0000-0000-000000000003', 'b0000000-0000-0000-0000-000000000001',
	          'a0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	          'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001', 'active')$$,
	'assignments: once released, the same request, vehicle and driver can be assigned again');
SELECT results_eq(
	$$SELECT id, status::text FROM public.assignments
	   WHERE truck_request_id = 'b0000000-0000-0000-0000-000000000001' ORDER BY id$$,
	$$VALUES ('f0000000-0000-0000-0000-000000000001'::uuid, 'released'),
	         ('f0000000-0000-0000-0000-000000000002'::uuid, 'released'),
	         ('f0000000-0000-0000-0000-000000000003'::uuid, 'active')$$,
	'assignments: request R1 has two released assignments and one active one');
SELECT isnt(
	(SELECT trip_id FROM public.assignments WHERE id = 'f0000000-0000-0000-0000-000000000003'),
	'f0000000-0000-0000-0000-0000000000f1'::uuid,
	'assignments: the new assignment got a fresh trip_id by default');

-- ---------------------------------------------------------------------------
-- Status values are plain text: literals work in INSERT, UPDATE, WHERE, and
-- status::text reads them back unchanged.
-- ---------------------------------------------------------------------------
SELECT is(pg_typeof(status)::text, 'text', 'orders.status reads as text')
  FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000001';
SELECT lives_ok(
	$$UPDATE public.orders SET status = 'partially_filled', trucks_filled = 1
	   WHERE id = 'a0000000-0000-0000-0000-000000000001' AND status = 'searching'$$,
	'orders: literal status values work in UPDATE ... SET and WHERE');
SELECT is(
	(SELECT status::text FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000001'),
	'partially_filled', 'orders: status::text reads back partially_filled');
SELECT is(
	(SELECT count(*)::int FROM public.orders
	  WHERE status = 'searching' AND created_at = now()),  -- rows of this transaction
	1, 'orders: WHERE status = literal finds the one searching order left');
SELECT lives_ok(
	$$UPDATE public.vehicles SET status = 'on_trip'
	   WHERE id = 'c0000000-0000-0000-0000-000000000001' AND status = 'available'$$,
	'vehicles: literal status values work in UPDATE ... SET and WHERE');
SELECT is(
	(SELECT status::text FROM public.vehicles WHERE id = 'c0000000-0000-0000-0000-000000000001'),
	'on_trip', 'vehicles: status::text reads back on_trip');
SELECT lives_ok(
	$$UPDATE public.drivers SET status = 'on_trip'
	   WHERE id = 'd0000000-0000-0000-0000-000000000001' AND status = 'available'$$,
	'drivers: literal status values work in UPDATE ... SET and WHERE');
SELECT is(
	(SELECT status::text FROM public.drivers WHERE id = 'd0000000-0000-0000-0000-000000000001'),
	'on_trip', 'drivers: status::text reads back on_trip');
SELECT lives_ok(
	$$UPDATE public.truck_requests
	     SET status = 'assigned', assigned_transporter_id = 'e0000000-0000-0000-0000-000000000001',
	         assigned_vehicle_id = 'c0000000-0000-0000-0000-000000000001',
	         assigned_driver_id = 'd0000000-0000-0000-0000-000000000001', assigned_at = now()
	   WHERE id = 'b0000000-0000-0000-0000-000000000001' AND status = 'searching'$$,
	'truck_requests: literal status values work in UPDATE ... SET and WHERE');
SELECT is(
	(SELECT status::text FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000001'),
	'assigned', 'truck_requests: status::text reads back assigned');
SELECT results_eq(
	$$SELECT status::text, count(*)::int FROM public.assignments
	   WHERE order_id = 'a0000000-0000-0000-0000-000000000001' GROUP BY status ORDER BY status$$,
	$$VALUES ('active', 3), ('released', 2)$$,
	'assignments: status::text groups the rows as written');

SELECT * FROM finish();
ROLLBACK;
