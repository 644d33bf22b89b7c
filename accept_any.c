/*-------------------------------------------------------------------------
 *
 * accept_any.c
 *	  accept_any_truck_request() (truck_accept 1.1): take any free request
 *	  of an order, of the offered vehicle's type, and accept it.
 *
 * It finds and locks a free request (SKIP LOCKED, then waiting for one held
 * by an in-flight accept), and hands it to the acceptance core that
 * accept_truck_request() uses (ta_accept_locked_request, truck_accept.c).
 * It follows the contract and lock order of the lifecycle functions (see
 * lifecycle.c and truck_accept.c).
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "truck_accept.h"

PG_FUNCTION_INFO_V1(accept_any_truck_request);
PG_FUNCTION_INFO_V1(accept_any_truck_request_text);

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
	"SELECT {r.id}, {r.vehicle_type}, {r.expires_at:tz}" ANY_FREE_REQUEST_FROM

#define ANY_FREE_REQUEST_FROM \
	" FROM ONLY {truck_requests} r" \
	" WHERE {r.order_id} OPERATOR(pg_catalog.=) $1" \
	" AND {r.status} OPERATOR(pg_catalog.=) {r:'searching'}" \
	" AND ({r.expires_at} IS NULL OR {r.expires_at} OPERATOR(pg_catalog.>) {r:expires_at@$2})"

/*
 * ... of the type of the vehicle offered ($3), and with an id a call can
 * hold (a text id of at most TA_ID_MAX bytes: {r:id_fits})
 */
#define ANY_OF_TYPE \
	" AND {r.vehicle_type} OPERATOR(pg_catalog.=)" \
	" (SELECT {v.vehicle_type} FROM ONLY {vehicles} v WHERE {v.id} OPERATOR(pg_catalog.=) $3)" \
	"{r:id_fits}"
#define ANY_FREE_REQUEST_OF_TYPE ANY_FREE_REQUEST ANY_OF_TYPE

/*
 * The candidates of the SKIP LOCKED pass without a subtransaction
 * (lc_take_free_direct), read without a lock, with where each version is,
 * $5 at a time (first one: it is free unless callers collide); the second
 * form reads above an id ($4, unused by the first).
 */
#define ANY_CANDIDATES \
	"SELECT r.ctid, {r.id}, {r.vehicle_type}, {r.expires_at:tz}" \
	ANY_FREE_REQUEST_FROM ANY_OF_TYPE
#define ANY_BATCH_SQL " ORDER BY {r.id} LIMIT $5"
#define ANY_FIRST_BATCH 1
#define ANY_NEXT_BATCH 16

static TaStatement any_candidates = {
	ANY_CANDIDATES ANY_BATCH_SQL,
	5, {TA_ID, TIMESTAMPTZOID, TA_ID, TA_ID, INT8OID}, SPI_OK_SELECT, 0
};

static TaStatement any_candidates_after = {
	ANY_CANDIDATES " AND {r.id} OPERATOR(pg_catalog.>) $4" ANY_BATCH_SQL,
	5, {TA_ID, TIMESTAMPTZOID, TA_ID, TA_ID, INT8OID}, SPI_OK_SELECT, 0
};

#define ANY_LOCK " ORDER BY {r.id} LIMIT 1 FOR NO KEY UPDATE OF r"

/*
 * The waiting pass again, above the id of a request that expired while this
 * call waited for it: ids only go up, so the lock order holds.
 */
static TaStatement any_wait_free_typed_after = {
	ANY_FREE_REQUEST_OF_TYPE " AND {r.id} OPERATOR(pg_catalog.>) $4" ANY_LOCK,
	4, {TA_ID, TIMESTAMPTZOID, TA_ID, TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement any_take_free_typed = {
	ANY_FREE_REQUEST_OF_TYPE ANY_LOCK " SKIP LOCKED",
	3, {TA_ID, TIMESTAMPTZOID, TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement any_wait_free_typed = {
	ANY_FREE_REQUEST_OF_TYPE ANY_LOCK,
	3, {TA_ID, TIMESTAMPTZOID, TA_ID}, SPI_OK_SELECT, 1
};

/* Is any request of the order still open, of whatever type? (not locked) */
static TaStatement any_open_request = {
	"SELECT EXISTS (" ANY_FREE_REQUEST ")",
	2, {TA_ID, TIMESTAMPTZOID}, SPI_OK_SELECT, 1
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
	bool		owned = false;	/* by the caller's transporter */
	char		vehicle_status[TA_STATUS_LEN] = "";
	bool		any_open;

	lock_args[0] = ta_id_arg(&acc->vehicle_id);
	vehicle_found = ta_exec(&ta_lock_vehicle, acc->fn_oid, lock_args, NULL) == 1;
	if (vehicle_found)
	{
		owned = ta_id_matches(ta_row_col_notnull(0, 1, TA_ID), ta_id_type(false),
							  &acc->transporter_id);
		ta_col_status(3, vehicle_status);
	}
	lock_args[0] = ta_id_arg(&acc->order.id);
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
	if (vehicle_found && owned &&
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
	else if (!owned)
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
	TaId	id;
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

	f->id = ta_id_from(ta_row_col_notnull(row, first_col, TA_ID),
					   ta_id_type(false));
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
lc_take_free_direct(TaAccept *acc, Datum *args, const TaId *after,
					LcFree *f)
{
	Oid			relid = ta_table_relid("truck_requests");
	Relation	rel;
	TupleTableSlot *slot;
	bool		may_lock;
	TaId		above = {0};
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
		/* $4, the last id of the batch before, only after one */
		Datum		cargs[5] = {args[0], args[1], args[2],
			have_above ? ta_id_arg(&above) : (Datum) 0, Int64GetDatum(batch)};
		uint64		n = ta_exec(have_above ? &any_candidates_after : &any_candidates,
								acc->fn_oid, cargs, have_above ? NULL : "   n ");
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
		above = ta_id_from(ta_row_col_notnull(n - 1, 2, TA_ID),
						   ta_id_type(false));
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
	TaId	order_id;
	TaId	after;
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
		ta_id_eq(&lc_any_cursor.order_id, &acc->order.id))
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

	ta_require_uuid_trips(fcinfo);
	ta_require_arg(fcinfo, 0, "order_id");
	ta_require_arg(fcinfo, 1, "transporter_id");
	ta_require_arg(fcinfo, 2, "vehicle_id");

	acc.fn_oid = fcinfo->flinfo->fn_oid;
	acc.with_events = true;
	acc.any_request = true;
	ta_arg_id(fcinfo, 0, &acc.order.id);
	ta_arg_id(fcinfo, 1, &acc.transporter_id);
	ta_arg_id(fcinfo, 2, &acc.vehicle_id);
	acc.has_driver = !PG_ARGISNULL(3);
	if (acc.has_driver)
		ta_arg_id(fcinfo, 3, &acc.driver_id);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = ta_id_arg(&acc.order.id);
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
		args[2] = ta_id_arg(&acc.vehicle_id);
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
			after[3] = ta_id_arg(&f.id);
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
	return ta_call(fcinfo, 4, lc_accept_any, TA_API_UUID);
}

/* truck_accept_text.accept_any_truck_request(), 2.2 on: with text ids */
Datum
accept_any_truck_request_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 4, lc_accept_any, TA_API_TEXT);
}
