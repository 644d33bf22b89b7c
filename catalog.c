/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Which tables truck_accept works on, and the statements built from them.
 *
 * From 2.0 on the business tables (orders, truck_requests, vehicles,
 * drivers, assignments, events) belong to the application: ordinary tables
 * that pg_dump dumps whole and DROP EXTENSION leaves alone.  The extension
 * records which ones they are in its catalog, truck_accept.bound_tables (one
 * row per kind of table: its "kind" and the table as a regclass).
 * create_tables() creates today's tables in a schema and records them; an
 * update from 1.1 records the tables it already had in schema
 * truck_accept.  1.0 and 1.1 have no catalog: there the tables are the
 * extension's own, in its schema, and are found by name.
 *
 * Every function resolves the catalog once per backend (ta_tables_resolve,
 * from ta_call) and keeps the result until an invalidation says that the
 * catalog or one of the recorded tables changed: the catalog's own trigger
 * (bound_tables_changed) sends one on every change of its rows, and
 * PostgreSQL sends one on any DDL of a table.  A statement's text names the
 * tables as {kind}; ta_statement_sql() puts in the recorded table's
 * qualified name, and a statement prepared under other names (a renamed
 * table, another catalog) is prepared again (ta_tables_generation).  A
 * recorded table that was dropped, or a catalog with a kind missing, is an
 * error with a hint, never a statement on another table.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "truck_accept.h"

/* The catalog, a table of the extension's schema. */
#define TA_CATALOG "bound_tables"

/* The kinds of tables, as the catalog and the statements ({kind}) name them. */
static const char *const ta_kinds[TA_NKINDS] = {
	"orders", "truck_requests", "vehicles", "drivers", "assignments", "events"
};

/* What the catalog says, for this backend. */
static bool ta_tables_valid = false;
static bool ta_tables_inval_seen = false;	/* an invalidation came in */
static Oid	ta_tables_nsp = InvalidOid; /* the extension's schema */
static Oid	ta_tables_catalog = InvalidOid; /* bound_tables, or InvalidOid
											 * (1.x: no catalog) */
static Oid	ta_tables_relid[TA_NKINDS];
static char *ta_tables_name[TA_NKINDS]; /* quoted "schema"."table" */

/* Bumped whenever a name changes: statements prepared before are stale. */
uint32		ta_tables_generation = 0;

static int
ta_kind_index(const char *kind, int len)
{
	int			k;

	for (k = 0; k < TA_NKINDS; k++)
		if ((int) strlen(ta_kinds[k]) == len && strncmp(ta_kinds[k], kind, len) == 0)
			return k;
	return -1;
}

/*
 * Scan the catalog into relids[] (InvalidOid for a kind it does not
 * record); returns how many kinds it records.
 */
static int
ta_scan_catalog(Oid catalog, Oid *relids)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	SysScanDesc scan;
	HeapTuple	tup;
	int			nfound = 0;
	int			k;

	if (tupdesc->natts < 2 ||
		TupleDescAttr(tupdesc, 0)->atttypid != TEXTOID ||
		TupleDescAttr(tupdesc, 1)->atttypid != REGCLASSOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("relation \"%s\" is not the catalog of truck_accept",
						ta_relation_name(catalog)),
				 errdetail("Its first two columns must be \"kind\" of type text and \"relid\" of type regclass."),
				 errhint("Reinstall the extension.")));

	for (k = 0; k < TA_NKINDS; k++)
		relids[k] = InvalidOid;

	scan = systable_beginscan(rel, InvalidOid, false, snapshot, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		kind = heap_getattr(tup, 1, tupdesc, &isnull);
		char	   *kindstr;
		Datum		relid;

		if (isnull)
			continue;
		kindstr = TextDatumGetCString(kind);
		k = ta_kind_index(kindstr, strlen(kindstr));
		relid = heap_getattr(tup, 2, tupdesc, &isnull);
		if (k < 0 || isnull)
			continue;
		if (!OidIsValid(relids[k]))
			nfound++;
		relids[k] = DatumGetObjectId(relid);
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return nfound;
}

/*
 * Read the catalog into relids[].  No tables, a kind that is missing, or
 * one recorded as something that is not an existing table, is an error
 * with a hint.
 */
