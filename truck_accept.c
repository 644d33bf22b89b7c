/*-------------------------------------------------------------------------
 *
 * truck_accept.c
 *	  Hand a contested truck request to exactly one caller, atomically,
 *	  inside the caller's transaction.
 *
 * accept_truck_request(request_id, transporter_id, vehicle_id, driver_id)
 * validates and performs a whole acceptance under row locks, and returns
 * exactly one row whose "outcome" says what happened.  It reads and locks
 * its rows by primary key with the index and table access methods (see ROWS
 * BY PRIMARY KEY below) and does all its writes in one SQL statement through
 * SPI.  This file also
 * holds what every function of the extension shares (the statement cache,
 * the SPI helpers, NOTIFY); the rest of the lifecycle (release, cancel,
 * expire, complete, accept-any, take_events) is in lifecycle.c, under the
 * same lock order.
 *
 * OUTCOMES, checked in this order; the first that applies is returned:
 *	 1. not_found			  no such request
 *	 2. already_yours		  assigned to this same transporter: nothing changes,
 *							  the existing assignment is returned (a retry)
 *	 3. already_taken		  assigned to another transporter
 *	 4. request_closed		  request cancelled, expired or completed, or past
 *							  its expires_at (against the clock at the check)
 *	 5. order_closed		  order cancelled, expired, completed or fully filled
 *	 6. vehicle_not_found	  7. vehicle_not_owned	8. vehicle_type_mismatch
 *	 9. vehicle_unavailable   (vehicle status is not "available")
 *	10. driver_not_found	 11. driver_not_owned	12. driver_unavailable
 *							  (only when a driver is given)
 *	13. accepted			  this call won: request assigned, one new active
 *							  assignment, order counter + 1, vehicle and driver
 *							  on_trip, a NOTIFY queued on channel truck_accept
 *							  (and, from 1.1 on, an "accepted" row in events)
 * A rejection writes nothing.  A malformed call (NULL request, transporter or
 * vehicle) is an ERROR with SQLSTATE 22004, not an outcome.
 *
 * ERRORS A USER CAN CAUSE.  The tables are the user's to ALTER, to put
 * triggers and policies on, and to write around these functions.  Whatever
 * that does to a call is an ERROR with its own SQLSTATE that names the table,
 * never a misread datum or an internal error, and it rolls the call back:
 * a column of another type (42804: every column is checked before a call
 * after any relation changed, see COLUMN TYPES, and again where it is read),
 * a NULL where a value is needed (23502), a row a write statement had to
 * change but did not, because a BEFORE trigger returned NULL (27000) or row
 * security hid it (42501; ta_check_writes), an order a role may read but not
 * lock (42501), two rows with one id (21000).
 *
 * LOCK ORDER.  Every row an acceptance writes is locked FOR NO KEY UPDATE
 * (not FOR UPDATE, which would block foreign-key checks of other
 * transactions) before the checks that lead to the write, always in this
 * global order (a request that a plain read shows settled is rejected
 * without any lock, see ISOLATION):
 *
 *		truck_requests -> vehicles -> drivers -> orders
 *
 * The hot order row is taken last, so that it is held for the shortest part
 * of the caller's transaction.  An accept locks at most one row of each
 * table; the functions that lock several rows of a table (cancel_order,
 * expire_truck_requests) take them sorted by id.  So no two calls of the
 * extension can wait for each other in a cycle: its own calls do not
 * deadlock.  (Several calls inside one caller transaction each follow the
 * order, but together they can deadlock like any other row locks.)  All
 * writes come after all checks have passed, in a single statement.
 *
 * ISOLATION.  Under READ COMMITTED each read takes a fresh snapshot, and a
 * locking read that had to wait returns the latest committed version of the
 * row.  So concurrent callers for one request queue on its row lock; the
 * first wins, the others wake up once its transaction ends and see
 * "assigned" (already_taken), or "searching" again if it rolled back (and
 * then one of them wins).  No serialization failures, no retries.
 *
 * The request is first read without a lock.  If that version is the latest,
 * no transaction holds a lock on it or is changing it, and it already
 * settles the call (taken by another transporter, closed, expired), the call
 * answers from it and takes no lock at all: it neither queues nor holds up
 * the next caller.  Under READ COMMITTED, if one other transaction is
 * changing it or holds it (an accept or a release in flight), the call
 * waits for that transaction to end, without taking the lock, and reads the
 * request again (up to TA_MAX_WAITS times): so when a winner commits, all
 * the callers that waited for it answer already_taken at once instead of
 * taking the row lock one after another.  Anything else (an open request, a
 * retry of one's own, several lockers at once) is locked, waiting as a
 * locking SELECT waits, and checked again from the locked version.
 *
 * Under REPEATABLE READ and SERIALIZABLE, a locking read of a row that a
 * concurrent transaction changed raises PostgreSQL's own SQLSTATE 40001,
 * which is deliberately left unchanged: those callers asked for that
 * contract.  Either way no row can be assigned twice; the partial unique
 * indexes on assignments hold that invariant even for writes that bypass
 * this function.
 *
 * Everything happens in the caller's transaction: if it rolls back, nothing
 * happened, and the notification (sent by PostgreSQL only on commit) is
 * dropped with it.
 *
 * SPI.  The writes, and the reads where the direct ones step aside, are
 * SQL statements.  Each statement is prepared once per backend, kept with
 * SPI_keepplan() and revalidated with SPI_plan_is_valid() before reuse (an
 * invalidated plan is only replaced when no outer call, re-entered from a
 * trigger, may still be executing it).  Every
 * table is qualified with the extension's schema, found from the catalog,
 * and every operator is written OPERATOR(pg_catalog.=), so that nothing on
 * the caller's search_path can stand in for them.
 *
 * VERSIONS.  The SQL function of each extension version points at its own C
 * symbol (accept_truck_request for 1.0, accept_truck_request_1_1 from 1.1 on,
 * which also writes the event), so a new library serves an extension that
 * has not run ALTER EXTENSION UPDATE yet.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/parsetree.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/plancache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "truck_accept.h"

PG_MODULE_MAGIC;

/*
 * How many times an accept waits for a transaction that is changing its
 * request before it queues for the request's row lock instead.
 */
#define TA_MAX_WAITS 3

/* Channel of the notifications. */
#define TA_NOTIFY_CHANNEL "truck_accept"

bool		ta_notify = true;

/*
 * How many calls of the extension's functions are running in this backend:
 * more than one when a trigger on one of the tables calls one again.  A kept
 * plan may only be freed when no outer call is still executing it.
 */
static int	ta_call_depth = 0;

/* The outcomes' names (the API) and standard messages. */
static const char *const ta_outcome_names[] = {
	[TA_NOT_FOUND] = "not_found",
	[TA_ALREADY_YOURS] = "already_yours",
	[TA_ALREADY_TAKEN] = "already_taken",
	[TA_REQUEST_CLOSED] = "request_closed",
	[TA_ORDER_CLOSED] = "order_closed",
	[TA_VEHICLE_NOT_FOUND] = "vehicle_not_found",
	[TA_VEHICLE_NOT_OWNED] = "vehicle_not_owned",
	[TA_VEHICLE_TYPE_MISMATCH] = "vehicle_type_mismatch",
	[TA_VEHICLE_UNAVAILABLE] = "vehicle_unavailable",
	[TA_DRIVER_NOT_FOUND] = "driver_not_found",
	[TA_DRIVER_NOT_OWNED] = "driver_not_owned",
	[TA_DRIVER_UNAVAILABLE] = "driver_unavailable",
	[TA_ACCEPTED] = "accepted",
};

static const char *const ta_outcome_messages[] = {
	[TA_NOT_FOUND] = "No such truck request",
	[TA_ALREADY_YOURS] = "You have already accepted this request",
	[TA_ALREADY_TAKEN] = "This request is no longer available",
	[TA_REQUEST_CLOSED] = "This request is closed",
	[TA_ORDER_CLOSED] = "This order needs no more trucks",
	[TA_VEHICLE_NOT_FOUND] = "No such vehicle",
	[TA_VEHICLE_NOT_OWNED] = "This vehicle belongs to another transporter",
	[TA_VEHICLE_TYPE_MISMATCH] = "This vehicle is of another type",
	[TA_VEHICLE_UNAVAILABLE] = "This vehicle is not available",
	[TA_DRIVER_NOT_FOUND] = "No such driver",
	[TA_DRIVER_NOT_OWNED] = "This driver works for another transporter",
	[TA_DRIVER_UNAVAILABLE] = "This driver is not available",
	[TA_ACCEPTED] = "Truck request accepted",
};

