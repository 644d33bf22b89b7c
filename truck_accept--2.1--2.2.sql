/* truck_accept--2.1--2.2.sql: text ids, and the functions that take and return them */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION truck_accept UPDATE TO '2.2'" to load this file. \quit

/*
 * 2.2 has no install script of its own: CREATE EXTENSION runs 2.0's, then
 * 2.0--2.1 and this one, so a new installation and an updated one are the
 * same.
 *
 * IDS.  The ids of the tables are uuids, or text (an application's
 * "String @id", its legacy cuids, "TRIP-2024-000123"): the type of the
 * orders' "id" column says which, every other id column must be of the same
 * type (text and varchar are one), and of the same collation; the trip id
 * is of either type on its own.  The C code reads them from the tables
 * (catalog.c, IDS), and mints a new assignment's and trip's id as a uuid,
 * as text for a text column.
 *
 * The functions of schema truck_accept keep their uuid signatures, unchanged:
 * a call whose arguments have no type (a literal, a parameter a driver sends
 * untyped) resolves to them exactly as before.  The same functions with
 * text ids are in a schema of their own, truck_accept_text, rather than
 * overloads: an overload of text would take every untyped call of the uuid
 * ones (PostgreSQL prefers text for an unknown-type argument), and those
 * calls would then return text where they returned uuid.  A uuid function
 * refuses text ids (55000); a text function serves uuid ids too, reading a
 * text argument as a uuid (22P02 if it is not one) and returning text.
 * Outcomes, messages, guarantees and the lock order are the same.
 */

/* bind(): ids of type uuid or text, one type (and collation) for all */
CREATE OR REPLACE FUNCTION truck_accept.bind_columns(kind text, rel regclass, given jsonb, naming text)
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
			WHEN 'id' THEN base OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.uuid'::regtype,
				'pg_catalog.text'::regtype, 'pg_catalog.varchar'::regtype])
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
					WHEN 'id' THEN 'uuid, text or varchar' WHEN 'int' THEN 'integer' WHEN 'text' THEN 'text or varchar'
					WHEN 'status' THEN 'text, varchar or an enum'
					ELSE 'timestamp with or without time zone' END
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = pg_catalog.format('It plays "%s" of %s.', col, kind);
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
 * The ids of the tables rels (kinds' order, or a prefix of it), bound as
 * cols says: uuid, or text (text and varchar are one), as the orders' id is;
 * every other id column of that type and, for text, of that collation, since
 * the functions compare ids of different tables; the trip id of either type.
 */
CREATE FUNCTION truck_accept.bind_id_types(rels regclass[], cols jsonb[],
	OUT id_type regtype, OUT id_collation regcollation, OUT trip_type regtype)
RETURNS record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	kinds CONSTANT text[] := ARRAY['orders', 'truck_requests', 'vehicles',
		'drivers', 'assignments'];
	id_cols CONSTANT jsonb := '{"orders": ["id"],
		"truck_requests": ["id", "order_id", "assigned_transporter_id",
			"assigned_vehicle_id", "assigned_driver_id"],
		"vehicles": ["id", "transporter_id"], "drivers": ["id", "transporter_id"],
		"assignments": ["id", "truck_request_id", "order_id", "transporter_id",
			"vehicle_id", "driver_id", "trip_id"]}';
	c record;
	typ regtype;
