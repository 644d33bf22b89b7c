-- demo/after_race.sql: a winner's retry, and rejections on a fresh small order.
--
-- Which transporters play the parts depends on who won the race, so they are
-- picked here: W is the first winner, L1 and L2 the first two losers.

\pset null '-'

SELECT t.name AS w_name, t.id AS w_tid, t.vehicle_id AS w_vid, t.driver_id AS w_did,
	   q.id AS w_req, r.request AS w_label, r.trip_id AS w_trip
FROM demo.results r
JOIN demo.transporters t ON t.name = r.transporter
JOIN demo.requests q ON q.label = r.request
WHERE r.outcome = 'accepted'
ORDER BY t.no LIMIT 1 \gset
SELECT t.name AS l1_name, t.id AS l1_tid, t.driver_id AS l1_did
FROM demo.results r JOIN demo.transporters t ON t.name = r.transporter
WHERE r.outcome <> 'accepted'
ORDER BY t.no LIMIT 1 \gset
SELECT t.name AS l2_name, t.vehicle_id AS l2_vid
FROM demo.results r JOIN demo.transporters t ON t.name = r.transporter
WHERE r.outcome <> 'accepted'
ORDER BY t.no OFFSET 1 LIMIT 1 \gset

-- The winner's app retries the very same call.
INSERT INTO demo.calls (scene, transporter, expected, outcome, trip_id, message)
SELECT 'retries its winning call on ' || :'w_label', :'w_name', 'already_yours',
	   a.outcome, a.trip_id, a.message
FROM truck_accept.accept_truck_request(:'w_req', :'w_tid', :'w_vid', :'w_did') a;

\echo 'A winner retries (say its app lost the answer):'
SELECT transporter, outcome, trip_id, message FROM demo.calls ORDER BY id;

INSERT INTO demo.checks (part, name, expected, actual)
SELECT 'retry', 'retry outcome', expected, outcome FROM demo.calls
UNION ALL
SELECT 'retry', 'retry returns the trip_id won in the race', left(:'w_trip', 8) || '...',
	   CASE WHEN trip_id::text = :'w_trip' THEN left(trip_id::text, 8) || '...'
	   ELSE coalesce(trip_id::text, 'null') END
	FROM demo.calls
UNION ALL
SELECT 'retry', 'retry changed nothing (race order, assignments)',
	   :'trucks' || '/' || :'trucks' || ' fully_filled, ' || :'trucks' || ' active',
	   o.trucks_filled || '/' || o.trucks_needed || ' ' || o.status || ', '
	   || (SELECT count(*) FROM public.assignments a
		   WHERE a.order_id = o.id AND a.status = 'active') || ' active'
	FROM public.orders o JOIN demo.orders d ON d.id = o.id WHERE d.label = 'race';
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END AS " ", name AS "check", expected, actual
FROM demo.checks WHERE part = 'retry' ORDER BY id;

-- A fresh order for one truck, and two more trucks for the demo's cast.
INSERT INTO demo.orders (label) VALUES ('small');
INSERT INTO demo.requests (label, order_label) VALUES ('R5', 'small');
INSERT INTO public.orders (id, trucks_needed)
	SELECT id, 1 FROM demo.orders WHERE label = 'small';
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	SELECT r.id, o.id, 'open_17ft'
	FROM demo.requests r JOIN demo.orders o ON o.label = r.order_label
	WHERE r.label = 'R5';
SELECT id AS r5 FROM demo.requests WHERE label = 'R5' \gset
SELECT gen_random_uuid() AS w_spare_vid, gen_random_uuid() AS l1_big_vid \gset
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(:'w_spare_vid', :'w_tid', 'open_17ft'),	-- W's second truck, idle
	(:'l1_big_vid', :'l1_tid', 'closed_32ft');	-- L1's big closed truck

SELECT format(E'Fresh order "small": 1 truck, request R5 (open_17ft), and a cast from the race:\n'
			  '  W  = %s: won %s, so its driver is on_trip; it also has an idle 2nd open_17ft truck\n'
			  '  L1 = %s: lost; it also has a closed_32ft truck\n'
			  '  L2 = %s: lost',
			  :'w_name', :'w_label', :'l1_name', :'l2_name') \g (format=unaligned tuples_only=on)

INSERT INTO demo.calls (scene, transporter, expected, outcome, trip_id, message)
SELECT 'L1 offers L2''s truck', :'l1_name', 'vehicle_not_owned',
	   a.outcome, a.trip_id, a.message
FROM truck_accept.accept_truck_request(:'r5', :'l1_tid', :'l2_vid', :'l1_did') a;

INSERT INTO demo.calls (scene, transporter, expected, outcome, trip_id, message)
SELECT 'L1 offers its closed_32ft truck', :'l1_name', 'vehicle_type_mismatch',
	   a.outcome, a.trip_id, a.message
FROM truck_accept.accept_truck_request(:'r5', :'l1_tid', :'l1_big_vid', :'l1_did') a;

INSERT INTO demo.calls (scene, transporter, expected, outcome, trip_id, message)
SELECT 'W offers its idle 2nd truck and its on_trip driver', :'w_name', 'driver_unavailable',
	   a.outcome, a.trip_id, a.message
FROM truck_accept.accept_truck_request(:'r5', :'w_tid', :'w_spare_vid', :'w_did') a;

\echo
SELECT CASE WHEN outcome IS NOT DISTINCT FROM expected THEN 'PASS' ELSE 'FAIL' END AS " ",
	   scene AS "call on R5", outcome, message
FROM demo.calls WHERE id > 1 ORDER BY id;

INSERT INTO demo.checks (part, name, expected, actual)
SELECT 'calls', scene || ' (' || transporter || ')', expected, outcome FROM demo.calls WHERE id > 1
UNION ALL
SELECT 'reject', 'order "small" untouched', '0/1 searching',
	   o.trucks_filled || '/' || o.trucks_needed || ' ' || o.status
	FROM public.orders o JOIN demo.orders d ON d.id = o.id WHERE d.label = 'small'
UNION ALL
SELECT 'reject', 'R5 untouched', 'searching, 0 assignments',
	   status || ', ' || (SELECT count(*) FROM public.assignments a
						  WHERE a.truck_request_id = :'r5') || ' assignments'
	FROM public.truck_requests WHERE id = :'r5'
UNION ALL
SELECT 'reject', 'the offered trucks still available', '3 of 3',
	   count(*) FILTER (WHERE status = 'available') || ' of ' || count(*)
	FROM public.vehicles WHERE id IN (:'w_spare_vid', :'l1_big_vid', :'l2_vid');
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END AS " ", name AS "check", expected, actual
FROM demo.checks WHERE part = 'reject'
ORDER BY id;