/*
 * The statements of an acceptance.  The locks of vehicles, drivers and orders
 * and the plain read of an order serve lifecycle.c as well.
 */
static TaStatement ta_lock_request = {
	"SELECT r.status, r.order_id, r.vehicle_type,"
	" r.assigned_transporter_id, r.expires_at"
	" FROM ONLY {truck_requests} r"
	" WHERE r.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF r",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_vehicle = {
	"SELECT v.transporter_id, v.vehicle_type, v.status"
	" FROM ONLY {vehicles} v"
	" WHERE v.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF v",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_driver = {
	"SELECT d.transporter_id, d.status"
	" FROM ONLY {drivers} d"
	" WHERE d.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF d",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_order = {
	"SELECT o.trucks_filled, o.trucks_needed, o.status"
	" FROM ONLY {orders} o"
	" WHERE o.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF o",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_read_order = {
	"SELECT o.trucks_filled, o.trucks_needed, o.status"
	" FROM ONLY {orders} o"
	" WHERE o.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_request = {
	"SELECT r.status, r.order_id, r.vehicle_type,"
	" r.assigned_transporter_id, r.expires_at"
	" FROM ONLY {truck_requests} r"
	" WHERE r.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_vehicle = {
	"SELECT v.transporter_id, v.vehicle_type, v.status"
	" FROM ONLY {vehicles} v"
	" WHERE v.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_driver = {
	"SELECT d.transporter_id, d.status"
	" FROM ONLY {drivers} d"
	" WHERE d.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/*
 * The same reads, for ta_row_fetch(): the columns in the statements' order,
 * their types, and which must not be null.
 */
const TaRowSpec ta_request_row = {
	"truck_requests", 5,
	{"status", "order_id", "vehicle_type", "assigned_transporter_id", "expires_at"},
	{TEXTOID, UUIDOID, TEXTOID, UUIDOID, TIMESTAMPTZOID}, 0x07,
	&ta_read_request, &ta_lock_request
};

const TaRowSpec ta_vehicle_row = {
	"vehicles", 3, {"transporter_id", "vehicle_type", "status"},
	{UUIDOID, TEXTOID, TEXTOID}, 0x07,
	&ta_read_vehicle, &ta_lock_vehicle
};

const TaRowSpec ta_driver_row = {
	"drivers", 2, {"transporter_id", "status"},
	{UUIDOID, TEXTOID}, 0x03,
	&ta_read_driver, &ta_lock_driver
};

const TaRowSpec ta_order_row = {
	"orders", 3, {"trucks_filled", "trucks_needed", "status"},
	{INT4OID, INT4OID, TEXTOID}, 0x07,
	&ta_read_order, &ta_lock_order
};

static TaStatement ta_read_assignment = {
	"SELECT a.id, a.trip_id"
	" FROM ONLY {assignments} a"
	" WHERE a.truck_request_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active'",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* accept_any: this transporter's active assignment of the order with this vehicle */
static TaStatement ta_read_own_assignment = {
	"SELECT a.id, a.trip_id, a.truck_request_id"
	" FROM ONLY {assignments} a"
	" WHERE a.vehicle_id OPERATOR(pg_catalog.=) $3"
	" AND a.status OPERATOR(pg_catalog.=) 'active'"
	" AND a.order_id OPERATOR(pg_catalog.=) $1"
	" AND a.transporter_id OPERATOR(pg_catalog.=) $2",
	3, {UUIDOID, UUIDOID, UUIDOID}, SPI_OK_SELECT, 1
};

/*
 * All the writes of an acceptance, in one statement.  Every row it touches is
 * already locked by this transaction, so it never waits.  $1 request, $2
 * transporter, $3 vehicle, $4 driver (may be NULL: then no driver row
 * matches), $5 order, $6 and $7 the order's new counter and status, $8 and $9
 * the new assignment's id and trip_id, $10 the event's payload (1.1 on).  It
 * returns how many rows it wrote, so that a row an update could not see (row
 * security, say) is an error rather than a half-done acceptance.
 *
 * The "by tid" form also gets the physical position of the version of each
 * row this call locked ($11 request, $12 vehicle, $13 driver, $14 order), as
 * the direct locking reads found them: a locked version stays where it is
 * until this transaction changes it, so each UPDATE is a TID scan of one
 * tuple instead of a second index scan of the primary key (the id is still
 * compared).  The "by id" form serves the calls whose rows were locked
 * through SPI (row security, column privileges, accept_any's SKIP LOCKED).
 */
#define TA_WRITES(REQ, VEH, DRV, ORD) \
	"WITH req AS (" \
	" UPDATE ONLY {truck_requests} r" \
	" SET status = 'assigned', assigned_transporter_id = $2," \
	" assigned_vehicle_id = $3, assigned_driver_id = $4," \
	" assigned_at = pg_catalog.now(), updated_at = pg_catalog.now()" \
	" WHERE " REQ "r.id OPERATOR(pg_catalog.=) $1 RETURNING 1)," \
	" veh AS (" \
	" UPDATE ONLY {vehicles} v" \
	" SET status = 'on_trip', updated_at = pg_catalog.now()" \
	" WHERE " VEH "v.id OPERATOR(pg_catalog.=) $3 RETURNING 1)," \
	" drv AS (" \
	" UPDATE ONLY {drivers} d" \
	" SET status = 'on_trip', updated_at = pg_catalog.now()" \
	" WHERE " DRV "d.id OPERATOR(pg_catalog.=) $4 RETURNING 1)," \
	" ord AS (" \
	" UPDATE ONLY {orders} o" \
	" SET trucks_filled = $6, status = $7, updated_at = pg_catalog.now()" \
	" WHERE " ORD "o.id OPERATOR(pg_catalog.=) $5 RETURNING 1)," \
	" ins AS (" \
	" INSERT INTO {assignments}" \
	" (id, trip_id, truck_request_id, order_id, transporter_id, vehicle_id, driver_id)" \
	" VALUES ($8, $9, $1, $5, $2, $3, $4) RETURNING 1)"

#define TA_WRITES_BY_ID TA_WRITES("", "", "", "")
#define TA_WRITES_BY_TID \
	TA_WRITES("r.ctid OPERATOR(pg_catalog.=) $11 AND ", \
			  "v.ctid OPERATOR(pg_catalog.=) $12 AND ", \
			  "d.ctid OPERATOR(pg_catalog.=) $13 AND ", \
			  "o.ctid OPERATOR(pg_catalog.=) $14 AND ")

#define TA_WRITES_EVENT \
	", ev AS (" \
	" INSERT INTO {events}" \
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)" \
	" VALUES ('accepted', $5, $1, $8, $2, $10) RETURNING 1)"

/*
 * How many rows the CTEs wrote, and which tables they wrote a row of (a bit
 * per table, see ta_accept_tables): one pass over all of them.
 */
#define TA_WRITES_COUNT(EV) \
	" SELECT pg_catalog.count(*)::pg_catalog.int4, pg_catalog.bit_or(w.t) FROM (" \
	"SELECT 1 AS t FROM req UNION ALL SELECT 2 FROM veh UNION ALL SELECT 4 FROM drv" \
	" UNION ALL SELECT 8 FROM ord UNION ALL SELECT 16 FROM ins" EV ") AS w"

#define TA_WRITES_ARGTYPES \
	{UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, INT4OID, TEXTOID, \
	UUIDOID, UUIDOID, JSONBOID, TIDOID, TIDOID, TIDOID, TIDOID}

/* [with events][by tid] */
static TaStatement ta_accept_writes[2][2] = {
	{
		{TA_WRITES_BY_ID TA_WRITES_COUNT(""),
		10, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
		{TA_WRITES_BY_TID TA_WRITES_COUNT(""),
		14, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
	},
	{
		{TA_WRITES_BY_ID TA_WRITES_EVENT TA_WRITES_COUNT(" UNION ALL SELECT 32 FROM ev"),
		10, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
		{TA_WRITES_BY_TID TA_WRITES_EVENT TA_WRITES_COUNT(" UNION ALL SELECT 32 FROM ev"),
		14, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
	},
};

/* The tables of ta_accept_writes, by the bit of TA_WRITES_COUNT. */
static const char *const ta_accept_tables[] = {
	"truck_requests", "vehicles", "drivers", "orders", "assignments", "events"
};

void		_PG_init(void);
static void ta_result_cache_reset(Datum arg, int cacheid, uint32 hashvalue);
static void ta_result_cache_reset_rel(Datum arg, Oid relid);
static void ta_check_columns(void);

PG_FUNCTION_INFO_V1(accept_truck_request);
PG_FUNCTION_INFO_V1(accept_truck_request_1_1);

/*
 * Module load: define the GUCs.
 */
void
_PG_init(void)
{
	DefineCustomBoolVariable("truck_accept.notify",
							 "Queues a notification on channel \"truck_accept\" for every state change.",
							 "PostgreSQL delivers it when the transaction commits.  "
							 "Turn it off where NOTIFY cannot be used, such as "
							 "transactions that end with PREPARE TRANSACTION.",
							 &ta_notify,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	CacheRegisterSyscacheCallback(PROCOID, ta_result_cache_reset, (Datum) 0);
	/* accept_any's result is a composite type: ALTER TYPE changes its relation */
	CacheRegisterRelcacheCallback(ta_result_cache_reset_rel, (Datum) 0);

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("truck_accept");
#else
	EmitWarningsOnPlaceholders("truck_accept");
#endif
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
	{"orders", "id", UUIDOID},
	{"orders", "trucks_filled", INT4OID},
	{"orders", "trucks_needed", INT4OID},
	{"orders", "status", TEXTOID},
	{"orders", "updated_at", TIMESTAMPTZOID},
	{"truck_requests", "id", UUIDOID},
	{"truck_requests", "order_id", UUIDOID},
	{"truck_requests", "vehicle_type", TEXTOID},
	{"truck_requests", "status", TEXTOID},
	{"truck_requests", "assigned_transporter_id", UUIDOID},
	{"truck_requests", "assigned_vehicle_id", UUIDOID},
	{"truck_requests", "assigned_driver_id", UUIDOID},
	{"truck_requests", "assigned_at", TIMESTAMPTZOID},
	{"truck_requests", "expires_at", TIMESTAMPTZOID},
	{"truck_requests", "updated_at", TIMESTAMPTZOID},
	{"vehicles", "id", UUIDOID},
	{"vehicles", "transporter_id", UUIDOID},
	{"vehicles", "vehicle_type", TEXTOID},
	{"vehicles", "status", TEXTOID},
	{"vehicles", "updated_at", TIMESTAMPTZOID},
	{"drivers", "id", UUIDOID},
	{"drivers", "transporter_id", UUIDOID},
	{"drivers", "status", TEXTOID},
	{"drivers", "updated_at", TIMESTAMPTZOID},
	{"assignments", "id", UUIDOID},
	{"assignments", "trip_id", UUIDOID},
	{"assignments", "truck_request_id", UUIDOID},
	{"assignments", "order_id", UUIDOID},
	{"assignments", "transporter_id", UUIDOID},
	{"assignments", "vehicle_id", UUIDOID},
	{"assignments", "driver_id", UUIDOID},
	{"assignments", "status", TEXTOID},
	{"assignments", "updated_at", TIMESTAMPTZOID},
	{"events", "id", INT8OID},
	{"events", "event_type", TEXTOID},
	{"events", "order_id", UUIDOID},
	{"events", "request_id", UUIDOID},
	{"events", "assignment_id", UUIDOID},
	{"events", "transporter_id", UUIDOID},
	{"events", "payload", JSONBOID},
};

static bool ta_columns_checked = false;

/*
 * Check ta_columns in the tables.  A table or column that is not there is
 * left to the statement that uses it, which raises PostgreSQL's own error
 * (1.0 has no events table).
 */
static void
ta_check_columns(void)
{
	int			i;

	for (i = 0; i < (int) lengthof(ta_columns); i++)
	{
		const TaColumn *c = &ta_columns[i];
		Oid			relid = ta_table_relid(c->table);
		HeapTuple	tup;
		Oid			type;

		if (!OidIsValid(relid))
			continue;
		/* one look-up: a column dropped meanwhile is simply not found */
		tup = SearchSysCacheAttName(relid, c->column);
		if (!HeapTupleIsValid(tup))
			continue;
		type = ((Form_pg_attribute) GETSTRUCT(tup))->atttypid;
		ReleaseSysCache(tup);
		ta_check_column_type(relid, c->column, type, c->type);
	}
	ta_columns_checked = true;
}

/*
 * Run an entry point's body.  Checks the number of arguments the SQL
 * declaration passes, the column types (COLUMN TYPES above), and keeps the
 * re-entry depth (restored on error too).
 */
Datum
ta_call(FunctionCallInfo fcinfo, int nargs, Datum (*body) (FunctionCallInfo))
{
	Datum		result;

	if (PG_NARGS() != nargs)
		elog(ERROR, "function %u called with %d arguments, expected %d",
			 fcinfo->flinfo->fn_oid, PG_NARGS(), nargs);

	ta_tables_resolve(fcinfo->flinfo->fn_oid);
	if (!ta_columns_checked)
		ta_check_columns();

	ta_call_depth++;
	PG_TRY();
	{
		result = body(fcinfo);
	}
	PG_FINALLY();
	{
		ta_call_depth--;
	}
	PG_END_TRY();

	return result;
}

/* A NULL where the call needs a value is an error: SQLSTATE 22004. */
void
ta_require_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", name)));
}

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
		SPIPlanPtr	plan;

		plan = SPI_prepare(sql, st->nargs, st->argtypes);
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
	SPIPlanPtr	plan = ta_get_plan(st, fn_oid);
	int			rc;

	rc = SPI_execute_plan(plan, values, nulls, false, 0);
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
 * Is a column of type "found" one that truck_accept may read as "expected"?
 * The type itself, a domain over it, and varchar where text is expected
 * (the same representation).
 */
static bool
ta_type_ok(Oid found, Oid expected)
{
	if (found == expected)
		return true;
	found = getBaseType(found);
	return found == expected || (expected == TEXTOID && found == VARCHAROID);
}

/*
 * A column that a user's ALTER TABLE gave a type truck_accept cannot read:
 * an error naming the column, rather than reading the datum as another type.
 */
void
ta_check_column_type(Oid relid, const char *colname, Oid found, Oid expected)
{
	if (ta_type_ok(found, expected))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of relation \"%s\" is of type %s, but truck_accept reads it as %s",
					colname, ta_relation_name(relid), format_type_be(found),
					format_type_be(expected)),
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
 * Column "col" (1-based) of row "row" of the last statement's result, which
 * must be of type "typid" (see ta_type_ok).
 */
Datum
ta_row_col(uint64 row, int col, Oid typid, bool *isnull)
{
	Oid			found = SPI_gettypeid(SPI_tuptable->tupdesc, col);

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

pg_uuid_t
ta_col_uuid(int col, bool *isnull)
{
	pg_uuid_t	result;
	Datum		d = ta_col(col, UUIDOID, isnull);

	if (*isnull)
		memset(&result, 0, sizeof(result));
	else
		result = *DatumGetUUIDP(d);
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
 * ROWS BY PRIMARY KEY.  Every row an acceptance checks is found by its
 * primary key.  Through SPI, a locking SELECT of one row costs some 55 000
 * instructions, of which the row lock is 2 000: the rest is the executor's
 * start and end, LockRows and SPI itself (bench/PROFILE.md).  So these rows
 * are read here with the index and table access methods directly, the way
 * the executor reads and locks them: an index scan of the primary key with
 * a new snapshot of the statement (under READ COMMITTED a fresh one, after
 * a CommandCounterIncrement(), as SPI takes it), then, for a locking read,
 * table_tuple_lock() with the wait policy and flags of ExecLockRows():
 * wait for a conflicting lock; under READ COMMITTED follow the row's update
 * chain to its latest version and lock that (a version whose id changed, or
 * that was deleted, is no row, as the executor's recheck of the WHERE
 * clause finds); under REPEATABLE READ and SERIALIZABLE raise 40001 if the
 * row changed since the snapshot.  The index and heap access methods take
 * the predicate locks SERIALIZABLE needs, as for any index scan.
 *
 * The SPI statement of the same read is used instead when it is not the
 * same thing: when the user lacks table-level SELECT (and, to lock, UPDATE)
 * privilege, so that column privileges and the permission error stay
 * PostgreSQL's own; when row security applies to the table; or when the
 * table is not a plain table with a one-column btree primary key on "id".
 */
static bool
ta_row_fetch_spi(const TaRowSpec *spec, Oid fn_oid, const pg_uuid_t *id,
				 bool lock, TaRow *row)
{
	Datum		args[1];
	TupleDesc	tupdesc;
	int			i;

	args[0] = UUIDPGetDatum(id);
	row->have_tid = false;
	if (ta_exec(lock ? spec->lock : spec->read, fn_oid, args, NULL) == 0)
		return false;

	tupdesc = SPI_tuptable->tupdesc;
	if (tupdesc->natts != spec->ncols)
		elog(ERROR, "\"%s\" returned %d columns, expected %d",
			 (lock ? spec->lock : spec->read)->sql, tupdesc->natts, spec->ncols);
	for (i = 0; i < spec->ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);
		Datum		d = ta_col(i + 1, spec->types[i], &row->nulls[i]);

		row->values[i] = row->nulls[i] ? (Datum) 0 :
			datumCopy(d, att->attbyval, att->attlen);
	}
	return true;
}

/*
 * May the current user read (and, with lock, lock) this table directly?
 * Only if the SQL statement would let it: USAGE on the schema, SELECT (and,
 * to lock, UPDATE) on the whole table, and no row security.  *may_lock: may it lock the table's rows (a plain read of a row that only
 * a lock would settle must not settle a call that could not take it).
 * Called with the table locked, so that a concurrent GRANT, REVOKE or
 * row-security change is seen as the executor would see it.
 */
bool
ta_row_direct_ok(Oid relid, bool lock, bool *may_lock)
{
	Oid			userid = GetUserId();
	Oid			nspid = get_rel_namespace(relid);

	*may_lock = false;
	/*
	 * The SQL statement looks the table up in its schema: USAGE first.
	 * (PostgreSQL 16 replaced pg_namespace_aclcheck() by object_aclcheck().)
	 */
#if PG_VERSION_NUM >= 160000
	if (object_aclcheck(NamespaceRelationId, nspid, userid, ACL_USAGE) != ACLCHECK_OK)
		return false;
#else
	if (pg_namespace_aclcheck(nspid, userid, ACL_USAGE) != ACLCHECK_OK)
		return false;
#endif
	if (pg_class_aclcheck(relid, userid, ACL_SELECT) != ACLCHECK_OK)
		return false;
	*may_lock = pg_class_aclcheck(relid, userid, ACL_UPDATE) == ACLCHECK_OK;
	if (lock && !*may_lock)
		return false;
	return check_enable_rls(relid, InvalidOid, true) == RLS_NONE;
}

/* The attribute number of a column, or InvalidAttrNumber. */
static AttrNumber
ta_attnum(TupleDesc tupdesc, const char *name)
{
	int			i;

	for (i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att->attnum;
	}
	return InvalidAttrNumber;
}

/*
 * The primary key index of rel if it is an immediate (not DEFERRABLE) btree
 * on the one column id_attnum (the uuid "id"), else InvalidOid.  A deferrable
 * key may hold duplicates until commit, where the SQL statement's "more than
 * one row" error is the right answer, not the first duplicate found.
 */
static Oid
ta_pkey_index(Relation rel, AttrNumber id_attnum)
{
	Oid			indexoid = ta_primary_key_index(rel);
	HeapTuple	tup;
	bool		ok;

	if (!OidIsValid(indexoid) || id_attnum == InvalidAttrNumber ||
		TupleDescAttr(RelationGetDescr(rel), id_attnum - 1)->atttypid != UUIDOID)
		return InvalidOid;

	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);

		ok = idx->indnkeyatts == 1 && idx->indkey.values[0] == id_attnum &&
			idx->indimmediate;
	}
	ReleaseSysCache(tup);
	if (!ok)
		return InvalidOid;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	ok = ((Form_pg_class) GETSTRUCT(tup))->relam == BTREE_AM_OID;
	ReleaseSysCache(tup);
	return ok ? indexoid : InvalidOid;
}

/*
 * Wait, without locking the row, for the transaction that a plain read of
 * it found changing or holding it (row->modifier) to end.  A lock timeout,
 * cancel or deadlock is reported as for a row lock wait, "while locking
 * tuple" included.
 */
void
ta_row_wait(const TaRowSpec *spec, Oid fn_oid, TaRow *row)
{
	Oid			relid = ta_table_relid(spec->kind);
	Relation	rel;

	if (!OidIsValid(relid) || !row->have_tid)
	{
		XactLockTableWait(row->modifier, NULL, NULL, XLTW_None);
		return;
	}
	rel = table_open(relid, AccessShareLock);
	XactLockTableWait(row->modifier, rel, &row->tid, XLTW_Lock);
	table_close(rel, NoLock);
}

/*
 * Open spec's table for a read of its row (RowShareLock to lock) and check
 * the types of the columns read, for both ways of reading it.  Returns the
 * open relation, or NULL if the table is not there (the SQL statement then
 * raises PostgreSQL's own error).  attnums[] gets the columns' numbers
 * (InvalidAttrNumber for one that is missing), *id_attnum that of "id".
 */
static Relation
ta_row_open(const TaRowSpec *spec, bool lock,
			AttrNumber *attnums, AttrNumber *id_attnum)
{
	Oid			relid = ta_table_relid(spec->kind);
	Relation	rel;
	TupleDesc	tupdesc;
	int			i;

	if (!OidIsValid(relid))
		return NULL;
	rel = table_open(relid, lock ? RowShareLock : AccessShareLock);
	tupdesc = RelationGetDescr(rel);
	*id_attnum = ta_attnum(tupdesc, "id");
	if (*id_attnum != InvalidAttrNumber)
		ta_check_column_type(relid, "id",
							 TupleDescAttr(tupdesc, *id_attnum - 1)->atttypid,
							 UUIDOID);
	for (i = 0; i < spec->ncols; i++)
	{
		attnums[i] = ta_attnum(tupdesc, spec->cols[i]);
		if (attnums[i] != InvalidAttrNumber)
			ta_check_column_type(relid, spec->cols[i],
								 TupleDescAttr(tupdesc, attnums[i] - 1)->atttypid,
								 spec->types[i]);
	}
	return rel;
}

/*
 * The index to read rel's row by: its primary key, if the direct read
 * applies at all (see ROWS BY PRIMARY KEY); else InvalidOid.  *direct: the
 * direct read applies (a lock of a version found before needs no index).
 */
static Oid
ta_row_direct_index(Relation rel, const TaRowSpec *spec,
					const AttrNumber *attnums, AttrNumber id_attnum,
					bool lock, bool have_tid, bool *direct, bool *may_lock)
{
	Oid			indexoid = InvalidOid;
	int			i;

	*direct = false;
	if (!ta_row_direct_ok(RelationGetRelid(rel), lock, may_lock) ||
		rel->rd_rel->relkind != RELKIND_RELATION)
		return InvalidOid;
	for (i = 0; i < spec->ncols; i++)
		if (attnums[i] == InvalidAttrNumber)
			return InvalidOid;
	if (lock && have_tid)
	{
		*direct = true;
		return InvalidOid;
	}
	indexoid = ta_pkey_index(rel, id_attnum);
	*direct = OidIsValid(indexoid);
	return indexoid;
}

/*
 * A plain read of a heap row found by the index, as it stands now: is it
 * the latest version, with no transaction locking or changing it
 * (row->settled)?  If not, under READ COMMITTED, note in row->modifier the
 * one other transaction that a lock FOR NO KEY UPDATE would wait for: an
 * updater, or a locker in any mode but FOR KEY SHARE (which a foreign-key
 * check of a row that references this one takes, and which does not
 * conflict).
 */
static void
ta_row_settle(TupleTableSlot *slot, TaRow *row)
{
	BufferHeapTupleTableSlot *bslot = (BufferHeapTupleTableSlot *) slot;
	HeapTupleHeader htup = bslot->base.tuple->t_data;
	TM_Result	state;

	LockBuffer(bslot->buffer, BUFFER_LOCK_SHARE);
	state = HeapTupleSatisfiesUpdate(bslot->base.tuple,
									 GetCurrentCommandId(false),
									 bslot->buffer);
	row->settled = state == TM_Ok;

	if (state == TM_BeingModified && !IsolationUsesXactSnapshot() &&
		!(htup->t_infomask & HEAP_XMAX_IS_MULTI) &&
		!(HEAP_XMAX_IS_LOCKED_ONLY(htup->t_infomask) &&
		  HEAP_XMAX_IS_KEYSHR_LOCKED(htup->t_infomask)))
	{
		TransactionId xmax = HeapTupleHeaderGetRawXmax(htup);

		if (TransactionIdIsNormal(xmax) &&
			!TransactionIdIsCurrentTransactionId(xmax))
			row->modifier = xmax;
	}
	LockBuffer(bslot->buffer, BUFFER_LOCK_UNLOCK);
}

/* Find the row whose id is *id through the primary key index. */
static bool
ta_row_index_read(Relation rel, Oid indexoid, Snapshot snapshot,
				  const pg_uuid_t *id, bool settle, TupleTableSlot *slot,
				  TaRow *row)
{
	Relation	index = index_open(indexoid, AccessShareLock);
	IndexScanDesc scan;
	ScanKeyData key;
	bool		found;

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, UUIDPGetDatum(id));
	scan = ta_index_beginscan(rel, index, snapshot, 1, 0);
	index_rescan(scan, &key, 1, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	if (found)
		row->tid = slot->tts_tid;
	if (found && settle && TTS_IS_BUFFERTUPLE(slot) &&
		rel->rd_rel->relam == HEAP_TABLE_AM_OID)
		ta_row_settle(slot, row);
	index_endscan(scan);
	index_close(index, NoLock);
	return found;
}

/*
 * Lock the version of a row at row->tid FOR NO KEY UPDATE, as ExecLockRows()
 * does: wait for a conflicting lock; under READ COMMITTED follow the update
 * chain to the latest version (which must still have this id); under
 * REPEATABLE READ and SERIALIZABLE raise 40001 if it changed.  Returns false
 * if the row is gone; the locked version is left in *locked.
 */
static bool
ta_row_lock(Relation rel, Snapshot snapshot, AttrNumber id_attnum,
			const pg_uuid_t *id, TaRow *row, TupleTableSlot *locked)
{
	ItemPointerData tid = row->tid;
	TM_FailureData tmfd;
	TM_Result	result;
	int			flags = TUPLE_LOCK_FLAG_LOCK_UPDATE_IN_PROGRESS;

	if (!IsolationUsesXactSnapshot())
		flags |= TUPLE_LOCK_FLAG_FIND_LAST_VERSION;
	result = table_tuple_lock(rel, &tid, snapshot, locked,
							  GetCurrentCommandId(true),
							  LockTupleNoKeyExclusive, LockWaitBlock,
							  flags, &tmfd);
	switch (result)
	{
		case TM_Ok:
			if (tmfd.traversed)
			{
				/* a newer version: is it still the row with this id? */
				bool		isnull;
				Datum		d = slot_getattr(locked, id_attnum, &isnull);

				return !isnull && ta_uuid_eq(DatumGetUUIDP(d), id);
			}
			return true;
		case TM_SelfModified:
			/* changed by a later command of this transaction: no row */
			return false;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			if (result == TM_Deleted)
				return false;
			elog(ERROR, "unexpected table_tuple_lock status: %u", result);
			break;
		case TM_Invisible:
			elog(ERROR, "attempted to lock invisible tuple");
			break;
		default:
			elog(ERROR, "unrecognized table_tuple_lock status: %u", result);
			break;
	}
	return false;
}

/*
 * Read the row of spec's table whose id is *id into row; with lock, lock it
 * FOR NO KEY UPDATE first (see ROWS BY PRIMARY KEY above).  A row that an
 * earlier direct read of this call found (row->have_tid) is locked from that
 * version on, without a second index scan.  Returns false if there is no
 * such row.  Errors as a locking SELECT raises them (40001, 55P03, 57014,
 * 25006 in a read-only transaction, ...), and for a column of another type
 * (42804) or a NULL where a value is needed (23502).
 */
bool
ta_row_fetch(const TaRowSpec *spec, Oid fn_oid, const pg_uuid_t *id,
			 bool lock, TaRow *row)
{
	Relation	rel;
	AttrNumber	attnums[TA_ROW_MAX_COLS];
	AttrNumber	id_attnum = InvalidAttrNumber;
	Oid			indexoid;
	bool		direct;
	bool		may_lock;
	bool		found;
	int			i;

	if (lock)
		PreventCommandIfReadOnly("SELECT FOR NO KEY UPDATE");
	row->settled = false;
	row->modifier = InvalidTransactionId;

	rel = ta_row_open(spec, lock, attnums, &id_attnum);
	if (rel == NULL)
		return ta_row_fetch_spi(spec, fn_oid, id, lock, row);
	indexoid = ta_row_direct_index(rel, spec, attnums, id_attnum, lock,
								   row->have_tid, &direct, &may_lock);
	if (!direct)
		found = ta_row_fetch_spi(spec, fn_oid, id, lock, row);
	else
	{
		Snapshot	snapshot;
		TupleTableSlot *slot = table_slot_create(rel, NULL);

		/* A statement's snapshot, as SPI takes it for a statement that may write. */
		CommandCounterIncrement();
		PushActiveSnapshot(GetTransactionSnapshot());
		UpdateActiveSnapshotCommandId();
		snapshot = GetActiveSnapshot();

		if (lock && row->have_tid)
			found = true;		/* the version this call read: lock it below */
		else
			found = ta_row_index_read(rel, indexoid, snapshot, id,
									  !lock && may_lock, slot, row);
		if (found && lock)
		{
			TupleTableSlot *locked = table_slot_create(rel, NULL);

			found = ta_row_lock(rel, snapshot, id_attnum, id, row, locked);
			ExecDropSingleTupleTableSlot(slot);
			slot = locked;
		}
		if (found)
		{
			TupleDesc	tupdesc = RelationGetDescr(rel);

			for (i = 0; i < spec->ncols; i++)
			{
				Form_pg_attribute att = TupleDescAttr(tupdesc, attnums[i] - 1);
				Datum		d = slot_getattr(slot, attnums[i], &row->nulls[i]);

				row->values[i] = row->nulls[i] ? (Datum) 0 :
					datumCopy(d, att->attbyval, att->attlen);
			}
			row->tid = slot->tts_tid;
		}
		row->have_tid = found;
		ExecDropSingleTupleTableSlot(slot);
		PopActiveSnapshot();
	}

	if (found)
		for (i = 0; i < spec->ncols; i++)
			if (row->nulls[i] && (spec->notnull & (1 << i)))
				ta_column_null_error(RelationGetRelid(rel), spec->cols[i]);
	table_close(rel, NoLock);
	return found;
}

bool
ta_uuid_eq(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN) == 0;
}

char *
ta_uuid_text(const pg_uuid_t *u)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(u)));
}

/* A palloc'd copy of a uuid, as a Datum that outlives the local. */
Datum
ta_uuid_datum(const pg_uuid_t *u)
{
	pg_uuid_t  *copy = palloc(sizeof(pg_uuid_t));

	*copy = *u;
	return UUIDPGetDatum(copy);
}

/*
 * n random (version 4) uuids, as gen_random_uuid() makes them, from one call
 * of pg_strong_random().
 */
void
ta_new_uuids(pg_uuid_t *u, int n)
{
	int			i;

	if (!pg_strong_random(u, sizeof(pg_uuid_t) * n))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	for (i = 0; i < n; i++)
	{
		u[i].data[6] = (u[i].data[6] & 0x0f) | 0x40;	/* version 4 */
		u[i].data[8] = (u[i].data[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	}
}

void
ta_new_uuid(pg_uuid_t *u)
{
	ta_new_uuids(u, 1);
}

/* Read an order's counter and status from the last statement's first row. */
void
ta_fetch_order(TaOrder *order, int first_col)
{
	order->known = true;
	order->trucks_filled = ta_col_int32(first_col);
	order->trucks_needed = ta_col_int32(first_col + 1);
	ta_col_status(first_col + 2, order->status);
}

/* Read an order's counter and status from a row of ta_order_row. */
void
ta_order_from_row(TaOrder *order, const TaRow *row)
{
	order->known = true;
	order->trucks_filled = DatumGetInt32(row->values[0]);
	order->trucks_needed = DatumGetInt32(row->values[1]);
	text_to_cstring_buffer(DatumGetTextPP(row->values[2]), order->status,
						   TA_STATUS_LEN);
}

bool
ta_order_is_closed(const TaOrder *order)
{
	return strcmp(order->status, "cancelled") == 0 ||
		strcmp(order->status, "expired") == 0 ||
		strcmp(order->status, "completed") == 0 ||
		strcmp(order->status, "fully_filled") == 0 ||
		order->trucks_filled >= order->trucks_needed;
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
ta_write_skipped(const char *action, const pg_uuid_t *id, Oid fn_oid,
				 const char *table)
{
	Oid			relid = ta_table_relid(table);
	char	   *subject = id == NULL ? pstrdup(action) :
		psprintf("%s %s", action, ta_uuid_text(id));
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
ta_check_writes(const char *action, const pg_uuid_t *id, Oid fn_oid,
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
					action, ta_uuid_text(id), written, expected_rows),
			 errhint("Restore the primary keys of the extension's tables.")));
}

/*
 * The order a call must lock (order_id, of the "what" whose id is *whose)
 * could not be locked.  Row-level security that lets the role read the
 * order but not lock it (a locking read needs a policy for UPDATE too) is
 * an error that says so (whose is NULL where the call names the order
 * itself).  Otherwise the row is gone: with missing_is_error,
 * an error (the row that names it needs it: a foreign key was dropped);
 * else the caller answers not_found (deleted while it waited).
 */
void
ta_order_lock_failed(Oid fn_oid, const pg_uuid_t *order_id, const char *what,
					 const pg_uuid_t *whose, bool missing_is_error)
{
	Oid			relid = ta_table_relid("orders");

	if (OidIsValid(relid) &&
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 whose == NULL ?
				 errmsg("order %s cannot be locked in relation \"%s\"",
						ta_uuid_text(order_id), ta_relation_name(relid)) :
				 errmsg("order %s of %s %s cannot be locked in relation \"%s\"",
						ta_uuid_text(order_id), what, ta_uuid_text(whose),
						ta_relation_name(relid)),
				 errdetail("Row-level security hides the row from a locking read, which needs a policy for UPDATE as well as for SELECT."),
				 errhint("Give the role a policy for UPDATE on the table that covers the orders it may change, or exempt it from row-level security.")));
	if (missing_is_error)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("order %s of %s %s does not exist",
						ta_uuid_text(order_id), what, ta_uuid_text(whose)),
				 errdetail("Relation \"%s\" has no row with that id.",
						   ta_relation_name(relid)),
				 errhint("Correct the row that names the order, and restore its foreign key.")));
}

/* The status of an open order with this counter. */
const char *
ta_open_order_status(int32 filled, int32 needed)
{
	if (filled <= 0)
		return "searching";
	return filled >= needed ? "fully_filled" : "partially_filled";
}

/* The 36 characters of the text form uuid_out() gives, without fmgr. */
static void
ta_uuid_hex(const pg_uuid_t *u, char *text)
{
	static const char hex[] = "0123456789abcdef";
	int			i;
	int			j = 0;

	for (i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text[j++] = '-';
		text[j++] = hex[u->data[i] >> 4];
		text[j++] = hex[u->data[i] & 0x0f];
	}
}

void
ta_json_uuid(StringInfo buf, const char *key, const pg_uuid_t *u, bool isnull)
{
	char		text[36];

	appendStringInfoString(buf, ",\"");
	appendStringInfoString(buf, key);
	appendStringInfoString(buf, "\":");
	if (isnull)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	ta_uuid_hex(u, text);
	appendStringInfoChar(buf, '"');
	appendBinaryStringInfo(buf, text, sizeof(text));
	appendStringInfoChar(buf, '"');
}

/*
 * Queue a notification, if truck_accept.notify is on.  PostgreSQL sends it
 * when (and only if) the transaction commits.
 */
void
ta_notify_payload(const char *payload)
{
	if (ta_notify)
		Async_Notify(TA_NOTIFY_CHANNEL, payload);
}

/* Read, without locking, the order a rejected call reports. */
static void
ta_report_order(Oid fn_oid, TaOrder *order)
{
	TaRow		row = {0};

	if (ta_row_fetch(&ta_order_row, fn_oid, &order->id, false, &row))
		ta_order_from_row(order, &row);
}

/*
 * accept_any: does this transporter already hold a slot of the order with
 * this vehicle (a retry)?  If so, fill in already_yours.
 */
bool
ta_find_own_assignment(TaAccept *acc)
{
	Datum		args[3];
	bool		isnull;

	args[0] = UUIDPGetDatum(&acc->order.id);
	args[1] = UUIDPGetDatum(&acc->transporter_id);
	args[2] = UUIDPGetDatum(&acc->vehicle_id);
	if (ta_exec(&ta_read_own_assignment, acc->fn_oid, args, NULL) == 0)
		return false;

	acc->outcome = TA_ALREADY_YOURS;
	acc->has_assignment = true;
	acc->assignment_id = ta_col_uuid(1, &isnull);
	acc->trip_id = ta_col_uuid(2, &isnull);
	acc->request_id = ta_col_uuid(3, &isnull);
	acc->has_request = true;
	ta_report_order(acc->fn_oid, &acc->order);
	return true;
}

/* The JSON of an "accepted" event, for NOTIFY and the events table. */
static char *
ta_accepted_payload(TaAccept *acc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"event\":\"accepted\"");
	ta_json_uuid(&buf, "request_id", &acc->request_id, false);
	ta_json_uuid(&buf, "order_id", &acc->order.id, false);
	ta_json_uuid(&buf, "assignment_id", &acc->assignment_id, false);
	ta_json_uuid(&buf, "trip_id", &acc->trip_id, false);
	ta_json_uuid(&buf, "transporter_id", &acc->transporter_id, false);
	ta_json_uuid(&buf, "vehicle_id", &acc->vehicle_id, false);
	ta_json_uuid(&buf, "driver_id", &acc->driver_id, !acc->has_driver);
	appendStringInfo(&buf, ",\"trucks_filled\":%d,\"trucks_needed\":%d,\"order_status\":",
					 acc->order.trucks_filled, acc->order.trucks_needed);
	escape_json(&buf, acc->order.status);
	appendStringInfoChar(&buf, '}');
	return buf.data;
}

