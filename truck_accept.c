/*-------------------------------------------------------------------------
 *
 * truck_accept.c
 *	  Hand a contested truck request to exactly one caller, atomically,
 *	  inside the caller's transaction.
 *
 * accept_truck_request(request_id, transporter_id, vehicle_id, driver_id)
 * validates and performs a whole acceptance through SPI under row locks, and
 * returns exactly one row whose "outcome" says what happened.
 *
 * OUTCOMES, checked in this order; the first that applies is returned:
 *	 1. not_found			  no such request
 *	 2. already_yours		  assigned to this same transporter: nothing changes,
 *							  the existing assignment is returned (a retry)
 *	 3. already_taken		  assigned to another transporter
 *	 4. request_closed		  request cancelled, expired or completed, or past
 *							  its expires_at (at the time of the check, once
 *							  the request is locked)
 *	 5. order_closed		  order cancelled, expired, completed or fully filled
 *	 6. vehicle_not_found	  7. vehicle_not_owned	8. vehicle_type_mismatch
 *	 9. vehicle_unavailable   (vehicle status is not "available")
 *	10. driver_not_found	 11. driver_not_owned	12. driver_unavailable
 *							  (only when a driver is given)
 *	13. accepted			  this call won: request assigned, one new active
 *							  assignment, order counter + 1, vehicle and driver
 *							  on_trip, a NOTIFY queued on channel truck_accept
 * A rejection writes nothing.  A malformed call (NULL request, transporter or
 * vehicle) is an ERROR with SQLSTATE 22004, not an outcome.
 *
 * LOCK ORDER.  Every row whose state is checked is locked FOR NO KEY UPDATE
 * (not FOR UPDATE, which would block foreign-key checks of other
 * transactions) before it is checked, always in this global order:
 *
 *		truck_requests -> vehicles -> drivers -> orders
 *
 * The hot order row is taken last, so that it is held for the shortest part
 * of the caller's transaction.  One
 * call locks at most one row of each table, so two calls can never wait for
 * each other in a cycle: the extension's own calls do not deadlock.  (Several
 * calls inside one caller transaction each follow the order, but together
 * they can deadlock like any other row locks.)  All writes come after all
 * checks have passed, in a single statement.
 *
 * ISOLATION.  Under READ COMMITTED each SPI statement takes a fresh
 * snapshot, and a locking read that had to wait returns the latest committed
 * version of the row.  So concurrent callers for one request queue on its
 * row lock; the first wins, the others wake up once its transaction ends and
 * see "assigned" (already_taken), or "searching" again if it rolled back
 * (and then one of them wins).  No serialization failures, no retries.
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
 * SPI.  Each statement is prepared once per backend, kept with
 * SPI_keepplan() and revalidated with SPI_plan_is_valid() before reuse.  Every
 * table is qualified with the extension's schema, found from the catalog,
 * and every operator is written OPERATOR(pg_catalog.=), so that nothing on
 * the caller's search_path can stand in for them.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

PG_MODULE_MAGIC;

/* Channel of the notification queued for every acceptance. */
#define TA_NOTIFY_CHANNEL "truck_accept"

/* Longest status value in any table, plus the terminator. */
#define TA_STATUS_LEN 32

/* GUC truck_accept.notify */
static bool ta_notify = true;

/*
 * Outcomes, in the order they are checked.  The names are the API.
 */
typedef enum TaOutcome
{
	TA_NOT_FOUND,
	TA_ALREADY_YOURS,
	TA_ALREADY_TAKEN,
	TA_REQUEST_CLOSED,
	TA_ORDER_CLOSED,
	TA_VEHICLE_NOT_FOUND,
	TA_VEHICLE_NOT_OWNED,
	TA_VEHICLE_TYPE_MISMATCH,
	TA_VEHICLE_UNAVAILABLE,
	TA_DRIVER_NOT_FOUND,
	TA_DRIVER_NOT_OWNED,
	TA_DRIVER_UNAVAILABLE,
	TA_ACCEPTED
} TaOutcome;

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

/*
 * The statements, each prepared once per backend.  %1$s is the extension's
 * schema, already quoted.
 */
typedef enum TaPlanId
{
	TA_PLAN_LOCK_REQUEST,
	TA_PLAN_LOCK_VEHICLE,
	TA_PLAN_LOCK_DRIVER,
	TA_PLAN_LOCK_ORDER,
	TA_PLAN_READ_ORDER,
	TA_PLAN_READ_ASSIGNMENT,
	TA_PLAN_ACCEPT,
	TA_NUM_PLANS
} TaPlanId;

