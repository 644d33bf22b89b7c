-- 18_hostile_operators: every function, through every outcome, with a
-- search_path whose first schema holds a hostile version of every operator,
-- function, aggregate and type name the statements could resolve there:
-- each RAISEs when it is called.  Not one is called: every operator inside
-- is OPERATOR(pg_catalog.x) (17_statements_qualified checks the texts), every
-- function, aggregate and type is schema-qualified.  (03 and 15 show the same
-- with look-alike tables and operators that answer wrongly.)
\i sql/include/tables.sql
\set VERBOSITY terse

CREATE SCHEMA t18;
SET search_path = t18, public;
\i sql/include/helpers.sql

\i sql/include/hostile.sql

\set api truck_accept
\set caller NONE
\set helpers t18
\i sql/include/every_outcome.sql

SELECT nm(o.id), o.status, o.trucks_filled FROM public.orders o ORDER BY o.id;
SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA hostile CASCADE;
DROP ROLE t18_hostile;
DROP SCHEMA t18 CASCADE;
