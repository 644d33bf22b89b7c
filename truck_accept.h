/*-------------------------------------------------------------------------
 *
 * truck_accept.h
 *	  What the C files of truck_accept share, grouped by the file that
 *	  defines it: the tables (catalog.c), the statement cache and SPI
 *	  helpers (statements.c), rows by primary key (rows.c), orders
 *	  (orders.c), ids (ids.c), the acceptance core and ta_call
 *	  (truck_accept.c), and events (events.c).  lifecycle.c and
 *	  accept_any.c define nothing that others use.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#ifndef TRUCK_ACCEPT_H
#define TRUCK_ACCEPT_H

#include "access/genam.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "storage/itemptr.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"
#include "utils/uuid.h"

/*
 * Compatibility with the supported PostgreSQL majors (13 to 19): the
 * differences of the server API that the C code meets, except three small
 * ones kept where they are used: 14's int64_to_numeric() in events.c, 15's
 * MarkGUCPrefixReserved() in truck_accept.c, 16's object_aclcheck() in
 * rows.c.
 *
 * ta_primary_key_index(rel): the OID of rel's primary key index.
 * PostgreSQL 18 added RelationGetPrimaryKeyIndex()'s "deferrable_ok"
 * argument; false keeps the behaviour of 13 to 17, where a deferrable
 * primary key is not returned (the direct read must not trust one).
 *
 * ta_index_beginscan(...): index_beginscan() without instrumentation.
 * PostgreSQL 18 added the "instrument" argument (NULL: none); PostgreSQL 19
 * added the "flags" argument (SO_NONE: a plain scan).
 */
#if PG_VERSION_NUM >= 180000
#define ta_primary_key_index(rel) RelationGetPrimaryKeyIndex((rel), false)
#else
#define ta_primary_key_index(rel) RelationGetPrimaryKeyIndex(rel)
#endif

#if PG_VERSION_NUM >= 190000
#include "access/tableam.h"
#define ta_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), NULL, (nkeys), (norderbys), SO_NONE)
#elif PG_VERSION_NUM >= 180000
#define ta_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), NULL, (nkeys), (norderbys))
#else
#define ta_index_beginscan(heap, index, snapshot, nkeys, norderbys) \
	index_beginscan((heap), (index), (snapshot), (nkeys), (norderbys))
#endif

/*
 * TaJsonbState: what pushJsonbValue() builds a jsonb value in, zeroed before
 * the first push; ta_jsonb_end_object() closes the outermost object and
 * returns the value.  PostgreSQL 19 changed pushJsonbValue() to take a
 * JsonbInState (the value in its "result") and return nothing; before, it
 * took a JsonbParseState ** and returned the value.
 */
#if PG_VERSION_NUM >= 190000
typedef JsonbInState TaJsonbState;

static inline JsonbValue *
ta_jsonb_end_object(TaJsonbState *state)
{
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
	return state->result;
}
#else
typedef JsonbParseState *TaJsonbState;

static inline JsonbValue *
ta_jsonb_end_object(TaJsonbState *state)
{
	return pushJsonbValue(state, WJB_END_OBJECT, NULL);
}
#endif

/*
 * The tables: catalog.c.  Six kinds (orders, truck_requests, vehicles,
 * drivers, assignments, events), each recorded as one table.
 */
#define TA_NKINDS 6
extern uint32 ta_tables_generation;
extern void ta_tables_resolve(Oid fn_oid, bool text_api);
extern void ta_tables_invalidate(Oid relid);
extern void ta_tables_invalidate_nsp(Datum arg, int cacheid, uint32 hashvalue);
extern Oid	ta_table_relid(const char *kind);
extern char *ta_statement_sql(const char *template);
extern const char *ta_column_att(const char *kind, const char *col);
extern Datum ta_status_param(const char *kind, const char *val, bool *isnull);
extern Oid	ta_status_param_type(const char *kind);
extern bool ta_status_is_enum(const char *kind, Oid typid);
extern bool ta_status_plain(const char *kind);
extern void ta_status_text(const char *kind, Datum d, Oid typid, char *buf);
extern const char *ta_status_shown(const char *status);
extern Oid	ta_id_type(bool trip);
extern Oid	ta_id_collation(void);
extern Oid	ta_id_column_collation(void);

/*
 * A status as the C code holds it: the extension's name, or "?" and a value
 * of the application's own of up to TA_STATUS_MAX bytes (an enum label's
 * longest), plus the terminator.  A binding's values are at most as long.
 */
#define TA_STATUS_MAX 63
#define TA_STATUS_LEN (TA_STATUS_MAX + 2)

/*
 * An id as the C code holds it (ids.c): a uuid, or a text id of up to
 * TA_ID_MAX bytes held as a text datum in place, so that an id is copied by
 * assignment and lives as long as its holder, in or out of SPI memory.
 * "type" is UUIDOID or TEXTOID (0 in a zeroed one: no id).
 */
#define TA_ID_MAX 255