BEGIN
	FOR c IN SELECT k.i, r.col, a.attname, a.atttypid, a.atttypmod, a.attcollation,
			COALESCE(NULLIF(t.typbasetype, 0), t.oid)::pg_catalog.regtype AS base
		FROM pg_catalog.generate_subscripts(rels, 1) k(i)
			 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements_text(
				id_cols OPERATOR(pg_catalog.->) kinds[k.i]) WITH ORDINALITY r(col, n)
			 JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rels[k.i]
				AND a.attname OPERATOR(pg_catalog.=)
					COALESCE(cols[k.i] OPERATOR(pg_catalog.->>) r.col, r.col)
				AND NOT a.attisdropped
			 JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
		ORDER BY k.i, r.n LOOP
		typ := CASE WHEN c.base OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text'::regtype,
				'pg_catalog.varchar'::regtype])
			THEN 'pg_catalog.text'::regtype ELSE 'pg_catalog.uuid'::regtype END;
		-- the ids the functions make: a uuid's 36 characters must fit
		IF kinds[c.i] OPERATOR(pg_catalog.=) 'assignments'
			AND c.col OPERATOR(pg_catalog.=) ANY (ARRAY['id', 'trip_id'])
			AND c.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.varchar'::regtype
			AND c.atttypmod OPERATOR(pg_catalog.<>) -1
			AND c.atttypmod OPERATOR(pg_catalog.-) 4 OPERATOR(pg_catalog.<) 36 THEN
			RAISE EXCEPTION 'column "%" of relation % is of type %, too short for the ids truck_accept makes',
				c.attname, rels[c.i], pg_catalog.format_type(c.atttypid, c.atttypmod)
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = pg_catalog.format('It plays "%s" of assignments: a new assignment''s %s is a fresh uuid, 36 characters as text.',
						c.col, CASE c.col WHEN 'id' THEN 'id' ELSE 'trip id' END),
					  HINT = 'Make it text, or varchar(36) or longer, with ALTER TABLE.';
		END IF;
		IF c.col OPERATOR(pg_catalog.=) 'trip_id' THEN
			trip_type := typ;
		ELSIF id_type IS NULL THEN
			id_type := typ;
			IF typ OPERATOR(pg_catalog.=) 'pg_catalog.text'::regtype THEN
				id_collation := c.attcollation;
			END IF;
		ELSIF typ OPERATOR(pg_catalog.<>) id_type THEN
			RAISE EXCEPTION 'column "%" of relation % is of type %, but the ids of the tables are %',
				c.attname, rels[c.i], pg_catalog.format_type(c.atttypid, NULL), id_type
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = pg_catalog.format('Every id column is of the type of the orders'' id, %s: uuid, or text. Only the trip id may differ.', rels[1]),
					  HINT = 'Give all id columns one type with ALTER TABLE.';
		ELSIF typ OPERATOR(pg_catalog.=) 'pg_catalog.text'::regtype
			AND c.attcollation OPERATOR(pg_catalog.<>) id_collation::pg_catalog.oid THEN
			RAISE EXCEPTION 'column "%" of relation % has collation %, but the ids of the tables have collation %',
				c.attname, rels[c.i], c.attcollation::regcollation, id_collation
				USING ERRCODE = 'collation_mismatch',
					  DETAIL = 'The functions compare ids of different tables with each other, under one collation: the orders'' id''s.',
					  HINT = 'Give all id columns one collation with ALTER TABLE ... ALTER COLUMN ... TYPE text COLLATE ....';
		END IF;
	END LOOP;
END
$fn$;

