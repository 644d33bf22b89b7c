-- 25_text_ids: an application whose ids are text, as Prisma's default
-- "String @id @default(uuid())" makes them, holding legacy cuid-style ids
-- next to uuids, with trip numbers like TRIP-2024-000123 in a text "tripId",
-- and its own "Transporter" table that the transporter ids reference.
-- bind() takes it without moving a row, after refusing ids of two types or
-- two collations; the functions of truck_accept_text then give every outcome
-- of the uuid case, with text ids in and out; those of truck_accept refuse
-- (55000).  A database of its own, since bind() needs an empty catalog.
CREATE DATABASE contrib_regression_t25;
\c contrib_regression_t25
SET client_min_messages = warning;
CREATE EXTENSION truck_accept CASCADE;
RESET client_min_messages;
\set SHOW_CONTEXT never
\i sql/include/prisma_text_schema.sql

-- The application's rows: cuid-style ids, a uuid as text, an id with a
-- quote and a non-ASCII letter (JSON must escape it), and an old trip.
INSERT INTO "Transporter" ("id") VALUES
	('clt0alpha00000000000001'), ('clt0bravo00000000000002'),
	('clt0charlie000000000003'), ('8c1f4a9e-2d3b-4c5d-9e6f-7a8b9c0d1e2f');
INSERT INTO "Order" ("id", "trucksNeeded", "status", "updatedAt") VALUES
	('clo0order1', 2, 'SEARCHING', now()), ('clo0order2', 1, 'SEARCHING', now()),
	('clo0order3', 2, 'SEARCHING', now());
INSERT INTO "Order" ("id", "trucksNeeded", "trucksFilled", "status", "updatedAt") VALUES
	('clo0old', 1, 1, 'COMPLETED', now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "expiresAt", "updatedAt") VALUES
	('clr0req1', 'clo0order1', 'open_17ft', NULL, now()),
	('clr0req2', 'clo0order1', 'open_17ft', NULL, now()),
	('clr0reqexp', 'clo0order1', 'open_17ft', '2000-01-01', now()),
	('clr0req6', 'clo0order1', 'open_17ft', NULL, now()),
	('clr0req3', 'clo0order2', 'open_17ft', NULL, now()),
	('clr0req4', 'clo0order3', 'open_17ft', NULL, now()),
	('clr0req5', 'clo0order3', 'open_17ft', NULL, now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "status", "updatedAt") VALUES
	('clr0old', 'clo0old', 'open_17ft', 'COMPLETED', now());
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt") VALUES
	('clv0alpha1', 'clt0alpha00000000000001', 'open_17ft', 'AVAILABLE', now()),
	('clv0alpha2', 'clt0alpha00000000000001', 'closed_32ft', 'AVAILABLE', now()),
	('clv0alpha3', 'clt0alpha00000000000001', 'open_17ft', 'AVAILABLE', now()),
	('clv0bravo1', 'clt0bravo00000000000002', 'open_17ft', 'AVAILABLE', now()),
	('clv0charlie', 'clt0charlie000000000003', 'open_17ft', 'MAINTENANCE', now()),
	('veh "Zürich" 1', '8c1f4a9e-2d3b-4c5d-9e6f-7a8b9c0d1e2f', 'open_17ft', 'AVAILABLE', now());
INSERT INTO "Driver" ("id", "transporterId", "status", "updatedAt") VALUES
	('cld0alpha', 'clt0alpha00000000000001', 'AVAILABLE', now()),
	('cld0bravo', 'clt0bravo00000000000002', 'AVAILABLE', now()),
	('cld0off', 'clt0alpha00000000000001', 'OFF_DUTY', now());
INSERT INTO "Assignment" ("id", "tripId", "truckRequestId", "orderId", "transporterId",
	"vehicleId", "status", "updatedAt") VALUES
	('cla0old', 'TRIP-2024-000123', 'clr0old', 'clo0old', 'clt0bravo00000000000002',
	 'clv0bravo1', 'COMPLETED', now());
