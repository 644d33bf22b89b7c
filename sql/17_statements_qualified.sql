-- 17_statements_qualified: every SQL statement in the C sources names its
-- operators (OPERATOR(pg_catalog.=)), functions and types with their schema,
-- so that nothing on a caller's search_path can stand in for them
-- (scripts/check_statements.pl; 18_hostile_operators runs every function
-- under such a search_path).  A new statement that is not qualified fails
-- this test.
\i sql/include/tables.sql
\! perl scripts/check_statements.pl truck_accept.c catalog.c rows.c events.c lifecycle.c accept_any.c

-- the check itself finds what is not qualified (and exits 1)
\! perl scripts/check_statements.pl sql/include/unqualified_statements.txt || echo "exit status $?"
