-- test/05_lifecycle.sql: the API shape of the 1.1 lifecycle -- release,
-- accept-any, complete, cancel, expire, and the events they append, handed
-- out by take_events().  Every outcome in detail is pg_regress's job (sql/);
-- this checks what a caller relies on.
--
-- Fixed ids:
--   orders   a0..01 (needs 2 trucks; requests b0..01, b0..02, b0..03)
--            a0..02 (needs 1; request b0..04)
--            a0..03 (needs 1; request b0..05, expired an hour ago)
--   transporter e0..01 (T1): vehicles c0..01, c0..02, c0..03, driver d0..01
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(41);

INSERT INTO public.orders (id, trucks_needed)
VALUES ('a0000000-0000-0000-0000-000000000001', 2),
       ('a0000000-0000-0000-0000-000000000002', 1),
       ('a0000000-0000-0000-0000-000000000003', 1);

INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at)
VALUES ('b0000000-0000-0000-0000-000000000001', 'a0000000-0000-0000-0000-000000000001', 'open_17ft', NULL),
       ('b0000000-0000-0000-0000-000000000002', 'a0000000-0000-0000-0000-000000000001', 'open_17ft', NULL),
       ('b0000000-0000-0000-0000-000000000003', 'a0000000-0000-0000-0000-000000000001', 'open_17ft', NULL),
       ('b0000000-0000-0000-0000-000000000004', 'a0000000-0000-0000-0000-000000000002', 'open_17ft', NULL),
       ('b0000000-0000-0000-0000-000000000005', 'a0000000-0000-0000-0000-000000000003', 'open_17ft',
        now() - interval '1 hour');

INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
VALUES ('c0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000002', 'e0000000-0000-0000-0000-000000000001', 'open_17ft'),
       ('c0000000-0000-0000-0000-000000000003', 'e0000000-0000-0000-0000-000000000001', 'open_17ft');

INSERT INTO public.drivers (id, transporter_id)
VALUES ('d0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001');

-- Every event take_events() hands out below is one this file appends.
SELECT is_empty('SELECT * FROM public.events', 'no event exists before this file''s calls');

-- ---------------------------------------------------------------------------
-- Accept, then release: the request is searching again.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE acc AS
SELECT * FROM truck_accept.accept_truck_request(
	'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001');
SELECT is((SELECT outcome FROM acc), 'accepted', 'T1 accepts R1 with V1 and D1');

CREATE TEMP TABLE rel AS
SELECT * FROM truck_accept.release_truck_request(
	'b0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001');
SELECT is((SELECT count(*)::int FROM rel), 1, 'release returns exactly one row');
SELECT results_eq(
	$$SELECT outcome, released, assignment_id, order_id, trucks_filled, trucks_needed,
	         order_status, message FROM rel$$,
	$$SELECT 'released'::text, true, assignment_id, 'a0000000-0000-0000-0000-000000000001'::uuid,
	         0, 2, 'searching'::text, 'Truck request released'::text FROM acc$$,
	'release: released, the accepted assignment, the order back to 0/2 searching');
SELECT results_eq(
	$$SELECT status::text, assigned_transporter_id, assigned_vehicle_id, assigned_driver_id, assigned_at
	    FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000001'$$,
	$$VALUES ('searching', NULL::uuid, NULL::uuid, NULL::uuid, NULL::timestamptz)$$,
	'release: R1 is searching again, its assigned_* columns cleared');
SELECT results_eq(
	$$SELECT (SELECT a.status::text FROM public.assignments a, acc WHERE a.id = acc.assignment_id),
	         (SELECT status::text FROM public.vehicles WHERE id = 'c0000000-0000-0000-0000-000000000001'),
	         (SELECT status::text FROM public.drivers WHERE id = 'd0000000-0000-0000-0000-000000000001')$$,
	$$VALUES ('released', 'available', 'available')$$,
	'release: the assignment is released, V1 and D1 are available again');

-- ---------------------------------------------------------------------------
-- Accept any free request of an order (positional, then named arguments
-- without a driver): each returns the request it took.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE any1 AS
SELECT * FROM truck_accept.accept_any_truck_request(
	'a0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001',
	'c0000000-0000-0000-0000-000000000001', 'd0000000-0000-0000-0000-000000000001');
SELECT is((SELECT count(*)::int FROM any1), 1, 'accept_any returns exactly one row');
SELECT results_eq(
	$$SELECT outcome, accepted, order_id, trucks_filled, trucks_needed, order_status, message,
	         request_id IS NOT NULL, assignment_id IS NOT NULL, trip_id IS NOT NULL
	    FROM any1$$,
	$$VALUES ('accepted'::text, true, 'a0000000-0000-0000-0000-000000000001'::uuid, 1, 2,
	          'partially_filled'::text, 'Truck request accepted'::text, true, true, true)$$,
	'accept_any: accepted, order 1/2 partially_filled, with a request_id, assignment_id and trip_id');