CREATE TEMP TABLE before AS
	SELECT 'Order' AS t, count(*) AS n, md5(string_agg(o::text, ',' ORDER BY o.id)) AS h FROM "Order" o
	UNION ALL SELECT 'TruckRequest', count(*), md5(string_agg(r::text, ',' ORDER BY r.id)) FROM "TruckRequest" r
	UNION ALL SELECT 'Vehicle', count(*), md5(string_agg(v::text, ',' ORDER BY v.id)) FROM "Vehicle" v
	UNION ALL SELECT 'Assignment', count(*), md5(string_agg(a::text, ',' ORDER BY a.id)) FROM "Assignment" a;

-- Rejections first, each recording nothing and creating no events table.
-- Ids of two types: a vehicles table with uuid ids among text ones.
CREATE TABLE "UuidVehicle" (
	"id" uuid PRIMARY KEY, "transporterId" uuid NOT NULL, "vehicleType" text NOT NULL,
	"status" "VehicleStatus" NOT NULL, "updatedAt" timestamp(3) NOT NULL);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"UuidVehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
-- ids of two collations: the functions compare ids of different tables
CREATE TABLE "CVehicle" (
	"id" text COLLATE "C" PRIMARY KEY, "transporterId" text NOT NULL,
	"vehicleType" text NOT NULL, "status" "VehicleStatus" NOT NULL, "updatedAt" timestamp(3) NOT NULL);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"CVehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
-- an events table the application has, but with uuid ids
CREATE TABLE "OldEvents" (id bigserial PRIMARY KEY, event_type text NOT NULL,
	order_id uuid, request_id uuid, assignment_id uuid, transporter_id uuid,
	payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	events => 'public."OldEvents"', naming => 'camelCase', add_invariants => true);
-- an id of a type ids cannot have
CREATE TABLE "IntVehicle" (
	"id" integer PRIMARY KEY, "transporterId" text NOT NULL, "vehicleType" text NOT NULL,
	"status" "VehicleStatus" NOT NULL, "updatedAt" timestamp(3) NOT NULL);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"IntVehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
-- a trip id too short for the uuid a new trip gets
ALTER TABLE "Assignment" ALTER COLUMN "tripId" TYPE varchar(25);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
ALTER TABLE "Assignment" ALTER COLUMN "tripId" TYPE text;
SELECT count(*) AS recorded, to_regclass('public.truck_accept_events') AS events_table
FROM truck_accept.bound_tables;
DROP TABLE "UuidVehicle", "CVehicle", "OldEvents", "IntVehicle";

-- A varchar id is a text id; bind() takes the tables, adds what they lack
-- and creates the events table with text ids.
ALTER TABLE "Driver" ALTER COLUMN "id" TYPE varchar(40);
SELECT truck_accept.bind('"Order"', '"TruckRequest"', '"Vehicle"', '"Driver"', '"Assignment"',
	naming => 'camelCase', add_invariants => true);
SELECT kind, relid FROM truck_accept.bound_tables ORDER BY kind;
SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
WHERE attrelid = 'public.truck_accept_events'::regclass AND attname LIKE '%id' ORDER BY attnum;
-- no row moved
SELECT b.t, b.n, (SELECT h FROM (
	SELECT 'Order' AS t, md5(string_agg(o::text, ',' ORDER BY o.id)) AS h FROM "Order" o
	UNION ALL SELECT 'TruckRequest', md5(string_agg(r::text, ',' ORDER BY r.id)) FROM "TruckRequest" r
	UNION ALL SELECT 'Vehicle', md5(string_agg(v::text, ',' ORDER BY v.id)) FROM "Vehicle" v
	UNION ALL SELECT 'Assignment', md5(string_agg(a::text, ',' ORDER BY a.id)) FROM "Assignment" a) x
	WHERE x.t = b.t) = b.h AS unchanged
FROM before b ORDER BY b.t;

-- The uuid functions refuse text ids, naming where to go instead; expire
-- takes and returns no ids, and works for both.
SELECT truck_accept.accept_truck_request(gen_random_uuid(), gen_random_uuid(), gen_random_uuid());
SELECT truck_accept.accept_any_truck_request(gen_random_uuid(), gen_random_uuid(), gen_random_uuid());
SELECT truck_accept.release_truck_request(gen_random_uuid(), gen_random_uuid());
SELECT truck_accept.cancel_order(gen_random_uuid());
SELECT truck_accept.complete_assignment(gen_random_uuid());
SELECT truck_accept.take_events(1);
SELECT * FROM truck_accept.invariant_violations;
SELECT truck_accept.expire_truck_requests() AS expired;

