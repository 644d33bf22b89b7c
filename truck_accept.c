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
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
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
	" FROM ONLY %1$s.truck_requests r"
	" WHERE r.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF r",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_vehicle = {
	"SELECT v.transporter_id, v.vehicle_type, v.status"
	" FROM ONLY %1$s.vehicles v"
	" WHERE v.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF v",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_driver = {
	"SELECT d.transporter_id, d.status"
	" FROM ONLY %1$s.drivers d"
	" WHERE d.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF d",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_order = {
	"SELECT o.trucks_filled, o.trucks_needed, o.status"
	" FROM ONLY %1$s.orders o"
	" WHERE o.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF o",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

TaStatement ta_read_order = {
	"SELECT o.trucks_filled, o.trucks_needed, o.status"
	" FROM ONLY %1$s.orders o"
	" WHERE o.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_request = {
	"SELECT r.status, r.order_id, r.vehicle_type,"
	" r.assigned_transporter_id, r.expires_at"
	" FROM ONLY %1$s.truck_requests r"
	" WHERE r.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_vehicle = {
	"SELECT v.transporter_id, v.vehicle_type, v.status"
	" FROM ONLY %1$s.vehicles v"
	" WHERE v.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_driver = {
	"SELECT d.transporter_id, d.status"
	" FROM ONLY %1$s.drivers d"
	" WHERE d.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* The same reads, for ta_row_fetch(): the columns in the statements' order */
const TaRowSpec ta_request_row = {
	"truck_requests", 5,
	{"status", "order_id", "vehicle_type", "assigned_transporter_id", "expires_at"},
	&ta_read_request, &ta_lock_request
};

const TaRowSpec ta_vehicle_row = {
	"vehicles", 3, {"transporter_id", "vehicle_type", "status"},
	&ta_read_vehicle, &ta_lock_vehicle
};

const TaRowSpec ta_driver_row = {
	"drivers", 2, {"transporter_id", "status"},
	&ta_read_driver, &ta_lock_driver
};

const TaRowSpec ta_order_row = {
	"orders", 3, {"trucks_filled", "trucks_needed", "status"},
	&ta_read_order, &ta_lock_order
};

static TaStatement ta_read_assignment = {
	"SELECT a.id, a.trip_id"
	" FROM ONLY %1$s.assignments a"
	" WHERE a.truck_request_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active'",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* accept_any: this transporter's active assignment of the order with this vehicle */
static TaStatement ta_read_own_assignment = {
	"SELECT a.id, a.trip_id, a.truck_request_id"
	" FROM ONLY %1$s.assignments a"
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
	" UPDATE ONLY %1$s.truck_requests r" \
	" SET status = 'assigned', assigned_transporter_id = $2," \
	" assigned_vehicle_id = $3, assigned_driver_id = $4," \
	" assigned_at = pg_catalog.now(), updated_at = pg_catalog.now()" \
	" WHERE " REQ "r.id OPERATOR(pg_catalog.=) $1 RETURNING 1)," \
	" veh AS (" \
	" UPDATE ONLY %1$s.vehicles v" \
	" SET status = 'on_trip', updated_at = pg_catalog.now()" \
	" WHERE " VEH "v.id OPERATOR(pg_catalog.=) $3 RETURNING 1)," \
	" drv AS (" \
	" UPDATE ONLY %1$s.drivers d" \
	" SET status = 'on_trip', updated_at = pg_catalog.now()" \
	" WHERE " DRV "d.id OPERATOR(pg_catalog.=) $4 RETURNING 1)," \
	" ord AS (" \
	" UPDATE ONLY %1$s.orders o" \
	" SET trucks_filled = $6, status = $7, updated_at = pg_catalog.now()" \
	" WHERE " ORD "o.id OPERATOR(pg_catalog.=) $5 RETURNING 1)," \
	" ins AS (" \
	" INSERT INTO %1$s.assignments" \
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
	" INSERT INTO %1$s.events" \
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)" \
	" VALUES ('accepted', $5, $1, $8, $2, $10) RETURNING 1)"

/* how many rows the CTEs wrote: one aggregate over all of them */
#define TA_WRITES_COUNT(EV) \
	" SELECT pg_catalog.count(*)::pg_catalog.int4 FROM (" \
	"SELECT FROM req UNION ALL SELECT FROM veh UNION ALL SELECT FROM drv" \
	" UNION ALL SELECT FROM ord UNION ALL SELECT FROM ins" EV ") AS written"

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
		{TA_WRITES_BY_ID TA_WRITES_EVENT TA_WRITES_COUNT(" UNION ALL SELECT FROM ev"),
		10, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
		{TA_WRITES_BY_TID TA_WRITES_EVENT TA_WRITES_COUNT(" UNION ALL SELECT FROM ev"),
		14, TA_WRITES_ARGTYPES, SPI_OK_SELECT, 1},
	},
};

void		_PG_init(void);
static void ta_result_cache_reset(Datum arg, int cacheid, uint32 hashvalue);
static void ta_result_cache_reset_rel(Datum arg, Oid relid);

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
 * Run an entry point's body.  Checks the number of arguments the SQL
 * declaration passes, and keeps the re-entry depth (restored on error too).
 */
Datum
ta_call(FunctionCallInfo fcinfo, int nargs, Datum (*body) (FunctionCallInfo))
{
	Datum		result;

	if (PG_NARGS() != nargs)
		elog(ERROR, "function %u called with %d arguments, expected %d",
			 fcinfo->flinfo->fn_oid, PG_NARGS(), nargs);

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
	if (st->plan != NULL && ta_call_depth == 1 && !SPI_plan_is_valid(st->plan))
	{
		SPI_freeplan(st->plan);
		st->plan = NULL;
	}

	if (st->plan == NULL)
	{
		Oid			nspid = get_func_namespace(fn_oid);
		char	   *nspname = get_namespace_name(nspid);
		char	   *sql;
		SPIPlanPtr	plan;

		if (nspname == NULL)
			elog(ERROR, "cache lookup failed for namespace %u", nspid);
		sql = psprintf(st->sql, quote_identifier(nspname));

		plan = SPI_prepare(sql, st->nargs, st->argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		st->plan = plan;
	}

	return st->plan;
}

/*
 * Run a statement and return how many rows it produced.  Statements that
 * lock or write must not run read-only, so none does.
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
	if (st->max_rows > 0 && SPI_processed > (uint64) st->max_rows)
		elog(ERROR, "\"%s\" returned " UINT64_FORMAT " rows, expected at most %d",
			 st->sql, SPI_processed, st->max_rows);
	return SPI_processed;
}

/* Column "col" (1-based) of row "row" of the last statement's result. */
Datum
ta_row_col(uint64 row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
						 col, isnull);
}

/* Column "col" of the first row. */
Datum
ta_col(int col, bool *isnull)
{
	return ta_row_col(0, col, isnull);
}

pg_uuid_t
ta_col_uuid(int col, bool *isnull)
{
	pg_uuid_t	result;
	Datum		d = ta_col(col, isnull);

	if (*isnull)
		memset(&result, 0, sizeof(result));
	else
		result = *DatumGetUUIDP(d);
	return result;
}

int32
ta_col_int32(int col)
{
	bool		isnull;
	Datum		d = ta_col(col, &isnull);

	if (isnull)
		elog(ERROR, "unexpected null in column %d", col);
	return DatumGetInt32(d);
}

/* Copy a NOT NULL status column into buf. */
void
ta_col_status(int col, char *buf)
{
	bool		isnull;
	Datum		d = ta_col(col, &isnull);

	if (isnull)
		elog(ERROR, "unexpected null status in truck_accept table");
	text_to_cstring_buffer(DatumGetTextPP(d), buf, TA_STATUS_LEN);
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
		Datum		d = ta_col(i + 1, &row->nulls[i]);

		row->values[i] = row->nulls[i] ? (Datum) 0 :
			datumCopy(d, att->attbyval, att->attlen);
	}
	return true;
}

/*
 * May the current user read (and, with lock, lock) this table directly?
 * *may_lock: may it lock the table's rows (a plain read of a row that only
 * a lock would settle must not settle a call that could not take it).
 * Called with the table locked, so that a concurrent GRANT, REVOKE or
 * row-security change is seen as the executor would see it.
 */
static bool
ta_row_direct_ok(Oid relid, bool lock, bool *may_lock)
{
	Oid			userid = GetUserId();

	*may_lock = false;
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
 * The primary key index of rel if it is a btree on the one column id_attnum
 * (the uuid "id"), else InvalidOid.
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

		ok = idx->indnkeyatts == 1 && idx->indkey.values[0] == id_attnum;
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
	Oid			relid = get_relname_relid(spec->relname, get_func_namespace(fn_oid));
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
 * Read the row of spec's table whose id is *id into row; with lock, lock it
 * FOR NO KEY UPDATE first (see ROWS BY PRIMARY KEY above).  A row that an
 * earlier direct read of this call found (row->have_tid) is locked from that
 * version on, without a second index scan.  Returns false if there is no
 * such row.  Errors as a locking SELECT raises them (40001, 55P03, 57014,
 * 25006 in a read-only transaction, ...).
 */
bool
ta_row_fetch(const TaRowSpec *spec, Oid fn_oid, const pg_uuid_t *id,
			 bool lock, TaRow *row)
{
	Oid			relid;
	Relation	rel;
	TupleDesc	tupdesc;
	AttrNumber	attnums[TA_ROW_MAX_COLS];
	AttrNumber	id_attnum;
	Oid			indexoid = InvalidOid;
	Snapshot	snapshot;
	TupleTableSlot *slot;
	bool		found;
	bool		may_lock;
	int			i;

	if (lock)
		PreventCommandIfReadOnly("SELECT FOR NO KEY UPDATE");
	row->settled = false;
	row->modifier = InvalidTransactionId;

	relid = get_relname_relid(spec->relname, get_func_namespace(fn_oid));
	if (!OidIsValid(relid))
		return ta_row_fetch_spi(spec, fn_oid, id, lock, row);

	rel = table_open(relid, lock ? RowShareLock : AccessShareLock);
	if (!ta_row_direct_ok(relid, lock, &may_lock))
	{
		table_close(rel, NoLock);
		return ta_row_fetch_spi(spec, fn_oid, id, lock, row);
	}
	tupdesc = RelationGetDescr(rel);
	id_attnum = ta_attnum(tupdesc, "id");
	for (i = 0; i < spec->ncols; i++)
		attnums[i] = ta_attnum(tupdesc, spec->cols[i]);
	if (rel->rd_rel->relkind == RELKIND_RELATION && !(lock && row->have_tid))
		indexoid = ta_pkey_index(rel, id_attnum);
	for (i = 0; i < spec->ncols; i++)
		if (attnums[i] == InvalidAttrNumber)
			break;
	if (i < spec->ncols || rel->rd_rel->relkind != RELKIND_RELATION ||
		(!OidIsValid(indexoid) && !(lock && row->have_tid)))
	{
		table_close(rel, NoLock);
		return ta_row_fetch_spi(spec, fn_oid, id, lock, row);
	}

	/* A statement's snapshot, as SPI takes it for a statement that may write. */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();
	snapshot = GetActiveSnapshot();

	slot = table_slot_create(rel, NULL);
	if (lock && row->have_tid)
	{
		/* the version this call read: lock it (or its successor) below */
		found = true;
	}
	else
	{
		Relation	index = index_open(indexoid, AccessShareLock);
		IndexScanDesc scan;
		ScanKeyData key;

		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ,
					UUIDPGetDatum(id));
		scan = ta_index_beginscan(rel, index, snapshot, 1, 0);
		index_rescan(scan, &key, 1, NULL, 0);
		found = index_getnext_slot(scan, ForwardScanDirection, slot);
		if (found)
			row->tid = slot->tts_tid;
		if (found && !lock && may_lock && TTS_IS_BUFFERTUPLE(slot) &&
			rel->rd_rel->relam == HEAP_TABLE_AM_OID)
		{
			BufferHeapTupleTableSlot *bslot = (BufferHeapTupleTableSlot *) slot;

			HeapTupleHeader htup = bslot->base.tuple->t_data;
			TM_Result	state;

			LockBuffer(bslot->buffer, BUFFER_LOCK_SHARE);
			state = HeapTupleSatisfiesUpdate(bslot->base.tuple,
											 GetCurrentCommandId(false),
											 bslot->buffer);
			row->settled = state == TM_Ok;

			/*
			 * One other transaction that would make a lock FOR NO KEY UPDATE
			 * wait: an updater, or a locker in any mode but FOR KEY SHARE
			 * (which a foreign-key check of a row that references this one
			 * takes, and which does not conflict).
			 */
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
		index_endscan(scan);
		index_close(index, NoLock);
	}

	if (found && lock)
	{
		TupleTableSlot *locked = table_slot_create(rel, NULL);
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

					found = !isnull &&
						ta_uuid_eq(DatumGetUUIDP(d), id);
				}
				break;
			case TM_SelfModified:
				/* changed by a later command of this transaction: no row */
				found = false;
				break;
			case TM_Updated:
				if (IsolationUsesXactSnapshot())
					ereport(ERROR,
							(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
							 errmsg("could not serialize access due to concurrent update")));
				elog(ERROR, "unexpected table_tuple_lock status: %u", result);
				break;
			case TM_Deleted:
				if (IsolationUsesXactSnapshot())
					ereport(ERROR,
							(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
							 errmsg("could not serialize access due to concurrent update")));
				found = false;
				break;
			case TM_Invisible:
				elog(ERROR, "attempted to lock invisible tuple");
				break;
			default:
				elog(ERROR, "unrecognized table_tuple_lock status: %u", result);
				break;
		}
		ExecDropSingleTupleTableSlot(slot);
		slot = locked;
	}

	if (found)
	{
		for (i = 0; i < spec->ncols; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tupdesc, attnums[i] - 1);
			Datum		d = slot_getattr(slot, attnums[i], &row->nulls[i]);

			row->values[i] = row->nulls[i] ? (Datum) 0 :
				datumCopy(d, att->attbyval, att->attlen);
		}
		row->tid = slot->tts_tid;
		row->have_tid = true;
	}
	else
		row->have_tid = false;

	ExecDropSingleTupleTableSlot(slot);
	PopActiveSnapshot();
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
	if (row->nulls[0] || row->nulls[1] || row->nulls[2])
		elog(ERROR, "unexpected null in truck_accept.orders");
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
	int32		written;
	int32		expected;

	vehicle_found = ta_row_fetch(&ta_vehicle_row, fn_oid, &acc->vehicle_id,
								 true, &row);
	have_vehicle_tid = vehicle_found && row.have_tid;
	vehicle_tid = row.tid;
	if (vehicle_found)
	{
		if (row.nulls[0] || row.nulls[1] || row.nulls[2])
			elog(ERROR, "unexpected null in truck_accept.vehicles");
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
			if (row.nulls[0] || row.nulls[1])
				elog(ERROR, "unexpected null in truck_accept.drivers");
			driver_owner = *DatumGetUUIDP(row.values[0]);
			text_to_cstring_buffer(DatumGetTextPP(row.values[1]), driver_status,
								   TA_STATUS_LEN);
		}
	}

	memset(&row, 0, sizeof(row));
	if (!ta_row_fetch(&ta_order_row, fn_oid, &acc->order.id, true, &row))
		elog(ERROR, "order of truck request %s not found",
			 ta_uuid_text(&acc->request_id));
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
	written = ta_col_int32(1);
	expected = 4 + (acc->has_driver ? 1 : 0) + (acc->with_events ? 1 : 0);
	if (written != expected)
		elog(ERROR, "accepting truck request %s wrote %d rows, expected %d",
			 ta_uuid_text(&acc->request_id), written, expected);

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
}

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
	if (tupdesc->natts != natts)
		elog(ERROR, "return type has %d columns, expected %d",
			 tupdesc->natts, natts);

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

	if (row->nulls[0] || row->nulls[1] || row->nulls[2])
		elog(ERROR, "unexpected null in truck_accept.truck_requests");
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
