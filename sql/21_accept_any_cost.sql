-- 21_accept_any_cost: what accept_any_truck_request costs a transaction that
-- wins many requests of one order.
--  * No subtransaction: it locks the request it takes with the transaction's
--    own XID, so the request's row is updated without a MultiXact (it used to
--    take each lock in an internal subtransaction: one more XID and two
--    MultiXacts per win, and past 64 of them the backend's subtransaction
--    cache overflowed, which slows every other backend's snapshots).
--  * No quadratic scan: each call starts past the request this transaction
--    won last, instead of walking from the lowest id over the index entries
--    of every request it already took (5 000 wins in one statement took 32 s).
--    The index entries read stay a few per call (counted, not timed:
--    bench/accept_any_cost.sh has the times).
\i sql/include/tables.sql
\set VERBOSITY terse

CREATE SCHEMA t21;
SET search_path = t21, public;
\i sql/include/helpers.sql

-- o1 needs 200 trucks and has 200 requests; 250 other orders have 20 each
INSERT INTO public.orders (id, trucks_needed)
	SELECT id('o' || n), CASE WHEN n = 1 THEN 200 ELSE 20 END FROM generate_series(1, 251) n;
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	SELECT id('q' || o || '.' || n), id('o' || o), 'open_17ft'
	FROM generate_series(1, 251) o, generate_series(1, CASE WHEN o = 1 THEN 200 ELSE 20 END) n;
INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
	SELECT id('v' || n), id('t1'), 'open_17ft' FROM generate_series(1, 200) n;
ANALYZE public.truck_requests;

BEGIN;
SELECT pg_current_xact_id()::xid AS me \gset
SELECT count(*) FILTER (WHERE r.outcome = 'accepted') AS won,
	   count(DISTINCT r.request_id) AS distinct_requests
FROM generate_series(1, 200) n,
	 LATERAL truck_accept.accept_any_truck_request(id('o1'), id('t1'), id('v' || n)) r;
-- every request row was updated by this transaction's own XID (no MultiXact)
SELECT count(*) AS taken,
	   count(*) FILTER (WHERE NOT (r.xmax = :'me'::xid)) AS xmax_not_own_xid
FROM public.truck_requests r WHERE r.order_id = id('o1') AND r.status = 'assigned';
-- a few index entries of truck_requests per call (about 5: the free request,
-- and the foreign-key check of the new assignment), where a walk from the
-- lowest id over the requests already taken reads some 20 000
SELECT sum(pg_stat_get_xact_tuples_returned(i.indexrelid)) AS index_entries_read
FROM pg_index i WHERE i.indrelid = 'public.truck_requests'::regclass \gset
SELECT :index_entries_read < 2500 AS index_entries_linear;
-- and the order is exactly full
SELECT outcome FROM truck_accept.accept_any_truck_request(id('o1'), id('t1'), id('v1'));
COMMIT;
SELECT trucks_filled, status FROM public.orders WHERE id = id('o1');
SELECT * FROM truck_accept.invariant_violations;

TRUNCATE public.events, public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders;
DROP SCHEMA t21 CASCADE;
RESET search_path;
