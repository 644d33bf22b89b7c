/*-------------------------------------------------------------------------
 *
 * statements.c
 *	  The SQL statements of every function, as C sees them: the per-backend
 *	  cache of prepared statements, running one through SPI and reading its
 *	  result, the column types those results must have (COLUMN TYPES), and
 *	  the checks of what a write statement wrote.
 *
 * A statement (TaStatement) names its tables by kind, {orders}, and is
 * prepared for the tables the catalog records (catalog.c) the first time a
 * backend runs it; the plan is kept and prepared again when it was
 * invalidated or the tables' names changed (see SPI in truck_accept.c).
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "truck_accept.h"

/*
 * Return the kept plan of a statement, preparing it first if this backend has
 * none or the one it has was invalidated.  (An invalidated plan that an outer
 * call may still be executing is left alone: SPI_execute_plan() then
 * revalidates it from its fully qualified text.)
 */
static SPIPlanPtr
ta_get_plan(TaStatement *st, Oid fn_oid)
{
	if (st->plan != NULL && ta_call_depth == 1 &&
		(!SPI_plan_is_valid(st->plan) || st->generation != ta_tables_generation))
	{
		SPI_freeplan(st->plan);
		st->plan = NULL;
	}

	/*
	 * Prepared for tables since renamed or recorded anew, while an outer call
	 * may still be executing it: leave it to that call, and prepare another
	 * (a rare leak, of one plan).
	 */
	if (st->plan != NULL && st->generation != ta_tables_generation)
		st->plan = NULL;

	if (st->plan == NULL)
	{
		char	   *sql = ta_statement_sql(st->sql);
		Oid			argtypes[TA_MAX_ARGS];
		SPIPlanPtr	plan;
		int			i;

		for (i = 0; i < st->nargs; i++)
			argtypes[i] = st->argtypes[i] == TA_ORDER_STATUS_PARAM ?
				ta_status_param_type("orders") :
				ta_resolve_type(st->argtypes[i]);
		plan = SPI_prepare(sql, st->nargs, argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		st->plan = plan;
		st->generation = ta_tables_generation;
	}

	return st->plan;
}

/*
 * The call holds its ids as the tables' id types were when it began: a
 * nested call (from a trigger or policy) that found them changed by DDL
 * meanwhile has prepared the plans, and read the tables, for the new ones.
 * An error, before anything is read or passed as the old type.
 */
void
ta_check_call_id_types(void)
{
	if (ta_id_type(false) != ta_call_id_types[0] ||
		ta_id_type(true) != ta_call_id_types[1])
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the type of the ids of truck_accept's tables changed during the call")));
}

/* The statement ta_exec() ran last: its result is what ta_col() reads. */
static TaStatement *ta_last_stmt = NULL;

static char *ta_result_column_origin(int col, Oid *relid);

/*
 * Run a statement and return how many rows it produced.  Statements that
 * lock or write must not run read-only, so none does.  More rows than a
 * statement of one row may return means that a table lost the primary key
 * or unique index the statement relies on: an error that says so.
 */
uint64
ta_exec(TaStatement *st, Oid fn_oid, Datum *values, const char *nulls)
{
	SPIPlanPtr	plan;
	int			rc;

	ta_check_call_id_types();
	plan = ta_get_plan(st, fn_oid);

	rc = SPI_execute_plan(plan, values, nulls, false, 0);
	/* a trigger or policy it ran may have changed them: before any result */
	ta_check_call_id_types();
	if (rc != st->expected_rc)
		elog(ERROR, "SPI_execute_plan returned %s for \"%s\"",
			 SPI_result_code_string(rc), st->sql);
	ta_last_stmt = st;
	if (st->max_rows > 0 && SPI_processed > (uint64) st->max_rows)
	{
		Oid			relid = InvalidOid;

		if (SPI_tuptable->tupdesc->natts > 0)
			ta_result_column_origin(1, &relid);
		ereport(ERROR,
				(errcode(ERRCODE_CARDINALITY_VIOLATION),
				 errmsg("more than one row of relation \"%s\" matches a key that truck_accept expects to be unique",
						ta_relation_name(relid)),
				 errdetail("A statement of truck_accept found " UINT64_FORMAT " rows where it expects at most %d.",
						   SPI_processed, st->max_rows),
				 errhint("Restore the table's primary key and unique indexes.")));
	}
	return SPI_processed;
}

/* "schema.table" of a relation, for messages; "?" if it is not known. */
char *
ta_relation_name(Oid relid)
{
	char	   *relname = OidIsValid(relid) ? get_rel_name(relid) : NULL;
	char	   *nspname;

	if (relname == NULL)
		return "?";
	nspname = get_namespace_name(get_rel_namespace(relid));
	return quote_qualified_identifier(nspname, relname);
}

/*
 * The name of column "col" (1-based) of the last statement's result, and in
 * *relid the table it was read from, if the statement's query says so (as
 * PostgreSQL reports it to clients).  Only for messages.
 */
static char *
ta_result_column_origin(int col, Oid *relid)
{
	char	   *colname = SPI_fname(SPI_tuptable->tupdesc, col);
	List	   *sources;

	*relid = InvalidOid;
	if (ta_last_stmt == NULL || ta_last_stmt->plan == NULL)
		return colname;
	sources = SPI_plan_get_plan_sources(ta_last_stmt->plan);
	if (list_length(sources) == 1)
	{
		CachedPlanSource *source = linitial(sources);

		if (source->is_valid && list_length(source->query_list) >= 1)
		{
			Query	   *query = llast_node(Query, source->query_list);
			TargetEntry *tle = get_tle_by_resno(query->targetList, col);

			if (tle != NULL && OidIsValid(tle->resorigtbl))
			{
				char	   *attname = get_attname(tle->resorigtbl,
												  tle->resorigcol, true);

				*relid = tle->resorigtbl;
				if (attname != NULL)
					colname = attname;
			}
		}
	}
	return colname;
}

/*
 * COLUMN TYPES.  Every column a statement of the extension reads, compares
 * or writes, with the type the C code and the statements assume.  A user's
 * ALTER TABLE that changes one (say vehicle_type to an enum) must give an
 * error that names it, never a datum read as another type.  They are
 * checked before the first call of a session and again after any relation
 * changed (the relcache callback clears ta_columns_checked); the readers
 * check the types of what they read as well (ta_row_col, ta_row_open).
 */
typedef struct TaColumn
{
	const char *table;
	const char *column;
	Oid			type;
} TaColumn;

static const TaColumn ta_columns[] = {
	{"orders", "id", TA_ID},
	{"orders", "trucks_filled", INT4OID},
	{"orders", "trucks_needed", INT4OID},
	{"orders", "status", TEXTOID},
	{"orders", "updated_at", TIMESTAMPTZOID},
	{"truck_requests", "id", TA_ID},
	{"truck_requests", "order_id", TA_ID},
	{"truck_requests", "vehicle_type", TEXTOID},
	{"truck_requests", "status", TEXTOID},
	{"truck_requests", "assigned_transporter_id", TA_ID},
	{"truck_requests", "assigned_vehicle_id", TA_ID},
	{"truck_requests", "assigned_driver_id", TA_ID},
	{"truck_requests", "assigned_at", TIMESTAMPTZOID},
	{"truck_requests", "expires_at", TIMESTAMPTZOID},
	{"truck_requests", "updated_at", TIMESTAMPTZOID},
	{"vehicles", "id", TA_ID},
	{"vehicles", "transporter_id", TA_ID},
	{"vehicles", "vehicle_type", TEXTOID},
	{"vehicles", "status", TEXTOID},
	{"vehicles", "updated_at", TIMESTAMPTZOID},
	{"drivers", "id", TA_ID},
	{"drivers", "transporter_id", TA_ID},
	{"drivers", "status", TEXTOID},
	{"drivers", "updated_at", TIMESTAMPTZOID},
	{"assignments", "id", TA_ID},
	{"assignments", "trip_id", TA_TRIP_ID},
	{"assignments", "truck_request_id", TA_ID},
	{"assignments", "order_id", TA_ID},
	{"assignments", "transporter_id", TA_ID},
	{"assignments", "vehicle_id", TA_ID},
	{"assignments", "driver_id", TA_ID},
	{"assignments", "status", TEXTOID},
	{"assignments", "updated_at", TIMESTAMPTZOID},
	{"events", "id", INT8OID},
	{"events", "event_type", TEXTOID},
	{"events", "order_id", TA_ID},
	{"events", "request_id", TA_ID},
	{"events", "assignment_id", TA_ID},
	{"events", "transporter_id", TA_ID},
	{"events", "payload", JSONBOID},
};

/* A collation's name, for messages ("none" for none). */
static const char *
ta_collation_name(Oid collation)
{
	char	   *name = OidIsValid(collation) ? get_collation_name(collation) : NULL;

	return name ? quote_identifier(name) : "none";
}

/* Cleared whenever a relation changes (truck_accept.c's relcache callback). */
bool		ta_columns_checked = false;

/*
 * Check ta_columns in the tables.  A table or column that is not there is
 * left to the statement that uses it, which raises PostgreSQL's own error
 * (1.0 has no events table).
 */
void
ta_check_columns(void)
{
	int			i;

	for (i = 0; i < (int) lengthof(ta_columns); i++)
	{
		const TaColumn *c = &ta_columns[i];
		Oid			relid = ta_table_relid(c->table);
		const char *att = ta_column_att(c->table, c->column);
		HeapTuple	tup;
		Oid			type;
		Oid			collation;

		if (!OidIsValid(relid) || att == NULL)
			continue;
		/* one look-up: a column dropped meanwhile is simply not found */
		tup = SearchSysCacheAttName(relid, att);
		if (!HeapTupleIsValid(tup))
			continue;
		type = ((Form_pg_attribute) GETSTRUCT(tup))->atttypid;
		collation = ((Form_pg_attribute) GETSTRUCT(tup))->attcollation;
		ReleaseSysCache(tup);
		if (strcmp(c->column, "status") == 0 && ta_status_is_enum(c->table, type))
			continue;			/* an enum its binding reads */
		ta_check_column_type(relid, att, type, c->type);
		/* text ids of different tables are compared: under one collation */
		if (c->type == TA_ID && ta_id_type(false) == TEXTOID &&
			strcmp(c->table, "events") != 0 &&
			collation != ta_id_column_collation())
			ereport(ERROR,
					(errcode(ERRCODE_COLLATION_MISMATCH),
					 errmsg("column \"%s\" of relation \"%s\" has collation %s, but the ids of truck_accept's tables have collation %s",
							att, ta_relation_name(relid),
							ta_collation_name(collation),
							ta_collation_name(ta_id_column_collation())),
					 errhint("Give all id columns one collation with ALTER TABLE.")));
	}
	ta_columns_checked = true;
}

/*
 * Is a column of type "found" one that truck_accept may read as "expected"?
 * The type itself, a domain over it, varchar where text is expected (the
 * same representation), and timestamp where timestamptz is expected (the
 * same representation: such a column holds UTC, as Prisma writes it).
 */
static bool
ta_type_ok(Oid found, Oid expected)
{
	if (found == expected)
		return true;
	found = getBaseType(found);
	return found == expected || (expected == TEXTOID && found == VARCHAROID) ||
		(expected == TIMESTAMPTZOID && found == TIMESTAMPOID);
}

/*
 * A column that a user's ALTER TABLE gave a type truck_accept cannot read:
 * an error naming the column, rather than reading the datum as another type.
 */
void
ta_check_column_type(Oid relid, const char *colname, Oid found, Oid expected)
{
	bool		id = expected == TA_ID;

	expected = ta_resolve_type(expected);
	if (ta_type_ok(found, expected))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of relation \"%s\" is of type %s, but truck_accept reads it as %s",
					colname, ta_relation_name(relid), format_type_be(found),
					format_type_be(expected)),
			 id ? errdetail("Every id column is of the type of column \"%s\" of relation \"%s\": uuid, or text.",
							ta_column_att("orders", "id"),
							ta_relation_name(ta_table_relid("orders"))) : 0,
			 id ? errhint("Give all id columns one type with ALTER TABLE.") :
			 errhint("Change the column back to type %s with ALTER TABLE.",
					 format_type_be(expected))));
}

