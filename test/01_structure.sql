-- test/01_structure.sql: the shape of truck_accept as 1.0 defined it (schema,
-- tables, columns, keys, indexes, the accept function's signature, comments,
-- dump registration, privileges), as it stands in the installed default
-- version 1.1.  The catalog is the contract.  What 1.1 added (the lifecycle
-- functions, the events table, the expiry index) is test/04_lifecycle_structure.sql's.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(163);

-- ---------------------------------------------------------------------------
-- Extension and schema
-- ---------------------------------------------------------------------------
SELECT has_schema('truck_accept', 'schema truck_accept exists');
SELECT has_extension('truck_accept', 'truck_accept',
	'extension truck_accept is installed in schema truck_accept');
SELECT is((SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'truck_accept'),
	'2.2', 'extension version is 2.2 (the default_version)');
SELECT is((SELECT extrelocatable FROM pg_catalog.pg_extension WHERE extname = 'truck_accept'),
	false, 'extension is not relocatable');

SELECT tables_are('truck_accept', ARRAY['bound_tables'],
	'schema truck_accept has only the catalog (2.0: the business tables are the application''s)');
SELECT tables_are('public',
	ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events'],
	'create_tables() made exactly the six tables in public');

SELECT has_table('public', 'orders', 'table orders exists');
SELECT has_table('public', 'truck_requests', 'table truck_requests exists');
SELECT has_table('public', 'vehicles', 'table vehicles exists');
SELECT has_table('public', 'drivers', 'table drivers exists');
SELECT has_table('public', 'assignments', 'table assignments exists');
SELECT has_table('public', 'events', 'table events exists');

-- ---------------------------------------------------------------------------
-- orders
-- ---------------------------------------------------------------------------
SELECT has_column('public', 'orders', 'id', 'orders.id exists');
SELECT col_type_is('public', 'orders', 'id', 'uuid', 'orders.id is uuid');
SELECT col_is_pk('public', 'orders', 'id', 'orders.id is the primary key');
SELECT col_default_is('public', 'orders', 'id', 'gen_random_uuid()',
	'orders.id defaults to gen_random_uuid()');

SELECT has_column('public', 'orders', 'trucks_needed', 'orders.trucks_needed exists');
SELECT col_type_is('public', 'orders', 'trucks_needed', 'integer', 'orders.trucks_needed is integer');
SELECT col_not_null('public', 'orders', 'trucks_needed', 'orders.trucks_needed is NOT NULL');
SELECT col_hasnt_default('public', 'orders', 'trucks_needed', 'orders.trucks_needed has no default');

SELECT has_column('public', 'orders', 'trucks_filled', 'orders.trucks_filled exists');
SELECT col_type_is('public', 'orders', 'trucks_filled', 'integer', 'orders.trucks_filled is integer');
SELECT col_not_null('public', 'orders', 'trucks_filled', 'orders.trucks_filled is NOT NULL');
SELECT col_default_is('public', 'orders', 'trucks_filled', 0, 'orders.trucks_filled defaults to 0');

SELECT has_column('public', 'orders', 'status', 'orders.status exists');
SELECT col_type_is('public', 'orders', 'status', 'text', 'orders.status is text');
SELECT col_not_null('public', 'orders', 'status', 'orders.status is NOT NULL');
SELECT col_default_is('public', 'orders', 'status', 'searching'::text,
	'orders.status defaults to searching');

-- ---------------------------------------------------------------------------
-- truck_requests
-- ---------------------------------------------------------------------------
SELECT has_column('public', 'truck_requests', 'id', 'truck_requests.id exists');
SELECT col_type_is('public', 'truck_requests', 'id', 'uuid', 'truck_requests.id is uuid');
SELECT col_is_pk('public', 'truck_requests', 'id', 'truck_requests.id is the primary key');

SELECT has_column('public', 'truck_requests', 'order_id', 'truck_requests.order_id exists');
SELECT col_type_is('public', 'truck_requests', 'order_id', 'uuid', 'truck_requests.order_id is uuid');
SELECT col_not_null('public', 'truck_requests', 'order_id', 'truck_requests.order_id is NOT NULL');
SELECT fk_ok('public', 'truck_requests', 'order_id', 'public', 'orders', 'id',
	'truck_requests.order_id references orders.id');

