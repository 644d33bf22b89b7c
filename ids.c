/*-------------------------------------------------------------------------
 *
 * ids.c
 *	  The ids the functions compare, print, take, return and make: the ids
 *	  of every row, and the new assignment's and trip's ids.
 *
 * An id is a uuid, or text where the binding's id columns are text
 * (catalog.c: ta_id_type(); the trip id may differ from the others).  A
 * TaId holds either in place (truck_accept.h).  The functions of schema
 * truck_accept take and return uuids, those of truck_accept_text text
 * (ta_api); a text argument is read as a uuid where the ids are uuids, as
 * a cast would read it, and a uuid returned as its text.
 *
 * Text ids are equal when their bytes are, under the deterministic
 * collations (all of PostgreSQL's but those made with "deterministic =
 * false"); under a nondeterministic one, as texteq() compares them in it.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

#include "truck_accept.h"

static int
ta_id_len(const TaId *id)
{
	return id->type == TEXTOID ? VARSIZE(&id->v.text) - VARHDRSZ : 0;
}

/*
 * Is the value d of an id column of type "type" (uuid, or a text type) the
 * id *id?  It need not fit a TaId: an id longer than TA_ID_MAX in a table is
 * simply not one a call can name, and no error.
 */
bool
ta_id_matches(Datum d, Oid type, const TaId *id)
{
	text	   *t;
	int			len;
	Oid			collation;

	if (type == UUIDOID || id->type != TEXTOID)
		return type == UUIDOID && id->type == UUIDOID &&
			memcmp(DatumGetUUIDP(d)->data, id->v.uuid.data, UUID_LEN) == 0;
	t = DatumGetTextPP(d);
	len = VARSIZE_ANY_EXHDR(t);
	if (len == ta_id_len(id) && memcmp(VARDATA_ANY(t), id->v.text.data, len) == 0)
		return true;
	collation = ta_id_collation();
	if (!OidIsValid(collation))
		return false;			/* byte-wise: not equal */
	return DatumGetBool(DirectFunctionCall2Coll(texteq, collation,
												PointerGetDatum(t), ta_id_arg(id)));
}

bool
ta_id_eq(const TaId *a, const TaId *b)
{
	Oid			collation;

	if (a->type != b->type)
		return false;
	if (a->type == UUIDOID)
		return memcmp(a->v.uuid.data, b->v.uuid.data, UUID_LEN) == 0;
	if (ta_id_len(a) == ta_id_len(b) &&
		memcmp(a->v.text.data, b->v.text.data, ta_id_len(a)) == 0)
		return true;
	collation = ta_id_collation();
	if (!OidIsValid(collation))
		return false;			/* byte-wise: not equal */
	return DatumGetBool(DirectFunctionCall2Coll(texteq, collation,
												ta_id_arg(a), ta_id_arg(b)));
}

/* The 36 characters of the text form uuid_out() gives, without fmgr. */
void
ta_uuid_chars(const pg_uuid_t *u, char *chars)
{
	static const char hex[] = "0123456789abcdef";
	int			i;
	int			j = 0;

	for (i = 0; i < UUID_LEN; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			chars[j++] = '-';
		chars[j++] = hex[u->data[i] >> 4];
		chars[j++] = hex[u->data[i] & 0x0f];
	}
}

/* An id's text, palloc'd, for messages and JSON. */
char *
ta_id_text(const TaId *id)
{
	char		chars[36];

	if (id->type == UUIDOID)
	{
		ta_uuid_chars(&id->v.uuid, chars);
		return pnstrdup(chars, sizeof(chars));
	}
	return pnstrdup(id->v.text.data, ta_id_len(id));
}

/* Hold a text id of len bytes; longer than TA_ID_MAX is an error (22001). */
static void
ta_id_set_text(TaId *id, const char *data, int len)
{
	if (len > TA_ID_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("id \"%s...\" is longer than the %d bytes truck_accept handles",
						pnstrdup(data, pg_mbcliplen(data, len, 32)), TA_ID_MAX)));
	id->type = TEXTOID;
	SET_VARSIZE(&id->v.text, VARHDRSZ + len);
	memcpy(id->v.text.data, data, len);
}

/*
 * Hold the value d of a column or argument of type "type": uuid, or a text
 * type (text or varchar, the same representation).
 */
