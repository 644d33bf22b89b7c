/*-------------------------------------------------------------------------
 *
 * lifecycle.c
 *	  The rest of a truck slot's life (truck_accept 1.1): release, cancel,
 *	  expire and complete.  (accept-any is in accept_any.c, handing out the
 *	  events in events.c.)
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
 *							can still be won (accept_any.c)
 *	take_events				up to max_count of the oldest events, removed in
 *							the consumer's transaction, skipping those another
 *							consumer holds: each event goes to exactly one
 *							consumer that commits (events.c)
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/rls.h"

#include "truck_accept.h"

PG_FUNCTION_INFO_V1(release_truck_request);
PG_FUNCTION_INFO_V1(cancel_order);
PG_FUNCTION_INFO_V1(expire_truck_requests);
PG_FUNCTION_INFO_V1(complete_assignment);
PG_FUNCTION_INFO_V1(release_truck_request_text);
PG_FUNCTION_INFO_V1(cancel_order_text);
PG_FUNCTION_INFO_V1(complete_assignment_text);

/* Locks shared by several functions here. */
static TaStatement lc_lock_request = {
	"SELECT {r.status:text}, {r.order_id}, {r.assigned_transporter_id}"
	" FROM ONLY {truck_requests} r"
	" WHERE {r.id} OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF r",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/* The request's active assignment: stable while the request is locked. */
static TaStatement lc_read_active_assignment = {
	"SELECT {a.id}, {a.vehicle_id}, {a.driver_id}, {a.trip_id}"
	" FROM ONLY {assignments} a"
	" WHERE {a.truck_request_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'}",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/* Lock the vehicle and (if any) the driver of an assignment, in order. */
static void
lc_lock_vehicle_driver(Oid fn_oid, const TaId *vehicle_id,
					   const TaId *driver_id, bool has_driver)
{
	Datum		args[1];

	args[0] = ta_id_arg(vehicle_id);
	ta_exec(&ta_lock_vehicle, fn_oid, args, NULL);
	if (has_driver)
	{
		args[0] = ta_id_arg(driver_id);
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
	" SET {a:status} = {a:'released'}{a:touch}"
	" WHERE {a.id} OPERATOR(pg_catalog.=) $2 RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r"
	" SET {r:status} = {r:'searching'}, {r:assigned_transporter_id} = NULL,"
	" {r:assigned_vehicle_id} = NULL, {r:assigned_driver_id} = NULL,"
	" {r:assigned_at} = NULL{r:touch}"
	" WHERE {r.id} OPERATOR(pg_catalog.=) $1 RETURNING 1),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET {v:status} = {v:'available'}{v:touch}"
	" WHERE {v.id} OPERATOR(pg_catalog.=) $3 RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET {d:status} = {d:'available'}{d:touch}"
	" WHERE {d.id} OPERATOR(pg_catalog.=) $4 RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o"
	" SET {o:trucks_filled} = $6, {o:status} = COALESCE($7, {o.status}){o:touch}"
	" WHERE {o.id} OPERATOR(pg_catalog.=) $5 RETURNING 1),"
	" ev AS ("
	" INSERT INTO {events}"
	" (event_type, order_id, request_id, assignment_id, transporter_id, payload)"
	" VALUES ('released', $5, $1, $2, $8, $9::pg_catalog.jsonb) RETURNING 1)"
	LC_WRITTEN("SELECT 1 AS t FROM asg UNION ALL SELECT 2 FROM req"
			   " UNION ALL SELECT 4 FROM veh UNION ALL SELECT 8 FROM drv"
			   " UNION ALL SELECT 16 FROM ord UNION ALL SELECT 32 FROM ev"),
	9, {TA_ID, TA_ID, TA_ID, TA_ID, TA_ID, INT4OID,
	TA_ORDER_STATUS_PARAM, TA_ID, TEXTOID}, SPI_OK_SELECT, 1
};

/*
 * An assigned request without an active assignment: row-level security on
 * assignments hides it, or the rows are inconsistent (written around the
 * extension: invariant_violations shows them).
 */
static void
lc_no_active_assignment(Oid fn_oid, const TaId *request_id)
{
	Oid			relid = ta_table_relid("assignments");

	if (OidIsValid(relid) &&
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("the active assignment of truck request %s is not visible in relation \"%s\"",
						ta_id_text(request_id), ta_relation_name(relid)),
				 errdetail("Row-level security hides the row."),
				 errhint("Give the role a policy on the table that covers its own assignments, or exempt it from row-level security.")));
	ereport(ERROR,
			(errcode(ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION),
			 errmsg("truck request %s is assigned but has no active assignment",
					ta_id_text(request_id)),
			 errdetail("The rows were changed without truck_accept's functions."),
			 errhint("The view truck_accept.invariant_violations lists what is inconsistent; correct those rows.")));
}

static const Oid rel_result_types[8] = {TEXTOID, BOOLOID, TA_ID, TA_ID,
INT4OID, INT4OID, TEXTOID, TEXTOID};

/* What a release found and did, for its result row. */
typedef struct LcRelease
{
	TaId	request_id;
	TaId	transporter_id;
	const char *outcome;
	const char *message;
	TaOrder		order;
	bool		has_assignment;
	TaId	assignment_id;
} LcRelease;

/*
 * The JSON of a "released" event, for NOTIFY and the events table: the
 * assignment released (with its trip, vehicle and driver) and the order as
 * the release leaves it.
 */
static char *
lc_released_payload(const LcRelease *release, const TaId *trip_id,
					const TaId *vehicle_id, const TaId *driver_id,
					bool has_driver)
{
	StringInfoData payload;

	initStringInfo(&payload);
	appendStringInfoString(&payload, "{\"event\":\"released\"");
	ta_json_id(&payload, "request_id", &release->request_id, false);
	ta_json_id(&payload, "order_id", &release->order.id, false);
	ta_json_id(&payload, "assignment_id", &release->assignment_id, false);
	ta_json_id(&payload, "trip_id", trip_id, false);
	ta_json_id(&payload, "transporter_id", &release->transporter_id, false);
	ta_json_id(&payload, "vehicle_id", vehicle_id, false);
	ta_json_id(&payload, "driver_id", driver_id, !has_driver);
	appendStringInfo(&payload, ",\"trucks_filled\":%d,\"trucks_needed\":%d,\"order_status\":",
					 release->order.trucks_filled, release->order.trucks_needed);
	escape_json(&payload, release->order.status);
	appendStringInfoChar(&payload, '}');
	return payload.data;
}

/*
 * Release the request's active assignment, the row the last statement
 * returned (id, vehicle_id, driver_id, trip_id): lock its vehicle, driver
 * and order in the lock order, write it all in one statement (rel_writes),
 * check what it wrote, and queue the NOTIFY.
 */
static void
lc_release_assignment(LcRelease *release, Oid fn_oid)
{
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	bool		isnull;
	TaId	vehicle_id = ta_col_id(2, false, &isnull);
	bool		has_driver;
	TaId	driver_id = ta_col_id(3, false, &isnull);
	TaId	trip_id;
	char	   *payload;

	has_driver = !isnull;
	release->assignment_id = ta_col_id(1, false, &isnull);
	trip_id = ta_col_id(4, true, &isnull);
	release->has_assignment = true;

	lc_lock_vehicle_driver(fn_oid, &vehicle_id, &driver_id, has_driver);
	args[0] = ta_id_arg(&release->order.id);
	if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
		ta_order_lock_failed(fn_oid, &release->order.id, "truck request",
							 &release->request_id, true);
	ta_fetch_order(&release->order, 1);

	release->order.trucks_filled--;
	if (strcmp(release->order.status, "searching") == 0 ||
		strcmp(release->order.status, "partially_filled") == 0 ||
		strcmp(release->order.status, "fully_filled") == 0)
		strlcpy(release->order.status,
				ta_open_order_status(release->order.trucks_filled,
									 release->order.trucks_needed),
				TA_STATUS_LEN);

	payload = lc_released_payload(release, &trip_id, &vehicle_id, &driver_id,
								  has_driver);

	args[0] = ta_id_arg(&release->request_id);
	args[1] = ta_id_arg(&release->assignment_id);
	args[2] = ta_id_arg(&vehicle_id);
	args[3] = ta_id_arg(&driver_id);
	args[4] = ta_id_arg(&release->order.id);
	args[5] = Int32GetDatum(release->order.trucks_filled);
	args[7] = ta_id_arg(&release->transporter_id);
	args[8] = CStringGetTextDatum(payload);
	memset(arg_nulls, ' ', sizeof(arg_nulls));
	args[6] = ta_status_param("orders", release->order.status, &isnull);
	if (isnull)
		arg_nulls[6] = 'n';		/* the application's own status: kept */
	if (!has_driver)
		arg_nulls[3] = 'n';
	ta_exec(&rel_writes, fn_oid, args, arg_nulls);
	ta_check_writes("releasing truck request", &release->request_id, fn_oid,
					rel_tables, 1 | 2 | 4 | (has_driver ? 8 : 0) | 16 | 32);
	ta_notify_payload(payload);

	release->outcome = "released";
	release->message = "Truck request released";
}

/*
 * Release the request that lc_lock_request locked, the row the last
 * statement returned (status, order_id, assigned_transporter_id), if it is
 * assigned to this transporter; else say why not.
 */
static void
lc_release_locked(LcRelease *release, Oid fn_oid)
{
	char		status[TA_STATUS_LEN];
	Datum		holder;
	bool		holder_isnull;
	bool		isnull;
	Datum		args[1];

	ta_col_status(1, status);
	release->order.id = ta_col_id(2, false, &isnull);
	holder = ta_col(3, TA_ID, &holder_isnull);

	args[0] = ta_id_arg(&release->request_id);
	if (strcmp(status, "assigned") != 0)
	{
		release->outcome = "not_assigned";
		release->message = "This request is not assigned";
	}
	else if (holder_isnull ||
			 !ta_id_matches(holder, ta_id_type(false), &release->transporter_id))
	{
		release->outcome = "not_yours";
		release->message = "This request is assigned to another transporter";
	}
	else if (ta_exec(&lc_read_active_assignment, fn_oid, args, NULL) != 1)
		lc_no_active_assignment(fn_oid, &release->request_id);
	else
		lc_release_assignment(release, fn_oid);
}

/* The result row of a release, built in the caller's memory. */
static Datum
lc_release_result(FunctionCallInfo fcinfo, const LcRelease *release)
{
	TupleDesc	tupdesc;
	Datum		values[8];
	bool		nulls[8] = {0};

	tupdesc = lc_result_tupdesc(fcinfo, 8, rel_result_types);
	values[0] = CStringGetTextDatum(release->outcome);
	values[1] = BoolGetDatum(strcmp(release->outcome, "released") == 0);
	if (release->has_assignment)
		values[2] = ta_id_result(&release->assignment_id, &nulls[2]);
	else
		nulls[2] = true;
	if (strcmp(release->outcome, "not_found") != 0)
		values[3] = ta_id_result(&release->order.id, &nulls[3]);
	else
		nulls[3] = true;
	if (release->order.known)
	{
		values[4] = Int32GetDatum(release->order.trucks_filled);
		values[5] = Int32GetDatum(release->order.trucks_needed);
		values[6] = CStringGetTextDatum(release->order.status);
	}
	else
		nulls[4] = nulls[5] = nulls[6] = true;
	values[7] = CStringGetTextDatum(release->message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static Datum
lc_release(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	LcRelease	release = {0};
	Datum		args[1];

	ta_require_arg(fcinfo, 0, "request_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	ta_arg_id(fcinfo, 0, &release.request_id);
	ta_arg_id(fcinfo, 1, &release.transporter_id);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = ta_id_arg(&release.request_id);
	if (ta_exec(&lc_lock_request, fn_oid, args, NULL) == 0)
	{
		release.outcome = "not_found";
		release.message = "No such truck request";
	}
	else
	{
		lc_release_locked(&release, fn_oid);
		if (!release.order.known)
		{
			args[0] = ta_id_arg(&release.order.id);
			if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 1)
				ta_fetch_order(&release.order, 1);
		}
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	return lc_release_result(fcinfo, &release);
}

Datum
release_truck_request(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 2, lc_release, TA_API_UUID);
}

/* truck_accept_text.release_truck_request(), 2.2 on: with text ids */
Datum
release_truck_request_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 2, lc_release, TA_API_TEXT);
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
	"SELECT {r.id}, {r.status:text} FROM ONLY {truck_requests} r"
	" WHERE {r.order_id} OPERATOR(pg_catalog.=) $1"
	" ORDER BY {r.id} FOR NO KEY UPDATE OF r",
	1, {TA_ID}, SPI_OK_SELECT, 0
};

static TaStatement can_lock_vehicles = {
	"SELECT {v.id} FROM ONLY {vehicles} v"
	" WHERE {v.id} OPERATOR(pg_catalog.=) ANY (SELECT {a.vehicle_id} FROM ONLY {assignments} a"
	" WHERE {a.order_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'})"
	" ORDER BY {v.id} FOR NO KEY UPDATE OF v",
	1, {TA_ID}, SPI_OK_SELECT, 0
};

static TaStatement can_lock_drivers = {
	"SELECT {d.id} FROM ONLY {drivers} d"
	" WHERE {d.id} OPERATOR(pg_catalog.=) ANY (SELECT {a.driver_id} FROM ONLY {assignments} a"
	" WHERE {a.order_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'})"
	" ORDER BY {d.id} FOR NO KEY UPDATE OF d",
	1, {TA_ID}, SPI_OK_SELECT, 0
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
	" UPDATE ONLY {assignments} a SET {a:status} = {a:'cancelled'}{a:touch}"
	" WHERE {a.truck_request_id} OPERATOR(pg_catalog.=) ANY ($2)"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'}"
	" RETURNING {a.id} AS id, {a.truck_request_id} AS truck_request_id,"
	" {a.transporter_id} AS transporter_id, {a.vehicle_id} AS vehicle_id,"
	" {a.driver_id} AS driver_id, {a.trip_id} AS trip_id),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET {v:status} = {v:'available'}{v:touch}"
	" FROM act WHERE {v.id} OPERATOR(pg_catalog.=) act.vehicle_id RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET {d:status} = {d:'available'}{d:touch}"
	" FROM act WHERE {d.id} OPERATOR(pg_catalog.=) act.driver_id RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r SET {r:status} = {r:'cancelled'}{r:touch}"
	" WHERE {r.id} OPERATOR(pg_catalog.=) ANY ($2)"
	" AND {r.status} OPERATOR(pg_catalog.=) ANY (ARRAY[{r:'searching'}, {r:'assigned'}])"
	" RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o SET {o:status} = {o:'cancelled'}{o:touch},"
	" {o:trucks_filled} = ((SELECT pg_catalog.count(*) FROM ONLY {assignments} c"
	" WHERE {c.order_id} OPERATOR(pg_catalog.=) $1"
	" AND {c.status} OPERATOR(pg_catalog.=) ANY (ARRAY[{c:'active'}, {c:'completed'}]))"
	" OPERATOR(pg_catalog.-) (SELECT pg_catalog.count(*) FROM act))::pg_catalog.int4"
	" WHERE {o.id} OPERATOR(pg_catalog.=) $1 RETURNING 1),"
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
	2, {TA_ID, TA_ID_ARRAY}, SPI_OK_SELECT, 0
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
lc_check_cancel_writes(Oid fn_oid, const TaId *order_id,
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

/* What a cancellation found and did, for its result row. */
typedef struct LcCancel
{
	TaOrder		order;
	const char *outcome;
	const char *message;
	int32		requests_cancelled;
	int32		assignments_cancelled;
} LcCancel;

/*
 * Lock all the requests of the order (args[0]) sorted by id: returns their
 * ids as a uuid[] for the writes, and counts the open ones and, of those,
 * the assigned ones.
 */
static Datum
lc_cancel_lock_requests(Oid fn_oid, Datum *args, int32 *open_requests,
						int32 *assigned_requests)
{
	uint64		nrequests = ta_exec(&can_lock_requests, fn_oid, args, NULL);
	Datum	   *ids = palloc(sizeof(Datum) * (nrequests + 1));
	uint64		i;

	for (i = 0; i < nrequests; i++)
	{
		bool		isnull;
		Datum		status = ta_row_col(i, 2, TEXTOID, &isnull);
		char	   *s = isnull ? "" : TextDatumGetCString(status);

		ids[i] = ta_row_col_notnull(i, 1, TA_ID);	/* lives until SPI_finish */
		if (strcmp(s, "assigned") == 0)
			(*assigned_requests)++;
		if (strcmp(s, "assigned") == 0 || strcmp(s, "searching") == 0)
			(*open_requests)++;
	}
	if (ta_id_type(false) == TEXTOID)
		return PointerGetDatum(construct_array(ids, (int) nrequests, TEXTOID,
											   -1, false, TYPALIGN_INT));
	return PointerGetDatum(construct_array(ids, (int) nrequests, UUIDOID,
										   UUID_LEN, false, TYPALIGN_CHAR));
}

/*
 * Cancel an order that a plain read found open: lock its requests, the
 * vehicles and drivers of its active assignments, then the order, in the
 * lock order; check the order again as the lock finds it; write it all in
 * one statement (can_writes), check what it wrote, and queue a NOTIFY per
 * event.
 */
static void
lc_cancel_locked(LcCancel *cancel, Oid fn_oid)
{
	Datum		args[1];
	Datum		locked_ids;
	int32		open_requests = 0;
	int32		assigned_requests = 0;

	args[0] = ta_id_arg(&cancel->order.id);

	/* requests, vehicles, drivers, then the order: the lock order */
	locked_ids = lc_cancel_lock_requests(fn_oid, args, &open_requests,
										 &assigned_requests);
	ta_exec(&can_lock_vehicles, fn_oid, args, NULL);
	ta_exec(&can_lock_drivers, fn_oid, args, NULL);
	cancel->order.known = false;	/* as the lock finds it */
	if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
		ta_order_lock_failed(fn_oid, &cancel->order.id, "order", NULL, false);
	else
		ta_fetch_order(&cancel->order, 1);

	if (!cancel->order.known)
	{
		/* deleted while this call waited for it */
		cancel->outcome = "not_found";
		cancel->message = "No such order";
	}
	else if (lc_order_status_is_final(cancel->order.status))
	{
		cancel->outcome = "already_closed";
		cancel->message = "This order is already closed";
	}
	else
	{
		Datum		wargs[2] = {args[0], locked_ids};

		ta_exec(&can_writes, fn_oid, wargs, NULL);
		cancel->requests_cancelled = ta_col_int32(2);
		cancel->assignments_cancelled = ta_col_int32(3);
		lc_check_cancel_writes(fn_oid, &cancel->order.id, open_requests,
							   assigned_requests);
		lc_notify_rows();

		strlcpy(cancel->order.status, "cancelled", TA_STATUS_LEN);
		cancel->outcome = "cancelled";
		cancel->message = "Order cancelled";
	}
}

/* The result row of a cancellation, built in the caller's memory. */
static Datum
lc_cancel_result(FunctionCallInfo fcinfo, const LcCancel *cancel)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {0};

	tupdesc = lc_result_tupdesc(fcinfo, 6, can_result_types);
	values[0] = CStringGetTextDatum(cancel->outcome);
	values[1] = BoolGetDatum(strcmp(cancel->outcome, "cancelled") == 0);
	values[2] = Int32GetDatum(cancel->requests_cancelled);
	values[3] = Int32GetDatum(cancel->assignments_cancelled);
	if (cancel->order.known)
		values[4] = CStringGetTextDatum(cancel->order.status);
	else
		nulls[4] = true;
	values[5] = CStringGetTextDatum(cancel->message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static Datum
lc_cancel_order(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	LcCancel	cancel = {0};
	Datum		args[1];

	ta_require_arg(fcinfo, 0, "order_id");
	ta_arg_id(fcinfo, 0, &cancel.order.id);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = ta_id_arg(&cancel.order.id);
	if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 0)
	{
		cancel.outcome = "not_found";
		cancel.message = "No such order";
	}
	else
	{
		ta_fetch_order(&cancel.order, 1);
		if (lc_order_status_is_final(cancel.order.status))
		{
			cancel.outcome = "already_closed";
			cancel.message = "This order is already closed";
		}
		else
			lc_cancel_locked(&cancel, fn_oid);
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	return lc_cancel_result(fcinfo, &cancel);
}

Datum
cancel_order(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_cancel_order, TA_API_UUID);
}

/* truck_accept_text.cancel_order(), 2.2 on: with text ids */
Datum
cancel_order_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_cancel_order, TA_API_TEXT);
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
	" SELECT {r.id} AS id FROM ONLY {truck_requests} r"
	" WHERE {r.status} OPERATOR(pg_catalog.=) {r:'searching'}"
	" AND {r.expires_at} OPERATOR(pg_catalog.<=) {r:expires_at@$1}"
	" ORDER BY {r.id} FOR NO KEY UPDATE OF r SKIP LOCKED),"
	" upd AS ("
	" UPDATE ONLY {truck_requests} r SET {r:status} = {r:'expired'}{r:touch}"
	" FROM locked WHERE {r.id} OPERATOR(pg_catalog.=) locked.id"
	" RETURNING {r.id} AS id, {r.order_id} AS order_id, {r.expires_at:tz} AS expires_at),"
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
	" SELECT {o.id} AS id FROM ONLY {orders} o"
	" WHERE {o.status} OPERATOR(pg_catalog.=) {o:'searching'}"
	" AND {o.trucks_filled} OPERATOR(pg_catalog.=) 0"
	" AND EXISTS (SELECT 1 FROM ONLY {truck_requests} r"
	"  WHERE {r.order_id} OPERATOR(pg_catalog.=) {o.id}"
	"  AND {r.status} OPERATOR(pg_catalog.=) {r:'expired'})"
	" AND NOT EXISTS (SELECT 1 FROM ONLY {truck_requests} r"
	"  WHERE {r.order_id} OPERATOR(pg_catalog.=) {o.id}"
	"  AND {r.status} OPERATOR(pg_catalog.=) {r:'searching'})"
	" ORDER BY {o.id} FOR NO KEY UPDATE OF o SKIP LOCKED),"
	" upd AS ("
	" UPDATE ONLY {orders} o SET {o:status} = {o:'expired'}{o:touch}"
	" FROM locked WHERE {o.id} OPERATOR(pg_catalog.=) locked.id"
	" AND {o.status} OPERATOR(pg_catalog.=) {o:'searching'}"
	" AND {o.trucks_filled} OPERATOR(pg_catalog.=) 0"
	" RETURNING {o.id} AS id),"
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
	return ta_call(fcinfo, 1, lc_expire, TA_API_NONE);
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
	"SELECT {a.truck_request_id} FROM ONLY {assignments} a"
	" WHERE {a.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/* Read under the request's lock, which every change of the assignment takes. */
static TaStatement cmp_read = {
	"SELECT {a.status:text}, {a.order_id}, {a.vehicle_id}, {a.driver_id},"
	" {a.transporter_id}, {a.trip_id}"
	" FROM ONLY {assignments} a"
	" WHERE {a.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/* Under the order's lock: the order's other active assignments. */
static TaStatement cmp_others = {
	"SELECT pg_catalog.count(*)::pg_catalog.int4 FROM ONLY {assignments} a"
	" WHERE {a.order_id} OPERATOR(pg_catalog.=) $1"
	" AND {a.status} OPERATOR(pg_catalog.=) {a:'active'}"
	" AND {a.id} OPERATOR(pg_catalog.<>) $2",
	2, {TA_ID, TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement cmp_writes = {
	"WITH asg AS ("
	" UPDATE ONLY {assignments} a SET {a:status} = {a:'completed'}{a:touch}"
	" WHERE {a.id} OPERATOR(pg_catalog.=) $1 RETURNING 1),"
	" req AS ("
	" UPDATE ONLY {truck_requests} r SET {r:status} = {r:'completed'}{r:touch}"
	" WHERE {r.id} OPERATOR(pg_catalog.=) $2 RETURNING 1),"
	" veh AS ("
	" UPDATE ONLY {vehicles} v SET {v:status} = {v:'available'}{v:touch}"
	" WHERE {v.id} OPERATOR(pg_catalog.=) $3 RETURNING 1),"
	" drv AS ("
	" UPDATE ONLY {drivers} d SET {d:status} = {d:'available'}{d:touch}"
	" WHERE {d.id} OPERATOR(pg_catalog.=) $4 RETURNING 1),"
	" ord AS ("
	" UPDATE ONLY {orders} o"
	" SET {o:status} = CASE WHEN $6 THEN {o:'completed'} ELSE {o.status} END{o:touch}"
	" WHERE {o.id} OPERATOR(pg_catalog.=) $5 RETURNING 1),"
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
	9, {TA_ID, TA_ID, TA_ID, TA_ID, TA_ID, BOOLOID, TA_ID, TEXTOID,
	TEXTOID}, SPI_OK_SELECT, 1
};

/* The tables a completion writes, by the bit of LC_WRITTEN */
static const char *const cmp_tables[] = {
	"assignments", "truck_requests", "vehicles", "drivers", "orders", "events",
	"events"
};

static const Oid cmp_result_types[6] = {TEXTOID, BOOLOID, TA_ID, TA_ID,
TEXTOID, TEXTOID};

/* What a completion found and did, for its result row. */
typedef struct LcComplete
{
	TaId	assignment_id;
	TaId	request_id;
	bool		found;
	TaOrder		order;
	const char *outcome;
	const char *message;
} LcComplete;

/*
 * The JSON of an "assignment_completed" event, for NOTIFY and the events
 * table: the assignment (with its trip, transporter, vehicle and driver) and
 * the order's status as the completion leaves it.
 */
static char *
lc_completed_payload(const LcComplete *complete, const TaId *trip_id,
					 const TaId *transporter_id,
					 const TaId *vehicle_id, const TaId *driver_id,
					 bool has_driver)
{
	StringInfoData payload;

	initStringInfo(&payload);
	appendStringInfoString(&payload, "{\"event\":\"assignment_completed\"");
	ta_json_id(&payload, "assignment_id", &complete->assignment_id, false);
	ta_json_id(&payload, "request_id", &complete->request_id, false);
	ta_json_id(&payload, "order_id", &complete->order.id, false);
	ta_json_id(&payload, "trip_id", trip_id, false);
	ta_json_id(&payload, "transporter_id", transporter_id, false);
	ta_json_id(&payload, "vehicle_id", vehicle_id, false);
	ta_json_id(&payload, "driver_id", driver_id, !has_driver);
	appendStringInfoString(&payload, ",\"order_status\":");
	escape_json(&payload, complete->order.status);
	appendStringInfoChar(&payload, '}');
	return payload.data;
}

/* The JSON of an "order_completed" event. */
static char *
lc_order_completed_payload(const TaId *order_id)
{
	StringInfoData order_payload;

	initStringInfo(&order_payload);
	appendStringInfoString(&order_payload, "{\"event\":\"order_completed\"");
	ta_json_id(&order_payload, "order_id", order_id, false);
	appendStringInfoChar(&order_payload, '}');
	return order_payload.data;
}

/*
 * Complete an active assignment, the row cmp_read returned last (status,
 * order_id, vehicle_id, driver_id, transporter_id, trip_id): lock its
 * vehicle, driver and order in the lock order; complete the order too when
 * it is fully filled and this was its last active assignment; write it all
 * in one statement (cmp_writes), check what it wrote, and queue the
 * NOTIFYs.
 */
static void
lc_complete_active(LcComplete *complete, Oid fn_oid)
{
	Datum		args[TA_MAX_ARGS];
	char		arg_nulls[TA_MAX_ARGS];
	bool		isnull;
	TaId	vehicle_id = ta_col_id(3, false, &isnull);
	TaId	driver_id = ta_col_id(4, false, &isnull);
	bool		has_driver = !isnull;
	TaId	transporter_id = ta_col_id(5, false, &isnull);
	TaId	trip_id = ta_col_id(6, true, &isnull);
	bool		complete_order;
	char	   *payload;
	char	   *order_payload;

	lc_lock_vehicle_driver(fn_oid, &vehicle_id, &driver_id, has_driver);
	args[0] = ta_id_arg(&complete->order.id);
	if (ta_exec(&ta_lock_order, fn_oid, args, NULL) != 1)
		ta_order_lock_failed(fn_oid, &complete->order.id, "assignment",
							 &complete->assignment_id, true);
	ta_fetch_order(&complete->order, 1);

	args[1] = ta_id_arg(&complete->assignment_id);
	ta_exec(&cmp_others, fn_oid, args, NULL);
	complete_order = ta_col_int32(1) == 0 &&
		strcmp(complete->order.status, "fully_filled") == 0 &&
		complete->order.trucks_filled >= complete->order.trucks_needed;
	if (complete_order)
		strlcpy(complete->order.status, "completed", TA_STATUS_LEN);

	payload = lc_completed_payload(complete, &trip_id, &transporter_id,
								   &vehicle_id, &driver_id, has_driver);
	order_payload = lc_order_completed_payload(&complete->order.id);

	args[0] = ta_id_arg(&complete->assignment_id);
	args[1] = ta_id_arg(&complete->request_id);
	args[2] = ta_id_arg(&vehicle_id);
	args[3] = ta_id_arg(&driver_id);
	args[4] = ta_id_arg(&complete->order.id);
	args[5] = BoolGetDatum(complete_order);
	args[6] = ta_id_arg(&transporter_id);
	args[7] = CStringGetTextDatum(payload);
	args[8] = CStringGetTextDatum(order_payload);
	memset(arg_nulls, ' ', sizeof(arg_nulls));
	if (!has_driver)
		arg_nulls[3] = 'n';
	ta_exec(&cmp_writes, fn_oid, args, arg_nulls);
	ta_check_writes("completing assignment", &complete->assignment_id, fn_oid,
					cmp_tables, 1 | 2 | 4 | (has_driver ? 8 : 0) | 16 | 32 |
					(complete_order ? 64 : 0));
	ta_notify_payload(payload);
	if (complete_order)
		ta_notify_payload(order_payload);

	complete->outcome = "completed";
	complete->message = complete_order ? "Trip completed; the order is completed" :
		"Trip completed";
}

/*
 * Complete the assignment that cmp_find found (the last statement's row:
 * its request's id): lock the request first, then read the assignment as it
 * stands under that lock, and complete it if it is active; else say why
 * not.
 */
static void
lc_complete_found(LcComplete *complete, Oid fn_oid)
{
	char		status[TA_STATUS_LEN];
	Datum		args[1];
	bool		isnull;

	complete->found = true;
	complete->request_id = ta_col_id(1, false, &isnull);

	/* the request first, then the assignment as it stands under its lock */
	args[0] = ta_id_arg(&complete->request_id);
	ta_exec(&lc_lock_request, fn_oid, args, NULL);
	args[0] = ta_id_arg(&complete->assignment_id);
	if (ta_exec(&cmp_read, fn_oid, args, NULL) != 1)
	{
		/* deleted while this call waited for its request */
		complete->found = false;
		status[0] = '\0';
	}
	else
	{
		ta_col_status(1, status);
		complete->order.id = ta_col_id(2, false, &isnull);
	}

	if (!complete->found)
	{
		complete->outcome = "not_found";
		complete->message = "No such assignment";
	}
	else if (strcmp(status, "completed") == 0)
	{
		complete->outcome = "already_completed";
		complete->message = "This trip is already completed";
	}
	else if (strcmp(status, "active") != 0)
	{
		complete->outcome = "not_active";
		complete->message = psprintf("This assignment is not active (%s)", status);
	}
	else
		lc_complete_active(complete, fn_oid);
}

/* The result row of a completion, built in the caller's memory. */
static Datum
lc_complete_result(FunctionCallInfo fcinfo, const LcComplete *complete)
{
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {0};

	tupdesc = lc_result_tupdesc(fcinfo, 6, cmp_result_types);
	values[0] = CStringGetTextDatum(complete->outcome);
	values[1] = BoolGetDatum(strcmp(complete->outcome, "completed") == 0);
	if (complete->found)
	{
		values[2] = ta_id_result(&complete->request_id, &nulls[2]);
		values[3] = ta_id_result(&complete->order.id, &nulls[3]);
	}
	else
		nulls[2] = nulls[3] = true;
	if (complete->order.known)
		values[4] = CStringGetTextDatum(complete->order.status);
	else
		nulls[4] = true;
	values[5] = CStringGetTextDatum(complete->message);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

static Datum
lc_complete(FunctionCallInfo fcinfo)
{
	Oid			fn_oid = fcinfo->flinfo->fn_oid;
	MemoryContext callercxt = CurrentMemoryContext;
	LcComplete	complete = {0};
	Datum		args[1];

	ta_require_arg(fcinfo, 0, "assignment_id");
	ta_arg_id(fcinfo, 0, &complete.assignment_id);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = ta_id_arg(&complete.assignment_id);
	if (ta_exec(&cmp_find, fn_oid, args, NULL) == 0)
	{
		complete.outcome = "not_found";
		complete.message = "No such assignment";
	}
	else
	{
		lc_complete_found(&complete, fn_oid);
		if (complete.found && !complete.order.known)
		{
			args[0] = ta_id_arg(&complete.order.id);
			if (ta_exec(&ta_read_order, fn_oid, args, NULL) == 1)
				ta_fetch_order(&complete.order, 1);
		}
	}

	complete.message = MemoryContextStrdup(callercxt, complete.message);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	MemoryContextSwitchTo(callercxt);

	return lc_complete_result(fcinfo, &complete);
}

Datum
complete_assignment(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_complete, TA_API_UUID);
}

/* truck_accept_text.complete_assignment(), 2.2 on: with text ids */
Datum
complete_assignment_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_complete, TA_API_TEXT);
}
