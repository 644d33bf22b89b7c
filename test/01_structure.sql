-- test/01_structure.sql: the shape of truck_accept as 1.0 defined it (schema,
-- tables, columns, keys, indexes, the accept function's signature, comments,
-- dump registration, privileges), as it stands in the installed default
-- version 1.1.  The catalog is the contract.  What 1.1 added (the lifecycle
-- functions, the events table, the expiry index) is test/04_lifecycle_structure.sql's.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(164);

-- ---------------------------------------------------------------------------
-- Extension and schema
-- ---------------------------------------------------------------------------
SELECT has_schema('truck_accept', 'schema truck_accept exists');
SELECT has_extension('truck_accept', 'truck_accept',
	'extension truck_accept is installed in schema truck_accept');
SELECT is((SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'truck_accept'),
	'1.1', 'extension version is 1.1 (the default_version)');
SELECT is((SELECT extrelocatable FROM pg_catalog.pg_extension WHERE extname = 'truck_accept'),
	false, 'extension is not relocatable');

SELECT tables_are('truck_accept',
	ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events'],
	'schema truck_accept has exactly the six tables (1.1 added events)');

SELECT has_table('truck_accept', 'orders', 'table orders exists');
SELECT has_table('truck_accept', 'truck_requests', 'table truck_requests exists');
SELECT has_table('truck_accept', 'vehicles', 'table vehicles exists');
SELECT has_table('truck_accept', 'drivers', 'table drivers exists');
SELECT has_table('truck_accept', 'assignments', 'table assignments exists');
SELECT has_table('truck_accept', 'events', 'table events exists');

-- ---------------------------------------------------------------------------
-- orders
-- ---------------------------------------------------------------------------
SELECT has_column('truck_accept', 'orders', 'id', 'orders.id exists');
SELECT col_type_is('truck_accept', 'orders', 'id', 'uuid', 'orders.id is uuid');
SELECT col_is_pk('truck_accept', 'orders', 'id', 'orders.id is the primary key');
SELECT col_default_is('truck_accept', 'orders', 'id', 'gen_random_uuid()',
	'orders.id defaults to gen_random_uuid()');

SELECT has_column('truck_accept', 'orders', 'trucks_needed', 'orders.trucks_needed exists');
SELECT col_type_is('truck_accept', 'orders', 'trucks_needed', 'integer', 'orders.trucks_needed is integer');
SELECT col_not_null('truck_accept', 'orders', 'trucks_needed', 'orders.trucks_needed is NOT NULL');
SELECT col_hasnt_default('truck_accept', 'orders', 'trucks_needed', 'orders.trucks_needed has no default');

SELECT has_column('truck_accept', 'orders', 'trucks_filled', 'orders.trucks_filled exists');
SELECT col_type_is('truck_accept', 'orders', 'trucks_filled', 'integer', 'orders.trucks_filled is integer');
SELECT col_not_null('truck_accept', 'orders', 'trucks_filled', 'orders.trucks_filled is NOT NULL');
SELECT col_default_is('truck_accept', 'orders', 'trucks_filled', 0, 'orders.trucks_filled defaults to 0');

SELECT has_column('truck_accept', 'orders', 'status', 'orders.status exists');
SELECT col_type_is('truck_accept', 'orders', 'status', 'text', 'orders.status is text');
SELECT col_not_null('truck_accept', 'orders', 'status', 'orders.status is NOT NULL');
SELECT col_default_is('truck_accept', 'orders', 'status', 'searching'::text,
	'orders.status defaults to searching');

-- ---------------------------------------------------------------------------
-- truck_requests
-- ---------------------------------------------------------------------------
SELECT has_column('truck_accept', 'truck_requests', 'id', 'truck_requests.id exists');
SELECT col_type_is('truck_accept', 'truck_requests', 'id', 'uuid', 'truck_requests.id is uuid');
SELECT col_is_pk('truck_accept', 'truck_requests', 'id', 'truck_requests.id is the primary key');

