/* truck_accept--2.0.sql: the functions of truck_accept 2.0, and the catalog of the tables they work on */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION truck_accept" to load this file. \quit

/*
 * From 2.0 on the extension owns only its machinery: functions, types, the
 * audit view and the catalog below.  The business tables (orders,
 * truck_requests, vehicles, drivers, assignments, events) belong to the
 * application: truck_accept.create_tables() creates them as ordinary tables
 * owned by its caller, so pg_dump dumps them whole (with any column, index,
 * trigger or policy the application adds) and DROP EXTENSION never removes
 * a row of them.
 *
 * Every function in a default, a view or a function body is spelled
 * pg_catalog.*, so that nothing on a caller's search_path can stand in for
 * it.
 */

-- The catalog: which table is which.  pg_dump keeps its rows.
CREATE TABLE truck_accept.bound_tables (
	kind text PRIMARY KEY,
	relid pg_catalog.regclass NOT NULL UNIQUE,
	CONSTRAINT bound_tables_kind_check
		CHECK (kind IN ('orders', 'truck_requests', 'vehicles', 'drivers',
						'assignments', 'events'))
);
COMMENT ON TABLE truck_accept.bound_tables IS
	'the tables truck_accept works on, one per kind; filled by create_tables()';
SELECT pg_catalog.pg_extension_config_dump('truck_accept.bound_tables', '');

-- Every backend finds the tables again after any change of the catalog.
CREATE FUNCTION truck_accept.bound_tables_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'bound_tables_changed'
LANGUAGE C;
CREATE TRIGGER bound_tables_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON truck_accept.bound_tables
	FOR EACH STATEMENT EXECUTE FUNCTION truck_accept.bound_tables_changed();

CREATE FUNCTION truck_accept.create_tables(target_schema name DEFAULT 'public')
RETURNS void
AS 'MODULE_PATHNAME', 'create_tables'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION truck_accept.create_tables(name) IS
	'create the tables orders, truck_requests, vehicles, drivers, assignments and events in target_schema, owned by the caller, and record them as the tables truck_accept works on';

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

-- What take_events() returns: the columns of the events table.
CREATE TYPE truck_accept.event AS (
	id bigint,
	event_type text,
	order_id uuid,
	request_id uuid,
	assignment_id uuid,
	transporter_id uuid,
	payload jsonb,
	created_at timestamptz
);

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
AS 'MODULE_PATHNAME', 'accept_truck_request_1_1'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) IS
	'accept a truck request for a transporter''s vehicle (and driver), atomically under row locks; returns one row with the outcome';

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
RETURNS SETOF truck_accept.event
AS 'MODULE_PATHNAME', 'take_events'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 100;
COMMENT ON FUNCTION truck_accept.take_events(integer) IS
	'hand up to max_count of the oldest events to this consumer, exactly once: removed in the consumer''s transaction, skipping those another consumer holds';

/*
 * The audit: every way the recorded tables can disagree with each other, one
 * row per violation; empty when all is well.  It reads the tables with the
 * caller's privileges, under a pinned search_path, naming them as the
 * catalog records them (regclass output is qualified and quoted).
 */
