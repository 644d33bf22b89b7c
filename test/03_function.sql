-- test/03_function.sql: the API shape of accept_truck_request() -- a win, a
-- loser, a retry, the malformed calls and the default driver.  Every outcome
-- in detail is pg_regress's job (sql/); this checks what a caller relies on.
--
-- Fixed ids:
--   order   a0..01 (needs 2 trucks)      requests b0..01, b0..02 (open_17ft)
--   transporters e0..01 (T1), e0..02 (T2)
--   vehicles c0..01, c0..03 (T1), c0..02 (T2)
--   drivers  d0..01 (T1), d0..02 (T2)
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(28);

INSERT INTO public.orders (id, trucks_needed)
VALUES ('a0000000-0000-0000-0000-000000000001', 2);

INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at)
VALUES ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001',
        'open_17ft', now() + interval '1 hour'),
       ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001',
        'open_17ft', NULL);

INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
VALUES ('c0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000002', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000003', 'e0000000-0000-0000-0000-000000000001', 'open_17ft');

INSERT INTO public.drivers (id, transporter_id)
VALUES ('d0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001'),
       ('d0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000002');

-- ---------------------------------------------------------------------------
-- T1 accepts R1 with V1 and D1.  The row is kept for the later comparisons.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE first_call AS
SELECT * FROM truck_accept.accept_truck_request(
	'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001');

SELECT is((SELECT count(*)::int FROM first_call), 1, 'the call returns exactly one row');
SELECT is((SELECT outcome FROM first_call), 'accepted', 'first call: outcome is accepted');
SELECT is((SELECT accepted FROM first_call), true, 'first call: accepted is true');
SELECT results_eq(
	$$SELECT order_id, trucks_filled, trucks_needed, order_status, message FROM first_call$$,
	$$VALUES ('a0000000-0000-0000-0000-000000000001'::uuid, 1, 2,
	          'partially_filled'::text, 'Truck request accepted'::text)$$,
	'first call: reports the order 1/2 partially_filled and the accepted message');
SELECT ok((SELECT assignment_id IS NOT NULL AND trip_id IS NOT NULL
             AND assignment_id <> trip_id FROM first_call),
	'first call: returns an assignment_id and a distinct trip_id');

-- What it wrote.
SELECT results_eq(
	$$SELECT a.id, a.trip_id, a.order_id, a.transporter_id, a.vehicle_id, a.driver_id, a.status::text
	    FROM public.assignments a
	   WHERE a.truck_request_id = 'b0000000-0000-0000-0000-000000000001'$$,
	$$SELECT assignment_id, trip_id, order_id,
	         'e0000000-0000-0000-0000-000000000001'::uuid, 'c0000000-0000-0000-0000-000000000001'::uuid,
	         'd0000000-0000-0000-0000-000000000001'::uuid, 'active'
	    FROM first_call$$,
	'first call: exactly one active assignment, the one it returned, for T1 with V1 and D1');
SELECT results_eq(
	$$SELECT status::text, assigned_transporter_id, assigned_vehicle_id, assigned_driver_id,
	         assigned_at IS NOT NULL
	    FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000001'$$,
	$$VALUES ('assigned', 'e0000000-0000-0000-0000-000000000001'::uuid,
	          'c0000000-0000-0000-0000-000000000001'::uuid,
	          'd0000000-0000-0000-0000-000000000001'::uuid, true)$$,
	'first call: the request is assigned to T1, V1, D1 with a time');
SELECT results_eq(
	$$SELECT trucks_filled, status::text FROM public.orders
	   WHERE id = 'a0000000-0000-0000-0000-000000000001'$$,
	$$VALUES (1, 'partially_filled')$$,
	'first call: the order counts 1 truck, partially_filled');
SELECT results_eq(
	$$SELECT v.status::text, d.status::text
	    FROM public.vehicles v, public.drivers d
	   WHERE v.id = 'c0000000-0000-0000-0000-000000000001'
	     AND d.id = 'd0000000-0000-0000-0000-000000000001'$$,
	$$VALUES ('on_trip', 'on_trip')$$,
	'first call: V1 and D1 are on_trip');

-- ---------------------------------------------------------------------------
-- T2 comes second: already_taken, and nothing is written.
-- ---------------------------------------------------------------------------
SELECT row_eq(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000002',
	      'c0000000-0000-0000-0000-000000000002', 'd0000000-0000-0000-0000-000000000002')$$,
	ROW('already_taken', false, NULL, NULL, 'a0000000-0000-0000-0000-000000000001',
	    1, 2, 'partially_filled', 'This request is no longer available')::first_call,
	'second transporter: already_taken, not accepted, no assignment or trip, order 1/2');
SELECT is(
	(SELECT message FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000002',
	      'c0000000-0000-0000-0000-000000000002')),
	'This request is no longer available',
	'second transporter: the message is exactly "This request is no longer available"');
SELECT results_eq(
	$$SELECT v.status::text, d.status::text
	    FROM public.vehicles v, public.drivers d
	   WHERE v.id = 'c0000000-0000-0000-0000-000000000002'
	     AND d.id = 'd0000000-0000-0000-0000-000000000002'$$,
	$$VALUES ('available', 'available')$$,
	'second transporter: V2 and D2 are still available');
SELECT results_eq(
	$$SELECT count(*)::int, min(transporter_id::text) FROM public.assignments
	   WHERE truck_request_id = 'b0000000-0000-0000-0000-000000000001'$$,
	$$VALUES (1, 'e0000000-0000-0000-0000-000000000001')$$,
	'second transporter: R1 still has only T1''s assignment');

