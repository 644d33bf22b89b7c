-- test/04_lifecycle_structure.sql: the shape of what truck_accept 1.1 added
-- (the lifecycle functions, their result types, the events table and its
-- sequence, the expiry index), and that the audit view survived the update.
-- The catalog is the contract; test/05_lifecycle.sql calls the functions.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;

BEGIN;
SELECT plan(139);

-- A fresh role that was granted nothing (rolled back with the rest).
CREATE ROLE truck_accept_tap_nobody NOLOGIN;

-- ---------------------------------------------------------------------------
-- The audit view is still there and, on an empty database, empty.
-- ---------------------------------------------------------------------------
SELECT has_view('truck_accept', 'invariant_violations', 'view invariant_violations exists');
SELECT results_eq(
	$$SELECT a.attname::text COLLATE "default", a.atttypid::regtype::text
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'truck_accept.invariant_violations'::regclass
	     AND a.attnum > 0 AND NOT a.attisdropped
	   ORDER BY a.attnum$$,
	$$VALUES ('invariant', 'text'), ('id', 'uuid'), ('detail', 'text')$$,
	'invariant_violations has the columns invariant text, id uuid, detail text');
SELECT is(
	(SELECT (SELECT count(*) FROM public.orders) + (SELECT count(*) FROM public.truck_requests)
	      + (SELECT count(*) FROM public.vehicles) + (SELECT count(*) FROM public.drivers)
	      + (SELECT count(*) FROM public.assignments) + (SELECT count(*) FROM public.events)),
	0::bigint, 'the database is empty: no row in any of the six tables');
SELECT is_empty('SELECT * FROM truck_accept.invariant_violations',
	'invariant_violations is empty on an empty database');

-- ---------------------------------------------------------------------------
-- The whole API: exactly these functions, and one result type
-- ---------------------------------------------------------------------------
SELECT functions_are('truck_accept',
	ARRAY['accept_truck_request', 'accept_any_truck_request', 'release_truck_request',
	      'cancel_order', 'expire_truck_requests', 'complete_assignment', 'take_events',
	      'create_tables', 'create_api', 'check_invariants', 'bound_tables_changed',
	      'bind', 'record_table', 'bound_relation', 'bind_check_table', 'bind_columns',
	      'bind_statuses', 'bind_check_inserts', 'bind_events', 'bind_no_drivers',
	      'bind_missing_invariants', 'bind_id_types', 'bound_id_type', 'audit_sql'],
	'schema truck_accept has exactly the seven API functions, create_tables, create_api, bind and its steps, record_table, the audit and its steps, and the catalog''s trigger');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc WHERE pronamespace = 'truck_accept'::regnamespace),
	24, 'none of the twenty-four functions is overloaded');

-- 2.2: the functions that take or return ids, with text ids, in a schema of
-- their own; every id column of their results is text
SELECT functions_are('truck_accept_text',
	ARRAY['accept_truck_request', 'accept_any_truck_request', 'release_truck_request',
	      'cancel_order', 'complete_assignment', 'take_events', 'check_invariants'],
	'schema truck_accept_text has the six functions with ids and the audit');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc WHERE pronamespace = 'truck_accept_text'::regnamespace),
	7, 'none of the seven is overloaded');
SELECT is_empty(
	$$SELECT p.oid::regprocedure, t.typ
	    FROM pg_catalog.pg_proc p,
	         LATERAL pg_catalog.unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) t(typ)
	   WHERE p.pronamespace = 'truck_accept_text'::regnamespace
	     AND t.typ = 'uuid'::regtype$$,
	'no function of truck_accept_text takes or returns a uuid');
SELECT is_empty(
	$$SELECT a.attrelid::regclass, a.attname
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid IN ('truck_accept_text.accept_any_result'::regclass,
	                        'truck_accept_text.event'::regclass)
	     AND a.attnum > 0 AND a.atttypid = 'uuid'::regtype$$,
	'the result types of truck_accept_text have no uuid column');
