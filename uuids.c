/*-------------------------------------------------------------------------
 *
 * uuids.c
 *	  The uuids the functions compare, print, return and make: the ids of
 *	  every row, and the new assignment's and trip's ids.
 *
 * Copyright (c) 2026, the truck_accept authors
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/uuid.h"

#include "truck_accept.h"

bool
ta_uuid_eq(const pg_uuid_t *a, const pg_uuid_t *b)
{
	return memcmp(a->data, b->data, UUID_LEN) == 0;
}

char *
ta_uuid_text(const pg_uuid_t *u)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum(u)));
}

/* A palloc'd copy of a uuid, as a Datum that outlives the local. */
Datum
ta_uuid_datum(const pg_uuid_t *u)
{
	pg_uuid_t  *copy = palloc(sizeof(pg_uuid_t));

	*copy = *u;
	return UUIDPGetDatum(copy);
}

/*
 * n random (version 4) uuids, as gen_random_uuid() makes them, from one call
 * of pg_strong_random().
 */
void
ta_new_uuids(pg_uuid_t *u, int n)
{
	int			i;

	if (!pg_strong_random(u, sizeof(pg_uuid_t) * n))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	for (i = 0; i < n; i++)
	{
		u[i].data[6] = (u[i].data[6] & 0x0f) | 0x40;	/* version 4 */
		u[i].data[8] = (u[i].data[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	}
}

void
ta_new_uuid(pg_uuid_t *u)
{
	ta_new_uuids(u, 1);
}