typedef struct TaPlanDef
{
	const char *sql;
	int			nargs;
	Oid			argtypes[7];
	int			expected_rc;	/* SPI_OK_* that success returns */
} TaPlanDef;

static const TaPlanDef ta_plan_defs[TA_NUM_PLANS] = {
	[TA_PLAN_LOCK_REQUEST] = {
		"SELECT r.status, r.order_id, r.vehicle_type,"
		" r.assigned_transporter_id, r.expires_at"
		" FROM ONLY %1$s.truck_requests r"
		" WHERE r.id OPERATOR(pg_catalog.=) $1"
		" FOR NO KEY UPDATE OF r",
		1, {UUIDOID}, SPI_OK_SELECT
	},
	[TA_PLAN_LOCK_VEHICLE] = {
		"SELECT v.transporter_id, v.vehicle_type, v.status"
		" FROM ONLY %1$s.vehicles v"
		" WHERE v.id OPERATOR(pg_catalog.=) $1"
		" FOR NO KEY UPDATE OF v",
		1, {UUIDOID}, SPI_OK_SELECT
	},
	[TA_PLAN_LOCK_DRIVER] = {
		"SELECT d.transporter_id, d.status"
		" FROM ONLY %1$s.drivers d"
		" WHERE d.id OPERATOR(pg_catalog.=) $1"
		" FOR NO KEY UPDATE OF d",
		1, {UUIDOID}, SPI_OK_SELECT
	},
	[TA_PLAN_LOCK_ORDER] = {
		"SELECT o.trucks_filled, o.trucks_needed, o.status"
		" FROM ONLY %1$s.orders o"
		" WHERE o.id OPERATOR(pg_catalog.=) $1"
		" FOR NO KEY UPDATE OF o",
		1, {UUIDOID}, SPI_OK_SELECT
	},
	[TA_PLAN_READ_ORDER] = {
		"SELECT o.trucks_filled, o.trucks_needed, o.status"
		" FROM ONLY %1$s.orders o"
		" WHERE o.id OPERATOR(pg_catalog.=) $1",
		1, {UUIDOID}, SPI_OK_SELECT
	},
	[TA_PLAN_READ_ASSIGNMENT] = {
		"SELECT a.id, a.trip_id"
		" FROM ONLY %1$s.assignments a"
		" WHERE a.truck_request_id OPERATOR(pg_catalog.=) $1"
		" AND a.status OPERATOR(pg_catalog.=) 'active'",
		1, {UUIDOID}, SPI_OK_SELECT
	},

	/*
	 * All the writes of an acceptance, in one statement.  Every row it
	 * touches is already locked by this transaction, so it never waits.  $1
	 * request, $2 transporter, $3 vehicle, $4 driver (may be NULL: then no
	 * driver row matches), $5 order, $6 and $7 the order's new counter and
	 * status.  The third column counts the rows the updates touched, so that
	 * a row that an update could not see (row security, say) is an error
	 * rather than a half-done acceptance.
	 */
	[TA_PLAN_ACCEPT] = {
		"WITH req AS ("
		" UPDATE ONLY %1$s.truck_requests r"
		" SET status = 'assigned', assigned_transporter_id = $2,"
		" assigned_vehicle_id = $3, assigned_driver_id = $4,"
		" assigned_at = pg_catalog.now(), updated_at = pg_catalog.now()"
		" WHERE r.id OPERATOR(pg_catalog.=) $1 RETURNING 1),"
		" veh AS ("
		" UPDATE ONLY %1$s.vehicles v"
		" SET status = 'on_trip', updated_at = pg_catalog.now()"
		" WHERE v.id OPERATOR(pg_catalog.=) $3 RETURNING 1),"
		" drv AS ("
		" UPDATE ONLY %1$s.drivers d"
		" SET status = 'on_trip', updated_at = pg_catalog.now()"
		" WHERE d.id OPERATOR(pg_catalog.=) $4 RETURNING 1),"
		" ord AS ("
		" UPDATE ONLY %1$s.orders o"
		" SET trucks_filled = $6, status = $7, updated_at = pg_catalog.now()"
		" WHERE o.id OPERATOR(pg_catalog.=) $5 RETURNING 1)"
		" INSERT INTO %1$s.assignments"
		" (truck_request_id, order_id, transporter_id, vehicle_id, driver_id)"
		" VALUES ($1, $5, $2, $3, $4)"
		" RETURNING id, trip_id,"
		" (SELECT pg_catalog.count(*) FROM req)::int4"
		" OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM veh)::int4"
		" OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM drv)::int4"
		" OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM ord)::int4",
		7, {UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, INT4OID, TEXTOID},
		SPI_OK_INSERT_RETURNING
	},
};

