#!/usr/bin/env bash
# scripts/test.sh: the README's "run every test" command (also what .ci/run calls).
#
# Installs what is missing, builds and installs the extension, starts a
# throwaway cluster, runs pg_regress (sql/), the isolation specs (specs/) and
# the pgTAP suite (test/), pg_regress and the specs a second time on bound
# Prisma-shaped tables with text ids, then the storms and the fault tests
# (stress/, each on a throwaway cluster of its own, each on both schemas),
# the dump/restore/drop check, the packaging check and the Prisma kit
# (examples/prisma/run.sh), prints one
# summary (checked against the number of tests there are), stops and removes
# the clusters, and exits non-zero on any failure.
#
# TA_PACKAGED=1: test the extension as a package installed it (no build, no
# `make install`); scripts/matrix.sh runs it so against the Debian package.
source "$(dirname "$0")/lib.sh"

ta_ensure_deps
ta_build_install
ta_cluster_start

cd "$TA_ROOT"
rm -rf results output_iso regression.diffs regression.out log

passed=0
failed=0
failed_suites=()
skipped=()

# run_suite NAME KIND COMMAND...: run one suite and count what it ran.
#   KIND "each": count every test the runner reports.  pg_regress and the
#     isolation tester print "test name ... ok" / "name ... FAILED" up to
#     PostgreSQL 15 and TAP lines from 16 on ("ok 1 - name",
#     "not ok 2 - name"); pg_prove prints "test/x.sql .. ok" or
#     "test/x.sql .. Failed 2/10 subtests".
#   KIND "one": the suite is one test, passed when it exits 0 and says
#     "NAME: PASS" (the stress tools and the packaging check).
run_suite() {
	local name=$1 kind=$2 out rc p f
	shift 2
	ta_log "$name"
	out=$(mktemp)
	set +e
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$kind" = each ]; then
		p=$(grep -Ec '(\.\.\. ok|^ok +[0-9]+ +- |^test/.*\.\. ok)' "$out" || true)
		f=$(grep -Ec '(\.\.\. FAILED|^not ok +[0-9]+ +- |^test/.*\.\. (Failed|Dubious|No subtests))' "$out" || true)
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 # the runner failed before it could report a test
		fi
	elif [ "$rc" -eq 0 ] && grep -Eq '^(storm|faults|dumps|packaging|prisma): PASS' "$out"; then
		p=1 f=0
	elif [ "$rc" -eq 0 ] && grep -Eq '^prisma: SKIP' "$out"; then
		p=0 f=0
		skipped+=("$name: $(grep -E '^prisma: SKIP' "$out" | head -1)")
	else
		p=0 f=1
	fi
	rm -f "$out"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		failed_suites+=("$name")
	fi
}

run_suite "pg_regress (sql/)" each make -s PG_CONFIG="$PG_CONFIG" installcheck-regress
# pg_regress again on bound Prisma-shaped tables with text ids, on a
# throwaway cluster of its own
run_suite "pg_regress on bound Prisma-shaped tables (scripts/regress-prisma.sh)" each "$TA_ROOT/scripts/regress-prisma.sh"
run_suite "isolation (specs/)" each make -s PG_CONFIG="$PG_CONFIG" installcheck-isolation
# the specs again on bound Prisma-shaped tables, on a throwaway cluster of its own
run_suite "isolation on bound Prisma-shaped tables (scripts/specs-prisma.sh)" each "$TA_ROOT/scripts/specs-prisma.sh"
run_suite "pgTAP (test/)" each make -s PG_CONFIG="$PG_CONFIG" prove
# the stress tools start throwaway clusters of their own
run_suite "storm, short form (stress/storm.sh)" one "$TA_ROOT/stress/storm.sh"
run_suite "mixed lifecycle storm (stress/storm.sh --mixed)" one "$TA_ROOT/stress/storm.sh" --mixed
run_suite "faults (stress/faults.sh)" one "$TA_ROOT/stress/faults.sh"
# the same three on the same worlds in an application's own Prisma-shaped
# tables, recorded with bind() (stress/prisma_shape.sql)
run_suite "storm on bound Prisma-shaped tables (stress/storm.sh --prisma)" one "$TA_ROOT/stress/storm.sh" --prisma
run_suite "mixed storm on bound Prisma-shaped tables (stress/storm.sh --mixed --prisma)" one "$TA_ROOT/stress/storm.sh" --mixed --prisma
run_suite "faults on bound Prisma-shaped tables (stress/faults.sh --prisma)" one "$TA_ROOT/stress/faults.sh" --prisma
run_suite "dump, restore and drop (scripts/check-dump-restore.sh)" one "$TA_ROOT/scripts/check-dump-restore.sh"
run_suite "packaging (scripts/check-packaging.sh)" one "$TA_ROOT/scripts/check-packaging.sh"
# real Prisma 7 against a throwaway cluster of its own; needs Node.js >= 20.19
# (else it says "prisma: SKIP", reported below and not counted)
run_suite "Prisma kit (examples/prisma/run.sh)" one "$TA_ROOT/examples/prisma/run.sh"

# Every test must have been counted once: a summary that cannot count what
# ran is a failure of its own.
n_sql=$(find sql -maxdepth 1 -name '*.sql' | wc -l)
n_specs=$(find specs -maxdepth 1 -name '*.spec' | wc -l)
n_specs_prisma=$("$TA_ROOT/scripts/specs-prisma.sh" --count)
n_sql_prisma=$("$TA_ROOT/scripts/regress-prisma.sh" --count)
n_tap=$(find test -maxdepth 1 -name '*.sql' | wc -l)
n_one=$((9 - ${#skipped[@]})) # 2 storms and faults, twice; dumps, packaging, Prisma kit
expected=$((n_sql + n_sql_prisma + n_specs + n_specs_prisma + n_tap + n_one))
if [ $((passed + failed)) -ne "$expected" ]; then
	ta_log "count check: counted $((passed + failed)) tests, expected $expected" \
		"($n_sql sql/ + $n_sql_prisma sql/ on Prisma-shaped tables + $n_specs specs/ + $n_specs_prisma specs/ on Prisma-shaped tables + $n_tap test/ + $n_one stress, dumps, packaging and kit)"
	failed_suites+=("count check")
	failed=$((failed + 1))
fi

for d in regression.diffs output_iso/regression.diffs; do
	if [ -s "$d" ]; then
		ta_log "$d (first 200 lines)"
		head -n 200 "$d"
	fi
done

echo
echo "== truck_accept test summary =="
echo "suites with failures: ${failed_suites[*]:-none}"
for s in "${skipped[@]}"; do echo "skipped, not counted: $s"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_suites[@]} -eq 0 ]
