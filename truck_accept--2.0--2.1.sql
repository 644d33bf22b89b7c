/* truck_accept--2.0--2.1.sql: bind() an application's own tables, under its own names */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION truck_accept UPDATE TO '2.1'" to load this file. \quit

/*
 * 2.1 has no install script of its own: CREATE EXTENSION runs 2.0's and
 * then this one, so a new installation and an updated one are the same.
 *
 * The catalog learns each table's binding: which of its columns plays each
 * of the extension's columns ("columns", {"trucks_needed": "trucksNeeded"};
 * null for a created_at or updated_at the table does not keep), and which of
 * its status values is each of the extension's statuses ("statuses",
 * {"searching": "SEARCHING"}; all of the kind's, or none).  Empty: the
 * extension's own names, as create_tables() makes them.  The functions read
 * them in C (catalog.c, BINDINGS), and check them there too.
 */
ALTER TABLE truck_accept.bound_tables
	ADD COLUMN columns jsonb NOT NULL DEFAULT '{}',
	ADD COLUMN statuses jsonb NOT NULL DEFAULT '{}',
	ADD CONSTRAINT bound_tables_binding_check
		CHECK (pg_catalog.jsonb_typeof(columns) OPERATOR(pg_catalog.=) 'object'
			   AND pg_catalog.jsonb_typeof(statuses) OPERATOR(pg_catalog.=) 'object');
COMMENT ON TABLE truck_accept.bound_tables IS
	'the tables truck_accept works on, one per kind, and how their columns and statuses are named; filled by create_tables() or bind()';

CREATE FUNCTION truck_accept.record_table(kind text, relid regclass,
	columns jsonb DEFAULT '{}', statuses jsonb DEFAULT '{}')
RETURNS void
AS 'MODULE_PATHNAME', 'record_table'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION truck_accept.record_table(text, regclass, jsonb, jsonb) IS
	'record a table of the caller''s as the table of one kind, with its binding (bind() checks a binding first)';

/*
 * A recorded table as the audit reads it: a subquery with the extension's
 * column names and statuses, or the table itself where its binding is empty.
 */