-- Every outcome, as in the uuid case, with text ids in and out.
CREATE FUNCTION uuidish(text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT $1 ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' $$;
SELECT outcome, accepted, uuidish(assignment_id) AS new_id, uuidish(trip_id) AS new_trip,
	   order_id, trucks_filled, trucks_needed, order_status, message
FROM truck_accept_text.accept_truck_request('clr0req1', 'clt0alpha00000000000001', 'clv0alpha1', 'cld0alpha');
-- already_yours returns the same ids; the others are rejected in order
SELECT a.outcome, a.assignment_id = g."id" AS same_assignment, a.trip_id = g."tripId" AS same_trip,
	   a.order_id, a.message
FROM truck_accept_text.accept_truck_request('clr0req1', 'clt0alpha00000000000001', 'clv0alpha1', 'cld0alpha') a,
	 "Assignment" g WHERE g."truckRequestId" = 'clr0req1' AND g."status" = 'ACTIVE';
SELECT c.label, r.outcome, r.accepted, r.order_id, r.order_status, r.message
FROM (VALUES
	(1, 'not_found', 'clr0nosuch', 'clt0bravo00000000000002', 'clv0bravo1', NULL),
	(2, 'already_taken', 'clr0req1', 'clt0bravo00000000000002', 'clv0bravo1', NULL),
	(3, 'request_closed', 'clr0reqexp', 'clt0bravo00000000000002', 'clv0bravo1', NULL),
	(4, 'vehicle_not_found', 'clr0req2', 'clt0bravo00000000000002', 'clv0nosuch', NULL),
	(5, 'vehicle_not_owned', 'clr0req2', 'clt0bravo00000000000002', 'clv0alpha1', NULL),
	(6, 'vehicle_type_mismatch', 'clr0req2', 'clt0alpha00000000000001', 'clv0alpha2', NULL),
	(7, 'vehicle_unavailable', 'clr0req2', 'clt0charlie000000000003', 'clv0charlie', NULL),
	(8, 'driver_not_found', 'clr0req2', 'clt0bravo00000000000002', 'clv0bravo1', 'cld0nosuch'),
	(9, 'driver_not_owned', 'clr0req2', 'clt0bravo00000000000002', 'clv0bravo1', 'cld0alpha'),
	(10, 'driver_unavailable', 'clr0req2', 'clt0alpha00000000000001', 'clv0alpha3', 'cld0off'))
	AS c(n, label, req, tr, veh, drv),
	LATERAL truck_accept_text.accept_truck_request(c.req, c.tr, c.veh, c.drv) r
ORDER BY c.n;
-- the last slot of clo0order1 goes to the vehicle whose id needs escaping
SELECT outcome, order_id, trucks_filled, order_status
FROM truck_accept_text.accept_truck_request('clr0req2', '8c1f4a9e-2d3b-4c5d-9e6f-7a8b9c0d1e2f', 'veh "Zürich" 1');
-- order_closed
SELECT outcome, order_id, order_status, message
FROM truck_accept_text.accept_truck_request('clr0req6', 'clt0bravo00000000000002', 'clv0bravo1');
-- the rows as the application spells them
SELECT r."id", r."status", r."assignedTransporterId", r."assignedVehicleId", r."assignedDriverId"
FROM "TruckRequest" r WHERE r."orderId" = 'clo0order1' ORDER BY r."id";
SELECT "id", "trucksFilled", "status" FROM "Order" ORDER BY "id";

-- accept_any, release, complete and cancel, with text ids
SELECT outcome, accepted, request_id, order_id, trucks_filled, order_status
FROM truck_accept_text.accept_any_truck_request('clo0order3', 'clt0bravo00000000000002', 'clv0bravo1', 'cld0bravo');
SELECT outcome, request_id, order_id
FROM truck_accept_text.accept_any_truck_request('clo0order3', 'clt0bravo00000000000002', 'clv0bravo1', 'cld0bravo');
SELECT outcome, released, order_id, trucks_filled, order_status
FROM truck_accept_text.release_truck_request('clr0req1', 'clt0bravo00000000000002');
SELECT outcome, released, order_id, trucks_filled, order_status
FROM truck_accept_text.release_truck_request('clr0req1', 'clt0alpha00000000000001');
SELECT c.outcome, c.completed, c.request_id, c.order_id, c.order_status
FROM truck_accept_text.complete_assignment(
	(SELECT "id" FROM "Assignment" WHERE "truckRequestId" = 'clr0req2' AND "status" = 'ACTIVE')) c;
SELECT outcome, completed, message FROM truck_accept_text.complete_assignment('cla0nosuch');
SELECT outcome, cancelled, requests_cancelled, assignments_cancelled, order_status
FROM truck_accept_text.cancel_order('clo0order3');
SELECT outcome, message FROM truck_accept_text.cancel_order('clo0nosuch');
SELECT "id", "status" FROM "Vehicle" ORDER BY "id";
SELECT "id", "status" FROM "Driver" ORDER BY "id";

-- The events, with text ids; the payload's ids are JSON strings, escaped
SELECT e.event_type, e.order_id, e.request_id, uuidish(e.assignment_id) AS assignment_uuid,
	   e.transporter_id, pg_typeof(e.order_id) AS id_type
FROM truck_accept_text.take_events(100) e ORDER BY e.id;
SELECT count(*) AS events_left FROM public.truck_accept_events;
BEGIN;
SELECT outcome FROM truck_accept_text.accept_truck_request('clr0req1', '8c1f4a9e-2d3b-4c5d-9e6f-7a8b9c0d1e2f', 'veh "Zürich" 1');
SELECT e.payload->>'vehicle_id' AS vehicle, e.payload->>'transporter_id' AS transporter,
	   e.payload->>'request_id' AS request
FROM truck_accept_text.take_events(1) e;
ROLLBACK;

-- An id is at most 255 bytes: a longer one is an error, not a guess.
SELECT outcome FROM truck_accept_text.accept_truck_request(repeat('x', 255), 'clt0alpha00000000000001', 'clv0alpha1');
SELECT outcome FROM truck_accept_text.accept_truck_request(repeat('x', 256), 'clt0alpha00000000000001', 'clv0alpha1');
-- a NULL id is a malformed call, as with uuids
SELECT outcome FROM truck_accept_text.accept_truck_request(NULL, 'clt0alpha00000000000001', 'clv0alpha1');

-- An id longer than that in a table is no id a call can name: compared,
-- never held, so it answers as any other id would.
INSERT INTO "Transporter" ("id") VALUES (repeat('t', 300));
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt") VALUES
	('clv0long', repeat('t', 300), 'open_17ft', 'AVAILABLE', now());
SELECT outcome, message
FROM truck_accept_text.accept_truck_request('clr0req3', 'clt0alpha00000000000001', 'clv0long');
DELETE FROM "Vehicle" WHERE "id" = 'clv0long';
DELETE FROM "Transporter" WHERE "id" = repeat('t', 300);
-- accept_any passes over a request whose id is too long to hold (it sorts
-- first here), and a trip id read from a NULL is returned as NULL
INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt") VALUES ('clo0long', 1, now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt") VALUES
	(repeat('a', 300), 'clo0long', 'open_17ft', now()), ('clr0short', 'clo0long', 'open_17ft', now());
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt") VALUES
	('clv0alpha4', 'clt0alpha00000000000001', 'open_17ft', 'AVAILABLE', now());