static void
ta_read_catalog(Oid catalog, Oid *relids)
{
	int			k;

	if (ta_scan_catalog(catalog, relids) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("truck_accept has no tables to work on"),
				 errdetail("The catalog %s records no tables.",
						   ta_relation_name(catalog)),
				 errhint("Create them with SELECT truck_accept.create_tables();")));

	for (k = 0; k < TA_NKINDS; k++)
	{
		char		relkind;

		if (!OidIsValid(relids[k]))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("truck_accept has no table of kind \"%s\"", ta_kinds[k]),
					 errdetail("The catalog %s records no row for it.",
							   ta_relation_name(catalog)),
					 errhint("Record the table with INSERT INTO %s (kind, relid) VALUES ('%s', 'schema.table').",
							 ta_relation_name(catalog), ta_kinds[k])));
		relkind = get_rel_relkind(relids[k]);
		if (relkind == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("the table truck_accept records as \"%s\" does not exist",
							ta_kinds[k]),
					 errdetail("The catalog %s records relation OID %u, which was dropped.",
							   ta_relation_name(catalog), relids[k]),
					 errhint("Record the table that replaces it with UPDATE %s SET relid = 'schema.table' WHERE kind = '%s'.",
							 ta_relation_name(catalog), ta_kinds[k])));
		if (relkind != RELKIND_RELATION)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\", recorded as the table \"%s\" of truck_accept, is not an ordinary table",
							ta_relation_name(relids[k]), ta_kinds[k]),
					 errhint("Record an ordinary table with UPDATE %s SET relid = 'schema.table' WHERE kind = '%s'.",
							 ta_relation_name(catalog), ta_kinds[k])));
	}
}

/*
 * Find the tables for a call of the function fn_oid (whose schema is the
 * extension's).  Cheap when nothing changed since the last call: without a
 * catalog (1.x) it only checks that none has appeared (an ALTER EXTENSION
 * UPDATE in another session).
 */
void
ta_tables_resolve(Oid fn_oid)
{
	Oid			nsp = get_func_namespace(fn_oid);
	Oid			catalog;
	Oid			relids[TA_NKINDS];
	char	   *names[TA_NKINDS];
	bool		changed = false;
	int			k;

	if (ta_tables_valid && nsp == ta_tables_nsp)
	{
		if (OidIsValid(ta_tables_catalog))
			return;
		if (!OidIsValid(get_relname_relid(TA_CATALOG, nsp)))
			return;
	}

	/*
	 * Read until no invalidation came in meanwhile: the look-ups below may
	 * take locks, and so take in a change committed after the catalog was
	 * read (as the relcache does for a relation it is building).  Until the
	 * result is kept, the old one is not valid: an error leaves it so.
	 */
	ta_tables_valid = false;
	do
	{
		ta_tables_inval_seen = false;
		catalog = get_relname_relid(TA_CATALOG, nsp);
		if (OidIsValid(catalog))
			ta_read_catalog(catalog, relids);
		else
		{
			/* 1.0 and 1.1: the extension's own tables (1.0 has no events) */
			for (k = 0; k < TA_NKINDS; k++)
				relids[k] = get_relname_relid(ta_kinds[k], nsp);
		}
		for (k = 0; k < TA_NKINDS; k++)
		{
			if (OidIsValid(catalog))
				names[k] = ta_relation_name(relids[k]);
			else
				names[k] = quote_qualified_identifier(get_namespace_name(nsp),
													  ta_kinds[k]);
		}
	} while (ta_tables_inval_seen);

	for (k = 0; k < TA_NKINDS; k++)
		if (ta_tables_name[k] == NULL || strcmp(names[k], ta_tables_name[k]) != 0)
			changed = true;

	/* all checked: now keep it */
	for (k = 0; k < TA_NKINDS; k++)
	{
		if (ta_tables_name[k] != NULL)
			pfree(ta_tables_name[k]);
		ta_tables_name[k] = MemoryContextStrdup(CacheMemoryContext, names[k]);
		ta_tables_relid[k] = relids[k];
	}
	ta_tables_nsp = nsp;
	ta_tables_catalog = catalog;
	ta_tables_valid = true;
	if (changed)
		ta_tables_generation++;
}

