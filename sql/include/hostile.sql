-- sql/include/hostile.sql: schema "hostile", owned by a role that is not a
-- superuser (t18_hostile), with a version of every operator, function,
-- aggregate and type name a statement could resolve there: each RAISEs when
-- called.  Used by 18 and 23.
CREATE ROLE t18_hostile;
CREATE SCHEMA hostile AUTHORIZATION t18_hostile;
SET ROLE t18_hostile;
CREATE FUNCTION hostile.boom(text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'hostile % was called', $1;
END
$$;
DO $$
DECLARE
	t text;
	op text;
BEGIN
	-- comparisons of every type a statement compares
	FOREACH t IN ARRAY ARRAY['uuid', 'text', 'timestamptz', 'integer', 'bigint',
							 'boolean', 'jsonb', 'tid', 'varchar', 'name']
	LOOP
		EXECUTE format('CREATE FUNCTION hostile.cmp_%1$s(%2$s, %2$s) RETURNS boolean'
					   ' LANGUAGE sql AS %3$L',
					   replace(t, ' ', '_'), t, 'SELECT hostile.boom(''operator on ' || t || ''')');
		FOREACH op IN ARRAY ARRAY['=', '<>', '<', '<=', '>', '>=']
		LOOP
			EXECUTE format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.cmp_%s)',
						   op, t, t, t);
		END LOOP;
	END LOOP;
	-- arithmetic and concatenation
	FOREACH t IN ARRAY ARRAY['integer', 'bigint', 'text', 'jsonb']
	LOOP
		EXECUTE format('CREATE FUNCTION hostile.arith_%1$s(%1$s, %1$s) RETURNS %1$s'
					   ' LANGUAGE plpgsql AS %2$L',
					   t, 'BEGIN PERFORM hostile.boom(''arithmetic on ' || t || '''); RETURN NULL; END');
		FOREACH op IN ARRAY CASE WHEN t IN ('integer', 'bigint')
							THEN ARRAY['+', '-', '*', '/', '||'] ELSE ARRAY['||'] END
		LOOP
			EXECUTE format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.arith_%s)',
						   op, t, t, t);
		END LOOP;
	END LOOP;
END
$$;
CREATE FUNCTION hostile.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile.boom('now()'); RETURN NULL; END $$;
CREATE FUNCTION hostile.gen_random_uuid() RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile.boom('gen_random_uuid()'); RETURN NULL; END $$;
CREATE FUNCTION hostile.jsonb_build_object(VARIADIC "any") RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile.boom('jsonb_build_object()'); RETURN NULL; END $$;
CREATE FUNCTION hostile.count_step(bigint) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile.boom('count(*)'); RETURN NULL; END $$;
CREATE AGGREGATE hostile.count(*) (SFUNC = hostile.count_step, STYPE = bigint);
CREATE FUNCTION hostile.int_step(integer, integer) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN PERFORM hostile.boom('an aggregate of integer'); RETURN NULL; END $$;
CREATE AGGREGATE hostile.bit_or(integer) (SFUNC = hostile.int_step, STYPE = integer);
CREATE AGGREGATE hostile.sum(integer) (SFUNC = hostile.int_step, STYPE = integer);
-- type names: a cast to any of these would check the domain and raise
CREATE DOMAIN hostile.int4 AS pg_catalog.int4 CHECK (hostile.boom('type int4'));
CREATE DOMAIN hostile.text AS pg_catalog.text CHECK (hostile.boom('type text'));
CREATE DOMAIN hostile.jsonb AS pg_catalog.jsonb CHECK (hostile.boom('type jsonb'));
CREATE DOMAIN hostile.uuid AS pg_catalog.uuid CHECK (hostile.boom('type uuid'));
RESET ROLE;

