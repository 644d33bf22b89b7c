#!/usr/bin/env bash
# stress/faults.sh: crash the server in the middle of a storm and check that
# no half-done acceptance is ever visible after recovery.
#
#   round 1-3: kill -9 of a backend that is inside accept_truck_request (the
#              postmaster then resets every backend and replays WAL)
#   round 4:   an immediate shutdown of the whole server, then a restart
# After each round: invariant_violations must be empty; at the end the sweep
# must be able to win every slot still free, and stress/audit.sql must pass.
# (A statement cancelled while it waits for a row lock is covered by
# specs/accept_cancel.spec.)  With --prisma: the same on the world in an
# application's own tables as Prisma makes them, recorded with bind()
# (stress/prisma_shape.sql).
source "$(dirname "$0")/../scripts/lib.sh"

orders=${ORDERS:-600}
calls_per_order=40
clients=${CLIENTS:-32}

ta_ensure_deps
ta_build_install
ta_cluster_start -c restart_after_crash=on
here=$TA_ROOT/stress
work=$(mktemp -d)
trap 'rm -rf "$work"; ta_cluster_stop' EXIT

psql -X -q -v orders="$orders" -v calls_per_order="$calls_per_order" -v expiring=0 -f "$here/setup.sql"
prisma=
api=truck_accept
if [ "${1:-}" = --prisma ]; then
	prisma=" on Prisma-shaped tables with text ids (bind)"
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -f "$here/prisma_shape.sql" >/dev/null
	api=truck_accept_text
	psql -X -At -F ' ' -c "SELECT 'text ids: ' || count(*) FILTER (WHERE NOT id ~ '^[0-9a-f-]{36}\$') || ' of ' || count(*) || ' vehicles and ' || (SELECT count(*) FILTER (WHERE NOT id ~ '^[0-9a-f-]{36}\$') || ' of ' || count(*) FROM public.\"TruckRequest\") || ' requests have legacy (non-uuid) ids' FROM public.\"Vehicle\""
fi

status=0

# a storm in the background, until the server goes away under it
storm_bg() {
	pgbench -n -M prepared -c "$clients" -j 2 -T 60 \
		-f "$here/rc_commit.pgbench@70" -f "$here/rc_hold.pgbench@20" -f "$here/rc_rollback.pgbench@10" \
		>"$work/pgbench.$1.out" 2>&1 &
	storm_pid=$!
}

# wait until some backends are inside accept_truck_request
wait_busy() {
	local n
	for _ in $(seq 1 100); do
		n=$(psql -X -At -c "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%stress.call%' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge 4 ] && return 0
		sleep 0.05
	done
	ta_die "the storm never got busy"
}

wait_ready() {
	for _ in $(seq 1 200); do
		pg_isready -q && psql -X -At -c 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	ta_die "server did not come back"
}

check_state() { # $1 = label
	local v calls
	v=$(psql -X -At -c "SELECT count(*) FROM $api.invariant_violations")
	calls=$(psql -X -At -c "SELECT count(*) FROM public.assignments WHERE status = 'active'")
	if [ "$v" = 0 ]; then
		echo "$1: recovered; $calls active assignments, 0 invariant violations"
	else
		echo "$1: FAIL, $v invariant violations:"
		psql -X -c "SELECT * FROM $api.invariant_violations LIMIT 20"
		status=1
	fi
}

for round in 1 2 3; do
	storm_bg "$round"
	wait_busy
	sleep 1
	# (not our own backend: this query's text matches its own LIKE pattern)
	victim=$(psql -X -At -c "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%stress.call%' AND pid <> pg_backend_pid() ORDER BY random() LIMIT 1")
	[ -n "$victim" ] || ta_die "round $round: no backend inside an accept to kill"
	kills_before=$(grep -c 'terminated by signal 9' "$TA_CLUSTER_DIR/server.log" || true)
	ta_log "round $round: kill -9 backend $victim in the middle of an accept"
	kill -9 "$victim"
	wait "$storm_pid" || true # every client loses its connection
	wait_ready
	kills_after=$(grep -c 'terminated by signal 9' "$TA_CLUSTER_DIR/server.log" || true)
	[ "$kills_after" -gt "$kills_before" ] || { echo "round $round: FAIL, no crash recorded"; status=1; }
	check_state "round $round (kill -9)"
done

storm_bg 4
wait_busy
sleep 1
ta_log "round 4: immediate shutdown in the middle of the storm, then restart"
ta_cluster_down immediate
wait "$storm_pid" || true
ta_cluster_up
wait_ready
check_state "round 4 (immediate shutdown)"

crashes=$(grep -c 'terminated by signal 9' "$TA_CLUSTER_DIR/server.log" || true)
recoveries=$(grep -c 'automatic recovery in progress' "$TA_CLUSTER_DIR/server.log" || true)
echo "server log: $crashes backends killed by signal 9, $recoveries crash recoveries (WAL replay) in all"

echo "== sweep and audit after the faults =="
psql -X -q -v check_answers=0 -v api="$api" -f "$here/sweep.sql" -f "$here/audit.sql" | tee "$work/audit.out"
violations=$(sed -n 's/^violations: \([0-9]*\)$/\1/p' "$work/audit.out")
[ "${violations:-x}" = 0 ] || { echo "FAIL: ${violations:-?} violations"; status=1; }
[ $status = 0 ] && echo "faults: PASS (3 kill -9 and 1 immediate shutdown mid-storm$prisma, 0 violations after recovery)"
exit $status