SELECT outcome, request_id, order_status
FROM truck_accept_text.accept_any_truck_request('clo0long', 'clt0alpha00000000000001', 'clv0alpha4');
ALTER TABLE "Assignment" ALTER COLUMN "tripId" DROP NOT NULL;
UPDATE "Assignment" SET "tripId" = NULL WHERE "truckRequestId" = 'clr0short';
SELECT outcome, request_id, trip_id IS NULL AS no_trip
FROM truck_accept_text.accept_any_truck_request('clo0long', 'clt0alpha00000000000001', 'clv0alpha4');
SELECT outcome, assignments_cancelled FROM truck_accept_text.cancel_order('clo0long');
SELECT count(*) AS events FROM truck_accept_text.take_events(100);
UPDATE "Assignment" SET "tripId" = 'TRIP-2024-000124' WHERE "truckRequestId" = 'clr0short';
ALTER TABLE "Assignment" ALTER COLUMN "tripId" SET NOT NULL;

-- Every id column must keep the ids' collation: the functions compare
-- them (checked at every call after DDL, as the types are).
ALTER TABLE "Vehicle" ALTER COLUMN "transporterId" TYPE text COLLATE "C";
SELECT outcome FROM truck_accept_text.accept_truck_request('clr0req3', 'clt0alpha00000000000001', 'clv0alpha3');
ALTER TABLE "Vehicle" ALTER COLUMN "transporterId" TYPE text COLLATE "default";

