-- stress/audit.sql: every invariant, PostgreSQL's amcheck of the recorded
-- tables and their indexes, each violation printed, and the count of
-- violations as the last line ("violations: N").
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE violation (what text, id text, detail text);
-- the schema of the functions: truck_accept, or truck_accept_text for text ids
\if :{?api}
\else
\set api truck_accept
\endif

-- the extension's own audit: counters, request/assignment agreement,
-- vehicles and drivers on_trip exactly when in one active assignment
INSERT INTO violation SELECT invariant, id::text, detail FROM :api.invariant_violations;
\if :{?mixed}
\else
\set mixed 0
\endif
\if :mixed
-- with releases, completions, cancellations and expiry: no open order is
-- left with a free slot that could still be won once the sweep has run
INSERT INTO violation
SELECT 'slot_left_free', o.id::text, format('%s/%s %s', o.trucks_filled, o.trucks_needed, o.status)
FROM public.orders o
WHERE o.status IN ('searching', 'partially_filled')
  AND EXISTS (SELECT 1 FROM public.truck_requests r
			  WHERE r.order_id = o.id AND r.status = 'searching'
				AND (r.expires_at IS NULL OR r.expires_at > clock_timestamp() + interval '2 seconds'));
\else
-- every order exactly filled once the sweep has run, never over
INSERT INTO violation
SELECT 'order_not_exactly_filled', id::text,
	   format('%s/%s %s', trucks_filled, trucks_needed, status)
FROM public.orders WHERE trucks_filled <> trucks_needed OR status <> 'fully_filled';
\endif
-- the sweep found every free slot winnable
INSERT INTO violation
SELECT 'slot_not_winnable', request_id::text, outcome
FROM pg_temp.sweep_result WHERE outcome NOT IN ('accepted', 'order_closed');
-- every caller told "accepted" that committed made exactly one assignment,
-- and nobody else made any (not after a crash: a call's log row is written
-- after its transaction, so a crash between the two loses it)
\if :{?check_answers}
\else
\set check_answers 1
\endif
\if :check_answers
INSERT INTO violation
SELECT 'answers_vs_assignments', NULL,
	   format('%s committed accepted answers (+%s by the sweep), %s assignments', c, s, a)
FROM (SELECT (SELECT count(*) FROM stress.calls WHERE outcome = 'accepted' AND NOT rolled_back) AS c,
			 (SELECT count(*) FROM pg_temp.sweep_result WHERE outcome = 'accepted') AS s,
			 (SELECT count(*) FROM public.assignments) AS a) x
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

\if :mixed
-- events: take what the consumers left, then every state change must have
-- been handed out exactly once (stress.consumed's key refuses a second copy)
INSERT INTO stress.consumed
SELECT id, event_type, assignment_id, order_id, request_id, 'final drain'
FROM :api.take_events(1000000);
CREATE TEMP TABLE expected_events AS
SELECT 'accepted' AS event_type, (SELECT count(*) FROM public.assignments) AS n
UNION ALL SELECT 'released', (SELECT count(*) FROM public.assignments WHERE status = 'released')
UNION ALL SELECT 'assignment_cancelled', (SELECT count(*) FROM public.assignments WHERE status = 'cancelled')
UNION ALL SELECT 'assignment_completed', (SELECT count(*) FROM public.assignments WHERE status = 'completed')
UNION ALL SELECT 'order_cancelled', (SELECT count(*) FROM public.orders WHERE status = 'cancelled')
UNION ALL SELECT 'order_expired', (SELECT count(*) FROM public.orders WHERE status = 'expired')
UNION ALL SELECT 'order_completed', (SELECT count(*) FROM public.orders WHERE status = 'completed')
UNION ALL SELECT 'request_expired', (SELECT count(*) FROM public.truck_requests WHERE status = 'expired');
INSERT INTO violation
SELECT 'events', e.event_type, format('%s state changes, %s events delivered', e.n, coalesce(c.n, 0))
FROM expected_events e
	 LEFT JOIN (SELECT event_type, count(*) AS n FROM stress.consumed GROUP BY 1) c USING (event_type)
WHERE e.n <> coalesce(c.n, 0);
-- each assignment announced by exactly one "accepted" event
INSERT INTO violation
SELECT 'events', 'accepted', format('assignment %s announced %s times', a.id, count(c.id))
FROM public.assignments a
	 LEFT JOIN stress.consumed c ON c.assignment_id = a.id AND c.event_type = 'accepted'
GROUP BY a.id HAVING count(c.id) <> 1;
\echo 'events handed out (by consumer) and the state changes they stand for'
SELECT e.event_type, e.n AS state_changes,
	   count(c.id) FILTER (WHERE c.consumer = 'c1') AS consumer_1,
	   count(c.id) FILTER (WHERE c.consumer = 'c2') AS consumer_2,
	   count(c.id) FILTER (WHERE c.consumer = 'final drain') AS final_drain
FROM expected_events e LEFT JOIN stress.consumed c USING (event_type)
GROUP BY e.event_type, e.n ORDER BY 1;
\endif

-- PostgreSQL's own checks (amcheck) of the recorded tables: every btree
-- index consistent with itself and its parent pages and holding every heap
-- tuple (bt_index_parent_check with heapallindexed); from 14 on the heap
-- pages too (verify_heapam).  Each failure is a violation.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amcheck;
RESET client_min_messages;
CREATE TEMP TABLE amchecked (what text, rel text);
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT i.indexrelid::regclass AS idx
		FROM truck_accept.bound_tables b
			 JOIN pg_index i ON i.indrelid = b.relid
			 JOIN pg_class c ON c.oid = i.indexrelid
			 JOIN pg_am a ON a.oid = c.relam
		WHERE a.amname = 'btree'
		ORDER BY 1
	LOOP
		BEGIN
			PERFORM bt_index_parent_check(r.idx, true);
			INSERT INTO amchecked VALUES ('btree index', r.idx::text);
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO violation VALUES ('amcheck', r.idx::text, SQLERRM);
		END;
	END LOOP;
END $$;
SELECT current_setting('server_version_num')::int >= 140000 AS has_verify_heapam \gset
\if :has_verify_heapam
INSERT INTO violation
SELECT 'amcheck', b.relid::text, format('block %s, offset %s: %s', v.blkno, v.offnum, v.msg)
FROM truck_accept.bound_tables b, verify_heapam(b.relid) v;
INSERT INTO amchecked SELECT 'table (verify_heapam)', b.relid::text FROM truck_accept.bound_tables b;
\endif
\echo 'amcheck: what PostgreSQL checked'
SELECT what, count(*) AS checked FROM amchecked GROUP BY 1 ORDER BY 1;

\echo 'sweep: calls made on the slots the storm left free'
SELECT outcome, count(*) AS calls FROM pg_temp.sweep_result GROUP BY 1 ORDER BY 1;
\echo 'final state'
SELECT count(*) AS orders, count(*) FILTER (WHERE status = 'fully_filled') AS fully_filled,
	   sum(trucks_filled) AS slots_filled, sum(trucks_needed) AS slots_needed,
	   (SELECT count(*) FROM public.assignments WHERE status = 'active') AS active_assignments,
	   (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()) AS deadlocks
FROM public.orders;
\echo 'violations (must be empty)'
SELECT * FROM violation ORDER BY what, id LIMIT 50;
SELECT 'violations: ' || count(*) AS result FROM violation \gset
\echo :result
