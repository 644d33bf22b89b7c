/*-------------------------------------------------------------------------
 *
 * lifecycle.c
 *	  The rest of a truck slot's life (truck_accept 1.1): release, cancel,
 *	  expire, complete, accept-any, and handing out the events.
 *
 * Every function here follows accept's contract (see truck_accept.c): it
 * locks every row whose state it checks before checking it, FOR NO KEY
 * UPDATE, in the one global order
 *
 *		truck_requests -> vehicles -> drivers -> orders
 *
 * taking several rows of one table sorted by id; it returns one row whose
 * "outcome" says what happened, writes nothing on a rejection, raises only
 * for a malformed call (NULL arguments: SQLSTATE 22004), and appends one
 * row per state change to truck_accept.events in the same transaction (and
 * queues a NOTIFY on channel truck_accept when truck_accept.notify is on).
 *
 *	release_truck_request	released | not_found | not_assigned | not_yours
 *	cancel_order			cancelled | not_found | already_closed
 *	complete_assignment		completed | not_found | not_active |
 *							already_completed
 *	expire_truck_requests	the number of requests it expired; it skips
 *							(SKIP LOCKED) any request an accept holds, so it
 *							never waits for one, and never expires a request
 *							that the accept then wins
 *	accept_any_truck_request  accept's outcomes, plus the request it took;
 *							it takes a free request SKIP LOCKED (locking only
 *							the one it takes, without a subtransaction), and
 *							only when every free one is held by an in-flight
 *							accept does it wait for one and decide from its
 *							outcome, so it never says "no slot" while a slot
 *							can still be won
 *	take_events				up to max_count of the oldest events, removed in
 *							the consumer's transaction, skipping those another
 *							consumer holds: each event goes to exactly one
 *							consumer that commits
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/array.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rls.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "truck_accept.h"

PG_FUNCTION_INFO_V1(release_truck_request);
PG_FUNCTION_INFO_V1(cancel_order);
PG_FUNCTION_INFO_V1(expire_truck_requests);
PG_FUNCTION_INFO_V1(complete_assignment);
PG_FUNCTION_INFO_V1(accept_any_truck_request);
PG_FUNCTION_INFO_V1(take_events);

/* Locks shared by several functions here. */
static TaStatement lc_lock_request = {
	"SELECT r.status, r.order_id, r.assigned_transporter_id"
	" FROM ONLY {truck_requests} r"
	" WHERE r.id OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF r",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* The request's active assignment: stable while the request is locked. */
static TaStatement lc_read_active_assignment = {
	"SELECT a.id, a.vehicle_id, a.driver_id, a.trip_id"
	" FROM ONLY {assignments} a"
	" WHERE a.truck_request_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active'",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* Lock the vehicle and (if any) the driver of an assignment, in order. */
static void
lc_lock_vehicle_driver(Oid fn_oid, const pg_uuid_t *vehicle_id,
					   const pg_uuid_t *driver_id, bool has_driver)
{
	Datum		args[1];

	args[0] = UUIDPGetDatum(vehicle_id);
	ta_exec(&ta_lock_vehicle, fn_oid, args, NULL);
	if (has_driver)
	{
		args[0] = UUIDPGetDatum(driver_id);
		ta_exec(&ta_lock_driver, fn_oid, args, NULL);
	}
}

/* Queue a NOTIFY for every payload (column 1) the last statement returned. */
static void
lc_notify_rows(void)
{
	uint64		i;
	bool		isnull;

	for (i = 0; i < SPI_processed; i++)
	{
		Datum		d = ta_row_col(i, 1, TEXTOID, &isnull);

		if (!isnull)
			ta_notify_payload(TextDatumGetCString(d));
	}
}

/* The row type of a result, whose columns must be of these types. */
static TupleDesc
lc_result_tupdesc(FunctionCallInfo fcinfo, int natts, const Oid *types)
{
	TupleDesc	tupdesc;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	ta_check_result_type(fcinfo->flinfo->fn_oid, tupdesc, natts, types);
	return BlessTupleDesc(tupdesc);
}

/*
 * The end of a write statement: how many rows its CTEs wrote, and a bit per
 * table of which they wrote a row (ta_check_writes() checks both).
 */
#define LC_WRITTEN(BITS) \
	" SELECT pg_catalog.count(*)::pg_catalog.int4, pg_catalog.bit_or(w.t)" \
	" FROM (" BITS ") AS w"

/* The tables a release writes, by the bit of LC_WRITTEN */
static const char *const rel_tables[] = {
	"assignments", "truck_requests", "vehicles", "drivers", "orders", "events"
};

/* ---------------------------------------------------------------------------
 * release_truck_request(request_id uuid, transporter_id uuid)
 *
 * The holder backs out: its assignment is released, the request is searching
 * again with assigned_* cleared, the order's counter goes down by one and its
 * status follows, the vehicle and driver are available again.
 * ---------------------------------------------------------------------------
 */
static TaStatement rel_writes = {
	"WITH asg AS ("
	" UPDATE ONLY {assignments} a"
	" SET status = 'released', updated_at = pg_catalog.now()"
	" WHERE a.id OPERATOR(pg_catalog.=) $2 RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r"
	" SET status = 'searching', assigned_transporter_id = NULL,"
	" assigned_vehicle_id = NULL, assigned_driver_id = NULL, assigned_at = NULL,"
	" updated_at = pg_catalog.now()"
	" WHERE r.id OPERATOR(pg_catalog.=) $1 RETURNING 1),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET status = 'available', updated_at = pg_catalog.now()"
	" WHERE v.id OPERATOR(pg_catalog.=) $3 RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET status = 'available', updated_at = pg_catalog.now()"
	" WHERE d.id OPERATOR(pg_catalog.=) $4 RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o"
	" SET trucks_filled = $6, status = $7, updated_at = pg_catalog.now()"
	" WHERE o.id OPERATOR(pg_catalog.=) $5 RETURNING 1),"
	" ev AS ("
	" INSERT INTO {events}"
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)"
	" VALUES ('released', $5, $1, $2, $8, $9::pg_catalog.jsonb) RETURNING 1)"
	LC_WRITTEN("SELECT 1 AS t FROM asg UNION ALL SELECT 2 FROM req"
			   " UNION ALL SELECT 4 FROM veh UNION ALL SELECT 8 FROM drv"
			   " UNION ALL SELECT 16 FROM ord UNION ALL SELECT 32 FROM ev"),
	9, {UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, INT4OID, TEXTOID, UUIDOID,
	TEXTOID}, SPI_OK_SELECT, 1
};

/*
 * An assigned request without an active assignment: row-level security on
 * assignments hides it, or the rows are inconsistent (written around the
 * extension: invariant_violations shows them).
 */
static void
lc_no_active_assignment(Oid fn_oid, const pg_uuid_t *request_id)
{
	Oid			relid = ta_table_relid("assignments");

	if (OidIsValid(relid) &&
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the active assignment of truck request %s is not visible in relation \"%s\"",
						ta_uuid_text(request_id), ta_relation_name(relid)),
				 errdetail("Row-level security hides the row."),
				 errhint("Give the role a policy on the table that covers its own assignments, or exempt it from row-level security.")));
	ereport(ERROR,
			(errcode(ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION),
			 errmsg("truck request %s is assigned but has no active assignment",
					ta_uuid_text(request_id)),
			 errdetail("The rows were changed without truck_accept's functions."),
			 errhint("The view truck_accept.invariant_violations lists what is inconsistent; correct those rows.")));
}

