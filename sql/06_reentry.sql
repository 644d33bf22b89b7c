-- 06_reentry: a trigger on one of the tables calls accept_truck_request()
-- again, from inside the outer call's own statement, and invalidates the
-- cached plans on the way (a GRANT).  The outer call must not reuse or free a
-- plan it is still executing; both acceptances land, the invariants hold.
\i sql/include/tables.sql
\set VERBOSITY terse

INSERT INTO public.orders (id, trucks_needed) VALUES ('00000000-0000-0000-0000-0000000000a1', 3);
INSERT INTO public.truck_requests (id, order_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000a1', 'open_17ft');
INSERT INTO public.vehicles (id, transporter_id, vehicle_type) VALUES
	('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1', 'open_17ft'),
	('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d1', 'open_17ft');

CREATE TABLE nested_answers (outcome text, trucks_filled int);
CREATE FUNCTION accept_the_other() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.truck_request_id = '00000000-0000-0000-0000-0000000000b1' THEN
		-- invalidates every plan that reads public.orders
		GRANT SELECT ON public.orders TO PUBLIC;
		REVOKE SELECT ON public.orders FROM PUBLIC;
		INSERT INTO nested_answers
		SELECT outcome, trucks_filled
		FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
			'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c2');
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER accept_the_other AFTER INSERT ON public.assignments
	FOR EACH ROW EXECUTE FUNCTION accept_the_other();

-- warm the plan cache first, with a call that locks everything and is rejected
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d9', '00000000-0000-0000-0000-0000000000c1');

SELECT outcome, trucks_filled, order_status
FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b1',
	'00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1');
SELECT * FROM nested_answers;
SELECT trucks_filled, status FROM public.orders;
SELECT count(*) AS active_assignments FROM public.assignments WHERE status = 'active';
SELECT * FROM truck_accept.invariant_violations;

-- and the cached plans still work afterwards
DROP TRIGGER accept_the_other ON public.assignments;
SELECT outcome FROM truck_accept.accept_truck_request('00000000-0000-0000-0000-0000000000b2',
	'00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c2');

DROP FUNCTION accept_the_other();
DROP TABLE nested_answers;
TRUNCATE public.assignments, public.truck_requests,
	public.vehicles, public.drivers, public.orders, public.events;
