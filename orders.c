/*-------------------------------------------------------------------------
 *
 * orders.c
 *	  An order as the functions see it: its counter and status, read from a
 *	  statement's result or a row read by primary key, whether it is closed,
 *	  the status an open order's counter gives it, and the error when the
 *	  order a call must lock cannot be locked.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/rls.h"

#include "truck_accept.h"

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

/*
 * Closed: anything but searching or partially_filled (cancelled, expired,
 * completed, fully_filled, or a status of the application's own that a
 * binding does not map, such as "?DRAFT"), or full.
 */
bool
ta_order_is_closed(const TaOrder *order)
{
	return (strcmp(order->status, "searching") != 0 &&
			strcmp(order->status, "partially_filled") != 0) ||
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
ta_order_lock_failed(Oid fn_oid, const TaId *order_id, const char *what,
					 const TaId *whose, bool missing_is_error)
{
	Oid			relid = ta_table_relid("orders");

	if (OidIsValid(relid) &&
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 whose == NULL ?
				 errmsg("order %s cannot be locked in relation \"%s\"",
						ta_id_text(order_id), ta_relation_name(relid)) :
				 errmsg("order %s of %s %s cannot be locked in relation \"%s\"",
						ta_id_text(order_id), what, ta_id_text(whose),
						ta_relation_name(relid)),
				 errdetail("Row-level security hides the row from a locking read, which needs a policy for UPDATE as well as for SELECT."),
				 errhint("Give the role a policy for UPDATE on the table that covers the orders it may change, or exempt it from row-level security.")));
	if (missing_is_error)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("order %s of %s %s does not exist",
						ta_id_text(order_id), what, ta_id_text(whose)),
				 errdetail("Relation \"%s\" has no row with that id.",
						   ta_relation_name(relid)),
				 errhint("Correct the row that names the order, and restore its foreign key.")));
}