/* A NULL in a column truck_accept needs a value in (a dropped NOT NULL). */
void
ta_column_null_error(Oid relid, const char *colname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NOT_NULL_VIOLATION),
			 errmsg("null value in column \"%s\" of relation \"%s\"",
					colname, ta_relation_name(relid)),
			 errdetail("truck_accept requires a value in this column."),
			 errhint("Correct the row, and make the column NOT NULL again.")));
}

/*
 * The row type a function returns must have exactly the columns its C code
 * builds (ALTER TYPE on accept_any's result type can change it): else an
 * error, never a row built for another type.
 */
void
ta_check_result_type(Oid fn_oid, TupleDesc tupdesc, int natts,
					 const Oid *types)
{
	int			i;

	if (tupdesc->natts != natts)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("function %s returns a row type that truck_accept does not build",
						format_procedure(fn_oid)),
				 errdetail("The row type has %d columns, expected %d.",
						   tupdesc->natts, natts),
				 errhint("Restore the row type with ALTER TYPE, or reinstall the extension.")));
	for (i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		Oid			type = types[i] == TA_ID ? ta_api_id_type() : types[i];

		if (att->attisdropped || att->atttypid != type)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("function %s returns a row type that truck_accept does not build",
							format_procedure(fn_oid)),
					 att->attisdropped ?
					 errdetail("Column %d of the row type was dropped.", i + 1) :
					 errdetail("Column %d (\"%s\") is of type %s, expected %s.",
							   i + 1, NameStr(att->attname),
							   format_type_be(att->atttypid),
							   format_type_be(type)),
					 errhint("Restore the row type with ALTER TYPE, or reinstall the extension.")));
	}
}