SELECT has_column('truck_accept', 'truck_requests', 'order_id', 'truck_requests.order_id exists');
SELECT col_type_is('truck_accept', 'truck_requests', 'order_id', 'uuid', 'truck_requests.order_id is uuid');
SELECT col_not_null('truck_accept', 'truck_requests', 'order_id', 'truck_requests.order_id is NOT NULL');
SELECT fk_ok('truck_accept', 'truck_requests', 'order_id', 'truck_accept', 'orders', 'id',
	'truck_requests.order_id references orders.id');

SELECT has_column('truck_accept', 'truck_requests', 'vehicle_type', 'truck_requests.vehicle_type exists');
SELECT col_type_is('truck_accept', 'truck_requests', 'vehicle_type', 'text', 'truck_requests.vehicle_type is text');
SELECT col_not_null('truck_accept', 'truck_requests', 'vehicle_type', 'truck_requests.vehicle_type is NOT NULL');

SELECT has_column('truck_accept', 'truck_requests', 'status', 'truck_requests.status exists');
SELECT col_type_is('truck_accept', 'truck_requests', 'status', 'text', 'truck_requests.status is text');
SELECT col_not_null('truck_accept', 'truck_requests', 'status', 'truck_requests.status is NOT NULL');
SELECT col_default_is('truck_accept', 'truck_requests', 'status', 'searching'::text,
	'truck_requests.status defaults to searching');

SELECT col_type_is('truck_accept', 'truck_requests', 'assigned_transporter_id', 'uuid',
	'truck_requests.assigned_transporter_id is uuid');
SELECT col_is_null('truck_accept', 'truck_requests', 'assigned_transporter_id',
	'truck_requests.assigned_transporter_id is nullable');
SELECT col_type_is('truck_accept', 'truck_requests', 'assigned_vehicle_id', 'uuid',
	'truck_requests.assigned_vehicle_id is uuid');
SELECT col_is_null('truck_accept', 'truck_requests', 'assigned_vehicle_id',
	'truck_requests.assigned_vehicle_id is nullable');
SELECT col_type_is('truck_accept', 'truck_requests', 'assigned_driver_id', 'uuid',
	'truck_requests.assigned_driver_id is uuid');
SELECT col_is_null('truck_accept', 'truck_requests', 'assigned_driver_id',
	'truck_requests.assigned_driver_id is nullable');
SELECT col_type_is('truck_accept', 'truck_requests', 'assigned_at', 'timestamp with time zone',
	'truck_requests.assigned_at is timestamptz');
SELECT col_is_null('truck_accept', 'truck_requests', 'assigned_at',
	'truck_requests.assigned_at is nullable');
SELECT col_type_is('truck_accept', 'truck_requests', 'expires_at', 'timestamp with time zone',
	'truck_requests.expires_at is timestamptz');
SELECT col_is_null('truck_accept', 'truck_requests', 'expires_at',
	'truck_requests.expires_at is nullable');

-- ---------------------------------------------------------------------------
-- vehicles
-- ---------------------------------------------------------------------------
SELECT has_column('truck_accept', 'vehicles', 'id', 'vehicles.id exists');
SELECT col_type_is('truck_accept', 'vehicles', 'id', 'uuid', 'vehicles.id is uuid');
SELECT col_is_pk('truck_accept', 'vehicles', 'id', 'vehicles.id is the primary key');

SELECT has_column('truck_accept', 'vehicles', 'transporter_id', 'vehicles.transporter_id exists');
SELECT col_type_is('truck_accept', 'vehicles', 'transporter_id', 'uuid', 'vehicles.transporter_id is uuid');
SELECT col_not_null('truck_accept', 'vehicles', 'transporter_id', 'vehicles.transporter_id is NOT NULL');

SELECT has_column('truck_accept', 'vehicles', 'vehicle_type', 'vehicles.vehicle_type exists');
SELECT col_type_is('truck_accept', 'vehicles', 'vehicle_type', 'text', 'vehicles.vehicle_type is text');
SELECT col_not_null('truck_accept', 'vehicles', 'vehicle_type', 'vehicles.vehicle_type is NOT NULL');

SELECT has_column('truck_accept', 'vehicles', 'status', 'vehicles.status exists');
SELECT col_type_is('truck_accept', 'vehicles', 'status', 'text', 'vehicles.status is text');
SELECT col_not_null('truck_accept', 'vehicles', 'status', 'vehicles.status is NOT NULL');
SELECT col_default_is('truck_accept', 'vehicles', 'status', 'available'::text,
	'vehicles.status defaults to available');