SELECT results_eq(
	$$SELECT p.proname::text COLLATE "default", p.prosrc::text COLLATE "default"
	    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
	   WHERE p.pronamespace = 'truck_accept_text'::regnamespace AND l.lanname = 'c'
	   ORDER BY 1$$,
	$$VALUES ('accept_any_truck_request', 'accept_any_truck_request_text'),
	         ('accept_truck_request', 'accept_truck_request_text'),
	         ('cancel_order', 'cancel_order_text'),
	         ('complete_assignment', 'complete_assignment_text'),
	         ('release_truck_request', 'release_truck_request_text'),
	         ('take_events', 'take_events_text')$$,
	'each C function of truck_accept_text calls the text symbol of its namesake');

SELECT has_composite('truck_accept', 'accept_any_result', 'composite type accept_any_result exists');
SELECT results_eq(
	$$SELECT a.attnum::int, a.attname::text COLLATE "default", a.atttypid::regtype::text
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'truck_accept.accept_any_result'::regclass
	     AND a.attnum > 0 AND NOT a.attisdropped
	   ORDER BY a.attnum$$,
	$$VALUES (1, 'outcome', 'text'), (2, 'accepted', 'boolean'), (3, 'assignment_id', 'uuid'),
	         (4, 'trip_id', 'uuid'), (5, 'order_id', 'uuid'), (6, 'trucks_filled', 'integer'),
	         (7, 'trucks_needed', 'integer'), (8, 'order_status', 'text'), (9, 'message', 'text'),
	         (10, 'request_id', 'uuid')$$,
	'accept_any_result: accept''s nine result columns in accept''s order, then request_id');
-- accept_any_result is accept_truck_request's OUT columns plus request_id.
SELECT results_eq(
	$$SELECT a.attname::text COLLATE "default", a.atttypid
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'truck_accept.accept_any_result'::regclass
	     AND a.attnum BETWEEN 1 AND 9
	   ORDER BY a.attnum$$,
	$$SELECT x.name COLLATE "default", x.typ
	    FROM pg_catalog.pg_proc p,
	         unnest(p.proargmodes, p.proargnames, p.proallargtypes)
	             WITH ORDINALITY AS x(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.accept_truck_request(uuid, uuid, uuid, uuid)'::regprocedure
	     AND x.mode = 'o'
	   ORDER BY x.ord$$,
	'accept_any_result''s first nine columns are exactly accept_truck_request''s result columns');

-- ---------------------------------------------------------------------------
-- accept_any_truck_request(uuid, uuid, uuid, uuid) RETURNS accept_any_result
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'accept_any_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_any_truck_request(uuid, uuid, uuid, uuid) exists');
SELECT function_lang_is('truck_accept', 'accept_any_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'c', 'accept_any_truck_request is written in C');
SELECT volatility_is('truck_accept', 'accept_any_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'volatile', 'accept_any_truck_request is VOLATILE');
SELECT isnt_strict('truck_accept', 'accept_any_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_any_truck_request is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'accept_any_truck_request', ARRAY['uuid', 'uuid', 'uuid', 'uuid'],
	'accept_any_truck_request is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'u', 'accept_any_truck_request is PARALLEL UNSAFE');
SELECT results_eq(
	$$SELECT prorettype::regtype::text, proretset
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure$$,
	$$VALUES ('truck_accept.accept_any_result', false)$$,
	'accept_any_truck_request returns one truck_accept.accept_any_result, not a set');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'order_id', 'uuid'), (2, 'i', 'transporter_id', 'uuid'),
	         (3, 'i', 'vehicle_id', 'uuid'), (4, 'i', 'driver_id', 'uuid')$$,
	'accept_any_truck_request takes order_id, transporter_id, vehicle_id, driver_id, in order (no OUT arguments)');
SELECT is(
	pg_catalog.pg_get_function_arguments(
		'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'order_id uuid, transporter_id uuid, vehicle_id uuid, driver_id uuid DEFAULT NULL::uuid',
	'accept_any_truck_request: only driver_id has a default, NULL');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure),
	'accept_any_truck_request / $libdir/truck_accept',
	'accept_any_truck_request is the C symbol accept_any_truck_request in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description(
		'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure, 'pg_proc'),
	NULL, 'accept_any_truck_request has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on accept_any_truck_request');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)', 'EXECUTE'),
	'a fresh role cannot execute accept_any_truck_request');