/* The events outbox, with ids of the tables' type. */
CREATE FUNCTION truck_accept.bind_events(name text, id_type regtype,
	id_collation regcollation)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	ev regclass := pg_catalog.to_regclass(name);
	parts text[] := pg_catalog.parse_ident(name);
	want CONSTANT jsonb := pg_catalog.jsonb_build_object('id', 'bigint', 'event_type', 'text',
		'order_id', id_type, 'request_id', id_type, 'assignment_id', id_type,
		'transporter_id', id_type, 'payload', 'jsonb');
	id_ddl CONSTANT text := pg_catalog.format('%s%s', id_type,
		' COLLATE ' OPERATOR(pg_catalog.||) id_collation::text);
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
	order_id %3$s,
	request_id %3$s,
	assignment_id %3$s,
	transporter_id %3$s,
	payload jsonb NOT NULL,
	created_at timestamptz NOT NULL DEFAULT pg_catalog.now())$ddl$, parts[1], parts[2], id_ddl);
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
		IF c.atttypid IS NULL OR (pg_catalog.format_type(c.atttypid, NULL) OPERATOR(pg_catalog.<>) c.value
			AND NOT (c.value OPERATOR(pg_catalog.=) 'text' AND c.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.varchar'::regtype)) THEN
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

/* No drivers table: an empty one of the extension's shape, with ids of the tables' type. */
CREATE FUNCTION truck_accept.bind_no_drivers(assignments regclass,
	id_type regtype, id_collation regcollation)
RETURNS regclass
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	nsp CONSTANT text := (SELECT n.nspname FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		WHERE c.oid OPERATOR(pg_catalog.=) assignments);
	rel regclass;
	id_ddl CONSTANT text := pg_catalog.format('%s%s', id_type,
		' COLLATE ' OPERATOR(pg_catalog.||) id_collation::text);
BEGIN
	EXECUTE pg_catalog.format($ddl$CREATE TABLE %I.truck_accept_drivers (
	id %2$s PRIMARY KEY,
	transporter_id %2$s NOT NULL,
	status text NOT NULL DEFAULT 'available',
	updated_at timestamptz NOT NULL DEFAULT pg_catalog.now())$ddl$, nsp, id_ddl);
	rel := pg_catalog.format('%I.truck_accept_drivers', nsp)::regclass;
	EXECUTE pg_catalog.format('COMMENT ON TABLE %s IS %L', rel,
		'no drivers: truck_accept.bind() made this empty table; a call that names a driver answers driver_not_found');
	RAISE NOTICE 'bind() created the empty table % for drivers', rel;
	RETURN rel;
END
$fn$;

DROP FUNCTION truck_accept.bind_events(text);
DROP FUNCTION truck_accept.bind_no_drivers(regclass);

/* bind() as in 2.1, with the ids' type found first. */
CREATE OR REPLACE FUNCTION truck_accept.bind(
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
	ids record;
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
		columns := columns OPERATOR(pg_catalog.-) 'drivers';
		statuses := statuses OPERATOR(pg_catalog.-) 'drivers';
	END IF;
	rels := ARRAY[orders, truck_requests, vehicles, drivers, assignments];
	IF (SELECT pg_catalog.count(DISTINCT r) FROM pg_catalog.unnest(rels) r)
		OPERATOR(pg_catalog.<>) (CASE WHEN no_drivers THEN 4 ELSE 5 END) THEN
		RAISE EXCEPTION 'bind() needs five different tables'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('Given: %s.', pg_catalog.array_to_string(rels, ', '));
	END IF;
	FOR i IN 1 .. 5 LOOP
		k := kinds[i];
		IF i OPERATOR(pg_catalog.=) 4 AND no_drivers THEN
			-- an application without drivers: an empty table of the
			-- extension's own shape, with ids like the orders' (a call that
			-- names a driver answers driver_not_found)
			SELECT * INTO ids FROM truck_accept.bind_id_types(rels[1:1], bound_cols);
			drivers := truck_accept.bind_no_drivers(assignments, ids.id_type, ids.id_collation);
			rels[4] := drivers;
		END IF;
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
	-- one type of ids (and one collation), the trip id's own
	SELECT * INTO ids FROM truck_accept.bind_id_types(rels, bound_cols);
	ev := truck_accept.bind_events(COALESCE(events, pg_catalog.format('%I.truck_accept_events',
		(SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
			ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
		 WHERE c.oid OPERATOR(pg_catalog.=) assignments))), ids.id_type, ids.id_collation);

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

/*
 * The audit, as in 2.1, as a query: every id of the type of the tables' ids.
 * truck_accept.check_invariants() returns them as uuid, and refuses text ids
 * as the C functions do; truck_accept_text's returns them as text.
 */
CREATE FUNCTION truck_accept.audit_sql()
RETURNS text
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
	RETURN pg_catalog.format($q$
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

/* The type of the tables' ids: uuid, or text (see IDS above). */
CREATE FUNCTION truck_accept.bound_id_type()
RETURNS regtype
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT CASE WHEN COALESCE(NULLIF(t.typbasetype, 0), t.oid) OPERATOR(pg_catalog.=)
		ANY (ARRAY['pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.varchar'::pg_catalog.regtype]::pg_catalog.oid[])
	THEN 'pg_catalog.text'::pg_catalog.regtype ELSE 'pg_catalog.uuid'::pg_catalog.regtype END
FROM truck_accept.bound_tables b
	 JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) b.relid
		AND a.attname OPERATOR(pg_catalog.=) COALESCE(b.columns OPERATOR(pg_catalog.->>) 'id', 'id')
		AND NOT a.attisdropped
	 JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
WHERE b.kind OPERATOR(pg_catalog.=) 'orders'
$fn$;

CREATE OR REPLACE FUNCTION truck_accept.check_invariants(
	OUT invariant text, OUT id uuid, OUT detail text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	IF truck_accept.bound_id_type() OPERATOR(pg_catalog.=) 'pg_catalog.text'::regtype THEN
		RAISE EXCEPTION 'function truck_accept.check_invariants() returns uuid ids, but the ids of truck_accept''s tables are text'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'Call truck_accept_text.check_invariants(), or read the view truck_accept_text.invariant_violations.';
	END IF;
	RETURN QUERY EXECUTE truck_accept.audit_sql();
END
$fn$;

/*
 * truck_accept_text: the functions that take or return ids, with text ids.
 * Each points at the C symbol of its uuid namesake's with "_text" appended,
 * which serves both APIs (ids.c).  expire_truck_requests() takes and returns
 * no ids: it stays in truck_accept alone.
 */
CREATE SCHEMA truck_accept_text;
COMMENT ON SCHEMA truck_accept_text IS
	'truck_accept''s functions with text ids, for tables whose ids are text (uuid ids work too, as text)';

CREATE TYPE truck_accept_text.accept_any_result AS (
	outcome text,
	accepted boolean,
	assignment_id text,
	trip_id text,
	order_id text,
	trucks_filled integer,
	trucks_needed integer,
	order_status text,
	message text,
	request_id text
);

CREATE TYPE truck_accept_text.event AS (
	id bigint,
	event_type text,
	order_id text,
	request_id text,
	assignment_id text,
	transporter_id text,
	payload jsonb,
	created_at timestamptz
);

CREATE FUNCTION truck_accept_text.accept_truck_request(
	request_id text,
	transporter_id text,
	vehicle_id text,
	driver_id text DEFAULT NULL,
	OUT outcome text,
	OUT accepted boolean,
	OUT assignment_id text,
	OUT trip_id text,
	OUT order_id text,
	OUT trucks_filled integer,
	OUT trucks_needed integer,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'accept_truck_request_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept_text.accept_truck_request(text, text, text, text) IS
	'accept a truck request for a transporter''s vehicle (and driver), atomically under row locks; returns one row with the outcome (text ids)';

CREATE FUNCTION truck_accept_text.accept_any_truck_request(
	order_id text,
	transporter_id text,
	vehicle_id text,
	driver_id text DEFAULT NULL)
RETURNS truck_accept_text.accept_any_result
AS 'MODULE_PATHNAME', 'accept_any_truck_request_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept_text.accept_any_truck_request(text, text, text, text) IS
	'accept any free truck request of an order (SKIP LOCKED, never "no slot" while one can still be won); returns one row with the outcome and the request (text ids)';

CREATE FUNCTION truck_accept_text.release_truck_request(
	request_id text,
	transporter_id text,
	OUT outcome text,
	OUT released boolean,
	OUT assignment_id text,
	OUT order_id text,
	OUT trucks_filled integer,
	OUT trucks_needed integer,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'release_truck_request_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept_text.release_truck_request(text, text) IS
	'the holder of a truck request backs out: assignment released, request searching again, order counter minus one (text ids)';

CREATE FUNCTION truck_accept_text.cancel_order(
	order_id text,
	OUT outcome text,
	OUT cancelled boolean,
	OUT requests_cancelled integer,
	OUT assignments_cancelled integer,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'cancel_order_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept_text.cancel_order(text) IS
	'the customer cancels an order: its searching requests and active assignments are cancelled, vehicles and drivers freed (text ids)';

CREATE FUNCTION truck_accept_text.complete_assignment(
	assignment_id text,
	OUT outcome text,
	OUT completed boolean,
	OUT request_id text,
	OUT order_id text,
	OUT order_status text,
	OUT message text)
RETURNS record
AS 'MODULE_PATHNAME', 'complete_assignment_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION truck_accept_text.complete_assignment(text) IS
	'the trip is done: assignment and request completed, vehicle and driver available, the order completed when all its trucks are (text ids)';

CREATE FUNCTION truck_accept_text.take_events(max_count integer)
RETURNS SETOF truck_accept_text.event
AS 'MODULE_PATHNAME', 'take_events_text'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE ROWS 100;
COMMENT ON FUNCTION truck_accept_text.take_events(integer) IS
	'hand up to max_count of the oldest events to this consumer, exactly once: removed in the consumer''s transaction, skipping those another consumer holds (text ids)';

CREATE FUNCTION truck_accept_text.check_invariants(
	OUT invariant text, OUT id text, OUT detail text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
	RETURN QUERY EXECUTE pg_catalog.format(
		'SELECT q.invariant, q.id::pg_catalog.text, q.detail FROM (%s) q',
		truck_accept.audit_sql());
END
$fn$;
COMMENT ON FUNCTION truck_accept_text.check_invariants() IS
	'one row per broken invariant between the recorded orders, requests, vehicles, drivers and assignments; empty when consistent (text ids)';

CREATE VIEW truck_accept_text.invariant_violations AS
	SELECT c.invariant, c.id, c.detail FROM truck_accept_text.check_invariants() c;
COMMENT ON VIEW truck_accept_text.invariant_violations IS
	'one row per broken invariant between orders, requests, vehicles, drivers and assignments; empty when consistent (text ids)';

/*
 * create_api() as in 2.0, for tables with text ids (or text trip ids) too:
 * then its wrappers take and return text, and call truck_accept_text's
 * functions (expire_truck_requests() is truck_accept's for both).
 */
CREATE OR REPLACE FUNCTION truck_accept.create_api(api_schema name, app_role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
	s text;
	f record;
	missing text;
	-- text ids (or text trip ids): wrappers of truck_accept_text's functions
	text_ids CONSTANT boolean :=
		truck_accept.bound_id_type() OPERATOR(pg_catalog.=) 'pg_catalog.text'::pg_catalog.regtype
		OR EXISTS (SELECT FROM truck_accept.bound_tables b
			JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) b.relid
				AND a.attname OPERATOR(pg_catalog.=) COALESCE(b.columns OPERATOR(pg_catalog.->>) 'trip_id', 'trip_id')
				AND NOT a.attisdropped
			JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
			WHERE b.kind OPERATOR(pg_catalog.=) 'assignments'
			  AND COALESCE(NULLIF(t.typbasetype, 0), t.oid) OPERATOR(pg_catalog.=)
				ANY (ARRAY['pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.varchar'::pg_catalog.regtype]::pg_catalog.oid[]));
	idt CONSTANT text := CASE WHEN text_ids THEN 'text' ELSE 'uuid' END;
	api CONSTANT text := CASE WHEN text_ids THEN 'truck_accept_text' ELSE 'truck_accept' END;
	-- the functions wrapped, with their schemas
	wrappers CONSTANT text[] := ARRAY[
		pg_catalog.format('%s.accept_truck_request(%2$s, %2$s, %2$s, %2$s)', api, idt),
		pg_catalog.format('%s.accept_any_truck_request(%2$s, %2$s, %2$s, %2$s)', api, idt),
		pg_catalog.format('%s.release_truck_request(%2$s, %2$s)', api, idt),
		pg_catalog.format('%s.cancel_order(%s)', api, idt),
		'truck_accept.expire_truck_requests(timestamptz)',
		pg_catalog.format('%s.complete_assignment(%s)', api, idt),
		pg_catalog.format('%s.take_events(integer)', api)];
	-- the wrappers' own signatures (expire's takes no as_of: the role may
	-- expire what is due, not move the clock)
	api_signatures CONSTANT text[] := ARRAY[
		pg_catalog.format('accept_truck_request(%1$s, %1$s, %1$s, %1$s)', idt),
		pg_catalog.format('accept_any_truck_request(%1$s, %1$s, %1$s, %1$s)', idt),
		pg_catalog.format('release_truck_request(%1$s, %1$s)', idt),
		pg_catalog.format('cancel_order(%s)', idt),
		'expire_truck_requests()',
		pg_catalog.format('complete_assignment(%s)', idt),
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
	IF text_ids AND NOT pg_catalog.has_schema_privilege('truck_accept_text', 'USAGE') THEN
		RAISE EXCEPTION 'role "%" has no USAGE on schema truck_accept_text', CURRENT_USER
			USING ERRCODE = 'insufficient_privilege',
				  DETAIL = 'The tables'' ids are text: the wrappers call the functions of truck_accept_text.',
				  HINT = pg_catalog.format('GRANT USAGE ON SCHEMA truck_accept_text TO %I;', CURRENT_USER);
	END IF;
	FOREACH w IN ARRAY wrappers LOOP
		IF NOT pg_catalog.has_function_privilege(w::pg_catalog.regprocedure, 'EXECUTE') THEN
			RAISE EXCEPTION 'role "%" may not execute function %', CURRENT_USER, w
				USING ERRCODE = 'insufficient_privilege',
					  HINT = pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I;', w, CURRENT_USER);
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
	request_id %2$s, transporter_id %2$s, vehicle_id %2$s, driver_id %2$s DEFAULT NULL,
	OUT outcome text, OUT accepted boolean, OUT assignment_id %2$s, OUT trip_id %2$s,
	OUT order_id %2$s, OUT trucks_filled integer, OUT trucks_needed integer,
	OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM %3$s.accept_truck_request($1, $2, $3, $4)'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE TYPE %1$s.accept_any_result AS (
	outcome text, accepted boolean, assignment_id %2$s, trip_id %2$s, order_id %2$s,
	trucks_filled integer, trucks_needed integer, order_status text, message text,
	request_id %2$s)$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.accept_any_truck_request(
	order_id %2$s, transporter_id %2$s, vehicle_id %2$s, driver_id %2$s DEFAULT NULL)
RETURNS %1$s.accept_any_result LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM %3$s.accept_any_truck_request($1, $2, $3, $4)'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.release_truck_request(
	request_id %2$s, transporter_id %2$s,
	OUT outcome text, OUT released boolean, OUT assignment_id %2$s, OUT order_id %2$s,
	OUT trucks_filled integer, OUT trucks_needed integer, OUT order_status text,
	OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM %3$s.release_truck_request($1, $2)'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.cancel_order(
	order_id %2$s,
	OUT outcome text, OUT cancelled boolean, OUT requests_cancelled integer,
	OUT assignments_cancelled integer, OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM %3$s.cancel_order($1)'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.expire_truck_requests()
RETURNS integer LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT truck_accept.expire_truck_requests(pg_catalog.now())'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.complete_assignment(
	assignment_id %2$s,
	OUT outcome text, OUT completed boolean, OUT request_id %2$s, OUT order_id %2$s,
	OUT order_status text, OUT message text)
RETURNS record LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS 'SELECT * FROM %3$s.complete_assignment($1)'$ddl$, s, idt, api);
	EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION %1$s.take_events(max_count integer)
RETURNS TABLE (id bigint, event_type text, order_id %2$s, request_id %2$s,
	assignment_id %2$s, transporter_id %2$s, payload jsonb, created_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp ROWS 100
AS 'SELECT e.id, e.event_type, e.order_id, e.request_id, e.assignment_id,
		   e.transporter_id, e.payload, e.created_at
	FROM %3$s.take_events($1) e'$ddl$, s, idt, api);

	-- labelled like the functions they wrap; only app_role may call them,
	-- whatever default privileges would have granted
	FOR i IN 1 .. pg_catalog.array_length(wrappers, 1) LOOP
		w := s OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) api_signatures[i];
		EXECUTE pg_catalog.format('COMMENT ON FUNCTION %s IS %L', w,
			'EXECUTE-only API (truck_accept.create_api), as its owner: ' OPERATOR(pg_catalog.||)
			pg_catalog.obj_description(wrappers[i]::pg_catalog.regprocedure,
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

-- As in truck_accept: nobody gets at the functions by accident.  The audit
-- reads the tables with the caller's own privileges; its helpers and
-- bind()'s new steps stay executable by PUBLIC, as 2.1's are.
REVOKE ALL ON truck_accept_text.invariant_violations FROM PUBLIC;
REVOKE ALL ON FUNCTION
	truck_accept_text.accept_truck_request(text, text, text, text),
	truck_accept_text.accept_any_truck_request(text, text, text, text),
	truck_accept_text.release_truck_request(text, text),
	truck_accept_text.cancel_order(text),
	truck_accept_text.complete_assignment(text),
	truck_accept_text.take_events(integer)
	FROM PUBLIC;
