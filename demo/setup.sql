-- demo/setup.sql: the demo's data: one order, its broadcast requests, the transporters with their trucks and drivers.
--
-- psql variables: callers (transporters), requests (broadcast slots), trucks (trucks_needed).
-- Demo-only bookkeeping (readable names, which id is which) lives in schema
-- "demo"; the business tables (public.orders, ...) get only what an application would write.

CREATE EXTENSION truck_accept;
SELECT truck_accept.create_tables();
CREATE SCHEMA demo;

-- label -> id, so that the output can say "R2" instead of a uuid
CREATE TABLE demo.orders (
	label text PRIMARY KEY,
	id uuid NOT NULL DEFAULT gen_random_uuid()
);
CREATE TABLE demo.requests (
	label text PRIMARY KEY,
	order_label text NOT NULL REFERENCES demo.orders (label),
	id uuid NOT NULL DEFAULT gen_random_uuid()
);

-- one truck and one driver each; "request" is the one this transporter taps on
CREATE TABLE demo.transporters (
	no int PRIMARY KEY,
	name text NOT NULL UNIQUE,
	request text NOT NULL REFERENCES demo.requests (label),
	id uuid NOT NULL DEFAULT gen_random_uuid(),
	vehicle_id uuid NOT NULL DEFAULT gen_random_uuid(),
	driver_id uuid NOT NULL DEFAULT gen_random_uuid()
);

-- what each caller got back (loaded from the clients' output)
CREATE TABLE demo.results (
	transporter text NOT NULL,
	request text NOT NULL,
	outcome text,
	accepted boolean,
	assignment_id uuid,
	trip_id uuid,
	order_id uuid,
	trucks_filled integer,
	trucks_needed integer,
	order_status text,
	message text,
	done_at timestamptz
);

-- every PASS/FAIL line the demo prints
CREATE TABLE demo.checks (
	id serial PRIMARY KEY,
	part text NOT NULL,
	name text NOT NULL,
	expected text,
	actual text,
	ok boolean GENERATED ALWAYS AS (coalesce(expected = actual, false)) STORED
);

-- the single calls of part 4
CREATE TABLE demo.calls (
	id serial PRIMARY KEY,
	scene text NOT NULL,
	transporter text NOT NULL,
	expected text NOT NULL,
	outcome text,
	trip_id uuid,
	message text
);

INSERT INTO demo.orders (label) VALUES ('race');
INSERT INTO demo.requests (label, order_label)
	SELECT 'R' || g, 'race' FROM generate_series(1, :requests) g;
INSERT INTO demo.transporters (no, name, request)
	SELECT no, name, 'R' || ((no - 1) % :requests + 1)
	FROM unnest(ARRAY[
		'Apex Logistics', 'Bharat Carriers', 'Chetak Transport', 'Deccan Movers',
		'Eastern Freight', 'Falcon Haulers', 'Ganga Roadlines', 'Himalaya Cargo',
		'Indus Transport', 'Jai Hind Carriers', 'Kaveri Logistics', 'Lakshmi Roadways',
		'Malabar Movers', 'Narmada Freight', 'Orient Haulage', 'Pioneer Trucking',
		'Quick Cargo', 'Rajdhani Roadlines', 'Sahyadri Transport', 'Tapti Carriers'
	]) WITH ORDINALITY AS n(name, no)
	WHERE no <= :callers;

-- what the application would have written
INSERT INTO public.orders (id, trucks_needed)
	SELECT id, :trucks FROM demo.orders WHERE label = 'race';
INSERT INTO public.truck_requests (id, order_id, vehicle_type)
	SELECT r.id, o.id, 'open_17ft'
	FROM demo.requests r JOIN demo.orders o ON o.label = r.order_label;
INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
	SELECT vehicle_id, id, 'open_17ft' FROM demo.transporters;
INSERT INTO public.drivers (id, transporter_id)
	SELECT driver_id, id FROM demo.transporters;

\echo
SELECT format('order "race": trucks_needed = %s, broadcast as %s requests of vehicle_type open_17ft to %s transporters (1 open_17ft truck + 1 driver each)',
			  o.trucks_needed,
			  (SELECT count(*) FROM public.truck_requests r WHERE r.order_id = o.id),
			  (SELECT count(*) FROM demo.transporters)) AS " "
FROM public.orders o JOIN demo.orders d ON d.id = o.id
WHERE d.label = 'race' \g (format=unaligned tuples_only=on)
\echo
SELECT r.label AS request, string_agg(t.name, ', ' ORDER BY t.no) AS "transporters who will tap accept on it"
FROM demo.requests r JOIN demo.transporters t ON t.request = r.label
GROUP BY r.label ORDER BY r.label;
