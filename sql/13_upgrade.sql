-- 13_upgrade: a database on truck_accept 1.0 (no events, no lifecycle
-- functions) keeps its data through ALTER EXTENSION UPDATE TO '1.1', comes
-- out consistent and appends events from then on; then through UPDATE TO
-- '2.0' its six tables stay where they are, with every row, constraint,
-- index, grant, comment and the events sequence's position, but stop being
-- members of the extension and are recorded in its catalog; and 1.0 goes to
-- 2.0 in one step too; then 2.0 goes to 2.1 and 2.2 with its rows, and 1.0
-- to 2.2 in one step.  The updated extension has the member objects of a
-- fresh CREATE EXTENSION (take_events' result type aside, as documented), and
-- its tables have the shape of those create_tables() makes.  The database is
-- left with a fresh truck_accept at its default version, working on the
-- tables in public again.
\i sql/include/tables.sql
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t13;
SET search_path = t13, public;

\i sql/include/helpers.sql

-- (state() names tables that exist only from 1.0 on)
SET check_function_bodies = off;
CREATE FUNCTION state() RETURNS TABLE (order_name text, order_status text, filled text, requests text)
LANGUAGE sql AS $$
	SELECT nm(o.id), o.status, o.trucks_filled || '/' || o.trucks_needed,
		   (SELECT string_agg(nm(r.id) || ' ' || r.status
							  || coalesce(' ' || nm(r.assigned_vehicle_id), ''), ', ' ORDER BY r.id)
			FROM truck_accept.truck_requests r WHERE r.order_id = o.id)
	FROM truck_accept.orders o ORDER BY o.id
$$;
RESET check_function_bodies;
-- the extension's functions, with the C symbol each calls
CREATE FUNCTION functions() RETURNS TABLE (function regprocedure, c_symbol text)
LANGUAGE sql AS $$
	SELECT p.oid::regprocedure, p.prosrc FROM pg_proc p
	WHERE p.pronamespace = 'truck_accept'::regnamespace ORDER BY p.oid::regprocedure::text
$$;
-- The six tables' shape in a schema: columns, defaults, constraints,
-- indexes, comments and the owner of the events sequence, with the schema's
-- name taken out.
CREATE FUNCTION table_shape(nsp text) RETURNS TABLE (tbl text, definition text)
LANGUAGE sql AS $$
	SELECT c.relname::text, replace(concat_ws(E'\n',
		'columns ' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
				|| CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
				|| coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), ''),
				', ' ORDER BY a.attnum)
			FROM pg_attribute a
			LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
			WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
		'constraints ' || (SELECT string_agg(con.conname || ' ' || pg_get_constraintdef(con.oid),
				', ' ORDER BY con.conname) FROM pg_constraint con WHERE con.conrelid = c.oid),
		'indexes ' || (SELECT string_agg(pg_get_indexdef(i.indexrelid), ', '
				ORDER BY pg_get_indexdef(i.indexrelid)) FROM pg_index i WHERE i.indrelid = c.oid),
		'comment ' || coalesce(obj_description(c.oid, 'pg_class'), '-')), nsp || '.', 'SCHEMA.')
	FROM pg_class c
	WHERE c.relnamespace = nsp::regnamespace
	  AND c.relname IN ('orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events')
	  AND c.relkind = 'r'
