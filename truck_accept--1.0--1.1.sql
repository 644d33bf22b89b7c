/* truck_accept--1.0--1.1.sql: the rest of the truck-slot lifecycle, and durable events */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION truck_accept UPDATE TO '1.1'" to load this file. \quit

/*
 * 1.1 adds release, cancel, expire, complete and accept-any, all in C under
 * the same lock order as accept (truck_requests -> vehicles -> drivers ->
 * orders), and an events table that every state change appends to in the
 * same transaction; take_events() hands events to competing consumers
 * exactly once.
 *
 * trucks_filled now counts the order's active and completed assignments (a
 * completed trip still filled its truck); release and cancel take trucks
 * back.
 */

-- Durable events: one row per state change, written in the changing
-- transaction, so a consumer that was down loses nothing.
CREATE TABLE truck_accept.events (
	id bigserial PRIMARY KEY,
	event_type text NOT NULL,
	order_id uuid,
	request_id uuid,
	assignment_id uuid,
	transporter_id uuid,
	payload jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT events_event_type_check
		CHECK (event_type IN ('accepted', 'released', 'order_cancelled',
							  'assignment_cancelled', 'request_expired',
							  'order_expired', 'assignment_completed',
							  'order_completed'))
);
COMMENT ON TABLE truck_accept.events IS
	'one row per state change, appended in the same transaction; consumed with take_events()';
SELECT pg_catalog.pg_extension_config_dump('truck_accept.events', '');
SELECT pg_catalog.pg_extension_config_dump('truck_accept.events_id_seq', '');

-- expire_truck_requests() finds its work through this index
CREATE INDEX truck_requests_searching_expires_at_idx
	ON truck_accept.truck_requests (expires_at) WHERE status = 'searching';
-- accept_any_truck_request() takes an order's searching requests in id order
CREATE INDEX truck_requests_order_searching_idx
	ON truck_accept.truck_requests (order_id, id) WHERE status = 'searching';

-- What accept_any_truck_request() returns: accept's columns plus the request.
CREATE TYPE truck_accept.accept_any_result AS (
	outcome text,
	accepted boolean,
	assignment_id uuid,
	trip_id uuid,
	order_id uuid,
	trucks_filled integer,
	trucks_needed integer,
	order_status text,
	message text,
	request_id uuid
);

-- accept now also appends an "accepted" event.
CREATE OR REPLACE FUNCTION truck_accept.accept_truck_request(
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
AS 'MODULE_PATHNAME', 'accept_truck_request_1_1'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

CREATE FUNCTION truck_accept.accept_any_truck_request(
	order_id uuid,
	transporter_id uuid,
	vehicle_id uuid,
	driver_id uuid DEFAULT NULL)
RETURNS truck_accept.accept_any_result
AS 'MODULE_PATHNAME', 'accept_any_truck_request'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid) IS
	'accept any free truck request of an order (SKIP LOCKED, never "no slot" while one can still be won); returns one row with the outcome and the request';

