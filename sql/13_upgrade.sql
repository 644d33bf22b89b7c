-- 13_upgrade: a database on truck_accept 1.0 (no events, no lifecycle
-- functions) keeps its data through ALTER EXTENSION UPDATE TO '1.1', comes
-- out consistent, appends events from then on, and has exactly the member
-- objects (with their definitions, comments and privileges) of a fresh
-- CREATE EXTENSION at 1.1.  The database is left with a fresh truck_accept
-- at its default version, as pg_regress created it.
\set VERBOSITY terse

-- Helpers live in a schema of their own, dropped at the end.
CREATE SCHEMA t13;
SET search_path = t13, public;

\i sql/include/helpers.sql

CREATE FUNCTION state() RETURNS TABLE (order_name text, order_status text, filled text, requests text)
LANGUAGE sql AS $$
	SELECT nm(o.id), o.status, o.trucks_filled || '/' || o.trucks_needed,
		   (SELECT string_agg(nm(r.id) || ' ' || r.status
							  || coalesce(' ' || nm(r.assigned_vehicle_id), ''), ', ' ORDER BY r.id)
			FROM truck_accept.truck_requests r WHERE r.order_id = o.id)
	FROM truck_accept.orders o ORDER BY o.id
$$;
-- the extension's functions, with the C symbol each calls
CREATE FUNCTION functions() RETURNS TABLE (function regprocedure, c_symbol text)
LANGUAGE sql AS $$
	SELECT p.oid::regprocedure, p.prosrc FROM pg_proc p
	WHERE p.pronamespace = 'truck_accept'::regnamespace ORDER BY p.oid::regprocedure::text
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

-- The updated extension has the shape of a fresh 1.1.
CREATE TEMP TABLE upgraded AS SELECT * FROM shape();
DROP EXTENSION truck_accept;
CREATE EXTENSION truck_accept;
SELECT extversion, extversion = (SELECT default_version FROM pg_available_extensions
								 WHERE name = 'truck_accept') AS is_default
FROM pg_extension WHERE extname = 'truck_accept';
CREATE TEMP TABLE fresh AS SELECT * FROM shape();
-- the members of 1.1
SELECT member FROM fresh ORDER BY member;
-- none differs, none is missing on either side
SELECT 'only after the update' AS side, * FROM (TABLE upgraded EXCEPT TABLE fresh) u
UNION ALL
SELECT 'only when fresh', * FROM (TABLE fresh EXCEPT TABLE upgraded) f;
SELECT (SELECT count(*) FROM upgraded) AS upgraded, (SELECT count(*) FROM fresh) AS fresh;

-- The fresh extension works in this same session, whose cached plans named
-- the dropped tables.
INSERT INTO truck_accept.orders (id, trucks_needed) VALUES (id('o1'), 1);
INSERT INTO truck_accept.truck_requests (id, order_id, vehicle_type) VALUES (id('r1'), id('o1'), 'open_17ft');
INSERT INTO truck_accept.vehicles (id, transporter_id, vehicle_type) VALUES (id('va'), id('alpha'), 'open_17ft');
SELECT outcome, trucks_filled, trucks_needed, order_status
FROM truck_accept.accept_truck_request(id('r1'), id('alpha'), id('va'));
SELECT outcome, nm(request_id) AS request, order_status
FROM truck_accept.complete_assignment(
	(SELECT id FROM truck_accept.assignments WHERE truck_request_id = id('r1')));
SELECT array_agg(event_type ORDER BY id) AS events FROM truck_accept.events;
SELECT * FROM truck_accept.invariant_violations;

TRUNCATE truck_accept.events, truck_accept.assignments, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers, truck_accept.orders;
DROP SCHEMA t13 CASCADE;
RESET search_path;
