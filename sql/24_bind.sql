-- 24_bind: bind() an application's own tables, as Prisma makes them: quoted
-- PascalCase table names, camelCase columns, UPPERCASE enum statuses, extra
-- NOT NULL columns with defaults, "updatedAt" timestamp(3) without a
-- database default.  Everything in a database of its own, since bind()
-- needs a catalog without tables.  Every rejection of bind() records
-- nothing; every function then works on the bound tables with the same
-- outcomes, and writes the application's own spellings.
CREATE DATABASE contrib_regression_t24;
\c contrib_regression_t24
SET client_min_messages = warning;
CREATE EXTENSION truck_accept CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never
\i sql/include/helpers.sql

\i sql/include/prisma_schema.sql

-- Rows the application had before: bind() moves none of them.
INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt") VALUES
	(id('o1'), 2, now()), (id('o2'), 1, now()), (id('o3'), 1, now()), (id('o4'), 1, now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "expiresAt", "updatedAt") VALUES
	(id('r1'), id('o1'), 'open_17ft', NULL, now()),
	(id('r2'), id('o1'), 'open_17ft', NULL, now()),
	(id('r3'), id('o1'), 'open_17ft', NULL, now()),
	(id('r4'), id('o2'), 'open_17ft', NULL, now()),
	(id('r5'), id('o3'), 'open_17ft', NULL, now()),
	(id('rexp'), id('o4'), 'open_17ft', '2000-01-01', now());
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt") VALUES
	(id('v1'), id('t1'), 'open_17ft', 'AVAILABLE', now()),
	(id('v2'), id('t2'), 'open_17ft', 'AVAILABLE', now()),
	(id('v3'), id('t3'), 'open_17ft', 'MAINTENANCE', now()),
	(id('v4'), id('t4'), 'open_17ft', 'AVAILABLE', now());
INSERT INTO "Driver" ("id", "transporterId", "updatedAt") VALUES
	(id('d1'), id('t1'), now()), (id('d2'), id('t2'), now());
CREATE TEMP TABLE before AS
	SELECT 'Order' AS t, count(*) AS n, md5(string_agg(o::text, ',' ORDER BY o.id)) AS h FROM "Order" o
	UNION ALL SELECT 'TruckRequest', count(*), md5(string_agg(r::text, ',' ORDER BY r.id)) FROM "TruckRequest" r;

