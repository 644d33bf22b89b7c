-- 16_direct_reads: accept_truck_request reads and locks its rows by primary
-- key without SPI (rows.c, "ROWS BY PRIMARY KEY").  What that must
-- not change, and where it steps aside for the SPI statement:
--   * a rejection from a settled request takes no lock (no transaction id);
--     a rejection after the locks keeps them, as before;
--   * a read-only transaction gets PostgreSQL's own error, rejected or not;
--   * rows this transaction changed earlier are seen and written;
--   * row security and column privileges are honoured (SPI path);
--   * without the UPDATE privilege the error is PostgreSQL's own.
\i sql/include/tables.sql
\set VERBOSITY terse
CREATE SCHEMA t16;
SET search_path = t16, public;
\i sql/include/helpers.sql

INSERT INTO public.orders (id, trucks_needed) VALUES (id('o1'), 3);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	(id('r1'), id('o1'), 'open_17ft'), (id('r2'), id('o1'), 'open_17ft'),
	(id('r3'), id('o1'), 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	(id('va'), id('alpha'), 'open_17ft'), (id('vb'), id('bravo'), 'open_17ft'),
	(id('vb2'), id('bravo'), 'open_17ft'), (id('vc'), id('charlie'), 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	(id('da'), id('alpha')), (id('db'), id('bravo'));
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('alpha'), id('va'), id('da'));

-- A request taken by another transporter, that nobody is changing: the
-- rejection takes no row lock, so the transaction has no id.
BEGIN;
SELECT outcome, trucks_filled, order_status
FROM truck_accept.accept_truck_request(id('r1'), id('bravo'), id('vb'), id('db'));
SELECT txid_current_if_assigned() IS NULL AS no_lock_taken;
COMMIT;
-- A rejection decided after the locks (bravo offers alpha's truck) keeps them
-- until the transaction ends, as documented.
BEGIN;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('va'));
SELECT txid_current_if_assigned() IS NOT NULL AS locks_held;
ROLLBACK;

-- A read-only transaction cannot lock rows: the same error for an open
-- request and for a taken one.
BEGIN READ ONLY;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'));
ROLLBACK;
BEGIN READ ONLY;
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('bravo'), id('vb'));
ROLLBACK;

-- Rows this transaction changed just before: the call sees the new versions,
-- locks them and writes them (the writes find them by their position).
BEGIN;
UPDATE public.truck_requests SET expires_at = now() + interval '1 hour' WHERE id = id('r2');
UPDATE public.vehicles SET vehicle_type = 'open_17ft', updated_at = now() WHERE id = id('vb');
UPDATE public.orders SET updated_at = now() WHERE id = id('o1');
SELECT outcome, trucks_filled, order_status
FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'), id('db'));
SELECT nm(id) AS request, status, nm(assigned_vehicle_id) AS vehicle, expires_at > now() AS extended
FROM public.truck_requests WHERE id = id('r2');
SELECT nm(id) AS vehicle, status FROM public.vehicles WHERE id = id('vb');
ROLLBACK;
-- A vehicle whose id this transaction changed is no longer found by its old id.
BEGIN;
UPDATE public.vehicles SET id = id('vb9') WHERE id = id('vb2');
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb2'));
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb9'));
ROLLBACK;
SELECT count(*) AS invariant_violations FROM truck_accept.invariant_violations;

-- An application role with the README's grants.
CREATE ROLE t16_app;
GRANT USAGE ON SCHEMA truck_accept, t16 TO t16_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA t16 TO t16_app;
GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) TO t16_app;
GRANT SELECT, UPDATE ON public.orders, public.truck_requests,
	public.drivers TO t16_app;
GRANT SELECT, INSERT ON public.assignments TO t16_app;
GRANT INSERT ON public.events TO t16_app;
GRANT USAGE ON SEQUENCE public.events_id_seq TO t16_app;

-- Column privileges instead of table privileges on vehicles: enough for the
-- SQL statements, so enough for the call (it uses the SPI statement there).
GRANT SELECT (id, transporter_id, vehicle_type, status),
	UPDATE (status, updated_at) ON public.vehicles TO t16_app;
BEGIN;
SET LOCAL ROLE t16_app;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'));
ROLLBACK;
-- Without them: PostgreSQL's own permission error.
REVOKE SELECT (id, transporter_id, vehicle_type, status),
	UPDATE (status, updated_at) ON public.vehicles FROM t16_app;
GRANT SELECT ON public.vehicles TO t16_app;
BEGIN;
SET LOCAL ROLE t16_app;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'));
ROLLBACK;
GRANT UPDATE ON public.vehicles TO t16_app;

-- Without UPDATE on truck_requests a call cannot lock the request: the same
-- permission error whether the request is open or already taken (a settled
-- rejection is only answered without a lock to a caller who could lock).
REVOKE UPDATE ON public.truck_requests FROM t16_app;
BEGIN;
SET LOCAL ROLE t16_app;
SELECT outcome FROM truck_accept.accept_truck_request(id('r1'), id('bravo'), id('vb'));
ROLLBACK;
BEGIN;
SET LOCAL ROLE t16_app;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'));
ROLLBACK;
GRANT UPDATE ON public.truck_requests TO t16_app;

-- Row security on vehicles: a transporter sees only its own trucks.  The call
-- honours the policy (SPI path): another transporter's truck is not found,
-- where the table owner would be told it belongs to someone else.
ALTER TABLE public.vehicles ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_trucks ON public.vehicles TO t16_app
	USING (transporter_id = current_setting('t16.transporter')::uuid);
BEGIN;
SET LOCAL ROLE t16_app;
SELECT set_config('t16.transporter', id('bravo')::text, true) IS NOT NULL AS bravo;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('va'));
SELECT outcome, trucks_filled FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('vb'));
ROLLBACK;
SELECT outcome FROM truck_accept.accept_truck_request(id('r2'), id('bravo'), id('va'));
DROP POLICY own_trucks ON public.vehicles;
ALTER TABLE public.vehicles DISABLE ROW LEVEL SECURITY;

-- The result row's descriptor is kept per session: a change of
-- accept_any's result type is picked up by the next call of the session
-- (a type it cannot build, bigint for an integer, is an error, 42804).
\set VERBOSITY default
SELECT outcome, trucks_filled FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
ALTER TYPE truck_accept.accept_any_result ALTER ATTRIBUTE trucks_filled TYPE bigint;
SELECT outcome, pg_typeof(trucks_filled) FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
\set VERBOSITY terse
ALTER TYPE truck_accept.accept_any_result ALTER ATTRIBUTE trucks_filled TYPE integer;
SELECT outcome, pg_typeof(trucks_filled) FROM truck_accept.accept_any_truck_request(id('o1'), id('bravo'), id('vb'));
SELECT outcome FROM truck_accept.release_truck_request(
	(SELECT id FROM public.truck_requests WHERE assigned_transporter_id = id('bravo')), id('bravo'));

SELECT nm(id) AS request, status, nm(assigned_transporter_id) AS transporter
FROM public.truck_requests ORDER BY nm(id);
SELECT count(*) AS invariant_violations FROM truck_accept.invariant_violations;

DROP OWNED BY t16_app;
DROP ROLE t16_app;
RESET search_path;
DROP SCHEMA t16 CASCADE;
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
