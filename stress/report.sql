-- stress/report.sql: what the storm did, before the sweep.
\set ON_ERROR_STOP 1
\pset footer off
\echo
\echo 'calls by outcome and kind of caller (rc = READ COMMITTED, rr = REPEATABLE READ with retries)'
SELECT coalesce(outcome, 'TOTAL') AS outcome,
	   count(*) FILTER (WHERE kind = 'rc_commit') AS rc_commit,
	   count(*) FILTER (WHERE kind = 'rc_hold') AS rc_hold,
	   count(*) FILTER (WHERE kind = 'rc_rollback') AS rc_rollback,
	   count(*) FILTER (WHERE kind = 'rr_retry') AS rr_retry,
	   count(*) FILTER (WHERE kind = 'rc_any') AS rc_any,
	   count(*) FILTER (WHERE kind IN ('release', 'complete', 'cancel', 'expire')) AS lifecycle,
	   count(*) AS all_calls
FROM stress.calls WHERE outcome IS DISTINCT FROM 'no_more_orders'
GROUP BY ROLLUP (outcome) ORDER BY outcome NULLS LAST;
\echo 'REPEATABLE READ callers: tries per call and the errors they retried'
SELECT tries, count(*) AS calls, coalesce(nullif(sqlstate, ''), '-') AS sqlstates_seen,
	   count(*) FILTER (WHERE outcome = 'retry_exhausted') AS exhausted
FROM stress.calls WHERE kind = 'rr_retry' AND outcome IS DISTINCT FROM 'no_more_orders'
GROUP BY 1, 3 ORDER BY 1, 3;
\echo 'orders after the storm (before the sweep)'
SELECT count(*) AS orders,
	   count(*) FILTER (WHERE status = 'fully_filled') AS fully_filled,
	   sum(trucks_filled) AS slots_filled, sum(trucks_needed) AS slots_needed
FROM public.orders;