CREATE FUNCTION truck_accept.release_truck_request(
	request_id uuid,
	transporter_id uuid,
	OUT outcome text,
	OUT released boolean,
	OUT assignment_id uuid,
	OUT order_id uuid,
	OUT trucks_filled integer,
	OUT trucks_needed integer,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'release_truck_request'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.release_truck_request(uuid, uuid) IS
	'the holder of a truck request backs out: assignment released, request searching again, order counter minus one';

CREATE FUNCTION truck_accept.cancel_order(
	order_id uuid,
	OUT outcome text,
	OUT cancelled boolean,
	OUT requests_cancelled integer,
	OUT assignments_cancelled integer,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'cancel_order'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.cancel_order(uuid) IS
	'the customer cancels an order: its searching requests and active assignments are cancelled, vehicles and drivers freed';

CREATE FUNCTION truck_accept.expire_truck_requests(
	as_of timestamptz DEFAULT pg_catalog.now())
RETURNS integer
AS 'MODULE_PATHNAME', 'expire_truck_requests'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.expire_truck_requests(timestamptz) IS
	'expire searching requests whose expires_at <= as_of, skipping any an accept holds (SKIP LOCKED); returns how many it expired';

CREATE FUNCTION truck_accept.complete_assignment(
	assignment_id uuid,
	OUT outcome text,
	OUT completed boolean,
	OUT request_id uuid,
	OUT order_id uuid,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'complete_assignment'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.complete_assignment(uuid) IS
	'the trip is done: assignment and request completed, vehicle and driver available, the order completed when all its trucks are';

CREATE FUNCTION truck_accept.take_events(max_count integer)
RETURNS SETOF truck_accept.events
AS 'MODULE_PATHNAME', 'take_events'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 100;
COMMENT ON FUNCTION truck_accept.take_events(integer) IS
	'hand up to max_count of the oldest events to this consumer, exactly once: removed in the consumer''s transaction, skipping those another consumer holds';

-- The audit view: a completed assignment still counts toward its order.
CREATE OR REPLACE VIEW truck_accept.invariant_violations AS
WITH active AS (
	SELECT a.* FROM truck_accept.assignments a WHERE a.status = 'active'
), per_order AS (
	SELECT a.order_id, pg_catalog.count(*) AS n FROM truck_accept.assignments a
	WHERE a.status IN ('active', 'completed') GROUP BY a.order_id
), per_request AS (
	SELECT a.truck_request_id, pg_catalog.count(*) AS n FROM active a GROUP BY a.truck_request_id
), per_vehicle AS (
	SELECT a.vehicle_id, pg_catalog.count(*) AS n FROM active a GROUP BY a.vehicle_id
), per_driver AS (
	SELECT a.driver_id, pg_catalog.count(*) AS n FROM active a
	WHERE a.driver_id IS NOT NULL GROUP BY a.driver_id
)
-- an order's counter is its number of active and completed assignments,
-- within its cap
SELECT 'order_counter'::text AS invariant, o.id,
	   pg_catalog.format('trucks_filled %s/%s with %s active or completed assignments',
						 o.trucks_filled, o.trucks_needed, COALESCE(p.n, 0)) AS detail
FROM truck_accept.orders o LEFT JOIN per_order p ON p.order_id = o.id
WHERE o.trucks_filled <> COALESCE(p.n, 0) OR o.trucks_filled > o.trucks_needed
UNION ALL
-- an open order's status follows its counter
SELECT 'order_status', o.id,
	   pg_catalog.format('status %s with trucks_filled %s/%s',
						 o.status, o.trucks_filled, o.trucks_needed)
FROM truck_accept.orders o
WHERE o.status IN ('searching', 'partially_filled', 'fully_filled')
  AND o.status <> CASE WHEN o.trucks_filled = 0 THEN 'searching'
					   WHEN o.trucks_filled < o.trucks_needed THEN 'partially_filled'
					   ELSE 'fully_filled' END
UNION ALL
-- a request is assigned exactly when it has one active assignment
SELECT 'request_assignment', r.id,
	   pg_catalog.format('status %s with %s active assignments', r.status, COALESCE(p.n, 0))
FROM truck_accept.truck_requests r LEFT JOIN per_request p ON p.truck_request_id = r.id
WHERE (r.status = 'assigned') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- ... and its assigned_* columns describe that assignment
SELECT 'request_assigned_columns', r.id,
	   'assigned_* columns differ from the active assignment'
FROM truck_accept.truck_requests r JOIN active a ON a.truck_request_id = r.id
WHERE r.assigned_transporter_id IS DISTINCT FROM a.transporter_id
   OR r.assigned_vehicle_id IS DISTINCT FROM a.vehicle_id
   OR r.assigned_driver_id IS DISTINCT FROM a.driver_id
   OR r.order_id IS DISTINCT FROM a.order_id
UNION ALL
-- an assignment's vehicle and driver belong to its transporter
SELECT 'assignment_owner', a.id, 'vehicle or driver of another transporter'
FROM active a
	 JOIN truck_accept.vehicles v ON v.id = a.vehicle_id
	 LEFT JOIN truck_accept.drivers d ON d.id = a.driver_id
WHERE v.transporter_id <> a.transporter_id OR d.transporter_id <> a.transporter_id
UNION ALL
-- a vehicle is in at most one active assignment, and on_trip exactly then
SELECT 'vehicle_trip', v.id,
	   pg_catalog.format('status %s with %s active assignments', v.status, COALESCE(p.n, 0))
FROM truck_accept.vehicles v LEFT JOIN per_vehicle p ON p.vehicle_id = v.id
WHERE (v.status = 'on_trip') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- a driver likewise
SELECT 'driver_trip', d.id,
	   pg_catalog.format('status %s with %s active assignments', d.status, COALESCE(p.n, 0))
FROM truck_accept.drivers d LEFT JOIN per_driver p ON p.driver_id = d.id
WHERE (d.status = 'on_trip') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- a fully filled order still has a trip under way (its last completion
-- completes it)
SELECT 'order_completion', o.id, 'fully_filled without an active assignment'
FROM truck_accept.orders o
WHERE o.status = 'fully_filled'
  AND NOT EXISTS (SELECT 1 FROM truck_accept.assignments a
				  WHERE a.order_id = o.id AND a.status = 'active')
UNION ALL
-- a completed request has a completed assignment
SELECT 'request_completed', r.id, 'completed request without a completed assignment'
FROM truck_accept.truck_requests r
WHERE r.status = 'completed'
  AND NOT EXISTS (SELECT 1 FROM truck_accept.assignments a
				  WHERE a.truck_request_id = r.id AND a.status = 'completed');

REVOKE ALL ON truck_accept.events FROM PUBLIC;
REVOKE ALL ON SEQUENCE truck_accept.events_id_seq FROM PUBLIC;
REVOKE ALL ON FUNCTION
	truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.release_truck_request(uuid, uuid),
	truck_accept.cancel_order(uuid),
	truck_accept.expire_truck_requests(timestamptz),
	truck_accept.complete_assignment(uuid),
	truck_accept.take_events(integer)
	FROM PUBLIC;