/*
 * The same payload as a jsonb value, for the events row: built here rather
 * than parsed from the text by jsonb_in() in the write statement, which
 * costs more than building it.  jsonb is canonical, so it is the very value
 * the text gives.
 */
static void
ta_jsonb_key(TaJsonbState *state, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(key);
	v.val.string.val = (char *) key;
	pushJsonbValue(state, WJB_KEY, &v);
}

static void
ta_jsonb_string(TaJsonbState *state, const char *key, char *str, int len)
{
	JsonbValue	v;

	ta_jsonb_key(state, key);
	v.type = jbvString;
	v.val.string.len = len;
	v.val.string.val = str;
	pushJsonbValue(state, WJB_VALUE, &v);
}

static void
ta_jsonb_uuid(TaJsonbState *state, const char *key, const pg_uuid_t *u,
			  bool isnull)
{
	JsonbValue	v;

	if (!isnull)
	{
		char	   *text = palloc(36);

		ta_uuid_hex(u, text);
		ta_jsonb_string(state, key, text, 36);
		return;
	}
	ta_jsonb_key(state, key);
	v.type = jbvNull;
	pushJsonbValue(state, WJB_VALUE, &v);
}

static void
ta_jsonb_int(TaJsonbState *state, const char *key, int32 n)
{
	JsonbValue	v;

	ta_jsonb_key(state, key);
	v.type = jbvNumeric;
#if PG_VERSION_NUM >= 140000
	v.val.numeric = int64_to_numeric(n);
#else
	v.val.numeric = DatumGetNumeric(DirectFunctionCall1(int4_numeric,
														Int32GetDatum(n)));
#endif
	pushJsonbValue(state, WJB_VALUE, &v);
}