-- ---------------------------------------------------------------------------
-- release_truck_request(uuid, uuid) RETURNS record
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'release_truck_request', ARRAY['uuid', 'uuid'],
	'release_truck_request(uuid, uuid) exists');
SELECT function_lang_is('truck_accept', 'release_truck_request', ARRAY['uuid', 'uuid'],
	'c', 'release_truck_request is written in C');
SELECT volatility_is('truck_accept', 'release_truck_request', ARRAY['uuid', 'uuid'],
	'volatile', 'release_truck_request is VOLATILE');
SELECT isnt_strict('truck_accept', 'release_truck_request', ARRAY['uuid', 'uuid'],
	'release_truck_request is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'release_truck_request', ARRAY['uuid', 'uuid'],
	'release_truck_request is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.release_truck_request(uuid, uuid)'::regprocedure),
	'u', 'release_truck_request is PARALLEL UNSAFE');
SELECT results_eq(
	$$SELECT prorettype::regtype::text, proretset, pronargdefaults::int
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.release_truck_request(uuid, uuid)'::regprocedure$$,
	$$VALUES ('record', false, 0)$$,
	'release_truck_request returns one record, not a set, and has no argument default');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.release_truck_request(uuid, uuid)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'request_id', 'uuid'),
	         (2, 'i', 'transporter_id', 'uuid'),
	         (3, 'o', 'outcome', 'text'),
	         (4, 'o', 'released', 'boolean'),
	         (5, 'o', 'assignment_id', 'uuid'),
	         (6, 'o', 'order_id', 'uuid'),
	         (7, 'o', 'trucks_filled', 'integer'),
	         (8, 'o', 'trucks_needed', 'integer'),
	         (9, 'o', 'order_status', 'text'),
	         (10, 'o', 'message', 'text')$$,
	'release_truck_request has the contract arguments and result columns, in order');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.release_truck_request(uuid, uuid)'::regprocedure),
	'release_truck_request / $libdir/truck_accept',
	'release_truck_request is the C symbol release_truck_request in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description(
		'truck_accept.release_truck_request(uuid, uuid)'::regprocedure, 'pg_proc'),
	NULL, 'release_truck_request has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.release_truck_request(uuid, uuid)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on release_truck_request');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.release_truck_request(uuid, uuid)', 'EXECUTE'),
	'a fresh role cannot execute release_truck_request');

-- ---------------------------------------------------------------------------
-- cancel_order(uuid) RETURNS record
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'cancel_order', ARRAY['uuid'], 'cancel_order(uuid) exists');
SELECT function_lang_is('truck_accept', 'cancel_order', ARRAY['uuid'],
	'c', 'cancel_order is written in C');
SELECT volatility_is('truck_accept', 'cancel_order', ARRAY['uuid'],
	'volatile', 'cancel_order is VOLATILE');
SELECT isnt_strict('truck_accept', 'cancel_order', ARRAY['uuid'],
	'cancel_order is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'cancel_order', ARRAY['uuid'],
	'cancel_order is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.cancel_order(uuid)'::regprocedure),
	'u', 'cancel_order is PARALLEL UNSAFE');
SELECT results_eq(
	$$SELECT prorettype::regtype::text, proretset, pronargdefaults::int
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.cancel_order(uuid)'::regprocedure$$,
	$$VALUES ('record', false, 0)$$,
	'cancel_order returns one record, not a set, and has no argument default');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.cancel_order(uuid)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'order_id', 'uuid'),
	         (2, 'o', 'outcome', 'text'),
	         (3, 'o', 'cancelled', 'boolean'),
	         (4, 'o', 'requests_cancelled', 'integer'),
	         (5, 'o', 'assignments_cancelled', 'integer'),
	         (6, 'o', 'order_status', 'text'),
	         (7, 'o', 'message', 'text')$$,
	'cancel_order has the contract argument and result columns, in order');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.cancel_order(uuid)'::regprocedure),
	'cancel_order / $libdir/truck_accept',
	'cancel_order is the C symbol cancel_order in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description('truck_accept.cancel_order(uuid)'::regprocedure, 'pg_proc'),
	NULL, 'cancel_order has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.cancel_order(uuid)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on cancel_order');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.cancel_order(uuid)', 'EXECUTE'),
	'a fresh role cannot execute cancel_order');

