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
 * BY PRIMARY KEY in rows.c) and does all its writes in one SQL statement
 * through SPI.
 *
 * FILES.  This file holds the module's start (GUCs, invalidation
 * callbacks), ta_call() that runs every entry point, accept's entry points,
 * and the core of an acceptance that accept_any shares (steps 2 to 4 and
 * the result row).  The rest, one concern a file, under the same lock order
 * and contract:
 *	 catalog.c		which tables the functions work on ({kind} in statements)
 *	 statements.c	the per-backend statement cache and SPI helpers, COLUMN
 *					TYPES, and the checks of what a write statement wrote
 *	 rows.c			ROWS BY PRIMARY KEY: reading and locking one row directly
 *	 orders.c		an order's counter and status
 *	 ids.c			comparing, printing, taking and making ids (uuid or text)
 *	 events.c		event payloads (JSON), NOTIFY, and take_events
 *	 lifecycle.c	release, cancel_order, expire, complete
 *	 accept_any.c	accept_any_truck_request
 *	 truck_accept.h	what they share
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
 * after any relation changed, see COLUMN TYPES in statements.c, and again
 * where it is read), a NULL where a value is needed (23502), a row a write
 * statement had to change but did not, because a BEFORE trigger returned
 * NULL (27000) or row security hid it (42501; ta_check_writes), an order a
 * role may read but not lock (42501), two rows with one id (21000).
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
 * SQL statements (statements.c).  Each statement is prepared once per
 * backend, kept with SPI_keepplan() and revalidated with SPI_plan_is_valid()
 * before reuse (an invalidated plan is only replaced when no outer call,
 * re-entered from a trigger, may still be executing it).  Every table is
 * named by the schema-qualified name of the table recorded for it (a
 * statement says {orders}; catalog.c), and every operator is written
 * OPERATOR(pg_catalog.=), so that nothing on the caller's search_path can
 * stand in for them.
 *
 * THE TABLES are the application's from 2.0 on: ordinary tables, recorded
 * in the catalog truck_accept.bound_tables by create_tables() or by the
 * update from 1.1 (catalog.c).  Every call resolves them first (ta_call),
 * from a per-backend cache that any change of the catalog or DDL on a
 * recorded table invalidates.
 *
 * VERSIONS.  The SQL function of each extension version points at its own C
 * symbol (accept_truck_request for 1.0, accept_truck_request_1_1 from 1.1 on,
 * which also writes the event), so a new library serves an extension that
 * has not run ALTER EXTENSION UPDATE yet; without a catalog (1.0, 1.1) the
 * tables are the extension's own, found by name in its schema.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
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

bool		ta_notify = true;
int			ta_notify_payload_mode = TA_NOTIFY_PAYLOAD_NONE;

static const struct config_enum_entry ta_notify_payload_options[] = {
	{"none", TA_NOTIFY_PAYLOAD_NONE, false},
	{"full", TA_NOTIFY_PAYLOAD_FULL, false},
	{NULL, 0, false}
};

/*
 * How many calls of the extension's functions are running in this backend:
 * more than one when a trigger on one of the tables calls one again.  A kept
 * plan may only be freed when no outer call is still executing it.
 */
int			ta_call_depth = 0;

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