static Jsonb *
ta_accepted_jsonb(TaAccept *acc)
{
	TaJsonbState state;
	JsonbValue *result;

	memset(&state, 0, sizeof(state));
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ta_jsonb_string(&state, "event", "accepted", strlen("accepted"));
	ta_jsonb_uuid(&state, "request_id", &acc->request_id, false);
	ta_jsonb_uuid(&state, "order_id", &acc->order.id, false);
	ta_jsonb_uuid(&state, "assignment_id", &acc->assignment_id, false);
	ta_jsonb_uuid(&state, "trip_id", &acc->trip_id, false);
	ta_jsonb_uuid(&state, "transporter_id", &acc->transporter_id, false);
	ta_jsonb_uuid(&state, "vehicle_id", &acc->vehicle_id, false);
	ta_jsonb_uuid(&state, "driver_id", &acc->driver_id, !acc->has_driver);
	ta_jsonb_int(&state, "trucks_filled", acc->order.trucks_filled);
	ta_jsonb_int(&state, "trucks_needed", acc->order.trucks_needed);
	ta_jsonb_string(&state, "order_status", acc->order.status,
					strlen(acc->order.status));
	result = ta_jsonb_end_object(&state);
	return JsonbValueToJsonb(result);
}

/*
 * Steps 2 to 4 of an acceptance, once the request (acc->request_id, of order
 * acc->order.id, needing vehicles of vehicle_type) is locked and open: lock
 * the vehicle, the driver and the order, in the global lock order, check
 * them in the documented order, and write everything at once if all passed.
 * Runs inside SPI; a message it builds lives in SPI memory.
 */