$$;
-- The extension's shape: one row per member object (pg_depend deptype 'e')
-- that the scripts create, with what defines it: a function's full
-- definition, a relation's columns, defaults, constraints, indexes, view text
-- or sequence parameters, a type's attributes, and every object's comment and
-- privileges; plus the tables whose rows pg_dump keeps.  The row type of a
-- table or view and every array type are left out: PostgreSQL makes them
-- along with what the scripts create, and from 17 on records them as members
-- too.
CREATE FUNCTION shape() RETURNS TABLE (member text, definition text)
LANGUAGE sql AS $$
	SELECT pg_describe_object(d.classid, d.objid, d.objsubid),
		   concat_ws(E'\n',
			 CASE WHEN d.classid = 'pg_proc'::regclass THEN
				 pg_get_functiondef(d.objid) || ' acl ' || coalesce(
					 (SELECT p.proacl::text FROM pg_proc p WHERE p.oid = d.objid), '-')
			 END,
			 CASE WHEN d.classid = 'pg_class'::regclass THEN
				 (SELECT c.relkind::text || ' acl ' || coalesce(c.relacl::text, '-')
						 || ' view ' || coalesce(pg_get_viewdef(c.oid), '-')
				  FROM pg_class c WHERE c.oid = d.objid)
				 || ' columns ' || coalesce((SELECT string_agg(a.attname || ' '
						 || format_type(a.atttypid, a.atttypmod)
						 || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
						 || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), ''),
						 ', ' ORDER BY a.attnum)
					 FROM pg_attribute a
					 LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
					 WHERE a.attrelid = d.objid AND a.attnum > 0 AND NOT a.attisdropped), '-')
				 || ' constraints ' || coalesce((SELECT string_agg(con.conname || ' '
						 || pg_get_constraintdef(con.oid), ', ' ORDER BY con.conname)
					 FROM pg_constraint con WHERE con.conrelid = d.objid), '-')
				 || ' indexes ' || coalesce((SELECT string_agg(pg_get_indexdef(i.indexrelid), ', '
						 ORDER BY pg_get_indexdef(i.indexrelid))
					 FROM pg_index i WHERE i.indrelid = d.objid), '-')
				 || ' sequence ' || coalesce((SELECT format('%s %s %s %s %s', s.seqtypid::regtype,
						 s.seqstart, s.seqincrement, s.seqmin, s.seqmax)
					 FROM pg_sequence s WHERE s.seqrelid = d.objid), '-')
			 END,
			 CASE WHEN d.classid = 'pg_type'::regclass THEN
				 (SELECT t.typtype::text || ' acl ' || coalesce(t.typacl::text, '-') || ' attributes '
						 || coalesce((SELECT string_agg(a.attname || ' '
							 || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
						  FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0), '-')
				  FROM pg_type t WHERE t.oid = d.objid)
			 END,
			 'comment ' || coalesce((SELECT ds.description FROM pg_description ds
				 WHERE ds.objoid = d.objid AND ds.classoid = d.classid AND ds.objsubid = 0), '-'))
	FROM pg_depend d
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	  AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'truck_accept')
	  AND NOT (d.classid = 'pg_type'::regclass AND EXISTS (
		  SELECT FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid
		  WHERE t.oid = d.objid
			AND (c.relkind <> 'c'
				 OR EXISTS (SELECT FROM pg_type e WHERE e.typarray = t.oid))))
	UNION ALL
	SELECT 'pg_dump keeps', (SELECT string_agg(concat_ws(' where ', c::regclass::text, nullif(w, '')),
								 ', ' ORDER BY c::regclass::text)
							 FROM unnest(e.extconfig, e.extcondition) u(c, w))
	FROM pg_extension e WHERE e.extname = 'truck_accept'
$$;

-- pg_regress created the database with the default version; 1.0 can move up
-- to it.
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
SELECT version FROM pg_available_extension_versions
WHERE name = 'truck_accept' ORDER BY version;
SELECT source, target, path FROM pg_extension_update_paths('truck_accept')
WHERE path IS NOT NULL ORDER BY source, target;

-- A database on 1.0.
DROP EXTENSION truck_accept;
CREATE EXTENSION truck_accept VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
-- no events table, no lifecycle function: just accept, served by its 1.0 symbol
SELECT to_regclass('truck_accept.events') AS events_table,
	   to_regtype('truck_accept.accept_any_result') AS accept_any_result;
SELECT * FROM functions();

-- Data, and acceptances under 1.0: they write no event (there is nowhere to).
INSERT INTO truck_accept.orders (id, trucks_needed) VALUES (id('o1'), 2), (id('o2'), 1);
INSERT INTO truck_accept.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r1'), id('o1'), 'open_17ft'),
	(id('r2'), id('o1'), 'open_17ft'),
	(id('r3'), id('o2'), 'open_17ft');
INSERT INTO truck_accept.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'),
	(id('vb'), id('bravo'), 'open_17ft'),
	(id('vc'), id('charlie'), 'open_17ft');
INSERT INTO truck_accept.drivers (id, transporter_id) VALUES (id('da'), id('alpha'));
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r1'), id('alpha'), id('va'), id('da'));
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r3'), id('bravo'), id('vb'));
SELECT * FROM state();
SELECT * FROM truck_accept.invariant_violations;
CREATE TEMP TABLE data_1_0 AS
SELECT 'orders' AS tbl, to_jsonb(o) AS r FROM truck_accept.orders o
UNION ALL SELECT 'truck_requests', to_jsonb(r) FROM truck_accept.truck_requests r
UNION ALL SELECT 'vehicles', to_jsonb(v) FROM truck_accept.vehicles v
UNION ALL SELECT 'drivers', to_jsonb(d) FROM truck_accept.drivers d
UNION ALL SELECT 'assignments', to_jsonb(a) FROM truck_accept.assignments a;