CREATE FUNCTION truck_accept.bound_relation(kind text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	b record;
	cols text[] := CASE kind
		WHEN 'orders' THEN ARRAY['id', 'trucks_needed', 'trucks_filled']
		WHEN 'truck_requests' THEN ARRAY['id', 'order_id', 'vehicle_type',
			'assigned_transporter_id', 'assigned_vehicle_id', 'assigned_driver_id']
		WHEN 'vehicles' THEN ARRAY['id', 'transporter_id', 'vehicle_type']
		WHEN 'drivers' THEN ARRAY['id', 'transporter_id']
		WHEN 'assignments' THEN ARRAY['id', 'trip_id', 'truck_request_id',
			'order_id', 'transporter_id', 'vehicle_id', 'driver_id']
	END;
	sel text[] := '{}';
	c text;
	st text;
	s record;
BEGIN
	SELECT t.relid, t.columns, t.statuses INTO b
	FROM truck_accept.bound_tables t JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) t.relid
	WHERE t.kind OPERATOR(pg_catalog.=) bound_relation.kind;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	-- the table itself: the extension's names, statuses in a text column
	IF b.columns OPERATOR(pg_catalog.=) '{}'::jsonb AND b.statuses OPERATOR(pg_catalog.=) '{}'::jsonb
		AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t
				ON t.oid OPERATOR(pg_catalog.=) a.atttypid
			WHERE a.attrelid OPERATOR(pg_catalog.=) b.relid AND a.attname OPERATOR(pg_catalog.=) 'status'
			  AND COALESCE(NULLIF(t.typbasetype, 0), t.oid) OPERATOR(pg_catalog.=)
				  ANY (ARRAY['pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype]::oid[])) THEN
		RETURN b.relid::text;
	END IF;
	FOREACH c IN ARRAY cols LOOP
		sel := sel OPERATOR(pg_catalog.||) pg_catalog.format('t.%I AS %I',
			COALESCE(b.columns OPERATOR(pg_catalog.->>) c, c), c);
	END LOOP;
	-- the status, as text through its type's output function, then mapped
	st := pg_catalog.format('pg_catalog.format(''%%s'', t.%I)',
		COALESCE(b.columns OPERATOR(pg_catalog.->>) 'status', 'status'));
	IF b.statuses OPERATOR(pg_catalog.=) '{}'::jsonb THEN
		sel := sel OPERATOR(pg_catalog.||) (st OPERATOR(pg_catalog.||) ' AS status');
	ELSE
		c := 'CASE';
		FOR s IN SELECT e.key, e.value FROM pg_catalog.jsonb_each_text(b.statuses) e LOOP
			c := c OPERATOR(pg_catalog.||) pg_catalog.format(' WHEN %s OPERATOR(pg_catalog.=) %L THEN %L',
				st, s.value, s.key);
		END LOOP;
		-- a value the binding does not map matches none (as in the functions)
		sel := sel OPERATOR(pg_catalog.||) (c OPERATOR(pg_catalog.||)
			pg_catalog.format(' ELSE ''?'' OPERATOR(pg_catalog.||) %s END AS status', st));
	END IF;
	RETURN pg_catalog.format('(SELECT %s FROM ONLY %s t)',
		pg_catalog.array_to_string(sel, ', '), b.relid);
END
$fn$;

/*
 * The audit, as in 2.0, on the tables as bound_relation() presents them.
 */
CREATE OR REPLACE FUNCTION truck_accept.check_invariants(
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
		t := t OPERATOR(pg_catalog.||) truck_accept.bound_relation(k);
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

/*
 * bind(): record an application's own tables, under their own names, after
 * checking everything the functions will rely on, and without moving a row.
 * See the README, "Binding your own tables".  It runs as its caller, who
 * must own the tables: every check reads the catalogs, every change it makes
 * (the events table, the invariants with add_invariants) is DDL on the
 * caller's own tables, and record_table() records them.
 */
CREATE FUNCTION truck_accept.bind(
	orders regclass,
	truck_requests regclass,
	vehicles regclass,
	drivers regclass,
	assignments regclass,
	events text DEFAULT NULL,
	columns jsonb DEFAULT '{}',
	statuses jsonb DEFAULT '{}',
	naming text DEFAULT 'snake_case',
	add_invariants boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	kinds CONSTANT text[] := ARRAY['orders', 'truck_requests', 'vehicles',
		'drivers', 'assignments'];
	rels regclass[];
	bound_cols jsonb[] := '{}';
	bound_stats jsonb[] := '{}';
	k text;
	i integer;
	ev regclass;
	ddl text[] := '{}';
	what text[] := '{}';
	no_drivers CONSTANT boolean := drivers IS NULL;
BEGIN
	IF orders IS NULL OR truck_requests IS NULL OR vehicles IS NULL
		OR assignments IS NULL OR columns IS NULL OR statuses IS NULL
		OR naming IS NULL OR add_invariants IS NULL THEN
		RAISE EXCEPTION 'arguments of bind() must not be null, except drivers and events'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF naming OPERATOR(pg_catalog.<>) ALL (ARRAY['snake_case', 'camelCase']) THEN
		RAISE EXCEPTION 'naming must be "snake_case" or "camelCase", not "%"', naming
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF pg_catalog.jsonb_typeof(columns) OPERATOR(pg_catalog.<>) 'object'
		OR pg_catalog.jsonb_typeof(statuses) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION 'columns and statuses must be JSON objects keyed by kind'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'For example columns => ''{"orders": {"trucks_needed": "seats"}}''.';
	END IF;
	FOR k IN SELECT e.key FROM pg_catalog.jsonb_each(columns OPERATOR(pg_catalog.||) statuses) e
		WHERE e.key OPERATOR(pg_catalog.<>) ALL (kinds) LOOP
		RAISE EXCEPTION '"%" is not a kind of table that bind() binds', k
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'The kinds are orders, truck_requests, vehicles, drivers and assignments.';
	END LOOP;
	IF EXISTS (SELECT 1 FROM truck_accept.bound_tables) THEN
		RAISE EXCEPTION 'truck_accept already has its tables'
			USING ERRCODE = 'duplicate_object',
				  DETAIL = pg_catalog.format('The catalog truck_accept.bound_tables records %s.',
					(SELECT pg_catalog.string_agg(pg_catalog.format('%s as "%s"', b.relid, b.kind), ', ' ORDER BY b.kind)
					 FROM truck_accept.bound_tables b)),
				  HINT = 'One set of tables per database: to bind others, DELETE FROM truck_accept.bound_tables first.';
	END IF;

	IF no_drivers THEN
		-- an application without drivers: an empty table of the extension's
		-- own shape (a call that names a driver answers driver_not_found)
		drivers := truck_accept.bind_no_drivers(assignments);
		columns := columns OPERATOR(pg_catalog.-) 'drivers';
		statuses := statuses OPERATOR(pg_catalog.-) 'drivers';
	END IF;
	rels := ARRAY[orders, truck_requests, vehicles, drivers, assignments];
	IF (SELECT pg_catalog.count(DISTINCT r) FROM pg_catalog.unnest(rels) r) OPERATOR(pg_catalog.<>) 5 THEN
		RAISE EXCEPTION 'bind() needs five different tables'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('Given: %s.', pg_catalog.array_to_string(rels, ', '));
	END IF;
	FOR i IN 1 .. 5 LOOP
		k := kinds[i];
		PERFORM truck_accept.bind_check_table(k, rels[i]);
		bound_cols := bound_cols OPERATOR(pg_catalog.||)
			truck_accept.bind_columns(k, rels[i],
				COALESCE(columns OPERATOR(pg_catalog.->) k, '{}'),
				CASE WHEN i OPERATOR(pg_catalog.=) 4 AND no_drivers
					THEN 'snake_case' ELSE naming END);
		bound_stats := bound_stats OPERATOR(pg_catalog.||)
			truck_accept.bind_statuses(k, rels[i], bound_cols[i],
				COALESCE(statuses OPERATOR(pg_catalog.->) k, '{}'));
	END LOOP;
	PERFORM truck_accept.bind_check_inserts(assignments, ARRAY(
		SELECT COALESCE(bound_cols[5] OPERATOR(pg_catalog.->>) c, c)
		FROM pg_catalog.unnest(ARRAY['id', 'trip_id', 'truck_request_id', 'order_id',
			'transporter_id', 'vehicle_id', 'driver_id', 'status', 'created_at',
			'updated_at']) c));
	ev := truck_accept.bind_events(COALESCE(events, pg_catalog.format('%I.truck_accept_events',
		(SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
			ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		 WHERE c.oid OPERATOR(pg_catalog.=) assignments))));

	-- the invariants the database itself must hold on the application's tables
	SELECT pg_catalog.array_agg(m.what), pg_catalog.array_agg(m.ddl) INTO what, ddl
	FROM truck_accept.bind_missing_invariants(orders, assignments, bound_cols[1],
		bound_cols[5], bound_stats[5]) m;
	IF what IS NOT NULL AND NOT add_invariants THEN
		RAISE EXCEPTION 'the tables lack % that truck_accept relies on',
			CASE pg_catalog.array_length(what, 1) WHEN 1 THEN 'an invariant'
				ELSE pg_catalog.array_length(what, 1)::text OPERATOR(pg_catalog.||) ' invariants' END
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Missing: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(what, '; ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Add them with: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(ddl, ' ')
					OPERATOR(pg_catalog.||) ' Or call bind(..., add_invariants => true), which does.';
	END IF;
	FOR i IN 1 .. COALESCE(pg_catalog.array_length(ddl, 1), 0) LOOP
		EXECUTE ddl[i];
		RAISE NOTICE 'bind() added %', what[i];
	END LOOP;

	FOR i IN 1 .. 5 LOOP
		PERFORM truck_accept.record_table(kinds[i], rels[i], bound_cols[i], bound_stats[i]);
	END LOOP;
	PERFORM truck_accept.record_table('events', ev, '{}', '{}');
END
$fn$;
COMMENT ON FUNCTION truck_accept.bind(regclass, regclass, regclass, regclass, regclass, text, jsonb, jsonb, text, boolean) IS
	'check an application''s own tables (names, types, statuses, invariants) and record them as the tables truck_accept works on';

-- bind()'s steps, one concern each.  They run as bind()'s caller.

/* The table recorded as kind: an ordinary table the caller owns. */
CREATE FUNCTION truck_accept.bind_check_table(kind text, rel regclass)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	c record;
BEGIN
	SELECT r.relkind, r.relowner, r.relpersistence INTO c FROM pg_catalog.pg_class r
	WHERE r.oid OPERATOR(pg_catalog.=) rel;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'relation with OID % does not exist', rel::oid
			USING ERRCODE = 'undefined_table';
	END IF;
	IF c.relkind OPERATOR(pg_catalog.<>) 'r' OR c.relpersistence OPERATOR(pg_catalog.=) 't' THEN
		RAISE EXCEPTION '%, given as the table of "%", is not an ordinary permanent table', rel, kind
			USING ERRCODE = 'wrong_object_type',
				  DETAIL = 'truck_accept works on ordinary tables that every session sees (not views, partitioned or temporary tables).';
	END IF;
	IF NOT pg_catalog.pg_has_role(CURRENT_USER, c.relowner, 'USAGE') THEN
		RAISE EXCEPTION 'must be owner of table % to bind it', rel
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'bind() records the tables and may add constraints to them: the tables'' owner binds them.';
	END IF;
END
$fn$;

/*
 * Which column of rel plays each of kind's columns: named in "given", else
 * by the naming convention (camelCase: trucks_needed is "trucksNeeded"),
 * else the extension's own name; each must exist with a type the functions
 * read.  created_at and updated_at are set on every row the functions
 * insert or update if the table has them, and may be absent (or null in
 * "given": not kept).  Returns the binding's "columns": the names that
 * differ from the extension's.
 */
CREATE FUNCTION truck_accept.bind_columns(kind text, rel regclass, given jsonb, naming text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	spec CONSTANT jsonb := CASE kind
		WHEN 'orders' THEN '{"id": "id", "trucks_needed": "int", "trucks_filled": "int",
			"status": "status", "created_at": "time?", "updated_at": "time?"}'
		WHEN 'truck_requests' THEN '{"id": "id", "order_id": "id", "vehicle_type": "text",
			"status": "status", "assigned_transporter_id": "id", "assigned_vehicle_id": "id",
			"assigned_driver_id": "id", "assigned_at": "time", "expires_at": "time",
			"created_at": "time?", "updated_at": "time?"}'
		WHEN 'vehicles' THEN '{"id": "id", "transporter_id": "id", "vehicle_type": "text",
			"status": "status", "created_at": "time?", "updated_at": "time?"}'
		WHEN 'drivers' THEN '{"id": "id", "transporter_id": "id", "status": "status",
			"created_at": "time?", "updated_at": "time?"}'
		WHEN 'assignments' THEN '{"id": "id", "trip_id": "id", "truck_request_id": "id",
			"order_id": "id", "transporter_id": "id", "vehicle_id": "id", "driver_id": "id",
			"status": "status", "created_at": "time?", "updated_at": "time?"}'
	END;
	result jsonb := '{}';
	col text;
	role text;
	att text;
	typ regtype;
	base regtype;
	typtype "char";
	ok boolean;
	used text[] := '{}';
BEGIN
	IF pg_catalog.jsonb_typeof(given) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION 'columns of "%" must be a JSON object', kind
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	FOR col IN SELECT g.key FROM pg_catalog.jsonb_each(given) g
		WHERE NOT spec OPERATOR(pg_catalog.?) g.key LOOP
		RAISE EXCEPTION '"%" is not a column of "%" that truck_accept uses', col, kind
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = pg_catalog.format('Its columns are %s.',
					(SELECT pg_catalog.string_agg(s.key, ', ') FROM pg_catalog.jsonb_each(spec) s));
	END LOOP;
	FOR col, role IN SELECT s.key, s.value FROM pg_catalog.jsonb_each_text(spec) s LOOP
		IF given OPERATOR(pg_catalog.?) col
			AND pg_catalog.jsonb_typeof(given OPERATOR(pg_catalog.->) col) OPERATOR(pg_catalog.=) 'null' THEN
			IF role OPERATOR(pg_catalog.<>) 'time?' THEN
				RAISE EXCEPTION 'column "%" of "%" cannot be left out', col, kind
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'Only created_at and updated_at may be null in columns.';
			END IF;
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(col, NULL);
			CONTINUE;
		END IF;
		att := COALESCE(given OPERATOR(pg_catalog.->>) col,
			CASE naming WHEN 'camelCase' THEN
				pg_catalog.lower(pg_catalog.substr(col, 1, 1)) OPERATOR(pg_catalog.||)
				pg_catalog.substr(pg_catalog.replace(pg_catalog.initcap(
					pg_catalog.replace(col, '_', ' ')), ' ', ''), 2)
			ELSE col END);
		SELECT a.atttypid INTO typ FROM pg_catalog.pg_attribute a
		WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) att
		  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF typ IS NULL AND role OPERATOR(pg_catalog.=) 'time?' AND NOT given OPERATOR(pg_catalog.?) col THEN
			-- a time stamp the table does not keep
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(col, NULL);
			CONTINUE;
		ELSIF typ IS NULL THEN
			RAISE EXCEPTION 'column "%" of relation % does not exist', att, rel
				USING ERRCODE = 'undefined_column',
					  DETAIL = pg_catalog.format('truck_accept needs the column that plays "%s" of %s.', col, kind),
					  HINT = pg_catalog.format('Name it in bind(..., columns => ''{"%s": {"%s": "..."}}'').', kind, col);
		END IF;
		SELECT CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE t.oid END
		INTO base FROM pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) typ;
		SELECT t.typtype INTO typtype FROM pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) base;
		ok := CASE pg_catalog.rtrim(role, '?')
			WHEN 'id' THEN base OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::regtype
			WHEN 'int' THEN base OPERATOR(pg_catalog.=) 'pg_catalog.int4'::regtype
			WHEN 'text' THEN base OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype])
			WHEN 'status' THEN base OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype])
				OR typtype OPERATOR(pg_catalog.=) 'e'
			ELSE base OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.timestamptz'::regtype, 'pg_catalog.timestamp'::regtype])
		END;
		IF NOT ok THEN
			RAISE EXCEPTION 'column "%" of relation % is of type %, but truck_accept needs %',
				att, rel, pg_catalog.format_type(typ, NULL),
				CASE pg_catalog.rtrim(role, '?')
					WHEN 'id' THEN 'uuid' WHEN 'int' THEN 'integer' WHEN 'text' THEN 'text or varchar'
					WHEN 'status' THEN 'text, varchar or an enum'
					ELSE 'timestamp with or without time zone' END
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = pg_catalog.format('It plays "%s" of %s.%s', col, kind,
						CASE WHEN role OPERATOR(pg_catalog.=) 'id' THEN ' This version of truck_accept works on uuid ids only.' ELSE '' END);
		END IF;
		IF att OPERATOR(pg_catalog.=) ANY (used) THEN
			RAISE EXCEPTION 'column "%" of relation % cannot play two columns', att, rel
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = pg_catalog.format('It would be both "%s" and another column of %s.', col, kind);
		END IF;
		used := used OPERATOR(pg_catalog.||) att;
		IF att OPERATOR(pg_catalog.<>) col THEN
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(col, att);
		END IF;
	END LOOP;
	RETURN result;