/*
 * Column "col" (1-based) of row "row" of the last statement's result, which
 * must be of type "typid" (see ta_type_ok).
 */
Datum
ta_row_col(uint64 row, int col, Oid typid, bool *isnull)
{
	Oid			found = SPI_gettypeid(SPI_tuptable->tupdesc, col);

	typid = ta_resolve_type(typid);
	if (found != typid && !ta_type_ok(found, typid))
	{
		Oid			relid;
		char	   *colname = ta_result_column_origin(col, &relid);

		ta_check_column_type(relid, colname, found, typid);
	}
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
						 col, isnull);
}

/* Column "col" of the first row. */
Datum
ta_col(int col, Oid typid, bool *isnull)
{
	return ta_row_col(0, col, typid, isnull);
}

/* The same, for a column that must not be NULL. */
Datum
ta_row_col_notnull(uint64 row, int col, Oid typid)
{
	bool		isnull;
	Datum		d = ta_row_col(row, col, typid, &isnull);

	if (isnull)
	{
		Oid			relid;
		char	   *colname = ta_result_column_origin(col, &relid);

		ta_column_null_error(relid, colname);
	}
	return d;
}

/* An id column of the first row: of type TA_ID, or TA_TRIP_ID if "trip". */
TaId
ta_col_id(int col, bool trip, bool *isnull)
{
	TaId		result;
	Oid			type = trip ? TA_TRIP_ID : TA_ID;
	Datum		d = ta_col(col, type, isnull);

	if (*isnull)
		memset(&result, 0, sizeof(result));
	else
		ta_id_set(&result, d, ta_resolve_type(type));
	return result;
}