-- The audit, with text ids: consistent, then a broken row named by its id.
SELECT * FROM truck_accept_text.invariant_violations;
UPDATE "Vehicle" SET "status" = 'ON_TRIP' WHERE "id" = 'veh "Zürich" 1';
SELECT * FROM truck_accept_text.invariant_violations;
UPDATE "Vehicle" SET "status" = 'AVAILABLE' WHERE "id" = 'veh "Zürich" 1';

-- The SQL path with text ids: where the direct read steps aside (row
-- security, column privileges), and what a user's policy or trigger does,
-- as with uuid ids (sql/16, sql/20).
INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt") VALUES ('clo0rls', 2, now());
INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt") VALUES
	('clr0rls1', 'clo0rls', 'open_17ft', now()), ('clr0rls2', 'clo0rls', 'open_17ft', now());
INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt") VALUES
	('clv0rls1', 'clt0bravo00000000000002', 'open_17ft', 'AVAILABLE', now()),
	('clv0rls2', 'clt0charlie000000000003', 'open_17ft', 'AVAILABLE', now());
CREATE ROLE t25_caller;
GRANT USAGE ON SCHEMA truck_accept, truck_accept_text TO t25_caller;
GRANT EXECUTE ON FUNCTION truck_accept_text.accept_truck_request(text, text, text, text) TO t25_caller;
GRANT SELECT, UPDATE ON "Order", "Vehicle", "Driver" TO t25_caller;
GRANT SELECT, INSERT ON "Assignment", public.truck_accept_events TO t25_caller;
GRANT USAGE ON SEQUENCE public.truck_accept_events_id_seq TO t25_caller;
-- column privileges only on the requests: read through SQL, and it wins
GRANT SELECT ("id", "orderId", "vehicleType", "status", "assignedTransporterId", "expiresAt"),
	UPDATE ("status", "assignedTransporterId", "assignedVehicleId", "assignedDriverId",
		"assignedAt", "updatedAt") ON "TruckRequest" TO t25_caller;
-- row security on the orders: a policy to read them but none to lock them
ALTER TABLE "Order" ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON "Order" FOR SELECT USING (true);
SET ROLE t25_caller;
SELECT outcome FROM truck_accept_text.accept_truck_request('clr0rls1', 'clt0bravo00000000000002', 'clv0rls1');
RESET ROLE;
CREATE POLICY lock_all ON "Order" FOR UPDATE USING (true);
SET ROLE t25_caller;
SELECT outcome, order_id, trucks_filled
FROM truck_accept_text.accept_truck_request('clr0rls1', 'clt0bravo00000000000002', 'clv0rls1');
SELECT outcome, order_id
FROM truck_accept_text.accept_truck_request('clr0rls1', 'clt0bravo00000000000002', 'clv0rls1');
RESET ROLE;
DROP POLICY read_all ON "Order";
DROP POLICY lock_all ON "Order";
ALTER TABLE "Order" DISABLE ROW LEVEL SECURITY;
-- a BEFORE trigger that skips the vehicle's update
CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER skip_vehicle BEFORE UPDATE ON "Vehicle" FOR EACH ROW EXECUTE FUNCTION skip_row();
SELECT outcome FROM truck_accept_text.accept_truck_request('clr0rls2', 'clt0charlie000000000003', 'clv0rls2');
DROP TRIGGER skip_vehicle ON "Vehicle";
SELECT outcome, trucks_filled, order_status
FROM truck_accept_text.accept_truck_request('clr0rls2', 'clt0charlie000000000003', 'clv0rls2');
SELECT * FROM truck_accept_text.invariant_violations;
SELECT count(*) AS events FROM truck_accept_text.take_events(100);

