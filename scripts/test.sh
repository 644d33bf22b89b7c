#!/usr/bin/env bash
# scripts/test.sh: the README's "run every test" command (also what .ci/run calls).
#
# Installs what is missing, builds and installs the extension, starts a
# throwaway cluster, runs pg_regress (sql/), the isolation specs (specs/) and
# the pgTAP suite (test/), then the short storm and the fault tests (stress/,
# each on a throwaway cluster of its own), prints one summary, stops and
# removes the clusters, and exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"

ta_ensure_deps
ta_build_install
ta_cluster_start

cd "$TA_ROOT"
rm -rf results output_iso regression.diffs regression.out log

passed=0
failed=0
failed_suites=()

# run_suite NAME COMMAND...: run one suite, count its "... ok" / "... FAILED" lines.
run_suite() {
	local name=$1 out rc p f
	shift
	ta_log "$name"
	out=$(mktemp)
	set +e
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	# pg_regress / pg_isolation_regress: "ok 1 - name", "test name ... ok",
	# "name ... FAILED"; pg_prove: "test/x.sql .. ok", "test/x.sql .. Failed 2/10 subtests"
	p=$(grep -Ec '(\.\.\. ok|^test/.*\.\. ok|^(storm|faults): PASS)' "$out" || true)
	f=$(grep -Ec '(\.\.\. FAILED|^test/.*\.\. (Failed|Dubious|No subtests)|^FAIL)' "$out" || true)
	rm -f "$out"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # the runner failed before it could report a test
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		failed_suites+=("$name")
	fi
}

run_suite "pg_regress (sql/)" make -s PG_CONFIG="$PG_CONFIG" installcheck-regress
run_suite "isolation (specs/)" make -s PG_CONFIG="$PG_CONFIG" installcheck-isolation
run_suite "pgTAP (test/)" make -s PG_CONFIG="$PG_CONFIG" prove
# the stress tools start throwaway clusters of their own
run_suite "storm, short form (stress/storm.sh)" "$TA_ROOT/stress/storm.sh"
run_suite "mixed lifecycle storm (stress/storm.sh --mixed)" "$TA_ROOT/stress/storm.sh" --mixed
run_suite "faults (stress/faults.sh)" "$TA_ROOT/stress/faults.sh"

for d in regression.diffs output_iso/regression.diffs; do
	if [ -s "$d" ]; then
		ta_log "$d (first 200 lines)"
		head -n 200 "$d"
	fi
done

echo
echo "== truck_accept test summary =="
echo "suites with failures: ${failed_suites[*]:-none}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_suites[@]} -eq 0 ]
