#!/usr/bin/env bash
# stress/storm.sh: many real connections race for over-broadcast orders, then
# an audit of every invariant.  Exits non-zero on any violation or unexpected
# error.
#
#   stress/storm.sh            short form (64 clients, ~10-20 s), part of scripts/test.sh
#   stress/storm.sh --long     long form (128 clients, minutes)
#   stress/storm.sh --mixed    the whole lifecycle at once (also part of scripts/test.sh):
#                              accept and accept_any callers, holders releasing,
#                              trips completing, customers cancelling, the expiry
#                              job, 10% of requests expiring during the run, and
#                              two event consumers (take_events) whose haul must
#                              match the state exactly: no event lost or doubled
#   stress/storm.sh --prisma   (with either form) on the same world in an
#                              application's own tables as Prisma makes them,
#                              recorded with bind() (stress/prisma_shape.sql)
#   options: --clients N --orders N --calls-per-order N
#
# Starts its own throwaway cluster (log_lock_waits on, deadlock_timeout 1ms,
# so that every lock wait longer than 1 ms is counted).  Callers: READ
# COMMITTED through pgbench (70% commit, 20% hold the transaction 3 ms, 10%
# roll back), and one in eight clients REPEATABLE READ through psql, retrying
# on error up to 4 tries.  Then a sweep takes every slot the storm left free,
# and stress/audit.sql checks everything.
source "$(dirname "$0")/../scripts/lib.sh"

clients=64
orders=400
calls_per_order=40
mixed=0
prisma=0
while [ $# -gt 0 ]; do
	case $1 in
		--long) clients=128; orders=4000; calls_per_order=60 ;;
		--mixed) mixed=1 ;;
		--prisma) prisma=1 ;;
		--clients) clients=$2; shift ;;
		--orders) orders=$2; shift ;;
		--calls-per-order) calls_per_order=$2; shift ;;
		*) ta_die "unknown option $1" ;;
	esac
	shift
done
rr_clients=$((clients / 8))
rc_clients=$((clients - rr_clients))
total=$((orders * calls_per_order))
per_client=$(((total + clients - 1) / clients))

ta_ensure_deps
ta_build_install
ta_cluster_start -c log_lock_waits=on -c deadlock_timeout=1ms -c max_connections=$((clients + 20))
here=$TA_ROOT/stress
work=$(mktemp -d)
trap 'rm -rf "$work"; ta_cluster_stop' EXIT

if [ $mixed = 1 ]; then
	scripts=(-f "$here/rc_commit.pgbench@450" -f "$here/rc_hold.pgbench@120" -f "$here/rc_rollback.pgbench@80"
		-f "$here/rc_any.pgbench@180" -f "$here/rc_release.pgbench@70" -f "$here/rc_complete.pgbench@80"
		-f "$here/rc_cancel.pgbench@10" -f "$here/rc_expire.pgbench@10")
	expiring=10
	what="mixed lifecycle storm"
else
	scripts=(-f "$here/rc_commit.pgbench@70" -f "$here/rc_hold.pgbench@20" -f "$here/rc_rollback.pgbench@10")
	expiring=0
	what="storm"
fi
ta_log "$what: $orders orders (1-4 trucks, each broadcast as trucks+2 requests), $calls_per_order calls per order, $clients clients ($rc_clients READ COMMITTED via pgbench, $rr_clients REPEATABLE READ via psql)"
psql -X -q -v orders="$orders" -v calls_per_order="$calls_per_order" -v expiring="$expiring" -f "$here/setup.sql"
api=truck_accept
if [ $prisma = 1 ]; then
	what="$what on Prisma-shaped tables with text ids (bind)"
	ta_log "the world in Prisma's shape, text ids, bound with bind() (stress/prisma_shape.sql)"
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -f "$here/prisma_shape.sql" >/dev/null
	api=truck_accept_text
	psql -X -At -F ' ' -c "SELECT 'text ids: ' || count(*) FILTER (WHERE NOT id ~ '^[0-9a-f-]{36}\$') || ' of ' || count(*) || ' vehicles and ' || (SELECT count(*) FILTER (WHERE NOT id ~ '^[0-9a-f-]{36}\$') || ' of ' || count(*) FROM public.\"TruckRequest\") || ' requests have legacy (non-uuid) ids' FROM public.\"Vehicle\""
