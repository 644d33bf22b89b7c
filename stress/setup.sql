-- stress/setup.sql: the storm's world.  psql variables: orders, calls_per_order,
-- expiring (per cent of requests that expire within 20 s of the start).
--
-- Order n needs 1 + n % 4 trucks and is broadcast as trucks_needed + 2
-- requests (over-broadcast).  The transporters who call on order n are a
-- window of 20 starting at 2n, so neighbouring orders share transporters, and
-- with them vehicles and drivers: the same truck is offered for several
-- requests at once.  Each transporter has two open_17ft trucks, one
-- closed_20ft truck (a type mismatch when offered) and two drivers.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS truck_accept;
-- the business tables, in public (once per database)
SELECT truck_accept.create_tables()
WHERE NOT EXISTS (SELECT FROM truck_accept.bound_tables);
DROP SCHEMA IF EXISTS stress CASCADE;
CREATE SCHEMA stress;

CREATE TABLE stress.settings (orders int NOT NULL, calls_per_order int NOT NULL, window_size int NOT NULL);
INSERT INTO stress.settings VALUES (:orders, :calls_per_order, 20);

CREATE TABLE stress.order_map (n int PRIMARY KEY, id uuid NOT NULL, requests int NOT NULL);
CREATE TABLE stress.request_map (n int, k int, id uuid NOT NULL, PRIMARY KEY (n, k));
CREATE TABLE stress.transporter_map (t int PRIMARY KEY, id uuid NOT NULL);
CREATE TABLE stress.vehicle_map (t int, k int, id uuid NOT NULL, PRIMARY KEY (t, k));
CREATE TABLE stress.driver_map (t int, k int, id uuid NOT NULL, PRIMARY KEY (t, k));
-- one row per finished call (written after the caller's transaction ended)
CREATE UNLOGGED TABLE stress.calls (tick bigint, kind text, outcome text, sqlstate text,
									tries int, rolled_back boolean);
-- tickets: call number t goes to order t / calls_per_order, so all clients
-- storm the same one or two orders at any moment
CREATE SEQUENCE stress.tick;

INSERT INTO stress.order_map
SELECT n, gen_random_uuid(), (1 + n % 4) + 2 FROM generate_series(0, :orders - 1) n;
INSERT INTO public.orders (id, trucks_needed)
SELECT id, requests - 2 FROM stress.order_map;
INSERT INTO stress.request_map
SELECT o.n, k, gen_random_uuid() FROM stress.order_map o, generate_series(1, o.requests) k;
INSERT INTO public.truck_requests (id, order_id, vehicle_type, expires_at)
SELECT r.id, o.id, 'open_17ft',
	   CASE WHEN random() * 100 < :expiring THEN now() + random() * interval '20 seconds' END
FROM stress.request_map r JOIN stress.order_map o USING (n);

INSERT INTO stress.transporter_map
SELECT t, gen_random_uuid() FROM generate_series(0, 2 * :orders + 20) t;
INSERT INTO stress.vehicle_map
SELECT t, k, gen_random_uuid() FROM stress.transporter_map, generate_series(1, 3) k;
INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
SELECT v.id, t.id, CASE WHEN v.k = 3 THEN 'closed_20ft' ELSE 'open_17ft' END
FROM stress.vehicle_map v JOIN stress.transporter_map t USING (t);
INSERT INTO stress.driver_map
SELECT t, k, gen_random_uuid() FROM stress.transporter_map, generate_series(1, 2) k;
INSERT INTO public.drivers (id, transporter_id)
SELECT d.id, t.id FROM stress.driver_map d JOIN stress.transporter_map t USING (t);

/*
 * One call for ticket t: a random request of the ticket's order, a random
 * transporter of the order's window, one of its trucks, and one of its
 * drivers or none.  Returns the outcome; the caller decides to commit.
 */
CREATE FUNCTION stress.call(t bigint, seed float8 DEFAULT NULL, OUT outcome text, OUT won int)
LANGUAGE plpgsql AS $$
DECLARE
	s stress.settings;
	v_n int;
	v_k int;
	tr int;
	req uuid;
	trid uuid;
	veh uuid;
	drv uuid;
BEGIN
	-- a retried call (seed given) makes the same choices again
	IF seed IS NOT NULL THEN
		PERFORM setseed(seed);
	END IF;
	SELECT * INTO s FROM stress.settings;
	v_n := t / s.calls_per_order;
	IF v_n >= s.orders THEN
		outcome := 'no_more_orders';
		won := 0;
		RETURN;
	END IF;
	SELECT o.requests INTO v_k FROM stress.order_map o WHERE o.n = v_n;
	v_k := 1 + floor(random() * v_k);
	SELECT r.id INTO req FROM stress.request_map r WHERE r.n = v_n AND r.k = v_k;
	tr := 2 * v_n + floor(random() * s.window_size);
	SELECT m.id INTO trid FROM stress.transporter_map m WHERE m.t = tr;
	v_k := 1 + floor(random() * 3);
	SELECT v.id INTO veh FROM stress.vehicle_map v WHERE v.t = tr AND v.k = v_k;
	IF random() >= 0.2 THEN
		v_k := 1 + floor(random() * 2);
		SELECT d.id INTO drv FROM stress.driver_map d WHERE d.t = tr AND d.k = v_k;
	END IF;
	SELECT a.outcome INTO outcome
	FROM truck_accept.accept_truck_request(req, trid, veh, drv) a;
	won := (outcome = 'accepted')::int;
END
$$;
/*
 * The mixed workload (truck_accept 1.1): the other callers of a slot's life.
 * Each takes a ticket like an accept does, and works near the ticket's order.
 */
CREATE FUNCTION stress.call_any(t bigint, OUT outcome text, OUT won int)
LANGUAGE plpgsql AS $$
DECLARE
	s stress.settings;
	v_n int;
	v_k int;
	tr int;
	oid_ uuid;
	trid uuid;
	veh uuid;
	drv uuid;
BEGIN
	SELECT * INTO s FROM stress.settings;
	v_n := t / s.calls_per_order;
	IF v_n >= s.orders THEN
		outcome := 'no_more_orders'; won := 0; RETURN;
	END IF;
	SELECT o.id INTO oid_ FROM stress.order_map o WHERE o.n = v_n;
	tr := 2 * v_n + floor(random() * s.window_size);
	SELECT m.id INTO trid FROM stress.transporter_map m WHERE m.t = tr;
	v_k := 1 + floor(random() * 3);
	SELECT v.id INTO veh FROM stress.vehicle_map v WHERE v.t = tr AND v.k = v_k;
	IF random() >= 0.2 THEN
		v_k := 1 + floor(random() * 2);
		SELECT d.id INTO drv FROM stress.driver_map d WHERE d.t = tr AND d.k = v_k;
	END IF;
	SELECT a.outcome INTO outcome
	FROM truck_accept.accept_any_truck_request(oid_, trid, veh, drv) a;
	won := (outcome = 'accepted')::int;
END
$$;

-- the holder of a random active assignment of the last few orders backs out
CREATE FUNCTION stress.release_some(t bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	s stress.settings;
	a record;
	res text;
BEGIN
	SELECT * INTO s FROM stress.settings;
	SELECT x.truck_request_id, x.transporter_id INTO a
	FROM public.assignments x JOIN stress.order_map o ON o.id = x.order_id
	WHERE o.n BETWEEN t / s.calls_per_order - 3 AND t / s.calls_per_order
	  AND x.status = 'active'
	ORDER BY random() LIMIT 1;
	IF NOT FOUND THEN RETURN 'nothing_to_release'; END IF;
	SELECT r.outcome INTO res FROM truck_accept.release_truck_request(a.truck_request_id, a.transporter_id) r;
	RETURN res;
END
$$;

-- a trip of an older order ends
CREATE FUNCTION stress.complete_some(t bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	s stress.settings;
	a uuid;
	res text;
BEGIN
	SELECT * INTO s FROM stress.settings;
	SELECT x.id INTO a
	FROM public.assignments x JOIN stress.order_map o ON o.id = x.order_id
	WHERE o.n BETWEEN t / s.calls_per_order - 12 AND t / s.calls_per_order - 2
	  AND x.status = 'active'
	ORDER BY random() LIMIT 1;
	IF NOT FOUND THEN RETURN 'nothing_to_complete'; END IF;
	SELECT c.outcome INTO res FROM truck_accept.complete_assignment(a) c;
	RETURN res;
END
$$;

-- a customer cancels the order being stormed, or the one before it
CREATE FUNCTION stress.cancel_some(t bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	s stress.settings;
	o uuid;
	res text;
BEGIN
	SELECT * INTO s FROM stress.settings;
	SELECT m.id INTO o FROM stress.order_map m
	WHERE m.n = t / s.calls_per_order - floor(random() * 2)::int;
	IF NOT FOUND THEN RETURN 'nothing_to_cancel'; END IF;
	SELECT c.outcome INTO res FROM truck_accept.cancel_order(o) c;
	RETURN res;
END
$$;

-- one accept, for the sweep (stress/sweep.sql)
CREATE FUNCTION stress.accept(req uuid, tr uuid, veh uuid, drv uuid) RETURNS text
LANGUAGE sql AS $$
	SELECT a.outcome FROM truck_accept.accept_truck_request(req, tr, veh, drv) a
$$;

-- what the event consumers took, in their own transactions: a second
-- delivery of an event would violate the primary key
CREATE TABLE stress.consumed (id bigint PRIMARY KEY, event_type text NOT NULL,
							  assignment_id uuid, order_id uuid, request_id uuid,
							  consumer text);
ANALYZE;