END
$fn$;

/*
 * Which value of rel's status column is each of kind's statuses: named in
 * "given" (all of them), else the extension's own, else (an enum with its
 * values in capitals, as Prisma makes them) the same in capitals.  Returns
 * the binding's "statuses" ({} for the extension's own).
 */
CREATE FUNCTION truck_accept.bind_statuses(kind text, rel regclass, cols jsonb, given jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	wanted CONSTANT text[] := CASE kind
		WHEN 'orders' THEN ARRAY['searching', 'partially_filled', 'fully_filled',
			'cancelled', 'expired', 'completed']
		WHEN 'truck_requests' THEN ARRAY['searching', 'assigned', 'cancelled', 'expired', 'completed']
		WHEN 'vehicles' THEN ARRAY['available', 'on_trip']
		WHEN 'drivers' THEN ARRAY['available', 'on_trip']
		WHEN 'assignments' THEN ARRAY['active', 'released', 'cancelled', 'completed']
	END;
	att CONSTANT text := COALESCE(cols OPERATOR(pg_catalog.->>) 'status', 'status');
	enum_type oid;
	labels text[];
	v text;
	result jsonb := '{}';
BEGIN
	IF pg_catalog.jsonb_typeof(given) OPERATOR(pg_catalog.<>) 'object' THEN
		RAISE EXCEPTION 'statuses of "%" must be a JSON object', kind
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT t.oid INTO enum_type
	FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t
		ON t.oid OPERATOR(pg_catalog.=) CASE WHEN (SELECT d.typtype FROM pg_catalog.pg_type d
			WHERE d.oid OPERATOR(pg_catalog.=) a.atttypid) OPERATOR(pg_catalog.=) 'd'
			THEN (SELECT d.typbasetype FROM pg_catalog.pg_type d WHERE d.oid OPERATOR(pg_catalog.=) a.atttypid)
			ELSE a.atttypid END
	WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attname OPERATOR(pg_catalog.=) att
	  AND t.typtype OPERATOR(pg_catalog.=) 'e';
	IF enum_type IS NOT NULL THEN
		SELECT pg_catalog.array_agg(e.enumlabel::text) INTO labels
		FROM pg_catalog.pg_enum e WHERE e.enumtypid OPERATOR(pg_catalog.=) enum_type;
	END IF;

	FOR v IN SELECT g.key FROM pg_catalog.jsonb_each(given) g
		WHERE g.key OPERATOR(pg_catalog.<>) ALL (wanted)
		   OR pg_catalog.jsonb_typeof(g.value) OPERATOR(pg_catalog.<>) 'string' LOOP
		RAISE EXCEPTION '"%" is not a status of "%" that truck_accept uses, with a value', v, kind
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = pg_catalog.format('Map each of %s to a string.', pg_catalog.array_to_string(wanted, ', '));
	END LOOP;
	IF given OPERATOR(pg_catalog.<>) '{}'::jsonb THEN
		FOREACH v IN ARRAY wanted LOOP
			IF NOT given OPERATOR(pg_catalog.?) v THEN
				RAISE EXCEPTION 'statuses of "%" do not map status "%"', kind, v
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'Map every status of the kind, or none.';
			END IF;
		END LOOP;
		result := given;
	ELSIF enum_type IS NOT NULL AND NOT wanted OPERATOR(pg_catalog.<@) labels THEN
		FOREACH v IN ARRAY wanted LOOP
			result := result OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(v, pg_catalog.upper(v));
		END LOOP;
	END IF;

	FOR v IN SELECT r.value FROM pg_catalog.jsonb_each_text(result) r
		GROUP BY r.value HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>) 1 LOOP
		RAISE EXCEPTION 'statuses of "%" map two statuses to "%"', kind, v
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Each status needs a value of its own.';
	END LOOP;
	FOR v IN SELECT r.value FROM pg_catalog.jsonb_each_text(result) r
		WHERE pg_catalog.octet_length(r.value) OPERATOR(pg_catalog.=) 0
		   OR pg_catalog.octet_length(r.value) OPERATOR(pg_catalog.>) 63 LOOP
		RAISE EXCEPTION 'status value "%" of "%" must have 1 to 63 bytes', v, kind
			USING ERRCODE = 'invalid_parameter_value';
	END LOOP;
	IF enum_type IS NOT NULL THEN
		FOREACH v IN ARRAY wanted LOOP
			IF COALESCE(result OPERATOR(pg_catalog.->>) v, v) OPERATOR(pg_catalog.<>) ALL (labels) THEN
				RAISE EXCEPTION 'enum type % has no value "%"', enum_type::regtype,
					COALESCE(result OPERATOR(pg_catalog.->>) v, v)
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = pg_catalog.format('truck_accept writes it as status "%s" of %s (column "%s" of relation %s).',
							v, kind, att, rel),
						  HINT = pg_catalog.format('Map the status in bind(..., statuses => ''{"%s": {"%s": "..."}}''), or add the value with ALTER TYPE ... ADD VALUE.', kind, v);
			END IF;
		END LOOP;
	END IF;
	RETURN result;