-- ---------------------------------------------------------------------------
-- expire_truck_requests(timestamptz DEFAULT now()) RETURNS integer
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'expire_truck_requests(timestamptz) exists');
SELECT function_lang_is('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'c', 'expire_truck_requests is written in C');
SELECT volatility_is('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'volatile', 'expire_truck_requests is VOLATILE');
SELECT isnt_strict('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'expire_truck_requests is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'expire_truck_requests is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.expire_truck_requests(timestamptz)'::regprocedure),
	'u', 'expire_truck_requests is PARALLEL UNSAFE');
SELECT function_returns('truck_accept', 'expire_truck_requests', ARRAY['timestamp with time zone'],
	'integer', 'expire_truck_requests returns integer');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.expire_truck_requests(timestamptz)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'as_of', 'timestamp with time zone')$$,
	'expire_truck_requests takes one argument, as_of timestamptz (no OUT arguments)');
SELECT results_eq(
	$$SELECT pronargdefaults::int,
	         pg_catalog.pg_get_function_arg_default(oid, 1)
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.expire_truck_requests(timestamptz)'::regprocedure$$,
	$$VALUES (1, 'now()')$$,
	'expire_truck_requests: as_of defaults to now()');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.expire_truck_requests(timestamptz)'::regprocedure),
	'expire_truck_requests / $libdir/truck_accept',
	'expire_truck_requests is the C symbol expire_truck_requests in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description(
		'truck_accept.expire_truck_requests(timestamptz)'::regprocedure, 'pg_proc'),
	NULL, 'expire_truck_requests has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.expire_truck_requests(timestamptz)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on expire_truck_requests');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.expire_truck_requests(timestamptz)', 'EXECUTE'),
	'a fresh role cannot execute expire_truck_requests');

-- ---------------------------------------------------------------------------
-- complete_assignment(uuid) RETURNS record
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'complete_assignment', ARRAY['uuid'],
	'complete_assignment(uuid) exists');
SELECT function_lang_is('truck_accept', 'complete_assignment', ARRAY['uuid'],
	'c', 'complete_assignment is written in C');
SELECT volatility_is('truck_accept', 'complete_assignment', ARRAY['uuid'],
	'volatile', 'complete_assignment is VOLATILE');
SELECT isnt_strict('truck_accept', 'complete_assignment', ARRAY['uuid'],
	'complete_assignment is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'complete_assignment', ARRAY['uuid'],
	'complete_assignment is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.complete_assignment(uuid)'::regprocedure),
	'u', 'complete_assignment is PARALLEL UNSAFE');
SELECT results_eq(
	$$SELECT prorettype::regtype::text, proretset, pronargdefaults::int
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.complete_assignment(uuid)'::regprocedure$$,
	$$VALUES ('record', false, 0)$$,
	'complete_assignment returns one record, not a set, and has no argument default');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.complete_assignment(uuid)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'assignment_id', 'uuid'),
	         (2, 'o', 'outcome', 'text'),
	         (3, 'o', 'completed', 'boolean'),
	         (4, 'o', 'request_id', 'uuid'),
	         (5, 'o', 'order_id', 'uuid'),
	         (6, 'o', 'order_status', 'text'),
	         (7, 'o', 'message', 'text')$$,
	'complete_assignment has the contract argument and result columns, in order');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.complete_assignment(uuid)'::regprocedure),
	'complete_assignment / $libdir/truck_accept',
	'complete_assignment is the C symbol complete_assignment in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description('truck_accept.complete_assignment(uuid)'::regprocedure, 'pg_proc'),
	NULL, 'complete_assignment has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.complete_assignment(uuid)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on complete_assignment');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.complete_assignment(uuid)', 'EXECUTE'),
	'a fresh role cannot execute complete_assignment');

-- ---------------------------------------------------------------------------
-- take_events(integer) RETURNS SETOF events
-- ---------------------------------------------------------------------------
SELECT has_function('truck_accept', 'take_events', ARRAY['integer'], 'take_events(integer) exists');
SELECT function_lang_is('truck_accept', 'take_events', ARRAY['integer'],
	'c', 'take_events is written in C');
