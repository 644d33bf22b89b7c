-- 04_notify: an acceptance queues a notification on channel truck_accept
-- with a JSON payload; PostgreSQL delivers it only on commit.  A second
-- connection (dblink) listens, so that the payload can be checked against
-- the rows the acceptance wrote.
\i sql/include/tables.sql
\set VERBOSITY terse

CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('listener',
	format('host=%s port=%s dbname=%s user=%s',
		   split_part(current_setting('unix_socket_directories'), ',', 1),
		   current_setting('port'), current_database(), current_user));
SELECT dblink_exec('listener', 'LISTEN truck_accept');
SELECT dblink_exec('listener', 'LISTEN truck_accept_test_sentinel');

-- Notifications reach the listener asynchronously.  drain() waits for a
-- sentinel notified after the step under test: notifications arrive in commit
-- order, so once the sentinel is there, everything before it is too.
CREATE FUNCTION drain() RETURNS TABLE (notify_name text, be_pid int, extra text)
LANGUAGE plpgsql AS $$
DECLARE
	n record;
	seen boolean := false;
	deadline timestamptz := clock_timestamp() + interval '30 seconds';
BEGIN
	WHILE NOT seen LOOP
		FOR n IN SELECT * FROM dblink_get_notify('listener') LOOP
			IF n.notify_name = 'truck_accept_test_sentinel' THEN
				seen := true;
			ELSE
				notify_name := n.notify_name; be_pid := n.be_pid; extra := n.extra;
				RETURN NEXT;
			END IF;
		END LOOP;
		IF NOT seen THEN
			IF clock_timestamp() > deadline THEN
				RAISE EXCEPTION 'sentinel notification never arrived';
			END IF;
			PERFORM pg_sleep(0.01);
		END IF;
	END LOOP;
END
$$;

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-0000000000a1', 2);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d2', 'open_17ft');
INSERT INTO public.drivers (id, transporter_id) VALUES
	('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000d1');

-- Rolled back: nothing is delivered.
BEGIN;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1',
	'00000000-0000-0000-0000-0000000000e1');
ROLLBACK;
NOTIFY truck_accept_test_sentinel;
SELECT count(*) AS delivered FROM drain();

-- A rejection notifies nobody.
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c1');
NOTIFY truck_accept_test_sentinel;
SELECT count(*) AS delivered FROM drain();

-- Committed: one notification, whose payload matches the assignment.
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1',
	'00000000-0000-0000-0000-0000000000e1');
NOTIFY truck_accept_test_sentinel;
CREATE TEMP TABLE got AS SELECT * FROM drain();
SELECT notify_name, be_pid = pg_backend_pid() AS from_caller, count(*) OVER () AS delivered FROM got;
SELECT p - 'assignment_id' - 'trip_id' AS payload_without_random_ids,
	   (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(p) k) AS keys
FROM (SELECT extra::jsonb AS p FROM got) s;
SELECT (p->>'assignment_id')::uuid = a.id AS assignment_matches,
	   (p->>'trip_id')::uuid = a.trip_id AS trip_matches
FROM (SELECT extra::jsonb AS p FROM got) s, public.assignments a;

-- Without a driver, driver_id is JSON null.
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');
NOTIFY truck_accept_test_sentinel;
SELECT extra::jsonb - 'assignment_id' - 'trip_id' AS payload_without_random_ids
FROM drain();

-- truck_accept.notify = off: accepted, but nothing queued.
SHOW truck_accept.notify;
UPDATE public.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
	assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL
	WHERE id = '00000000-0000-0000-0000-0000000000b2';
UPDATE public.assignments SET status = 'released'
	WHERE truck_request_id = '00000000-0000-0000-0000-0000000000b2';
UPDATE public.vehicles SET status = 'available' WHERE id = '00000000-0000-0000-0000-0000000000c2';
UPDATE public.orders SET trucks_filled = 1, status = 'partially_filled';
SET truck_accept.notify = off;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');
NOTIFY truck_accept_test_sentinel;
SELECT count(*) AS delivered FROM drain();
RESET truck_accept.notify;
-- the GUC is a real boolean with its prefix reserved
SET truck_accept.notify = 'maybe';
SET truck_accept.no_such_setting = 1;

SELECT dblink_disconnect('listener');
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
