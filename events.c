/*-------------------------------------------------------------------------
 *
 * events.c
 *	  Events: the JSON payloads of the state changes the C code builds (as
 *	  text for NOTIFY, as jsonb for the events table), queueing the NOTIFY
 *	  on channel truck_accept, and handing the events out (take_events).
 *
 * From 1.1 on, every state change appends a row to the events table in the
 * caller's transaction; every one queues a NOTIFY with the same payload when
 * truck_accept.notify is on, which PostgreSQL sends only if the transaction
 * commits.  The payload of an acceptance is built here; release and
 * complete build theirs next to their write statements, and cancel_order
 * and expire_truck_requests in their SQL (lifecycle.c).
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/async.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/tuplestore.h"

#include "truck_accept.h"

PG_FUNCTION_INFO_V1(take_events);
PG_FUNCTION_INFO_V1(take_events_text);

/* Channel of the notifications. */
#define TA_NOTIFY_CHANNEL "truck_accept"

/*
 * "key":"id" (a JSON string), or "key":null, after a comma: null also for an
 * id read from a NULL (a zeroed TaId).
 */
void
ta_json_id(StringInfo buf, const char *key, const TaId *id, bool isnull)
{
	char		chars[36];

	appendStringInfoString(buf, ",\"");
	appendStringInfoString(buf, key);
	appendStringInfoString(buf, "\":");
	if (isnull || id->type == InvalidOid)
	{
		appendStringInfoString(buf, "null");
		return;
	}
	if (id->type != UUIDOID)
	{
		escape_json(buf, ta_id_text(id));
		return;
	}
	ta_uuid_chars(&id->v.uuid, chars);
	appendStringInfoChar(buf, '"');
	appendBinaryStringInfo(buf, chars, sizeof(chars));
	appendStringInfoChar(buf, '"');
}

/*
 * Queue a notification, if truck_accept.notify is on: with an empty payload
 * unless truck_accept.notify_payload is "full" (see _PG_init).  PostgreSQL
 * sends it when (and only if) the transaction commits, and sends identical
 * notifications of one transaction once.
 */
void
ta_notify_payload(const char *payload)
{
	if (ta_notify)
		Async_Notify(TA_NOTIFY_CHANNEL,
					 ta_notify_payload_mode == TA_NOTIFY_PAYLOAD_FULL ? payload : "");
}

/* The JSON of an "accepted" event, for NOTIFY and the events table. */
char *
ta_accepted_payload(TaAccept *acc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"event\":\"accepted\"");
	ta_json_id(&buf, "request_id", &acc->request_id, false);
	ta_json_id(&buf, "order_id", &acc->order.id, false);
	ta_json_id(&buf, "assignment_id", &acc->assignment_id, false);
	ta_json_id(&buf, "trip_id", &acc->trip_id, false);
	ta_json_id(&buf, "transporter_id", &acc->transporter_id, false);
	ta_json_id(&buf, "vehicle_id", &acc->vehicle_id, false);
	ta_json_id(&buf, "driver_id", &acc->driver_id, !acc->has_driver);
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
ta_jsonb_id(TaJsonbState *state, const char *key, const TaId *id,
			bool isnull)
{
	JsonbValue	v;

	if (!isnull && id->type != InvalidOid)
	{
		char	   *text = ta_id_text(id);

		ta_jsonb_string(state, key, text, strlen(text));
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

/* The payload of an "accepted" event as jsonb, for the events row. */
Jsonb *
ta_accepted_jsonb(TaAccept *acc)
{
	TaJsonbState state;
	JsonbValue *result;

	memset(&state, 0, sizeof(state));
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	ta_jsonb_string(&state, "event", "accepted", strlen("accepted"));
	ta_jsonb_id(&state, "request_id", &acc->request_id, false);
	ta_jsonb_id(&state, "order_id", &acc->order.id, false);
	ta_jsonb_id(&state, "assignment_id", &acc->assignment_id, false);
	ta_jsonb_id(&state, "trip_id", &acc->trip_id, false);
	ta_jsonb_id(&state, "transporter_id", &acc->transporter_id, false);
	ta_jsonb_id(&state, "vehicle_id", &acc->vehicle_id, false);
	ta_jsonb_id(&state, "driver_id", &acc->driver_id, !acc->has_driver);
	ta_jsonb_int(&state, "trucks_filled", acc->order.trucks_filled);
	ta_jsonb_int(&state, "trucks_needed", acc->order.trucks_needed);
	ta_jsonb_string(&state, "order_status", acc->order.status,
					strlen(acc->order.status));
	result = ta_jsonb_end_object(&state);
	return JsonbValueToJsonb(result);
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
	" RETURNING e.*)"
	" SELECT * FROM d ORDER BY d.id",
	1, {INT4OID}, SPI_OK_SELECT, 0
};

/*
 * Which column of the events rows the statement returned (the table's live
 * columns, "e.*") fills each column of the function's row type, by name: -1
 * (NULL) for a column the table lacks and for a dropped column of the row
 * type; -2 - j for a uuid column j that the text API returns as text.  The row type is truck_accept.event, or in an installation updated
 * from 1.1 the events table's own (so a column the application adds comes
 * back too); a column of the table that the row type lacks is left out.  A
 * column of another type is an error.
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
		/* the text API on uuid ids: a uuid id returned as its text */
		if (att->atttypid == TEXTOID &&
			TupleDescAttr(returned, j)->atttypid == UUIDOID &&
			ta_api == TA_API_TEXT)
		{
			map[i] = -2 - j;
			continue;
		}
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
			int			col = map[j] <= -2 ? -2 - map[j] : map[j];

			values[j] = col < 0 ? (Datum) 0 : row_values[col];
			nulls[j] = col < 0 ? true : row_nulls[col];
			if (map[j] <= -2 && !nulls[j])
			{
				TaId		id = ta_id_from(values[j], UUIDOID);

				values[j] = ta_id_result(&id, &nulls[j]);
			}
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
	return ta_call(fcinfo, 1, lc_take_events, TA_API_UUID);
}

/* truck_accept_text.take_events(), 2.2 on: with text ids */
Datum
take_events_text(PG_FUNCTION_ARGS)
{
	return ta_call(fcinfo, 1, lc_take_events, TA_API_TEXT);
}
