#!/usr/bin/env bash
# scripts/regress-prisma.sh: pg_regress a second time, on Prisma-shaped tables with text ids recorded with bind().
#
# Part of scripts/test.sh; on a throwaway cluster of its own.  The database
# gets create_tables() and then stress/prisma_shape.sql: the tables become
# "Order", "TruckRequest", ... in Prisma's shape with text ids, bound with
# bind(), and public.orders and the rest become views over them that write
# through (INSERT, UPDATE, DELETE) as the application would, so that each
# file's own world, calls and expected output serve (sql/include/tables.sql
# finds the tables recorded and does nothing).  Rewritten, in the files and
# their expected output alike: a TRUNCATE of the extension's table names,
# which a view cannot take, to the bound tables' names; the functions with
# ids, and the audit, to those of truck_accept_text; the type uuid, to text
# (the helpers' id() then makes the same ids, as text); a vehicle status of
# the application's own in a message, as its enum spells it.  Files left out,
# and why, are listed in SKIP below.  Prints what pg_regress prints.
#
#   scripts/regress-prisma.sh           run them
#   scripts/regress-prisma.sh --count   how many it runs (for test.sh's count)
source "$(dirname "$0")/lib.sh"

# file: why it does not run on the bound tables
declare -A SKIP=(
	[06_reentry]="puts triggers on the extension's tables, views here"
	[13_upgrade]="updates from 1.0, whose tables are the extension's own"
	[16_direct_reads]="grants column privileges and row security on the extension's tables, views here"
	[17_statements_qualified]="checks the statements of the C sources, not the tables"
	[19_column_types]="changes the types of the extension's tables' columns, views here"
	[20_user_conditions]="puts triggers, policies and constraints on the extension's tables, views here"
	[21_accept_any_cost]="reads the system columns (xmax) of the extension's tables, views here"
	[22_catalog]="records and drops create_tables()'s tables by hand"
	[23_execute_only]="names the extension's tables in its grants and denials; 25_text_ids runs create_api() on text ids"
	[24_bind]="binds Prisma-shaped tables in a database of its own already"
	[25_text_ids]="binds Prisma-shaped tables with text ids in a database of its own already"
)
cd "$TA_ROOT"
tests=()
for f in sql/*.sql; do
	name=$(basename "$f" .sql)
	[ -n "${SKIP[$name]:-}" ] || tests+=("$name")
done
if [ "${1:-}" = --count ]; then
	echo "${#tests[@]}"
	exit 0
fi

ta_ensure_deps
ta_build_install
ta_cluster_start
work=$(mktemp -d)
# TA_KEEP_WORK=1 keeps the rewritten files and results, for a look
trap '[ -n "${TA_KEEP_WORK:-}" ] && echo "kept: $work" || rm -rf "$work"; ta_cluster_stop' EXIT
for name in "${!SKIP[@]}"; do ta_log "left out: $name (${SKIP[$name]})"; done

# files that define objects for the types uuid and text alike (hostile
# operators): the type uuid stays in them
declare -A KEEP_UUID=([03_search_path]=1 [15_search_path_lifecycle]=1 [hostile]=1)

# the rewrites, for a file ($1) and its expected output alike; $2: keep uuid
rewrite() {
	KEEP_UUID=${2:-} perl -0pe '
		my %t = (orders => "Order", truck_requests => "TruckRequest", vehicles => "Vehicle",
				 drivers => "Driver", assignments => "Assignment");
		# a row of a listing of the catalog (a function of truck_accept and
		# its signature) stays as it is
		my @keep;
		s{^( truck_accept\.\w+\(.*\)\s+\|.*)$}{push @keep, $1; "\0KEEP" . $#keep . "\0"}gme;
		# ... and so does the echo of sql/include/hostile.sql, which keeps uuid
		s{(\\i sql/include/hostile\.sql\n.*?)(?=^\\(?:set|i) )}{push @keep, $1; "\0KEEP" . $#keep . "\0"}gmse;
		# what a view cannot take, or where privileges count: the bound
		# tables (and the views too, for grants)
		s{(TRUNCATE\s[^;]*;)}{ my $s = $1; $s =~ s/public\.(orders|truck_requests|vehicles|drivers|assignments)\b/public."$t{$1}"/g; $s }ge;
		s{((?:GRANT|REVOKE)\s[^;]*;)}{ my $s = $1; $s =~ s/public\.(orders|truck_requests|vehicles|drivers|assignments)\b/public."$t{$1}", public.$1/g; $s }ge;
		s{ALTER TABLE public\.(orders|truck_requests|vehicles|drivers|assignments) OWNER TO (\w+);}{ALTER TABLE public."$t{$1}" OWNER TO $2; ALTER VIEW public.$1 OWNER TO $2;}g;
		s{(permission denied for table )(orders|truck_requests|vehicles|drivers|assignments)\b}{$1$t{$2}}g;
		s{\b(assignments)_one_active_per_(request|vehicle|driver)\b}{Assignment_one_active_per_$2}g;
		# the functions with ids, and the audit, of truck_accept_text
		s{\btruck_accept\.(accept_truck_request|accept_any_truck_request|release_truck_request|cancel_order|complete_assignment|take_events|invariant_violations|check_invariants)\b}{truck_accept_text.$1}g;
		s{(\\set api truck_accept)\b}{$1_text}g;
		s{:api\.expire_truck_requests\b}{truck_accept.expire_truck_requests}g;
		s{(SCHEMA truck_accept)(\s+(?:TO|FROM)\b)}{$1, truck_accept_text$2}g;
		s{(permission denied for schema truck_accept)\b}{$1_text}g;
		# ids as text
		# (the type only: not a word of a literal or a comment, not-a-uuid)
		unless ($ENV{KEEP_UUID}) {
			s{::uuid END}{::uuid::text END}g;
			s{(?<![\w-])uuid\b(?![-\x27]|::text| text\b)}{text}g;
		}
		# time stamps of the tables are timestamp(3): now() as they keep it
		s{\b(assigned_at|updated_at) = now\(\)}{$1 = now()::timestamptz(3)}g;
		# statuses of the application own, as its enums spell them
		s{is not available \((maintenance|inactive)\)}{"is not available (" . uc($1) . ")"}ge;
		s{\0KEEP(\d+)\0}{$keep[$1]}g;
	' "$1"
}
mkdir -p "$work/sql/include" "$work/expected"
for name in "${tests[@]}"; do
	rewrite "sql/$name.sql" "${KEEP_UUID[$name]:-}" >"$work/sql/$name.sql"
	# expected/prisma/NAME.out: the output of its own, where it differs from
	# the rewritten one's (see that directory's README)
	if [ -e "expected/prisma/$name.out" ]; then
		cp "expected/prisma/$name.out" "$work/expected/$name.out"
		continue
	fi
	for f in expected/"$name".out expected/"$name"_[0-9].out; do
		[ -e "$f" ] || continue
		rewrite "$f" "${KEEP_UUID[$name]:-}" >"$work/$f"
	done
done
# 17_statements_qualified runs scripts/check_statements.pl on the sources
ln -s "$TA_ROOT/scripts" "$work/scripts"
for f in *.c; do ln -s "$TA_ROOT/$f" "$work/$f"; done
for f in sql/include/*; do
	case $(basename "$f") in
	*.sql) rewrite "$f" "${KEEP_UUID[$(basename "$f" .sql)]:-}" >"$work/$f" ;;
	*) cp "$f" "$work/$f" ;;
	esac
done

createdb contrib_regression
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d contrib_regression \
	-c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()' \
	-f stress/prisma_shape.sql >/dev/null
ta_log "pg_regress on Prisma-shaped tables with text ids, bound (${#tests[@]} of $(ls sql/*.sql | wc -l))"
rc=0
# the files read sql/include/... from the directory they run in
cd "$work"
"$("$PG_CONFIG" --pgxs | sed 's|/src/makefiles/pgxs.mk$||')/src/test/regress/pg_regress" \
	--inputdir="$work" --outputdir="$work/out" --bindir="$PG_BINDIR" \
	--use-existing --dbname=contrib_regression "${tests[@]}" || rc=$?
if [ -s "$work/out/regression.diffs" ]; then
	head -n 300 "$work/out/regression.diffs"
fi
exit $rc
