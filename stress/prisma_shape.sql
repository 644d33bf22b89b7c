-- stress/prisma_shape.sql: turn the world of create_tables()'s tables into an application's own tables as Prisma makes them, and bind() those.
--
-- Used by stress/storm.sh --prisma, stress/faults.sh --prisma,
-- scripts/specs-prisma.sh and bench/bind_cost.sh, after the world is made in
-- public.orders and the rest: the same rows, in tables "Order",
-- "TruckRequest", "Vehicle", "Driver", "Assignment" with camelCase columns,
-- text ids as Prisma's default "String @id" makes them (about half of the
-- rows' ids turned into legacy cuid-style ones, every trip id into a trip
-- number), statuses as UPPERCASE enums (with the same CHECKs on them as
-- create_tables() makes, so that both shapes do the same work on every
-- write), time stamps as timestamp(3) in UTC and "updatedAt" without a
-- default; then recorded with bind() (the events table stays, with text
-- ids).  Last, for the harness only (stress/*.sql, the storms' helpers and
-- the isolation specs read and set up the world by the extension's names),
-- views public.orders, public.truck_requests, public.vehicles,
-- public.drivers and public.assignments over the bound tables, with the
-- extension's column names and statuses, that write through as the
-- application would: the functions never see them (they work on what the
-- catalog records).  The storms' helpers in schema stress, if there, are
-- made again with text ids, calling truck_accept_text.
\set ON_ERROR_STOP 1
BEGIN;
-- what names or compares the text statuses goes first, and comes back below
ALTER TABLE public.orders DROP CONSTRAINT orders_status_check,
	DROP CONSTRAINT orders_trucks_filled_check;
ALTER TABLE public.truck_requests DROP CONSTRAINT truck_requests_status_check,
	DROP CONSTRAINT truck_requests_assigned_check;
ALTER TABLE public.vehicles DROP CONSTRAINT vehicles_status_check;
ALTER TABLE public.drivers DROP CONSTRAINT drivers_status_check;
ALTER TABLE public.assignments DROP CONSTRAINT assignments_status_check;
DROP INDEX public.assignments_one_active_per_request, public.assignments_one_active_per_vehicle,
	public.assignments_one_active_per_driver, public.truck_requests_searching_expires_at_idx,
	public.truck_requests_order_searching_idx;

-- text ids: a legacy cuid-style id for about half of the rows (the same
-- everywhere it is referenced), a trip number for every trip
CREATE FUNCTION pg_temp.legacy(id text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN substr(md5(id), 1, 1) < '8' THEN 'c' || substr(md5(id), 2, 24) ELSE id END
$$;
DO $$
DECLARE
	fk record;
	fks text[] := '{}';
	c record;
BEGIN
	FOR fk IN SELECT x.conrelid::regclass AS rel, x.conname, pg_get_constraintdef(x.oid) AS def
		FROM pg_constraint x
		WHERE x.contype = 'f' AND x.conrelid IN ('public.orders'::regclass, 'public.truck_requests'::regclass,
			'public.vehicles'::regclass, 'public.drivers'::regclass, 'public.assignments'::regclass) LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.rel, fk.conname);
		fks := fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.rel, fk.conname, fk.def);
	END LOOP;
	FOR c IN SELECT a.attrelid::regclass AS rel, a.attname FROM pg_attribute a
		WHERE a.attrelid IN ('public.orders'::regclass, 'public.truck_requests'::regclass,
			'public.vehicles'::regclass, 'public.drivers'::regclass, 'public.assignments'::regclass,
			'public.events'::regclass)
		  AND a.atttypid = 'uuid'::regtype AND NOT a.attisdropped LOOP
		EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE text USING %s', c.rel, c.attname,
			CASE WHEN c.attname = 'trip_id' THEN format('''TRIP-2024-'' || substr(md5(%I::text), 1, 8)', c.attname)
				 ELSE format('pg_temp.legacy(%I::text)', c.attname) END);
	END LOOP;
	FOR c IN SELECT * FROM unnest(fks) d LOOP
		EXECUTE c.d;
	END LOOP;
END $$;
DO $$
DECLARE
	t record;
	c record;
BEGIN
	FOR t IN SELECT * FROM (VALUES ('orders', 'Order', 'OrderStatus',
			ARRAY['SEARCHING', 'PARTIALLY_FILLED', 'FULLY_FILLED', 'CANCELLED', 'EXPIRED', 'COMPLETED']),
		('truck_requests', 'TruckRequest', 'TruckRequestStatus',
			ARRAY['SEARCHING', 'ASSIGNED', 'CANCELLED', 'EXPIRED', 'COMPLETED']),
		('vehicles', 'Vehicle', 'VehicleStatus', ARRAY['AVAILABLE', 'ON_TRIP', 'MAINTENANCE', 'INACTIVE']),
		('drivers', 'Driver', 'DriverStatus', ARRAY['AVAILABLE', 'ON_TRIP', 'INACTIVE']),
		('assignments', 'Assignment', 'AssignmentStatus', ARRAY['ACTIVE', 'RELEASED', 'CANCELLED', 'COMPLETED']))
		AS v(old, new, enum, labels) LOOP
		EXECUTE format('CREATE TYPE public.%I AS ENUM (%s)', t.enum,
			(SELECT string_agg(quote_literal(l), ', ') FROM unnest(t.labels) l));
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status DROP DEFAULT', t.old);
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status TYPE public.%I USING upper(status)::public.%I',
			t.old, t.enum, t.enum);
		EXECUTE format('ALTER TABLE public.%I ALTER COLUMN status SET DEFAULT %L', t.old, t.labels[1]);
		FOR c IN SELECT a.attname, a.atttypid FROM pg_attribute a
			WHERE a.attrelid = format('public.%I', t.old)::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
			IF c.atttypid = 'timestamptz'::regtype THEN
				EXECUTE format('ALTER TABLE public.%I ALTER COLUMN %I TYPE timestamp(3) USING %I AT TIME ZONE ''UTC''',
					t.old, c.attname, c.attname);
			END IF;
			IF c.attname = 'updated_at' THEN
				EXECUTE format('ALTER TABLE public.%I ALTER COLUMN updated_at DROP DEFAULT', t.old);
			END IF;
			IF c.attname LIKE '%\_%' THEN
				EXECUTE format('ALTER TABLE public.%I RENAME COLUMN %I TO %I', t.old, c.attname,
					lower(substr(c.attname, 1, 1)) || substr(replace(initcap(replace(c.attname, '_', ' ')), ' ', ''), 2));
			END IF;
		END LOOP;
		EXECUTE format('ALTER TABLE public.%I RENAME TO %I', t.old, t.new);
		-- the same checks on every write as create_tables()'s tables make
		EXECUTE format('ALTER TABLE public.%I ADD CHECK (status = ANY (%L::public.%I[]))',
			t.new, t.labels, t.enum);
	END LOOP;
END $$;
ALTER TABLE public."TruckRequest" ADD CHECK (status <> 'ASSIGNED'
	OR ("assignedTransporterId" IS NOT NULL AND "assignedVehicleId" IS NOT NULL
		AND "assignedAt" IS NOT NULL));
CREATE INDEX "TruckRequest_searching_expiresAt_idx" ON public."TruckRequest" ("expiresAt")
	WHERE status = 'SEARCHING';
CREATE INDEX "TruckRequest_order_searching_idx" ON public."TruckRequest" ("orderId", id)
	WHERE status = 'SEARCHING';
DELETE FROM truck_accept.bound_tables;
SELECT truck_accept.bind('public."Order"', 'public."TruckRequest"', 'public."Vehicle"',
	'public."Driver"', 'public."Assignment"', events => 'public.events',
	naming => 'camelCase', add_invariants => true);

-- the harness's view of the bound tables (the functions do not use it):
-- every column the extension's table had, by its name, statuses as the
-- extension spells them, time stamps in UTC as timestamptz
CREATE VIEW public.orders AS
	SELECT o."id" AS id, o."trucksNeeded" AS trucks_needed, o."trucksFilled" AS trucks_filled,
		   lower(o."status"::text) AS status, o."createdAt" AT TIME ZONE 'UTC' AS created_at,
		   o."updatedAt" AT TIME ZONE 'UTC' AS updated_at
	FROM public."Order" o;
CREATE VIEW public.truck_requests AS
	SELECT r."id" AS id, r."orderId" AS order_id, r."vehicleType" AS vehicle_type,
		   lower(r."status"::text) AS status, r."assignedTransporterId" AS assigned_transporter_id,
		   r."assignedVehicleId" AS assigned_vehicle_id, r."assignedDriverId" AS assigned_driver_id,
		   r."assignedAt" AT TIME ZONE 'UTC' AS assigned_at, r."expiresAt" AT TIME ZONE 'UTC' AS expires_at,
		   r."createdAt" AT TIME ZONE 'UTC' AS created_at, r."updatedAt" AT TIME ZONE 'UTC' AS updated_at
	FROM public."TruckRequest" r;
CREATE VIEW public.vehicles AS
	SELECT v."id" AS id, v."transporterId" AS transporter_id, v."vehicleType" AS vehicle_type,
		   lower(v."status"::text) AS status, v."createdAt" AT TIME ZONE 'UTC' AS created_at,
		   v."updatedAt" AT TIME ZONE 'UTC' AS updated_at
	FROM public."Vehicle" v;
CREATE VIEW public.drivers AS
	SELECT d."id" AS id, d."transporterId" AS transporter_id, lower(d."status"::text) AS status,
		   d."createdAt" AT TIME ZONE 'UTC' AS created_at, d."updatedAt" AT TIME ZONE 'UTC' AS updated_at
	FROM public."Driver" d;
CREATE VIEW public.assignments AS
	SELECT a."id" AS id, a."tripId" AS trip_id, a."truckRequestId" AS truck_request_id,
		   a."orderId" AS order_id, a."transporterId" AS transporter_id, a."vehicleId" AS vehicle_id,
		   a."driverId" AS driver_id, lower(a."status"::text) AS status,
		   a."createdAt" AT TIME ZONE 'UTC' AS created_at, a."updatedAt" AT TIME ZONE 'UTC' AS updated_at
	FROM public."Assignment" a;

-- ... and writable (INSERT, UPDATE and DELETE), for the harness's set-up
-- (the isolation specs, pg_regress a second time), as the application would
-- write: its spellings, ids it makes, "updatedAt" it sets
CREATE FUNCTION public.prisma_view_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n jsonb := to_jsonb(NEW);
	o jsonb := to_jsonb(OLD);
	k text := COALESCE(o ->> 'id', n ->> 'id');
BEGIN
	IF TG_OP = 'DELETE' THEN
		EXECUTE format('DELETE FROM public.%I WHERE "id" = $1', TG_ARGV[0]) USING o ->> 'id';
		RETURN OLD;
	END IF;
	IF TG_OP = 'UPDATE' THEN
		CASE TG_ARGV[0]
		WHEN 'Order' THEN
			UPDATE public."Order" SET "id" = n ->> 'id', "trucksNeeded" = (n ->> 'trucks_needed')::int,
				"trucksFilled" = (n ->> 'trucks_filled')::int,
				"status" = upper(n ->> 'status')::public."OrderStatus", "updatedAt" = now() AT TIME ZONE 'UTC'
			WHERE "id" = k;
		WHEN 'TruckRequest' THEN
			UPDATE public."TruckRequest" SET "id" = n ->> 'id', "orderId" = n ->> 'order_id',
				"vehicleType" = n ->> 'vehicle_type',
				"status" = upper(n ->> 'status')::public."TruckRequestStatus",
				"assignedTransporterId" = n ->> 'assigned_transporter_id',
				"assignedVehicleId" = n ->> 'assigned_vehicle_id', "assignedDriverId" = n ->> 'assigned_driver_id',
				"assignedAt" = (n ->> 'assigned_at')::timestamptz AT TIME ZONE 'UTC',
				"expiresAt" = (n ->> 'expires_at')::timestamptz AT TIME ZONE 'UTC',
				"updatedAt" = now() AT TIME ZONE 'UTC'
			WHERE "id" = k;
		WHEN 'Vehicle' THEN
			UPDATE public."Vehicle" SET "id" = n ->> 'id', "transporterId" = n ->> 'transporter_id',
				"vehicleType" = n ->> 'vehicle_type', "status" = upper(n ->> 'status')::public."VehicleStatus",
				"updatedAt" = now() AT TIME ZONE 'UTC'
			WHERE "id" = k;
		WHEN 'Driver' THEN
			UPDATE public."Driver" SET "id" = n ->> 'id', "transporterId" = n ->> 'transporter_id',
				"status" = upper(n ->> 'status')::public."DriverStatus", "updatedAt" = now() AT TIME ZONE 'UTC'
			WHERE "id" = k;
		WHEN 'Assignment' THEN
			UPDATE public."Assignment" SET "id" = n ->> 'id', "tripId" = n ->> 'trip_id',
				"truckRequestId" = n ->> 'truck_request_id', "orderId" = n ->> 'order_id',
				"transporterId" = n ->> 'transporter_id', "vehicleId" = n ->> 'vehicle_id',
				"driverId" = n ->> 'driver_id', "status" = upper(n ->> 'status')::public."AssignmentStatus",
				"updatedAt" = now() AT TIME ZONE 'UTC'
			WHERE "id" = k;
		END CASE;
		RETURN NEW;
	END IF;
	CASE TG_ARGV[0]
	WHEN 'Order' THEN
		INSERT INTO public."Order" ("id", "trucksNeeded", "trucksFilled", "status", "updatedAt")
		VALUES ((n ->> 'id'), (n ->> 'trucks_needed')::int, COALESCE((n ->> 'trucks_filled')::int, 0),
				upper(COALESCE(n ->> 'status', 'searching'))::public."OrderStatus", now() AT TIME ZONE 'UTC');
	WHEN 'TruckRequest' THEN
		INSERT INTO public."TruckRequest" ("id", "orderId", "vehicleType", "status", "assignedTransporterId",
			"assignedVehicleId", "assignedDriverId", "assignedAt", "expiresAt", "updatedAt")
		VALUES ((n ->> 'id'), (n ->> 'order_id'), n ->> 'vehicle_type',
				upper(COALESCE(n ->> 'status', 'searching'))::public."TruckRequestStatus",
				(n ->> 'assigned_transporter_id'), (n ->> 'assigned_vehicle_id'),
				(n ->> 'assigned_driver_id'), (n ->> 'assigned_at')::timestamptz AT TIME ZONE 'UTC',
				(n ->> 'expires_at')::timestamptz AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC');
	WHEN 'Vehicle' THEN
		INSERT INTO public."Vehicle" ("id", "transporterId", "vehicleType", "status", "updatedAt")
		VALUES ((n ->> 'id'), (n ->> 'transporter_id'), n ->> 'vehicle_type',
				upper(COALESCE(n ->> 'status', 'available'))::public."VehicleStatus", now() AT TIME ZONE 'UTC');
	WHEN 'Driver' THEN
		INSERT INTO public."Driver" ("id", "transporterId", "status", "updatedAt")
		VALUES ((n ->> 'id'), (n ->> 'transporter_id'),
				upper(COALESCE(n ->> 'status', 'available'))::public."DriverStatus", now() AT TIME ZONE 'UTC');
	WHEN 'Assignment' THEN
		INSERT INTO public."Assignment" ("id", "tripId", "truckRequestId", "orderId", "transporterId",
			"vehicleId", "driverId", "status", "updatedAt")
		VALUES (COALESCE(n ->> 'id', gen_random_uuid()::text), COALESCE(n ->> 'trip_id', gen_random_uuid()::text),
				(n ->> 'truck_request_id'), (n ->> 'order_id'), (n ->> 'transporter_id'),
				(n ->> 'vehicle_id'), (n ->> 'driver_id'),
				upper(COALESCE(n ->> 'status', 'active'))::public."AssignmentStatus", now() AT TIME ZONE 'UTC');
	END CASE;
	RETURN NEW;
END $$;
CREATE TRIGGER orders_write INSTEAD OF INSERT OR UPDATE OR DELETE ON public.orders
	FOR EACH ROW EXECUTE FUNCTION public.prisma_view_write('Order');
CREATE TRIGGER truck_requests_write INSTEAD OF INSERT OR UPDATE OR DELETE ON public.truck_requests
	FOR EACH ROW EXECUTE FUNCTION public.prisma_view_write('TruckRequest');
CREATE TRIGGER vehicles_write INSTEAD OF INSERT OR UPDATE OR DELETE ON public.vehicles
	FOR EACH ROW EXECUTE FUNCTION public.prisma_view_write('Vehicle');
CREATE TRIGGER drivers_write INSTEAD OF INSERT OR UPDATE OR DELETE ON public.drivers
	FOR EACH ROW EXECUTE FUNCTION public.prisma_view_write('Driver');
CREATE TRIGGER assignments_write INSTEAD OF INSERT OR UPDATE OR DELETE ON public.assignments
	FOR EACH ROW EXECUTE FUNCTION public.prisma_view_write('Assignment');

-- the storms' helpers (stress/setup.sql), if there: their maps hold the
-- same ids as the tables now, and their functions take and pass text ids,
-- to the functions of truck_accept_text
DO $$
DECLARE
	c record;
	def text;
BEGIN
	IF to_regnamespace('stress') IS NULL THEN
		RETURN;
	END IF;
	FOR c IN SELECT a.attrelid::regclass AS rel, a.attname FROM pg_attribute a
		JOIN pg_class t ON t.oid = a.attrelid
		WHERE t.relnamespace = 'stress'::regnamespace AND t.relkind = 'r'
		  AND a.atttypid = 'uuid'::regtype AND NOT a.attisdropped LOOP
		EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE text USING pg_temp.legacy(%I::text)',
			c.rel, c.attname, c.attname);
	END LOOP;
	FOR c IN SELECT p.oid::regprocedure AS fn, pg_get_functiondef(p.oid) AS def FROM pg_proc p
		WHERE p.pronamespace = 'stress'::regnamespace AND p.prokind = 'f' LOOP
		def := regexp_replace(c.def, '\muuid\M', 'text', 'g');
		def := regexp_replace(def, 'truck_accept\.(accept_truck_request|accept_any_truck_request|release_truck_request|cancel_order|complete_assignment|take_events|invariant_violations)\M',
			'truck_accept_text.\1', 'g');
		IF def <> c.def THEN
			EXECUTE format('DROP FUNCTION %s', c.fn);
			EXECUTE def;
		END IF;
	END LOOP;
END $$;
COMMIT;
-- ALTER COLUMN ... TYPE took the statuses' statistics with it
ANALYZE;