/* Per-backend cache of the prepared statements. */
static SPIPlanPtr ta_plans[TA_NUM_PLANS];

/*
 * How many calls of accept_truck_request() are running in this backend: more
 * than one when a trigger on one of the tables calls it again.  A kept plan
 * may only be freed when no outer call is still executing it.
 */
static int	ta_call_depth = 0;

/* What the call learned about the order; reported whenever the request exists. */
typedef struct TaOrder
{
	bool		known;
	pg_uuid_t	id;
	int32		trucks_filled;
	int32		trucks_needed;
	char		status[TA_STATUS_LEN];
} TaOrder;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(accept_truck_request);

/*
 * Module load: define the GUCs.
 */
void
_PG_init(void)
{
	DefineCustomBoolVariable("truck_accept.notify",
							 "Queues a notification on channel \"truck_accept\" for every accepted truck request.",
							 "PostgreSQL delivers it when the transaction commits.  "
							 "Turn it off where NOTIFY cannot be used, such as "
							 "transactions that end with PREPARE TRANSACTION.",
							 &ta_notify,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("truck_accept");
#else
	EmitWarningsOnPlaceholders("truck_accept");
#endif
}

/*
 * Return the kept plan of a statement, preparing it first if this backend
 * has none or the one it has was invalidated.  (An invalidated plan that an
 * outer call may still be executing is left alone: SPI_execute_plan() then
 * revalidates it from its fully qualified text.)
 */
static SPIPlanPtr
ta_get_plan(TaPlanId id, Oid fn_oid)
{
	const TaPlanDef *def = &ta_plan_defs[id];
	SPIPlanPtr	plan = ta_plans[id];

	if (plan != NULL && ta_call_depth == 1 && !SPI_plan_is_valid(plan))
	{
		SPI_freeplan(plan);
		ta_plans[id] = plan = NULL;
	}

	if (plan == NULL)
	{
		Oid			nspid = get_func_namespace(fn_oid);
		char	   *nspname = get_namespace_name(nspid);
		char	   *sql;

		if (nspname == NULL)
			elog(ERROR, "cache lookup failed for namespace %u", nspid);
		sql = psprintf(def->sql, quote_identifier(nspname));

		plan = SPI_prepare(sql, def->nargs, (Oid *) def->argtypes);
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		ta_plans[id] = plan;
	}

	return plan;
}

/*
 * Run a statement and return how many rows it produced.  Statements that
 * lock or write must not run read-only, so none does.
 */
static uint64
ta_exec(TaPlanId id, Oid fn_oid, Datum *values, const char *nulls)
{
	SPIPlanPtr	plan = ta_get_plan(id, fn_oid);
	int			rc;

	rc = SPI_execute_plan(plan, values, nulls, false, 0);
	if (rc != ta_plan_defs[id].expected_rc)
		elog(ERROR, "SPI_execute_plan returned %s for truck_accept statement %d",
			 SPI_result_code_string(rc), (int) id);
	if (SPI_processed > 1)
		elog(ERROR, "truck_accept statement %d returned " UINT64_FORMAT " rows, expected at most one",
			 (int) id, SPI_processed);
	return SPI_processed;
}

/* Column "col" (1-based) of the single row the last statement returned. */
static Datum
ta_col(int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
						 col, isnull);
}

static pg_uuid_t
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

/* Copy a NOT NULL status column into buf. */
static void
ta_col_status(int col, char *buf)
{
	bool		isnull;
	Datum		d = ta_col(col, &isnull);

	if (isnull)
		elog(ERROR, "unexpected null status in truck_accept table");
	text_to_cstring_buffer(DatumGetTextPP(d), buf, TA_STATUS_LEN);
}

static bool
ta_uuid_eq(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN) == 0;
}

/* Read the order's counters into *order from the last statement's row. */
static void
ta_fetch_order(TaOrder *order)
{
	bool		isnull;

	order->known = true;
	order->trucks_filled = DatumGetInt32(ta_col(1, &isnull));
	order->trucks_needed = DatumGetInt32(ta_col(2, &isnull));
	ta_col_status(3, order->status);
}