CREATE FUNCTION truck_accept.check_invariants(
	OUT invariant text, OUT id uuid, OUT detail text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	t text[];
	k text;
BEGIN
	FOREACH k IN ARRAY ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments']
	LOOP
		-- NULL for a kind not recorded, or recorded as a table since dropped
		t := t OPERATOR(pg_catalog.||) (
			SELECT c.oid::pg_catalog.regclass::text
			FROM truck_accept.bound_tables b
				 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) b.relid
			WHERE b.kind OPERATOR(pg_catalog.=) k);
		IF t[pg_catalog.array_length(t, 1)] IS NULL THEN
			RAISE EXCEPTION 'truck_accept has no table of kind "%"', k
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  HINT = 'Create the tables with SELECT truck_accept.create_tables(), or record the table in truck_accept.bound_tables.';
		END IF;
	END LOOP;
	RETURN QUERY EXECUTE pg_catalog.format($q$
WITH active AS (
	SELECT a.* FROM %5$s a WHERE a.status = 'active'
), per_order AS (
	SELECT a.order_id, pg_catalog.count(*) AS n FROM %5$s a
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
	   pg_catalog.format('trucks_filled %%s/%%s with %%s active or completed assignments',
						 o.trucks_filled, o.trucks_needed, COALESCE(p.n, 0)) AS detail
FROM %1$s o LEFT JOIN per_order p ON p.order_id = o.id
WHERE o.trucks_filled <> COALESCE(p.n, 0) OR o.trucks_filled > o.trucks_needed
UNION ALL
-- an open order's status follows its counter
SELECT 'order_status', o.id,
	   pg_catalog.format('status %%s with trucks_filled %%s/%%s',
						 o.status, o.trucks_filled, o.trucks_needed)
FROM %1$s o
WHERE o.status IN ('searching', 'partially_filled', 'fully_filled')
  AND o.status <> CASE WHEN o.trucks_filled = 0 THEN 'searching'
					   WHEN o.trucks_filled < o.trucks_needed THEN 'partially_filled'
					   ELSE 'fully_filled' END
UNION ALL
-- a request is assigned exactly when it has one active assignment
SELECT 'request_assignment', r.id,
	   pg_catalog.format('status %%s with %%s active assignments', r.status, COALESCE(p.n, 0))
FROM %2$s r LEFT JOIN per_request p ON p.truck_request_id = r.id
WHERE (r.status = 'assigned') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- ... and its assigned_* columns describe that assignment
SELECT 'request_assigned_columns', r.id,
	   'assigned_* columns differ from the active assignment'
FROM %2$s r JOIN active a ON a.truck_request_id = r.id
WHERE r.assigned_transporter_id IS DISTINCT FROM a.transporter_id
   OR r.assigned_vehicle_id IS DISTINCT FROM a.vehicle_id
   OR r.assigned_driver_id IS DISTINCT FROM a.driver_id
   OR r.order_id IS DISTINCT FROM a.order_id
UNION ALL
-- an assignment's vehicle and driver belong to its transporter
SELECT 'assignment_owner', a.id, 'vehicle or driver of another transporter'
FROM active a
	 JOIN %3$s v ON v.id = a.vehicle_id
	 LEFT JOIN %4$s d ON d.id = a.driver_id
WHERE v.transporter_id <> a.transporter_id OR d.transporter_id <> a.transporter_id
UNION ALL
-- a vehicle is in at most one active assignment, and on_trip exactly then
SELECT 'vehicle_trip', v.id,
	   pg_catalog.format('status %%s with %%s active assignments', v.status, COALESCE(p.n, 0))
FROM %3$s v LEFT JOIN per_vehicle p ON p.vehicle_id = v.id
WHERE (v.status = 'on_trip') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- a driver likewise
SELECT 'driver_trip', d.id,
	   pg_catalog.format('status %%s with %%s active assignments', d.status, COALESCE(p.n, 0))
FROM %4$s d LEFT JOIN per_driver p ON p.driver_id = d.id
WHERE (d.status = 'on_trip') <> (COALESCE(p.n, 0) = 1) OR COALESCE(p.n, 0) > 1
UNION ALL
-- a fully filled order still has a trip under way (its last completion
-- completes it)
SELECT 'order_completion', o.id, 'fully_filled without an active assignment'
FROM %1$s o
WHERE o.status = 'fully_filled'
  AND NOT EXISTS (SELECT 1 FROM %5$s a
				  WHERE a.order_id = o.id AND a.status = 'active')
UNION ALL
-- a completed request has a completed assignment
SELECT 'request_completed', r.id, 'completed request without a completed assignment'
FROM %2$s r
WHERE r.status = 'completed'
  AND NOT EXISTS (SELECT 1 FROM %5$s a
				  WHERE a.truck_request_id = r.id AND a.status = 'completed')
$q$, t[1], t[2], t[3], t[4], t[5]);
END
$fn$;

COMMENT ON FUNCTION truck_accept.check_invariants() IS
	'one row per broken invariant between the recorded orders, requests, vehicles, drivers and assignments; empty when consistent';

CREATE VIEW truck_accept.invariant_violations AS
	SELECT c.invariant, c.id, c.detail FROM truck_accept.check_invariants() c;
COMMENT ON VIEW truck_accept.invariant_violations IS
	'one row per broken invariant between orders, requests, vehicles, drivers and assignments; empty when consistent';

/*
 * An EXECUTE-only application role: create_api(api_schema, app_role) makes,
 * in a schema the DBA names, one SECURITY DEFINER wrapper per function of
 * the API, owned by its caller, which must own the business tables and must
 * not be a superuser (the wrappers run as their owner: a trigger or policy on
 * the tables would run as a superuser).  The wrappers pin their search_path
 * and name everything with its schema; app_role gets USAGE on the schema and
 * EXECUTE on the wrappers, and nothing on the tables.  They are ordinary
 * functions of the application, so pg_dump keeps them and their grants, and
 * they depend on nothing of the extension (their result types are their
 * own, their bodies are resolved when called): DROP EXTENSION leaves them,
 * and they work again once it is created and the tables are recorded.
 */
CREATE FUNCTION truck_accept.create_api(api_schema name, app_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	s text;
	f record;
	missing text;
	wrappers CONSTANT text[] := ARRAY[
		'accept_truck_request(uuid, uuid, uuid, uuid)',
		'accept_any_truck_request(uuid, uuid, uuid, uuid)',
		'release_truck_request(uuid, uuid)',
		'cancel_order(uuid)',
		'expire_truck_requests(timestamptz)',
		'complete_assignment(uuid)',
		'take_events(integer)'];
	-- the wrappers' own signatures (expire's takes no as_of: the role may
	-- expire what is due, not move the clock)
	api_signatures CONSTANT text[] := ARRAY[
		'accept_truck_request(uuid, uuid, uuid, uuid)',
		'accept_any_truck_request(uuid, uuid, uuid, uuid)',
		'release_truck_request(uuid, uuid)',
		'cancel_order(uuid)',
		'expire_truck_requests()',
		'complete_assignment(uuid)',
		'take_events(integer)'];
	i integer;
	g record;
	w text;
BEGIN
	IF api_schema IS NULL OR app_role IS NULL THEN
		RAISE EXCEPTION 'arguments "api_schema" and "app_role" must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- a superuser, a member of one, or of a role that reaches the server's
	-- files or programs
	IF EXISTS (SELECT FROM pg_catalog.pg_roles r
			   WHERE (r.rolsuper OR r.rolname OPERATOR(pg_catalog.=) ANY (ARRAY[
						 'pg_read_server_files', 'pg_write_server_files',
						 'pg_execute_server_program']))
				 AND pg_catalog.pg_has_role(CURRENT_USER, r.oid, 'MEMBER')) THEN
		RAISE EXCEPTION 'the functions of an EXECUTE-only API must not be owned by a superuser'
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'They run as their owner: a trigger or row-security policy on the tables would then run as a superuser.  Role "' OPERATOR(pg_catalog.||) CURRENT_USER OPERATOR(pg_catalog.||) '" is a superuser or a member of one, or of a role with access to the server''s files or programs.',
				  HINT = 'Call create_api() as the role that owns the business tables (SET ROLE).';
	END IF;
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) app_role) THEN
		RAISE EXCEPTION 'role "%" does not exist', app_role
			USING ERRCODE = 'undefined_object';
	END IF;
	SELECT pg_catalog.string_agg(b.relid::text, ', ' ORDER BY b.kind) INTO missing
	FROM truck_accept.bound_tables b
		 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) b.relid
	WHERE c.relowner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r
											   WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER);
	IF missing IS NOT NULL OR NOT EXISTS (SELECT FROM truck_accept.bound_tables) THEN
		RAISE EXCEPTION 'role "%" does not own the tables truck_accept works on', CURRENT_USER
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = pg_catalog.format('Not its own: %s.', coalesce(missing, 'no tables are recorded')),
				  HINT = 'Call create_api() as the owner of the tables that create_tables() or the update recorded.';
	END IF;
	SELECT pg_catalog.string_agg(DISTINCT n.nspname::text, ', ') INTO missing
	FROM truck_accept.bound_tables b
		 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) b.relid
		 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
	WHERE NOT pg_catalog.has_schema_privilege(n.oid, 'USAGE');
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'role "%" has no USAGE on the schema of the tables truck_accept works on', CURRENT_USER
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = pg_catalog.format('Schemas: %s.', missing),
				  HINT = 'GRANT USAGE ON SCHEMA to the tables'' owner.';
	END IF;
	FOREACH w IN ARRAY wrappers LOOP
		IF NOT pg_catalog.has_function_privilege(('truck_accept.' OPERATOR(pg_catalog.||) w)::pg_catalog.regprocedure, 'EXECUTE') THEN
			RAISE EXCEPTION 'role "%" may not execute function truck_accept.%', CURRENT_USER, w
				USING ERRCODE = 'insufficient_privilege',
					  HINT = pg_catalog.format('GRANT EXECUTE ON FUNCTION truck_accept.%s TO %I;', w, CURRENT_USER);
		END IF;
	END LOOP;

	-- the schema: the caller's own (nobody else may then drop or replace the
	-- wrappers), not temporary, with no function of these names yet (an
	-- overload could capture the application's calls)
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n
				   WHERE n.nspname OPERATOR(pg_catalog.=) api_schema
					 AND n.nspowner OPERATOR(pg_catalog.=) (SELECT r.oid FROM pg_catalog.pg_roles r
						 WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
					 AND n.nspname OPERATOR(pg_catalog.!~) '^pg_') THEN
		RAISE EXCEPTION 'schema "%" does not exist or is not owned by role "%"', api_schema, CURRENT_USER
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Create it for the API alone: CREATE SCHEMA api AUTHORIZATION <the tables'' owner>;';
	END IF;
	SELECT pg_catalog.string_agg(p.oid::pg_catalog.regprocedure::text, ', ') INTO missing
	FROM pg_catalog.pg_proc p
	WHERE p.pronamespace OPERATOR(pg_catalog.=) (SELECT n.oid FROM pg_catalog.pg_namespace n
												  WHERE n.nspname OPERATOR(pg_catalog.=) api_schema)
	  AND p.proname OPERATOR(pg_catalog.=) ANY (ARRAY['accept_truck_request',
		'accept_any_truck_request', 'release_truck_request', 'cancel_order',
		'expire_truck_requests', 'complete_assignment', 'take_events']);
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'schema "%" already has functions of the API''s names', api_schema
			USING ERRCODE = 'duplicate_function',
				  DETAIL = pg_catalog.format('Found: %s.', missing),
				  HINT = 'Use a schema for the API alone.';
	END IF;

	s := pg_catalog.quote_ident(api_schema);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.accept_truck_request(
	request_id uuid, transporter_id uuid, vehicle_id uuid, driver_id uuid DEFAULT NULL,
	OUT outcome text, OUT accepted boolean, OUT assignment_id uuid, OUT trip_id uuid,
	OUT order_id uuid, OUT trucks_filled integer, OUT trucks_needed integer,
	OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM truck_accept.accept_truck_request($1, $2, $3, $4)'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE TYPE %1$s.accept_any_result AS (
	outcome text, accepted boolean, assignment_id uuid, trip_id uuid, order_id uuid,
	trucks_filled integer, trucks_needed integer, order_status text, message text,
	request_id uuid)$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.accept_any_truck_request(
	order_id uuid, transporter_id uuid, vehicle_id uuid, driver_id uuid DEFAULT NULL)
RETURNS %1$s.accept_any_result LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM truck_accept.accept_any_truck_request($1, $2, $3, $4)'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.release_truck_request(
	request_id uuid, transporter_id uuid,
	OUT outcome text, OUT released boolean, OUT assignment_id uuid, OUT order_id uuid,
	OUT trucks_filled integer, OUT trucks_needed integer, OUT order_status text,
	OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM truck_accept.release_truck_request($1, $2)'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.cancel_order(
	order_id uuid,
	OUT outcome text, OUT cancelled boolean, OUT requests_cancelled integer,
	OUT assignments_cancelled integer, OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM truck_accept.cancel_order($1)'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.expire_truck_requests()
RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT truck_accept.expire_truck_requests(pg_catalog.now())'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.complete_assignment(
	assignment_id uuid,
	OUT outcome text, OUT completed boolean, OUT request_id uuid, OUT order_id uuid,
	OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM truck_accept.complete_assignment($1)'$ddl$, s);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.take_events(max_count integer)
RETURNS TABLE (id bigint, event_type text, order_id uuid, request_id uuid,
	assignment_id uuid, transporter_id uuid, payload jsonb, created_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp ROWS 100
AS 'SELECT e.id, e.event_type, e.order_id, e.request_id, e.assignment_id,
		   e.transporter_id, e.payload, e.created_at
	FROM truck_accept.take_events($1) e'$ddl$, s);

	-- labelled like the functions they wrap; only app_role may call them,
	-- whatever default privileges would have granted
	FOR i IN 1 .. pg_catalog.array_length(wrappers, 1) LOOP
		w := s OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) api_signatures[i];
		EXECUTE pg_catalog.format('COMMENT ON FUNCTION %s IS %L', w,
			'EXECUTE-only API (truck_accept.create_api), as its owner: ' OPERATOR(pg_catalog.||)
			pg_catalog.obj_description(('truck_accept.' OPERATOR(pg_catalog.||) wrappers[i])::pg_catalog.regprocedure,
									   'pg_proc'));
		EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', w);
		FOR g IN
			SELECT DISTINCT x.grantee FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) x
			WHERE p.oid OPERATOR(pg_catalog.=) w::pg_catalog.regprocedure
			  AND x.grantee OPERATOR(pg_catalog.<>) p.proowner
			  AND x.grantee OPERATOR(pg_catalog.<>) 0
		LOOP
			EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %I', w,
									  pg_catalog.pg_get_userbyid(g.grantee));
		END LOOP;
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', w, app_role);
	END LOOP;
	EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %I', s, app_role);
END
$fn$;
COMMENT ON FUNCTION truck_accept.create_api(name, name) IS
	'make an EXECUTE-only API for app_role: SECURITY DEFINER wrappers of every function in api_schema, owned by the caller (the tables'' owner, not a superuser)';

-- Nobody gets at the functions by accident: grant on purpose.  The catalog
-- is no secret (like pg_class); only its owner changes it.  The audit reads
-- the tables with the caller's own privileges.
-- (Only the extension's own relations: after DROP EXTENSION, the schema may
-- hold the application's tables, whose grants are the application's.)
REVOKE ALL ON truck_accept.bound_tables, truck_accept.invariant_violations FROM PUBLIC;
GRANT SELECT ON truck_accept.bound_tables TO PUBLIC;
REVOKE ALL ON FUNCTION
	truck_accept.create_tables(name),
	truck_accept.create_api(name, name),
	truck_accept.accept_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid),
	truck_accept.release_truck_request(uuid, uuid),
	truck_accept.cancel_order(uuid),
	truck_accept.expire_truck_requests(timestamptz),
	truck_accept.complete_assignment(uuid),
	truck_accept.take_events(integer),
	truck_accept.bound_tables_changed()
	FROM PUBLIC;