/*
 * The table of a kind ("orders", ...), as last resolved; InvalidOid if it
 * does not exist (1.0 has no events).
 */
Oid
ta_table_relid(const char *kind)
{
	int			k = ta_kind_index(kind, strlen(kind));

	if (k < 0)
		elog(ERROR, "unknown kind of table \"%s\"", kind);
	/* resolved by this call (an invalidation since may have come in) */
	Assert(OidIsValid(ta_tables_nsp));
	return ta_tables_relid[k];
}

/*
 * Relcache invalidation: the catalog or a recorded table changed (or all
 * relations did), so resolve again before the next call.  A schema renamed
 * (ta_tables_invalidate_nsp) changes the names too.
 */
void
ta_tables_invalidate(Oid relid)
{
	int			k;

	ta_tables_inval_seen = true;
	if (!ta_tables_valid)
		return;
	if (!OidIsValid(relid) || relid == ta_tables_catalog)
	{
		ta_tables_valid = false;
		return;
	}
	for (k = 0; k < TA_NKINDS; k++)
		if (relid == ta_tables_relid[k])
			ta_tables_valid = false;
}

/* Syscache invalidation of pg_namespace: a schema was renamed, say. */
void
ta_tables_invalidate_nsp(Datum arg, int cacheid, uint32 hashvalue)
{
	ta_tables_inval_seen = true;
	ta_tables_valid = false;
}

/*
 * The text of a statement: each {kind} in the template, outside quoted
 * literals, replaced by the quoted, schema-qualified name of the recorded
 * table.  Braces around anything else (an array literal) stay as they are.
 */
char *
ta_statement_sql(const char *template)
{
	StringInfoData buf;
	const char *p = template;
	bool		in_literal = false;

	Assert(OidIsValid(ta_tables_nsp));
	initStringInfo(&buf);
	while (*p != '\0')
	{
		const char *close;
		int			k;

		if (*p == '\'')
			in_literal = !in_literal;	/* '' inside one toggles twice */
		if (in_literal || *p != '{' || (close = strchr(p, '}')) == NULL)
		{
			appendStringInfoChar(&buf, *p++);
			continue;
		}
		k = ta_kind_index(p + 1, close - p - 1);
		if (k < 0)
		{
			/* not a table: an array literal, say */
			appendStringInfoChar(&buf, *p++);
			continue;
		}
		appendStringInfoString(&buf, ta_tables_name[k]);
		p = close + 1;
	}
	return buf.data;
}

/*
 * Trigger of the catalog, for each statement that changes it: every backend
 * resolves the tables again before its next call (ta_tables_invalidate).
 */
PG_FUNCTION_INFO_V1(bound_tables_changed);

Datum
bound_tables_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"bound_tables_changed\" was not called by trigger manager")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

/*
 * CREATE TABLES.  The tables of 2.0, as 1.0 and 1.1 made them in the
 * extension's schema (same names, columns, constraints, indexes and
 * comments), in the schema %1$s.  They run under the function's own
 * search_path (pg_catalog, pg_temp), and name every operator with its
 * schema all the same.
 */