-- ---------------------------------------------------------------------------
-- drivers
-- ---------------------------------------------------------------------------
SELECT has_column('truck_accept', 'drivers', 'id', 'drivers.id exists');
SELECT col_type_is('truck_accept', 'drivers', 'id', 'uuid', 'drivers.id is uuid');
SELECT col_is_pk('truck_accept', 'drivers', 'id', 'drivers.id is the primary key');

SELECT has_column('truck_accept', 'drivers', 'transporter_id', 'drivers.transporter_id exists');
SELECT col_type_is('truck_accept', 'drivers', 'transporter_id', 'uuid', 'drivers.transporter_id is uuid');
SELECT col_not_null('truck_accept', 'drivers', 'transporter_id', 'drivers.transporter_id is NOT NULL');

SELECT has_column('truck_accept', 'drivers', 'status', 'drivers.status exists');
SELECT col_type_is('truck_accept', 'drivers', 'status', 'text', 'drivers.status is text');
SELECT col_not_null('truck_accept', 'drivers', 'status', 'drivers.status is NOT NULL');
SELECT col_default_is('truck_accept', 'drivers', 'status', 'available'::text,
	'drivers.status defaults to available');

-- ---------------------------------------------------------------------------
-- assignments
-- ---------------------------------------------------------------------------
SELECT has_column('truck_accept', 'assignments', 'id', 'assignments.id exists');
SELECT col_type_is('truck_accept', 'assignments', 'id', 'uuid', 'assignments.id is uuid');
SELECT col_is_pk('truck_accept', 'assignments', 'id', 'assignments.id is the primary key');