-- An EXECUTE-only API on text ids: create_api() makes wrappers that take
-- and return text and call truck_accept_text's functions.
CREATE ROLE t25_owner;
CREATE ROLE t25_app;
DO $$
DECLARE r regclass;
BEGIN
	FOR r IN SELECT relid FROM truck_accept.bound_tables UNION SELECT '"Transporter"'::regclass LOOP
		EXECUTE format('ALTER TABLE %s OWNER TO t25_owner', r);
	END LOOP;
END
$$;
GRANT USAGE ON SCHEMA truck_accept TO t25_owner;
GRANT EXECUTE ON FUNCTION truck_accept.create_api(name, name),
	truck_accept_text.accept_truck_request(text, text, text, text),
	truck_accept_text.accept_any_truck_request(text, text, text, text),
	truck_accept_text.release_truck_request(text, text), truck_accept_text.cancel_order(text),
	truck_accept_text.complete_assignment(text), truck_accept_text.take_events(integer),
	truck_accept.expire_truck_requests(timestamptz) TO t25_owner;
CREATE SCHEMA api AUTHORIZATION t25_owner;
SET ROLE t25_owner;
SELECT truck_accept.create_api('api', 't25_app');
RESET ROLE;
GRANT USAGE ON SCHEMA truck_accept_text TO t25_owner;
SET ROLE t25_owner;
SELECT truck_accept.create_api('api', 't25_app');
RESET ROLE;
SELECT p.oid::regprocedure AS wrapper FROM pg_proc p
WHERE p.pronamespace = 'api'::regnamespace ORDER BY p.oid::regprocedure::text;
SET ROLE t25_app;
SELECT outcome, order_id, pg_typeof(assignment_id) AS id_type
FROM api.accept_truck_request('clr0req3', 'clt0alpha00000000000001', 'clv0alpha3');
SELECT outcome, released FROM api.release_truck_request('clr0req3', 'clt0alpha00000000000001');
SELECT event_type, request_id, pg_typeof(request_id) AS id_type FROM api.take_events(10) ORDER BY id;
SELECT count(*) FROM "Order";
RESET ROLE;
DROP SCHEMA api CASCADE;

-- Ids under a nondeterministic collation (case-insensitive): equality is
-- not byte-wise, so the rows are read by SQL, not directly by the primary
-- key, and ids compare as the collation says, in C as in SQL.
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
DO $$
DECLARE c record;
BEGIN
	-- the keys referenced by foreign keys first go with them
	ALTER TABLE "TruckRequest" DROP CONSTRAINT "TruckRequest_orderId_fkey",
		DROP CONSTRAINT "TruckRequest_assignedTransporterId_fkey";
	ALTER TABLE "Assignment" DROP CONSTRAINT "Assignment_truckRequestId_fkey",
		DROP CONSTRAINT "Assignment_orderId_fkey", DROP CONSTRAINT "Assignment_vehicleId_fkey",
		DROP CONSTRAINT "Assignment_driverId_fkey", DROP CONSTRAINT "Assignment_transporterId_fkey";
	ALTER TABLE "Vehicle" DROP CONSTRAINT "Vehicle_transporterId_fkey";
	ALTER TABLE "Driver" DROP CONSTRAINT "Driver_transporterId_fkey";
	FOR c IN SELECT a.attrelid::regclass AS rel, a.attname FROM pg_attribute a
		WHERE a.attrelid IN ('"Order"'::regclass, '"TruckRequest"'::regclass, '"Vehicle"'::regclass,
				'"Driver"'::regclass, '"Assignment"'::regclass)
		  AND (a.attname = 'id' OR a.attname LIKE '%Id') AND a.attname <> 'tripId' LOOP
		EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE text COLLATE ci', c.rel, c.attname);
	END LOOP;
END
$$;
SELECT outcome, order_id, message
FROM truck_accept_text.accept_truck_request('CLR0REQ1', 'CLT0ALPHA00000000000001', 'CLV0ALPHA1');
SELECT outcome, message
FROM truck_accept_text.accept_truck_request('clr0req1', 'clt0alpha00000000000001', 'clv0alpha1');
SELECT outcome, released
FROM truck_accept_text.release_truck_request('Clr0Req1', 'Clt0Alpha00000000000001');
SELECT * FROM truck_accept_text.invariant_violations;

\c contrib_regression
DROP DATABASE contrib_regression_t25;
DROP ROLE t25_owner, t25_app, t25_caller;
