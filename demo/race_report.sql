-- demo/race_report.sql: who won the race, what everybody else got, and the audit of the invariants.
--
-- psql variables: callers, trucks.  The exact winners vary run to run, so the
-- audit checks invariants only.

\pset null '-'

\echo 'Winners:'
SELECT r.transporter, r.request, r.trip_id, r.trucks_filled || '/' || r.trucks_needed AS "order after",
	   r.order_status
FROM demo.results r JOIN demo.transporters t ON t.name = r.transporter
WHERE r.outcome = 'accepted'
ORDER BY r.done_at, t.no;

\echo 'Everybody else:'
SELECT r.transporter, r.request, r.outcome, r.message
FROM demo.results r JOIN demo.transporters t ON t.name = r.transporter
WHERE r.outcome IS DISTINCT FROM 'accepted'
ORDER BY r.request, r.outcome, t.no;

\echo 'Requests now:'
SELECT q.label AS request, tr.status, t.name AS assigned_to,
	   (SELECT string_agg(r.outcome || ' x' || r.n, ', ' ORDER BY r.outcome)
		FROM (SELECT outcome, count(*) AS n FROM demo.results
			  WHERE request = q.label GROUP BY outcome) r) AS "answers on it"
FROM demo.requests q
JOIN public.truck_requests tr ON tr.id = q.id
LEFT JOIN demo.transporters t ON t.id = tr.assigned_transporter_id
WHERE q.order_label = 'race'
ORDER BY q.label;

-- The audit.
CREATE TEMP VIEW race_order AS
	SELECT o.* FROM public.orders o JOIN demo.orders d ON d.id = o.id
	WHERE d.label = 'race';
CREATE TEMP VIEW active AS
	SELECT * FROM public.assignments WHERE status = 'active';

INSERT INTO demo.checks (part, name, expected, actual)
SELECT 'race', 'outcomes "accepted"', :'trucks', count(*)::text
	FROM demo.results WHERE outcome = 'accepted'
UNION ALL
SELECT 'race', 'every caller got exactly one answer', :'callers' || ' callers, ' || :'callers' || ' rows',
	   (SELECT count(*) FROM demo.transporters t
		WHERE (SELECT count(*) FROM demo.results r WHERE r.transporter = t.name) = 1)
	   || ' callers, ' || (SELECT count(*) FROM demo.results) || ' rows'
UNION ALL
SELECT 'race', 'order trucks_filled / trucks_needed', :'trucks' || ' / ' || :'trucks',
	   trucks_filled || ' / ' || trucks_needed FROM race_order
UNION ALL
SELECT 'race', 'order status', 'fully_filled', status FROM race_order
UNION ALL
SELECT 'race', 'active assignments of the order', :'trucks', count(*)::text
	FROM active WHERE order_id = (SELECT id FROM race_order)
UNION ALL
SELECT 'race', 'requests in two active assignments', '0', count(*)::text
	FROM (SELECT truck_request_id FROM active GROUP BY 1 HAVING count(*) > 1) x
UNION ALL
SELECT 'race', 'vehicles in two active assignments', '0', count(*)::text
	FROM (SELECT vehicle_id FROM active GROUP BY 1 HAVING count(*) > 1) x
UNION ALL
SELECT 'race', 'drivers in two active assignments', '0', count(*)::text
	FROM (SELECT driver_id FROM active WHERE driver_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) x
UNION ALL
SELECT 'race', 'vehicles on_trip', :'trucks', count(*)::text
	FROM public.vehicles WHERE status = 'on_trip'
UNION ALL
SELECT 'race', 'drivers on_trip', :'trucks', count(*)::text
	FROM public.drivers WHERE status = 'on_trip'
UNION ALL
-- each winner's answer is an active assignment of its request, truck, driver and trip
SELECT 'race', 'winners'' answers match their assignments', :'trucks', count(*)::text
	FROM demo.results r
	JOIN demo.transporters t ON t.name = r.transporter
	JOIN demo.requests q ON q.label = r.request
	JOIN active a ON a.trip_id = r.trip_id AND a.id = r.assignment_id
		AND a.truck_request_id = q.id AND a.transporter_id = t.id
		AND a.vehicle_id = t.vehicle_id AND a.driver_id = t.driver_id
	JOIN public.truck_requests tr ON tr.id = q.id
		AND tr.status = 'assigned' AND tr.assigned_transporter_id = t.id
	WHERE r.outcome = 'accepted'
UNION ALL
-- a loser lost the race on its request (already_taken), or its request was
-- still open but the order had filled (order_closed); nothing else
SELECT 'race', 'losers'' outcomes explained by their request',
	   ((:callers)::int - (:trucks)::int) || ' of ' || ((:callers)::int - (:trucks)::int),
	   count(*) FILTER (WHERE
			(r.outcome = 'already_taken' AND tr.status = 'assigned'
			 AND tr.assigned_transporter_id <> t.id)
			OR (r.outcome = 'order_closed' AND tr.status = 'searching'
				AND (SELECT status FROM race_order) = 'fully_filled'))
	   || ' of ' || count(*)
	FROM demo.results r
	JOIN demo.transporters t ON t.name = r.transporter
	JOIN demo.requests q ON q.label = r.request
	JOIN public.truck_requests tr ON tr.id = q.id
	WHERE r.outcome IS DISTINCT FROM 'accepted';

\echo 'Audit:'
SELECT CASE WHEN ok THEN 'PASS' ELSE 'FAIL' END AS " ", name AS "check", expected, actual
FROM demo.checks WHERE part = 'race' ORDER BY id;