/* The statements of an acceptance (the rows it checks are read in rows.c). */
static TaStatement ta_read_assignment = {
	"SELECT {a.id}, {a.trip_id}"
	" FROM ONLY {assignments} a"
	" WHERE {a.truck_request_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'}",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/* accept_any: this transporter's active assignment of the order with this vehicle */
static TaStatement ta_read_own_assignment = {
	"SELECT {a.id}, {a.trip_id}, {a.truck_request_id}"
	" FROM ONLY {assignments} a"
	" WHERE {a.vehicle_id} OPERATOR(pg_catalog.=) $3"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'}"
	" AND {a.order_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.transporter_id} OPERATOR(pg_catalog.=) $2",
	3, {TA_ID, TA_ID, TA_ID}, SPI_OK_SELECT, 1
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
	" SET {r:status} = {r:'assigned'}, {r:assigned_transporter_id} = $2," \
	" {r:assigned_vehicle_id} = $3, {r:assigned_driver_id} = $4," \
	" {r:assigned_at=now}{r:touch}" \
	" WHERE " REQ "{r.id} OPERATOR(pg_catalog.=) $1 RETURNING 1)," \
	" veh AS (" \
	" UPDATE ONLY {vehicles} v" \
	" SET {v:status} = {v:'on_trip'}{v:touch}" \
	" WHERE " VEH "{v.id} OPERATOR(pg_catalog.=) $3 RETURNING 1)," \
	" drv AS (" \
	" UPDATE ONLY {drivers} d" \
	" SET {d:status} = {d:'on_trip'}{d:touch}" \
	" WHERE " DRV "{d.id} OPERATOR(pg_catalog.=) $4 RETURNING 1)," \
	" ord AS (" \
	" UPDATE ONLY {orders} o" \
	" SET {o:trucks_filled} = $6, {o:status} = $7{o:touch}" \
	" WHERE " ORD "{o.id} OPERATOR(pg_catalog.=) $5 RETURNING 1)," \
	" ins AS (" \
	" INSERT INTO {assignments}" \
	" ({a:id}, {a:trip_id}, {a:truck_request_id}, {a:order_id}, {a:transporter_id}," \
	" {a:vehicle_id}, {a:driver_id}, {a:status}{a:touch_cols})" \
	" VALUES ($8, $9, $1, $5, $2, $3, $4, {a:'active'}{a:touch_vals}) RETURNING 1)"

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
	{TA_ID, TA_ID, TA_ID, TA_ID, TA_ID, INT4OID, TA_ORDER_STATUS_PARAM, \
	TA_ID, TA_TRIP_ID, JSONBOID, TIDOID, TIDOID, TIDOID, TIDOID}

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

PG_FUNCTION_INFO_V1(accept_truck_request);
PG_FUNCTION_INFO_V1(accept_truck_request_1_1);
PG_FUNCTION_INFO_V1(accept_truck_request_text);

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

	/*
	 * PostgreSQL has no privilege on LISTEN or NOTIFY: any role that can
	 * connect may listen on the channel, and send on it.  So by default a
	 * notification is only a wake-up call, with an empty payload, and the
	 * events table (which only granted roles read) is the record.  Only a
	 * superuser may restore the full payload, for clusters where every
	 * LOGIN role is trusted.
	 */
	DefineCustomEnumVariable("truck_accept.notify_payload",
							 "What a notification on channel \"truck_accept\" carries.",
							 "\"none\" (the default): an empty payload, a wake-up call to read "
							 "take_events(); \"full\": the event's JSON, which every role "
							 "that can connect can LISTEN to.",
							 &ta_notify_payload_mode,
							 TA_NOTIFY_PAYLOAD_NONE,
							 ta_notify_payload_options,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);

	CacheRegisterSyscacheCallback(PROCOID, ta_result_cache_reset, (Datum) 0);
	/* accept_any's result is a composite type: ALTER TYPE changes its relation */
	CacheRegisterRelcacheCallback(ta_result_cache_reset_rel, (Datum) 0);
	/* a schema renamed changes the recorded tables' names (catalog.c) */
	CacheRegisterSyscacheCallback(NAMESPACEOID, ta_tables_invalidate_nsp, (Datum) 0);
	/* an enum value renamed changes a binding's statuses (catalog.c) */
	CacheRegisterSyscacheCallback(ENUMOID, ta_tables_invalidate_nsp, (Datum) 0);

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("truck_accept");
#else
	EmitWarningsOnPlaceholders("truck_accept");
#endif
}

/* The API of the running call: see TaApi. */
TaApi		ta_api = TA_API_NONE;

/* The ids' and trip ids' types when the running call began (ta_exec). */
Oid			ta_call_id_types[2] = {UUIDOID, UUIDOID};

/*
 * Run an entry point's body.  Checks the number of arguments the SQL
 * declaration passes, the column types (COLUMN TYPES, statements.c), that
 * a function of the uuid API does not meet text ids, and keeps the re-entry
 * depth and the API of the call (both restored on error too).
 */
Datum
ta_call(FunctionCallInfo fcinfo, int nargs, Datum (*body) (FunctionCallInfo),
		TaApi api)
{
	Datum		result;
	TaApi		outer_api = ta_api;
	Oid			outer_id_types[2] = {ta_call_id_types[0], ta_call_id_types[1]};

	if (PG_NARGS() != nargs)
		elog(ERROR, "function %u called with %d arguments, expected %d",
			 fcinfo->flinfo->fn_oid, PG_NARGS(), nargs);

	ta_tables_resolve(fcinfo->flinfo->fn_oid, api == TA_API_TEXT);
	if (!ta_columns_checked)
		ta_check_columns();
	if (api == TA_API_UUID && ta_id_type(false) != UUIDOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("function %s takes and returns uuid ids, but the ids of truck_accept's tables are text",
						format_procedure(fcinfo->flinfo->fn_oid)),
				 errhint("Call the function of the same name in schema truck_accept_text.")));

	ta_call_depth++;
	ta_api = api;
	ta_call_id_types[0] = ta_id_type(false);
	ta_call_id_types[1] = ta_id_type(true);
	PG_TRY();
	{
		result = body(fcinfo);
	}
	PG_FINALLY();
	{
		ta_call_depth--;
		ta_api = outer_api;
		ta_call_id_types[0] = outer_id_types[0];
		ta_call_id_types[1] = outer_id_types[1];
	}
	PG_END_TRY();

	return result;
}