SELECT has_column('truck_accept', 'assignments', 'truck_request_id', 'assignments.truck_request_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'truck_request_id', 'uuid', 'assignments.truck_request_id is uuid');
SELECT col_not_null('truck_accept', 'assignments', 'truck_request_id', 'assignments.truck_request_id is NOT NULL');
SELECT fk_ok('truck_accept', 'assignments', 'truck_request_id', 'truck_accept', 'truck_requests', 'id',
	'assignments.truck_request_id references truck_requests.id');

SELECT has_column('truck_accept', 'assignments', 'order_id', 'assignments.order_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'order_id', 'uuid', 'assignments.order_id is uuid');
SELECT col_not_null('truck_accept', 'assignments', 'order_id', 'assignments.order_id is NOT NULL');
SELECT fk_ok('truck_accept', 'assignments', 'order_id', 'truck_accept', 'orders', 'id',
	'assignments.order_id references orders.id');

SELECT has_column('truck_accept', 'assignments', 'transporter_id', 'assignments.transporter_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'transporter_id', 'uuid', 'assignments.transporter_id is uuid');
SELECT col_not_null('truck_accept', 'assignments', 'transporter_id', 'assignments.transporter_id is NOT NULL');

SELECT has_column('truck_accept', 'assignments', 'vehicle_id', 'assignments.vehicle_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'vehicle_id', 'uuid', 'assignments.vehicle_id is uuid');
SELECT col_not_null('truck_accept', 'assignments', 'vehicle_id', 'assignments.vehicle_id is NOT NULL');
SELECT fk_ok('truck_accept', 'assignments', 'vehicle_id', 'truck_accept', 'vehicles', 'id',
	'assignments.vehicle_id references vehicles.id');

SELECT has_column('truck_accept', 'assignments', 'driver_id', 'assignments.driver_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'driver_id', 'uuid', 'assignments.driver_id is uuid');
SELECT col_is_null('truck_accept', 'assignments', 'driver_id', 'assignments.driver_id is nullable');
SELECT fk_ok('truck_accept', 'assignments', 'driver_id', 'truck_accept', 'drivers', 'id',
	'assignments.driver_id references drivers.id');

SELECT has_column('truck_accept', 'assignments', 'trip_id', 'assignments.trip_id exists');
SELECT col_type_is('truck_accept', 'assignments', 'trip_id', 'uuid', 'assignments.trip_id is uuid');
SELECT col_not_null('truck_accept', 'assignments', 'trip_id', 'assignments.trip_id is NOT NULL');
SELECT col_is_unique('truck_accept', 'assignments', ARRAY['trip_id']::name[],
	'assignments.trip_id is UNIQUE');
SELECT col_default_is('truck_accept', 'assignments', 'trip_id', 'gen_random_uuid()',
	'assignments.trip_id defaults to gen_random_uuid()');

SELECT has_column('truck_accept', 'assignments', 'status', 'assignments.status exists');
SELECT col_type_is('truck_accept', 'assignments', 'status', 'text', 'assignments.status is text');
SELECT col_not_null('truck_accept', 'assignments', 'status', 'assignments.status is NOT NULL');
SELECT col_default_is('truck_accept', 'assignments', 'status', 'active'::text,
	'assignments.status defaults to active');

SELECT has_column('truck_accept', 'assignments', 'created_at', 'assignments.created_at exists');
SELECT col_type_is('truck_accept', 'assignments', 'created_at', 'timestamp with time zone',
	'assignments.created_at is timestamptz');
SELECT col_not_null('truck_accept', 'assignments', 'created_at', 'assignments.created_at is NOT NULL');
SELECT col_default_is('truck_accept', 'assignments', 'created_at', 'now()',
	'assignments.created_at defaults to now()');

-- Exactly these foreign keys, no more (e.g. transporter ids are not FKs).
SELECT results_eq(
	$$SELECT c.conrelid::regclass::text, a.attname::text COLLATE "default", c.confrelid::regclass::text
	    FROM pg_catalog.pg_constraint c
	    JOIN pg_catalog.pg_attribute a
	      ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
	   WHERE c.contype = 'f'
	     AND c.connamespace = 'truck_accept'::regnamespace
	   ORDER BY 1, 2$$,
	$$VALUES ('truck_accept.assignments', 'driver_id', 'truck_accept.drivers'),
	         ('truck_accept.assignments', 'order_id', 'truck_accept.orders'),
	         ('truck_accept.assignments', 'truck_request_id', 'truck_accept.truck_requests'),
	         ('truck_accept.assignments', 'vehicle_id', 'truck_accept.vehicles'),
	         ('truck_accept.truck_requests', 'order_id', 'truck_accept.orders')$$,
	'the extension has exactly the five contract foreign keys');

-- ---------------------------------------------------------------------------
-- The single-winner indexes: unique, on the right column, partial
-- ---------------------------------------------------------------------------
SELECT has_index('truck_accept', 'assignments', 'assignments_one_active_per_request',
	'truck_request_id'::name, 'index assignments_one_active_per_request on (truck_request_id)');
SELECT index_is_unique('truck_accept', 'assignments', 'assignments_one_active_per_request',
	'assignments_one_active_per_request is unique');
SELECT is_indexed('truck_accept', 'assignments', ARRAY['truck_request_id']::name[],
	'assignments.truck_request_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'truck_accept'::regnamespace
	    AND c.relname = 'assignments_one_active_per_request'),
	$$(status = 'active'::text)$$,
	'assignments_one_active_per_request covers only active assignments');

SELECT has_index('truck_accept', 'assignments', 'assignments_one_active_per_vehicle',
	'vehicle_id'::name, 'index assignments_one_active_per_vehicle on (vehicle_id)');
SELECT index_is_unique('truck_accept', 'assignments', 'assignments_one_active_per_vehicle',
	'assignments_one_active_per_vehicle is unique');
SELECT is_indexed('truck_accept', 'assignments', ARRAY['vehicle_id']::name[],
	'assignments.vehicle_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'truck_accept'::regnamespace
	    AND c.relname = 'assignments_one_active_per_vehicle'),
	$$(status = 'active'::text)$$,
	'assignments_one_active_per_vehicle covers only active assignments');

SELECT has_index('truck_accept', 'assignments', 'assignments_one_active_per_driver',
	'driver_id'::name, 'index assignments_one_active_per_driver on (driver_id)');
SELECT index_is_unique('truck_accept', 'assignments', 'assignments_one_active_per_driver',
	'assignments_one_active_per_driver is unique');
SELECT is_indexed('truck_accept', 'assignments', ARRAY['driver_id']::name[],
	'assignments.driver_id is indexed');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid)
	   FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	  WHERE c.relnamespace = 'truck_accept'::regnamespace
	    AND c.relname = 'assignments_one_active_per_driver'),
	$$((status = 'active'::text) AND (driver_id IS NOT NULL))$$,
	'assignments_one_active_per_driver covers only active assignments with a driver');