SELECT volatility_is('truck_accept', 'take_events', ARRAY['integer'],
	'volatile', 'take_events is VOLATILE');
SELECT isnt_strict('truck_accept', 'take_events', ARRAY['integer'],
	'take_events is CALLED ON NULL INPUT (not STRICT)');
SELECT isnt_definer('truck_accept', 'take_events', ARRAY['integer'],
	'take_events is SECURITY INVOKER');
SELECT is(
	(SELECT proparallel::text FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.take_events(integer)'::regprocedure),
	'u', 'take_events is PARALLEL UNSAFE');
SELECT results_eq(
	$$SELECT prorettype::regtype::text, proretset, prorows::int, pronargdefaults::int
	    FROM pg_catalog.pg_proc
	   WHERE oid = 'truck_accept.take_events(integer)'::regprocedure$$,
	$$VALUES ('truck_accept.event', true, 100, 0)$$,
	'take_events returns SETOF truck_accept.event (ROWS 100), and max_count has no default');
SELECT results_eq(
	$$SELECT a.attname::text COLLATE "default", a.atttypid::regtype::text
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'truck_accept.event'::regclass AND a.attnum > 0 ORDER BY a.attnum$$,
	$$SELECT a.attname::text COLLATE "default", a.atttypid::regtype::text
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'public.events'::regclass AND a.attnum > 0 ORDER BY a.attnum$$,
	'take_events'' row type has the columns of the events table');
SELECT results_eq(
	$$SELECT a.ord::int, a.mode::text, a.name COLLATE "default", a.typ::regtype::text
	    FROM pg_catalog.pg_proc p,
	         unnest(coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[p.pronargs::int])),
	                p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]))
	             WITH ORDINALITY AS a(mode, name, typ, ord)
	   WHERE p.oid = 'truck_accept.take_events(integer)'::regprocedure
	   ORDER BY a.ord$$,
	$$VALUES (1, 'i', 'max_count', 'integer')$$,
	'take_events takes one argument, max_count integer (no OUT arguments)');
SELECT is(
	(SELECT prosrc || ' / ' || probin FROM pg_catalog.pg_proc
	  WHERE oid = 'truck_accept.take_events(integer)'::regprocedure),
	'take_events / $libdir/truck_accept',
	'take_events is the C symbol take_events in $libdir/truck_accept');
SELECT isnt(pg_catalog.obj_description('truck_accept.take_events(integer)'::regprocedure, 'pg_proc'),
	NULL, 'take_events has a comment');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_proc p,
	        pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) x
	  WHERE p.oid = 'truck_accept.take_events(integer)'::regprocedure
	    AND x.grantee = 0),
	0, 'PUBLIC has no privilege (no EXECUTE) on take_events');
SELECT ok(NOT pg_catalog.has_function_privilege('truck_accept_tap_nobody',
		'truck_accept.take_events(integer)', 'EXECUTE'),
	'a fresh role cannot execute take_events');

-- ---------------------------------------------------------------------------
-- events: columns, key, check, sequence
-- ---------------------------------------------------------------------------
SELECT has_table('public', 'events', 'table events exists');
SELECT results_eq(
	$$SELECT a.attname::text COLLATE "default"
	    FROM pg_catalog.pg_attribute a
	   WHERE a.attrelid = 'public.events'::regclass AND a.attnum > 0 AND NOT a.attisdropped
	   ORDER BY a.attnum$$,
	$$VALUES ('id'), ('event_type'), ('order_id'), ('request_id'), ('assignment_id'),
	         ('transporter_id'), ('payload'), ('created_at')$$,
	'events has exactly its eight columns, in order (take_events returns them so)');

SELECT col_type_is('public', 'events', 'id', 'bigint', 'events.id is bigint');
SELECT col_not_null('public', 'events', 'id', 'events.id is NOT NULL');
SELECT col_is_pk('public', 'events', 'id', 'events.id is the primary key');
SELECT col_default_is('public', 'events', 'id',
	$$nextval('events_id_seq'::regclass)$$,
	'events.id defaults to nextval(events_id_seq)');

SELECT col_type_is('public', 'events', 'event_type', 'text', 'events.event_type is text');
SELECT col_not_null('public', 'events', 'event_type', 'events.event_type is NOT NULL');
SELECT col_hasnt_default('public', 'events', 'event_type', 'events.event_type has no default');

