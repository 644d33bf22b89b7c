-- 04_notify: an acceptance queues a notification on channel truck_accept;
-- PostgreSQL delivers it only on commit.  Its payload is empty by default (a
-- wake-up call: any role that can connect may LISTEN, and send on the
-- channel), the event's JSON with truck_accept.notify_payload = full, which
-- only a superuser may set.  A second connection (dblink) listens, so that
-- the payload can be checked against the rows the acceptance wrote; a role
-- with no grant at all listens too, and learns no id, and its forged
-- notification creates no event.
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

-- Committed, with the full payload: one notification, whose payload matches
-- the assignment.
SHOW truck_accept.notify_payload;
SET truck_accept.notify_payload = full;
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
RESET truck_accept.notify_payload;
-- the GUCs: a real boolean, an enum only a superuser sets, the prefix reserved
SET truck_accept.notify = 'maybe';
SET truck_accept.notify_payload = 'some';
SET truck_accept.no_such_setting = 1;

-- A LOGIN role with no grant at all (it cannot even use the schema) listens.
CREATE ROLE t04_stranger LOGIN;
SET ROLE t04_stranger;
SET truck_accept.notify_payload = full;
SELECT set_config('truck_accept.notify_payload', 'full', false);
ALTER ROLE t04_stranger SET truck_accept.notify_payload = full;
RESET ROLE;
SELECT dblink_connect('stranger',
	format('host=%s port=%s dbname=%s user=t04_stranger',
		   split_part(current_setting('unix_socket_directories'), ',', 1),
		   current_setting('port'), current_database()));
SELECT dblink_exec('stranger', 'LISTEN truck_accept');
-- an acceptance, with the default payload
UPDATE public.truck_requests SET status = 'searching', assigned_transporter_id = NULL,
	assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL
	WHERE id = '00000000-0000-0000-0000-0000000000b2';
UPDATE public.assignments SET status = 'released'
	WHERE truck_request_id = '00000000-0000-0000-0000-0000000000b2';
UPDATE public.vehicles SET status = 'available' WHERE id = '00000000-0000-0000-0000-0000000000c2';
UPDATE public.orders SET trucks_filled = 1, status = 'partially_filled';
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');
NOTIFY truck_accept_test_sentinel;
SELECT notify_name, extra = '' AS empty_payload FROM drain();
-- what the stranger got (waiting for it): the notification, and no id
CREATE FUNCTION stranger_got() RETURNS TABLE (notify_name text, extra text)
LANGUAGE plpgsql AS $$
DECLARE
	deadline timestamptz := clock_timestamp() + interval '30 seconds';
BEGIN
	LOOP
		RETURN QUERY SELECT n.notify_name, n.extra FROM dblink_get_notify('stranger') n;
		EXIT WHEN FOUND;
		IF clock_timestamp() > deadline THEN
			RAISE EXCEPTION 'the stranger got no notification';
		END IF;
		PERFORM pg_sleep(0.01);
	END LOOP;
END
$$;
SELECT notify_name, extra AS payload, extra = '' AS empty_payload FROM stranger_got();
-- the stranger forges an "accepted" notification; the listener gets it, but
-- a consumer that reads take_events() on a notification finds no event
TRUNCATE public.events;
SELECT dblink_exec('stranger', $$NOTIFY truck_accept, '{"event":"accepted","request_id":"00000000-0000-0000-0000-0000000000b1"}'$$);
NOTIFY truck_accept_test_sentinel;
SELECT notify_name, extra FROM drain();
SELECT count(*) AS events_taken FROM truck_accept.take_events(100);
SELECT dblink_disconnect('stranger');
DROP ROLE t04_stranger;

SELECT dblink_disconnect('listener');
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
