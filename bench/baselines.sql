-- bench/baselines.sql: the contenders truck_accept is measured against, in
-- schema "bench" (never in truck_accept).  Needs CREATE EXTENSION truck_accept.
--
--   (b) bench.accept_plpgsql(request_id, transporter_id, vehicle_id, driver_id)
--       The same contract as truck_accept.accept_truck_request, written in
--       PL/pgSQL the way a careful DBA would: the same 13 outcomes checked in
--       the same order with the same messages, SQLSTATE 22004 for a NULL
--       request, transporter or vehicle, the same row locks (FOR NO KEY
--       UPDATE, truck_requests -> vehicles -> drivers -> orders, each row
--       locked before it is checked), the same writes, the same NOTIFY payload
--       (honouring truck_accept.notify) and, as in truck_accept 1.1, the same
--       "accepted" row appended to public.events in the same
--       transaction (payload = the NOTIFY payload; the assignment and trip
--       ids are drawn before the writes, as the C function does, so that
--       the payload can name them).  Tables are schema-qualified; there
--       is no SET search_path clause (it would cost every call a GUC
--       save/restore: (b) is given the cheaper form).
--       bench/check_baseline.sh runs sql/01_outcomes.sql against it and
--       diffs the output with the C function's.
--
--   (d) the floor: ONE statement that performs only the writes of an
--       acceptance in truck_accept 1.1 (request assigned, assignment
--       inserted, order counter and status, vehicle and driver on_trip, the
--       "accepted" event appended with its JSON payload) with no checks, no
--       locking reads and no NOTIFY at all.  It is measured as a prepared statement sent by the
--       client (bench/floor_*.pgbench, bench/callgrind.sh), its text is
--       bench.floor_sql below.  bench.accept_floor() wraps the very same
--       statement in PL/pgSQL for callers that want a function; it is
--       reported as (d') by the callgrind driver.
--
-- Also here: bench.uid() (the deterministic uuids of the benchmark worlds),
-- bench.make_world() (the worlds), bench.reset_world() (undo every write of a
-- run) and the per-call "pickers" the pgbench scripts use.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

------------------------------------------------------------------------------
-- (b) the PL/pgSQL baseline
------------------------------------------------------------------------------
CREATE FUNCTION bench.accept_plpgsql(
	request_id uuid,
	transporter_id uuid,
	vehicle_id uuid,
	driver_id uuid DEFAULT NULL,
	OUT outcome text,
	OUT accepted boolean,
	OUT assignment_id uuid,
	OUT trip_id uuid,
	OUT order_id uuid,
	OUT trucks_filled integer,
	OUT trucks_needed integer,
	OUT order_status text,
	OUT message text)
RETURNS record
LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
AS $fn$
DECLARE
	req record;
	veh record;
	drv record;
	ord record;
	v_found boolean;
	d_found boolean := false;
	n int;
	new_filled int;
	new_status text;
	payload text;
BEGIN
	-- A malformed call is an error, not an outcome.
	IF accept_plpgsql.request_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004',
			MESSAGE = 'argument "request_id" must not be null';
	END IF;
	IF accept_plpgsql.transporter_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004',
			MESSAGE = 'argument "transporter_id" must not be null';
	END IF;
	IF accept_plpgsql.vehicle_id IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = '22004',
			MESSAGE = 'argument "vehicle_id" must not be null';
	END IF;

	-- Step 1: lock the request.
	SELECT r.status, r.order_id, r.vehicle_type, r.assigned_transporter_id, r.expires_at
	  INTO req
	  FROM ONLY public.truck_requests r
	 WHERE r.id = accept_plpgsql.request_id
	   FOR NO KEY UPDATE OF r;
	IF NOT FOUND THEN
		outcome := 'not_found';
		accepted := false;
		message := 'No such truck request';
		RETURN;
	END IF;
	order_id := req.order_id;

	IF req.status = 'assigned' THEN
		IF req.assigned_transporter_id = accept_plpgsql.transporter_id THEN
			outcome := 'already_yours';
			accepted := true;
			message := 'You have already accepted this request';
			SELECT a.id, a.trip_id INTO assignment_id, trip_id
			  FROM ONLY public.assignments a
			 WHERE a.truck_request_id = accept_plpgsql.request_id
			   AND a.status = 'active';
		ELSE
			outcome := 'already_taken';
			accepted := false;
			message := 'This request is no longer available';
		END IF;
		SELECT o.trucks_filled, o.trucks_needed, o.status
		  INTO trucks_filled, trucks_needed, order_status
		  FROM ONLY public.orders o WHERE o.id = req.order_id;
		RETURN;
	END IF;

	IF req.status <> 'searching' OR req.expires_at <= clock_timestamp() THEN
		outcome := 'request_closed';
		accepted := false;
		message := CASE req.status
			WHEN 'searching' THEN 'This request has expired'
			WHEN 'expired' THEN 'This request has expired'
			WHEN 'cancelled' THEN 'This request has been cancelled'
			ELSE 'This request has been completed' END;
		SELECT o.trucks_filled, o.trucks_needed, o.status
		  INTO trucks_filled, trucks_needed, order_status
		  FROM ONLY public.orders o WHERE o.id = req.order_id;
		RETURN;
	END IF;

	-- Step 2: lock the vehicle, the driver and the order, in the global lock
	-- order, before checking any of them.
	SELECT v.transporter_id, v.vehicle_type, v.status INTO veh
	  FROM ONLY public.vehicles v
	 WHERE v.id = accept_plpgsql.vehicle_id
	   FOR NO KEY UPDATE OF v;
	v_found := FOUND;
	IF accept_plpgsql.driver_id IS NOT NULL THEN
		SELECT d.transporter_id, d.status INTO drv
		  FROM ONLY public.drivers d
		 WHERE d.id = accept_plpgsql.driver_id
		   FOR NO KEY UPDATE OF d;
		d_found := FOUND;
	END IF;
	SELECT o.trucks_filled, o.trucks_needed, o.status INTO ord
	  FROM ONLY public.orders o
	 WHERE o.id = req.order_id
	   FOR NO KEY UPDATE OF o;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'order of truck request % not found', accept_plpgsql.request_id;
	END IF;
	trucks_filled := ord.trucks_filled;
	trucks_needed := ord.trucks_needed;
	order_status := ord.status;
	accepted := false;

	-- Step 3: the checks, in the documented order.
	IF ord.status IN ('cancelled', 'expired', 'completed', 'fully_filled')
	   OR ord.trucks_filled >= ord.trucks_needed THEN
		outcome := 'order_closed';
		message := 'This order needs no more trucks';
	ELSIF NOT v_found THEN
		outcome := 'vehicle_not_found';
		message := 'No such vehicle';
	ELSIF veh.transporter_id <> accept_plpgsql.transporter_id THEN
		outcome := 'vehicle_not_owned';
		message := 'This vehicle belongs to another transporter';
	ELSIF veh.vehicle_type <> req.vehicle_type THEN
		outcome := 'vehicle_type_mismatch';
		message := format('This request needs a vehicle of type %s', req.vehicle_type);
	ELSIF veh.status <> 'available' THEN
		outcome := 'vehicle_unavailable';
		message := format('This vehicle is not available (%s)', veh.status);
	ELSIF accept_plpgsql.driver_id IS NOT NULL AND NOT d_found THEN
		outcome := 'driver_not_found';
		message := 'No such driver';
	ELSIF accept_plpgsql.driver_id IS NOT NULL
		  AND drv.transporter_id <> accept_plpgsql.transporter_id THEN
		outcome := 'driver_not_owned';
		message := 'This driver works for another transporter';
	ELSIF accept_plpgsql.driver_id IS NOT NULL AND drv.status <> 'available' THEN
		outcome := 'driver_unavailable';
		message := format('This driver is not available (%s)', drv.status);
	ELSE
		-- Step 4: every check passed; write.  As in truck_accept 1.1, the
		-- assignment's ids are drawn first, so that the event's payload can
		-- name them.
		new_filled := ord.trucks_filled + 1;
		new_status := CASE WHEN new_filled >= ord.trucks_needed
						   THEN 'fully_filled' ELSE 'partially_filled' END;
		assignment_id := gen_random_uuid();
		trip_id := gen_random_uuid();
		payload := format(
			'{"event":"accepted","request_id":"%s","order_id":"%s","assignment_id":"%s",'
			'"trip_id":"%s","transporter_id":"%s","vehicle_id":"%s","driver_id":%s,'
			'"trucks_filled":%s,"trucks_needed":%s,"order_status":%s}',
			accept_plpgsql.request_id, req.order_id, assignment_id, trip_id,
			accept_plpgsql.transporter_id, accept_plpgsql.vehicle_id,
			COALESCE('"' || accept_plpgsql.driver_id || '"', 'null'),
			new_filled, ord.trucks_needed, to_json(new_status));

		UPDATE ONLY public.truck_requests r
		   SET status = 'assigned',
			   assigned_transporter_id = accept_plpgsql.transporter_id,
			   assigned_vehicle_id = accept_plpgsql.vehicle_id,
			   assigned_driver_id = accept_plpgsql.driver_id,
			   assigned_at = now(), updated_at = now()
		 WHERE r.id = accept_plpgsql.request_id;
		GET DIAGNOSTICS n = ROW_COUNT;
		IF n <> 1 THEN
			RAISE EXCEPTION 'accepting truck request % updated % requests', accept_plpgsql.request_id, n;
		END IF;
		UPDATE ONLY public.vehicles v
		   SET status = 'on_trip', updated_at = now()
		 WHERE v.id = accept_plpgsql.vehicle_id;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'accepting truck request % updated no vehicle', accept_plpgsql.request_id;
		END IF;
		IF accept_plpgsql.driver_id IS NOT NULL THEN
			UPDATE ONLY public.drivers d
			   SET status = 'on_trip', updated_at = now()
			 WHERE d.id = accept_plpgsql.driver_id;
			IF NOT FOUND THEN
				RAISE EXCEPTION 'accepting truck request % updated no driver', accept_plpgsql.request_id;
			END IF;
		END IF;
		UPDATE ONLY public.orders o
		   SET trucks_filled = new_filled, status = new_status, updated_at = now()
		 WHERE o.id = req.order_id;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'accepting truck request % updated no order', accept_plpgsql.request_id;
		END IF;
		INSERT INTO public.assignments
			(id, trip_id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id)
		VALUES (accept_plpgsql.assignment_id, accept_plpgsql.trip_id,
				accept_plpgsql.request_id, req.order_id, accept_plpgsql.transporter_id,
				accept_plpgsql.vehicle_id, accept_plpgsql.driver_id);
		INSERT INTO public.events
			(event_type, order_id, request_id, assignment_id, transporter_id, payload)
		VALUES ('accepted', req.order_id, accept_plpgsql.request_id,
				accept_plpgsql.assignment_id, accept_plpgsql.transporter_id, payload::jsonb);

		outcome := 'accepted';
		accepted := true;
		message := 'Truck request accepted';
		trucks_filled := new_filled;
		order_status := new_status;

		IF current_setting('truck_accept.notify', true) IS DISTINCT FROM 'off' THEN
			PERFORM pg_notify('truck_accept', payload);
		END IF;
	END IF;
END
$fn$;

COMMENT ON FUNCTION bench.accept_plpgsql(uuid, uuid, uuid, uuid) IS
	'benchmark baseline (b): the contract of truck_accept.accept_truck_request in PL/pgSQL';

------------------------------------------------------------------------------
-- (d) the floor: the writes of an acceptance in one statement, no checks.
-- $1 request, $2 transporter, $3 vehicle, $4 driver.  The order is the
-- request's; its counter goes up by one and its status follows.  As in
-- truck_accept 1.1, the assignment's id and trip_id are drawn before the
-- writes (here by the statement itself: gen_random_uuid()) and an "accepted"
-- event is appended whose payload is the JSON truck_accept builds (the same
-- keys in the same order; cast to jsonb as the C function's is; one string
-- literal, because callgrind.sh sends the statement on one line).  Without the
-- checks it would overfill orders and double-book trucks under contention
-- (the constraints then raise errors), so it is a cost floor, not a
-- contender in the storm.
------------------------------------------------------------------------------
CREATE FUNCTION bench.floor_sql() RETURNS text LANGUAGE sql IMMUTABLE AS $q$
SELECT $s$WITH ids AS (
	SELECT gen_random_uuid() AS assignment_id, gen_random_uuid() AS trip_id),
req AS (
	UPDATE ONLY public.truck_requests r
	   SET status = 'assigned', assigned_transporter_id = $2, assigned_vehicle_id = $3,
		   assigned_driver_id = $4, assigned_at = now(), updated_at = now()
	 WHERE r.id = $1
	RETURNING r.order_id),
ord AS (
	UPDATE ONLY public.orders o
	   SET trucks_filled = o.trucks_filled + 1,
		   status = CASE WHEN o.trucks_filled + 1 >= o.trucks_needed
						 THEN 'fully_filled' ELSE 'partially_filled' END,
		   updated_at = now()
	  FROM req WHERE o.id = req.order_id
	RETURNING o.id, o.trucks_filled, o.trucks_needed, o.status),
veh AS (
	UPDATE ONLY public.vehicles v SET status = 'on_trip', updated_at = now()
	 WHERE v.id = $3),
drv AS (
	UPDATE ONLY public.drivers d SET status = 'on_trip', updated_at = now()
	 WHERE d.id = $4),
ins AS (
	INSERT INTO public.assignments
		(id, trip_id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id)
	SELECT ids.assignment_id, ids.trip_id, $1, ord.id, $2, $3, $4 FROM ids, ord
	RETURNING assignments.id, assignments.trip_id),
ev AS (
	INSERT INTO public.events
		(event_type, order_id, request_id, assignment_id, transporter_id, payload)
	SELECT 'accepted', ord.id, $1, ids.assignment_id, $2, format(
		'{"event":"accepted","request_id":"%s","order_id":"%s","assignment_id":"%s","trip_id":"%s","transporter_id":"%s","vehicle_id":"%s","driver_id":%s,"trucks_filled":%s,"trucks_needed":%s,"order_status":%s}',
		$1::uuid, ord.id, ids.assignment_id, ids.trip_id, $2::uuid, $3::uuid,
		COALESCE('"' || $4::uuid || '"', 'null'),
		ord.trucks_filled, ord.trucks_needed, to_json(ord.status))::jsonb
	  FROM ids, ord)
SELECT 'accepted'::text AS outcome, true AS accepted, ins.id AS assignment_id,
	   ins.trip_id, ord.id AS order_id, ord.trucks_filled, ord.trucks_needed,
	   ord.status AS order_status, 'Truck request accepted'::text AS message
  FROM ins, ord$s$
$q$;

-- (d') the same statement as a PL/pgSQL function (plan cached by PL/pgSQL).
DO $do$
BEGIN
	EXECUTE format($f$
CREATE FUNCTION bench.accept_floor(
	uuid, uuid, uuid, uuid DEFAULT NULL,
	OUT outcome text, OUT accepted boolean, OUT assignment_id uuid, OUT trip_id uuid,
	OUT order_id uuid, OUT trucks_filled integer, OUT trucks_needed integer,
	OUT order_status text, OUT message text)
RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $b$
BEGIN
	RETURN QUERY %s;
END
$b$$f$, bench.floor_sql());
END
$do$;

------------------------------------------------------------------------------
-- Worlds.  Every id is bench.uid(kind, i): an md5, so random-looking like
-- gen_random_uuid() (the indexes see random keys), yet computable by the
-- drivers.  Kinds: o order, r request, t transporter, v vehicle, d driver,
-- a assignment, p trip.
------------------------------------------------------------------------------
CREATE FUNCTION bench.uid(kind text, i bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT md5(kind || i::text)::uuid $$;

CREATE TABLE bench.world (
	orders int NOT NULL,            -- live orders 0 .. orders-1
	requests_per_order int NOT NULL,
	trucks_needed int NOT NULL,
	vehicles int NOT NULL,          -- transporter i owns vehicle i and driver i
	history_orders int NOT NULL     -- completed orders (with completed assignments) after the live ones
);

/*
 * make_world: live orders 0..orders-1, each broadcast as requests_per_order
 * searching requests r(n*requests_per_order + k) of type open_17ft; vehicles,
 * drivers and transporters 0..vehicles-1 (all open_17ft, available); and
 * history_orders completed orders whose requests are completed with a
 * completed assignment each (the history a real system accumulates; each
 * needed, and filled, requests_per_order trucks).  public.events is
 * left empty: consumers take events away (take_events deletes them).
 */
CREATE FUNCTION bench.make_world(orders int, requests_per_order int, trucks_needed int,
								 vehicles int, history_orders int DEFAULT 0)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	rpo int := requests_per_order;
BEGIN
	TRUNCATE public.assignments, public.truck_requests,
		public.vehicles, public.drivers, public.orders,
		public.events;
	DELETE FROM bench.world;
	INSERT INTO bench.world VALUES (orders, rpo, trucks_needed, vehicles, history_orders);

	INSERT INTO public.orders (id, trucks_needed)
	SELECT bench.uid('o', n), trucks_needed FROM generate_series(0, orders - 1) n;
	-- a completed order had all of its requests_per_order requests filled and
	-- completed; since truck_accept 1.1 its counter counts its completed
	-- assignments (truck_accept.invariant_violations checks that)
	INSERT INTO public.orders (id, trucks_needed, trucks_filled, status)
	SELECT bench.uid('o', n), rpo, rpo, 'completed'
	FROM generate_series(orders, orders + history_orders - 1) n;

	INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	SELECT bench.uid('r', n::bigint * rpo + k), bench.uid('o', n), 'open_17ft'
	FROM generate_series(0, orders - 1) n, generate_series(0, rpo - 1) k;

	INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
	SELECT bench.uid('v', i), bench.uid('t', i), 'open_17ft' FROM generate_series(0, vehicles - 1) i;
	INSERT INTO public.drivers (id, transporter_id)
	SELECT bench.uid('d', i), bench.uid('t', i) FROM generate_series(0, vehicles - 1) i;

	IF history_orders > 0 THEN
		INSERT INTO public.truck_requests (id, order_id, vehicle_type, status,
			assigned_transporter_id, assigned_vehicle_id, assigned_driver_id, assigned_at)
		SELECT bench.uid('r', n::bigint * rpo + k), bench.uid('o', n), 'open_17ft', 'completed',
			   bench.uid('t', (n * rpo + k) % vehicles), bench.uid('v', (n * rpo + k) % vehicles),
			   bench.uid('d', (n * rpo + k) % vehicles), now() - interval '1 day'
		FROM generate_series(orders, orders + history_orders - 1) n, generate_series(0, rpo - 1) k;
		INSERT INTO public.assignments (id, truck_request_id, order_id, transporter_id,
			vehicle_id, driver_id, trip_id, status)
		SELECT bench.uid('a', n::bigint * rpo + k), bench.uid('r', n::bigint * rpo + k), bench.uid('o', n),
			   bench.uid('t', (n * rpo + k) % vehicles), bench.uid('v', (n * rpo + k) % vehicles),
			   bench.uid('d', (n * rpo + k) % vehicles), bench.uid('p', n::bigint * rpo + k), 'completed'
		FROM generate_series(orders, orders + history_orders - 1) n, generate_series(0, rpo - 1) k;
	END IF;
END
$$;

-- Undo every write of a run: the world is as make_world left it.
CREATE FUNCTION bench.reset_world() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM public.assignments WHERE status = 'active';
	UPDATE public.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
		assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL
	 WHERE status = 'assigned';
	UPDATE public.orders SET trucks_filled = 0, status = 'searching'
	 WHERE status IN ('partially_filled', 'fully_filled');
	UPDATE public.vehicles SET status = 'available' WHERE status <> 'available';
	UPDATE public.drivers SET status = 'available' WHERE status <> 'available';
	TRUNCATE public.events;
	TRUNCATE bench.storm_wanted;
	PERFORM setval('bench.call_seq', 1, false);
END
$$;

------------------------------------------------------------------------------
-- Pickers: which call a pgbench transaction makes.  Each is one statement,
-- sent before the caller's transaction, the same for every contender.  A
-- call is keyed by a random number the pgbench script draws; pgbench retries
-- a failed transaction with the same random numbers, and the picker answers
-- the same key with the same call (remembered in a session setting), so a
-- retried (a) call is the same call.
------------------------------------------------------------------------------
CREATE SEQUENCE bench.call_seq;

-- The storm's clock: order n is hot from t0 + n*period_ms on.
CREATE TABLE bench.storm_clock (t0 timestamptz NOT NULL, period_ms float8 NOT NULL);
-- One row per call of the storm (order, request slot): what transporters wanted.
CREATE UNLOGGED TABLE bench.storm_wanted (n int NOT NULL, k int NOT NULL);

/*
 * storm_pick(key): the hot order of this instant, a random one of its
 * requests, and a transporter with a fresh truck and driver of its own (each
 * call a different transporter, so that only the request and the order are
 * contended, as in the field: a transporter taps once).
 */
CREATE FUNCTION bench.storm_pick(key bigint, OUT req uuid, OUT tr uuid, OUT veh uuid, OUT drv uuid)
LANGUAGE plpgsql AS $$
DECLARE
	memo text := current_setting('bench.memo', true);
	w bench.world;
	c bench.storm_clock;
	n int;
	k int;
	v bigint;
BEGIN
	IF memo IS NOT NULL AND split_part(memo, ' ', 1) = key::text THEN
		req := split_part(memo, ' ', 2); tr := split_part(memo, ' ', 3);
		veh := split_part(memo, ' ', 4); drv := split_part(memo, ' ', 5);
		RETURN;
	END IF;
	SELECT * INTO w FROM bench.world;
	SELECT * INTO c FROM bench.storm_clock;
	n := greatest(0, floor(extract(epoch FROM clock_timestamp() - c.t0) * 1000 / c.period_ms));
	n := n % w.orders;
	k := key % w.requests_per_order;
	v := nextval('bench.call_seq') % w.vehicles;
	INSERT INTO bench.storm_wanted VALUES (n, k);
	req := bench.uid('r', n::bigint * w.requests_per_order + k);
	tr := bench.uid('t', v); veh := bench.uid('v', v); drv := bench.uid('d', v);
	PERFORM set_config('bench.memo', concat_ws(' ', key, req, tr, veh, drv), false);
END
$$;

/*
 * spread_pick(key): every call its own free request (request slot 0 of order
 * i, a one-truck order) and its own transporter, truck and driver i.
 */
CREATE FUNCTION bench.spread_pick(key bigint, OUT req uuid, OUT tr uuid, OUT veh uuid, OUT drv uuid)
LANGUAGE plpgsql AS $$
DECLARE
	memo text := current_setting('bench.memo', true);
	w bench.world;
	i bigint;
BEGIN
	IF memo IS NOT NULL AND split_part(memo, ' ', 1) = key::text THEN
		req := split_part(memo, ' ', 2); tr := split_part(memo, ' ', 3);
		veh := split_part(memo, ' ', 4); drv := split_part(memo, ' ', 5);
		RETURN;
	END IF;
	SELECT * INTO w FROM bench.world;
	i := nextval('bench.call_seq') - 1;
	IF i >= least(w.orders, w.vehicles) THEN
		RAISE EXCEPTION 'bench: the spread world has only % free requests', least(w.orders, w.vehicles);
	END IF;
	req := bench.uid('r', i * w.requests_per_order);
	tr := bench.uid('t', i); veh := bench.uid('v', i); drv := bench.uid('d', i);
	PERFORM set_config('bench.memo', concat_ws(' ', key, req, tr, veh, drv), false);
END
$$;

/*
 * The storm's audit: slots transporters wanted but nobody got, overfilled
 * orders, and the extension's own invariant audit.
 */
CREATE FUNCTION bench.storm_audit(OUT orders_hot int, OUT slots_wanted bigint,
								  OUT slots_filled bigint, OUT unfilled_wanted bigint,
								  OUT overfilled int, OUT violations bigint)
LANGUAGE sql AS $$
	WITH w AS (SELECT * FROM bench.world),
	called AS (
		SELECT s.n, count(DISTINCT s.k) AS requests_called FROM bench.storm_wanted s GROUP BY s.n),
	per_order AS (
		SELECT c.n, least(c.requests_called, o.trucks_needed) AS wanted, o.trucks_filled
		FROM called c JOIN public.orders o ON o.id = bench.uid('o', c.n))
	SELECT count(*)::int, sum(wanted), sum(trucks_filled),
		   sum(greatest(0, wanted - trucks_filled)),
		   (SELECT count(*)::int FROM public.orders o
			WHERE o.trucks_filled > o.trucks_needed
			   OR (SELECT count(*) FROM public.assignments a
				   WHERE a.order_id = o.id AND a.status = 'active') > o.trucks_needed),
		   (SELECT count(*) FROM truck_accept.invariant_violations)
	FROM per_order
$$;
