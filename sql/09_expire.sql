-- 09_expire: expire_truck_requests(as_of) expires exactly the searching
-- requests whose expires_at <= as_of and returns how many; it appends a
-- request_expired event for each, and expires (with an order_expired event)
-- an open order left with nothing filled, no searching request and an
-- expired one.  An order with a truck filled is never expired; a second run
-- finds nothing to do.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t09;
SET search_path = t09, public;

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
-- the state of every order and request, by name
CREATE FUNCTION state() RETURNS TABLE (order_name text, order_status text, filled text, requests text)
LANGUAGE sql AS $$
	SELECT nm(o.id), o.status, o.trucks_filled || '/' || o.trucks_needed,
		   (SELECT string_agg(nm(r.id) || ' ' || r.status, ', ' ORDER BY r.id)
			FROM public.truck_requests r WHERE r.order_id = o.id)
	FROM public.orders o ORDER BY o.id
$$;
-- the events since the given id, by name
CREATE FUNCTION events_since(after bigint)
RETURNS TABLE (event_type text, order_name text, request text, payload jsonb)
LANGUAGE sql AS $$
	SELECT e.event_type, nm(e.order_id), nm(e.request_id), named(e.payload)
	FROM public.events e WHERE e.id > after ORDER BY e.id
$$;
CREATE FUNCTION last_event() RETURNS bigint LANGUAGE sql AS $$
	SELECT coalesce(max(id), 0) FROM public.events
$$;

-- Whatever earlier tests left in the event log is not ours to read.
TRUNCATE public.events;

-- Fixtures, with fixed expiry times (the test shows them in PST8PDT, the
-- time zone pg_regress runs in).
--   o1: two requests expiring on 2000-01-01 and 2000-01-02
--   o2: expiring 2000-01-01, never, 2050-01-01
--   o3: two requests expiring 2100-01-01, one of them won
--   o4: a cancelled request (its expiry passed too) and one expiring 2000-01-01
--   o5: one request that expired a minute ago
--   o6: one truck, won, and an over-broadcast request expiring 2000-01-01
INSERT INTO public.orders (id, trucks_needed) VALUES
	(id('o1'), 2), (id('o2'), 2), (id('o3'), 2), (id('o4'), 1), (id('o5'), 1), (id('o6'), 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type, status, expires_at) VALUES
	(id('r1'), id('o1'), 'open_17ft', 'searching', '2000-01-01 00:00:00+00'),
	(id('r2'), id('o1'), 'open_17ft', 'searching', '2000-01-02 00:00:00+00'),
	(id('r3'), id('o2'), 'open_17ft', 'searching', '2000-01-01 00:00:00+00'),
	(id('r4'), id('o2'), 'open_17ft', 'searching', NULL),
	(id('r5'), id('o2'), 'open_17ft', 'searching', '2050-01-01 00:00:00+00'),
	(id('r6'), id('o3'), 'open_17ft', 'searching', '2100-01-01 00:00:00+00'),
	(id('r7'), id('o3'), 'open_17ft', 'searching', '2100-01-01 00:00:00+00'),
	(id('r8'), id('o4'), 'open_17ft', 'cancelled', '2000-01-01 00:00:00+00'),
	(id('r9'), id('o4'), 'open_17ft', 'searching', '2000-01-01 00:00:00+00'),
	(id('r10'), id('o5'), 'open_17ft', 'searching', now() - interval '1 minute'),
	(id('r11'), id('o6'), 'open_17ft', 'searching', '2100-01-01 00:00:00+00'),
	(id('r12'), id('o6'), 'open_17ft', 'searching', '2000-01-01 00:00:00+00');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES (id('da'), id('alpha'));

SELECT * FROM acc('r6', 'alpha', 'va', 'da');
SELECT * FROM acc('r11', 'bravo', 'vb');
TRUNCATE public.events;
SELECT * FROM state();

-- A NULL as_of is an error, SQLSTATE 22004.
SELECT truck_accept.expire_truck_requests(NULL);
\echo :LAST_ERROR_SQLSTATE

-- Before anything is due: nothing expires, nothing is written.
SELECT fingerprint() AS before \gset
SELECT truck_accept.expire_truck_requests('1999-12-31 23:59:59+00') AS expired;
SELECT fingerprint() = :'before' AS nothing_written;

-- as_of in the past: the four searching requests due by 2000-01-01 00:00 UTC
-- (expires_at = as_of counts), not the cancelled one.  o4 has nothing filled
-- and nothing searching left: expired.  o1 and o2 still have a searching
-- request; o6 has its truck.
SELECT last_event() AS mark \gset
SELECT truck_accept.expire_truck_requests('2000-01-01 00:00:00+00') AS expired;
SELECT * FROM state();
SELECT * FROM events_since(:mark);
SELECT * FROM truck_accept.invariant_violations;

-- The next day: o1's last request, and with it o1.
SELECT last_event() AS mark \gset
SELECT truck_accept.expire_truck_requests('2000-01-02 00:00:00+00') AS expired;
SELECT * FROM state();
SELECT * FROM events_since(:mark);

-- The default as_of is now(): r10, due a minute ago, and so o5.
SELECT last_event() AS mark \gset
SELECT truck_accept.expire_truck_requests() AS expired;
SELECT order_name, order_status, requests FROM state() WHERE order_name = 'o5';
SELECT event_type, order_name, request, payload - 'expires_at' AS payload_without_time
FROM events_since(:mark);
SELECT (e.payload->>'expires_at')::timestamptz = r.expires_at AS expires_at_ok
FROM public.events e JOIN public.truck_requests r ON r.id = e.request_id
WHERE e.id > :mark;

-- as_of in the future: r5 (2050); o2 keeps its request that never expires.
SELECT last_event() AS mark \gset
SELECT truck_accept.expire_truck_requests('2050-01-01 00:00:00+00') AS expired;
SELECT order_name, order_status, requests FROM state() WHERE order_name = 'o2';
SELECT * FROM events_since(:mark);

-- 2100: r7, but not r6, which is assigned; o3 has a truck: not expired.
SELECT last_event() AS mark \gset
SELECT truck_accept.expire_truck_requests('2100-01-01 00:00:00+00') AS expired;
SELECT * FROM state();
SELECT * FROM events_since(:mark);
SELECT * FROM truck_accept.invariant_violations;

-- A second run finds nothing left to do and writes nothing.
SELECT fingerprint() AS before \gset
SELECT truck_accept.expire_truck_requests('2100-01-01 00:00:00+00') AS expired;
SELECT truck_accept.expire_truck_requests('infinity') AS expired;
SELECT fingerprint() = :'before' AS nothing_written;

-- What expired cannot be won; the expired orders are closed.
SELECT * FROM acc('r1', 'charlie', 'vc');
SELECT * FROM acc('r5', 'charlie', 'vc');
SELECT outcome, nm(request_id) AS request, trucks_filled, trucks_needed, order_status, message
FROM truck_accept.accept_any_truck_request(id('o1'), id('charlie'), id('vc'));
SELECT * FROM truck_accept.cancel_order(id('o1'));
SELECT fingerprint() = :'before' AS nothing_written;
-- o2's request that never expires can still be won.
SELECT outcome, nm(request_id) AS request, trucks_filled, trucks_needed, order_status, message
FROM truck_accept.accept_any_truck_request(id('o2'), id('charlie'), id('vc'));

SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t09 CASCADE;
RESET search_path;
