#!/usr/bin/env bash
# stress/rr_client.sh CALLS MAX_TRIES: one REPEATABLE READ caller, as psql.
# Each call runs in its own REPEATABLE READ transaction; on any error it rolls
# back and retries the same call (same ticket, same random choices) up to
# MAX_TRIES tries, the way the seed app's client did.  Every error's SQLSTATE
# is logged with the call, so the audit can tell 40001 from anything else.
set -euo pipefail
calls=$1
max_tries=$2

attempt() { # $1 = try number; nested retries for the tries after it
	local try=$1
	cat <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT outcome FROM stress.call(:t, :seed) \\gset
\\if :ERROR
\\set errs :errs,:LAST_ERROR_SQLSTATE
ROLLBACK;
SQL
	if [ "$try" -lt "$max_tries" ]; then
		attempt $((try + 1))
	else
		echo "INSERT INTO stress.calls VALUES (:t, 'rr_retry', 'retry_exhausted', substr(:'errs', 2), $try, true);"
	fi
	cat <<SQL
\\else
COMMIT;
INSERT INTO stress.calls VALUES (:t, 'rr_retry', :'outcome', substr(:'errs', 2), $try, false);
\\endif
SQL
}

one_call=$(
	echo "SELECT nextval('stress.tick') AS t, random() * 2 - 1 AS seed \\gset"
	echo "\\set errs ''"
	attempt 1
)
for _ in $(seq 1 "$calls"); do
	printf '%s\n' "$one_call"
done | psql -X -q -v ON_ERROR_STOP=0 -o /dev/null 2>/dev/null