static const char *const ta_table_ddl[] = {
	"CREATE TABLE %1$s.orders ("
	" id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),"
	" trucks_needed integer NOT NULL,"
	" trucks_filled integer NOT NULL DEFAULT 0,"
	" status text NOT NULL DEFAULT 'searching',"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT orders_trucks_needed_check"
	"  CHECK (trucks_needed OPERATOR(pg_catalog.>) 0),"
	" CONSTRAINT orders_trucks_filled_check"
	"  CHECK (trucks_filled OPERATOR(pg_catalog.>=) 0"
	"   AND trucks_filled OPERATOR(pg_catalog.<=) trucks_needed),"
	" CONSTRAINT orders_status_check"
	"  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['searching', 'partially_filled',"
	"   'fully_filled', 'cancelled', 'expired', 'completed'])))",

	"CREATE TABLE %1$s.truck_requests ("
	" id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),"
	" order_id uuid NOT NULL REFERENCES %1$s.orders (id),"
	" vehicle_type text NOT NULL,"
	" status text NOT NULL DEFAULT 'searching',"
	" assigned_transporter_id uuid,"
	" assigned_vehicle_id uuid,"
	" assigned_driver_id uuid,"
	" assigned_at timestamptz,"
	" expires_at timestamptz,"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT truck_requests_status_check"
	"  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['searching', 'assigned',"
	"   'cancelled', 'expired', 'completed'])),"
	" CONSTRAINT truck_requests_assigned_check"
	"  CHECK (status OPERATOR(pg_catalog.<>) 'assigned'"
	"   OR (assigned_transporter_id IS NOT NULL"
	"    AND assigned_vehicle_id IS NOT NULL"
	"    AND assigned_at IS NOT NULL)))",
	"CREATE INDEX truck_requests_order_id_idx ON %1$s.truck_requests (order_id)",

	"CREATE TABLE %1$s.vehicles ("
	" id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),"
	" transporter_id uuid NOT NULL,"
	" vehicle_type text NOT NULL,"
	" status text NOT NULL DEFAULT 'available',"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT vehicles_status_check"
	"  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['available', 'on_trip',"
	"   'maintenance', 'inactive'])))",
	"CREATE INDEX vehicles_transporter_id_idx ON %1$s.vehicles (transporter_id)",

	"CREATE TABLE %1$s.drivers ("
	" id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),"
	" transporter_id uuid NOT NULL,"
	" status text NOT NULL DEFAULT 'available',"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT drivers_status_check"
	"  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['available', 'on_trip', 'inactive'])))",
	"CREATE INDEX drivers_transporter_id_idx ON %1$s.drivers (transporter_id)",

	"CREATE TABLE %1$s.assignments ("
	" id uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),"
	" truck_request_id uuid NOT NULL REFERENCES %1$s.truck_requests (id),"
	" order_id uuid NOT NULL REFERENCES %1$s.orders (id),"
	" transporter_id uuid NOT NULL,"
	" vehicle_id uuid NOT NULL REFERENCES %1$s.vehicles (id),"
	" driver_id uuid REFERENCES %1$s.drivers (id),"
	" trip_id uuid NOT NULL UNIQUE DEFAULT pg_catalog.gen_random_uuid(),"
	" status text NOT NULL DEFAULT 'active',"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT assignments_status_check"
	"  CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'released',"
	"   'cancelled', 'completed'])))",
	"CREATE UNIQUE INDEX assignments_one_active_per_request"
	" ON %1$s.assignments (truck_request_id) WHERE status OPERATOR(pg_catalog.=) 'active'",
	"CREATE UNIQUE INDEX assignments_one_active_per_vehicle"
	" ON %1$s.assignments (vehicle_id) WHERE status OPERATOR(pg_catalog.=) 'active'",
	"CREATE UNIQUE INDEX assignments_one_active_per_driver"
	" ON %1$s.assignments (driver_id)"
	" WHERE status OPERATOR(pg_catalog.=) 'active' AND driver_id IS NOT NULL",
	"CREATE INDEX assignments_order_id_idx ON %1$s.assignments (order_id)",

	"CREATE TABLE %1$s.events ("
	" id bigserial PRIMARY KEY,"
	" event_type text NOT NULL,"
	" order_id uuid,"
	" request_id uuid,"
	" assignment_id uuid,"
	" transporter_id uuid,"
	" payload jsonb NOT NULL,"
	" created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),"
	" CONSTRAINT events_event_type_check"
	"  CHECK (event_type OPERATOR(pg_catalog.=) ANY (ARRAY['accepted', 'released',"
	"   'order_cancelled', 'assignment_cancelled', 'request_expired',"
	"   'order_expired', 'assignment_completed', 'order_completed'])))",

	"CREATE INDEX truck_requests_searching_expires_at_idx"
	" ON %1$s.truck_requests (expires_at) WHERE status OPERATOR(pg_catalog.=) 'searching'",
	"CREATE INDEX truck_requests_order_searching_idx"
	" ON %1$s.truck_requests (order_id, id) WHERE status OPERATOR(pg_catalog.=) 'searching'",

	"COMMENT ON TABLE %1$s.orders IS"
	" 'an order for trucks_needed trucks; trucks_filled counts its active assignments'",
	"COMMENT ON TABLE %1$s.truck_requests IS"
	" 'one broadcast slot of an order, won by at most one transporter'",
	"COMMENT ON TABLE %1$s.vehicles IS"
	" 'a transporter''s vehicle; on_trip while it has an active assignment'",
	"COMMENT ON TABLE %1$s.drivers IS"
	" 'a transporter''s driver; on_trip while they have an active assignment'",
	"COMMENT ON TABLE %1$s.assignments IS"
	" 'a won truck request: who drives it, with what, under which trip'",
	"COMMENT ON TABLE %1$s.events IS"
	" 'one row per state change, appended in the same transaction; consumed with take_events()'",
};