static const Oid rel_result_types[8] = {TEXTOID, BOOLOID, UUIDOID, UUIDOID,
INT4OID, INT4OID, TEXTOID, TEXTOID};

static Datum
lc_release(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	pg_uuid_t	request_id;
	pg_uuid_t	transporter_id;
	const char *outcome;
	const char *message;
	TaOrder		order = {0};
	bool		has_assignment = false;
	pg_uuid_t	assignment_id = {{0}};
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	bool		isnull;
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {0};

	ta_require_arg(fcinfo, 0, "request_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	request_id = *PG_GETARG_UUID_P(0);
	transporter_id = *PG_GETARG_UUID_P(1);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = UUIDPGetDatum(&request_id);
	if (ta_exec(&lc_lock_request, fn_oid, args, NULL) == 0)
	{
		outcome = "not_found";
		message = "No such truck request";
	}
	else
	{
		char		status[TA_STATUS_LEN];
		pg_uuid_t	holder;
		bool		holder_isnull;

		ta_col_status(1, status);
		order.id = ta_col_uuid(2, &isnull);
		holder = ta_col_uuid(3, &holder_isnull);

		if (strcmp(status, "assigned") != 0)
		{
			outcome = "not_assigned";
			message = "This request is not assigned";
		}
		else if (holder_isnull || !ta_uuid_eq(&holder, &transporter_id))
		{
			outcome = "not_yours";
			message = "This request is assigned to another transporter";
		}
		else if (ta_exec(&lc_read_active_assignment, fn_oid, args, NULL) != 1)
			lc_no_active_assignment(fn_oid, &request_id);
		else
		{
			pg_uuid_t	vehicle_id = ta_col_uuid(2, &isnull);
			bool		has_driver;
			pg_uuid_t	driver_id = ta_col_uuid(3, &isnull);
			pg_uuid_t	trip_id;
			StringInfoData payload;

			has_driver = !isnull;
			assignment_id = ta_col_uuid(1, &isnull);
			trip_id = ta_col_uuid(4, &isnull);
			has_assignment = true;

			lc_lock_vehicle_driver(fn_oid, &vehicle_id, &driver_id, has_driver);
			args[0] = UUIDPGetDatum(&order.id);
			if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
				ta_order_lock_failed(fn_oid, &order.id, "truck request",
									 &request_id, true);
			ta_fetch_order(&order, 1);

			order.trucks_filled--;
			if (strcmp(order.status, "searching") == 0 ||
				strcmp(order.status, "partially_filled") == 0 ||
				strcmp(order.status, "fully_filled") == 0)
				strlcpy(order.status,
						ta_open_order_status(order.trucks_filled, order.trucks_needed),
						TA_STATUS_LEN);

			initStringInfo(&payload);
			appendStringInfoString(&payload, "{\"event\":\"released\"");
			ta_json_uuid(&payload, "request_id", &request_id, false);
			ta_json_uuid(&payload, "order_id", &order.id, false);
			ta_json_uuid(&payload, "assignment_id", &assignment_id, false);
			ta_json_uuid(&payload, "trip_id", &trip_id, false);
			ta_json_uuid(&payload, "transporter_id", &transporter_id, false);
			ta_json_uuid(&payload, "vehicle_id", &vehicle_id, false);
			ta_json_uuid(&payload, "driver_id", &driver_id, !has_driver);
			appendStringInfo(&payload, ",\"trucks_filled\":%d,\"trucks_needed\":%d,\"order_status\":",
							 order.trucks_filled, order.trucks_needed);
			escape_json(&payload, order.status);
			appendStringInfoChar(&payload, '}');

			args[0] = UUIDPGetDatum(&request_id);
			args[1] = UUIDPGetDatum(&assignment_id);
			args[2] = UUIDPGetDatum(&vehicle_id);
			args[3] = UUIDPGetDatum(&driver_id);
			args[4] = UUIDPGetDatum(&order.id);
			args[5] = Int32GetDatum(order.trucks_filled);
			args[6] = CStringGetTextDatum(order.status);
			args[7] = UUIDPGetDatum(&transporter_id);
			args[8] = CStringGetTextDatum(payload.data);
			memset(arg_nulls, ' ', sizeof(arg_nulls));
			if (!has_driver)
				arg_nulls[3] = 'n';
			ta_exec(&rel_writes, fn_oid, args, arg_nulls);
			ta_check_writes("releasing truck request", &request_id, fn_oid,
							rel_tables, 1 | 2 | 4 | (has_driver ? 8 : 0) | 16 | 32);
			ta_notify_payload(payload.data);

			outcome = "released";
			message = "Truck request released";
		}
		if (!order.known)
		{
			args[0] = UUIDPGetDatum(&order.id);
			if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 1)
				ta_fetch_order(&order, 1);
		}
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	tupdesc = lc_result_tupdesc(fcinfo, 8, rel_result_types);
	values[0] = CStringGetTextDatum(outcome);
	values[1] = BoolGetDatum(strcmp(outcome, "released") == 0);
	if (has_assignment)
		values[2] = ta_uuid_datum(&assignment_id);
	else
		nulls[2] = true;
	if (strcmp(outcome, "not_found") != 0)
		values[3] = ta_uuid_datum(&order.id);
	else
		nulls[3] = true;
	if (order.known)
	{
		values[4] = Int32GetDatum(order.trucks_filled);
		values[5] = Int32GetDatum(order.trucks_needed);
		values[6] = CStringGetTextDatum(order.status);
	}
	else
		nulls[4] = nulls[5] = nulls[6] = true;
	values[7] = CStringGetTextDatum(message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
release_truck_request(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 2, lc_release);
}

/* ---------------------------------------------------------------------------
 * cancel_order(order_id uuid)
 *
 * Every searching request and every request with an active assignment is
 * cancelled, every active assignment too, with its vehicle and driver made
 * available; the order is cancelled, its counter keeping only the
 * assignments it did not cancel (its completed ones: zero when none).  Locks:
 * all the order's requests sorted by
 * id, then the vehicles, then the drivers of its active assignments sorted by
 * id, then the order.
 * ---------------------------------------------------------------------------
 */
static TaStatement can_lock_requests = {
	"SELECT r.id, r.status FROM ONLY {truck_requests} r"
	" WHERE r.order_id OPERATOR(pg_catalog.=) $1"
	" ORDER BY r.id FOR NO KEY UPDATE OF r",
	1, {UUIDOID}, SPI_OK_SELECT, 0
};

static TaStatement can_lock_vehicles = {
	"SELECT v.id FROM ONLY {vehicles} v"
	" WHERE v.id OPERATOR(pg_catalog.=) ANY (SELECT a.vehicle_id FROM ONLY {assignments} a"
	" WHERE a.order_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active')"
	" ORDER BY v.id FOR NO KEY UPDATE OF v",
	1, {UUIDOID}, SPI_OK_SELECT, 0
};

static TaStatement can_lock_drivers = {
	"SELECT d.id FROM ONLY {drivers} d"
	" WHERE d.id OPERATOR(pg_catalog.=) ANY (SELECT a.driver_id FROM ONLY {assignments} a"
	" WHERE a.order_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active')"
	" ORDER BY d.id FOR NO KEY UPDATE OF d",
	1, {UUIDOID}, SPI_OK_SELECT, 0
};

/*
 * All the writes of a cancellation, of the requests it locked ($2) and their
 * assignments only: a request added to the order after they were locked is
 * left alone (an accept of it finds the order cancelled; one that won it
 * before the order was locked keeps its assignment, which the counter keeps
 * counting).  Returns one row per event it appends:
 * the payload, then (the same on every row) the requests and assignments
 * cancelled, the vehicles, drivers and orders updated, the assignments with
 * a driver, and the events appended.  (The payloads come from the CTE that
 * feeds the events insert, not from a RETURNING of it, which would need
 * SELECT on the events table.)
 */
static TaStatement can_writes = {
	"WITH act AS ("
	" UPDATE ONLY {assignments} a SET status = 'cancelled', updated_at = pg_catalog.now()"
	" WHERE a.truck_request_id OPERATOR(pg_catalog.=) ANY ($2)"
	" AND a.status OPERATOR(pg_catalog.=) 'active'"
	" RETURNING a.id, a.truck_request_id, a.transporter_id, a.vehicle_id, a.driver_id, a.trip_id),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET status = 'available', updated_at = pg_catalog.now()"
	" FROM act WHERE v.id OPERATOR(pg_catalog.=) act.vehicle_id RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET status = 'available', updated_at = pg_catalog.now()"
	" FROM act WHERE d.id OPERATOR(pg_catalog.=) act.driver_id RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r SET status = 'cancelled', updated_at = pg_catalog.now()"
	" WHERE r.id OPERATOR(pg_catalog.=) ANY ($2)"
	" AND r.status OPERATOR(pg_catalog.=) ANY ('{searching,assigned}'::pg_catalog.text[])"
	" RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o SET status = 'cancelled', updated_at = pg_catalog.now(),"
	" trucks_filled = ((SELECT pg_catalog.count(*) FROM ONLY {assignments} c"
	" WHERE c.order_id OPERATOR(pg_catalog.=) $1"
	" AND c.status OPERATOR(pg_catalog.=) ANY ('{active,completed}'::pg_catalog.text[]))"
	" OPERATOR(pg_catalog.-) (SELECT pg_catalog.count(*) FROM act))::pg_catalog.int4"
	" WHERE o.id OPERATOR(pg_catalog.=) $1 RETURNING 1),"
	" pay AS ("
	" SELECT 1 AS k, act.id AS ord, act.truck_request_id AS request_id, act.id AS assignment_id,"
	" act.transporter_id, 'assignment_cancelled'::pg_catalog.text AS event_type,"
	" pg_catalog.jsonb_build_object('event', 'assignment_cancelled', 'order_id', $1,"
	" 'request_id', act.truck_request_id, 'assignment_id', act.id, 'trip_id', act.trip_id,"
	" 'transporter_id', act.transporter_id, 'vehicle_id', act.vehicle_id,"
	" 'driver_id', act.driver_id) AS payload"
	" FROM act"
	" UNION ALL"
	" SELECT 2, NULL, NULL, NULL, NULL, 'order_cancelled',"
	" pg_catalog.jsonb_build_object('event', 'order_cancelled', 'order_id', $1,"
	" 'requests_cancelled', (SELECT pg_catalog.count(*) FROM req),"
	" 'assignments_cancelled', (SELECT pg_catalog.count(*) FROM act))),"
	" ev AS ("
	" INSERT INTO {events}"
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)"
	" SELECT p.event_type, $1, p.request_id, p.assignment_id, p.transporter_id, p.payload"
	" FROM pay p ORDER BY p.k, p.ord RETURNING 1)"
	" SELECT p.payload::pg_catalog.text,"
	" (SELECT pg_catalog.count(*) FROM req)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM act)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM veh)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM drv)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM ord)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM act WHERE act.driver_id IS NOT NULL)::pg_catalog.int4,"
	" (SELECT pg_catalog.count(*) FROM ev)::pg_catalog.int4"
	" FROM pay p ORDER BY p.k, p.ord",
	2, {UUIDOID, UUIDARRAYOID}, SPI_OK_SELECT, 0
};

static bool
lc_order_status_is_final(const char *status)
{
	return strcmp(status, "cancelled") == 0 ||
		strcmp(status, "expired") == 0 ||
		strcmp(status, "completed") == 0;
}

/*
 * Check the counts a cancellation's writes report (see can_writes) against
 * what it locked: every open request (open_requests) cancelled, and the
 * active assignment of each assigned one, with its vehicle and driver; the
 * order; one event per assignment and one for the order.  A row not written
 * was skipped (see ta_write_skipped).
 */
static void
lc_check_cancel_writes(Oid fn_oid, const pg_uuid_t *order_id,
					   int32 open_requests, int32 assigned_requests)
{
	const char *action = "cancelling order";
	int32		requests = ta_col_int32(2);
	int32		assignments = ta_col_int32(3);

	if (requests != open_requests)
		ta_write_skipped(action, order_id, fn_oid, "truck_requests");
	if (assignments != assigned_requests)
		ta_write_skipped(action, order_id, fn_oid, "assignments");
	if (ta_col_int32(4) != assignments)
		ta_write_skipped(action, order_id, fn_oid, "vehicles");
	if (ta_col_int32(5) != ta_col_int32(7))
		ta_write_skipped(action, order_id, fn_oid, "drivers");
	if (ta_col_int32(6) != 1)
		ta_write_skipped(action, order_id, fn_oid, "orders");
	if (ta_col_int32(8) != assignments + 1 ||
		SPI_processed != (uint64) assignments + 1)
		ta_write_skipped(action, order_id, fn_oid, "events");
}

static const Oid can_result_types[6] = {TEXTOID, BOOLOID, INT4OID, INT4OID,
TEXTOID, TEXTOID};

static Datum
lc_cancel_order(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	TaOrder		order = {0};
	const char *outcome;
	const char *message;
	int32		requests_cancelled = 0;
	int32		assignments_cancelled = 0;
	Datum		args[1];
	Datum		locked_ids;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {0};

	ta_require_arg(fcinfo, 0, "order_id");
	order.id = *PG_GETARG_UUID_P(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = UUIDPGetDatum(&order.id);
	if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 0)
	{
		outcome = "not_found";
		message = "No such order";
	}
	else
	{
		ta_fetch_order(&order, 1);
		if (lc_order_status_is_final(order.status))
		{
			outcome = "already_closed";
			message = "This order is already closed";
		}
		else
		{
			/* requests, vehicles, drivers, then the order: the lock order */
			uint64		nrequests = ta_exec(&can_lock_requests, fn_oid, args, NULL);
			Datum	   *ids = palloc(sizeof(Datum) * (nrequests + 1));
			int32		open_requests = 0;
			int32		assigned_requests = 0;
			uint64		i;

			for (i = 0; i < nrequests; i++)
			{
				bool		isnull;
				Datum		status = ta_row_col(i, 2, TEXTOID, &isnull);
				char	   *s = isnull ? "" : TextDatumGetCString(status);

				ids[i] = ta_uuid_datum(DatumGetUUIDP(ta_row_col_notnull(i, 1, UUIDOID)));
				if (strcmp(s, "assigned") == 0)
					assigned_requests++;
				if (strcmp(s, "assigned") == 0 || strcmp(s, "searching") == 0)
					open_requests++;
			}
			locked_ids = PointerGetDatum(construct_array(ids, (int) nrequests, UUIDOID,
														 UUID_LEN, false, TYPALIGN_CHAR));
			ta_exec(&can_lock_vehicles, fn_oid, args, NULL);
			ta_exec(&can_lock_drivers, fn_oid, args, NULL);
			order.known = false;	/* as the lock finds it */
			if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
				ta_order_lock_failed(fn_oid, &order.id, "order", NULL, false);
			else
				ta_fetch_order(&order, 1);

			if (!order.known)
			{
				/* deleted while this call waited for it */
				outcome = "not_found";
				message = "No such order";
			}
			else if (lc_order_status_is_final(order.status))
			{
				outcome = "already_closed";
				message = "This order is already closed";
			}
			else
			{
				Datum		wargs[2] = {args[0], locked_ids};

				ta_exec(&can_writes, fn_oid, wargs, NULL);
				requests_cancelled = ta_col_int32(2);
				assignments_cancelled = ta_col_int32(3);
				lc_check_cancel_writes(fn_oid, &order.id, open_requests,
									   assigned_requests);
				lc_notify_rows();

				strlcpy(order.status, "cancelled", TA_STATUS_LEN);
				outcome = "cancelled";
				message = "Order cancelled";
			}
		}
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	tupdesc = lc_result_tupdesc(fcinfo, 6, can_result_types);
	values[0] = CStringGetTextDatum(outcome);
	values[1] = BoolGetDatum(strcmp(outcome, "cancelled") == 0);
	values[2] = Int32GetDatum(requests_cancelled);
	values[3] = Int32GetDatum(assignments_cancelled);
	if (order.known)
		values[4] = CStringGetTextDatum(order.status);
	else
		nulls[4] = true;
	values[5] = CStringGetTextDatum(message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
cancel_order(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_cancel_order);
}

/* ---------------------------------------------------------------------------
 * expire_truck_requests(as_of timestamptz DEFAULT now())
 *
 * Searching requests whose expires_at <= as_of become expired, except those
 * an in-flight accept holds (SKIP LOCKED: never waited for, never expired
 * under a winner; a later run takes them if the accept did not win).  Then
 * every open order with nothing filled, no searching request left and an
 * expired one becomes expired, again skipping any order someone holds.
 * Returns how many requests it expired.  (Payloads for NOTIFY come from the
 * CTE that feeds the events insert: a RETURNING of the insert would need
 * SELECT on the events table.)
 * ---------------------------------------------------------------------------
 */
static TaStatement exp_requests = {
	"WITH locked AS ("
	" SELECT r.id FROM ONLY {truck_requests} r"
	" WHERE r.status OPERATOR(pg_catalog.=) 'searching'"
	" AND r.expires_at OPERATOR(pg_catalog.<=) $1"
	" ORDER BY r.id FOR NO KEY UPDATE OF r SKIP LOCKED),"
	" upd AS ("
	" UPDATE ONLY {truck_requests} r SET status = 'expired', updated_at = pg_catalog.now()"
	" FROM locked WHERE r.id OPERATOR(pg_catalog.=) locked.id"
	" RETURNING r.id, r.order_id, r.expires_at),"
	" pay AS ("
	" SELECT upd.id, upd.order_id,"
	" pg_catalog.jsonb_build_object('event', 'request_expired', 'request_id', upd.id,"
	" 'order_id', upd.order_id, 'expires_at', upd.expires_at) AS payload"
	" FROM upd),"
	" ev AS ("
	" INSERT INTO {events} (event_type, order_id, request_id, payload)"
	" SELECT 'request_expired', p.order_id, p.id, p.payload FROM pay p ORDER BY p.id"
	" RETURNING 1)"
	" SELECT p.payload::pg_catalog.text, (SELECT pg_catalog.count(*) FROM ev)::pg_catalog.int4"
	" FROM pay p ORDER BY p.id",
	1, {TIMESTAMPTZOID}, SPI_OK_SELECT, 0
};

static TaStatement exp_orders = {
	"WITH locked AS ("
	" SELECT o.id FROM ONLY {orders} o"
	" WHERE o.status OPERATOR(pg_catalog.=) 'searching'"
	" AND o.trucks_filled OPERATOR(pg_catalog.=) 0"
	" AND EXISTS (SELECT 1 FROM ONLY {truck_requests} r"
	"  WHERE r.order_id OPERATOR(pg_catalog.=) o.id"
	"  AND r.status OPERATOR(pg_catalog.=) 'expired')"
	" AND NOT EXISTS (SELECT 1 FROM ONLY {truck_requests} r"
	"  WHERE r.order_id OPERATOR(pg_catalog.=) o.id"
	"  AND r.status OPERATOR(pg_catalog.=) 'searching')"
	" ORDER BY o.id FOR NO KEY UPDATE OF o SKIP LOCKED),"
	" upd AS ("
	" UPDATE ONLY {orders} o SET status = 'expired', updated_at = pg_catalog.now()"
	" FROM locked WHERE o.id OPERATOR(pg_catalog.=) locked.id"
	" AND o.status OPERATOR(pg_catalog.=) 'searching'"
	" AND o.trucks_filled OPERATOR(pg_catalog.=) 0"
	" RETURNING o.id),"
	" pay AS ("
	" SELECT upd.id, pg_catalog.jsonb_build_object('event', 'order_expired', 'order_id', upd.id)"
	" AS payload FROM upd),"
	" ev AS ("
	" INSERT INTO {events} (event_type, order_id, payload)"
	" SELECT 'order_expired', p.id, p.payload FROM pay p ORDER BY p.id RETURNING 1)"
	" SELECT p.payload::pg_catalog.text, (SELECT pg_catalog.count(*) FROM ev)::pg_catalog.int4"
	" FROM pay p ORDER BY p.id",
	0, {InvalidOid}, SPI_OK_SELECT, 0
};

/* One event appended per row an expiry statement changed (column 2). */
static void
lc_check_expire_events(Oid fn_oid, const char *action)
{
	if (SPI_processed > 0 && (uint64) ta_col_int32(2) != SPI_processed)
		ta_write_skipped(action, NULL, fn_oid, "events");
}

static Datum
lc_expire(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	Datum		args[1];
	uint64		expired;

	ta_require_arg(fcinfo, 0, "as_of");
	args[0] = PG_GETARG_DATUM(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	expired = ta_exec(&exp_requests, fn_oid, args, NULL);
	lc_check_expire_events(fn_oid, "expiring truck requests");
	lc_notify_rows();
	ta_exec(&exp_orders, fn_oid, NULL, NULL);
	lc_check_expire_events(fn_oid, "expiring orders");
	lc_notify_rows();

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	if (expired > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("too many requests expired to count in an integer")));
	PG_RETURN_INT32((int32) expired);
}

Datum
expire_truck_requests(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_expire);
}

/* ---------------------------------------------------------------------------
 * complete_assignment(assignment_id uuid)
 *
 * The trip is done: the assignment and its request are completed, the
 * vehicle and driver available; the order is completed when it was fully
 * filled and this was its last active assignment.  The order row is written
 * on every completion, so that two REPEATABLE READ callers completing an
 * order's last two trips conflict (40001) instead of each seeing the other's
 * assignment still active in its snapshot.
 * ---------------------------------------------------------------------------
 */
static TaStatement cmp_find = {
	"SELECT a.truck_request_id FROM ONLY {assignments} a"
	" WHERE a.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* Read under the request's lock, which every change of the assignment takes. */
static TaStatement cmp_read = {
	"SELECT a.status, a.order_id, a.vehicle_id, a.driver_id, a.transporter_id, a.trip_id"
	" FROM ONLY {assignments} a"
	" WHERE a.id OPERATOR(pg_catalog.=) $1",
	1, {UUIDOID}, SPI_OK_SELECT, 1
};

/* Under the order's lock: the order's other active assignments. */
static TaStatement cmp_others = {
	"SELECT pg_catalog.count(*)::pg_catalog.int4 FROM ONLY {assignments} a"
	" WHERE a.order_id OPERATOR(pg_catalog.=) $1"
	" AND a.status OPERATOR(pg_catalog.=) 'active'"
	" AND a.id OPERATOR(pg_catalog.<>) $2",
	2, {UUIDOID, UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement cmp_writes = {
	"WITH asg AS ("
	" UPDATE ONLY {assignments} a SET status = 'completed', updated_at = pg_catalog.now()"
	" WHERE a.id OPERATOR(pg_catalog.=) $1 RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r SET status = 'completed', updated_at = pg_catalog.now()"
	" WHERE r.id OPERATOR(pg_catalog.=) $2 RETURNING 1),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET status = 'available', updated_at = pg_catalog.now()"
	" WHERE v.id OPERATOR(pg_catalog.=) $3 RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET status = 'available', updated_at = pg_catalog.now()"
	" WHERE d.id OPERATOR(pg_catalog.=) $4 RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o"
	" SET status = CASE WHEN $6 THEN 'completed' ELSE o.status END, updated_at = pg_catalog.now()"
	" WHERE o.id OPERATOR(pg_catalog.=) $5 RETURNING 1),"
	" ev_asg AS ("
	" INSERT INTO {events}"
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)"
	" VALUES ('assignment_completed', $5, $2, $1, $7, $8::pg_catalog.jsonb) RETURNING 1),"
	" ev_ord AS ("
	" INSERT INTO {events} (event_type, order_id, payload)"
	" SELECT 'order_completed', $5, $9::pg_catalog.jsonb WHERE $6 RETURNING 1)"
	LC_WRITTEN("SELECT 1 AS t FROM asg UNION ALL SELECT 2 FROM req"
			   " UNION ALL SELECT 4 FROM veh UNION ALL SELECT 8 FROM drv"
			   " UNION ALL SELECT 16 FROM ord UNION ALL SELECT 32 FROM ev_asg"
			   " UNION ALL SELECT 64 FROM ev_ord"),
	9, {UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, BOOLOID, UUIDOID, TEXTOID,
	TEXTOID}, SPI_OK_SELECT, 1
};

/* The tables a completion writes, by the bit of LC_WRITTEN */
static const char *const cmp_tables[] = {
	"assignments", "truck_requests", "vehicles", "drivers", "orders", "events",
	"events"
};

static const Oid cmp_result_types[6] = {TEXTOID, BOOLOID, UUIDOID, UUIDOID,
TEXTOID, TEXTOID};

static Datum
lc_complete(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	pg_uuid_t	assignment_id;
	pg_uuid_t	request_id = {{0}};
	bool		found = false;
	TaOrder		order = {0};
	const char *outcome;
	const char *message;
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	bool		isnull;
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {0};

	ta_require_arg(fcinfo, 0, "assignment_id");
	assignment_id = *PG_GETARG_UUID_P(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = UUIDPGetDatum(&assignment_id);
	if (ta_exec(&cmp_find, fn_oid, args, NULL) == 0)
	{
		outcome = "not_found";
		message = "No such assignment";
	}
	else
	{
		char		status[TA_STATUS_LEN];

		found = true;
		request_id = ta_col_uuid(1, &isnull);

		/* the request first, then the assignment as it stands under its lock */
		args[0] = UUIDPGetDatum(&request_id);
		ta_exec(&lc_lock_request, fn_oid, args, NULL);
		args[0] = UUIDPGetDatum(&assignment_id);
		if (ta_exec(&cmp_read, fn_oid, args, NULL) != 1)
		{
			/* deleted while this call waited for its request */
			found = false;
			status[0] = '\0';
		}
		else
		{
			ta_col_status(1, status);
			order.id = ta_col_uuid(2, &isnull);
		}

		if (!found)
		{
			outcome = "not_found";
			message = "No such assignment";
		}
		else if (strcmp(status, "completed") == 0)
		{
			outcome = "already_completed";
			message = "This trip is already completed";
		}
		else if (strcmp(status, "active") != 0)
		{
			outcome = "not_active";
			message = psprintf("This assignment is not active (%s)", status);
		}
		else
		{
			pg_uuid_t	vehicle_id = ta_col_uuid(3, &isnull);
			pg_uuid_t	driver_id = ta_col_uuid(4, &isnull);
			bool		has_driver = !isnull;
			pg_uuid_t	transporter_id = ta_col_uuid(5, &isnull);
			pg_uuid_t	trip_id = ta_col_uuid(6, &isnull);
			bool		complete_order;
			StringInfoData payload;
			StringInfoData order_payload;

			lc_lock_vehicle_driver(fn_oid, &vehicle_id, &driver_id, has_driver);
			args[0] = UUIDPGetDatum(&order.id);
			if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
				ta_order_lock_failed(fn_oid, &order.id, "assignment",
									 &assignment_id, true);
			ta_fetch_order(&order, 1);

			args[1] = UUIDPGetDatum(&assignment_id);
			ta_exec(&cmp_others, fn_oid, args, NULL);
			complete_order = ta_col_int32(1) == 0 &&
				strcmp(order.status, "fully_filled") == 0 &&
				order.trucks_filled >= order.trucks_needed;
			if (complete_order)
				strlcpy(order.status, "completed", TA_STATUS_LEN);

			initStringInfo(&payload);
			appendStringInfoString(&payload, "{\"event\":\"assignment_completed\"");
			ta_json_uuid(&payload, "assignment_id", &assignment_id, false);
			ta_json_uuid(&payload, "request_id", &request_id, false);
			ta_json_uuid(&payload, "order_id", &order.id, false);
			ta_json_uuid(&payload, "trip_id", &trip_id, false);
			ta_json_uuid(&payload, "transporter_id", &transporter_id, false);
			ta_json_uuid(&payload, "vehicle_id", &vehicle_id, false);
			ta_json_uuid(&payload, "driver_id", &driver_id, !has_driver);
			appendStringInfoString(&payload, ",\"order_status\":");
			escape_json(&payload, order.status);
			appendStringInfoChar(&payload, '}');

			initStringInfo(&order_payload);
			appendStringInfoString(&order_payload, "{\"event\":\"order_completed\"");
			ta_json_uuid(&order_payload, "order_id", &order.id, false);
			appendStringInfoChar(&order_payload, '}');

			args[0] = UUIDPGetDatum(&assignment_id);
			args[1] = UUIDPGetDatum(&request_id);
			args[2] = UUIDPGetDatum(&vehicle_id);
			args[3] = UUIDPGetDatum(&driver_id);
			args[4] = UUIDPGetDatum(&order.id);
			args[5] = BoolGetDatum(complete_order);
			args[6] = UUIDPGetDatum(&transporter_id);
			args[7] = CStringGetTextDatum(payload.data);
			args[8] = CStringGetTextDatum(order_payload.data);
			memset(arg_nulls, ' ', sizeof(arg_nulls));
			if (!has_driver)
				arg_nulls[3] = 'n';
			ta_exec(&cmp_writes, fn_oid, args, arg_nulls);
			ta_check_writes("completing assignment", &assignment_id, fn_oid,
							cmp_tables, 1 | 2 | 4 | (has_driver ? 8 : 0) | 16 | 32 |
							(complete_order ? 64 : 0));
			ta_notify_payload(payload.data);
			if (complete_order)
				ta_notify_payload(order_payload.data);

			outcome = "completed";
			message = complete_order ? "Trip completed; the order is completed" :
				"Trip completed";
		}
		if (found && !order.known)
		{
			args[0] = UUIDPGetDatum(&order.id);
			if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 1)
				ta_fetch_order(&order, 1);
		}
	}

	message = MemoryContextStrdup(callercxt, message);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	tupdesc = lc_result_tupdesc(fcinfo, 6, cmp_result_types);
	values[0] = CStringGetTextDatum(outcome);
	values[1] = BoolGetDatum(strcmp(outcome, "completed") == 0);
	if (found)
	{
		values[2] = ta_uuid_datum(&request_id);
		values[3] = ta_uuid_datum(&order.id);
	}
	else
		nulls[2] = nulls[3] = true;
	if (order.known)
		values[4] = CStringGetTextDatum(order.status);
	else
		nulls[4] = true;
	values[5] = CStringGetTextDatum(message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
complete_assignment(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_complete);
}

/* ---------------------------------------------------------------------------
 * accept_any_truck_request(order_id uuid, transporter_id uuid,
 *							vehicle_id uuid, driver_id uuid DEFAULT NULL)
 *
 * Take any free request of the order, of the offered vehicle's type.  First
 * the lowest such request nobody holds (SKIP LOCKED: lc_take_free_direct),
 * so that M callers storming K free slots spread over them instead of
 * queueing; a later call in the same transaction starts above the request
 * it won last (lc_any_cursor).  When every free request is held by an
 * in-flight accept, wait for the lowest one: if its holder won, the next one
 * is tried (the locking read skips rows that no longer qualify), if it lost,
 * this call takes it; one that expired while this call waited is passed
 * over for the next.  Requests are only ever locked in id order, as
 * cancel_order locks them.  A retry of a call that already won (same
 * transporter, vehicle and order) is recognised under the vehicle's lock:
 * already_yours.  When no free request of the vehicle's type is left, the
 * answer is order_closed (the order is full or closed), request_closed (no
 * request of any type is open), or what is wrong with the vehicle (not
 * found, not owned, of another type).
 * ---------------------------------------------------------------------------
 */
#define ANY_FREE_REQUEST \
	"SELECT r.id, r.vehicle_type, r.expires_at" ANY_FREE_REQUEST_FROM

#define ANY_FREE_REQUEST_FROM \
	" FROM ONLY {truck_requests} r" \
	" WHERE r.order_id OPERATOR(pg_catalog.=) $1" \
	" AND r.status OPERATOR(pg_catalog.=) 'searching'" \
	" AND (r.expires_at IS NULL OR r.expires_at OPERATOR(pg_catalog.>) $2)"

/* ... of the type of the vehicle offered ($3) */
#define ANY_OF_TYPE \
	" AND r.vehicle_type OPERATOR(pg_catalog.=)" \
	" (SELECT v.vehicle_type FROM ONLY {vehicles} v WHERE v.id OPERATOR(pg_catalog.=) $3)"
#define ANY_FREE_REQUEST_OF_TYPE ANY_FREE_REQUEST ANY_OF_TYPE

/*
 * The candidates of the SKIP LOCKED pass without a subtransaction
 * (lc_take_free_direct), read without a lock, with where each version is,
 * $5 at a time (first one: it is free unless callers collide); the second
 * form reads above an id ($4, unused by the first).
 */
#define ANY_CANDIDATES \
	"SELECT r.ctid, r.id, r.vehicle_type, r.expires_at" \
	ANY_FREE_REQUEST_FROM ANY_OF_TYPE
#define ANY_BATCH_SQL " ORDER BY r.id LIMIT $5"
#define ANY_FIRST_BATCH 1
#define ANY_NEXT_BATCH 16

static TaStatement any_candidates = {
	ANY_CANDIDATES ANY_BATCH_SQL,
	5, {UUIDOID, TIMESTAMPTZOID, UUIDOID, UUIDOID, INT8OID}, SPI_OK_SELECT, 0
};

static TaStatement any_candidates_after = {
	ANY_CANDIDATES " AND r.id OPERATOR(pg_catalog.>) $4" ANY_BATCH_SQL,
	5, {UUIDOID, TIMESTAMPTZOID, UUIDOID, UUIDOID, INT8OID}, SPI_OK_SELECT, 0
};

#define ANY_LOCK " ORDER BY r.id LIMIT 1 FOR NO KEY UPDATE OF r"

/*
 * The waiting pass again, above the id of a request that expired while this
 * call waited for it: ids only go up, so the lock order holds.
 */
static TaStatement any_wait_free_typed_after = {
	ANY_FREE_REQUEST_OF_TYPE " AND r.id OPERATOR(pg_catalog.>) $4" ANY_LOCK,
	4, {UUIDOID, TIMESTAMPTZOID, UUIDOID, UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement any_take_free_typed = {
	ANY_FREE_REQUEST_OF_TYPE ANY_LOCK " SKIP LOCKED",
	3, {UUIDOID, TIMESTAMPTZOID, UUIDOID}, SPI_OK_SELECT, 1
};

static TaStatement any_wait_free_typed = {
	ANY_FREE_REQUEST_OF_TYPE ANY_LOCK,
	3, {UUIDOID, TIMESTAMPTZOID, UUIDOID}, SPI_OK_SELECT, 1
};

/* Is any request of the order still open, of whatever type? (not locked) */
static TaStatement any_open_request = {
	"SELECT EXISTS (" ANY_FREE_REQUEST ")",
	2, {UUIDOID, TIMESTAMPTZOID}, SPI_OK_SELECT, 1
};

/*
 * No free request of the vehicle's type is left (those this call waited for
 * were won by others).  Decide why without locking another request: a
 * request of a lower id than one this call may already hold would break the
 * lock order (cancel_order takes an order's requests in id order).  The
 * vehicle and the order are locked, in order, and checked: already_yours (the
 * vehicle is on a trip of this order for this transporter: a retry),
 * order_closed, request_closed (nothing open at all), vehicle_not_found,
 * vehicle_not_owned, and otherwise vehicle_type_mismatch.  Whether any
 * request of another type is still open is read without a lock: it only
 * chooses between two rejections.
 */
static void
lc_accept_any_no_slot(TaAccept *acc, Datum *args)
{
	Datum		lock_args[1];
	bool		isnull;
	bool		vehicle_found;
	pg_uuid_t	owner = {{0}};
	char		vehicle_status[TA_STATUS_LEN] = "";
	bool		any_open;

	lock_args[0] = UUIDPGetDatum(&acc->vehicle_id);
	vehicle_found = ta_exec(&ta_lock_vehicle, acc->fn_oid, lock_args, NULL) == 1;
	if (vehicle_found)
	{
		owner = ta_col_uuid(1, &isnull);
		ta_col_status(3, vehicle_status);
	}
	lock_args[0] = UUIDPGetDatum(&acc->order.id);
	if (ta_exec(&ta_lock_order, acc->fn_oid, lock_args, NULL) != 1)
	{
		/* deleted while this call waited for it */
		ta_order_lock_failed(acc->fn_oid, &acc->order.id, "order", NULL, false);
		acc->outcome = TA_NOT_FOUND;
		acc->message = "No such order";
		return;
	}
	ta_fetch_order(&acc->order, 1);

	/* the vehicle's trip cannot change while this call holds the vehicle */
	if (vehicle_found && ta_uuid_eq(&owner, &acc->transporter_id) &&
		strcmp(vehicle_status, "on_trip") == 0 && ta_find_own_assignment(acc))
		return;

	ta_exec(&any_open_request, acc->fn_oid, args, NULL);
	any_open = DatumGetBool(ta_col(1, BOOLOID, &isnull));

	if (ta_order_is_closed(&acc->order))
		acc->outcome = TA_ORDER_CLOSED;
	else if (!any_open)
	{
		acc->outcome = TA_REQUEST_CLOSED;
		acc->message = "No open request is left in this order";
	}
	else if (!vehicle_found)
		acc->outcome = TA_VEHICLE_NOT_FOUND;
	else if (!ta_uuid_eq(&owner, &acc->transporter_id))
		acc->outcome = TA_VEHICLE_NOT_OWNED;
	else
	{
		acc->outcome = TA_VEHICLE_TYPE_MISMATCH;
		acc->message = "This order needs vehicles of another type";
	}
}

/* A free request that a pass of accept_any took, locked. */
typedef struct LcFree
{
	pg_uuid_t	id;
	char	   *vehicle_type;
	bool		expires_isnull;
	TimestampTz expires_at;
	bool		have_tid;		/* tid: the version locked, read directly */
	ItemPointerData tid;
} LcFree;

/* Fill *f from row "row" of the last statement: id, vehicle_type, expires_at */
static void
lc_free_from_row(LcFree *f, uint64 row, int first_col)
{
	bool		isnull;

	f->id = *DatumGetUUIDP(ta_row_col_notnull(row, first_col, UUIDOID));
	f->vehicle_type = TextDatumGetCString(ta_row_col(row, first_col + 1,
													 TEXTOID, &isnull));
	f->expires_at = DatumGetTimestampTz(ta_row_col(row, first_col + 2,
												   TIMESTAMPTZOID,
												   &f->expires_isnull));
	f->have_tid = false;
}

/*
 * The SKIP LOCKED pass without a subtransaction.  The free requests of the
 * vehicle's type are read without a lock, in id order, above *after if it is
 * given, a batch at a time; each is then locked as the read found it, FOR NO
 * KEY UPDATE, skipping one that anybody holds (LockWaitSkip) and one that
 * changed since it was read (the lock does not follow the update chain).  So
 * the one request it locks is the very version that qualified, and it locks
 * no other row: nothing to undo, no XID but the transaction's own, and no
 * MultiXact when the call then updates the request.  Returns -1 where the
 * direct reads do not apply (ta_row_direct_ok: privileges, row security),
 * else whether it took a request.
 */
static int
lc_take_free_direct(TaAccept *acc, Datum *args, const pg_uuid_t *after,
					LcFree *f)
{
	Oid			relid = ta_table_relid("truck_requests");
	Relation	rel;
	TupleTableSlot *slot;
	bool		may_lock;
	pg_uuid_t	above = {{0}};
	bool		have_above = after != NULL;
	int64		batch = ANY_FIRST_BATCH;
	int			taken = 0;

	if (!OidIsValid(relid))
		return -1;
	PreventCommandIfReadOnly("SELECT FOR NO KEY UPDATE");
	rel = table_open(relid, RowShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION ||
		!ta_row_direct_ok(relid, true, &may_lock))
	{
		table_close(rel, NoLock);
		return -1;
	}
	if (have_above)
		above = *after;

	slot = table_slot_create(rel, NULL);
	while (!taken)
	{
		Datum		cargs[5] = {args[0], args[1], args[2], UUIDPGetDatum(&above),
		Int64GetDatum(batch)};
		uint64		n = ta_exec(have_above ? &any_candidates_after : &any_candidates,
								acc->fn_oid, cargs, NULL);
		uint64		i;

		for (i = 0; i < n && !taken; i++)
		{
			bool		isnull;
			ItemPointerData tid = *(ItemPointer) DatumGetPointer(ta_row_col(i, 1, TIDOID,
																  &isnull));
			TM_FailureData tmfd;

			/*
			 * No flags: neither FIND_LAST_VERSION nor LOCK_UPDATE_IN_PROGRESS,
			 * which would lock the newer versions of a row whose update
			 * committed meanwhile (won by another caller), and could wait.
			 */
			if (table_tuple_lock(rel, &tid, GetActiveSnapshot(), slot,
								 GetCurrentCommandId(true),
								 LockTupleNoKeyExclusive, LockWaitSkip, 0,
								 &tmfd) == TM_Ok)
			{
				lc_free_from_row(f, i, 2);
				f->have_tid = true;
				f->tid = tid;
				taken = 1;
			}
		}
		if (taken || n < (uint64) batch)
			break;
		/* all of this batch held by others: the next, larger batch */
		above = *DatumGetUUIDP(ta_row_col_notnull(n - 1, 2, UUIDOID));
		have_above = true;
		batch = ANY_NEXT_BATCH;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);
	return taken;
}

/*
 * The SKIP LOCKED pass as SQL, where the direct one does not apply, in a
 * subtransaction that is rolled back when it finds
 * nothing.  A row the pass manages to lock but that no longer qualifies
 * (another caller won it since the statement's snapshot) stays locked after
 * the recheck fails; if the waiting pass that follows then waited for a row
 * of a lower id, requests would be locked out of id order and could deadlock
 * with cancel_order or another accept_any.  Rolling the subtransaction back
 * releases those locks.  When the pass finds a request, every row it kept
 * locked has a lower id than that request, so the order holds.  An error
 * rolls the subtransaction back before it goes on up, so that the caller's
 * transaction is left as any other error leaves it.
 */
static uint64
lc_take_free_skip_locked(TaAccept *acc, Datum *args)
{
	MemoryContext spicxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	uint64		got = 0;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(spicxt);

	PG_TRY();
	{
		got = ta_exec(&any_take_free_typed, acc->fn_oid, args, NULL);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(spicxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(spicxt);
		CurrentResourceOwner = owner;
		ReThrowError(edata);
	}
	PG_END_TRY();

	if (got == 0)
		RollbackAndReleaseCurrentSubTransaction();
	else
		ReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(spicxt);
	CurrentResourceOwner = owner;
	return got;
}

/*
 * accept_any's cursor: in the transaction that last won a request of an
 * order through accept_any, that request's id.  The next call for the same
 * order in the same transaction starts its SKIP LOCKED pass above it, past
 * the requests the transaction has already taken, whose index entries an
 * index scan from the lowest id would otherwise walk through call after
 * call (they stay until the transaction ends); when nothing is free above
 * it, the pass starts from the lowest id again.  Only a hint: a stale one
 * costs one more pass, never a slot.
 */
static struct
{
	TransactionId xid;
	pg_uuid_t	order_id;
	pg_uuid_t	after;
}			lc_any_cursor;

/*
 * Find and lock a free request of the vehicle's type: the SKIP LOCKED pass
 * (from the cursor, then from the lowest id; as SQL in a subtransaction
 * where the direct pass does not apply), then, when every free request is
 * held, the waiting pass.
 */
static bool
lc_find_free(TaAccept *acc, Datum *args, LcFree *f)
{
	TransactionId xid = GetTopTransactionIdIfAny();
	int			taken = 0;

	if (TransactionIdIsValid(xid) && xid == lc_any_cursor.xid &&
		ta_uuid_eq(&lc_any_cursor.order_id, &acc->order.id))
		taken = lc_take_free_direct(acc, args, &lc_any_cursor.after, f);
	if (taken == 0)
		taken = lc_take_free_direct(acc, args, NULL, f);
	if (taken < 0)
		taken = lc_take_free_skip_locked(acc, args) == 1 ? 2 : 0;
	if (taken == 0)
		taken = ta_exec(&any_wait_free_typed, acc->fn_oid, args, NULL) == 1 ? 2 : 0;
	if (taken == 2)
		lc_free_from_row(f, 0, 1);
	return taken > 0;
}

static Datum
lc_accept_any(FunctionCallInfo fcinfo)
{
	MemoryContext callercxt = CurrentMemoryContext;
	TaAccept	acc = {0};
	TaRow		row;
	Datum		args[3];

	ta_require_arg(fcinfo, 0, "order_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	ta_require_arg(fcinfo, 2, "vehicle_id");

	acc.fn_oid = fcinfo->flinfo->fn_oid;
	acc.with_events = true;
	acc.any_request = true;
	acc.order.id = *PG_GETARG_UUID_P(0);
	acc.transporter_id = *PG_GETARG_UUID_P(1);
	acc.vehicle_id = *PG_GETARG_UUID_P(2);
	acc.has_driver = !PG_ARGISNULL(3);
	if (acc.has_driver)
		acc.driver_id = *PG_GETARG_UUID_P(3);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = UUIDPGetDatum(&acc.order.id);
	memset(&row, 0, sizeof(row));
	if (!ta_row_fetch(&ta_order_row, acc.fn_oid, &acc.order.id, false, &row))
	{
		acc.outcome = TA_NOT_FOUND;
		acc.message = "No such order";
	}
	else
	{
		LcFree		f;
		bool		got;

		args[1] = TimestampTzGetDatum(GetCurrentTimestamp());
		args[2] = UUIDPGetDatum(&acc.vehicle_id);
		got = lc_find_free(&acc, args, &f);

		/*
		 * A request this call waited for may have expired meanwhile: take
		 * the next one up (the clock is read again, after the lock).
		 */
		while (got && !f.expires_isnull && f.expires_at <= GetCurrentTimestamp())
		{
			Datum		after[4];

			after[0] = args[0];
			after[1] = TimestampTzGetDatum(GetCurrentTimestamp());
			after[2] = args[2];
			after[3] = UUIDPGetDatum(&f.id);
			got = ta_exec(&any_wait_free_typed_after, acc.fn_oid, after, NULL) == 1;
			if (got)
				lc_free_from_row(&f, 0, 1);
		}

		if (got)
		{
			acc.request_id = f.id;
			acc.has_request = true;
			acc.have_request_tid = f.have_tid;
			acc.request_tid = f.tid;
			ta_accept_locked_request(&acc, f.vehicle_type);
			if (acc.outcome == TA_ACCEPTED)
			{
				lc_any_cursor.xid = GetTopTransactionId();
				lc_any_cursor.order_id = acc.order.id;
				lc_any_cursor.after = acc.request_id;
			}
		}
		else
			lc_accept_any_no_slot(&acc, args);
	}

	if (acc.message != NULL)
		acc.message = MemoryContextStrdup(callercxt, acc.message);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	if (acc.outcome == TA_NOT_FOUND)
		acc.order.known = false;
	return ta_accept_result(fcinfo, &acc, true);
}

Datum
accept_any_truck_request(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, lc_accept_any);
}

/* ---------------------------------------------------------------------------
 * take_events(max_count integer) RETURNS SETOF truck_accept.event
 *
 * The oldest events nobody else holds, removed in the caller's transaction:
 * a consumer that rolls back puts them back, one that commits has them alone.
 * (An installation updated from 1.1 returns SETOF truck_accept.events, the
 * row type of its events table: the same columns.)
 * ---------------------------------------------------------------------------
 */
static TaStatement take_stmt = {
	"WITH t AS ("
	" SELECT e.id FROM ONLY {events} e ORDER BY e.id LIMIT $1"
	" FOR UPDATE OF e SKIP LOCKED),"
	" d AS ("
	" DELETE FROM ONLY {events} e USING t WHERE e.id OPERATOR(pg_catalog.=) t.id"
	" RETURNING e.id, e.event_type, e.order_id, e.request_id, e.assignment_id,"
	" e.transporter_id, e.payload, e.created_at)"
	" SELECT * FROM d ORDER BY d.id",
	1, {INT4OID}, SPI_OK_SELECT, 0
};

/*
 * Which column of the rows the statement returned fills each column of the
 * function's row type, by name (-1: none, NULL; so is a dropped column, or
 * one the application added to the events table of an updated 1.1
 * installation, whose row type take_events returns).  A column of another
 * type is an error.
 */
static int *
lc_event_columns(TupleDesc result, TupleDesc returned)
{
	int		   *map = palloc(sizeof(int) * result->natts);
	int			i;

	for (i = 0; i < result->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(result, i);
		int			j;

		map[i] = -1;
		if (att->attisdropped)
			continue;
		for (j = 0; j < returned->natts; j++)
			if (strcmp(NameStr(TupleDescAttr(returned, j)->attname),
					   NameStr(att->attname)) == 0)
				break;
		if (j == returned->natts)
			continue;
		ta_check_column_type(ta_table_relid("events"), NameStr(att->attname),
							 TupleDescAttr(returned, j)->atttypid,
							 att->atttypid);
		map[i] = j;
	}
	return map;
}

static Datum
lc_take_events(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		max_count;
	TupleDesc	tupdesc;
	Tuplestorestate *tupstore;
	MemoryContext oldcxt;
	Datum		args[1];
	Datum	   *values;
	bool	   *nulls;
	Datum	   *row_values;
	bool	   *row_nulls;
	int		   *map;
	uint64		i;

	ta_require_arg(fcinfo, 0, "max_count");
	max_count = PG_GETARG_INT32(0);
	if (max_count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("argument \"%s\" must not be negative", "max_count")));

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");

	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tupdesc = CreateTupleDescCopy(tupdesc);
	tupstore = tuplestore_begin_heap(true, false, work_mem);
	MemoryContextSwitchTo(oldcxt);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = Int32GetDatum(max_count);
	ta_exec(&take_stmt, fcinfo->flinfo->fn_oid, args, NULL);
	map = lc_event_columns(tupdesc, SPI_tuptable->tupdesc);
	values = palloc(sizeof(Datum) * tupdesc->natts);
	nulls = palloc(sizeof(bool) * tupdesc->natts);
	row_values = palloc(sizeof(Datum) * SPI_tuptable->tupdesc->natts);
	row_nulls = palloc(sizeof(bool) * SPI_tuptable->tupdesc->natts);
	for (i = 0; i < SPI_processed; i++)
	{
		int			j;

		heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
						  row_values, row_nulls);
		for (j = 0; j < tupdesc->natts; j++)
		{
			values[j] = map[j] < 0 ? (Datum) 0 : row_values[map[j]];
			nulls[j] = map[j] < 0 ? true : row_nulls[map[j]];
		}
		tuplestore_putvalues(tupstore, tupdesc, values, nulls);
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tupstore;
	rsinfo->setDesc = tupdesc;
	return (Datum) 0;
}

Datum
take_events(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_take_events);
}
