#!/usr/bin/env bash
# examples/prisma/run.sh: the Prisma adoption kit, run as a test: real Prisma 7 (offline generate, pg driver adapter) against a throwaway cluster.
#
# 1. Installs the kit's pinned packages (npm ci) and generates the client
#    (no database and no engine download are needed).
# 2. Builds and installs the extension, starts a throwaway cluster, creates
#    the application's tables (sql/include/prisma_text_schema.sql: what
#    `prisma migrate` makes of prisma/schema.prisma, text ids) and records
#    them with bind().
# 3. src/race.ts: 40 transporters, the old SERIALIZABLE path against the
#    truck_accept path, side by side; then the take_events consumer.
# 4. The README's node-postgres and psycopg 3 snippets (clients/), run
#    through accepted, already_yours and already_taken.
# 5. src/snippets.ts: the README's snippets are these files, as they are.
# Prints "prisma: PASS" (or FAIL), and exits non-zero on any failure.
# Prisma 7 needs Node.js 20.19 or later: without one it prints "prisma:
# SKIP" and exits 0 (scripts/test.sh reports the skip).
source "$(dirname "$0")/../../scripts/lib.sh"
kit=$TA_ROOT/examples/prisma

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 ||
	! node -e 'const [a, b] = process.versions.node.split(".").map(Number);
		process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
	echo "prisma: SKIP (Prisma 7 needs Node.js >= 20.19 and npm; found: node $(node --version 2>/dev/null || echo none), npm $(npm --version 2>/dev/null || echo none))"
	exit 0
fi
ta_ensure_deps
ta_build_install
/usr/bin/python3 -c 'import psycopg' 2>/dev/null || ta_apt_install python3-psycopg

cd "$kit"
ta_log "npm ci (the kit's pinned packages)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
ta_log "prisma generate"
# generate reads the schema only; the schema engine it would fetch is not used
PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx --no-install prisma generate >/dev/null

ta_cluster_start
createdb kit
export PGDATABASE=kit
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
	-c 'CREATE EXTENSION truck_accept' -f "$TA_ROOT/sql/include/prisma_text_schema.sql" \
	-c "SELECT truck_accept.bind('\"Order\"', '\"TruckRequest\"', '\"Vehicle\"', '\"Driver\"',
		'\"Assignment\"', naming => 'camelCase', add_invariants => true)" >/dev/null

status=0
fail() { echo "FAIL: $*"; status=1; }

ta_log "the race (src/race.ts)"
npx --no-install tsx src/race.ts || fail "src/race.ts"

ta_log "the README's node-postgres and psycopg 3 snippets (clients/)"
psql -X -q -v ON_ERROR_STOP=1 <<-'SQL'
	TRUNCATE "Assignment", "TruckRequest", "Order", "Vehicle", "Driver", "Transporter",
		public.truck_accept_events;
	INSERT INTO "Transporter" ("id") SELECT 'c' || left(md5('t' || t), 24) FROM generate_series(1, 2) t;
	INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt") VALUES (md5('o')::uuid::text, 2, now());
	INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
	SELECT md5('r' || k)::uuid::text, md5('o')::uuid::text, 'open_17ft', now() FROM generate_series(1, 2) k;
	INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "updatedAt")
	SELECT 'c' || left(md5('v' || t), 24), 'c' || left(md5('t' || t), 24), 'open_17ft', now()
	FROM generate_series(1, 2) t;
SQL
# the ids: requests uuids as text, transporters and vehicles cuid-style
u() { psql -X -A -t -c "SELECT CASE WHEN '$1' ~ '^[tv]' THEN 'c' || left(md5('$1'), 24) ELSE md5('$1')::uuid::text END"; }
check() { # NAME EXPECTED COMMAND...
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1) || true
	if [ "$got" = "$want" ]; then echo "ok - $name: $got"; else fail "$name: expected '$want', got '$got'"; fi
}
check "node-postgres wins" "accepted partially_filled 1/2" node clients/node-pg.mjs "$(u r1)" "$(u t1)" "$(u v1)"
check "node-postgres again" "already_yours partially_filled 1/2" node clients/node-pg.mjs "$(u r1)" "$(u t1)" "$(u v1)"
check "psycopg 3 wins" "accepted fully_filled 2/2" /usr/bin/python3 clients/psycopg_accept.py "$(u r2)" "$(u t2)" "$(u v2)"
check "psycopg 3 too late" "already_taken fully_filled 2/2" /usr/bin/python3 clients/psycopg_accept.py "$(u r1)" "$(u t2)" "$(u v2)"
check "the audit after the snippets" "0" psql -X -A -t -c "SELECT count(*) FROM truck_accept_text.invariant_violations"

ta_log "the README's snippets are the kit's code (src/snippets.ts)"
npx --no-install tsx src/snippets.ts || fail "src/snippets.ts"

if [ "$status" -eq 0 ]; then echo "prisma: PASS"; else echo "prisma: FAIL"; fi
exit "$status"