-- Each is a plain (non-deferrable) unique btree, so it is checked per row.
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", am.amname::text COLLATE "default", i.indisunique, i.indimmediate, i.indisvalid
	    FROM pg_catalog.pg_index i
	    JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	    JOIN pg_catalog.pg_am am ON am.oid = c.relam
	   WHERE i.indrelid = 'truck_accept.assignments'::regclass
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
SELECT isnt(pg_catalog.obj_description('truck_accept.orders'::regclass, 'pg_class'),
	NULL, 'orders has a comment');
SELECT isnt(pg_catalog.obj_description('truck_accept.truck_requests'::regclass, 'pg_class'),
	NULL, 'truck_requests has a comment');
SELECT isnt(pg_catalog.obj_description('truck_accept.vehicles'::regclass, 'pg_class'),
	NULL, 'vehicles has a comment');
SELECT isnt(pg_catalog.obj_description('truck_accept.drivers'::regclass, 'pg_class'),
	NULL, 'drivers has a comment');
SELECT isnt(pg_catalog.obj_description('truck_accept.assignments'::regclass, 'pg_class'),
	NULL, 'assignments has a comment');

-- ---------------------------------------------------------------------------
-- pg_dump keeps the rows: every table is an extension configuration table
-- ---------------------------------------------------------------------------
SELECT ok('truck_accept.orders'::regclass::oid = ANY (extconfig),
	'orders is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.truck_requests'::regclass::oid = ANY (extconfig),
	'truck_requests is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.vehicles'::regclass::oid = ANY (extconfig),
	'vehicles is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.drivers'::regclass::oid = ANY (extconfig),
	'drivers is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.assignments'::regclass::oid = ANY (extconfig),
	'assignments is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.events'::regclass::oid = ANY (extconfig),
	'events is registered with pg_extension_config_dump')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
SELECT ok('truck_accept.events_id_seq'::regclass::oid = ANY (extconfig),
	'events_id_seq is registered with pg_extension_config_dump (pg_dump keeps its value)')
  FROM pg_catalog.pg_extension WHERE extname = 'truck_accept';
-- Exactly these seven entries: the six tables and the events id sequence.
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default", c.relkind::text
	    FROM pg_catalog.pg_extension e, unnest(e.extconfig) x(oid)
	    JOIN pg_catalog.pg_class c ON c.oid = x.oid
	   WHERE e.extname = 'truck_accept'
	   ORDER BY 1$$,
	$$VALUES ('assignments', 'r'), ('drivers', 'r'), ('events', 'r'), ('events_id_seq', 'S'),
	         ('orders', 'r'), ('truck_requests', 'r'), ('vehicles', 'r')$$,
	'the configuration entries are exactly the six tables and events_id_seq');
SELECT is(
	(SELECT array_agg(c ORDER BY c) FROM pg_catalog.pg_extension e, unnest(e.extcondition) c
	  WHERE e.extname = 'truck_accept'),
	ARRAY['', '', '', '', '', '', '']::text[],
	'exactly seven configuration entries, each dumped whole (no filter condition)');

-- ---------------------------------------------------------------------------
-- Privileges: nothing for PUBLIC
-- ---------------------------------------------------------------------------
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
	  WHERE c.oid = 'truck_accept.orders'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on orders');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'truck_accept.truck_requests'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on truck_requests');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'truck_accept.vehicles'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on vehicles');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'truck_accept.drivers'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on drivers');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'truck_accept.assignments'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on assignments');

-- The same seen by a fresh role that was granted nothing (rolled back with
-- the rest of this file).
CREATE ROLE truck_accept_tap_nobody NOLOGIN;
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)', 'EXECUTE'),
	'a fresh role cannot execute accept_truck_request');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'truck_accept.orders',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on orders');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'truck_accept.truck_requests',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on truck_requests');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'truck_accept.vehicles',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on vehicles');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'truck_accept.drivers',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on drivers');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'truck_accept.assignments',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on assignments');

SELECT * FROM finish();
ROLLBACK;
