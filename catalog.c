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
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
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

/*
 * BINDINGS (2.1 on).  The catalog's "columns" and "statuses" of a kind say
 * which column of the table plays each of the extension's columns, and which
 * value of its status column each of the extension's statuses is.  A kind
 * with neither uses the extension's own names and values.
 */
#define TA_MAX_BOUND 16

typedef struct TaBinding
{
	int			ncols;
	char	   *col[TA_MAX_BOUND];	/* the extension's column */
	char	   *att[TA_MAX_BOUND];	/* the table's, or NULL: not kept */
	int			nvals;
	char	   *val[TA_MAX_BOUND];	/* the extension's status */
	char	   *label[TA_MAX_BOUND];	/* the table's value of it */
	Oid			label_oid[TA_MAX_BOUND];	/* its enum value, if an enum */
	Oid			status_type;	/* of the status column: text, varchar or
								 * an enum (base type) */
	char	   *status_typname; /* an enum's quoted qualified name */
} TaBinding;

static TaBinding ta_bindings[TA_NKINDS];

/*
 * IDS (2.2 on).  The ids are uuids, or text where the orders' "id" column is
 * text or varchar: every id column must then be, but the trip id, which is
 * read from its own column (bind() checks this; the columns' types are
 * checked before every call, see COLUMN TYPES in statements.c).  Text ids
 * compare under the collation of the orders' "id" where it is
 * nondeterministic (ta_id_collation()).
 */
typedef struct TaIdTypes
{
	Oid			ids;			/* UUIDOID or TEXTOID */
	Oid			trip;			/* the same, for the trip id */
	Oid			collation;		/* nondeterministic, or InvalidOid */
	Oid			column_collation;	/* of the orders' text "id", any */
} TaIdTypes;

static TaIdTypes ta_ids = {UUIDOID, UUIDOID, InvalidOid, InvalidOid};
static MemoryContext ta_tables_cxt = NULL;	/* ta_bindings, ta_tables_name */
static char *ta_tables_signature = NULL;	/* all that names took from */

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
 * The table's column that plays the extension's column "col" in a binding:
 * its own name if the binding does not name it; NULL if the table does not
 * keep it.
 */
static const char *
ta_column_att_of(const TaBinding *b, const char *col)
{
	int			i;

	for (i = 0; i < b->ncols; i++)
		if (strcmp(b->col[i], col) == 0)
			return b->att[i];
	return col;
}

/*
 * Scan the catalog into relids[] (InvalidOid for a kind it does not
 * record); returns how many kinds it records.  If columns and statuses are
 * not NULL, they get copies of each kind's bindings (NULL where the catalog
 * has none: before 2.1, or a kind not recorded).
 */
