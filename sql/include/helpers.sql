-- sql/include/helpers.sql: helpers shared by sql/07..12, created in the schema
-- each test puts first on search_path: readable fixed ids and a fingerprint.
CREATE FUNCTION id(text) RETURNS uuid LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN octet_length($1) <= 16
		THEN rpad(encode(convert_to($1, 'UTF8'), 'hex'), 32, '0')::uuid END
$$;
CREATE FUNCTION nm(uuid) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN h ~ '^([2-7][0-9a-f])+(00)*$'
		THEN convert_from(decode(regexp_replace(h, '(00)*$', ''), 'hex'), 'UTF8')
		ELSE 'random' END
	FROM (SELECT replace($1::text, '-', '') AS h) s
$$;
-- An event payload with every uuid in it read back as a name.
CREATE FUNCTION named(jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT jsonb_object_agg(k, CASE WHEN jsonb_typeof(v) = 'string'
			AND v #>> '{}' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
		THEN to_jsonb(nm((v #>> '{}')::uuid)) ELSE v END)
	FROM jsonb_each($1) e(k, v)
$$;

-- A fingerprint of every row of every table, events included, to show that
-- a call wrote nothing.
CREATE FUNCTION fingerprint() RETURNS text LANGUAGE sql AS $$
	SELECT md5(concat_ws('|',
		(SELECT string_agg(o::text, ',' ORDER BY o.id) FROM public.orders o),
		(SELECT string_agg(r::text, ',' ORDER BY r.id) FROM public.truck_requests r),
		(SELECT string_agg(v::text, ',' ORDER BY v.id) FROM public.vehicles v),
		(SELECT string_agg(d::text, ',' ORDER BY d.id) FROM public.drivers d),
		(SELECT string_agg(a::text, ',' ORDER BY a.id) FROM public.assignments a),
		(SELECT string_agg(e::text, ',' ORDER BY e.id) FROM public.events e)))
$$;
