#!/usr/bin/env python3
"""bench/profile_breakdown.py OUT N: the per-statement table of bench/profile.sh.

Reads OUT/bd.cg.* (callgrind dumps cut at every entry to and exit from
ta_exec and at the pg_sleep markers) and OUT/totals.txt; prints markdown.
"""
import glob
import os
import re
import subprocess
import sys

out, n = sys.argv[1], int(sys.argv[2])

dumps = []
for path in glob.glob(os.path.join(out, 'bd.cg.*')):
    m = re.search(r'\.(\d+)$', path)
    if not m:
        continue
    trig = total = None
    with open(path) as f:
        for line in f:
            if line.startswith('desc: Trigger:'):
                trig = line.split(':', 2)[2].strip()
            elif line.startswith('summary:') or line.startswith('totals:'):
                total = int(line.split(':')[1])
                break
    dumps.append((int(m.group(1)), path, trig, total))
dumps.sort()

# the measured region: after the first pg_sleep dump, up to the second
marks = [i for i, d in enumerate(dumps) if d[2] and 'pg_sleep' in d[2]]
region = dumps[marks[0] + 1: marks[1] + 1]
per_call = len([d for d in region if d[2] and 'dump-after=ta_exec' in d[2]]) // n
# one call in the middle of the region: 2 dumps per statement
k = n // 2
call = region[k * 2 * per_call: (k + 1) * 2 * per_call]
labels = {5: ['lock request (SELECT ... FOR NO KEY UPDATE)', 'lock vehicle', 'lock driver', 'lock order',
              'write CTE (4 UPDATEs + INSERT, FK checks)']}.get(per_call, [f'statement {i + 1}' for i in range(per_call)])

FUNCS = [
    ('GetCachedPlan', 'plan cache (GetCachedPlan: revalidation, plan choice)'),
    ('standard_planner', 'planning (standard_planner)'),
    ('standard_ExecutorStart', 'ExecutorStart'),
    ('standard_ExecutorRun', 'ExecutorRun'),
    ('standard_ExecutorFinish', 'ExecutorFinish (AFTER triggers: FK checks)'),
    ('standard_ExecutorEnd', 'ExecutorEnd'),
    ('heap_lock_tuple', 'heap_lock_tuple (row lock)'),
    ('heap_update', 'heap_update'),
    ('heap_insert', 'heap_insert'),
    ('ExecInsertIndexTuples', 'index inserts (ExecInsertIndexTuples)'),
    ('ExecConstraints', 'CHECK/NOT NULL constraints (ExecConstraints)'),
    ('stringToNode', 'stringToNode (CHECK expressions re-read per statement)'),
    ('RI_FKey_check_ins', 'FK checks (RI_FKey_check_ins)'),
    ('ExecOpenIndices', 'ExecOpenIndices'),
    ('GetTransactionSnapshot', 'snapshots (GetTransactionSnapshot)'),
    ('Async_Notify', 'Async_Notify (NOTIFY queued)'),
    ('get_call_result_type', 'get_call_result_type'),
    ('BlessTupleDesc', 'BlessTupleDesc'),
    ('SPI_connect', 'SPI_connect'),
    ('SPI_finish', 'SPI_finish'),
    ('AbortCurrentTransaction', 'ROLLBACK (AbortCurrentTransaction)'),
    ('StartTransactionCommand', 'BEGIN (StartTransactionCommand)'),
]


def inclusive(path):
    r = subprocess.run(['callgrind_annotate', '--inclusive=yes', '--threshold=100', path],
                       capture_output=True, text=True)
    costs = {}
    for line in r.stdout.splitlines():
        m = re.match(r'\s*([\d,]+)\s+\([^)]*\)\s+(\S+?)(?:\s+\[.*\])?$', line)
        if not m:
            continue
        name = m.group(2).rsplit(':', 1)[-1]
        v = int(m.group(1).replace(',', ''))
        if name.endswith("'2"):
            # a nested call (the statement SPI runs inside the outer EXECUTE)
            costs[name[:-2] + '@nested'] = max(costs.get(name[:-2] + '@nested', 0), v)
            continue
        if "'" in name:
            continue
        costs[name] = max(costs.get(name, 0), v)
    # ExecutorRun of the outer statement is on the stack for the whole dump:
    # report the nested one
    for fn in ('standard_ExecutorRun',):
        costs[fn] = costs.get(fn + '@nested', 0)
    return costs


rows = []
total = 0
gap = 0
gap_parts = []
for i in range(per_call):
    before, stmt = call[2 * i], call[2 * i + 1]
    if i == 0:
        rows.append(('between calls: end of the previous call (NOTIFY, result row, SPI_finish, return), ROLLBACK, '
                     'BEGIN, EXECUTE, function entry (get_call_result_type, SPI_connect)', before))
    else:
        gap += before[3]
        gap_parts.append(before)
    rows.append((labels[i], stmt))
    total += before[3] + stmt[3]

print(f'Breakdown of one accepted call of (c) (call {k + 1} of {n} measured, rolled back), from callgrind dumps '
      'at every entry to and exit from ta_exec():')
print()
print('| part | instructions | share | of which (inclusive) |')
print('|---|---:|---:|---|')
for label, d in rows:
    c = inclusive(d[1])
    parts = []
    for fn, desc in FUNCS:
        if c.get(fn):
            parts.append(f'{desc} {c[fn]:,}')
    print(f'| {label} | {d[3]:,} | {100 * d[3] / total:.1f}% | {"; ".join(parts)} |')
print(f'| C code between the statements (reading results, checks) | {gap:,} | {100 * gap / total:.1f}% | |')
print(f'| **total of the call** | **{total:,}** | 100% | |')
print()
print('Instructions per call (bench/callgrind.sh):')
print()
print('```')
print(open(os.path.join(out, 'totals.txt')).read().strip())
print('```')