typedef struct TaId
{
	Oid			type;
	union
	{
		pg_uuid_t	uuid;
		struct
		{
			int32		vl_len_;	/* a text datum: varlena header, bytes */
			char		data[TA_ID_MAX];
		}			text;
	}			v;
} TaId;

/*
 * In a statement's argtypes: the type of the orders' status column (text,
 * or the enum it is bound to); its value comes from ta_status_param().
 */
#define TA_ORDER_STATUS_PARAM ANYENUMOID

/*
 * In a statement's argtypes, and the column and result types the C code
 * checks: an id (TA_ID), a trip id (TA_TRIP_ID), an array of ids
 * (TA_ID_ARRAY).  Each is uuid, or text where the binding's id columns are
 * text (ta_id_type(); the trip id on its own).  TA_ID is UUIDOID itself, so
 * that the uuid case reads as it always did.
 */
#define TA_ID UUIDOID
#define TA_TRIP_ID ANYNONARRAYOID
#define TA_ID_ARRAY UUIDARRAYOID
extern Oid	ta_resolve_type(Oid type);

/*
 * The statements and what they return: statements.c.
 */
#define TA_MAX_ARGS 14

/*
 * One statement, prepared once per backend and kept.  "sql" names each
 * table by its kind in braces, {orders} (see ta_statement_sql).  "max_rows"
 * is 1 for statements that must not return more than one row, 0 for any
 * number.  "generation" is the ta_tables_generation the plan was prepared
 * under.
 */
typedef struct TaStatement
{
	const char *sql;
	int			nargs;
	Oid			argtypes[TA_MAX_ARGS];
	int			expected_rc;	/* the SPI_OK_* that success returns */
	int			max_rows;
	SPIPlanPtr	plan;			/* kept plan, or NULL */
	uint32		generation;
} TaStatement;

extern void ta_check_call_id_types(void);
extern uint64 ta_exec(TaStatement *st, Oid fn_oid, Datum *values,
					  const char *nulls);
extern Datum ta_col(int col, Oid typid, bool *isnull);
extern Datum ta_row_col(uint64 row, int col, Oid typid, bool *isnull);
extern Datum ta_row_col_notnull(uint64 row, int col, Oid typid);
extern TaId ta_col_id(int col, bool trip, bool *isnull);
extern int32 ta_col_int32(int col);
extern void ta_col_status(int col, char *buf);
extern char *ta_relation_name(Oid relid);

/* COLUMN TYPES (statements.c) */
extern bool ta_columns_checked;
extern void ta_check_columns(void);
extern void ta_check_column_type(Oid relid, const char *colname, Oid found,
								 Oid expected);
extern void ta_column_null_error(Oid relid, const char *colname);
extern void ta_check_result_type(Oid fn_oid, TupleDesc tupdesc, int natts,
								 const Oid *types);

/* What a write statement wrote (statements.c) */
extern void ta_write_skipped(const char *action, const TaId *id,
							 Oid fn_oid, const char *table);
extern void ta_check_writes(const char *action, const TaId *id,
							Oid fn_oid, const char *const *tables,
							int32 expected_mask);

/*
 * One row of a recorded table, read by its primary key "id" (rows.c:
 * ta_row_fetch).  "cols" are the columns read, in order, "types" the type
 * each must have (see ta_check_column_type), "notnull" a bit per column that
 * must hold a value; "read" and "lock" are the same read as SPI statements
 * (a plain SELECT and a SELECT ... FOR NO KEY UPDATE of the same columns),
 * used where the direct read does not apply.
 */
#define TA_ROW_MAX_COLS 6

typedef struct TaRowSpec
{
	const char *kind;			/* of table: "orders", ... */
	int			ncols;
	const char *cols[TA_ROW_MAX_COLS];
	Oid			types[TA_ROW_MAX_COLS];
	uint32		notnull;
	TaStatement *read;
	TaStatement *lock;
} TaRowSpec;

typedef struct TaRow
{
	Datum		values[TA_ROW_MAX_COLS];	/* copies, in the current context */
	bool		nulls[TA_ROW_MAX_COLS];
	bool		have_tid;		/* tid holds the version read directly */
	ItemPointerData tid;
	bool		settled;		/* a plain read found the row's latest
								 * version, and no transaction holds a lock
								 * on it or is changing it */
	TransactionId modifier;		/* else, under READ COMMITTED: the one other
								 * transaction that does, if known */
} TaRow;

extern const TaRowSpec ta_request_row;	/* status, order_id, vehicle_type,
										 * assigned_transporter_id, expires_at */
extern const TaRowSpec ta_vehicle_row;	/* transporter_id, vehicle_type, status */
extern const TaRowSpec ta_driver_row;	/* transporter_id, status */
extern const TaRowSpec ta_order_row;	/* trucks_filled, trucks_needed, status */