END
$fn$;

/*
 * The functions insert into rel (assignments, events) only the columns they
 * know: any other NOT NULL column needs a default.
 */
CREATE FUNCTION truck_accept.bind_check_inserts(rel regclass, known text[])
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	att text;
BEGIN
	FOR att IN SELECT a.attname FROM pg_catalog.pg_attribute a
		WHERE a.attrelid OPERATOR(pg_catalog.=) rel AND a.attnum OPERATOR(pg_catalog.>) 0
		  AND NOT a.attisdropped AND a.attnotnull AND NOT a.atthasdef
		  AND a.attidentity OPERATOR(pg_catalog.=) '' AND a.attname::text OPERATOR(pg_catalog.<>) ALL (known)
		ORDER BY a.attnum LOOP
		RAISE EXCEPTION 'column "%" of relation % is NOT NULL and has no default', att, rel
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'truck_accept inserts rows into this table without a value for it.',
				  HINT = pg_catalog.format('Give it a default: ALTER TABLE %s ALTER COLUMN %I SET DEFAULT ...;', rel, att);
	END LOOP;
END
$fn$;

/* The events outbox: the table named, if compatible, else a new one there. */
CREATE FUNCTION truck_accept.bind_events(name text)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	ev regclass := pg_catalog.to_regclass(name);
	parts text[] := pg_catalog.parse_ident(name);
	want CONSTANT jsonb := '{"id": "bigint", "event_type": "text", "order_id": "uuid",
		"request_id": "uuid", "assignment_id": "uuid", "transporter_id": "uuid",
		"payload": "jsonb"}';
	c record;