static int
ta_scan_catalog(Oid catalog, Oid *relids, Jsonb **columns, Jsonb **statuses)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	TupleDesc	tupdesc = RelationGetDescr(rel);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	SysScanDesc scan;
	HeapTuple	tup;
	int			nfound = 0;
	bool		has_bindings;
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

	has_bindings = tupdesc->natts >= 4 &&
		TupleDescAttr(tupdesc, 2)->atttypid == JSONBOID &&
		TupleDescAttr(tupdesc, 3)->atttypid == JSONBOID;
	for (k = 0; k < TA_NKINDS; k++)
	{
		relids[k] = InvalidOid;
		if (columns != NULL)
			columns[k] = statuses[k] = NULL;
	}

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
		if (columns != NULL && has_bindings)
		{
			Datum		d = heap_getattr(tup, 3, tupdesc, &isnull);

			columns[k] = isnull ? NULL : DatumGetJsonbPCopy(d);
			d = heap_getattr(tup, 4, tupdesc, &isnull);
			statuses[k] = isnull ? NULL : DatumGetJsonbPCopy(d);
		}
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
ta_read_catalog(Oid catalog, Oid *relids, Jsonb **columns, Jsonb **statuses)
{
	int			k;

	if (ta_scan_catalog(catalog, relids, columns, statuses) == 0)
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
 * The columns of each kind that a binding may name (events: none; an app's
 * events table has the extension's columns), and the statuses it must map
 * if it maps any.  A binding may say that a table does not keep created_at
 * or updated_at (null); every other column must be there.
 */
static const char *const ta_kind_columns[TA_NKINDS][TA_MAX_BOUND] = {
	{"id", "trucks_needed", "trucks_filled", "status", "created_at",
	"updated_at"},
	{"id", "order_id", "vehicle_type", "status", "assigned_transporter_id",
		"assigned_vehicle_id", "assigned_driver_id", "assigned_at", "expires_at",
	"created_at", "updated_at"},
	{"id", "transporter_id", "vehicle_type", "status", "created_at",
	"updated_at"},
	{"id", "transporter_id", "status", "created_at", "updated_at"},
	{"id", "trip_id", "truck_request_id", "order_id", "transporter_id",
		"vehicle_id", "driver_id", "status", "created_at", "updated_at"},
	{NULL}
};

static const char *const ta_kind_statuses[TA_NKINDS][TA_MAX_BOUND] = {
	{"searching", "partially_filled", "fully_filled", "cancelled", "expired",
	"completed"},
	{"searching", "assigned", "cancelled", "expired", "completed"},
	{"available", "on_trip"},
	{"available", "on_trip"},
	{"active", "released", "cancelled", "completed"},
	{NULL}
};

static int
ta_name_index(const char *const *names, const char *name)
{
	int			i;

	for (i = 0; i < TA_MAX_BOUND && names[i] != NULL; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/*
 * The SQLSTATE of a binding that cannot be used: a bad argument of
 * record_table() (22023), or a catalog that no longer fits its tables, as a
 * call finds it (55000: the deployment's to mend, not the caller's).
 */
static int	ta_binding_errcode = ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;

/* A binding of kind k that cannot be used. */
static void
ta_binding_error(int k, const char *field, const char *msg)
{
	ereport(ERROR,
			(errcode(ta_binding_errcode),
			 errmsg("the binding of \"%s\" in the catalog of truck_accept is not valid",
					ta_kinds[k]),
			 errdetail("Its %s: %s.", field, msg),
			 errhint("Correct the binding: bind() and record_table() check one before they record it.")));
}

/*
 * Read one jsonb object of string (or, where nulls_ok, null) values into
 * keys[] and values[] (NULL for a null), checking each key against
 * known[]; returns how many pairs.
 */
static int
ta_read_pairs(int k, const char *field, Jsonb *jb, const char *const *known,
			  bool nulls_ok, char **keys, char **values)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	if (jb == NULL)
		return 0;
	if (!JB_ROOT_IS_OBJECT(jb))
		ta_binding_error(k, field, "not a JSON object");
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		if (ta_name_index(known, key) < 0)
			ta_binding_error(k, field, psprintf("\"%s\" is not one of the kind's", key));
		tok = JsonbIteratorNext(&it, &v, true);
		if (v.type == jbvNull && nulls_ok)
			values[n] = NULL;
		else if (v.type == jbvString && v.val.string.len > 0)
			values[n] = pnstrdup(v.val.string.val, v.val.string.len);
		else
			ta_binding_error(k, field, psprintf("the value of \"%s\" is not a name", key));
		keys[n++] = key;
	}
	return n;
}

/* The type of a column of relid, as its base type; InvalidOid if none. */
static Oid
ta_att_base_type(Oid relid, const char *attname)
{
	AttrNumber	attnum;

	if (!OidIsValid(relid) || attname == NULL)
		return InvalidOid;
	attnum = get_attnum(relid, attname);
	if (attnum == InvalidAttrNumber)
		return InvalidOid;
	return getBaseType(get_atttype(relid, attnum));
}

/* UUIDOID or TEXTOID: how truck_accept holds ids of a column of type typid. */
static Oid
ta_id_type_of(Oid typid)
{
	return typid == TEXTOID || typid == VARCHAROID ? TEXTOID : UUIDOID;
}

/* The ids of the tables (see IDS), from the orders' and assignments' columns. */
static void
ta_read_id_types(const Oid *relids, const TaBinding *bindings, TaIdTypes *ids)
{
	int			o = ta_kind_index("orders", 6);
	int			a = ta_kind_index("assignments", 11);
	const char *id_att = ta_column_att_of(&bindings[o], "id");
	AttrNumber	attnum;

	ids->ids = ta_id_type_of(ta_att_base_type(relids[o], id_att));
	ids->trip = ta_id_type_of(ta_att_base_type(relids[a],
											   ta_column_att_of(&bindings[a], "trip_id")));
	ids->collation = InvalidOid;
	ids->column_collation = InvalidOid;
	if (ids->ids == TEXTOID &&
		(attnum = get_attnum(relids[o], id_att)) != InvalidAttrNumber)
	{
		Oid			typid;
		int32		typmod;
		Oid			collation;

		get_atttypetypmodcoll(relids[o], attnum, &typid, &typmod, &collation);
		ids->column_collation = collation;
		if (OidIsValid(collation) && !get_collation_isdeterministic(collation))
			ids->collation = collation;
	}
}

/*
 * Read kind k's binding: its columns (a null value: created_at or
 * updated_at not kept), and its statuses, all of the kind's or none (then
 * the extension's own).  If the status column is an enum, every status
 * must be one of its values.
 */
static void
ta_read_binding(int k, Oid relid, Jsonb *columns, Jsonb *statuses,
				TaBinding *b)
{
	char	   *keys[TA_MAX_BOUND];
	char	   *labels[TA_MAX_BOUND];
	int			n;
	int			i;

	memset(b, 0, sizeof(TaBinding));
	b->ncols = ta_read_pairs(k, "columns", columns, ta_kind_columns[k], true,
							 b->col, b->att);
	for (i = 0; i < b->ncols; i++)
	{
		if (b->att[i] == NULL && strcmp(b->col[i], "created_at") != 0 &&
			strcmp(b->col[i], "updated_at") != 0)
			ta_binding_error(k, "columns",
							 psprintf("\"%s\" must name a column", b->col[i]));
		if (b->att[i] != NULL && OidIsValid(relid) &&
			get_attnum(relid, b->att[i]) == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation %s does not exist",
							b->att[i], ta_relation_name(relid)),
					 errdetail("truck_accept binds it as \"%s\" of %s.",
							   b->col[i], ta_kinds[k]),
					 errhint("Rename the column back, or record the table again: DELETE its row from the catalog (as its owner), then call truck_accept.record_table().")));
	}
	for (i = 0; i < TA_MAX_BOUND && ta_kind_columns[k][i] != NULL; i++)
	{
		const char *att = ta_column_att_of(b, ta_kind_columns[k][i]);
		int			j;

		for (j = 0; att != NULL && j < i; j++)
		{
			const char *other = ta_column_att_of(b, ta_kind_columns[k][j]);

			if (other != NULL && strcmp(att, other) == 0)
				ta_binding_error(k, "columns",
								 psprintf("\"%s\" and \"%s\" are both column \"%s\"",
										  ta_kind_columns[k][j], ta_kind_columns[k][i], att));
		}
	}

	n = ta_read_pairs(k, "statuses", statuses, ta_kind_statuses[k], false,
					  keys, labels);
	for (i = 0; i < TA_MAX_BOUND && ta_kind_statuses[k][i] != NULL; i++)
	{
		bool		found = false;
		int			j;

		b->val[i] = (char *) ta_kind_statuses[k][i];
		b->label[i] = b->val[i];
		for (j = 0; j < n; j++)
			if (strcmp(keys[j], b->val[i]) == 0)
			{
				b->label[i] = labels[j];
				found = true;
			}
		if (n > 0 && !found)
			ta_binding_error(k, "statuses",
							 psprintf("status \"%s\" has no value", b->val[i]));
		if (strlen(b->label[i]) > TA_STATUS_MAX)
			ta_binding_error(k, "statuses",
							 psprintf("the value of status \"%s\" is longer than %d bytes",
									  b->val[i], TA_STATUS_MAX));
		for (j = 0; j < i; j++)
			if (strcmp(b->label[j], b->label[i]) == 0)
				ta_binding_error(k, "statuses",
								 psprintf("statuses \"%s\" and \"%s\" have the same value",
										  b->val[j], b->val[i]));
	}
	b->nvals = i;

	b->status_type = ta_att_base_type(relid, ta_column_att_of(b, "status"));
	if (OidIsValid(b->status_type) && type_is_enum(b->status_type))
	{
		b->status_typname = format_type_be_qualified(b->status_type);
		for (i = 0; i < b->nvals; i++)
		{
			HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME,
											  ObjectIdGetDatum(b->status_type),
											  CStringGetDatum(b->label[i]));

			if (!HeapTupleIsValid(tup))
				ereport(ERROR,
						(errcode(ta_binding_errcode),
						 errmsg("enum type %s has no value \"%s\"",
								format_type_be(b->status_type), b->label[i]),
						 errdetail("truck_accept writes it as status \"%s\" of %s.",
								   b->val[i], ta_relation_name(relid)),
						 errhint("Rename the value back with ALTER TYPE ... RENAME VALUE, or record the table again: DELETE its row from the catalog (as its owner), then call truck_accept.record_table().")));
			b->label_oid[i] = ((Form_pg_enum) GETSTRUCT(tup))->oid;
			ReleaseSysCache(tup);
		}
	}
}