/*
 * A function of the uuid API that returns trip ids (accept, accept_any)
 * cannot return a text trip id: an error, where the trip ids are text.
 */
void
ta_require_uuid_trips(FunctionCallInfo fcinfo)
{
	if (ta_api == TA_API_UUID && ta_id_type(true) != UUIDOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("function %s returns uuid trip ids, but the trip ids of relation \"%s\" are text",
						format_procedure(fcinfo->flinfo->fn_oid),
						ta_relation_name(ta_table_relid("assignments"))),
				 errhint("Call the function of the same name in schema truck_accept_text.")));
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

	args[0] = ta_id_arg(&acc->order.id);
	args[1] = ta_id_arg(&acc->transporter_id);
	args[2] = ta_id_arg(&acc->vehicle_id);
	if (ta_exec(&ta_read_own_assignment, acc->fn_oid, args, NULL) == 0)
		return false;

	acc->outcome = TA_ALREADY_YOURS;
	acc->has_assignment = true;
	acc->assignment_id = ta_col_id(1, false, &isnull);
	acc->trip_id = ta_col_id(2, true, &isnull);
	acc->request_id = ta_col_id(3, false, &isnull);
	acc->has_request = true;
	ta_report_order(acc->fn_oid, &acc->order);
	return true;
}

/*
 * What step 2 of an acceptance found under its locks: the vehicle, the
 * driver (when one is given), and where the locked versions of them and of
 * the order are, as the direct reads found them (for TA_WRITES_BY_TID).
 */
typedef struct TaLockedRows
{
	bool		vehicle_found;
	bool		vehicle_owned;	/* by the caller's transporter */
	bool		vehicle_type_ok;
	char		vehicle_status[TA_STATUS_LEN];
	bool		have_vehicle_tid;
	ItemPointerData vehicle_tid;
	bool		driver_found;
	bool		driver_owned;
	char		driver_status[TA_STATUS_LEN];
	bool		have_driver_tid;
	ItemPointerData driver_tid;
	bool		have_order_tid;
	ItemPointerData order_tid;
} TaLockedRows;

/*
 * Step 2 of an acceptance: lock the vehicle, the driver (if one is given)
 * and the order, in the global lock order, and keep what the checks need in
 * *locked and acc->order.  An order that cannot be locked is an error (see
 * ta_order_lock_failed).
 */