void
ta_accept_locked_request(TaAccept *acc, const char *vehicle_type)
{
	Oid			fn_oid = acc->fn_oid;
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	TaRow		row = {0};
	ItemPointerData vehicle_tid;
	ItemPointerData driver_tid;
	ItemPointerData order_tid;
	bool		have_vehicle_tid;
	bool		have_driver_tid = false;
	bool		have_order_tid;
	bool		by_tid;
	bool		vehicle_found;
	pg_uuid_t	vehicle_owner = {{0}};
	char		vehicle_status[TA_STATUS_LEN] = "";
	bool		vehicle_type_ok = false;
	bool		driver_found = false;
	pg_uuid_t	driver_owner = {{0}};
	char		driver_status[TA_STATUS_LEN] = "";
	int32		new_filled;
	const char *new_status;
	char	   *payload;

	vehicle_found = ta_row_fetch(&ta_vehicle_row, fn_oid, &acc->vehicle_id,
								 true, &row);
	have_vehicle_tid = vehicle_found && row.have_tid;
	vehicle_tid = row.tid;
	if (vehicle_found)
	{
		vehicle_owner = *DatumGetUUIDP(row.values[0]);
		vehicle_type_ok = strcmp(TextDatumGetCString(row.values[1]),
								 vehicle_type) == 0;
		text_to_cstring_buffer(DatumGetTextPP(row.values[2]), vehicle_status,
							   TA_STATUS_LEN);
	}

	if (acc->has_driver)
	{
		memset(&row, 0, sizeof(row));
		driver_found = ta_row_fetch(&ta_driver_row, fn_oid, &acc->driver_id,
									true, &row);
		have_driver_tid = driver_found && row.have_tid;
		driver_tid = row.tid;
		if (driver_found)
		{
			driver_owner = *DatumGetUUIDP(row.values[0]);
			text_to_cstring_buffer(DatumGetTextPP(row.values[1]), driver_status,
								   TA_STATUS_LEN);
		}
	}

	memset(&row, 0, sizeof(row));
	if (!ta_row_fetch(&ta_order_row, fn_oid, &acc->order.id, true, &row))
		ta_order_lock_failed(fn_oid, &acc->order.id, "truck request",
							 &acc->request_id, true);
	have_order_tid = row.have_tid;
	order_tid = row.tid;
	ta_order_from_row(&acc->order, &row);

	/* Step 3: the checks, in the documented order. */
	if (ta_order_is_closed(&acc->order))
	{
		if (!(acc->any_request && ta_find_own_assignment(acc)))
			acc->outcome = TA_ORDER_CLOSED;
		return;
	}
	if (!vehicle_found)
	{
		acc->outcome = TA_VEHICLE_NOT_FOUND;
		return;
	}
	if (!ta_uuid_eq(&vehicle_owner, &acc->transporter_id))
	{
		acc->outcome = TA_VEHICLE_NOT_OWNED;
		return;
	}
	if (!vehicle_type_ok)
	{
		acc->outcome = TA_VEHICLE_TYPE_MISMATCH;
		acc->message = psprintf("This request needs a vehicle of type %s",
								vehicle_type);
		return;
	}
	if (strcmp(vehicle_status, "available") != 0)
	{
		/* accept_any: a busy vehicle may be this very call's earlier win */
		if (acc->any_request && ta_find_own_assignment(acc))
			return;
		acc->outcome = TA_VEHICLE_UNAVAILABLE;
		acc->message = psprintf("This vehicle is not available (%s)",
								vehicle_status);
		return;
	}
	if (acc->has_driver && !driver_found)
	{
		acc->outcome = TA_DRIVER_NOT_FOUND;
		return;
	}
	if (acc->has_driver && !ta_uuid_eq(&driver_owner, &acc->transporter_id))
	{
		acc->outcome = TA_DRIVER_NOT_OWNED;
		return;
	}
	if (acc->has_driver && strcmp(driver_status, "available") != 0)
	{
		acc->outcome = TA_DRIVER_UNAVAILABLE;
		acc->message = psprintf("This driver is not available (%s)",
								driver_status);
		return;
	}

	/* Step 4: every check passed; write it all at once. */
	new_filled = acc->order.trucks_filled + 1;
	new_status = ta_open_order_status(new_filled, acc->order.trucks_needed);
	{
		pg_uuid_t	ids[2];

		ta_new_uuids(ids, 2);
		acc->assignment_id = ids[0];
		acc->trip_id = ids[1];
	}
	acc->order.trucks_filled = new_filled;
	strlcpy(acc->order.status, new_status, TA_STATUS_LEN);
	payload = ta_accepted_payload(acc);

	args[0] = UUIDPGetDatum(&acc->request_id);
	args[1] = UUIDPGetDatum(&acc->transporter_id);
	args[2] = UUIDPGetDatum(&acc->vehicle_id);
	args[3] = UUIDPGetDatum(&acc->driver_id);
	args[4] = UUIDPGetDatum(&acc->order.id);
	args[5] = Int32GetDatum(new_filled);
	args[6] = CStringGetTextDatum(new_status);
	args[7] = UUIDPGetDatum(&acc->assignment_id);
	args[8] = UUIDPGetDatum(&acc->trip_id);
	/* 1.0 appends no event: $10 is then unused */
	args[9] = acc->with_events ? JsonbPGetDatum(ta_accepted_jsonb(acc)) :
		(Datum) 0;
	memset(arg_nulls, ' ', sizeof(arg_nulls));
	if (!acc->has_driver)
		arg_nulls[3] = 'n';
	if (!acc->with_events)
		arg_nulls[9] = 'n';

	args[10] = PointerGetDatum(&acc->request_tid);
	args[11] = PointerGetDatum(&vehicle_tid);
	args[12] = PointerGetDatum(&driver_tid);
	args[13] = PointerGetDatum(&order_tid);
	if (!acc->has_driver)
		arg_nulls[12] = 'n';
	by_tid = acc->have_request_tid && have_vehicle_tid && have_order_tid &&
		(have_driver_tid || !acc->has_driver);

	if (ta_exec(&ta_accept_writes[acc->with_events ? 1 : 0][by_tid ? 1 : 0],
				fn_oid, args, arg_nulls) != 1)
		elog(ERROR, "accepting truck request %s returned no row",
			 ta_uuid_text(&acc->request_id));
	ta_check_writes("accepting truck request", &acc->request_id, fn_oid,
					ta_accept_tables,
					1 | 2 | (acc->has_driver ? 4 : 0) | 8 | 16 |
					(acc->with_events ? 32 : 0));

	acc->outcome = TA_ACCEPTED;
	acc->has_assignment = true;
	ta_notify_payload(payload);
}