/* What the statements built from a kind depend on, for ta_tables_generation. */
static void
ta_binding_signature(StringInfo sig, const char *name, const TaBinding *b)
{
	int			i;

	/* every part quoted, so that two bindings never print the same */
	appendStringInfo(sig, "%s %u", quote_literal_cstr(name), b->status_type);
	for (i = 0; i < b->ncols; i++)
		appendStringInfo(sig, " %s=%s", quote_literal_cstr(b->col[i]),
						 b->att[i] ? quote_literal_cstr(b->att[i]) : "NULL");
	for (i = 0; i < b->nvals; i++)
		appendStringInfo(sig, " %s=%s", quote_literal_cstr(b->val[i]),
						 quote_literal_cstr(b->label[i]));
	appendStringInfoChar(sig, ';');
}

/*
 * The extension's schema, for a function of truck_accept_text (fn_nsp): as
 * last resolved while the tables are, else looked up (an index scan of
 * pg_extension, after a change of the catalog or the tables only).
 */
static Oid	ta_text_nsp = InvalidOid;	/* truck_accept_text's schema */

static Oid
ta_extension_nsp(Oid fn_nsp)
{
	Oid			nsp;

	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	if (ta_tables_valid && fn_nsp == ta_text_nsp)
		return ta_tables_nsp;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("truck_accept"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	nsp = HeapTupleIsValid(tup) ?
		((Form_pg_extension) GETSTRUCT(tup))->extnamespace : InvalidOid;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (!OidIsValid(nsp))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"truck_accept\" is not installed")));
	ta_text_nsp = fn_nsp;
	return nsp;
}