-- ---------------------------------------------------------------------------
-- T1 retries: already_yours, the same assignment and trip, nothing new.
-- ---------------------------------------------------------------------------
SELECT row_eq(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	      'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001')$$,
	(SELECT ROW('already_yours', true, assignment_id, trip_id, order_id, 1, 2, 'partially_filled',
	            'You have already accepted this request')::first_call
	   FROM first_call),
	'retry: already_yours, accepted, with the first call''s assignment_id and trip_id');
SELECT is(
	(SELECT trip_id FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	      'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001')),
	(SELECT trip_id FROM first_call),
	'retry: the same trip_id as the first call');
SELECT results_eq(
	$$SELECT (SELECT count(*)::int FROM public.assignments
	           WHERE order_id = 'a0000000-0000-0000-0000-000000000001'),
	         (SELECT trucks_filled FROM public.orders
	           WHERE id = 'a0000000-0000-0000-0000-000000000001')$$,
	$$VALUES (1, 1)$$,
	'retry: still one assignment, the order still counts 1 truck');

-- ---------------------------------------------------------------------------
-- Malformed calls are errors (SQLSTATE 22004), not outcomes.
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      NULL, 'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000003')$$,
	'22004', 'argument "request_id" must not be null',
	'NULL request_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000002', NULL, 'c0000000-0000-0000-0000-000000000003')$$,
	'22004', 'argument "transporter_id" must not be null',
	'NULL transporter_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001', NULL)$$,
	'22004', 'argument "vehicle_id" must not be null',
	'NULL vehicle_id is an error 22004');
SELECT is(
	(SELECT status::text FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000002'),
	'searching', 'the malformed calls changed nothing: R2 is still searching');

-- ---------------------------------------------------------------------------
-- Unknown request: an outcome, with named arguments.
-- ---------------------------------------------------------------------------
SELECT results_eq(
	$$SELECT outcome, accepted, assignment_id, trip_id, order_id, trucks_filled, trucks_needed,
	         order_status, message
	    FROM truck_accept.accept_truck_request(
	         request_id => 'b0000000-0000-0000-0000-0000000000ff',
	         transporter_id => 'e0000000-0000-0000-0000-000000000001',
	         vehicle_id => 'c0000000-0000-0000-0000-000000000003')$$,
	$$VALUES ('not_found'::text, false, NULL::uuid, NULL::uuid, NULL::uuid, NULL::int, NULL::int,
	          NULL::text, 'No such truck request'::text)$$,
	'unknown request (named arguments): not_found, everything else NULL but the message');

-- ---------------------------------------------------------------------------
-- The driver is optional: omitted, it is NULL.  This call fills the order.
-- ---------------------------------------------------------------------------
SELECT lives_ok(
	$$SELECT * FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001',
	      'c0000000-0000-0000-0000-000000000003')$$,
	'a call without driver_id (the default NULL) runs');
SELECT results_eq(
	$$SELECT status::text, assigned_transporter_id, assigned_vehicle_id, assigned_driver_id
	    FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000002'$$,
	$$VALUES ('assigned', 'e0000000-0000-0000-0000-000000000001'::uuid,
	          'c0000000-0000-0000-0000-000000000003'::uuid, NULL::uuid)$$,
	'driverless call: R2 is assigned to T1 and V3, with no driver');
SELECT results_eq(
	$$SELECT vehicle_id, driver_id, status::text FROM public.assignments
	   WHERE truck_request_id = 'b0000000-0000-0000-0000-000000000002'$$,
	$$VALUES ('c0000000-0000-0000-0000-000000000003'::uuid, NULL::uuid, 'active')$$,
	'driverless call: one active assignment with driver_id NULL');
SELECT results_eq(
	$$SELECT trucks_filled, trucks_needed, status::text FROM public.orders
	   WHERE id = 'a0000000-0000-0000-0000-000000000001'$$,
	$$VALUES (2, 2, 'fully_filled')$$,
	'driverless call: the order is now 2/2 fully_filled');
SELECT results_eq(
	$$SELECT outcome, accepted, trip_id IS NOT NULL, trucks_filled, order_status
	    FROM truck_accept.accept_truck_request(
	         'b0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001',
	         'c0000000-0000-0000-0000-000000000003', NULL)$$,
	$$VALUES ('already_yours'::text, true, true, 2, 'fully_filled'::text)$$,
	'driverless retry with an explicit NULL driver: already_yours with its trip');

-- The function runs in the caller's transaction: a savepoint rollback undoes it.
SAVEPOINT before_undo;
INSERT INTO public.orders (id, trucks_needed) VALUES ('a0000000-0000-0000-0000-000000000002', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
VALUES ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000002', 'open_17ft');
SELECT is(
	(SELECT outcome FROM truck_accept.accept_truck_request(
	      'b0000000-0000-0000-0000-000000000003', 'e0000000-0000-0000-0000-000000000002',
	      'c0000000-0000-0000-0000-000000000002', 'd0000000-0000-0000-0000-000000000002')),
	'accepted', 'inside a savepoint: T2 accepts a fresh request');
ROLLBACK TO SAVEPOINT before_undo;
SELECT results_eq(
	$$SELECT (SELECT count(*)::int FROM public.assignments
	           WHERE transporter_id = 'e0000000-0000-0000-0000-000000000002'),
	         (SELECT status::text FROM public.vehicles
	           WHERE id = 'c0000000-0000-0000-0000-000000000002')$$,
	$$VALUES (0, 'available')$$,
	'after ROLLBACK TO SAVEPOINT: no assignment for T2, V2 available again');

SELECT * FROM finish();
ROLLBACK;
