#!/usr/bin/env bash
# scripts/specs-prisma.sh: the isolation specs a second time, on Prisma-shaped tables recorded with bind().
#
# Part of scripts/test.sh; on a throwaway cluster of its own.  The database
# gets create_tables() and then stress/prisma_shape.sql: the tables become
# "Order", "TruckRequest", ... in Prisma's shape with text ids, bound with
# bind(), and
# public.orders and the rest become views over them that write through as
# the application would, so that each spec's own set-up, steps and expected
# output serve unchanged (its first set-up block finds the tables recorded
# and does nothing).  Rewritten: a TRUNCATE of the extension's table names,
# which a view cannot take, to the bound tables' names; the functions with
# ids, to those of truck_accept_text; the type uuid, to text.  Specs left
# out, and why, are listed in SKIP below.  Prints what pg_isolation_regress
# prints.
#
#   scripts/specs-prisma.sh           run them
#   scripts/specs-prisma.sh --count   how many it runs (for test.sh's count)
source "$(dirname "$0")/lib.sh"

# spec: why it does not run on the bound tables
declare -A SKIP=(
	[upgrade_in_flight]="updates the extension from 1.1, whose tables are its own"
	[accept_rls_change]="puts row security on public.vehicles, a view here"
)
cd "$TA_ROOT"
specs=()
for f in specs/*.spec; do
	name=$(basename "$f" .spec)
	[ -n "${SKIP[$name]:-}" ] || specs+=("$name")
done
if [ "${1:-}" = --count ]; then
	echo "${#specs[@]}"
	exit 0
fi

ta_ensure_deps
ta_build_install
ta_cluster_start
work=$(mktemp -d)
trap 'rm -rf "$work"; ta_cluster_stop' EXIT
for name in "${!SKIP[@]}"; do ta_log "left out: $name (${SKIP[$name]})"; done

mkdir -p "$work/specs" "$work/expected"
for name in "${specs[@]}"; do
	# TRUNCATE public.assignments, ... (a statement over lines) names the tables
	perl -0pe '
		my %t = (orders => "Order", truck_requests => "TruckRequest", vehicles => "Vehicle",
				 drivers => "Driver", assignments => "Assignment");
		s{(TRUNCATE\s[^;]*;)}{ my $s = $1; $s =~ s/public\.(orders|truck_requests|vehicles|drivers|assignments)\b/public."$t{$1}"/g; $s }ge;
		# text ids: the functions of truck_accept_text, and text where a spec
		# names the type uuid (its literals serve as they are)
		s{\btruck_accept\.(accept_truck_request|accept_any_truck_request|release_truck_request|cancel_order|complete_assignment|take_events|invariant_violations|check_invariants)\b}{truck_accept_text.$1}g;
		s{\buuid\b}{text}g;
	' "specs/$name.spec" >"$work/specs/$name.spec"
	# the one difference the tables make: a vehicle status of the
	# application's own, in a message, is spelled as its enum spells it
	for f in expected/"$name".out expected/"$name"_[0-9].out; do
		[ -e "$f" ] || continue
		# the steps' SQL, as the output echoes it, rewritten as above
		perl -pe '
			s{\btruck_accept\.(accept_truck_request|accept_any_truck_request|release_truck_request|cancel_order|complete_assignment|take_events|invariant_violations|check_invariants)\b}{truck_accept_text.$1}g;
			s{\buuid\b}{text}g;
			s{is not available \(maintenance\)}{is not available (MAINTENANCE)};
		' "$f" >"$work/$f"
	done
done

createdb isolation_prisma
PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d isolation_prisma \
	-c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()' \
	-f stress/prisma_shape.sql >/dev/null
ta_log "isolation specs on Prisma-shaped tables, bound (${#specs[@]} of $(ls specs/*.spec | wc -l))"
rc=0
"$("$PG_CONFIG" --pgxs | sed 's|/src/makefiles/pgxs.mk$||')/src/test/isolation/pg_isolation_regress" \
	--inputdir="$work" --outputdir="$work/out" --bindir="$PG_BINDIR" \
	--use-existing --dbname=isolation_prisma "${specs[@]}" || rc=$?
if [ -s "$work/out/regression.diffs" ]; then
	head -n 200 "$work/out/regression.diffs"
fi
exit $rc
