/*-------------------------------------------------------------------------
 *
 * rows.c
 *	  Rows by primary key: reading and locking the one row of a table that
 *	  an acceptance checks (a request, a vehicle, a driver, an order),
 *	  directly with the index and table access methods, or through the SQL
 *	  statement of the same read where the direct one does not apply.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "truck_accept.h"

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
 * A text "id" (2.2 on) is read directly only where its key's collation is
 * deterministic, so that the key's equality is byte-wise as the recheck of
 * a newer version's id is; under a nondeterministic collation (one that
 * ignores case, say) the statement reads it, and its "=" decides.
 */

/*
 * The same reads as SQL statements, a plain SELECT and a locking one per
 * table.  The locks of vehicles, drivers and orders and the plain read of
 * an order serve lifecycle.c and accept_any.c as well.
 */
static TaStatement ta_lock_request = {
	"SELECT {r.status:text}, {r.order_id}, {r.vehicle_type},"
	" {r.assigned_transporter_id}, {r.expires_at:tz}"
	" FROM ONLY {truck_requests} r"
	" WHERE {r.id} OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF r",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_vehicle = {
	"SELECT {v.transporter_id}, {v.vehicle_type}, {v.status:text}"
	" FROM ONLY {vehicles} v"
	" WHERE {v.id} OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF v",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_driver = {
	"SELECT {d.transporter_id}, {d.status:text}"
	" FROM ONLY {drivers} d"
	" WHERE {d.id} OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF d",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

TaStatement ta_lock_order = {
	"SELECT {o.trucks_filled}, {o.trucks_needed}, {o.status:text}"
	" FROM ONLY {orders} o"
	" WHERE {o.id} OPERATOR(pg_catalog.=) $1"
	" FOR NO KEY UPDATE OF o",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

TaStatement ta_read_order = {
	"SELECT {o.trucks_filled}, {o.trucks_needed}, {o.status:text}"
	" FROM ONLY {orders} o"
	" WHERE {o.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_request = {
	"SELECT {r.status:text}, {r.order_id}, {r.vehicle_type},"
	" {r.assigned_transporter_id}, {r.expires_at:tz}"
	" FROM ONLY {truck_requests} r"
	" WHERE {r.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_vehicle = {
	"SELECT {v.transporter_id}, {v.vehicle_type}, {v.status:text}"
	" FROM ONLY {vehicles} v"
	" WHERE {v.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

static TaStatement ta_read_driver = {
	"SELECT {d.transporter_id}, {d.status:text}"
	" FROM ONLY {drivers} d"
	" WHERE {d.id} OPERATOR(pg_catalog.=) $1",
	1, {TA_ID}, SPI_OK_SELECT, 1
};

/*
 * The same reads, for ta_row_fetch(): the columns in the statements' order,
 * their types, and which must not be null.
 */
const TaRowSpec ta_request_row = {
	"truck_requests", 5,
	{"status", "order_id", "vehicle_type", "assigned_transporter_id", "expires_at"},
	{TEXTOID, TA_ID, TEXTOID, TA_ID, TIMESTAMPTZOID}, 0x07,
	&ta_read_request, &ta_lock_request
};

const TaRowSpec ta_vehicle_row = {
	"vehicles", 3, {"transporter_id", "vehicle_type", "status"},
	{TA_ID, TEXTOID, TEXTOID}, 0x07,
	&ta_read_vehicle, &ta_lock_vehicle
};

const TaRowSpec ta_driver_row = {
	"drivers", 2, {"transporter_id", "status"},
	{TA_ID, TEXTOID}, 0x03,
	&ta_read_driver, &ta_lock_driver
};

const TaRowSpec ta_order_row = {
	"orders", 3, {"trucks_filled", "trucks_needed", "status"},
	{INT4OID, INT4OID, TEXTOID}, 0x07,
	&ta_read_order, &ta_lock_order
};

/* Read the row through its SQL statement (see ROWS BY PRIMARY KEY). */
static bool
ta_row_fetch_spi(const TaRowSpec *spec, Oid fn_oid, const TaId *id,
				 bool lock, TaRow *row)
{
	Datum		args[1];
	TupleDesc	tupdesc;
	int			i;

	args[0] = ta_id_arg(id);
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
	Oid			id_type;

	if (!OidIsValid(indexoid) || id_attnum == InvalidAttrNumber)
		return InvalidOid;
	id_type = TupleDescAttr(RelationGetDescr(rel), id_attnum - 1)->atttypid;
	/* (varchar is read with text's operator class: the same) */
	if (id_type != ta_id_type(false) &&
		!(id_type == VARCHAROID && ta_id_type(false) == TEXTOID))
		return InvalidOid;

	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	{
		Form_pg_index idx = (Form_pg_index) GETSTRUCT(tup);

		ok = idx->indnkeyatts == 1 && idx->indkey.values[0] == id_attnum &&
			idx->indimmediate;
	}
	/* a text key: only where equality is byte-wise (see ROWS BY PRIMARY KEY) */
	if (ok && ta_id_type(false) == TEXTOID)
	{
		bool		isnull;
		Datum		d = SysCacheGetAttr(INDEXRELID, tup,
										Anum_pg_index_indcollation, &isnull);
		Oid			collation = isnull ? InvalidOid :
			((oidvector *) DatumGetPointer(d))->values[0];

		ok = OidIsValid(collation) && get_collation_isdeterministic(collation);
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
	*id_attnum = ta_attnum(tupdesc, ta_column_att(spec->kind, "id"));
	if (*id_attnum != InvalidAttrNumber)
		ta_check_column_type(relid, ta_column_att(spec->kind, "id"),
							 TupleDescAttr(tupdesc, *id_attnum - 1)->atttypid,
							 TA_ID);
	for (i = 0; i < spec->ncols; i++)
	{
		const char *att = ta_column_att(spec->kind, spec->cols[i]);
		Oid			type;

		attnums[i] = ta_attnum(tupdesc, att);
		if (attnums[i] == InvalidAttrNumber)
			continue;
		type = TupleDescAttr(tupdesc, attnums[i] - 1)->atttypid;
		if (!ta_status_is_enum(spec->kind, type) ||
			strcmp(spec->cols[i], "status") != 0)
			ta_check_column_type(relid, att, type, spec->types[i]);
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
				  const TaId *id, bool settle, TupleTableSlot *slot,
				  TaRow *row)
{
	Relation	index = index_open(indexoid, AccessShareLock);
	IndexScanDesc scan;
	ScanKeyData key;
	bool		found;

	if (id->type == UUIDOID)
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, ta_id_arg(id));
	else
	{
		ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_TEXTEQ, ta_id_arg(id));
		key.sk_collation = index->rd_indcollation[0];
	}
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
			const TaId *id, TaRow *row, TupleTableSlot *locked)
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

				return !isnull && ta_id_matches(d, ta_id_type(false), id);
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
 * Copy the columns spec reads from the row version in slot into row, and
 * where that version is.
 */
static void
ta_row_copy(Relation rel, const TaRowSpec *spec, const AttrNumber *attnums,
			TupleTableSlot *slot, TaRow *row)
{
	TupleDesc	tupdesc = RelationGetDescr(rel);
	int			i;

	for (i = 0; i < spec->ncols; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, attnums[i] - 1);
		Datum		d = slot_getattr(slot, attnums[i], &row->nulls[i]);

		if (row->nulls[i])
			row->values[i] = (Datum) 0;
		else if (strcmp(spec->cols[i], "status") == 0 &&
				 !ta_status_plain(spec->kind))
		{
			/* a bound status: the extension's name of it, as text */
			char		status[TA_STATUS_LEN];

			ta_status_text(spec->kind, d, att->atttypid, status);
			row->values[i] = CStringGetTextDatum(status);
		}
		else
			row->values[i] = datumCopy(d, att->attbyval, att->attlen);
	}
	row->tid = slot->tts_tid;
}

/*
 * The direct read of ta_row_fetch(), under a new snapshot of the statement:
 * find the row through the primary key index (indexoid) or, to lock a
 * version this call found before (row->have_tid), take that version; lock
 * it if asked; copy its columns into row.  Returns false if there is no
 * such row.
 */
static bool
ta_row_fetch_direct(Relation rel, const TaRowSpec *spec, Oid indexoid,
					const AttrNumber *attnums, AttrNumber id_attnum,
					const TaId *id, bool lock, bool may_lock, TaRow *row)
{
	Snapshot	snapshot;
	TupleTableSlot *slot = table_slot_create(rel, NULL);
	bool		found;

	/* A statement's snapshot, as SPI takes it for a statement that may write. */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();
	snapshot = GetActiveSnapshot();

	if (lock && row->have_tid)
		found = true;			/* the version this call read: lock it below */
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
		ta_row_copy(rel, spec, attnums, slot, row);
	row->have_tid = found;
	ExecDropSingleTupleTableSlot(slot);
	PopActiveSnapshot();
	return found;
}

/* A NULL read in a column spec needs a value in: an error (23502). */
static void
ta_row_check_notnull(Relation rel, const TaRowSpec *spec, const TaRow *row)
{
	int			i;

	for (i = 0; i < spec->ncols; i++)
		if (row->nulls[i] && (spec->notnull & (1 << i)))
			ta_column_null_error(RelationGetRelid(rel),
								 ta_column_att(spec->kind, spec->cols[i]));
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
ta_row_fetch(const TaRowSpec *spec, Oid fn_oid, const TaId *id,
			 bool lock, TaRow *row)
{
	Relation	rel;
	AttrNumber	attnums[TA_ROW_MAX_COLS];
	AttrNumber	id_attnum = InvalidAttrNumber;
	Oid			indexoid;
	bool		direct;
	bool		may_lock;
	bool		found;

	ta_check_call_id_types();
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
		found = ta_row_fetch_direct(rel, spec, indexoid, attnums, id_attnum,
									id, lock, may_lock, row);

	if (found)
		ta_row_check_notnull(rel, spec, row);
	table_close(rel, NoLock);
	return found;
}