-- The update.
ALTER EXTENSION truck_accept UPDATE TO '1.1';
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
-- the new functions, and accept now served by its 1.1 symbol
SELECT * FROM functions();
SELECT to_regclass('truck_accept.events') AS events_table,
	   to_regtype('truck_accept.accept_any_result') AS accept_any_result;
-- every row survived, unchanged
SELECT tbl, count(*) AS rows,
	   count(*) FILTER (WHERE r IN (SELECT to_jsonb(o) FROM truck_accept.orders o
			UNION ALL SELECT to_jsonb(q) FROM truck_accept.truck_requests q
			UNION ALL SELECT to_jsonb(v) FROM truck_accept.vehicles v
			UNION ALL SELECT to_jsonb(d) FROM truck_accept.drivers d
			UNION ALL SELECT to_jsonb(a) FROM truck_accept.assignments a)) AS unchanged
FROM data_1_0 GROUP BY tbl ORDER BY tbl;
-- consistent under 1.1's audit, and the 1.0 acceptances left no event
SELECT * FROM truck_accept.invariant_violations;
SELECT count(*) AS events FROM truck_accept.events;

-- accept now appends its event ...
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r2'), id('charlie'), id('vc'));
SELECT event_type, named(payload - 'assignment_id' - 'trip_id') AS payload_without_random_ids
FROM truck_accept.events ORDER BY id;
-- ... and the lifecycle functions work on what 1.0 wrote.
SELECT outcome, completed, nm(request_id) AS request, order_status
FROM truck_accept.complete_assignment(
	(SELECT id FROM truck_accept.assignments WHERE truck_request_id = id('r1')));
SELECT outcome, released, trucks_filled, trucks_needed, order_status
FROM truck_accept.release_truck_request(id('r3'), id('bravo'));
SELECT * FROM state();
SELECT array_agg(event_type ORDER BY id) AS events FROM truck_accept.events;
SELECT * FROM truck_accept.invariant_violations;

-- A role the application granted the tables and functions to, before 2.0.
CREATE ROLE t13_app;
GRANT USAGE ON SCHEMA truck_accept TO t13_app;
GRANT SELECT, INSERT ON truck_accept.orders TO t13_app;
GRANT SELECT ON truck_accept.invariant_violations TO t13_app;
GRANT EXECUTE ON FUNCTION truck_accept.take_events(integer) TO t13_app;
COMMENT ON COLUMN truck_accept.orders.status IS 'a comment of the application';
SELECT nextval('truck_accept.events_id_seq') AS events_seq_before;
CREATE TEMP TABLE data_1_1 AS
SELECT 'orders' AS tbl, to_jsonb(o) AS r FROM truck_accept.orders o
UNION ALL SELECT 'truck_requests', to_jsonb(r) FROM truck_accept.truck_requests r
UNION ALL SELECT 'vehicles', to_jsonb(v) FROM truck_accept.vehicles v
UNION ALL SELECT 'drivers', to_jsonb(d) FROM truck_accept.drivers d
UNION ALL SELECT 'assignments', to_jsonb(a) FROM truck_accept.assignments a
UNION ALL SELECT 'events', to_jsonb(e) FROM truck_accept.events e;

-- The update to 2.0.
ALTER EXTENSION truck_accept UPDATE TO '2.0';
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
-- every row survived, unchanged, where it was
SELECT tbl, count(*) AS rows,
	   count(*) FILTER (WHERE r IN (SELECT to_jsonb(o) FROM truck_accept.orders o
			UNION ALL SELECT to_jsonb(q) FROM truck_accept.truck_requests q
			UNION ALL SELECT to_jsonb(v) FROM truck_accept.vehicles v
			UNION ALL SELECT to_jsonb(d) FROM truck_accept.drivers d
			UNION ALL SELECT to_jsonb(a) FROM truck_accept.assignments a
			UNION ALL SELECT to_jsonb(e) FROM truck_accept.events e)) AS unchanged
