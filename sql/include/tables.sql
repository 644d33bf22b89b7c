-- sql/include/tables.sql: the business tables in public, made by
-- create_tables() once per database (pg_regress runs all tests in one).
DO $$ BEGIN
	IF NOT EXISTS (SELECT FROM truck_accept.bound_tables) THEN
		PERFORM truck_accept.create_tables();
	END IF;
END $$;