SELECT results_eq(
	$$SELECT r.order_id, r.status::text, r.assigned_transporter_id, r.assigned_vehicle_id,
	         a.id, a.trip_id, a.status::text
	    FROM any1
	    JOIN public.truck_requests r ON r.id = any1.request_id
	    JOIN public.assignments a ON a.truck_request_id = r.id AND a.status = 'active'$$,
	$$SELECT 'a0000000-0000-0000-0000-000000000001'::uuid, 'assigned'::text,
	         'e0000000-0000-0000-0000-000000000001'::uuid, 'c0000000-0000-0000-0000-000000000001'::uuid,
	         assignment_id, trip_id, 'active'::text FROM any1$$,
	'accept_any: request_id names a request of the order, now assigned to T1/V1 under the returned assignment and trip');

CREATE TEMP TABLE any2 AS
SELECT * FROM truck_accept.accept_any_truck_request(
	order_id => 'a0000000-0000-0000-0000-000000000001',
	transporter_id => 'e0000000-0000-0000-0000-000000000001',
	vehicle_id => 'c0000000-0000-0000-0000-000000000002');
SELECT results_eq(
	$$SELECT any2.outcome, any2.accepted, any2.trucks_filled, any2.order_status,
	         any2.request_id <> any1.request_id,
	         (SELECT r.order_id FROM public.truck_requests r WHERE r.id = any2.request_id),
	         (SELECT a.driver_id IS NULL FROM public.assignments a WHERE a.id = any2.assignment_id)
	    FROM any1, any2$$,
	$$VALUES ('accepted'::text, true, 2, 'fully_filled'::text, true,
	          'a0000000-0000-0000-0000-000000000001'::uuid, true)$$,
	'accept_any (named, no driver): accepted another request of the order, now 2/2 fully_filled, driverless');

-- ---------------------------------------------------------------------------
-- Complete both trips: the second completes the order.
-- ---------------------------------------------------------------------------
SELECT results_eq(
	$$SELECT c.* FROM any1, truck_accept.complete_assignment(any1.assignment_id) c$$,
	$$SELECT 'completed'::text, true, request_id, 'a0000000-0000-0000-0000-000000000001'::uuid,
	         'fully_filled'::text, 'Trip completed'::text FROM any1$$,
	'complete_assignment: completed, its request and order, the order still fully_filled');
SELECT results_eq(
	$$SELECT c.* FROM any2, truck_accept.complete_assignment(any2.assignment_id) c$$,
	$$SELECT 'completed'::text, true, request_id, 'a0000000-0000-0000-0000-000000000001'::uuid,
	         'completed'::text, 'Trip completed; the order is completed'::text FROM any2$$,
	'complete_assignment of the last trip: completed, and the order is completed');
SELECT results_eq(
	$$SELECT (SELECT array_agg(a.status::text ORDER BY a.status)
	            FROM public.assignments a
	           WHERE a.id IN (SELECT assignment_id FROM any1 UNION ALL SELECT assignment_id FROM any2)),
	         (SELECT array_agg(r.status::text ORDER BY r.status)
	            FROM public.truck_requests r
	           WHERE r.id IN (SELECT request_id FROM any1 UNION ALL SELECT request_id FROM any2)),
	         (SELECT array_agg(v.status::text ORDER BY v.id) FROM public.vehicles v
	           WHERE v.id IN ('c0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000002')),
	         (SELECT o.trucks_filled FROM public.orders o
	           WHERE o.id = 'a0000000-0000-0000-0000-000000000001'),
	         (SELECT o.status::text FROM public.orders o
	           WHERE o.id = 'a0000000-0000-0000-0000-000000000001')$$,
	$$VALUES (ARRAY['completed', 'completed'], ARRAY['completed', 'completed'],
	          ARRAY['available', 'available'], 2, 'completed')$$,
	'after completion: both assignments and requests completed, V1 and V2 available, the order completed at 2/2');

-- ---------------------------------------------------------------------------
-- Cancel an order that has an active assignment.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE acc4 AS
SELECT * FROM truck_accept.accept_truck_request(
	'b0000000-0000-0000-0000-000000000004', 'e0000000-0000-0000-0000-000000000001',
	'c0000000-0000-0000-0000-000000000003');
