-- sql/include/every_outcome.sql: a world, then every function of :api
-- (truck_accept, or a schema of wrappers) through every outcome, called as
-- :caller (NONE: the session's own role) with the hostile schema of
-- sql/include/hostile.sql first on the search_path; the helpers of
-- sql/include/helpers.sql live in schema :helpers.  Used by 18 and 23.
-- The world: orders o1 (2 trucks), o2 (1 truck), o3 (to cancel, with a
-- driver on an active assignment), o4 (expiring), o5 (for accept_any: 2
-- trucks), o6 (only an expired request).
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2), (id('o2'), 1), (id('o3'), 2), (id('o4'), 1), (id('o5'), 2), (id('o6'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', NULL),
	(id('r3'), id('o1'), 'open_17ft', NULL),
	(id('rexp'), id('o1'), 'open_17ft', '2000-01-01'),
	(id('r2a'), id('o2'), 'open_17ft', NULL),
	(id('r2b'), id('o2'), 'open_17ft', NULL),
	(id('rc1'), id('o3'), 'open_17ft', NULL),
	(id('rc2'), id('o3'), 'open_17ft', NULL),
	(id('r4'), id('o4'), 'open_17ft', now() + interval '1 hour'),
	(id('r5a'), id('o5'), 'open_17ft', NULL),
	(id('r5b'), id('o5'), 'open_17ft', NULL),
	(id('r6'), id('o6'), 'open_17ft', '2000-01-01');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('v1'), id('t1'), 'open_17ft'), (id('v1b'), id('t1'), 'closed_32ft'),
	(id('v1c'), id('t1'), 'open_17ft'), (id('v2'), id('t2'), 'open_17ft'),
	(id('v3'), id('t3'), 'open_17ft'), (id('v5'), id('t5'), 'open_17ft'),
	(id('v5b'), id('t5'), 'open_17ft'), (id('v5c'), id('t5'), 'closed_32ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('d1'), id('t1')), (id('d1c'), id('t1')), (id('d2'), id('t2')),
	(id('d3'), id('t3')), (id('d5'), id('t5'));

-- every id the calls need, as a literal (the helpers themselves use
-- operators, so they are not called while the trap is armed)
SELECT id('none') AS none, id('o1') AS o1, id('o2') AS o2, id('o3') AS o3,
	   id('o5') AS o5, id('o6') AS o6,
	   id('r1') AS r1, id('r3') AS r3, id('rexp') AS rexp, id('r2a') AS r2a,
	   id('r2b') AS r2b, id('rc1') AS rc1, id('rc2') AS rc2, id('r5a') AS r5a,
	   id('t1') AS t1, id('t2') AS t2, id('t3') AS t3, id('t5') AS t5,
	   id('v1') AS v1, id('v1b') AS v1b, id('v1c') AS v1c, id('v2') AS v2,
	   id('v3') AS v3, id('v5') AS v5, id('v5b') AS v5b, id('v5c') AS v5c,
	   id('d1') AS d1, id('d1c') AS d1c, id('d2') AS d2, id('d3') AS d3,
	   id('d5') AS d5
\gset

SET search_path = hostile, pg_catalog, :helpers, public;
SET ROLE :caller;
-- the trap is armed: an unqualified operator or function now raises
SELECT 1 = 1;
SELECT now();
SELECT count(*) FROM (VALUES (1)) v;

-- accept_truck_request: all thirteen outcomes
SELECT outcome FROM :api.accept_truck_request(:'none', :'t1', :'v1');
SELECT outcome, trucks_filled FROM :api.accept_truck_request(:'r1', :'t1', :'v1', :'d1');
SELECT outcome FROM :api.accept_truck_request(:'r1', :'t1', :'v1', :'d1');
SELECT outcome FROM :api.accept_truck_request(:'r1', :'t2', :'v2');
SELECT outcome FROM :api.accept_truck_request(:'rexp', :'t2', :'v2');
SELECT outcome FROM :api.accept_truck_request(:'r2a', :'t2', :'v2', :'d2');
SELECT outcome FROM :api.accept_truck_request(:'r2b', :'t3', :'v3');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'none');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v2');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v1b');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v1');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v1c', :'none');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v1c', :'d2');
SELECT outcome FROM :api.accept_truck_request(:'r3', :'t1', :'v1c', :'d1');
SELECT outcome, trucks_filled, order_status FROM :api.accept_truck_request(:'r3', :'t1', :'v1c', :'d1c');

-- accept_any_truck_request: its outcomes
SELECT outcome FROM :api.accept_any_truck_request(:'none', :'t5', :'v5');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'none');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v2');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5c');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t1', :'v1');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5', :'none');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5', :'d2');
SELECT outcome, trucks_filled FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5', :'d5');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5', :'d5');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5b', :'d5');
SELECT outcome, trucks_filled FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5b');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t3', :'v3');
SELECT outcome FROM :api.accept_any_truck_request(:'o6', :'t3', :'v3');
-- the same in one transaction, where a later call starts past the earlier win
BEGIN;
-- (r5a: the first request of o5 by id, the one accept_any took first)
SELECT outcome FROM :api.release_truck_request(:'r5a', :'t5');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t5', :'v5');
SELECT outcome FROM :api.accept_any_truck_request(:'o5', :'t3', :'v3');
ROLLBACK;

-- release_truck_request: its four outcomes
SELECT outcome FROM :api.release_truck_request(:'none', :'t1');
SELECT outcome FROM :api.release_truck_request(:'rexp', :'t1');
SELECT outcome FROM :api.release_truck_request(:'r2a', :'t1');
SELECT outcome, trucks_filled, order_status FROM :api.release_truck_request(:'r2a', :'t2');

-- cancel_order, with an active assignment that has a driver
SELECT outcome FROM :api.accept_truck_request(:'rc1', :'t2', :'v2', :'d2');
SELECT outcome FROM :api.cancel_order(:'none');
SELECT outcome, requests_cancelled, assignments_cancelled FROM :api.cancel_order(:'o3');
SELECT outcome FROM :api.cancel_order(:'o3');

-- expire_truck_requests as of now (rexp and r6 are due)
SELECT :api.expire_truck_requests() AS expired;
RESET ROLE;
SET search_path = :helpers, public;

-- the assignments of o1 (r1 and r3), to complete
SELECT a.id AS a1 FROM public.assignments a
	WHERE a.truck_request_id = id('r1') AND a.status = 'active' \gset
SELECT a.id AS a3 FROM public.assignments a
	WHERE a.truck_request_id = id('r3') AND a.status = 'active' \gset
SELECT a.id AS a2 FROM public.assignments a
	WHERE a.truck_request_id = id('r2a') AND a.status = 'released' \gset

SET search_path = hostile, pg_catalog, :helpers, public;
SET ROLE :caller;
-- complete_assignment: its outcomes, the last completing the order
SELECT outcome FROM :api.complete_assignment(:'none');
SELECT outcome FROM :api.complete_assignment(:'a2');
SELECT outcome, order_status FROM :api.complete_assignment(:'a1');
SELECT outcome FROM :api.complete_assignment(:'a1');
SELECT outcome, order_status FROM :api.complete_assignment(:'a3');

-- take_events: all of them
SELECT event_type FROM :api.take_events(100);
SELECT event_type FROM :api.take_events(100);
RESET ROLE;
SET search_path = :helpers, public;
