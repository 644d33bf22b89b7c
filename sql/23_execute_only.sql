-- 23_execute_only: an application role that can call the API and nothing
-- else.  create_api() makes SECURITY DEFINER wrappers owned by the tables'
-- owner (never a superuser); the role gets EXECUTE on them and USAGE on their
-- schema only.  It calls every function through every outcome (under the
-- hostile search_path of 18), and every direct read or write of the tables
-- and the events, and every direct call of the extension's functions, is
-- refused.  (scripts/check-dump-restore.sh shows the API surviving a dump.)
\i sql/include/tables.sql
\set VERBOSITY terse
CREATE SCHEMA t23;
SET search_path = t23, public;
\i sql/include/helpers.sql

-- The tables' owner: a role that is not a superuser, with EXECUTE on the
-- functions it wraps.
CREATE ROLE t23_owner;
CREATE ROLE t23_app;
CREATE ROLE t23_other;
ALTER TABLE public.orders OWNER TO t23_owner;
ALTER TABLE public.truck_requests OWNER TO t23_owner;
ALTER TABLE public.vehicles OWNER TO t23_owner;
ALTER TABLE public.drivers OWNER TO t23_owner;
ALTER TABLE public.assignments OWNER TO t23_owner;
ALTER TABLE public.events OWNER TO t23_owner;
CREATE SCHEMA t23_api AUTHORIZATION t23_owner;
GRANT USAGE ON SCHEMA truck_accept TO t23_owner;
GRANT USAGE ON SCHEMA truck_accept TO t23_other;
GRANT EXECUTE ON FUNCTION truck_accept.create_api(name, name) TO t23_owner, t23_other;

-- Refused: a superuser owner, a role that does not own the tables, an owner
-- without EXECUTE on the functions, an unknown role, NULLs.
SELECT truck_accept.create_api('t23_api', 't23_app');
SET ROLE t23_other;
SELECT truck_accept.create_api('t23_api', 't23_app');
SET ROLE t23_owner;
SELECT truck_accept.create_api('t23_api', 't23_app');
RESET ROLE;
GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.release_truck_request(uuid, uuid), truck_accept.cancel_order(uuid),
	truck_accept.expire_truck_requests(timestamptz), truck_accept.complete_assignment(uuid),
	truck_accept.take_events(integer)
	TO t23_owner;
SET ROLE t23_owner;
SELECT truck_accept.create_api('t23_api', 'no_such_role');
SELECT truck_accept.create_api(NULL, 't23_app');
RESET ROLE;
-- a member of a superuser role is refused like a superuser
DO $$ BEGIN EXECUTE format('GRANT %I TO t23_owner', current_user); END $$;
SET ROLE t23_owner;
SELECT truck_accept.create_api('t23_api', 't23_app');
RESET ROLE;
DO $$ BEGIN EXECUTE format('REVOKE %I FROM t23_owner', current_user); END $$;
-- a schema the caller does not own (its owner could replace the wrappers)
CREATE SCHEMA t23_theirs;
GRANT USAGE, CREATE ON SCHEMA t23_theirs TO t23_owner;
SET ROLE t23_owner;
SELECT truck_accept.create_api('t23_theirs', 't23_app');
-- a schema that already has a function of one of the API's names (an
-- overload could capture the application's calls)
BEGIN;
CREATE FUNCTION t23_api.accept_truck_request(text, text, text, text) RETURNS text
	LANGUAGE sql AS 'SELECT ''captured''';
SELECT truck_accept.create_api('t23_api', 't23_app');
ROLLBACK;
-- made, although default privileges would give the wrappers to another role
RESET ROLE;
ALTER DEFAULT PRIVILEGES FOR ROLE t23_owner IN SCHEMA t23_api GRANT EXECUTE ON FUNCTIONS TO t23_other;
SET ROLE t23_owner;
SELECT truck_accept.create_api('t23_api', 't23_app');
RESET ROLE;
SELECT p.oid::regprocedure AS wrapper, pg_get_userbyid(p.proowner) AS owner, p.prosecdef AS security_definer,
	   p.proconfig AS settings, p.proacl AS acl
