-- 02_errors: a malformed call is an error with a proper SQLSTATE, not an
-- outcome, and it leaves nothing behind.
\set VERBOSITY terse
\set SHOW_CONTEXT never

INSERT INTO truck_accept.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-000000000001', 1);
INSERT INTO truck_accept.truck_requests (id, order_id, vehicle_type)
	VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 'open_17ft');
INSERT INTO truck_accept.vehicles (id, transporter_id, vehicle_type)
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
SELECT status, assigned_transporter_id FROM truck_accept.truck_requests;
SELECT count(*) AS assignments FROM truck_accept.assignments;
SELECT trucks_filled, status FROM truck_accept.orders;

-- Named arguments work, and the driver may be left out.
SELECT outcome, accepted, trucks_filled, order_status
FROM truck_accept.accept_truck_request(
	vehicle_id => '00000000-0000-0000-0000-000000000003',
	transporter_id => '00000000-0000-0000-0000-000000000004',
	request_id => '00000000-0000-0000-0000-000000000002');

-- Privileges: PUBLIC has none; an application role gets exactly the grants
-- the README lists.
UPDATE truck_accept.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
	assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL;
UPDATE truck_accept.assignments SET status = 'released';
UPDATE truck_accept.vehicles SET status = 'available';
UPDATE truck_accept.orders SET trucks_filled = 0, status = 'searching';
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
GRANT SELECT, UPDATE ON truck_accept.orders, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers TO truck_accept_app;
GRANT SELECT, INSERT ON truck_accept.assignments TO truck_accept_app;
SET ROLE truck_accept_app;
-- 1.1 also appends an event
SELECT outcome, accepted FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
GRANT INSERT ON truck_accept.events TO truck_accept_app;
GRANT USAGE ON SEQUENCE truck_accept.events_id_seq TO truck_accept_app;
SET ROLE truck_accept_app;
SELECT outcome, accepted FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000004', '00000000-0000-0000-0000-000000000003');
RESET ROLE;
DROP OWNED BY truck_accept_app;
DROP ROLE truck_accept_app;

TRUNCATE truck_accept.assignments, truck_accept.truck_requests,
	truck_accept.vehicles, truck_accept.drivers, truck_accept.orders, truck_accept.events;