-- Rejections: each names the table, column, type or value at fault, and
-- records nothing.
\set VERBOSITY default
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', columns => '{"orders": {"trucks_filled": "seats"}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', columns => '{"orders": {"trucks_needed": "customerName"}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', statuses => '{"vehicles": {"available": "AVAILABLE", "on_trip": "BUSY"}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', statuses => '{"vehicles": {"available": "AVAILABLE"}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', columns => '{"parcels": {}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'kebab-case');
SELECT truck_accept.bind(NULL, '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Vehicle"', '"Assignment"',
	naming => 'camelCase');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', columns => '{"orders": {"trucks_filled": "trucksNeeded"}}');
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', statuses => '{"vehicles": {"available": "AVAILABLE", "on_trip": "AVAILABLE"}}');
CREATE TEMP TABLE "TempOrder" (LIKE "Order");
SELECT truck_accept.bind('"TempOrder"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase');
ALTER TABLE "Assignment" ADD COLUMN "reviewedBy" text NOT NULL;
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase');
ALTER TABLE "Assignment" DROP COLUMN "reviewedBy";
CREATE TABLE bad_events (id integer, payload jsonb);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', events => 'public.bad_events');
-- the invariants: missing, named, with the DDL in the hint
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase');
SELECT count(*) AS recorded FROM truck_accept.bound_tables;
SELECT count(*) AS events_tables FROM pg_class WHERE relname = 'truck_accept_events';

-- One of them already there: bind() names only the others, and adds them.
CREATE UNIQUE INDEX "Assignment_vehicle_active" ON "Assignment" ("vehicleId")
	WHERE "status" = 'ACTIVE';
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
\set VERBOSITY terse
SELECT kind, relid, columns, statuses FROM truck_accept.bound_tables ORDER BY kind;
SELECT indexrelid::regclass AS index, pg_get_expr(indpred, indrelid) AS predicate
FROM pg_index WHERE indrelid = '"Assignment"'::regclass AND indpred IS NOT NULL ORDER BY 1;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = '"Order"'::regclass AND contype = 'c';
-- no row moved, none changed
SELECT b.t, b.n, b.h = a.h AS unchanged FROM before b JOIN (
	SELECT 'Order' AS t, md5(string_agg(o::text, ',' ORDER BY o.id)) AS h FROM "Order" o
	UNION ALL SELECT 'TruckRequest', md5(string_agg(r::text, ',' ORDER BY r.id)) FROM "TruckRequest" r) a USING (t);
-- a second bind() is refused
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase');

-- The functions on the bound tables: every outcome as on the extension's own.
SET TIME ZONE 'America/New_York';
CREATE FUNCTION acc(r text, t text, v text, d text DEFAULT NULL) RETURNS text
LANGUAGE sql AS $$
	SELECT concat_ws(' ', outcome, order_status, trucks_filled || '/' || trucks_needed)
	FROM truck_accept.accept_truck_request(id(r), id(t), id(v), id(d))
$$;
SELECT acc('r1', 't1', 'v1', 'd1') AS first_win;
SELECT acc('r1', 't1', 'v1', 'd1') AS retry;
SELECT acc('r1', 't2', 'v2', 'd2') AS other;
SELECT acc('none', 't2', 'v2') AS missing;
SELECT acc('r2', 't3', 'v3') AS maintenance;
SELECT acc('r2', 't2', 'v1') AS not_owned;
SELECT acc('rexp', 't2', 'v2') AS expired;
SELECT acc('r2', 't2', 'v2', 'd2') AS second_win;
SELECT acc('r3', 't4', 'v4') AS order_full;
-- the application's own spellings, and its time stamps in UTC
SELECT o."status", o."trucksFilled",
	   o."updatedAt" > (now() AT TIME ZONE 'UTC') - interval '1 minute' AS updated_utc
FROM "Order" o WHERE o."id" = id('o1');
SELECT nm(r."id") AS request, r."status", nm(r."assignedVehicleId") AS vehicle,
	   r."assignedAt" > (now() AT TIME ZONE 'UTC') - interval '1 minute' AS assigned_utc
FROM "TruckRequest" r WHERE r."orderId" = id('o1') ORDER BY 1;
SELECT nm(a."truckRequestId") AS request, a."status", nm(a."vehicleId") AS vehicle,
	   a."createdAt" BETWEEN (now() AT TIME ZONE 'UTC') - interval '1 minute'
					 AND (now() AT TIME ZONE 'UTC') + interval '1 minute' AS created_utc,
	   a."updatedAt" BETWEEN (now() AT TIME ZONE 'UTC') - interval '1 minute'
					 AND (now() AT TIME ZONE 'UTC') + interval '1 minute' AS updated_utc
FROM "Assignment" a ORDER BY 1;
SELECT nm(v."id") AS vehicle, v."status" FROM "Vehicle" v ORDER BY 1;
SELECT nm(d."id") AS driver, d."status" FROM "Driver" d ORDER BY 1;
-- the database holds the invariant whoever writes: a second active
-- assignment of a request is refused by the index bind() added
INSERT INTO "Assignment" ("id", "tripId", "truckRequestId", "orderId", "transporterId", "vehicleId", "updatedAt")
VALUES (gen_random_uuid(), gen_random_uuid(), id('r1'), id('o1'), id('t4'), id('v4'), now());

-- release, complete, cancel, expire, accept_any, take_events
SELECT outcome, order_status FROM truck_accept.release_truck_request(id('r2'), id('t2'));
SELECT r."status", o."status", o."trucksFilled", v."status" AS vehicle, d."status" AS driver
FROM "TruckRequest" r, "Order" o, "Vehicle" v, "Driver" d
WHERE r."id" = id('r2') AND o."id" = id('o1') AND v."id" = id('v2') AND d."id" = id('d2');
SELECT outcome, order_status FROM truck_accept.complete_assignment(
	(SELECT a."id" FROM "Assignment" a WHERE a."truckRequestId" = id('r1') AND a."status" = 'ACTIVE'));
SELECT outcome, order_status, requests_cancelled FROM truck_accept.cancel_order(id('o3'));
SELECT truck_accept.expire_truck_requests() AS expired;
SELECT r."status", o."status" FROM "TruckRequest" r JOIN "Order" o ON o."id" = r."orderId"
WHERE r."id" IN (id('rexp'), id('r5')) ORDER BY r."id";
SELECT outcome, nm(request_id) AS request, order_status
FROM truck_accept.accept_any_truck_request(id('o2'), id('t2'), id('v2'), id('d2'));
SELECT e.event_type, nm(e.order_id) AS order FROM truck_accept.take_events(100) e ORDER BY e.id;
-- the audit reads the bound tables through the binding
SELECT * FROM truck_accept.invariant_violations;
-- and finds what breaks them
UPDATE "Vehicle" SET "status" = 'AVAILABLE' WHERE "id" = id('v2');
SELECT invariant, nm(id) AS id, detail FROM truck_accept.invariant_violations;
UPDATE "Vehicle" SET "status" = 'ON_TRIP' WHERE "id" = id('v2');

-- A bound column renamed, or an enum value the binding writes renamed:
-- the next call says which, and how to mend it.
\set VERBOSITY default
BEGIN;
ALTER TABLE "Order" RENAME COLUMN "trucksFilled" TO "filled";
SELECT acc('r3', 't4', 'v4');
ROLLBACK;
ALTER TYPE "AssignmentStatus" RENAME VALUE 'RELEASED' TO 'DROPPED';
SELECT acc('r3', 't4', 'v4');
ALTER TYPE "AssignmentStatus" RENAME VALUE 'DROPPED' TO 'RELEASED';
\set VERBOSITY terse
SELECT acc('r3', 't4', 'v4') AS mended;

-- A status of the application's own (DRAFT) is none of the extension's: the
-- order is closed to accepts, and a release leaves the status as it is.
INSERT INTO "Order" ("id", "trucksNeeded", "status", "updatedAt") VALUES (id('odraft'), 2, 'DRAFT', now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
VALUES (id('rdraft'), id('odraft'), 'open_17ft', now()), (id('rdraft2'), id('odraft'), 'open_17ft', now());
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "updatedAt") VALUES (id('v5'), id('t5'), 'open_17ft', now());
SELECT acc('rdraft', 't5', 'v5') AS draft;
UPDATE "Order" SET "status" = 'SEARCHING' WHERE "id" = id('odraft');
SELECT acc('rdraft', 't5', 'v5') AS searching_again;
UPDATE "Order" SET "status" = 'DRAFT' WHERE "id" = id('odraft');
SELECT outcome, order_status FROM truck_accept.release_truck_request(id('rdraft'), id('t5'));
SELECT o."status", o."trucksFilled" FROM "Order" o WHERE o."id" = id('odraft');
SELECT * FROM truck_accept.invariant_violations;

-- record_table() checks a binding as the functions read it, and refuses
-- what they could not use.
DELETE FROM truck_accept.bound_tables WHERE kind = 'vehicles';
\set VERBOSITY default
SELECT truck_accept.record_table('vehicles', '"Vehicle"', '{"transporter_id": "transporterId",
	"vehicle_type": "vehicleType"}', '{"available": "AVAILABLE"}');
SELECT truck_accept.record_table('vehicles', '"Vehicle"', '{"transporter_id": "transporterId",
	"vehicle_type": "transporterId"}', '{}');
CREATE VIEW order_view AS SELECT * FROM "Order";
SELECT truck_accept.record_table('vehicles', 'order_view', '{}', '{}');
SELECT truck_accept.record_table('parcels', '"Vehicle"', '{}', '{}');
SELECT truck_accept.record_table('vehicles', '"Vehicle"', '{"transporter_id": "transporterId",
	"vehicle_type": "vehicleType", "created_at": "createdAt", "updated_at": "updatedAt"}',
	'{"available": "AVAILABLE", "on_trip": "ON_TRIP"}');
SELECT truck_accept.record_table('vehicles', '"Vehicle"', '{}', '{}');
\set VERBOSITY terse

-- Without drivers: bind() makes an empty table of the extension's shape.
DELETE FROM truck_accept.bound_tables;
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', NULL, '"Assignment"',
	naming => 'camelCase', events => 'public.truck_accept_events');
SELECT kind, relid FROM truck_accept.bound_tables WHERE kind IN ('drivers', 'events') ORDER BY kind;
INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt") VALUES (id('o5'), 1, now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
VALUES (id('r6'), id('o5'), 'open_17ft', now());
SELECT acc('r6', 't1', 'v1', 'd1') AS with_a_driver;
SELECT acc('r6', 't1', 'v1') AS without;
SELECT * FROM truck_accept.invariant_violations;

\c contrib_regression
DROP DATABASE contrib_regression_t24;