/* Read, without locking, the order a rejected call reports. */
static void
ta_read_order(Oid fn_oid, TaOrder *order)
{
	Datum		values[1] = {UUIDPGetDatum(&order->id)};

	if (ta_exec(TA_PLAN_READ_ORDER, fn_oid, values, NULL) == 1)
		ta_fetch_order(order);
}

static bool
ta_order_is_closed(const TaOrder *order)
{
	return strcmp(order->status, "cancelled") == 0 ||
		strcmp(order->status, "expired") == 0 ||
		strcmp(order->status, "completed") == 0 ||
		strcmp(order->status, "fully_filled") == 0 ||
		order->trucks_filled >= order->trucks_needed;
}

static char *
ta_uuid_text(const pg_uuid_t *u)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(u)));
}

static void
ta_json_uuid(StringInfo buf, const char *key, const pg_uuid_t *u, bool isnull)
{
	appendStringInfo(buf, ",\"%s\":", key);
	if (isnull)
		appendStringInfoString(buf, "null");
	else
		appendStringInfo(buf, "\"%s\"", ta_uuid_text(u));
}

/*
 * Queue the "accepted" notification.  PostgreSQL sends it when (and only
 * if) the transaction commits.
 */
static void
ta_queue_notify(const pg_uuid_t *request_id, const TaOrder *order,
				const pg_uuid_t *assignment_id, const pg_uuid_t *trip_id,
				const pg_uuid_t *transporter_id, const pg_uuid_t *vehicle_id,
				const pg_uuid_t *driver_id, bool driver_isnull)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"event\":\"accepted\"");
	ta_json_uuid(&buf, "request_id", request_id, false);
	ta_json_uuid(&buf, "order_id", &order->id, false);
	ta_json_uuid(&buf, "assignment_id", assignment_id, false);
	ta_json_uuid(&buf, "trip_id", trip_id, false);
	ta_json_uuid(&buf, "transporter_id", transporter_id, false);
	ta_json_uuid(&buf, "vehicle_id", vehicle_id, false);
	ta_json_uuid(&buf, "driver_id", driver_id, driver_isnull);
	appendStringInfo(&buf, ",\"trucks_filled\":%d,\"trucks_needed\":%d,\"order_status\":",
					 order->trucks_filled, order->trucks_needed);
	escape_json(&buf, order->status);
	appendStringInfoChar(&buf, '}');

	Async_Notify(TA_NOTIFY_CHANNEL, buf.data);
	pfree(buf.data);
}

static Datum ta_accept(FunctionCallInfo fcinfo);

/*
 * accept_truck_request(request_id uuid, transporter_id uuid, vehicle_id uuid,
 *						driver_id uuid DEFAULT NULL)
 */
Datum
accept_truck_request(PG_FUNCTION_ARGS)
{
	Datum		result;

	if (PG_NARGS() != 4)
		elog(ERROR, "accept_truck_request() called with %d arguments, expected 4",
			 PG_NARGS());

	ta_call_depth++;
	PG_TRY();
	{
		result = ta_accept(fcinfo);
	}
	PG_FINALLY();
	{
		ta_call_depth--;
	}
	PG_END_TRY();

	return result;
}