SELECT col_type_is('public', 'events', 'order_id', 'uuid', 'events.order_id is uuid');
SELECT col_is_null('public', 'events', 'order_id', 'events.order_id is nullable');
SELECT col_hasnt_default('public', 'events', 'order_id', 'events.order_id has no default');

SELECT col_type_is('public', 'events', 'request_id', 'uuid', 'events.request_id is uuid');
SELECT col_is_null('public', 'events', 'request_id', 'events.request_id is nullable');
SELECT col_hasnt_default('public', 'events', 'request_id', 'events.request_id has no default');

SELECT col_type_is('public', 'events', 'assignment_id', 'uuid', 'events.assignment_id is uuid');
SELECT col_is_null('public', 'events', 'assignment_id', 'events.assignment_id is nullable');
SELECT col_hasnt_default('public', 'events', 'assignment_id', 'events.assignment_id has no default');

SELECT col_type_is('public', 'events', 'transporter_id', 'uuid', 'events.transporter_id is uuid');
SELECT col_is_null('public', 'events', 'transporter_id', 'events.transporter_id is nullable');
SELECT col_hasnt_default('public', 'events', 'transporter_id', 'events.transporter_id has no default');

SELECT col_type_is('public', 'events', 'payload', 'jsonb', 'events.payload is jsonb');
SELECT col_not_null('public', 'events', 'payload', 'events.payload is NOT NULL');
SELECT col_hasnt_default('public', 'events', 'payload', 'events.payload has no default');

SELECT col_type_is('public', 'events', 'created_at', 'timestamp with time zone',
	'events.created_at is timestamptz');
SELECT col_not_null('public', 'events', 'created_at', 'events.created_at is NOT NULL');
SELECT col_default_is('public', 'events', 'created_at', 'now()',
	'events.created_at defaults to now()');

-- Exactly one key (the PK, events_pkey) and no foreign key: an event outlives
-- nothing it names, and appending one never locks another table's row.
-- (NOT NULL, which PostgreSQL 18 also records in pg_constraint as contype
-- 'n', is checked column by column above.)
SELECT results_eq(
	$$SELECT c.conname::text COLLATE "default", c.contype::text
	    FROM pg_catalog.pg_constraint c
	   WHERE c.conrelid = 'public.events'::regclass
	     AND c.contype <> 'n'
	   ORDER BY 1$$,
	$$VALUES ('events_event_type_check', 'c'), ('events_pkey', 'p')$$,
	'events has exactly two constraints besides NOT NULL: events_pkey and events_event_type_check');
SELECT col_has_check('public', 'events', 'event_type',
	'events.event_type has a CHECK constraint');

-- The sequence behind events.id
SELECT has_sequence('public', 'events_id_seq', 'sequence events_id_seq exists');
SELECT is(pg_catalog.pg_get_serial_sequence('public.events', 'id'),
	'public.events_id_seq', 'events_id_seq is owned by events.id (bigserial)');
SELECT is(
	(SELECT seqtypid::regtype::text FROM pg_catalog.pg_sequence
	  WHERE seqrelid = 'public.events_id_seq'::regclass),
	'bigint', 'events_id_seq is a bigint sequence');

-- ---------------------------------------------------------------------------
-- events: comment, pg_dump, privileges
-- ---------------------------------------------------------------------------
SELECT isnt(pg_catalog.obj_description('public.events'::regclass, 'pg_class'),
	NULL, 'events has a comment');
-- The events table and its sequence are the application's (2.0): pg_dump
-- dumps them with the next id like any table; the catalog records the table.
SELECT is(
	(SELECT b.relid FROM truck_accept.bound_tables b WHERE b.kind = 'events'),
	'public.events'::regclass, 'the catalog records public.events as the events table');
SELECT is(
	(SELECT pg_catalog.pg_get_serial_sequence('public.events', 'id')),
	'public.events_id_seq', 'events_id_seq belongs to events.id, so pg_dump keeps its value with the table');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) x
	  WHERE c.oid = 'public.events'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on events');