/*
 * The result descriptors of the accept functions, built and blessed once per
 * backend (get_call_result_type() on every call costs more than all the C
 * code of a call), keyed by the function, and forgotten whenever pg_proc or
 * any relation (a composite type's included) changes.
 */
#define TA_RESULT_CACHE 4
static struct
{
	Oid			fn_oid;
	TupleDesc	tupdesc;		/* blessed, in TopMemoryContext */
}			ta_result_cache[TA_RESULT_CACHE];

static void
ta_result_cache_reset(Datum arg, int cacheid, uint32 hashvalue)
{
	int			i;

	for (i = 0; i < TA_RESULT_CACHE; i++)
	{
		if (ta_result_cache[i].tupdesc != NULL)
			FreeTupleDesc(ta_result_cache[i].tupdesc);
		ta_result_cache[i].fn_oid = InvalidOid;
		ta_result_cache[i].tupdesc = NULL;
	}
}

static void
ta_result_cache_reset_rel(Datum arg, Oid relid)
{
	ta_result_cache_reset(arg, PROCOID, 0);
	ta_columns_checked = false;
	ta_tables_invalidate(relid);
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

		if (att->attisdropped || att->atttypid != types[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("function %s returns a row type that truck_accept does not build",
							format_procedure(fn_oid)),
					 att->attisdropped ?
					 errdetail("Column %d of the row type was dropped.", i + 1) :
					 errdetail("Column %d (\"%s\") is of type %s, expected %s.",
							   i + 1, NameStr(att->attname),
							   format_type_be(att->atttypid),
							   format_type_be(types[i])),
					 errhint("Restore the row type with ALTER TYPE, or reinstall the extension.")));
	}
}

