/* truck_accept--1.0.sql: tables, invariants and the accept function of truck_accept 1.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION truck_accept" to load this file. \quit

/*
 * Every table is schema-qualified, and every function in a default, a
 * constraint or a view is spelled pg_catalog.*, so that nothing on a caller's
 * search_path can stand in for them.  (Types and operators here are resolved
 * once, under CREATE EXTENSION's own search_path.)  Status columns are text with a CHECK
 * constraint (not enum types) so that application drivers can bind plain text
 * parameters to them.
 *
 * The database itself enforces the invariants, so that even writes that
 * bypass accept_truck_request() cannot break them:
 *   - at most one active assignment per request, per vehicle and per driver
 *     (partial unique indexes on assignments);
 *   - 0 <= trucks_filled <= trucks_needed and trucks_needed > 0;
 *   - an assigned request names its transporter, vehicle and time;
 *   - the foreign keys between the tables.
 */

CREATE TABLE truck_accept.orders (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	trucks_needed integer NOT NULL,
	trucks_filled integer NOT NULL DEFAULT 0,
	status text NOT NULL DEFAULT 'searching',
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT orders_trucks_needed_check CHECK (trucks_needed > 0),
	CONSTRAINT orders_trucks_filled_check
		CHECK (trucks_filled >= 0 AND trucks_filled <= trucks_needed),
	CONSTRAINT orders_status_check
		CHECK (status IN ('searching', 'partially_filled', 'fully_filled',
						  'cancelled', 'expired', 'completed'))
);

CREATE TABLE truck_accept.truck_requests (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	order_id uuid NOT NULL REFERENCES truck_accept.orders (id),
	vehicle_type text NOT NULL,
	status text NOT NULL DEFAULT 'searching',
	assigned_transporter_id uuid,
	assigned_vehicle_id uuid,
	assigned_driver_id uuid,
	assigned_at timestamptz,
	expires_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT truck_requests_status_check
		CHECK (status IN ('searching', 'assigned', 'cancelled', 'expired',
						  'completed')),
	CONSTRAINT truck_requests_assigned_check
		CHECK (status <> 'assigned'
			   OR (assigned_transporter_id IS NOT NULL
				   AND assigned_vehicle_id IS NOT NULL
				   AND assigned_at IS NOT NULL))
);

CREATE INDEX truck_requests_order_id_idx
	ON truck_accept.truck_requests (order_id);

CREATE TABLE truck_accept.vehicles (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	transporter_id uuid NOT NULL,
	vehicle_type text NOT NULL,
	status text NOT NULL DEFAULT 'available',
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT vehicles_status_check
		CHECK (status IN ('available', 'on_trip', 'maintenance', 'inactive'))
);

CREATE INDEX vehicles_transporter_id_idx
	ON truck_accept.vehicles (transporter_id);

CREATE TABLE truck_accept.drivers (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	transporter_id uuid NOT NULL,
	status text NOT NULL DEFAULT 'available',
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT drivers_status_check
		CHECK (status IN ('available', 'on_trip', 'inactive'))
);

CREATE INDEX drivers_transporter_id_idx
	ON truck_accept.drivers (transporter_id);

CREATE TABLE truck_accept.assignments (
	id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
	truck_request_id uuid NOT NULL REFERENCES truck_accept.truck_requests (id),
	order_id uuid NOT NULL REFERENCES truck_accept.orders (id),
	transporter_id uuid NOT NULL,
	vehicle_id uuid NOT NULL REFERENCES truck_accept.vehicles (id),
	driver_id uuid REFERENCES truck_accept.drivers (id),
	trip_id uuid NOT NULL UNIQUE DEFAULT pg_catalog.gen_random_uuid(),
	status text NOT NULL DEFAULT 'active',
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT assignments_status_check
		CHECK (status IN ('active', 'released', 'cancelled', 'completed'))
);

-- The single-winner invariants, held by the database itself.
CREATE UNIQUE INDEX assignments_one_active_per_request
	ON truck_accept.assignments (truck_request_id) WHERE status = 'active';
CREATE UNIQUE INDEX assignments_one_active_per_vehicle
	ON truck_accept.assignments (vehicle_id) WHERE status = 'active';
CREATE UNIQUE INDEX assignments_one_active_per_driver
	ON truck_accept.assignments (driver_id)
	WHERE status = 'active' AND driver_id IS NOT NULL;
CREATE INDEX assignments_order_id_idx
	ON truck_accept.assignments (order_id);

COMMENT ON TABLE truck_accept.orders IS
	'an order for trucks_needed trucks; trucks_filled counts its active assignments';
COMMENT ON TABLE truck_accept.truck_requests IS
	'one broadcast slot of an order, won by at most one transporter';
COMMENT ON TABLE truck_accept.vehicles IS
	'a transporter''s vehicle; on_trip while it has an active assignment';
COMMENT ON TABLE truck_accept.drivers IS
	'a transporter''s driver; on_trip while they have an active assignment';
COMMENT ON TABLE truck_accept.assignments IS
	'a won truck request: who drives it, with what, under which trip';

-- pg_dump keeps the rows of the extension's tables.
SELECT pg_catalog.pg_extension_config_dump('truck_accept.orders', '');
SELECT pg_catalog.pg_extension_config_dump('truck_accept.truck_requests', '');
SELECT pg_catalog.pg_extension_config_dump('truck_accept.vehicles', '');
SELECT pg_catalog.pg_extension_config_dump('truck_accept.drivers', '');
SELECT pg_catalog.pg_extension_config_dump('truck_accept.assignments', '');

/*
 * Every way the tables can disagree with each other, one row per violation;
 * empty when all is well.  The tests, the demo and the stress tool audit with
 * it, and a DBA can too.  (A view is parsed once, here, under CREATE
 * EXTENSION's own search_path, so a caller's search_path cannot change its
 * operators later.)
 */
CREATE VIEW truck_accept.invariant_violations AS
WITH active AS (
	SELECT a.* FROM truck_accept.assignments a WHERE a.status = 'active'
), per_order AS (
	SELECT a.order_id, pg_catalog.count(*) AS n FROM active a GROUP BY a.order_id
), per_request AS (
	SELECT a.truck_request_id, pg_catalog.count(*) AS n FROM active a GROUP BY a.truck_request_id
), per_vehicle AS (
	SELECT a.vehicle_id, pg_catalog.count(*) AS n FROM active a GROUP BY a.vehicle_id
), per_driver AS (
	SELECT a.driver_id, pg_catalog.count(*) AS n FROM active a
	WHERE a.driver_id IS NOT NULL GROUP BY a.driver_id
)
-- an order's counter is its number of active assignments, within its cap
SELECT 'order_counter'::text AS invariant, o.id,
	   pg_catalog.format('trucks_filled %s/%s with %s active assignments',
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
WHERE (d.status = 'on_trip') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1;

COMMENT ON VIEW truck_accept.invariant_violations IS
	'one row per broken invariant between orders, requests, vehicles, drivers and assignments; empty when consistent';

CREATE FUNCTION truck_accept.accept_truck_request(
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
AS 'MODULE_PATHNAME', 'accept_truck_request'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;

COMMENT ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) IS
	'accept a truck request for a transporter''s vehicle (and driver), atomically under row locks; returns one row with the outcome';

-- Nobody gets at the data or the function by accident: grant on purpose.
REVOKE ALL ON ALL TABLES IN SCHEMA truck_accept FROM PUBLIC;
REVOKE ALL ON FUNCTION
	truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) FROM PUBLIC;