SELECT has_column('public', 'truck_requests', 'vehicle_type', 'truck_requests.vehicle_type exists');
SELECT col_type_is('public', 'truck_requests', 'vehicle_type', 'text', 'truck_requests.vehicle_type is text');
SELECT col_not_null('public', 'truck_requests', 'vehicle_type', 'truck_requests.vehicle_type is NOT NULL');

SELECT has_column('public', 'truck_requests', 'status', 'truck_requests.status exists');
SELECT col_type_is('public', 'truck_requests', 'status', 'text', 'truck_requests.status is text');
SELECT col_not_null('public', 'truck_requests', 'status', 'truck_requests.status is NOT NULL');
SELECT col_default_is('public', 'truck_requests', 'status', 'searching'::text,
	'truck_requests.status defaults to searching');

SELECT col_type_is('public', 'truck_requests', 'assigned_transporter_id', 'uuid',
	'truck_requests.assigned_transporter_id is uuid');
SELECT col_is_null('public', 'truck_requests', 'assigned_transporter_id',
	'truck_requests.assigned_transporter_id is nullable');
SELECT col_type_is('public', 'truck_requests', 'assigned_vehicle_id', 'uuid',
	'truck_requests.assigned_vehicle_id is uuid');
SELECT col_is_null('public', 'truck_requests', 'assigned_vehicle_id',
	'truck_requests.assigned_vehicle_id is nullable');
SELECT col_type_is('public', 'truck_requests', 'assigned_driver_id', 'uuid',
	'truck_requests.assigned_driver_id is uuid');
SELECT col_is_null('public', 'truck_requests', 'assigned_driver_id',
	'truck_requests.assigned_driver_id is nullable');
SELECT col_type_is('public', 'truck_requests', 'assigned_at', 'timestamp with time zone',
	'truck_requests.assigned_at is timestamptz');
SELECT col_is_null('public', 'truck_requests', 'assigned_at',
	'truck_requests.assigned_at is nullable');
SELECT col_type_is('public', 'truck_requests', 'expires_at', 'timestamp with time zone',
	'truck_requests.expires_at is timestamptz');
SELECT col_is_null('public', 'truck_requests', 'expires_at',
	'truck_requests.expires_at is nullable');

-- ---------------------------------------------------------------------------
-- vehicles
-- ---------------------------------------------------------------------------
SELECT has_column('public', 'vehicles', 'id', 'vehicles.id exists');
SELECT col_type_is('public', 'vehicles', 'id', 'uuid', 'vehicles.id is uuid');
SELECT col_is_pk('public', 'vehicles', 'id', 'vehicles.id is the primary key');

SELECT has_column('public', 'vehicles', 'transporter_id', 'vehicles.transporter_id exists');
SELECT col_type_is('public', 'vehicles', 'transporter_id', 'uuid', 'vehicles.transporter_id is uuid');
SELECT col_not_null('public', 'vehicles', 'transporter_id', 'vehicles.transporter_id is NOT NULL');

SELECT has_column('public', 'vehicles', 'vehicle_type', 'vehicles.vehicle_type exists');
SELECT col_type_is('public', 'vehicles', 'vehicle_type', 'text', 'vehicles.vehicle_type is text');
SELECT col_not_null('public', 'vehicles', 'vehicle_type', 'vehicles.vehicle_type is NOT NULL');

SELECT has_column('public', 'vehicles', 'status', 'vehicles.status exists');
SELECT col_type_is('public', 'vehicles', 'status', 'text', 'vehicles.status is text');
SELECT col_not_null('public', 'vehicles', 'status', 'vehicles.status is NOT NULL');
SELECT col_default_is('public', 'vehicles', 'status', 'available'::text,
	'vehicles.status defaults to available');

-- ---------------------------------------------------------------------------
-- drivers
-- ---------------------------------------------------------------------------
SELECT has_column('public', 'drivers', 'id', 'drivers.id exists');
SELECT col_type_is('public', 'drivers', 'id', 'uuid', 'drivers.id is uuid');
SELECT col_is_pk('public', 'drivers', 'id', 'drivers.id is the primary key');