FROM pg_proc p WHERE p.pronamespace = 't23_api'::regnamespace ORDER BY 1;
SELECT obj_description('t23_api.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure, 'pg_proc');

-- What the application role may do to the tables and the extension: nothing.
SELECT c.relname, has_table_privilege('t23_app', c.oid, 'SELECT') AS sel,
	   has_table_privilege('t23_app', c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE') AS write
FROM truck_accept.bound_tables b JOIN pg_class c ON c.oid = b.relid ORDER BY 1;
SET ROLE t23_app;
-- read who won a request, or a competitor's fleet
SELECT assigned_transporter_id FROM public.truck_requests;
SELECT * FROM public.vehicles;
-- forge an event
INSERT INTO public.events (event_type, payload) VALUES ('accepted', '{}');
-- put a competitor's truck into maintenance
UPDATE public.vehicles SET status = 'maintenance';
-- occupy a free slot with a bare assignment
INSERT INTO public.assignments (truck_request_id, order_id, transporter_id, vehicle_id)
	VALUES (gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), gen_random_uuid());
DELETE FROM public.orders;
TRUNCATE public.events;
-- call the extension's functions around the wrappers
SELECT * FROM truck_accept.accept_truck_request(gen_random_uuid(), gen_random_uuid(), gen_random_uuid());
SELECT * FROM truck_accept.take_events(1);
SELECT * FROM truck_accept.bound_tables;
RESET ROLE;

-- What the README grants for the application to create its own data:
-- INSERT of the columns that describe an order, a request, a vehicle and a
-- driver, never their status or counters, and no SELECT.
BEGIN;
GRANT INSERT (id, trucks_needed) ON public.orders TO t23_app;
GRANT INSERT (id, order_id, vehicle_type, expires_at) ON public.truck_requests TO t23_app;
GRANT INSERT (id, transporter_id, vehicle_type) ON public.vehicles TO t23_app;
GRANT INSERT (id, transporter_id) ON public.drivers TO t23_app;
SET ROLE t23_app;
INSERT INTO public.orders (id, trucks_needed) VALUES ('23000000-0000-0000-0000-000000000001', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	VALUES ('23000000-0000-0000-0000-000000000002', '23000000-0000-0000-0000-000000000001', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
	VALUES ('23000000-0000-0000-0000-000000000003', '23000000-0000-0000-0000-000000000004', 'open_17ft');
INSERT INTO public.drivers (id, transporter_id)
	VALUES ('23000000-0000-0000-0000-000000000005', '23000000-0000-0000-0000-000000000004');
SELECT outcome, trucks_filled FROM t23_api.accept_truck_request('23000000-0000-0000-0000-000000000002',
	'23000000-0000-0000-0000-000000000004', '23000000-0000-0000-0000-000000000003',
	'23000000-0000-0000-0000-000000000005');
-- but not a request that is already assigned, nor a filled counter, nor a read
SAVEPOINT s;
INSERT INTO public.truck_requests (id, order_id, vehicle_type, status)
	VALUES (gen_random_uuid(), '23000000-0000-0000-0000-000000000001', 'open_17ft', 'assigned');
ROLLBACK TO s;
INSERT INTO public.orders (id, trucks_needed, trucks_filled) VALUES (gen_random_uuid(), 1, 1);
ROLLBACK TO s;
SELECT count(*) FROM public.orders;
ROLLBACK;

-- Every function through every outcome, as the application role, through the
-- wrappers, with the hostile schema first on its search_path.
\i sql/include/hostile.sql
GRANT USAGE ON SCHEMA hostile TO t23_app;
\set api t23_api
\set caller t23_app
\set helpers t23
\i sql/include/every_outcome.sql

SELECT nm(o.id), o.status, o.trucks_filled FROM public.orders o ORDER BY o.id;
SELECT * FROM truck_accept.invariant_violations;

-- The API depends on nothing of the extension: DROP EXTENSION (without
-- CASCADE) leaves it, and once the extension is created again, the tables
-- recorded and its owner granted the functions again, it works.
SELECT count(*) AS objects_depending_on_the_extension
FROM pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'truck_accept')
  AND d.deptype = 'n';
DROP EXTENSION truck_accept;
SELECT count(*) AS wrappers_left FROM pg_proc p WHERE p.pronamespace = 't23_api'::regnamespace;
CREATE EXTENSION truck_accept;
INSERT INTO truck_accept.bound_tables (kind, relid)
SELECT k, ('public.' || k)::regclass
FROM unnest(ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events']) k;
GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.release_truck_request(uuid, uuid), truck_accept.cancel_order(uuid),
	truck_accept.expire_truck_requests(timestamptz), truck_accept.complete_assignment(uuid),
	truck_accept.take_events(integer)
	TO t23_owner;
SET ROLE t23_app;
SELECT outcome, order_status FROM t23_api.accept_truck_request(:'r1', :'t1', :'v1');
SELECT outcome, request_id IS NOT NULL AS names_a_request
FROM t23_api.accept_any_truck_request(:'o5', :'t3', :'v3');
SELECT count(*) AS events FROM t23_api.take_events(10);
RESET ROLE;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
ALTER TABLE public.orders OWNER TO CURRENT_USER;
ALTER TABLE public.truck_requests OWNER TO CURRENT_USER;
ALTER TABLE public.vehicles OWNER TO CURRENT_USER;
ALTER TABLE public.drivers OWNER TO CURRENT_USER;
ALTER TABLE public.assignments OWNER TO CURRENT_USER;
ALTER TABLE public.events OWNER TO CURRENT_USER;
DROP SCHEMA hostile CASCADE;
DROP ROLE t18_hostile;
ALTER DEFAULT PRIVILEGES FOR ROLE t23_owner IN SCHEMA t23_api REVOKE EXECUTE ON FUNCTIONS FROM t23_other;
DROP SCHEMA t23_api CASCADE;
DROP SCHEMA t23_theirs;
REVOKE ALL ON SCHEMA truck_accept FROM t23_owner, t23_other;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA truck_accept FROM t23_owner, t23_other;
DROP ROLE t23_owner;
DROP ROLE t23_app;
DROP ROLE t23_other;
DROP SCHEMA t23 CASCADE;