SELECT is(
	(SELECT count(*)::int FROM pg_catalog.pg_class c,
	        pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('s', c.relowner))) x
	  WHERE c.oid = 'public.events_id_seq'::regclass AND x.grantee = 0),
	0, 'PUBLIC has no privilege on events_id_seq');
SELECT ok(NOT pg_catalog.has_table_privilege('truck_accept_tap_nobody', 'public.events',
		'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'),
	'a fresh role has no privilege on events');
SELECT ok(NOT pg_catalog.has_sequence_privilege('truck_accept_tap_nobody', 'public.events_id_seq',
		'USAGE, SELECT, UPDATE'),
	'a fresh role has no privilege on events_id_seq');

-- ---------------------------------------------------------------------------
-- The expiry index: expires_at of searching requests only
-- ---------------------------------------------------------------------------
SELECT has_index('public', 'truck_requests', 'truck_requests_searching_expires_at_idx',
	'expires_at'::name, 'index truck_requests_searching_expires_at_idx on (expires_at)');
SELECT index_is_type('public', 'truck_requests', 'truck_requests_searching_expires_at_idx',
	'btree', 'truck_requests_searching_expires_at_idx is a btree');
SELECT is(
	(SELECT i.indisunique FROM pg_catalog.pg_index i
	  WHERE i.indexrelid = 'public.truck_requests_searching_expires_at_idx'::regclass),
	false, 'truck_requests_searching_expires_at_idx is not unique');
SELECT is(
	(SELECT pg_catalog.pg_get_expr(i.indpred, i.indrelid) FROM pg_catalog.pg_index i
	  WHERE i.indexrelid = 'public.truck_requests_searching_expires_at_idx'::regclass),
	$$(status = 'searching'::text)$$,
	'truck_requests_searching_expires_at_idx covers only searching requests');
SELECT results_eq(
	$$SELECT c.relname::text COLLATE "default",
	         pg_catalog.pg_get_expr(i.indpred, i.indrelid) COLLATE "default"
	    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
	   WHERE i.indrelid = 'public.truck_requests'::regclass
	   ORDER BY 1$$,
	$$VALUES ('truck_requests_order_id_idx', NULL::text),
	         ('truck_requests_order_searching_idx', '(status = ''searching''::text)'),
	         ('truck_requests_pkey', NULL),
	         ('truck_requests_searching_expires_at_idx', '(status = ''searching''::text)')$$,
	'truck_requests has exactly its pkey, the order_id index and the partial expiry and order-searching indexes');

-- ---------------------------------------------------------------------------
-- The events CHECK: the eight event types, nothing else (writes rolled back)
-- ---------------------------------------------------------------------------
SELECT lives_ok(
	$$INSERT INTO public.events (event_type, payload)
	  SELECT t, '{}'::jsonb
	    FROM unnest(ARRAY['accepted', 'released', 'order_cancelled', 'assignment_cancelled',
	                      'request_expired', 'order_expired', 'assignment_completed',
	                      'order_completed']) AS t$$,
	'events: each of the eight event types is accepted');
SELECT throws_ok(
	$$INSERT INTO public.events (event_type, payload) VALUES ('shipped', '{}')$$,
	'23514', 'new row for relation "events" violates check constraint "events_event_type_check"',
	'events: an unknown event_type is refused');
SELECT throws_ok(
	$$INSERT INTO public.events (event_type, payload) VALUES ('Accepted', '{}')$$,
	'23514', 'new row for relation "events" violates check constraint "events_event_type_check"',
	'events: event types are case-sensitive');
SELECT throws_ok(
	$$INSERT INTO public.events (event_type, payload) VALUES (NULL, '{}')$$,
	'23502', 'null value in column "event_type" of relation "events" violates not-null constraint',
	'events: a NULL event_type is refused');
SELECT throws_ok(
	$$INSERT INTO public.events (event_type) VALUES ('accepted')$$,
	'23502', 'null value in column "payload" of relation "events" violates not-null constraint',
	'events: an event without a payload is refused');
SELECT throws_ok(
	$$INSERT INTO public.events (id, event_type, payload)
	  SELECT min(id), 'accepted', '{}' FROM public.events$$,
	'23505', 'duplicate key value violates unique constraint "events_pkey"',
	'events: a duplicate id is refused');

SELECT * FROM finish();
ROLLBACK;
