#!/usr/bin/env bash
# demo/run.sh: the README's demo command: 20 transporters race for an order of 3 trucks at the same instant, then an audit.
#
# Builds and installs the extension, starts a throwaway cluster, and then:
#   1. creates an order for 3 trucks, broadcast as 4 requests to 20
#      transporters (one truck and one driver each);
#   2. starts 20 psql processes, one per transporter, holds them all at a
#      barrier (an advisory lock) until every one of them is waiting, then
#      releases them at once: each calls accept_truck_request() on its request;
#   3. prints who won, what everybody else got, and an audit of the invariants;
#   4. shows a winner's retry (already_yours) and three rejections.
# Prints PASS/FAIL per check; exits non-zero if any check fails.  The cluster
# is stopped and removed at exit, also on failure.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/../scripts/lib.sh"
ta_ensure_deps
ta_build_install
ta_cluster_start

DEMO_DIR="$TA_ROOT/demo"
CALLERS=20   # transporters, one psql process each
REQUESTS=4   # broadcast slots of the order; transporter i taps request i % 4
TRUCKS=3     # trucks_needed
LOCK_KEY=42  # the barrier's advisory lock

work=$(mktemp -d "${TMPDIR:-/tmp}/truck_accept_demo.XXXXXX")
demo_pids=()

# Extra cleanup, run by the EXIT trap that ta_cluster_start set: end our own
# psql processes (by pid) and remove our scratch dir, then let lib.sh stop
# and remove the cluster as usual.
eval "demo_lib_$(declare -f ta_cluster_stop)"
ta_cluster_stop() {
	local rc=$? p
	for p in "${demo_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$work"
	demo_lib_ta_cluster_stop
	return "$rc"
}

if [ -t 1 ]; then
	section() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
else
	section() { printf '\n== %s ==\n' "$*"; }
fi

dpsql() { psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }

# wait_for WHAT SQL WANT: poll until SQL returns WANT (10 s at most).
wait_for() {
	local what=$1 sql=$2 want=$3 got=
	for _ in $(seq 1 200); do
		got=$(dpsql -At -c "$sql")
		[ "$got" = "$want" ] && return 0
		sleep 0.05
	done
	ta_die "timed out waiting for $what (have $got, want $want)"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

section "1. The order"
dpsql -v callers=$CALLERS -v requests=$REQUESTS -v trucks=$TRUCKS -f "$DEMO_DIR/setup.sql"

section "2. The race: $CALLERS transporters tap \"accept\" at the same instant"

# The barrier: a psql coprocess holds advisory lock $LOCK_KEY until we write
# the unlock to its stdin.
coproc HOLDER { exec psql -X -q -v ON_ERROR_STOP=1 >"$work/holder.out" 2>&1; }
# shellcheck disable=SC2153 # HOLDER_PID is set by coproc
holder_pid=$HOLDER_PID
demo_pids+=("$holder_pid")
echo "SELECT pg_advisory_lock($LOCK_KEY);" >&"${HOLDER[1]}"
wait_for "the barrier lock" \
	"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $LOCK_KEY AND granted AND mode = 'ExclusiveLock'" 1
echo "barrier up: the main session holds pg_advisory_lock($LOCK_KEY)"

# One psql per transporter, each writing its one answer as a CSV line to its own file.
dpsql -At -F $'\t' -o "$work/cast.tsv" -c "
	SELECT t.no, t.name, q.label, q.id, t.id, t.vehicle_id, t.driver_id
	FROM demo.transporters t JOIN demo.requests q ON q.label = t.request
	ORDER BY t.no"
client_pids=()
while IFS=$'\t' read -r no name label req tid vid did; do
	PGAPPNAME="truck_accept demo: $name" \
		psql -X -q -v ON_ERROR_STOP=1 --csv -t -v lock=$LOCK_KEY \
		-v name="$name" -v label="$label" -v req="$req" -v tid="$tid" -v vid="$vid" -v did="$did" \
		-f "$DEMO_DIR/client.sql" >"$work/client.$no.csv" 2>"$work/client.$no.err" &
	client_pids+=($!)
	demo_pids+=($!)
done <"$work/cast.tsv"
[ ${#client_pids[@]} -eq "$CALLERS" ] || ta_die "started ${#client_pids[@]} clients, not $CALLERS"
echo "started $CALLERS psql processes; waiting until every one is blocked on the barrier ..."
wait_for "$CALLERS clients to block on the barrier" \
	"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $LOCK_KEY AND NOT granted" "$CALLERS"
echo "all $CALLERS are waiting on pg_advisory_lock_shared($LOCK_KEY): release!"

t0=$(now_ms)
echo "SELECT pg_advisory_unlock($LOCK_KEY);" >&"${HOLDER[1]}"
failed_clients=0
for i in "${!client_pids[@]}"; do
	if ! wait "${client_pids[$i]}"; then
		failed_clients=$((failed_clients + 1))
		echo "client $((i + 1)) failed:" >&2
		cat "$work/client.$((i + 1)).err" >&2
	fi
done
t1=$(now_ms)
echo '\q' >&"${HOLDER[1]}"
wait "$holder_pid" || { cat "$work/holder.out" >&2; ta_die "the barrier's psql failed"; }
demo_pids=()
[ "$failed_clients" -eq 0 ] || ta_die "$failed_clients of $CALLERS clients failed"
echo "all $CALLERS psql processes answered within $((t1 - t0)) ms of the release"

cat "$work"/client.*.csv | dpsql -c '\copy demo.results FROM pstdin WITH (FORMAT csv)'

section "3. Who won, what everybody else got, and the audit"
dpsql -v callers=$CALLERS -v trucks=$TRUCKS -f "$DEMO_DIR/race_report.sql"

section "4. A retry, and some rejections"
dpsql -v trucks=$TRUCKS -f "$DEMO_DIR/after_race.sql"

section "Summary"
counts=$(dpsql -At -c "SELECT count(*), count(*) FILTER (WHERE NOT ok) FROM demo.checks")
IFS='|' read -r total failed <<<"$counts"
if [ "$failed" -ne 0 ]; then
	dpsql -c "SELECT 'FAIL' AS \" \", part, name AS \"check\", expected, actual FROM demo.checks WHERE NOT ok ORDER BY id"
fi
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