SELECT has_column('public', 'drivers', 'transporter_id', 'drivers.transporter_id exists');
SELECT col_type_is('public', 'drivers', 'transporter_id', 'uuid', 'drivers.transporter_id is uuid');
SELECT col_not_null('public', 'drivers', 'transporter_id', 'drivers.transporter_id is NOT NULL');

SELECT has_column('public', 'drivers', 'status', 'drivers.status exists');
SELECT col_type_is('public', 'drivers', 'status', 'text', 'drivers.status is text');
SELECT col_not_null('public', 'drivers', 'status', 'drivers.status is NOT NULL');
SELECT col_default_is('public', 'drivers', 'status', 'available'::text,
	'drivers.status defaults to available');

-- ---------------------------------------------------------------------------
-- assignments
-- ---------------------------------------------------------------------------
SELECT has_column('public', 'assignments', 'id', 'assignments.id exists');
SELECT col_type_is('public', 'assignments', 'id', 'uuid', 'assignments.id is uuid');
SELECT col_is_pk('public', 'assignments', 'id', 'assignments.id is the primary key');

SELECT has_column('public', 'assignments', 'truck_request_id', 'assignments.truck_request_id exists');
SELECT col_type_is('public', 'assignments', 'truck_request_id', 'uuid', 'assignments.truck_request_id is uuid');
SELECT col_not_null('public', 'assignments', 'truck_request_id', 'assignments.truck_request_id is NOT NULL');
SELECT fk_ok('public', 'assignments', 'truck_request_id', 'public', 'truck_requests', 'id',
	'assignments.truck_request_id references truck_requests.id');

SELECT has_column('public', 'assignments', 'order_id', 'assignments.order_id exists');
SELECT col_type_is('public', 'assignments', 'order_id', 'uuid', 'assignments.order_id is uuid');
SELECT col_not_null('public', 'assignments', 'order_id', 'assignments.order_id is NOT NULL');
SELECT fk_ok('public', 'assignments', 'order_id', 'public', 'orders', 'id',
	'assignments.order_id references orders.id');

SELECT has_column('public', 'assignments', 'transporter_id', 'assignments.transporter_id exists');
SELECT col_type_is('public', 'assignments', 'transporter_id', 'uuid', 'assignments.transporter_id is uuid');
SELECT col_not_null('public', 'assignments', 'transporter_id', 'assignments.transporter_id is NOT NULL');

SELECT has_column('public', 'assignments', 'vehicle_id', 'assignments.vehicle_id exists');
SELECT col_type_is('public', 'assignments', 'vehicle_id', 'uuid', 'assignments.vehicle_id is uuid');
SELECT col_not_null('public', 'assignments', 'vehicle_id', 'assignments.vehicle_id is NOT NULL');
SELECT fk_ok('public', 'assignments', 'vehicle_id', 'public', 'vehicles', 'id',
	'assignments.vehicle_id references vehicles.id');

SELECT has_column('public', 'assignments', 'driver_id', 'assignments.driver_id exists');
SELECT col_type_is('public', 'assignments', 'driver_id', 'uuid', 'assignments.driver_id is uuid');
SELECT col_is_null('public', 'assignments', 'driver_id', 'assignments.driver_id is nullable');
SELECT fk_ok('public', 'assignments', 'driver_id', 'public', 'drivers', 'id',
	'assignments.driver_id references drivers.id');

SELECT has_column('public', 'assignments', 'trip_id', 'assignments.trip_id exists');
SELECT col_type_is('public', 'assignments', 'trip_id', 'uuid', 'assignments.trip_id is uuid');
SELECT col_not_null('public', 'assignments', 'trip_id', 'assignments.trip_id is NOT NULL');
SELECT col_is_unique('public', 'assignments', ARRAY['trip_id']::name[],
	'assignments.trip_id is UNIQUE');
SELECT col_default_is('public', 'assignments', 'trip_id', 'gen_random_uuid()',
	'assignments.trip_id defaults to gen_random_uuid()');

SELECT has_column('public', 'assignments', 'status', 'assignments.status exists');
SELECT col_type_is('public', 'assignments', 'status', 'text', 'assignments.status is text');
SELECT col_not_null('public', 'assignments', 'status', 'assignments.status is NOT NULL');
SELECT col_default_is('public', 'assignments', 'status', 'active'::text,
	'assignments.status defaults to active');