int32
ta_col_int32(int col)
{
	return DatumGetInt32(ta_row_col_notnull(0, col, INT4OID));
}

/* Copy a NOT NULL status column into buf. */
void
ta_col_status(int col, char *buf)
{
	text_to_cstring_buffer(DatumGetTextPP(ta_row_col_notnull(0, col, TEXTOID)),
						   buf, TA_STATUS_LEN);
}

/*
 * A write statement of "action" (on the row whose id is *id, if id is not
 * NULL) did not change
 * a row of "table" that it expected to: a BEFORE trigger returned NULL (if
 * the table has one, that is the likelier cause), row-level security hid the
 * row from the UPDATE, or (with neither) the rows are inconsistent.  An error that names the table, and rolls the whole
 * call back.
 */
void
ta_write_skipped(const char *action, const TaId *id, Oid fn_oid,
				 const char *table)
{
	Oid			relid = ta_table_relid(table);
	char	   *subject = id == NULL ? pstrdup(action) :
		psprintf("%s %s", action, ta_id_text(id));
	bool		before_triggers = false;

	if (OidIsValid(relid))
	{
		Relation	rel = table_open(relid, AccessShareLock);

		before_triggers = rel->trigdesc != NULL &&
			(rel->trigdesc->trig_update_before_row ||
			 rel->trigdesc->trig_insert_before_row);
		table_close(rel, AccessShareLock);
	}
	if (before_triggers)
		ereport(ERROR,
				(errcode(ERRCODE_TRIGGERED_DATA_CHANGE_VIOLATION),
				 errmsg("%s could not change its rows of relation \"%s\"",
						subject, ta_relation_name(relid)),
				 errdetail("A BEFORE trigger on the table returned NULL, which skips the row."),
				 errhint("Make the table's BEFORE triggers return the row for changes made by truck_accept.")));
	if (OidIsValid(relid) &&
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s could not change its rows of relation \"%s\"",
						subject, ta_relation_name(relid)),
				 errdetail("Row-level security hid a row from the UPDATE."),
				 errhint("Give the role a policy for UPDATE on the table that covers the rows it may change, or exempt it from row-level security.")));
	ereport(ERROR,
			(errcode(ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION),
			 errmsg("%s could not change its rows of relation \"%s\"",
					subject, ta_relation_name(relid)),
			 errdetail("The rows were changed without truck_accept's functions."),
			 errhint("The view truck_accept.invariant_violations lists what is inconsistent; correct those rows.")));
}