/* Statements shared by all functions (rows.c) */
extern TaStatement ta_lock_vehicle;	/* transporter_id, vehicle_type, status */
extern TaStatement ta_lock_driver;	/* transporter_id, status */
extern TaStatement ta_lock_order;	/* trucks_filled, trucks_needed, status */
extern TaStatement ta_read_order;	/* the same, without a lock */

extern bool ta_row_direct_ok(Oid relid, bool lock, bool *may_lock);
extern bool ta_row_fetch(const TaRowSpec *spec, Oid fn_oid,
						 const TaId *id, bool lock, TaRow *row);
extern void ta_row_wait(const TaRowSpec *spec, Oid fn_oid, TaRow *row);

/* What a call learned about an order; reported whenever it is known. */
typedef struct TaOrder
{
	bool		known;
	TaId		id;
	int32		trucks_filled;
	int32		trucks_needed;
	char		status[TA_STATUS_LEN];
} TaOrder;

/* Order helpers (orders.c) */
extern void ta_order_lock_failed(Oid fn_oid, const TaId *order_id,
								 const char *what, const TaId *whose,
								 bool missing_is_error);
extern void ta_fetch_order(TaOrder *order, int first_col);
extern void ta_order_from_row(TaOrder *order, const TaRow *row);
extern bool ta_order_is_closed(const TaOrder *order);
extern const char *ta_open_order_status(int32 filled, int32 needed);

/* ids (ids.c) */
extern bool ta_id_eq(const TaId *a, const TaId *b);
extern bool ta_id_matches(Datum d, Oid type, const TaId *id);
extern void ta_uuid_chars(const pg_uuid_t *u, char *chars);
extern char *ta_id_text(const TaId *id);
extern void ta_id_set(TaId *id, Datum d, Oid type);
extern TaId ta_id_from(Datum d, Oid type);
extern Datum ta_id_arg(const TaId *id);
extern void ta_new_id(TaId *id, bool trip);
extern void ta_arg_id(FunctionCallInfo fcinfo, int argno, TaId *id);
extern Datum ta_id_result(const TaId *id, bool *isnull);
extern Oid	ta_api_id_type(void);

/*
 * Every entry point, and the acceptance core: truck_accept.c.
 */

/* GUC truck_accept.notify */
extern bool ta_notify;

/* GUC truck_accept.notify_payload */
#define TA_NOTIFY_PAYLOAD_NONE 0
#define TA_NOTIFY_PAYLOAD_FULL 1
extern int	ta_notify_payload_mode;

/* How many calls of the extension's functions are running (ta_call). */
extern int	ta_call_depth;

/*
 * Which API an entry point serves: the functions of schema truck_accept,
 * with uuid ids (TA_API_UUID); those of truck_accept_text, with text ids
 * (TA_API_TEXT); or one that takes and returns no ids (TA_API_NONE).
 */
typedef enum TaApi
{
	TA_API_NONE,
	TA_API_UUID,
	TA_API_TEXT
} TaApi;

/* The API of the running call (ta_call), and the ids' types it began with. */
extern TaApi ta_api;
extern Oid	ta_call_id_types[2];
extern void ta_require_uuid_trips(FunctionCallInfo fcinfo);

/* Run an entry point's body, keeping the re-entry depth. */
extern Datum ta_call(FunctionCallInfo fcinfo, int nargs,
					 Datum (*body) (FunctionCallInfo), TaApi api);
extern void ta_require_arg(FunctionCallInfo fcinfo, int argno, const char *name);

/*
 * accept_truck_request() and accept_any_truck_request() share the part of an
 * acceptance that follows locking the request.
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

typedef struct TaAccept
{
	/* in */
	Oid			fn_oid;
	bool		with_events;	/* 1.1 and later: append an "accepted" event */
	bool		any_request;	/* accept_any: a busy vehicle may be a retry */
	TaId		request_id;
	TaId		transporter_id;
	TaId		vehicle_id;
	TaId		driver_id;
	bool		has_driver;
	bool		have_request_tid;	/* request_tid: the locked version of the
									 * request, as a direct read found it */
	ItemPointerData request_tid;
	/* out */
	TaOutcome	outcome;
	TaOrder		order;
	bool		has_request;	/* request_id names the request decided on */
	bool		has_assignment;
	TaId		assignment_id;
	TaId		trip_id;
	const char *message;		/* NULL: the outcome's standard message */
} TaAccept;

extern void ta_accept_locked_request(TaAccept *acc, const char *vehicle_type);
extern bool ta_find_own_assignment(TaAccept *acc);
extern Datum ta_accept_result(FunctionCallInfo fcinfo, TaAccept *acc,
							  bool with_request_id);

/* JSON payloads and NOTIFY (events.c) */
extern void ta_json_id(StringInfo buf, const char *key, const TaId *id,
					   bool isnull);
extern void ta_notify_payload(const char *payload);
extern char *ta_accepted_payload(TaAccept *acc);
extern Jsonb *ta_accepted_jsonb(TaAccept *acc);

#endif							/* TRUCK_ACCEPT_H */