fi
log_lines_before=$(wc -l <"$TA_CLUSTER_DIR/server.log")

# event consumers: each takes up to 50 events per transaction and records
# them; a second delivery of one event would violate stress.consumed's key
consumer() {
	while [ ! -f "$work/stop" ]; do
		echo "BEGIN; INSERT INTO stress.consumed SELECT id, event_type, assignment_id, order_id, request_id, '$1' FROM $api.take_events(50); COMMIT;"
		sleep 0.02
	done | psql -X -q -v ON_ERROR_STOP=1 -o /dev/null 2>"$work/consumer.$1.err"
	echo $? >"$work/consumer.$1.rc"
}
consumer_pids=()
if [ $mixed = 1 ]; then
	for c in c1 c2; do
		consumer $c &
		consumer_pids+=($!)
	done
fi

start_ms=$(($(date +%s%N) / 1000000))
for i in $(seq 1 "$rr_clients"); do
	"$here/rr_client.sh" "$per_client" 4 &
done
# --failures-detailed (pgbench 15+) counts serialization and deadlock
# failures apart; an older pgbench aborts the client instead, counted below.
detailed=()
pgbench --help 2>/dev/null | grep -q -- --failures-detailed && detailed=(--failures-detailed)
set +e
pgbench -n -M prepared -c "$rc_clients" -j 2 -t "$per_client" "${detailed[@]}" \
	"${scripts[@]}" >"$work/pgbench.out" 2>"$work/pgbench.err"
pgbench_rc=$?
touch "$work/stop"
wait
set -e
consumers_ok=1
for c in "$work"/consumer.*.rc; do
	[ -e "$c" ] || continue
	if [ "$(cat "$c")" != 0 ]; then
		consumers_ok=0
		echo "event consumer $(basename "$c" .rc) failed:"
		cat "${c%.rc}.err"
	fi
done
end_ms=$(($(date +%s%N) / 1000000))

waits=$(tail -n +"$log_lines_before" "$TA_CLUSTER_DIR/server.log" | grep -c 'still waiting for' || true)
aborted=$(grep -c 'aborted' "$work/pgbench.err" || true)
rc_ser=$(sed -n 's/^number of serialization failures: \([0-9]*\).*/\1/p' "$work/pgbench.out")
rc_dead=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$work/pgbench.out")

echo
echo "== storm =="
grep -E '^(number of (transactions|failed)|latency|tps)' "$work/pgbench.out" | sed 's/^/pgbench (READ COMMITTED callers): /'
elapsed_ms=$((end_ms - start_ms))
printf 'wall time: %d.%d s for %d tickets\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100)) "$total"
echo "lock waits longer than 1 ms (log_lock_waits): $waits"
echo "READ COMMITTED errors: serialization ${rc_ser:-?}, deadlock ${rc_dead:-?}, clients aborted by other errors $aborted (pgbench exit $pgbench_rc)"
if [ -s "$work/pgbench.err" ]; then
	echo "pgbench stderr (first 20 lines):"
	head -n 20 "$work/pgbench.err"
fi
psql -X -q -f "$here/report.sql"

echo "== sweep and audit =="
psql -X -q -v mixed="$mixed" -v api="$api" -f "$here/sweep.sql" -f "$here/audit.sql" | tee "$work/audit.out"
violations=$(sed -n 's/^violations: \([0-9]*\)$/\1/p' "$work/audit.out")

status=0
[ "${violations:-x}" = 0 ] || { echo "FAIL: ${violations:-?} invariant violations"; status=1; }
[ "$pgbench_rc" = 0 ] && [ "$aborted" = 0 ] || { echo "FAIL: READ COMMITTED callers hit errors"; status=1; }
[ "${rc_ser:-0}" = 0 ] && [ "${rc_dead:-0}" = 0 ] || { echo "FAIL: READ COMMITTED callers saw serialization or deadlock failures"; status=1; }
[ $consumers_ok = 1 ] || { echo "FAIL: an event consumer failed"; status=1; }
[ $status = 0 ] && echo "storm: PASS ($what: 0 violations, 0 unexpected errors, 0 deadlocks)"
exit $status