/*
 * Record the tables just created in schema nspid, as the owner of the
 * catalog: the caller need not be able to write the catalog, which only
 * ever receives tables the caller has just created and owns.
 */
static void
ta_record_tables(Oid catalog, Oid nspid)
{
	char	   *sql = psprintf("INSERT INTO %s (kind, relid) VALUES ($1, $2)",
							   ta_relation_name(catalog));
	Oid			argtypes[2] = {TEXTOID, REGCLASSOID};
	Oid			save_userid;
	int			save_sec_context;
	Oid			owner;
	HeapTuple	tup;
	int			k;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(catalog));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", catalog);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PG_TRY();
	{
		for (k = 0; k < TA_NKINDS; k++)
		{
			Datum		values[2];

			values[0] = CStringGetTextDatum(ta_kinds[k]);
			values[1] = ObjectIdGetDatum(get_relname_relid(ta_kinds[k], nspid));
			if (SPI_execute_with_args(sql, 2, argtypes, values, NULL, false, 0)
				!= SPI_OK_INSERT)
				elog(ERROR, "could not record table \"%s\" of truck_accept",
					 ta_kinds[k]);
		}
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
}

PG_FUNCTION_INFO_V1(create_tables);

/*
 * create_tables(target_schema name DEFAULT 'public'): create the business
 * tables in target_schema, owned by the caller, and record them.  One set
 * of tables per database: an error if the catalog already records some.
 * The caller needs CREATE on the schema; the SQL declaration pins the
 * search_path.
 */
Datum
create_tables(PG_FUNCTION_ARGS)
{
	Oid			catalog;
	Oid			nspid;
	Oid			relids[TA_NKINDS];
	const char *qschema;
	int			i;
	int			k;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"target_schema\" must not be null")));
	nspid = get_namespace_oid(NameStr(*PG_GETARG_NAME(0)), false);
	if (isAnyTempNamespace(nspid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("cannot create the tables of truck_accept in a temporary schema"),
				 errdetail("They would be recorded for the whole database, and vanish with this session.")));
	catalog = get_relname_relid(TA_CATALOG, get_func_namespace(fcinfo->flinfo->fn_oid));
	if (!OidIsValid(catalog))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the catalog %s.%s of truck_accept does not exist",
						get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid)),
						TA_CATALOG),
				 errhint("Reinstall the extension: DROP EXTENSION truck_accept; CREATE EXTENSION truck_accept;")));

	/* one caller at a time: the next one finds the tables recorded */
	LockRelationOid(catalog, ShareRowExclusiveLock);
	if (ta_scan_catalog(catalog, relids) > 0)
	{
		for (k = 0; !OidIsValid(relids[k]); k++)
			;
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("truck_accept already has its tables"),
				 errdetail("The catalog %s records table %s as \"%s\".",
						   ta_relation_name(catalog),
						   ta_relation_name(relids[k]), ta_kinds[k]),
				 errhint("One set of tables per database: to start over, drop the recorded tables and DELETE FROM %s.",
						 ta_relation_name(catalog))));
	}

	qschema = quote_identifier(get_namespace_name(nspid));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	for (i = 0; i < (int) lengthof(ta_table_ddl); i++)
		if (SPI_execute(psprintf(ta_table_ddl[i], qschema), false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "SPI_execute failed for \"%s\"", ta_table_ddl[i]);
	ta_record_tables(catalog, nspid);
	SPI_finish();
	PG_RETURN_VOID();
}