/* accept's result row (accept_any's adds the request's id) */
static const Oid ta_result_types[10] = {TEXTOID, BOOLOID, UUIDOID, UUIDOID,
UUIDOID, INT4OID, INT4OID, TEXTOID, TEXTOID, UUIDOID};

static TupleDesc
ta_result_tupdesc(FunctionCallInfo fcinfo, int natts)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	TupleDesc	tupdesc;
	MemoryContext oldcxt;
	int			i;

	for (i = 0; i < TA_RESULT_CACHE; i++)
		if (ta_result_cache[i].fn_oid == fn_oid)
			return ta_result_cache[i].tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ta_check_result_type(fn_oid, tupdesc, natts, ta_result_types);

	for (i = 0; i < TA_RESULT_CACHE; i++)
		if (ta_result_cache[i].tupdesc == NULL)
			break;
	if (i == TA_RESULT_CACHE)
		return BlessTupleDesc(tupdesc);	/* cache full: not kept */

	oldcxt = MemoryContextSwitchTo(TopMemoryContext);
	tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	MemoryContextSwitchTo(oldcxt);
	ta_result_cache[i].fn_oid = fn_oid;
	ta_result_cache[i].tupdesc = tupdesc;
	return tupdesc;
}

/*
 * Build the result row of accept (and, with the request's id appended, of
 * accept_any).  Runs after SPI_finish, in the caller's memory.
 */