/*
 * Find the tables for a call of the function fn_oid (whose schema is the
 * extension's, or truck_accept_text's if "text_api").  Cheap when nothing
 * changed since the last call: without a catalog (1.x) it only checks that
 * none has appeared (an ALTER EXTENSION UPDATE in another session).
 */
void
ta_tables_resolve(Oid fn_oid, bool text_api)
{
	Oid			nsp = get_func_namespace(fn_oid);
	Oid			catalog;
	Oid			relids[TA_NKINDS];
	Jsonb	   *columns[TA_NKINDS];
	Jsonb	   *statuses[TA_NKINDS];
	char	   *names[TA_NKINDS];
	TaBinding	bindings[TA_NKINDS];
	TaIdTypes	ids;
	MemoryContext cxt;
	MemoryContext oldcxt;
	StringInfoData sig;
	int			k;

	if (text_api)
		nsp = ta_extension_nsp(nsp);
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
	 * result is kept, the old one is not valid: an error leaves it so (and
	 * frees what was built, with the transaction's memory).
	 */
	ta_tables_valid = false;
	cxt = AllocSetContextCreate(CurrentMemoryContext, "truck_accept tables",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	do
	{
		ta_tables_inval_seen = false;
		MemoryContextReset(cxt);
		catalog = get_relname_relid(TA_CATALOG, nsp);
		if (OidIsValid(catalog))
			ta_read_catalog(catalog, relids, columns, statuses);
		else
		{
			/* 1.0 and 1.1: the extension's own tables (1.0 has no events) */
			for (k = 0; k < TA_NKINDS; k++)
			{
				relids[k] = get_relname_relid(ta_kinds[k], nsp);
				columns[k] = statuses[k] = NULL;
			}
		}
		initStringInfo(&sig);
		for (k = 0; k < TA_NKINDS; k++)
		{
			if (OidIsValid(catalog))
				names[k] = ta_relation_name(relids[k]);
			else
				names[k] = quote_qualified_identifier(get_namespace_name(nsp),
													  ta_kinds[k]);
			ta_read_binding(k, relids[k], columns[k], statuses[k], &bindings[k]);
			ta_binding_signature(&sig, names[k], &bindings[k]);
		}
		ta_read_id_types(relids, bindings, &ids);
		appendStringInfo(&sig, "ids %u %u %u %u", ids.ids, ids.trip,
						 ids.collation, ids.column_collation);
	} while (ta_tables_inval_seen);
	MemoryContextSwitchTo(oldcxt);

	/* all checked: now keep it, and what it was built in */
	MemoryContextSetParent(cxt, CacheMemoryContext);
	if (ta_tables_cxt != NULL)
		MemoryContextDelete(ta_tables_cxt);
	ta_tables_cxt = cxt;
	for (k = 0; k < TA_NKINDS; k++)
	{
		ta_tables_name[k] = names[k];
		ta_tables_relid[k] = relids[k];
		ta_bindings[k] = bindings[k];
	}
	ta_ids = ids;
	ta_tables_nsp = nsp;
	ta_tables_catalog = catalog;
	ta_tables_valid = true;
	if (ta_tables_signature == NULL || strcmp(sig.data, ta_tables_signature) != 0)
	{
		if (ta_tables_signature != NULL)
			pfree(ta_tables_signature);
		ta_tables_signature = MemoryContextStrdup(TopMemoryContext, sig.data);
		ta_tables_generation++;
	}
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

/*
 * Syscache invalidation of pg_namespace (a schema was renamed, say) or of
 * pg_enum (a value of a bound status renamed): resolve again.
 */
void
ta_tables_invalidate_nsp(Datum arg, int cacheid, uint32 hashvalue)
{
	ta_tables_inval_seen = true;
	ta_tables_valid = false;
}

/*
 * STATEMENT TEMPLATES.  A statement names the tables and their columns by
 * the extension's names, in braces, and ta_statement_sql() puts in what the
 * catalog records (see BINDINGS): the tables' quoted qualified names, the
 * columns' quoted names, the status values as the tables spell them.  A
 * column or status is named through the alias of its table, always the
 * same letter: r truck_requests, v vehicles, d drivers, o orders, a and c
 * assignments.
 *
 *	 {orders}			the table
 *	 {o.col}			o."column"
 *	 {o:col}			"column" (in SET and INSERT lists)
 *	 {o:'searching'}	the status as a literal of the status column's type
 *	 {o.status:text}	the status read as the extension's text
 *	 {r.expires_at:tz}	a time column read as timestamptz (a column
 *						without time zone holds UTC, as Prisma writes it)
 *	 {r:expires_at@$1}	the timestamptz $1 as a value of that column's type,
 *						to compare the column itself with (so that an
 *						index on it serves)
 *	 {r:assigned_at=now}	"column" = the time now, in the column's type
 *	 {o:touch}			", updated_at = now" if the table keeps it
 *	 {a:touch_cols}, {a:touch_vals}	in an INSERT: ", created_at,
 *						updated_at" and the time now, for those the table
 *						keeps without a default (Prisma's "updatedAt")
 *	 {r:id_fits}		" AND" the row's text id is one a TaId holds (at
 *						most TA_ID_MAX bytes); nothing for uuid ids
 *
 * Braces inside quoted literals, or around anything else (an array
 * literal), stay as they are.
 */
static int
ta_alias_kind(char alias)
{
	switch (alias)
	{
		case 'o':
			return 0;
		case 'r':
			return 1;
		case 'v':
			return 2;
		case 'd':
			return 3;
		case 'a':
		case 'c':
			return 4;
	}
	return -1;
}

/* The quoted column of kind k that plays "col"; an error if not kept. */
static const char *
ta_quoted_att(int k, const char *col)
{
	const char *att = ta_column_att_of(&ta_bindings[k], col);

	if (att == NULL)
		elog(ERROR, "table of kind \"%s\" keeps no column \"%s\"", ta_kinds[k], col);
	return quote_identifier(att);
}

/* The time now as a value of kind k's column col, or of timestamptz. */
static void
ta_append_now(StringInfo buf, int k, const char *col)
{
	if (ta_att_base_type(ta_tables_relid[k],
						 ta_column_att_of(&ta_bindings[k], col)) == TIMESTAMPOID)
		appendStringInfoString(buf, "pg_catalog.timezone('UTC'::pg_catalog.text, pg_catalog.now())");
	else
		appendStringInfoString(buf, "pg_catalog.now()");
}

/*
 * Must an INSERT into kind k's table give column col a value?  If the table
 * keeps it without a default (Prisma's "updatedAt"), or as a timestamp
 * without time zone, which must hold UTC whatever the session's TimeZone
 * (Prisma's "createdAt" DEFAULT CURRENT_TIMESTAMP would not); a timestamptz
 * with a default (create_tables()'s) is left to it.
 */
static bool
ta_att_needs_value(int k, const char *col)
{
	const char *att = ta_column_att_of(&ta_bindings[k], col);
	HeapTuple	tup;
	Form_pg_attribute form;
	bool		needs;

	if (att == NULL || !OidIsValid(ta_tables_relid[k]))
		return false;
	tup = SearchSysCacheAttName(ta_tables_relid[k], att);
	if (!HeapTupleIsValid(tup))
		return false;
	form = (Form_pg_attribute) GETSTRUCT(tup);
	needs = !form->atthasdef || getBaseType(form->atttypid) == TIMESTAMPOID;
	ReleaseSysCache(tup);
	return needs;
}

/* Status "val" of kind k as a literal of the status column's type. */
static void
ta_append_status(StringInfo buf, int k, const char *val)
{
	const TaBinding *b = &ta_bindings[k];
	int			i = ta_name_index((const char *const *) b->val, val);

	if (i < 0)
		elog(ERROR, "unknown status \"%s\" of kind \"%s\"", val, ta_kinds[k]);
	appendStringInfoString(buf, quote_literal_cstr(b->label[i]));
	if (b->status_typname != NULL)
		appendStringInfo(buf, "::%s", b->status_typname);
}

/* Are kind k's statuses its table's values, in a text column? */
static bool
ta_status_is_plain(int k)
{
	const TaBinding *b = &ta_bindings[k];
	int			i;

	if (b->status_typname != NULL)
		return false;
	for (i = 0; i < b->nvals; i++)
		if (strcmp(b->val[i], b->label[i]) != 0)
			return false;
	return true;
}

/* {x.col}, {x.col:text}, {x.col:tz}: a column of alias x's table. */
static void
ta_expand_column(StringInfo buf, char alias, int k, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char	   *col = colon ? pnstrdup(spec, colon - spec) : pstrdup(spec);
	char	   *ref = psprintf("%c.%s", alias, ta_quoted_att(k, col));
	const TaBinding *b = &ta_bindings[k];

	if (colon == NULL)
		appendStringInfoString(buf, ref);
	else if (strcmp(colon, ":tz") == 0)
	{
		if (ta_att_base_type(ta_tables_relid[k],
							 ta_column_att_of(b, col)) == TIMESTAMPOID)
			appendStringInfo(buf, "pg_catalog.timezone('UTC'::pg_catalog.text, %s)", ref);
		else
			appendStringInfoString(buf, ref);
	}
	else if (strcmp(colon, ":text") == 0 && ta_status_is_plain(k))
		appendStringInfoString(buf, ref);
	else if (strcmp(colon, ":text") == 0)
	{
		int			i;

		appendStringInfoString(buf, "CASE");
		for (i = 0; i < b->nvals; i++)
		{
			appendStringInfo(buf, " WHEN %s OPERATOR(pg_catalog.=) ", ref);
			ta_append_status(buf, k, b->val[i]);
			appendStringInfo(buf, " THEN %s", quote_literal_cstr(b->val[i]));
		}
		/* any other value: "?" and the value, as ta_status_text() reads it */
		appendStringInfo(buf, " ELSE pg_catalog.format('?%%s'::pg_catalog.text, %s) END", ref);
	}
	else
		elog(ERROR, "unknown column form \"%s\"", spec);
}

/*
 * {x:col}, {x:'val'}, {x:col=now}, {x:col@$n}, {x:touch}, {x:touch_cols},
 * {x:touch_vals}
 */
static void
ta_expand_bare(StringInfo buf, char alias, int k, const char *spec)
{
	const TaBinding *b = &ta_bindings[k];
	const char *eq = strchr(spec, '=');
	static const char *const stamps[] = {"created_at", "updated_at"};
	int			i;

	if (spec[0] == '\'')
	{
		char	   *val = pnstrdup(spec + 1, strlen(spec) - 2);

		ta_append_status(buf, k, val);
	}
	else if (strchr(spec, '@') != NULL)
	{
		const char *at = strchr(spec, '@');
		char	   *col = pnstrdup(spec, at - spec);

		if (ta_att_base_type(ta_tables_relid[k], ta_column_att_of(b, col)) == TIMESTAMPOID)
			appendStringInfo(buf, "pg_catalog.timezone('UTC'::pg_catalog.text, %s)", at + 1);
		else
			appendStringInfoString(buf, at + 1);
	}
	else if (eq != NULL && strcmp(eq, "=now") == 0)
	{
		char	   *col = pnstrdup(spec, eq - spec);

		appendStringInfo(buf, "%s = ", ta_quoted_att(k, col));
		ta_append_now(buf, k, col);
	}
	else if (strcmp(spec, "id_fits") == 0)
	{
		if (ta_ids.ids == TEXTOID)
			appendStringInfo(buf, " AND pg_catalog.octet_length(%c.%s) OPERATOR(pg_catalog.<=) %d",
							 alias, ta_quoted_att(k, "id"), TA_ID_MAX);
	}
	else if (strcmp(spec, "touch") == 0)
	{
		if (ta_column_att_of(b, "updated_at") != NULL)
		{
			appendStringInfo(buf, ", %s = ", ta_quoted_att(k, "updated_at"));
			ta_append_now(buf, k, "updated_at");
		}
	}
	else if (strcmp(spec, "touch_cols") == 0 || strcmp(spec, "touch_vals") == 0)
	{
		for (i = 0; i < (int) lengthof(stamps); i++)
		{
			if (!ta_att_needs_value(k, stamps[i]))
				continue;
			appendStringInfoString(buf, ", ");
			if (spec[6] == 'c')
				appendStringInfoString(buf, ta_quoted_att(k, stamps[i]));
			else
				ta_append_now(buf, k, stamps[i]);
		}
	}
	else
		appendStringInfoString(buf, ta_quoted_att(k, spec));
}

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
		char	   *inner;
		int			k;

		if (*p == '\'')
			in_literal = !in_literal;	/* '' inside one toggles twice */
		if (in_literal || *p != '{' || (close = strchr(p, '}')) == NULL)
		{
			appendStringInfoChar(&buf, *p++);
			continue;
		}
		inner = pnstrdup(p + 1, close - p - 1);
		k = ta_kind_index(inner, strlen(inner));
		if (k >= 0)
			appendStringInfoString(&buf, ta_tables_name[k]);
		else if (strlen(inner) > 2 && ta_alias_kind(inner[0]) >= 0 && inner[1] == '.')
			ta_expand_column(&buf, inner[0], ta_alias_kind(inner[0]), inner + 2);
		else if (strlen(inner) > 2 && ta_alias_kind(inner[0]) >= 0 && inner[1] == ':')
			ta_expand_bare(&buf, inner[0], ta_alias_kind(inner[0]), inner + 2);
		else
		{
			/* not ours: an array literal, say */
			appendStringInfoChar(&buf, *p++);
			continue;
		}
		p = close + 1;
	}
	return buf.data;
}

/*
 * A status of kind "kind" as the value of a statement's parameter: its
 * value in the table, of the status column's type (ta_status_param_type).
 * *isnull: a status the binding does not know (one of the application's
 * own, "?DRAFT"), which a statement then leaves as it is.
 */
Datum
ta_status_param(const char *kind, const char *val, bool *isnull)
{
	int			k = ta_kind_index(kind, strlen(kind));
	const TaBinding *b = &ta_bindings[k];
	int			i = ta_name_index((const char *const *) b->val, val);

	*isnull = i < 0;
	if (i < 0)
		return (Datum) 0;
	if (b->status_typname != NULL)
		return ObjectIdGetDatum(b->label_oid[i]);
	return CStringGetTextDatum(b->label[i]);
}

Oid
ta_status_param_type(const char *kind)
{
	int			k = ta_kind_index(kind, strlen(kind));

	return ta_bindings[k].status_typname != NULL ? ta_bindings[k].status_type : TEXTOID;
}

/*
 * A status read from kind's table (a datum of type typid: text, varchar or
 * the enum) as the extension's status, into buf.  A value the binding does
 * not map (DRAFT, say) comes back as "?DRAFT": it matches none of the
 * extension's statuses, even one it happens to spell.  (Only for kinds
 * whose statuses are bound: ta_status_plain() kinds are read as they are.)
 */
void
ta_status_text(const char *kind, Datum d, Oid typid, char *buf)
{
	int			k = ta_kind_index(kind, strlen(kind));
	const TaBinding *b = &ta_bindings[k];
	int			i;

	if (b->status_typname != NULL && getBaseType(typid) == b->status_type)
	{
		Oid			label_oid = DatumGetObjectId(d);
		HeapTuple	tup;

		for (i = 0; i < b->nvals; i++)
			if (b->label_oid[i] == label_oid)
			{
				strlcpy(buf, b->val[i], TA_STATUS_LEN);
				return;
			}
		tup = SearchSysCache1(ENUMOID, ObjectIdGetDatum(label_oid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for enum %u", label_oid);
		snprintf(buf, TA_STATUS_LEN, "?%s",
				 NameStr(((Form_pg_enum) GETSTRUCT(tup))->enumlabel));
		ReleaseSysCache(tup);
		return;
	}
	{
		text	   *t = DatumGetTextPP(d);
		int			len = VARSIZE_ANY_EXHDR(t);

		for (i = 0; len <= TA_STATUS_MAX && i < b->nvals; i++)
			if (len == (int) strlen(b->label[i]) &&
				memcmp(VARDATA_ANY(t), b->label[i], len) == 0)
			{
				strlcpy(buf, b->val[i], TA_STATUS_LEN);
				return;
			}
		buf[0] = '?';			/* longer ones are cut short, for messages */
		text_to_cstring_buffer(t, buf + 1, TA_STATUS_LEN - 1);
	}
}

/*
 * A status as a message shows it: the extension's name, or a value of the
 * application's own as the table spells it (without ta_status_text()'s "?").
 */
const char *
ta_status_shown(const char *status)
{
	return status[0] == '?' ? status + 1 : status;
}

/* The type of the ids (see IDS): UUIDOID or TEXTOID; "trip": of the trip ids. */
Oid
ta_id_type(bool trip)
{
	return trip ? ta_ids.trip : ta_ids.ids;
}

/*
 * The collation text ids compare under, where that is not byte-wise (a
 * nondeterministic one); InvalidOid where it is.
 */
Oid
ta_id_collation(void)
{
	return ta_ids.collation;
}

/* The collation of the orders' text "id", which every id column must have. */
Oid
ta_id_column_collation(void)
{
	return ta_ids.column_collation;
}

/* A type of a statement's argument or column as checked: see TA_ID. */
Oid
ta_resolve_type(Oid type)
{
	if (type == TA_ID)
		return ta_ids.ids;
	if (type == TA_TRIP_ID)
		return ta_ids.trip;
	if (type == TA_ID_ARRAY)
		return ta_ids.ids == TEXTOID ? TEXTARRAYOID : UUIDARRAYOID;
	return type;
}

/* The table's column that plays "col" of kind; NULL if it keeps none. */
const char *
ta_column_att(const char *kind, const char *col)
{
	int			k = ta_kind_index(kind, strlen(kind));

	if (k < 0 || k >= TA_NKINDS)
		return col;
	return ta_column_att_of(&ta_bindings[k], col);
}

/* Are kind's statuses the extension's own, in a text column? */
bool
ta_status_plain(const char *kind)
{
	return ta_status_is_plain(ta_kind_index(kind, strlen(kind)));
}

/* Is kind's status column the enum its binding reads? */
bool
ta_status_is_enum(const char *kind, Oid typid)
{
	int			k = ta_kind_index(kind, strlen(kind));

	return ta_bindings[k].status_typname != NULL &&
		getBaseType(typid) == ta_bindings[k].status_type;
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
	if (ta_scan_catalog(catalog, relids, NULL, NULL) > 0)
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

PG_FUNCTION_INFO_V1(record_table);

/* An error unless the current user has the privileges of relid's owner. */
static void
ta_require_owner(Oid relid, const char *what)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return;					/* dropped meanwhile: nobody's */
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	if (!has_privs_of_role(GetUserId(), owner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to record %s for truck_accept",
						ta_relation_name(relid), what),
				 errdetail("The functions run the triggers and policies of every recorded table, so one owner's tables must not be mixed with another's.")));
}

/* The row of kind in the catalog, as its owner: one fixed statement. */
static void
ta_insert_catalog_row(Oid catalog, FunctionCallInfo fcinfo)
{
	Oid			argtypes[4] = {TEXTOID, REGCLASSOID, JSONBOID, JSONBOID};
	Datum		values[4];
	HeapTuple	tup;
	Oid			owner;
	Oid			save_userid;
	int			save_sec_context;
	int			i;

	for (i = 0; i < 4; i++)
		values[i] = PG_GETARG_DATUM(i);
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(catalog));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", catalog);
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner,
						   save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PG_TRY();
	{
		if (SPI_execute_with_args(psprintf("INSERT INTO %s (kind, relid, columns, statuses) VALUES ($1, $2, $3, $4)",
										   ta_relation_name(catalog)),
								  4, argtypes, values, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record a table of truck_accept");
	}
	PG_FINALLY();
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
	}
	PG_END_TRY();
	SPI_finish();
}

/*
 * record_table(kind text, relid regclass, columns jsonb, statuses jsonb):
 * record one table of the caller's in the catalog, with its binding (see
 * BINDINGS), as the owner of the catalog: the caller need not be able to
 * write the catalog, only to own the table (and the tables recorded
 * already).  bind() records an application's tables with it, after checking
 * them; it also records them again after DROP EXTENSION and CREATE
 * EXTENSION.  The binding is checked here as every call will read it; a
 * kind already recorded is an error.
 */
Datum
record_table(PG_FUNCTION_ARGS)
{
	Oid			catalog = get_relname_relid(TA_CATALOG, get_func_namespace(fcinfo->flinfo->fn_oid));
	static const char *const argnames[] = {"kind", "relid", "columns", "statuses"};
	Oid			relids[TA_NKINDS];
	char	   *kind;
	Oid			relid;
	HeapTuple	tup;
	Form_pg_class form;
	TaBinding	binding;
	int			i;
	int			k;

	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument \"%s\" must not be null", argnames[i])));
	if (!OidIsValid(catalog))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the catalog %s of truck_accept does not exist", TA_CATALOG),
				 errhint("Reinstall the extension: DROP EXTENSION truck_accept; CREATE EXTENSION truck_accept;")));
	kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	relid = PG_GETARG_OID(1);
	k = ta_kind_index(kind, strlen(kind));
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a kind of table of truck_accept", kind),
				 errhint("The kinds are orders, truck_requests, vehicles, drivers, assignments and events.")));

	/* the caller's own table (checked again below, once it is locked) */
	ta_require_owner(relid, "it");
	/* the table stays what it is until the catalog row is in */
	LockRelationOid(relid, AccessShareLock);
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	form = (Form_pg_class) GETSTRUCT(tup);
	if (form->relkind != RELKIND_RELATION || form->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("relation %s is not an ordinary permanent table", ta_relation_name(relid)),
				 errdetail("truck_accept works on ordinary tables that every session sees.")));
	ReleaseSysCache(tup);
	ta_require_owner(relid, "it");

	/* one caller at a time: the next one finds the kind recorded */
	LockRelationOid(catalog, ShareRowExclusiveLock);
	ta_scan_catalog(catalog, relids, NULL, NULL);
	if (OidIsValid(relids[k]))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_OBJECT),
				 errmsg("truck_accept already has a table of kind \"%s\"", kind),
				 errdetail("The catalog %s records %s.", ta_relation_name(catalog),
						   ta_relation_name(relids[k])),
				 errhint("To record another, DELETE its row from %s (as its owner) first.",
						 ta_relation_name(catalog))));
	for (i = 0; i < TA_NKINDS; i++)
		if (OidIsValid(relids[i]))
			ta_require_owner(relids[i], psprintf("a table next to it"));

	/* the binding, checked as the functions will read it */
	ta_binding_errcode = ERRCODE_INVALID_PARAMETER_VALUE;
	PG_TRY();
	{
		ta_read_binding(k, relid, PG_GETARG_JSONB_P(2), PG_GETARG_JSONB_P(3), &binding);
	}
	PG_FINALLY();
	{
		ta_binding_errcode = ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
	}
	PG_END_TRY();

	ta_insert_catalog_row(catalog, fcinfo);
	PG_RETURN_VOID();
}
