-- 14_errors_inside: an error raised inside a function (here in
-- accept_any_truck_request's SKIP LOCKED pass, which runs in an internal
-- subtransaction) leaves the caller's session exactly as any other error
-- would: the statement fails, the session goes on, a PL/pgSQL EXCEPTION block
-- rolls back its own work.
\i sql/include/tables.sql
\set VERBOSITY terse

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-0000000000a1', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft');

-- A read-only transaction cannot lock rows: the error comes from the SKIP
-- LOCKED pass, inside the internal subtransaction.
SET default_transaction_read_only = on;
SELECT outcome FROM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
-- the session goes on: a new statement runs, in a new transaction (and a
-- ROLLBACK finds none in progress, as after any error in autocommit)
SELECT 1 AS still_working, now() = statement_timestamp() AS new_transaction;
ROLLBACK;
RESET default_transaction_read_only;

-- The same inside an explicit transaction: it is aborted, and ROLLBACK ends it.
BEGIN READ ONLY;
SELECT outcome FROM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
SELECT 1;
ROLLBACK;

-- A PL/pgSQL block that catches the error rolls back what it wrote itself.
CREATE TABLE block_log (what text);
CREATE ROLE truck_accept_no_update;
GRANT USAGE ON SCHEMA truck_accept TO truck_accept_no_update;
GRANT EXECUTE ON FUNCTION truck_accept.accept_any_truck_request(uuid, uuid, uuid, uuid)
	TO truck_accept_no_update;
GRANT SELECT ON public.orders, public.truck_requests, public.vehicles,
	public.assignments TO truck_accept_no_update;
GRANT INSERT ON block_log TO truck_accept_no_update;
SET ROLE truck_accept_no_update;
DO $$
BEGIN
	INSERT INTO block_log VALUES ('inside the block, before the call');
	PERFORM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
		'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
	INSERT INTO block_log VALUES ('not reached');
EXCEPTION WHEN insufficient_privilege THEN
	INSERT INTO block_log VALUES ('caught: ' || SQLERRM);
END
$$;
RESET ROLE;
SELECT * FROM block_log;
SELECT 1 AS still_working, now() = statement_timestamp() AS new_transaction;

-- and the request is still winnable, by someone allowed to
SELECT outcome FROM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
SELECT * FROM truck_accept.invariant_violations;

DROP TABLE block_log;
DROP OWNED BY truck_accept_no_update;
DROP ROLE truck_accept_no_update;
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
