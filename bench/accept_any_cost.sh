#!/usr/bin/env bash
# bench/accept_any_cost.sh: what N wins in ONE transaction cost, accept_any_truck_request
# against accept_truck_request (issue 9, items 7 and 8): XIDs, MultiXacts and wall time.
#
#   bench/accept_any_cost.sh [--no-install] [N ...]      (default N: 100 1000 5000)
#
# For each N, on a throwaway cluster (scripts/lib.sh; autovacuum off, so that
# nothing else assigns XIDs): one order of N requests and N vehicles (see
# world), then
# one statement "SELECT ... FROM generate_series(1, N), LATERAL
# accept_any_truck_request(order, transporter, vehicle n)" in its own
# transaction; then the same N wins through accept_truck_request (one request
# each, looked up by number in a table of its own).  XIDs: pg_current_xact_id() before and after, less the two reading it.
# MultiXacts: next_multixact_id of pg_control_checkpoint() around a CHECKPOINT.
# Prints one line per function and N.  --no-install measures the extension that
# is installed (to measure another build, install it first).
source "$(dirname "$0")/../scripts/lib.sh"

install=1
sizes=()
for a in "$@"; do
	case "$a" in
	--no-install) install= ;;
	*) sizes+=("$a") ;;
	esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 5000)

ta_ensure_deps
[ -z "$install" ] || ta_build_install
ta_cluster_start -c autovacuum=off

psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION truck_accept' -c 'SELECT truck_accept.create_tables()'

q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

xid() { q -c 'SELECT pg_current_xact_id()::text'; }
multi() { q -c 'CHECKPOINT' -c 'SELECT next_multixact_id::text FROM pg_control_checkpoint()'; }

# world N: one order needing N trucks, N requests, N vehicles of one transporter,
# and 10 000 other orders (so that the plans of a real table are used: with
# one order, PostgreSQL's foreign-key check scans the whole table, every
# version of that order's row included)
world() {
	q -c "TRUNCATE public.events, public.assignments, public.truck_requests,
			public.vehicles, public.drivers, public.orders" \
	  -c "INSERT INTO public.orders (id, trucks_needed)
			VALUES ('00000000-0000-0000-0000-0000000000a1', $1)" \
	  -c "INSERT INTO public.orders (id, trucks_needed)
			SELECT pg_catalog.gen_random_uuid(), 1 FROM generate_series(1, 10000)" \
	  -c "INSERT INTO public.truck_requests (id, order_id, vehicle_type)
			SELECT pg_catalog.gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1', 'open_17ft'
			FROM generate_series(1, $1)" \
	  -c "INSERT INTO public.vehicles (id, transporter_id, vehicle_type)
			SELECT ('00000000-0000-0000-0001-' || lpad(n::text, 12, '0'))::uuid,
				   '00000000-0000-0000-0000-0000000000d1', 'open_17ft'
			FROM generate_series(1, $1) n" \
	  -c "DROP TABLE IF EXISTS public.request_n" \
	  -c "CREATE TABLE public.request_n AS
			SELECT row_number() OVER (ORDER BY r.id)::int AS n, r.id FROM public.truck_requests r" \
	  -c "ALTER TABLE public.request_n ADD PRIMARY KEY (n)" \
	  -c "VACUUM ANALYZE"
}

# measure NAME N SQL: the wins, XIDs, MultiXacts and milliseconds of one statement
measure() {
	local name=$1 n=$2 sql=$3 x0 x1 m0 m1 out
	m0=$(multi)
	x0=$(xid)
	out=$(q <<-EOF
		SELECT pg_catalog.clock_timestamp() AS t0 \gset
		SELECT count(*) FILTER (WHERE r.outcome = 'accepted') || ' ' ||
			round(extract(epoch FROM pg_catalog.clock_timestamp() - :'t0'::timestamptz) * 1000)
		FROM generate_series(1, $n) n, LATERAL ($sql) r;
	EOF
	)
	x1=$(xid)
	m1=$(multi)
	printf '%-24s N=%-6s wins %-6s XIDs %-6s MultiXacts %-6s %8s ms\n' "$name" "$n" \
		"${out% *}" "$((x1 - x0 - 1))" "$((m1 - m0))" "${out#* }"
}

for n in "${sizes[@]}"; do
	world "$n"
	measure accept_any_truck_request "$n" \
		"SELECT * FROM truck_accept.accept_any_truck_request('00000000-0000-0000-0000-0000000000a1',
			'00000000-0000-0000-0000-0000000000d1',
			('00000000-0000-0000-0001-' || lpad(n::text, 12, '0'))::uuid)"
	world "$n"
	measure accept_truck_request "$n" \
		"SELECT * FROM truck_accept.accept_truck_request(
			(SELECT q.id FROM public.request_n q WHERE q.n = n.n),
			'00000000-0000-0000-0000-0000000000d1',
			('00000000-0000-0000-0001-' || lpad(n::text, 12, '0'))::uuid)"
done
