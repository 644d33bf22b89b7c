-- stress/sweep.sql: after the storm, the first willing caller must win every
-- slot the storm left free.  For each searching, unexpired request of an
-- order that is not full, one call with a free open_17ft truck (and a free driver of the
-- same transporter, when there is one).  Anything but accepted or
-- order_closed means a slot was stuck: reported as a violation.
\set ON_ERROR_STOP 1
CREATE TEMP TABLE sweep_result (request_id text, outcome text);
DO $$
DECLARE
	r record;
	v record;
	d public.drivers.id%TYPE;	-- uuid, or text on Prisma-shaped tables
	res text;
BEGIN
	FOR r IN
		SELECT q.id, q.order_id FROM public.truck_requests q
		JOIN public.orders o ON o.id = q.order_id
		WHERE q.status = 'searching' AND o.status IN ('searching', 'partially_filled')
		  AND (q.expires_at IS NULL OR q.expires_at > clock_timestamp() + interval '2 seconds')
		ORDER BY q.order_id, q.id
	LOOP
		SELECT x.id, x.transporter_id INTO v FROM public.vehicles x
		WHERE x.status = 'available' AND x.vehicle_type = 'open_17ft' LIMIT 1;
		IF NOT FOUND THEN
			INSERT INTO sweep_result VALUES (r.id, 'no_free_vehicle');
			CONTINUE;
		END IF;
		SELECT y.id INTO d FROM public.drivers y
		WHERE y.transporter_id = v.transporter_id AND y.status = 'available' LIMIT 1;
		res := stress.accept(r.id, v.transporter_id, v.id, d);
		INSERT INTO sweep_result VALUES (r.id, res);
	END LOOP;
END
$$;