static void
ta_accept_lock_rows(TaAccept *acc, const char *vehicle_type,
					TaLockedRows *locked)
{
	Oid			fn_oid = acc->fn_oid;
	TaRow		row = {0};

	locked->vehicle_found = ta_row_fetch(&ta_vehicle_row, fn_oid,
										 &acc->vehicle_id, true, &row);
	locked->have_vehicle_tid = locked->vehicle_found && row.have_tid;
	locked->vehicle_tid = row.tid;
	if (locked->vehicle_found)
	{
		locked->vehicle_owned = ta_id_matches(row.values[0], ta_id_type(false),
											  &acc->transporter_id);
		locked->vehicle_type_ok = strcmp(TextDatumGetCString(row.values[1]),
										 vehicle_type) == 0;
		text_to_cstring_buffer(DatumGetTextPP(row.values[2]),
							   locked->vehicle_status, TA_STATUS_LEN);
	}

	if (acc->has_driver)
	{
		memset(&row, 0, sizeof(row));
		locked->driver_found = ta_row_fetch(&ta_driver_row, fn_oid,
											&acc->driver_id, true, &row);
		locked->have_driver_tid = locked->driver_found && row.have_tid;
		locked->driver_tid = row.tid;
		if (locked->driver_found)
		{
			locked->driver_owned = ta_id_matches(row.values[0], ta_id_type(false),
												 &acc->transporter_id);
			text_to_cstring_buffer(DatumGetTextPP(row.values[1]),
								   locked->driver_status, TA_STATUS_LEN);
		}
	}

	memset(&row, 0, sizeof(row));
	if (!ta_row_fetch(&ta_order_row, fn_oid, &acc->order.id, true, &row))
		ta_order_lock_failed(fn_oid, &acc->order.id, "truck request",
							 &acc->request_id, true);
	locked->have_order_tid = row.have_tid;
	locked->order_tid = row.tid;
	ta_order_from_row(&acc->order, &row);
}

/*
 * Step 3 of an acceptance: the checks of the locked rows, in the documented
 * order.  Returns true if all passed; else sets acc->outcome (and message),
 * which for accept_any may be already_yours (a retry of a call that won).
 */
static bool
ta_accept_checks_pass(TaAccept *acc, const char *vehicle_type,
					  const TaLockedRows *locked)
{
	if (ta_order_is_closed(&acc->order))
	{
		if (!(acc->any_request && ta_find_own_assignment(acc)))
			acc->outcome = TA_ORDER_CLOSED;
		return false;
	}
	if (!locked->vehicle_found)
	{
		acc->outcome = TA_VEHICLE_NOT_FOUND;
		return false;
	}
	if (!locked->vehicle_owned)
	{
		acc->outcome = TA_VEHICLE_NOT_OWNED;
		return false;
	}
	if (!locked->vehicle_type_ok)
	{
		acc->outcome = TA_VEHICLE_TYPE_MISMATCH;
		acc->message = psprintf("This request needs a vehicle of type %s",
								vehicle_type);
		return false;
	}
	if (strcmp(locked->vehicle_status, "available") != 0)
	{
		/* accept_any: a busy vehicle may be this very call's earlier win */
		if (acc->any_request && ta_find_own_assignment(acc))
			return false;
		acc->outcome = TA_VEHICLE_UNAVAILABLE;
		acc->message = psprintf("This vehicle is not available (%s)",
								ta_status_shown(locked->vehicle_status));
		return false;
	}
	if (acc->has_driver && !locked->driver_found)
	{
		acc->outcome = TA_DRIVER_NOT_FOUND;
		return false;
	}
	if (acc->has_driver && !locked->driver_owned)
	{
		acc->outcome = TA_DRIVER_NOT_OWNED;
		return false;
	}
	if (acc->has_driver && strcmp(locked->driver_status, "available") != 0)
	{
		acc->outcome = TA_DRIVER_UNAVAILABLE;
		acc->message = psprintf("This driver is not available (%s)",
								ta_status_shown(locked->driver_status));
		return false;
	}
	return true;
}

/*
 * Step 4 of an acceptance, once every check passed: the new assignment's
 * ids and the order's new counter and status, then all the writes in one
 * statement (by tid when every row was locked directly), checked, and the
 * NOTIFY.
 */