FROM data_1_1 GROUP BY tbl ORDER BY tbl;
-- the tables are recorded, and no longer members (nor in the dump configuration)
SELECT kind, relid FROM truck_accept.bound_tables ORDER BY kind;
SELECT c.relname, EXISTS (SELECT FROM pg_depend d
		WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') AS member
FROM pg_class c WHERE c.relnamespace = 'truck_accept'::regnamespace AND c.relkind IN ('r', 'S', 'v')
ORDER BY c.relname;
SELECT extconfig::regclass[] AS dumped_with_the_extension FROM pg_extension WHERE extname = 'truck_accept';
-- grants, comments and the sequence's position kept
SELECT has_table_privilege('t13_app', 'truck_accept.orders', 'INSERT') AS app_inserts_orders,
	   has_table_privilege('t13_app', 'truck_accept.invariant_violations', 'SELECT') AS app_audits,
	   has_function_privilege('t13_app', 'truck_accept.take_events(integer)', 'EXECUTE') AS app_takes_events,
	   col_description('truck_accept.orders'::regclass, 4) AS status_comment;
-- the role keeps its grant on the view, but from 2.0 the audit reads the
-- tables with the caller's privileges: it needs SELECT on them too
SET ROLE t13_app;
SELECT count(*) FROM truck_accept.invariant_violations;
RESET ROLE;
GRANT SELECT ON truck_accept.truck_requests, truck_accept.vehicles, truck_accept.drivers,
	truck_accept.assignments TO t13_app;
SET ROLE t13_app;
SELECT count(*) AS violations_seen_by_app FROM truck_accept.invariant_violations;
RESET ROLE;
SELECT nextval('truck_accept.events_id_seq') AS events_seq_after;
SELECT setval('truck_accept.events_id_seq', (SELECT max(id) FROM truck_accept.events));
-- consistent under the audit of the recorded tables
SELECT * FROM truck_accept.invariant_violations;
-- the functions work on the same tables, and events go on
SELECT outcome, released, trucks_filled, trucks_needed, order_status
FROM truck_accept.release_truck_request(id('r2'), id('charlie'));
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r2'), id('alpha'), id('va'));
SELECT * FROM state();
-- take_events returns the row type of the events table here: a column the
-- application adds comes back; the table cannot be dropped under it
ALTER TABLE truck_accept.events ADD COLUMN source text NOT NULL DEFAULT 'app';
SELECT id, event_type, source FROM truck_accept.take_events(100);
ALTER TABLE truck_accept.events DROP COLUMN source;
DROP TABLE truck_accept.events;
SELECT * FROM truck_accept.invariant_violations;
-- create_tables() refuses: the tables are recorded
SELECT truck_accept.create_tables('t13');

-- The update to 2.1: the catalog gains each table's binding, empty for
-- these (the extension's own names); every row stays, the functions work on.
ALTER EXTENSION truck_accept UPDATE TO '2.1';
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
SELECT kind, relid, columns, statuses FROM truck_accept.bound_tables ORDER BY kind;
SELECT tbl, count(*) AS rows FROM data_1_1 GROUP BY tbl ORDER BY tbl;
SELECT outcome, released, trucks_filled, trucks_needed, order_status
FROM truck_accept.release_truck_request(id('r2'), id('alpha'));
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r2'), id('alpha'), id('va'));
SELECT * FROM state();
SELECT * FROM truck_accept.invariant_violations;

-- The update to 2.2: the functions with text ids arrive in a schema of their
-- own, truck_accept_text; they serve these uuid ids too, as text.  Every row
-- stays, the uuid functions work on.
ALTER EXTENSION truck_accept UPDATE TO '2.2';
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
SELECT kind, relid, columns, statuses FROM truck_accept.bound_tables ORDER BY kind;
SELECT tbl, count(*) AS rows FROM data_1_1 GROUP BY tbl ORDER BY tbl;
SELECT outcome, released, trucks_filled, trucks_needed, order_status
FROM truck_accept_text.release_truck_request(id('r2')::text, id('alpha')::text);
SELECT outcome, trucks_filled, trucks_needed, order_status,
	   pg_typeof(assignment_id) AS id_type, assignment_id::uuid IS NOT NULL AS is_uuid
FROM truck_accept_text.accept_truck_request(id('r2')::text, id('alpha')::text, id('va')::text);
SELECT outcome, order_status
FROM truck_accept.accept_truck_request(id('r2'), id('alpha'), id('va'));
SELECT * FROM state();
SELECT * FROM truck_accept.invariant_violations;
SELECT * FROM truck_accept_text.invariant_violations;

-- The updated extension has the shape of a fresh 2.2, but for take_events'
-- result type (the row type of truck_accept.events, which it keeps so that its
-- grants stay), and its tables have the shape of create_tables()'s.
REVOKE ALL ON SCHEMA truck_accept FROM t13_app;
DROP OWNED BY t13_app;
DROP ROLE t13_app;
COMMENT ON COLUMN truck_accept.orders.status IS NULL;
CREATE TEMP TABLE upgraded AS SELECT * FROM shape();
CREATE TEMP TABLE upgraded_tables AS SELECT * FROM table_shape('truck_accept');
-- DROP EXTENSION (without CASCADE) leaves the tables and every row
DROP EXTENSION truck_accept;
SELECT count(*) AS orders_left FROM truck_accept.orders;
SELECT count(*) AS assignments_left FROM truck_accept.assignments;
-- CREATE EXTENSION again leaves the grants on the tables in its schema alone
-- (and records no initial privilege for them, which pg_dump would then omit)
GRANT SELECT ON truck_accept.orders TO PUBLIC;
CREATE EXTENSION truck_accept;
SELECT (SELECT string_agg(a.privilege_type, ',') FROM aclexplode(c.relacl) a
		WHERE a.grantee = 0) AS public_privileges,
	   (SELECT count(*) FROM pg_init_privs i WHERE i.objoid = c.oid) AS init_privs
FROM pg_class c WHERE c.oid = 'truck_accept.orders'::regclass;
DROP EXTENSION truck_accept;
DROP TABLE truck_accept.events, truck_accept.assignments, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers, truck_accept.orders;
CREATE EXTENSION truck_accept;
SELECT extversion, extversion = (SELECT default_version FROM pg_available_extensions
								 WHERE name = 'truck_accept') AS is_default
FROM pg_extension WHERE extname = 'truck_accept';
CREATE TEMP TABLE fresh AS SELECT * FROM shape();
SELECT truck_accept.create_tables('truck_accept');
CREATE TEMP TABLE fresh_tables AS SELECT * FROM table_shape('truck_accept');
-- the members of 2.2
SELECT member FROM fresh ORDER BY member;
-- only take_events differs; none is missing on either side
SELECT 'only after the update' AS side, member,
	   substring(definition FROM 'RETURNS [^\n]*') AS returns
FROM (TABLE upgraded EXCEPT TABLE fresh) u
UNION ALL
SELECT 'only when fresh', member, substring(definition FROM 'RETURNS [^\n]*')
FROM (TABLE fresh EXCEPT TABLE upgraded) f
ORDER BY member, side;
SELECT (SELECT count(*) FROM upgraded) AS upgraded, (SELECT count(*) FROM fresh) AS fresh;
-- the tables: none differs
SELECT 'only after the update' AS side, * FROM (TABLE upgraded_tables EXCEPT TABLE fresh_tables) u
UNION ALL
SELECT 'only from create_tables()', * FROM (TABLE fresh_tables EXCEPT TABLE upgraded_tables) f;
SELECT (SELECT count(*) FROM upgraded_tables) AS upgraded, (SELECT count(*) FROM fresh_tables) AS created;

-- 1.0 to 2.2 in one step, in this same session, whose cached plans named
-- the dropped tables.
DROP EXTENSION truck_accept;
DROP TABLE truck_accept.events, truck_accept.assignments, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers, truck_accept.orders;
CREATE EXTENSION truck_accept VERSION '1.0';
INSERT INTO truck_accept.orders (id, trucks_needed) VALUES (id('o1'), 1);
INSERT INTO truck_accept.truck_requests (id, order_id, vehicle_type) VALUES (id('r1'), id('o1'), 'open_17ft');
INSERT INTO truck_accept.vehicles (id, transporter_id, vehicle_type) VALUES (id('va'), id('alpha'), 'open_17ft');
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r1'), id('alpha'), id('va'));
ALTER EXTENSION truck_accept UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'truck_accept';
SELECT * FROM state();
SELECT outcome, nm(request_id) AS request, order_status
FROM truck_accept.complete_assignment(
	(SELECT id FROM truck_accept.assignments WHERE truck_request_id = id('r1')));
SELECT array_agg(event_type ORDER BY id) AS events FROM truck_accept.events;
SELECT * FROM truck_accept.invariant_violations;

-- Back to a fresh extension that works on the tables in public, which
-- outlived every DROP EXTENSION above: recorded again by hand.
DROP EXTENSION truck_accept;
DROP TABLE truck_accept.events, truck_accept.assignments, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers, truck_accept.orders;
CREATE EXTENSION truck_accept;
INSERT INTO truck_accept.bound_tables (kind, relid)
SELECT k, ('public.' || k)::regclass
FROM unnest(ARRAY['orders', 'truck_requests', 'vehicles', 'drivers', 'assignments', 'events']) k;
SELECT * FROM truck_accept.invariant_violations;
DROP SCHEMA t13 CASCADE;
RESET search_path;