SELECT is((SELECT outcome FROM acc4), 'accepted', 'T1 accepts R4 of order a0..02 with V3');
SELECT results_eq(
	$$SELECT * FROM truck_accept.cancel_order('a0000000-0000-0000-0000-000000000002')$$,
	$$VALUES ('cancelled'::text, true, 1, 1, 'cancelled'::text, 'Order cancelled'::text)$$,
	'cancel_order: cancelled, one request and one assignment cancelled, the order cancelled');
SELECT results_eq(
	$$SELECT (SELECT status::text FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000004'),
	         (SELECT a.status::text FROM public.assignments a, acc4 WHERE a.id = acc4.assignment_id),
	         (SELECT status::text FROM public.vehicles WHERE id = 'c0000000-0000-0000-0000-000000000003'),
	         (SELECT trucks_filled FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000002'),
	         (SELECT status::text FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000002')$$,
	$$VALUES ('cancelled', 'cancelled', 'available', 0, 'cancelled')$$,
	'after cancel: R4 and its assignment cancelled, V3 available, the order cancelled at 0');

-- ---------------------------------------------------------------------------
-- Expire: returns how many requests it expired, as an integer.
-- ---------------------------------------------------------------------------
SELECT is(truck_accept.expire_truck_requests(as_of => now() - interval '2 hours'), 0,
	'expire as of two hours ago (named as_of): nothing had expired yet');
CREATE TEMP TABLE expired AS SELECT truck_accept.expire_truck_requests() AS n;
SELECT is((SELECT pg_catalog.pg_typeof(n)::text FROM expired), 'integer',
	'expire_truck_requests() returns an integer');
SELECT is((SELECT n FROM expired), 1,
	'expire as of now() (the default): the one request past its expires_at');
SELECT results_eq(
	$$SELECT (SELECT status::text FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000005'),
	         (SELECT status::text FROM public.orders WHERE id = 'a0000000-0000-0000-0000-000000000003'),
	         (SELECT status::text FROM public.truck_requests WHERE id = 'b0000000-0000-0000-0000-000000000003')$$,
	$$VALUES ('expired', 'expired', 'searching')$$,
	'after expire: R5 and its order expired; R3 (no expires_at) still searching');
SELECT is(truck_accept.expire_truck_requests(), 0, 'expire again: nothing left to expire');

SELECT is_empty('SELECT * FROM truck_accept.invariant_violations',
	'invariant_violations is empty after the whole lifecycle');

-- ---------------------------------------------------------------------------
-- take_events: this file's events, oldest first, each handed out once.
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE appended AS
SELECT (row_number() OVER (ORDER BY id))::int AS n, id FROM public.events;

CREATE TEMP TABLE expected_events (
	n int, event_type text, order_id uuid, request_id uuid, assignment_id uuid, transporter_id uuid);
INSERT INTO expected_events
SELECT 1, 'accepted', 'a0000000-0000-0000-0000-000000000001'::uuid, 'b0000000-0000-0000-0000-000000000001'::uuid,
       assignment_id, 'e0000000-0000-0000-0000-000000000001'::uuid FROM acc
UNION ALL
SELECT 2, 'released', 'a0000000-0000-0000-0000-000000000001', 'b0000000-0000-0000-0000-000000000001',
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM acc
UNION ALL
SELECT 3, 'accepted', 'a0000000-0000-0000-0000-000000000001', request_id,
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM any1
UNION ALL
SELECT 4, 'accepted', 'a0000000-0000-0000-0000-000000000001', request_id,
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM any2
UNION ALL
SELECT 5, 'assignment_completed', 'a0000000-0000-0000-0000-000000000001', request_id,
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM any1
UNION ALL
SELECT 6, 'assignment_completed', 'a0000000-0000-0000-0000-000000000001', request_id,
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM any2
UNION ALL
SELECT 7, 'order_completed', 'a0000000-0000-0000-0000-000000000001', NULL, NULL, NULL
UNION ALL
SELECT 8, 'accepted', 'a0000000-0000-0000-0000-000000000002', 'b0000000-0000-0000-0000-000000000004',
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM acc4
UNION ALL
SELECT 9, 'assignment_cancelled', 'a0000000-0000-0000-0000-000000000002', 'b0000000-0000-0000-0000-000000000004',
       assignment_id, 'e0000000-0000-0000-0000-000000000001' FROM acc4
UNION ALL
SELECT 10, 'order_cancelled', 'a0000000-0000-0000-0000-000000000002', NULL, NULL, NULL
UNION ALL
SELECT 11, 'request_expired', 'a0000000-0000-0000-0000-000000000003', 'b0000000-0000-0000-0000-000000000005',
       NULL, NULL
UNION ALL
SELECT 12, 'order_expired', 'a0000000-0000-0000-0000-000000000003', NULL, NULL, NULL;

SELECT is((SELECT count(*)::int FROM appended), 12,
	'the lifecycle above appended twelve events');

-- A consumer that rolls back puts its events back.
SAVEPOINT consumer_rolls_back;
SELECT is((SELECT count(*)::int FROM truck_accept.take_events(100)), 12,
	'take_events(100) inside a savepoint hands out all twelve');
ROLLBACK TO SAVEPOINT consumer_rolls_back;
SELECT is((SELECT count(*)::int FROM public.events), 12,
	'after the consumer''s rollback the twelve events are back');

-- Take them in two batches: max_count caps a batch, oldest first, in id order.
SELECT results_eq(
	$$SELECT id, event_type, order_id, request_id, assignment_id, transporter_id, payload->>'event'
	    FROM truck_accept.take_events(5)$$,
	$$SELECT a.id, x.event_type, x.order_id, x.request_id, x.assignment_id, x.transporter_id, x.event_type
	    FROM appended a JOIN expected_events x USING (n) WHERE a.n <= 5 ORDER BY a.n$$,
	'take_events(5): the five oldest events in id order: accepted, released, accepted, accepted, assignment_completed');
SELECT results_eq(
	$$SELECT id FROM public.events ORDER BY id$$,
	$$SELECT id FROM appended WHERE n > 5 ORDER BY n$$,
	'take_events(5) removed exactly the five it returned');
SELECT results_eq(
	$$SELECT id, event_type, order_id, request_id, assignment_id, transporter_id, payload->>'event'
	    FROM truck_accept.take_events(100)$$,
	$$SELECT a.id, x.event_type, x.order_id, x.request_id, x.assignment_id, x.transporter_id, x.event_type
	    FROM appended a JOIN expected_events x USING (n) WHERE a.n > 5 ORDER BY a.n$$,
	'take_events(100): the remaining seven in id order: assignment_completed, order_completed, accepted, assignment_cancelled, order_cancelled, request_expired, order_expired');
SELECT is_empty('SELECT * FROM public.events', 'take_events removed every event it handed out');
SELECT is_empty('SELECT * FROM truck_accept.take_events(100)', 'a taken event is not handed out again');
SELECT is_empty('SELECT * FROM truck_accept.take_events(0)', 'take_events(0) hands out nothing');

-- ---------------------------------------------------------------------------
-- Malformed calls are errors, not outcomes.
-- ---------------------------------------------------------------------------
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_any_truck_request(
	      NULL, 'e0000000-0000-0000-0000-000000000001', 'c0000000-0000-0000-0000-000000000001')$$,
	'22004', 'argument "order_id" must not be null',
	'accept_any_truck_request: NULL order_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_any_truck_request(
	      'a0000000-0000-0000-0000-000000000001', NULL, 'c0000000-0000-0000-0000-000000000001')$$,
	'22004', 'argument "transporter_id" must not be null',
	'accept_any_truck_request: NULL transporter_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.accept_any_truck_request(
	      'a0000000-0000-0000-0000-000000000001', 'e0000000-0000-0000-0000-000000000001', NULL)$$,
	'22004', 'argument "vehicle_id" must not be null',
	'accept_any_truck_request: NULL vehicle_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.release_truck_request(NULL, 'e0000000-0000-0000-0000-000000000001')$$,
	'22004', 'argument "request_id" must not be null',
	'release_truck_request: NULL request_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.release_truck_request('b0000000-0000-0000-0000-000000000001', NULL)$$,
	'22004', 'argument "transporter_id" must not be null',
	'release_truck_request: NULL transporter_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.cancel_order(NULL)$$,
	'22004', 'argument "order_id" must not be null',
	'cancel_order: NULL order_id is an error 22004');
SELECT throws_ok(
	$$SELECT truck_accept.expire_truck_requests(NULL)$$,
	'22004', 'argument "as_of" must not be null',
	'expire_truck_requests: NULL as_of is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.complete_assignment(NULL)$$,
	'22004', 'argument "assignment_id" must not be null',
	'complete_assignment: NULL assignment_id is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.take_events(NULL)$$,
	'22004', 'argument "max_count" must not be null',
	'take_events: NULL max_count is an error 22004');
SELECT throws_ok(
	$$SELECT * FROM truck_accept.take_events(-1)$$,
	'22023', 'argument "max_count" must not be negative',
	'take_events: a negative max_count is an error 22023');

SELECT * FROM finish();
ROLLBACK;