static void
ta_accept_write(TaAccept *acc, const TaLockedRows *locked)
{
	Oid			fn_oid = acc->fn_oid;
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	bool		by_tid;
	int32		new_filled;
	const char *new_status;
	char	   *payload;
	bool		isnull;

	new_filled = acc->order.trucks_filled + 1;
	new_status = ta_open_order_status(new_filled, acc->order.trucks_needed);
	ta_new_id(&acc->assignment_id, false);
	ta_new_id(&acc->trip_id, true);
	acc->order.trucks_filled = new_filled;
	strlcpy(acc->order.status, new_status, TA_STATUS_LEN);
	payload = ta_accepted_payload(acc);

	args[0] = ta_id_arg(&acc->request_id);
	args[1] = ta_id_arg(&acc->transporter_id);
	args[2] = ta_id_arg(&acc->vehicle_id);
	args[3] = ta_id_arg(&acc->driver_id);
	args[4] = ta_id_arg(&acc->order.id);
	args[5] = Int32GetDatum(new_filled);
	/* an open order's status is always one the binding knows */
	args[6] = ta_status_param("orders", new_status, &isnull);
	args[7] = ta_id_arg(&acc->assignment_id);
	args[8] = ta_id_arg(&acc->trip_id);
	/* 1.0 appends no event: $10 is then unused */
	args[9] = acc->with_events ? JsonbPGetDatum(ta_accepted_jsonb(acc)) :
		(Datum) 0;
	memset(arg_nulls, ' ', sizeof(arg_nulls));
	if (!acc->has_driver)
		arg_nulls[3] = 'n';
	if (!acc->with_events)
		arg_nulls[9] = 'n';

	args[10] = PointerGetDatum(&acc->request_tid);
	args[11] = PointerGetDatum(&locked->vehicle_tid);
	args[12] = PointerGetDatum(&locked->driver_tid);
	args[13] = PointerGetDatum(&locked->order_tid);
	if (!acc->has_driver)
		arg_nulls[12] = 'n';
	by_tid = acc->have_request_tid && locked->have_vehicle_tid &&
		locked->have_order_tid &&
		(locked->have_driver_tid || !acc->has_driver);

	if (ta_exec(&ta_accept_writes[acc->with_events ? 1 : 0][by_tid ? 1 : 0],
				fn_oid, args, arg_nulls) != 1)
		elog(ERROR, "accepting truck request %s returned no row",
			 ta_id_text(&acc->request_id));
	ta_check_writes("accepting truck request", &acc->request_id, fn_oid,
					ta_accept_tables,
					1 | 2 | (acc->has_driver ? 4 : 0) | 8 | 16 |
					(acc->with_events ? 32 : 0));

	acc->outcome = TA_ACCEPTED;
	acc->has_assignment = true;
	ta_notify_payload(payload);
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
	TaLockedRows locked = {0};

	ta_accept_lock_rows(acc, vehicle_type, &locked);
	if (ta_accept_checks_pass(acc, vehicle_type, &locked))
		ta_accept_write(acc, &locked);
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

/* accept's result row (accept_any's adds the request's id) */
static const Oid ta_result_types[10] = {TEXTOID, BOOLOID, TA_ID, TA_ID,
TA_ID, INT4OID, INT4OID, TEXTOID, TEXTOID, TA_ID};

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
		values[2] = ta_id_result(&acc->assignment_id, &nulls[2]);
		values[3] = ta_id_result(&acc->trip_id, &nulls[3]);
	}
	else
		nulls[2] = nulls[3] = true;

	if (acc->order.known || acc->outcome != TA_NOT_FOUND)
		values[4] = ta_id_result(&acc->order.id, &nulls[4]);
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
			values[9] = ta_id_result(&acc->request_id, &nulls[9]);
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
	acc->order.id = ta_id_from(row->values[1], ta_id_type(false));
	*vehicle_type = TextDatumGetCString(row->values[2]);
	acc->message = NULL;

	if (strcmp(status, "assigned") == 0)
	{
		if (!row->nulls[3] &&
			ta_id_matches(row->values[3], ta_id_type(false), &acc->transporter_id))
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
 * Step 1 of accept, its plain read: read the request without a lock and,
 * under READ COMMITTED, while one other transaction is changing it or holds
 * it, wait for that transaction to end and read it again (up to
 * TA_MAX_WAITS times).  Returns false if there is no such request.
 */
static bool
ta_accept_read_request(TaAccept *acc, TaRow *row)
{
	bool		found;
	int			waits;

	for (waits = 0;; waits++)
	{
		found = ta_row_fetch(&ta_request_row, acc->fn_oid, &acc->request_id,
							 false, row);
		if (!found || row->settled || !TransactionIdIsValid(row->modifier) ||
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
		ta_row_wait(&ta_request_row, acc->fn_oid, row);
		memset(row, 0, sizeof(*row));
	}
	return found;
}

/*
 * The rest of step 1, for a request the plain read found (row): the outcome
 * its version settles; unless that is a rejection from a settled version,
 * lock the request and decide again from the locked version.
 */
static void
ta_accept_check_request(TaAccept *acc, TaRow *row, char **vehicle_type)
{
	acc->outcome = ta_request_check(acc, row, vehicle_type);
	if (acc->outcome == TA_ACCEPTED || acc->outcome == TA_ALREADY_YOURS ||
		!row->settled)
	{
		if (!ta_row_fetch(&ta_request_row, acc->fn_oid, &acc->request_id,
						  true, row))
		{
			/* gone (deleted, or its id changed) while this call waited */
			acc->outcome = TA_NOT_FOUND;
			acc->message = NULL;
		}
		else
		{
			acc->outcome = ta_request_check(acc, row, vehicle_type);
			acc->have_request_tid = row->have_tid;
			acc->request_tid = row->tid;
		}
	}
}

/*
 * What follows step 1 for a request that exists: an open one goes on to
 * steps 2 to 4; already_yours reports the existing assignment and the order;
 * any other rejection reports the order, read without a lock.
 */
static void
ta_accept_answer(TaAccept *acc, const char *vehicle_type)
{
	Datum		args[1];
	bool		isnull;

	switch (acc->outcome)
	{
		case TA_ACCEPTED:
			/* open: steps 2 to 4 decide */
			ta_accept_locked_request(acc, vehicle_type);
			break;
		case TA_ALREADY_YOURS:
			args[0] = ta_id_arg(&acc->request_id);
			if (ta_exec(&ta_read_assignment, acc->fn_oid, args, NULL) == 1)
			{
				acc->has_assignment = true;
				acc->assignment_id = ta_col_id(1, false, &isnull);
				acc->trip_id = ta_col_id(2, true, &isnull);
			}
			ta_report_order(acc->fn_oid, &acc->order);
			break;
		case TA_NOT_FOUND:
			break;
		default:
			ta_report_order(acc->fn_oid, &acc->order);
			break;
	}
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
	char	   *vehicle_type = NULL;

	ta_require_uuid_trips(fcinfo);
	/* A malformed call is an error, not an outcome. */
	ta_require_arg(fcinfo, 0, "request_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	ta_require_arg(fcinfo, 2, "vehicle_id");

	acc.fn_oid = fcinfo->flinfo->fn_oid;
	acc.with_events = with_events;
	ta_arg_id(fcinfo, 0, &acc.request_id);
	ta_arg_id(fcinfo, 1, &acc.transporter_id);
	ta_arg_id(fcinfo, 2, &acc.vehicle_id);
	acc.has_driver = !PG_ARGISNULL(3);
	if (acc.has_driver)
		ta_arg_id(fcinfo, 3, &acc.driver_id);

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
	if (!ta_accept_read_request(&acc, &row))
		acc.outcome = TA_NOT_FOUND;
	else
	{
		ta_accept_check_request(&acc, &row, &vehicle_type);
		ta_accept_answer(&acc, vehicle_type);
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
	return ta_call(fcinfo, 4, ta_accept_1_0, TA_API_UUID);
}

/* truck_accept 1.1's accept_truck_request(): also appends an "accepted" event */
Datum
accept_truck_request_1_1(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, ta_accept_1_1, TA_API_UUID);
}

/* truck_accept_text.accept_truck_request(), 2.2 on: the same, with text ids */
Datum
accept_truck_request_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, ta_accept_1_1, TA_API_TEXT);
}