BEGIN
	IF ev IS NULL THEN
		IF pg_catalog.array_length(parts, 1) OPERATOR(pg_catalog.<>) 2 THEN
			RAISE EXCEPTION 'events table "%" must be named with its schema', name
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		EXECUTE pg_catalog.format($ddl$CREATE TABLE %I.%I (
	id bigserial PRIMARY KEY,
	event_type text NOT NULL,
	order_id uuid,
	request_id uuid,
	assignment_id uuid,
	transporter_id uuid,
	payload jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now())$ddl$, parts[1], parts[2]);
		ev := pg_catalog.format('%I.%I', parts[1], parts[2])::regclass;
		EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', ev,
			'truck_accept''s outbox: one row per state change, appended in the same transaction; consumed with take_events()');
		RAISE NOTICE 'bind() created table % for the events', ev;
		RETURN ev;
	END IF;
	PERFORM truck_accept.bind_check_table('events', ev);
	FOR c IN SELECT w.key, w.value, a.atttypid
		FROM pg_catalog.jsonb_each_text(want) w
			 LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) ev
				AND a.attname OPERATOR(pg_catalog.=) w.key AND NOT a.attisdropped LOOP
		IF c.atttypid IS NULL OR pg_catalog.format_type(c.atttypid, NULL) OPERATOR(pg_catalog.<>) c.value THEN
			RAISE EXCEPTION 'table % is not an events table truck_accept can use', ev
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = pg_catalog.format('It needs a column "%s" of type %s.', c.key, c.value),
					  HINT = 'Name a table that does not exist yet, and bind() creates it.';
		END IF;
	END LOOP;
	PERFORM truck_accept.bind_check_inserts(ev, ARRAY['event_type', 'order_id', 'request_id',
		'assignment_id', 'transporter_id', 'payload']);
	RETURN ev;