SELECT has_column('public', 'assignments', 'created_at', 'assignments.created_at exists');
SELECT col_type_is('public', 'assignments', 'created_at', 'timestamp with time zone',
	'assignments.created_at is timestamptz');
SELECT col_not_null('public', 'assignments', 'created_at', 'assignments.created_at is NOT NULL');
SELECT col_default_is('public', 'assignments', 'created_at', 'now()',
	'assignments.created_at defaults to now()');

-- Exactly these foreign keys, no more (e.g. transporter ids are not FKs).
SELECT results_eq(
	$$SELECT c.conrelid::regclass::text, a.attname::text COLLATE "default", c.confrelid::regclass::text
	    FROM pg_catalog.pg_constraint c
	    JOIN pg_catalog.pg_attribute a
	      ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
	   WHERE c.contype = 'f'
	     AND c.connamespace = 'public'::regnamespace
	   ORDER BY 1, 2$$,
	$$VALUES ('assignments', 'driver_id', 'drivers'),
	         ('assignments', 'order_id', 'orders'),
	         ('assignments', 'truck_request_id', 'truck_requests'),
	         ('assignments', 'vehicle_id', 'vehicles'),
	         ('truck_requests', 'order_id', 'orders')$$,
	'the tables have exactly the five contract foreign keys');

-- ---------------------------------------------------------------------------
-- The single-winner indexes: unique, on the right column, partial
-- ---------------------------------------------------------------------------
SELECT has_index('public', 'assignments', 'assignments_one_active_per_request',
	'truck_request_id'::name, 'index assignments_one_active_per_request on (truck_request_id)');
SELECT index_is_unique('public', 'assignments', 'assignments_one_active_per_request',
	'assignments_one_active_per_request is unique');
SELECT is_indexed('public', 'assignments', ARRAY['truck_request_id']::name[],
	'assignments.truck_request_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'public'::regnamespace
	    AND c.relname = 'assignments_one_active_per_request'),
	$$(status = 'active'::text)$$,
	'assignments_one_active_per_request covers only active assignments');

SELECT has_index('public', 'assignments', 'assignments_one_active_per_vehicle',
	'vehicle_id'::name, 'index assignments_one_active_per_vehicle on (vehicle_id)');
SELECT index_is_unique('public', 'assignments', 'assignments_one_active_per_vehicle',
	'assignments_one_active_per_vehicle is unique');
SELECT is_indexed('public', 'assignments', ARRAY['vehicle_id']::name[],
	'assignments.vehicle_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'public'::regnamespace
	    AND c.relname = 'assignments_one_active_per_vehicle'),
	$$(status = 'active'::text)$$,
	'assignments_one_active_per_vehicle covers only active assignments');

SELECT has_index('public', 'assignments', 'assignments_one_active_per_driver',
	'driver_id'::name, 'index assignments_one_active_per_driver on (driver_id)');
SELECT index_is_unique('public', 'assignments', 'assignments_one_active_per_driver',
	'assignments_one_active_per_driver is unique');
SELECT is_indexed('public', 'assignments', ARRAY['driver_id']::name[],
	'assignments.driver_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'public'::regnamespace
	    AND c.relname = 'assignments_one_active_per_driver'),
	$$((status = 'active'::text) AND (driver_id IS NOT NULL))$$,
	'assignments_one_active_per_driver covers only active assignments with a driver');

-- Each is a plain (non-deferrable) unique btree, so it is checked per row.
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", am.amname::text COLLATE "default", i.indisunique, i.indimmediate, i.indisvalid
	    FROM pg_catalog.pg_index i
	    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	    JOIN pg_catalog.pg_am am ON am.oid = c.relam
	   WHERE i.indrelid = 'public.assignments'::regclass
	     AND i.indpred IS NOT NULL
	   ORDER BY 1$$,
	$$VALUES ('assignments_one_active_per_driver', 'btree', true, true, true),
	         ('assignments_one_active_per_request', 'btree', true, true, true),
	         ('assignments_one_active_per_vehicle', 'btree', true, true, true)$$,
	'the partial indexes of assignments are exactly the three immediate unique btrees');

-- ---------------------------------------------------------------------------
-- accept_truck_request(uuid, uuid, uuid, uuid)
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_truck_request(uuid, uuid, uuid, uuid) exists');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc
	  WHERE pronamespace = 'truck_accept'::regnamespace AND proname = 'accept_truck_request'),
	1, 'accept_truck_request is not overloaded');