/* The body of accept_truck_request(). */
static Datum
ta_accept(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	pg_uuid_t	request_id;
	pg_uuid_t	transporter_id;
	pg_uuid_t	vehicle_id;
	pg_uuid_t	driver_id;
	bool		has_driver = !PG_ARGISNULL(3);
	TaOutcome	outcome;
	TaOrder		order = {0};
	bool		has_assignment = false;
	pg_uuid_t	assignment_id = {{0}};
	pg_uuid_t	trip_id = {{0}};
	char	   *message = NULL;
	TupleDesc	tupdesc;
	Datum		result[9];
	bool		result_nulls[9] = {0};
	Datum		args[7];
	char		arg_nulls[7];
	bool		isnull;

	/* A malformed call is an error, not an outcome. */
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", "request_id")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", "transporter_id")));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("argument \"%s\" must not be null", "vehicle_id")));

	request_id = *PG_GETARG_UUID_P(0);
	transporter_id = *PG_GETARG_UUID_P(1);
	vehicle_id = *PG_GETARG_UUID_P(2);
	if (has_driver)
		driver_id = *PG_GETARG_UUID_P(3);
	else
		memset(&driver_id, 0, sizeof(driver_id));

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/*
	 * Step 1: lock the request, and settle everything that depends on the
	 * request alone.
	 */
	args[0] = UUIDPGetDatum(&request_id);
	if (ta_exec(TA_PLAN_LOCK_REQUEST, fn_oid, args, NULL) == 0)
		outcome = TA_NOT_FOUND;
	else
	{
		char		req_status[TA_STATUS_LEN];
		char	   *req_vehicle_type;
		pg_uuid_t	assigned_to;
		bool		assigned_isnull;
		Datum		expires_at;
		bool		expires_isnull;

		ta_col_status(1, req_status);
		order.id = ta_col_uuid(2, &isnull);
		req_vehicle_type = TextDatumGetCString(ta_col(3, &isnull));
		assigned_to = ta_col_uuid(4, &assigned_isnull);
		expires_at = ta_col(5, &expires_isnull);

		if (strcmp(req_status, "assigned") == 0)
		{
			if (!assigned_isnull && ta_uuid_eq(&assigned_to, &transporter_id))
			{
				outcome = TA_ALREADY_YOURS;
				if (ta_exec(TA_PLAN_READ_ASSIGNMENT, fn_oid, args, NULL) == 1)
				{
					has_assignment = true;
					assignment_id = ta_col_uuid(1, &isnull);
					trip_id = ta_col_uuid(2, &isnull);
				}
			}
			else
				outcome = TA_ALREADY_TAKEN;
			ta_read_order(fn_oid, &order);
		}
		else if (strcmp(req_status, "searching") != 0 ||
				 (!expires_isnull &&
				  DatumGetTimestampTz(expires_at) <= GetCurrentTimestamp()))
		{
			outcome = TA_REQUEST_CLOSED;
			if (strcmp(req_status, "searching") == 0 ||
				strcmp(req_status, "expired") == 0)
				message = "This request has expired";
			else if (strcmp(req_status, "cancelled") == 0)
				message = "This request has been cancelled";
			else
				message = "This request has been completed";
			ta_read_order(fn_oid, &order);
		}
		else
		{
			bool		vehicle_found;
			pg_uuid_t	vehicle_owner = {{0}};
			char		vehicle_status[TA_STATUS_LEN] = "";
			bool		vehicle_type_ok = false;
			bool		driver_found = false;
			pg_uuid_t	driver_owner = {{0}};
			char		driver_status[TA_STATUS_LEN] = "";

			/*
			 * Step 2: lock the vehicle, the driver and the order, in the
			 * global lock order, before checking any of them.
			 */
			args[0] = UUIDPGetDatum(&vehicle_id);
			vehicle_found = ta_exec(TA_PLAN_LOCK_VEHICLE, fn_oid, args, NULL) == 1;
			if (vehicle_found)
			{
				char	   *vehicle_type;

				vehicle_owner = ta_col_uuid(1, &isnull);
				vehicle_type = TextDatumGetCString(ta_col(2, &isnull));
				vehicle_type_ok = strcmp(vehicle_type, req_vehicle_type) == 0;
				ta_col_status(3, vehicle_status);
			}

			if (has_driver)
			{
				args[0] = UUIDPGetDatum(&driver_id);
				driver_found = ta_exec(TA_PLAN_LOCK_DRIVER, fn_oid, args, NULL) == 1;
				if (driver_found)
				{
					driver_owner = ta_col_uuid(1, &isnull);
					ta_col_status(2, driver_status);
				}
			}

			args[0] = UUIDPGetDatum(&order.id);
			if (ta_exec(TA_PLAN_LOCK_ORDER, fn_oid, args, NULL) != 1)
				elog(ERROR, "order of truck request %s not found",
					 ta_uuid_text(&request_id));
			ta_fetch_order(&order);

			/* Step 3: the checks, in the documented order. */
			if (ta_order_is_closed(&order))
				outcome = TA_ORDER_CLOSED;
			else if (!vehicle_found)
				outcome = TA_VEHICLE_NOT_FOUND;
			else if (!ta_uuid_eq(&vehicle_owner, &transporter_id))
				outcome = TA_VEHICLE_NOT_OWNED;
			else if (!vehicle_type_ok)
			{
				outcome = TA_VEHICLE_TYPE_MISMATCH;
				message = psprintf("This request needs a vehicle of type %s",
								   req_vehicle_type);
			}
			else if (strcmp(vehicle_status, "available") != 0)
			{
				outcome = TA_VEHICLE_UNAVAILABLE;
				message = psprintf("This vehicle is not available (%s)",
								   vehicle_status);
			}
			else if (has_driver && !driver_found)
				outcome = TA_DRIVER_NOT_FOUND;
			else if (has_driver && !ta_uuid_eq(&driver_owner, &transporter_id))
				outcome = TA_DRIVER_NOT_OWNED;
			else if (has_driver && strcmp(driver_status, "available") != 0)
			{
				outcome = TA_DRIVER_UNAVAILABLE;
				message = psprintf("This driver is not available (%s)",
								   driver_status);
			}
			else
			{
				/* Step 4: every check passed; write it all at once. */
				int32		new_filled = order.trucks_filled + 1;
				const char *new_status;

				new_status = new_filled >= order.trucks_needed ?
					"fully_filled" : "partially_filled";

				args[0] = UUIDPGetDatum(&request_id);
				args[1] = UUIDPGetDatum(&transporter_id);
				args[2] = UUIDPGetDatum(&vehicle_id);
				args[3] = UUIDPGetDatum(&driver_id);
				args[4] = UUIDPGetDatum(&order.id);
				args[5] = Int32GetDatum(new_filled);
				args[6] = CStringGetTextDatum(new_status);
				memset(arg_nulls, ' ', sizeof(arg_nulls));
				if (!has_driver)
					arg_nulls[3] = 'n';

				if (ta_exec(TA_PLAN_ACCEPT, fn_oid, args, arg_nulls) != 1)
					elog(ERROR, "accepting truck request %s inserted no assignment",
						 ta_uuid_text(&request_id));
				if (DatumGetInt32(ta_col(3, &isnull)) != (has_driver ? 4 : 3))
					elog(ERROR, "accepting truck request %s updated %d rows, expected %d",
						 ta_uuid_text(&request_id),
						 DatumGetInt32(ta_col(3, &isnull)), has_driver ? 4 : 3);
				outcome = TA_ACCEPTED;
				has_assignment = true;
				assignment_id = ta_col_uuid(1, &isnull);
				trip_id = ta_col_uuid(2, &isnull);
				order.trucks_filled = new_filled;
				strlcpy(order.status, new_status, TA_STATUS_LEN);

				if (ta_notify)
					ta_queue_notify(&request_id, &order, &assignment_id,
									&trip_id, &transporter_id, &vehicle_id,
									&driver_id, !has_driver);
			}
		}
	}

	/* Messages built above live in SPI memory: copy before SPI_finish. */
	if (message != NULL)
		message = MemoryContextStrdup(callercxt, message);

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	if (message == NULL)
	{
		switch (outcome)
		{
			case TA_NOT_FOUND:
				message = "No such truck request";
				break;
			case TA_ALREADY_YOURS:
				message = "You have already accepted this request";
				break;
			case TA_ALREADY_TAKEN:
				message = "This request is no longer available";
				break;
			case TA_ORDER_CLOSED:
				message = "This order needs no more trucks";
				break;
			case TA_VEHICLE_NOT_FOUND:
				message = "No such vehicle";
				break;
			case TA_VEHICLE_NOT_OWNED:
				message = "This vehicle belongs to another transporter";
				break;
			case TA_DRIVER_NOT_FOUND:
				message = "No such driver";
				break;
			case TA_DRIVER_NOT_OWNED:
				message = "This driver works for another transporter";
				break;
			case TA_ACCEPTED:
				message = "Truck request accepted";
				break;
			default:
				elog(ERROR, "no message for truck_accept outcome %d",
					 (int) outcome);
		}
	}

	result[0] = CStringGetTextDatum(ta_outcome_names[outcome]);
	result[1] = BoolGetDatum(outcome == TA_ACCEPTED ||
							 outcome == TA_ALREADY_YOURS);
	if (has_assignment)
	{
		pg_uuid_t  *a = palloc(sizeof(pg_uuid_t));
		pg_uuid_t  *t = palloc(sizeof(pg_uuid_t));

		*a = assignment_id;
		*t = trip_id;
		result[2] = UUIDPGetDatum(a);
		result[3] = UUIDPGetDatum(t);
	}
	else
		result_nulls[2] = result_nulls[3] = true;

	if (outcome != TA_NOT_FOUND)
	{
		pg_uuid_t  *o = palloc(sizeof(pg_uuid_t));

		*o = order.id;
		result[4] = UUIDPGetDatum(o);
	}
	else
		result_nulls[4] = true;

	if (order.known)
	{
		result[5] = Int32GetDatum(order.trucks_filled);
		result[6] = Int32GetDatum(order.trucks_needed);
		result[7] = CStringGetTextDatum(order.status);
	}
	else
		result_nulls[5] = result_nulls[6] = result_nulls[7] = true;

	result[8] = CStringGetTextDatum(message);

	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, result,
													  result_nulls)));
}
