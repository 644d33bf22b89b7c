-- 02_errors: a malformed call is an error with a proper SQLSTATE, not an
-- outcome, and it leaves nothing behind.
\i sql/include/tables.sql
\set VERBOSITY terse
\set SHOW_CONTEXT never

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-000000000001', 1);
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
	VALUES ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-000000000004', 'open_17ft');

\set VERBOSITY default
-- NULL arguments: SQLSTATE 22004 (null_value_not_allowed), naming the argument.
\set ON_ERROR_ROLLBACK on
SELECT * FROM truck_accept.accept_truck_request(NULL, '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', NULL, '00000000-0000-0000-0000-000000000003');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', NULL);
\echo :LAST_ERROR_SQLSTATE
-- all NULL: the first argument is named
SELECT * FROM truck_accept.accept_truck_request(NULL, NULL, NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
-- Malformed uuid text fails in PostgreSQL's own cast, before the call: 22P02.
SELECT * FROM truck_accept.accept_truck_request('not-a-uuid', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
\echo :LAST_ERROR_SQLSTATE
-- Wrong number of arguments: no such function (terse: the hint is
-- PostgreSQL's own, and 19 words it differently).
\set VERBOSITY terse
SELECT * FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004');
\echo :LAST_ERROR_SQLSTATE

-- Inside a transaction the error aborts it (as any error does), and nothing
-- was written.
\set ON_ERROR_ROLLBACK off
BEGIN;
SELECT * FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', NULL, '00000000-0000-0000-0000-000000000003');
SELECT 1;
ROLLBACK;
SELECT status, assigned_transporter_id FROM public.truck_requests;
SELECT count(*) AS assignments FROM public.assignments;
SELECT trucks_filled, status FROM public.orders;

-- Named arguments work, and the driver may be left out.
SELECT outcome, accepted, trucks_filled, order_status
FROM truck_accept.accept_truck_request(
	vehicle_id => '00000000-0000-0000-0000-000000000003',
	transporter_id => '00000000-0000-0000-0000-000000000004',
	request_id => '00000000-0000-0000-0000-000000000002');

-- Privileges: PUBLIC has none; an application role gets exactly the grants
-- the README lists.
UPDATE public.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
	assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL;
UPDATE public.assignments SET status = 'released';
UPDATE public.vehicles SET status = 'available';
UPDATE public.orders SET trucks_filled = 0, status = 'searching';
CREATE ROLE truck_accept_app;
SET ROLE truck_accept_app;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
GRANT USAGE ON SCHEMA truck_accept TO truck_accept_app;
SET ROLE truck_accept_app;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
GRANT EXECUTE ON FUNCTION truck_accept.accept_truck_request(uuid, uuid, uuid, uuid) TO truck_accept_app;
SET ROLE truck_accept_app;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
GRANT SELECT, UPDATE ON public.orders, public.truck_requests,
	public.vehicles, public.drivers TO truck_accept_app;
GRANT SELECT, INSERT ON public.assignments TO truck_accept_app;
SET ROLE truck_accept_app;
-- 1.1 also appends an event
SELECT outcome, accepted FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
GRANT INSERT ON public.events TO truck_accept_app;
GRANT USAGE ON SEQUENCE public.events_id_seq TO truck_accept_app;
SET ROLE truck_accept_app;
SELECT outcome, accepted FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
DROP OWNED BY truck_accept_app;
DROP ROLE truck_accept_app;

TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