END
$fn$;

/* No drivers table: an empty one of the extension's shape, next to assignments. */
CREATE FUNCTION truck_accept.bind_no_drivers(assignments regclass)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	nsp CONSTANT text := (SELECT n.nspname FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE c.oid OPERATOR(pg_catalog.=) assignments);
	rel regclass;
BEGIN
	EXECUTE pg_catalog.format($ddl$CREATE TABLE %I.truck_accept_drivers (
	id uuid PRIMARY KEY,
	transporter_id uuid NOT NULL,
	status text NOT NULL DEFAULT 'available',
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now())$ddl$, nsp);
	rel := pg_catalog.format('%I.truck_accept_drivers', nsp)::regclass;
	EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', rel,
		'no drivers: truck_accept.bind() made this empty table; a call that names a driver answers driver_not_found');
	RAISE NOTICE 'bind() created the empty table % for drivers', rel;
	RETURN rel;
END
$fn$;

/*
 * The invariants the database itself must hold, whoever writes: one active
 * assignment per request, per vehicle and per driver (partial unique
 * indexes), and 0 <= trucks_filled <= trucks_needed (CHECK constraints).
 * Returns each one rel lacks, with the DDL that adds it.  What the tables
 * have is compared with what that DDL makes, as PostgreSQL prints both, on
 * an empty temporary copy of each table's columns.
 */