Datum
ta_accept_result(FunctionCallInfo fcinfo, TaAccept *acc, bool with_request_id)
{
	TupleDesc	tupdesc = ta_result_tupdesc(fcinfo, with_request_id ? 10 : 9);
	Datum		values[10];
	bool		nulls[10] = {0};

	values[0] = CStringGetTextDatum(ta_outcome_names[acc->outcome]);
	values[1] = BoolGetDatum(acc->outcome == TA_ACCEPTED ||
							 acc->outcome == TA_ALREADY_YOURS);
	if (acc->has_assignment)
	{
		values[2] = ta_uuid_datum(&acc->assignment_id);
		values[3] = ta_uuid_datum(&acc->trip_id);
	}
	else
		nulls[2] = nulls[3] = true;

	if (acc->order.known || acc->outcome != TA_NOT_FOUND)
		values[4] = ta_uuid_datum(&acc->order.id);
	else
		nulls[4] = true;

	if (acc->order.known)
	{
		values[5] = Int32GetDatum(acc->order.trucks_filled);
		values[6] = Int32GetDatum(acc->order.trucks_needed);
		values[7] = CStringGetTextDatum(acc->order.status);
	}
	else
		nulls[5] = nulls[6] = nulls[7] = true;

	values[8] = CStringGetTextDatum(acc->message ? acc->message :
									ta_outcome_messages[acc->outcome]);

	if (with_request_id)
	{
		if (acc->has_request)
			values[9] = ta_uuid_datum(&acc->request_id);
		else
			nulls[9] = true;
	}

	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * The outcome of an acceptance that a version of its request (a row of
 * ta_request_row) settles alone: already_yours, already_taken or
 * request_closed (with its message), or TA_ACCEPTED if the request is open.
 * Sets the order's id and the vehicle type the request needs.
 */
static TaOutcome
ta_request_check(TaAccept *acc, const TaRow *row, char **vehicle_type)
{
	char		status[TA_STATUS_LEN];

	text_to_cstring_buffer(DatumGetTextPP(row->values[0]), status,
						   TA_STATUS_LEN);
	acc->order.id = *DatumGetUUIDP(row->values[1]);
	*vehicle_type = TextDatumGetCString(row->values[2]);
	acc->message = NULL;

	if (strcmp(status, "assigned") == 0)
	{
		if (!row->nulls[3] &&
			ta_uuid_eq(DatumGetUUIDP(row->values[3]), &acc->transporter_id))
			return TA_ALREADY_YOURS;
		return TA_ALREADY_TAKEN;
	}
	if (strcmp(status, "searching") != 0 ||
		(!row->nulls[4] &&
		 DatumGetTimestampTz(row->values[4]) <= GetCurrentTimestamp()))
	{
		if (strcmp(status, "searching") == 0 ||
			strcmp(status, "expired") == 0)
			acc->message = "This request has expired";
		else if (strcmp(status, "cancelled") == 0)
			acc->message = "This request has been cancelled";
		else
			acc->message = "This request has been completed";
		return TA_REQUEST_CLOSED;
	}
	return TA_ACCEPTED;
}

/*
 * accept_truck_request(request_id uuid, transporter_id uuid, vehicle_id uuid,
 *						driver_id uuid DEFAULT NULL)
 */
static Datum
ta_accept(FunctionCallInfo fcinfo, bool with_events)
{
	MemoryContext callercxt = CurrentMemoryContext;
	TaAccept	acc = {0};
	TaRow		row = {0};
	bool		found;
	int			waits;
	char	   *vehicle_type = NULL;
	Datum		args[1];
	bool		isnull;

	/* A malformed call is an error, not an outcome. */
	ta_require_arg(fcinfo, 0, "request_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	ta_require_arg(fcinfo, 2, "vehicle_id");

	acc.fn_oid = fcinfo->flinfo->fn_oid;
	acc.with_events = with_events;
	acc.request_id = *PG_GETARG_UUID_P(0);
	acc.transporter_id = *PG_GETARG_UUID_P(1);
	acc.vehicle_id = *PG_GETARG_UUID_P(2);
	acc.has_driver = !PG_ARGISNULL(3);
	if (acc.has_driver)
		acc.driver_id = *PG_GETARG_UUID_P(3);

	/*
	 * A call may lock and write: not in a read-only transaction, even when
	 * it would end up rejected without a lock (the error a locking SELECT
	 * raises, as in every version).
	 */
	PreventCommandIfReadOnly("SELECT FOR NO KEY UPDATE");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/*
	 * Step 1: the request, and everything that depends on the request alone.
	 * A request whose latest version is taken by another transporter, closed
	 * or expired, and that no transaction is locking or changing (a release
	 * in flight may reopen it), is answered from a plain read, without a
	 * lock.  Otherwise it is locked (its latest version, under READ
	 * COMMITTED, once every transaction that held it has ended) and checked
	 * again.
	 */
	for (waits = 0;; waits++)
	{
		found = ta_row_fetch(&ta_request_row, acc.fn_oid, &acc.request_id,
							 false, &row);
		if (!found || row.settled || !TransactionIdIsValid(row.modifier) ||
			waits >= TA_MAX_WAITS)
			break;

		/*
		 * Under READ COMMITTED, a request another transaction is changing
		 * or holds (an accept in flight): wait for that transaction to end,
		 * without taking a lock, and read the request again.  The callers
		 * that lose to an accept in flight then all answer already_taken
		 * from the settled version, instead of taking the lock one after
		 * the other and each holding it until its own transaction ends.
		 */
		ta_row_wait(&ta_request_row, acc.fn_oid, &row);
		memset(&row, 0, sizeof(row));
	}

	if (!found)
		acc.outcome = TA_NOT_FOUND;
	else
	{
		acc.outcome = ta_request_check(&acc, &row, &vehicle_type);
		if (acc.outcome == TA_ACCEPTED || acc.outcome == TA_ALREADY_YOURS ||
			!row.settled)
		{
			if (!ta_row_fetch(&ta_request_row, acc.fn_oid, &acc.request_id,
							  true, &row))
			{
				/* gone (deleted, or its id changed) while this call waited */
				acc.outcome = TA_NOT_FOUND;
				acc.message = NULL;
			}
			else
			{
				acc.outcome = ta_request_check(&acc, &row, &vehicle_type);
				acc.have_request_tid = row.have_tid;
				acc.request_tid = row.tid;
			}
		}

		switch (acc.outcome)
		{
			case TA_ACCEPTED:
				/* open: steps 2 to 4 decide */
				ta_accept_locked_request(&acc, vehicle_type);
				break;
			case TA_ALREADY_YOURS:
				args[0] = UUIDPGetDatum(&acc.request_id);
				if (ta_exec(&ta_read_assignment, acc.fn_oid, args, NULL) == 1)
				{
					acc.has_assignment = true;
					acc.assignment_id = ta_col_uuid(1, &isnull);
					acc.trip_id = ta_col_uuid(2, &isnull);
				}
				ta_report_order(acc.fn_oid, &acc.order);
				break;
			case TA_NOT_FOUND:
				break;
			default:
				ta_report_order(acc.fn_oid, &acc.order);
				break;
		}
	}

	/* Messages built above live in SPI memory: copy before SPI_finish. */
	if (acc.message != NULL)
		acc.message = MemoryContextStrdup(callercxt, acc.message);

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	return ta_accept_result(fcinfo, &acc, false);
}

static Datum
ta_accept_1_0(FunctionCallInfo fcinfo)
{
	return ta_accept(fcinfo, false);
}

static Datum
ta_accept_1_1(FunctionCallInfo fcinfo)
{
	return ta_accept(fcinfo, true);
}

/* truck_accept 1.0's accept_truck_request() */
Datum
accept_truck_request(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, ta_accept_1_0);
}

/* truck_accept 1.1's accept_truck_request(): also appends an "accepted" event */
Datum
accept_truck_request_1_1(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, ta_accept_1_1);
}