void
ta_id_set(TaId *id, Datum d, Oid type)
{
	if (type == UUIDOID)
	{
		id->type = UUIDOID;
		id->v.uuid = *DatumGetUUIDP(d);
	}
	else
	{
		text	   *t = DatumGetTextPP(d);

		ta_id_set_text(id, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
}

TaId
ta_id_from(Datum d, Oid type)
{
	TaId		id;

	ta_id_set(&id, d, type);
	return id;
}

/*
 * The id as a statement's argument (of type ta_id_type(), see TA_ID): a
 * datum that points into *id, valid as long as *id is.  An id never set (no
 * driver, say) is an argument the caller passes as NULL: a valid datum
 * still, an empty one of the ids' type.
 */
Datum
ta_id_arg(const TaId *id)
{
	static const pg_uuid_t no_uuid = {{0}};
	static text *no_text = NULL;

	if (id->type == UUIDOID)
		return UUIDPGetDatum(&id->v.uuid);
	if (id->type == TEXTOID)
		return PointerGetDatum(&id->v.text);
	if (ta_id_type(false) == UUIDOID)
		return UUIDPGetDatum(&no_uuid);
	if (no_text == NULL)
	{
		no_text = MemoryContextAlloc(TopMemoryContext, VARHDRSZ);
		SET_VARSIZE(no_text, VARHDRSZ);
	}
	return PointerGetDatum(no_text);
}

/*
 * A new id, of the binding's type for an assignment (or for a trip, "trip"):
 * a random (version 4) uuid as gen_random_uuid() makes it, as text for a
 * text column.
 */
void
ta_new_id(TaId *id, bool trip)
{
	pg_uuid_t	u;
	char		chars[36];

	if (!pg_strong_random(&u, sizeof(u)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	u.data[6] = (u.data[6] & 0x0f) | 0x40;	/* version 4 */
	u.data[8] = (u.data[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	if (ta_id_type(trip) == UUIDOID)
	{
		id->type = UUIDOID;
		id->v.uuid = u;
		return;
	}
	ta_uuid_chars(&u, chars);
	ta_id_set_text(id, chars, sizeof(chars));
}

/*
 * The id argument argno of the running call (not null), as the binding's
 * ids are: a uuid of the uuid API as it is; a text of the text API as it
 * is, or read as a uuid (22P02 if it is not one, as a cast says).
 */
void
ta_arg_id(FunctionCallInfo fcinfo, int argno, TaId *id)
{
	text	   *t;

	if (ta_api != TA_API_TEXT)
	{
		id->type = UUIDOID;
		id->v.uuid = *PG_GETARG_UUID_P(argno);
		return;
	}
	t = PG_GETARG_TEXT_PP(argno);
	if (ta_id_type(false) == UUIDOID)
	{
		id->type = UUIDOID;
		id->v.uuid = *DatumGetUUIDP(DirectFunctionCall1(uuid_in,
														CStringGetDatum(text_to_cstring(t))));
	}
	else
		ta_id_set_text(id, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* The type of the ids the running call returns. */
Oid
ta_api_id_type(void)
{
	return ta_api == TA_API_TEXT ? TEXTOID : UUIDOID;
}

/*
 * The id as a value the running call returns (ta_api_id_type()), palloc'd
 * in the current memory context; *isnull for an id read from a NULL.  The uuid API never holds a text id: its
 * calls refuse a binding with text ids (ta_call).
 */
Datum
ta_id_result(const TaId *id, bool *isnull)
{
	*isnull = id->type == InvalidOid;	/* read from a NULL */
	if (*isnull)
		return (Datum) 0;
	if (ta_api == TA_API_TEXT)
	{
		if (id->type == UUIDOID)
		{
			char		chars[36];

			ta_uuid_chars(&id->v.uuid, chars);
			return PointerGetDatum(cstring_to_text_with_len(chars, sizeof(chars)));
		}
		return PointerGetDatum(cstring_to_text_with_len(id->v.text.data,
														ta_id_len(id)));
	}
	if (id->type != UUIDOID)
		elog(ERROR, "text id returned as a uuid");
	{
		pg_uuid_t  *copy = palloc(sizeof(pg_uuid_t));

		*copy = id->v.uuid;
		return UUIDPGetDatum(copy);
	}
}