CREATE FUNCTION truck_accept.bind_missing_invariants(orders regclass,
	assignments regclass, ocols jsonb, acols jsonb, astats jsonb,
	OUT what text, OUT ddl text)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	st CONSTANT text := COALESCE(acols OPERATOR(pg_catalog.->>) 'status', 'status');
	active text;
	drv CONSTANT text := COALESCE(acols OPERATOR(pg_catalog.->>) 'driver_id', 'driver_id');
	filled CONSTANT text := COALESCE(ocols OPERATOR(pg_catalog.->>) 'trucks_filled', 'trucks_filled');
	needed CONSTANT text := COALESCE(ocols OPERATOR(pg_catalog.->>) 'trucks_needed', 'trucks_needed');
	relname text;
	inv record;
	preds text[];
	pred text;
	checks text[];
	have text[];
BEGIN
	-- the status "active" as a literal of the status column's type
	SELECT pg_catalog.format('%I OPERATOR(pg_catalog.=) %L::%s', st,
		COALESCE(astats OPERATOR(pg_catalog.->>) 'active', 'active'),
		pg_catalog.format_type(a.atttypid, NULL))
	INTO active FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) assignments AND a.attname OPERATOR(pg_catalog.=) st;
	SELECT c.relname INTO relname FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) assignments;

	EXECUTE pg_catalog.format('CREATE TEMP TABLE ta_bind_probe (LIKE %s)', assignments);
	FOR inv IN SELECT * FROM (VALUES
		('request', COALESCE(acols OPERATOR(pg_catalog.->>) 'truck_request_id', 'truck_request_id'), ARRAY[active]),
		('vehicle', COALESCE(acols OPERATOR(pg_catalog.->>) 'vehicle_id', 'vehicle_id'), ARRAY[active]),
		('driver', drv, ARRAY[active, pg_catalog.format('%s AND %I IS NOT NULL', active, drv)]))
		AS v(per, col, ps) LOOP
		-- the predicates as PostgreSQL prints them
		preds := '{}';
		FOREACH pred IN ARRAY inv.ps LOOP
			EXECUTE pg_catalog.format('CREATE UNIQUE INDEX ta_bind_probe_idx ON pg_temp.ta_bind_probe (%I) WHERE %s',
				inv.col, pred);
			preds := preds OPERATOR(pg_catalog.||) (SELECT pg_catalog.pg_get_expr(x.indpred, x.indrelid)
				FROM pg_catalog.pg_index x WHERE x.indexrelid OPERATOR(pg_catalog.=) 'pg_temp.ta_bind_probe_idx'::regclass);
			DROP INDEX pg_temp.ta_bind_probe_idx;
		END LOOP;
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x
			JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) x.indrelid
				AND a.attnum OPERATOR(pg_catalog.=) x.indkey[0]
			WHERE x.indrelid OPERATOR(pg_catalog.=) assignments AND x.indisunique
			  AND x.indimmediate AND x.indisvalid AND x.indnkeyatts OPERATOR(pg_catalog.=) 1
			  AND x.indexprs IS NULL AND a.attname OPERATOR(pg_catalog.=) inv.col
			  -- NULLS NOT DISTINCT (PostgreSQL 15 on) would allow one driverless trip
			  AND (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.->>) 'indnullsnotdistinct') IS DISTINCT FROM 'true'
			  -- a unique index on all rows, not only the active ones, would
			  -- refuse a second trip after a release: it does not count
			  AND pg_catalog.pg_get_expr(x.indpred, x.indrelid) OPERATOR(pg_catalog.=) ANY (preds)) THEN
			what := pg_catalog.format('one active assignment per %s (a unique index of %s on %I where %s)',
				inv.per, assignments, inv.col, preds[pg_catalog.array_length(preds, 1)]);
			ddl := pg_catalog.format('CREATE UNIQUE INDEX %I ON %s (%I) WHERE %s;',
				pg_catalog.left(relname, 36) OPERATOR(pg_catalog.||) '_one_active_per_' OPERATOR(pg_catalog.||) inv.per,
				assignments, inv.col, inv.ps[pg_catalog.array_length(inv.ps, 1)]);
			RETURN NEXT;
		END IF;
	END LOOP;
	DROP TABLE pg_temp.ta_bind_probe;

	-- 0 <= trucks_filled <= trucks_needed, as two checks or one
	SELECT c.relname INTO relname FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) orders;
	EXECUTE pg_catalog.format('CREATE TEMP TABLE ta_bind_probe (LIKE %s)', orders);
	checks := ARRAY[pg_catalog.format('%I OPERATOR(pg_catalog.>=) 0', filled),
		pg_catalog.format('%I OPERATOR(pg_catalog.<=) %I', filled, needed),
		pg_catalog.format('%I OPERATOR(pg_catalog.>=) 0 AND %I OPERATOR(pg_catalog.<=) %I', filled, filled, needed)];
	EXECUTE pg_catalog.format('ALTER TABLE pg_temp.ta_bind_probe ADD CONSTRAINT p1 CHECK (%s),'
		' ADD CONSTRAINT p2 CHECK (%s), ADD CONSTRAINT p3 CHECK (%s)', checks[1], checks[2], checks[3]);
	-- (PostgreSQL 18 keeps NOT NULL constraints there too: CHECKs only)
	SELECT pg_catalog.array_agg(pg_catalog.pg_get_constraintdef(c.oid) ORDER BY c.conname) INTO preds
	FROM pg_catalog.pg_constraint c
	WHERE c.conrelid OPERATOR(pg_catalog.=) 'pg_temp.ta_bind_probe'::regclass
	  AND c.contype OPERATOR(pg_catalog.=) 'c'
	  AND c.conname OPERATOR(pg_catalog.=) ANY (ARRAY['p1', 'p2', 'p3']);
	DROP TABLE pg_temp.ta_bind_probe;
	SELECT pg_catalog.array_agg(pg_catalog.pg_get_constraintdef(c.oid)) INTO have
	FROM pg_catalog.pg_constraint c
	WHERE c.conrelid OPERATOR(pg_catalog.=) orders AND c.contype OPERATOR(pg_catalog.=) 'c' AND c.convalidated;
	have := COALESCE(have, '{}');
	IF NOT (preds[3] OPERATOR(pg_catalog.=) ANY (have)
			OR (preds[1] OPERATOR(pg_catalog.=) ANY (have) AND preds[2] OPERATOR(pg_catalog.=) ANY (have))) THEN
		what := pg_catalog.format('0 <= %I <= %I on %s (a check constraint: %s)', filled, needed, orders, preds[3]);
		ddl := pg_catalog.format('ALTER TABLE %s ADD CONSTRAINT %I CHECK (%s);', orders,
			pg_catalog.left(relname, 40) OPERATOR(pg_catalog.||) '_trucks_filled_check', checks[3]);
		RETURN NEXT;
	END IF;
END
$fn$;

-- Nobody may bind or record tables by accident: the DBA grants bind() and
-- record_table() on purpose, like create_tables().  bind()'s steps and the
-- audit's bound_relation() stay executable by PUBLIC: they run as their
-- caller, read only what PUBLIC may read, and change only the caller's own
-- tables.
REVOKE ALL ON FUNCTION
	truck_accept.record_table(text, regclass, jsonb, jsonb),
	truck_accept.bind(regclass, regclass, regclass, regclass, regclass, text, jsonb, jsonb, text, boolean)
	FROM PUBLIC;