SELECT function_returns('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'record', 'accept_truck_request returns record');
SELECT is(
	(SELECT proretset FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	false, 'accept_truck_request returns one row, not a set');
SELECT volatility_is('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'volatile', 'accept_truck_request is VOLATILE');
SELECT isnt_strict('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_truck_request is CALLED ON NULL INPUT (not STRICT)');
SELECT function_lang_is('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'c', 'accept_truck_request is written in C');
SELECT isnt_definer('truck_accept', 'accept_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_truck_request is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'u', 'accept_truck_request is PARALLEL UNSAFE');
SELECT is(
	(SELECT pronargdefaults::int FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	1, 'accept_truck_request has exactly one argument default (driver_id)');
SELECT is(
	(SELECT pg_catalog.pg_get_function_arg_default(
	            'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure, 4)),
	'NULL::uuid', 'driver_id defaults to NULL');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'accept_truck_request_1_1 / $libdir/truck_accept',
	'accept_truck_request is the C symbol accept_truck_request_1_1 (1.1: appends events) in $libdir/truck_accept');

-- The arguments and the result columns, in order: names, types and modes.
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(p.proargmodes, p.proargnames, p.proallargtypes)
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'request_id', 'uuid'),
	         (2, 'i', 'transporter_id', 'uuid'),
	         (3, 'i', 'vehicle_id', 'uuid'),
	         (4, 'i', 'driver_id', 'uuid'),
	         (5, 'o', 'outcome', 'text'),
	         (6, 'o', 'accepted', 'boolean'),
	         (7, 'o', 'assignment_id', 'uuid'),
	         (8, 'o', 'trip_id', 'uuid'),
	         (9, 'o', 'order_id', 'uuid'),
	         (10, 'o', 'trucks_filled', 'integer'),
	         (11, 'o', 'trucks_needed', 'integer'),
	         (12, 'o', 'order_status', 'text'),
	         (13, 'o', 'message', 'text')$$,
	'accept_truck_request has the contract arguments and result columns, in order');
-- The same, as \df shows it (argument names are part of the API: callers
-- may use named notation).
SELECT is(
	pg_catalog.pg_get_function_arguments(
		'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'request_id uuid, transporter_id uuid, vehicle_id uuid, driver_id uuid DEFAULT NULL::uuid, '
	'OUT outcome text, OUT accepted boolean, OUT assignment_id uuid, OUT trip_id uuid, '
	'OUT order_id uuid, OUT trucks_filled integer, OUT trucks_needed integer, '
	'OUT order_status text, OUT message text',
	'accept_truck_request arguments as pg_get_function_arguments shows them');

-- ---------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------
SELECT isnt(pg_catalog.obj_description(
		'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure, 'pg_proc'),
	NULL, 'accept_truck_request has a comment');
SELECT isnt(pg_catalog.obj_description('public.orders'::regclass, 'pg_class'),
	NULL, 'orders has a comment');
SELECT isnt(pg_catalog.obj_description('public.truck_requests'::regclass, 'pg_class'),
	NULL, 'truck_requests has a comment');
SELECT isnt(pg_catalog.obj_description('public.vehicles'::regclass, 'pg_class'),
	NULL, 'vehicles has a comment');
SELECT isnt(pg_catalog.obj_description('public.drivers'::regclass, 'pg_class'),
	NULL, 'drivers has a comment');
SELECT isnt(pg_catalog.obj_description('public.assignments'::regclass, 'pg_class'),
	NULL, 'assignments has a comment');

-- ---------------------------------------------------------------------------
-- The tables are the application's: owned by the caller of create_tables(),
-- not members of the extension (pg_dump dumps them whole, DROP EXTENSION
-- leaves them); the extension's catalog records them, and pg_dump keeps it
-- ---------------------------------------------------------------------------
SELECT is_empty(
	$$SELECT c.relname FROM pg_catalog.pg_class c
	   WHERE c.relnamespace = 'public'::regnamespace
	     AND EXISTS (SELECT FROM pg_catalog.pg_depend d
	                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
	                    AND d.deptype = 'e'
	                    AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
	                                       WHERE e.extname = 'truck_accept'))$$,
	'no table, index or sequence in public is a member of the extension');
SELECT is_empty(
	$$SELECT c.relname FROM pg_catalog.pg_class c
	   WHERE c.relnamespace = 'public'::regnamespace
	     AND c.relname IN ('orders', 'truck_requests', 'vehicles', 'drivers',
	                       'assignments', 'events', 'events_id_seq')
	     AND c.relowner <> current_user::regrole$$,
	'every table, index and sequence in public is owned by the caller of create_tables()');
SELECT results_eq(
	$$SELECT b.kind COLLATE "default", b.relid::text FROM truck_accept.bound_tables b ORDER BY 1$$,
	$$VALUES ('assignments', 'assignments'), ('drivers', 'drivers'), ('events', 'events'),
	         ('orders', 'orders'), ('truck_requests', 'truck_requests'), ('vehicles', 'vehicles')$$,
	'the catalog records the six tables in public');
SELECT results_eq(
	$$SELECT x.oid::regclass::text, c COLLATE "default"
	    FROM pg_catalog.pg_extension e, unnest(e.extconfig, e.extcondition) x(oid, c)
	   WHERE e.extname = 'truck_accept'$$,
	$$VALUES ('truck_accept.bound_tables', '')$$,
	'the one configuration entry is the catalog, dumped whole');

-- ---------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC
-- ---------------------------------------------------------------------------
-- In the extension's schema PUBLIC may call only the audit (which reads the
-- tables with the caller's own rights) and what it and bind() are made of
-- (they read the catalogs, and change only their caller's own tables), and
-- read only the catalog.
SELECT results_eq(
	$$SELECT p.proname::text COLLATE "default", x.privilege_type::text COLLATE "default"
	    FROM pg_catalog.pg_proc p,
	         pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	   WHERE p.pronamespace = 'truck_accept'::regnamespace AND x.grantee = 0 ORDER BY 1$$,
	$$VALUES ('audit_sql', 'EXECUTE'), ('bind_check_inserts', 'EXECUTE'),
	         ('bind_check_table', 'EXECUTE'), ('bind_columns', 'EXECUTE'),
	         ('bind_events', 'EXECUTE'), ('bind_id_types', 'EXECUTE'),
	         ('bind_missing_invariants', 'EXECUTE'), ('bind_no_drivers', 'EXECUTE'),
	         ('bind_statuses', 'EXECUTE'), ('bound_id_type', 'EXECUTE'),
	         ('bound_relation', 'EXECUTE'), ('check_invariants', 'EXECUTE')$$,
	'PUBLIC may execute only check_invariants, its steps and bind()''s steps in schema truck_accept');
SELECT results_eq(
	$$SELECT p.proname::text COLLATE "default", x.privilege_type::text COLLATE "default"
	    FROM pg_catalog.pg_proc p,
	         pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	   WHERE p.pronamespace = 'truck_accept_text'::regnamespace AND x.grantee = 0 ORDER BY 1$$,
	$$VALUES ('check_invariants', 'EXECUTE')$$,
	'PUBLIC may execute only check_invariants in schema truck_accept_text');
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", x.privilege_type::text COLLATE "default"
	    FROM pg_catalog.pg_class c,
	         pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	   WHERE c.relnamespace = 'truck_accept'::regnamespace AND x.grantee = 0 ORDER BY 1$$,
	$$VALUES ('bound_tables', 'SELECT')$$,
	'PUBLIC may only read the catalog among the relations of schema truck_accept');
-- aclexplode of the effective ACL (acldefault when the ACL is still NULL,
-- which for a function would mean EXECUTE to PUBLIC); grantee 0 is PUBLIC.
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege on accept_truck_request');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.orders'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on orders');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.truck_requests'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on truck_requests');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.vehicles'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on vehicles');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.drivers'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on drivers');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.assignments'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on assignments');

-- The same seen by a fresh role that was granted nothing (rolled back with
-- the rest of this file).
CREATE ROLE truck_accept_tap_nobody NOLOGIN;
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)', 'EXECUTE'),
	'a fresh role cannot execute accept_truck_request');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.orders',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on orders');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.truck_requests',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on truck_requests');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.vehicles',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on vehicles');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.drivers',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on drivers');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.assignments',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on assignments');

SELECT * FROM finish();
ROLLBACK;