/*
 * Check what a write statement of "action" (on the row whose id is *id)
 * wrote, as its first row reports it: column 1 the number of rows written,
 * column 2 a bit per table (tables[bit]) of which it wrote a row.  All the
 * rows it writes are locked by this call, so a row it did not write was
 * skipped (see ta_write_skipped).  More rows than expected means a table
 * lost its primary key.
 */
void
ta_check_writes(const char *action, const TaId *id, Oid fn_oid,
				const char *const *tables, int32 expected_mask)
{
	int32		written = ta_col_int32(1);
	bool		isnull;
	int32		mask = DatumGetInt32(ta_col(2, INT4OID, &isnull));
	int32		expected_rows = 0;
	int			bit;

	if (isnull)
		mask = 0;
	for (bit = 0; bit < 31; bit++)
		if (expected_mask & (1 << bit))
			expected_rows++;
	if (mask == expected_mask && written == expected_rows)
		return;

	for (bit = 0; bit < 31; bit++)
		if ((expected_mask & (1 << bit)) && !(mask & (1 << bit)))
			ta_write_skipped(action, id, fn_oid, tables[bit]);
	ereport(ERROR,
			(errcode(ERRCODE_CARDINALITY_VIOLATION),
			 errmsg("%s %s wrote %d rows, expected %d",
					action, ta_id_text(id), written, expected_rows),
			 errhint("Restore the primary keys of the extension's tables.")));
}
