-- stress/audit.sql: every invariant, each violation printed, and the count
-- of violations as the last line ("violations: N").
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE violation (what text, id text, detail text);

-- the extension's own audit: counters, request/assignment agreement,
-- vehicles and drivers on_trip exactly when in one active assignment
INSERT INTO violation SELECT invariant, id::text, detail FROM truck_accept.invariant_violations;
-- every order exactly filled once the sweep has run, never over
INSERT INTO violation
SELECT 'order_not_exactly_filled', id::text,
	   format('%s/%s %s', trucks_filled, trucks_needed, status)
FROM truck_accept.orders WHERE trucks_filled <> trucks_needed OR status <> 'fully_filled';
-- the sweep found every free slot winnable
INSERT INTO violation
SELECT 'slot_not_winnable', request_id::text, outcome
FROM pg_temp.sweep_result WHERE outcome NOT IN ('accepted', 'order_closed');
-- every caller told "accepted" that committed holds an active assignment, and
-- nobody else does (not after a crash: a call's log row is written after its
-- transaction, so a crash between the two loses it)
\if :{?check_answers}
\else
\set check_answers 1
\endif
\if :check_answers
INSERT INTO violation
SELECT 'answers_vs_assignments', NULL,
	   format('%s committed accepted answers (+%s by the sweep), %s active assignments', c, s, a)
FROM (SELECT (SELECT count(*) FROM stress.calls WHERE outcome = 'accepted' AND NOT rolled_back) AS c,
			 (SELECT count(*) FROM pg_temp.sweep_result WHERE outcome = 'accepted') AS s,
			 (SELECT count(*) FROM truck_accept.assignments WHERE status = 'active') AS a) x
WHERE c + s <> a;
\endif
-- READ COMMITTED callers never see an error; REPEATABLE READ ones only 40001
INSERT INTO violation
SELECT 'unexpected_error', kind, format('%s calls saw %s', count(*), sqlstate)
FROM stress.calls
WHERE sqlstate IS NOT NULL AND sqlstate <> ''
  AND (kind <> 'rr_retry' OR sqlstate !~ '^(,?40001)+$')
GROUP BY kind, sqlstate;
-- no deadlocks anywhere
INSERT INTO violation
SELECT 'deadlock', datname, format('%s deadlocks', deadlocks)
FROM pg_stat_database WHERE datname = current_database() AND deadlocks > 0;

\echo 'sweep: calls made on the slots the storm left free'
SELECT outcome, count(*) AS calls FROM pg_temp.sweep_result GROUP BY 1 ORDER BY 1;
\echo 'final state'
SELECT count(*) AS orders, count(*) FILTER (WHERE status = 'fully_filled') AS fully_filled,
	   sum(trucks_filled) AS slots_filled, sum(trucks_needed) AS slots_needed,
	   (SELECT count(*) FROM truck_accept.assignments WHERE status = 'active') AS active_assignments,
	   (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()) AS deadlocks
FROM truck_accept.orders;
\echo 'violations (must be empty)'
SELECT * FROM violation ORDER BY what, id LIMIT 50;
SELECT 'violations: ' || count(*) AS result FROM violation \gset
\echo :result
