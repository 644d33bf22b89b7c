// race.ts: 40 transporters race for the trucks of over-broadcast orders,
// once through the app's old accept path (old-accept.ts) and once through
// truck_accept (truck-accept.ts), on the same world, with the real Prisma 7
// client and the pg driver adapter.  Prints the two side by side; then
// tests the take_events consumer (consumer.ts).  Exits non-zero, and does
// not print "race: PASS", if the new path has any error, leaves any slot
// unfilled or breaks any invariant, or if the consumer loses or repeats an
// event or keeps a batch whose handler failed; else prints "race: PASS".
import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";
import { acceptHandler, type TruckAcceptEvent } from "./truck-accept.ts";
import { oldAcceptHandler } from "./old-accept.ts";
import { consumeEvents, takeBatch } from "./consumer.ts";

const ORDERS = 10; // orders of TRUCKS trucks each
const TRUCKS = 3;
const REQUESTS_PER_ORDER = 6; // broadcast: twice the trucks needed
const TRANSPORTERS = 40; // each notified of 3 orders: 12 transporters per order
const ORDERS_PER_TRANSPORTER = 3;
const TAP_BUDGET = 8; // taps a transporter makes before giving up

const conn = {
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER,
  database: process.env.PGDATABASE,
};

/**
 * The ids, as the SQL below makes them, all text (Prisma's String @id):
 * orders, requests and drivers uuids, md5(label)::uuid::text; transporters
 * and vehicles legacy cuid-style ids, 'c' || left(md5(label), 24).
 */
function uid(label: string): string {
  const h = createHash("md5").update(label).digest("hex");
  if (label.startsWith("t") || label.startsWith("v")) return `c${h.slice(0, 24)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A small seeded generator, so that both paths see the same taps. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function resetWorld(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE "Assignment", "TruckRequest", "Order", "Vehicle", "Driver",
    "Transporter", public.truck_accept_events`);
  await pool.query(
    `INSERT INTO "Transporter" ("id")
     SELECT 'c' || left(md5('t' || t), 24) FROM generate_series(0, $1 - 1) t`,
    [TRANSPORTERS],
  );
  await pool.query(
    `INSERT INTO "Order" ("id", "trucksNeeded", "updatedAt")
     SELECT md5('o' || n)::uuid::text, $1, now() FROM generate_series(0, $2 - 1) n`,
    [TRUCKS, ORDERS],
  );
  await pool.query(
    `INSERT INTO "TruckRequest" ("id", "orderId", "vehicleType", "updatedAt")
     SELECT md5('r' || n || '-' || k)::uuid::text, md5('o' || n)::uuid::text, 'open_17ft', now()
     FROM generate_series(0, $1 - 1) n, generate_series(0, $2 - 1) k`,
    [ORDERS, REQUESTS_PER_ORDER],
  );
  await pool.query(
    `INSERT INTO "Vehicle" ("id", "transporterId", "vehicleType", "updatedAt")
     SELECT 'c' || left(md5('v' || t), 24), 'c' || left(md5('t' || t), 24), 'open_17ft', now()
     FROM generate_series(0, $1 - 1) t`,
    [TRANSPORTERS],
  );
  await pool.query(
    `INSERT INTO "Driver" ("id", "transporterId", "updatedAt")
     SELECT md5('d' || t)::uuid::text, 'c' || left(md5('t' || t), 24), now()
     FROM generate_series(0, $1 - 1) t`,
    [TRANSPORTERS],
  );
}

/**
 * Transporter t's taps: the requests of its orders, each order's in a random
 * order, at most TAP_BUDGET of them (all of its first order's, then some of
 * its second's).  Every order is the first of 4 transporters, who tap all of
 * its requests unless they win: under a path without false failures each of
 * them wins it or finds it full (at most 3 of its 6 requests can be taken),
 * so every slot is filled.
 */
function tapsOf(t: number): string[] {
  const next = rng(1000 + t);
  const taps: string[] = [];
  for (const o of [t % ORDERS, (t + 3) % ORDERS, (t + 7) % ORDERS].slice(0, ORDERS_PER_TRANSPORTER)) {
    const ks = [...Array(REQUESTS_PER_ORDER).keys()];
    for (let i = ks.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [ks[i], ks[j]] = [ks[j], ks[i]];
    }
    for (const k of ks) taps.push(uid(`r${o}-${k}`));
  }
  return taps.slice(0, TAP_BUDGET);
}

type Tap = (a: {
  requestId: string;
  transporterId: string;
  vehicleId: string;
  driverId: string;
}) => Promise<{ status: number; why?: string }>;

interface Figures {
  calls: number;
  answered: number;
  seconds: number;
  p99ms: number;
  http503: number;
  http500: number;
  why: Map<string, number>;
  won: number;
  unfilled: number;
  violations: number;
  assignments: number;
}

async function race(pool: pg.Pool, tap: Tap): Promise<Figures> {
  await resetWorld(pool);
  const latencies: number[] = [];
  let http503 = 0;
  let http500 = 0;
  let won = 0;
  const why = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    [...Array(TRANSPORTERS).keys()].map(async (t) => {
      for (const requestId of tapsOf(t)) {
        const t0 = performance.now();
        const { status, why: reason } = await tap({
          requestId,
          transporterId: uid(`t${t}`),
          vehicleId: uid(`v${t}`),
          driverId: uid(`d${t}`),
        });
        latencies.push(performance.now() - t0);
        if (status === 503) http503++;
        else if (status >= 500) http500++;
        if (status >= 500) why.set(`${status} ${reason}`, (why.get(`${status} ${reason}`) ?? 0) + 1);
        if (status === 200 || status === 201) {
          won++;
          return; // one vehicle: one trip
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const { rows } = await pool.query(
    `SELECT (SELECT sum("trucksNeeded" - "trucksFilled") FROM "Order")::int AS unfilled,
            (SELECT count(*) FROM truck_accept_text.invariant_violations)::int AS violations,
            (SELECT count(*) FROM "Assignment")::int AS assignments`,
  );
  return {
    calls: latencies.length,
    answered: latencies.length - http503 - http500,
    seconds,
    p99ms: latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)],
    http503,
    http500,
    why,
    won,
    unfilled: rows[0].unfilled,
    violations: rows[0].violations,
    assignments: rows[0].assignments,
  };
}

function table(old: Figures, now: Figures): void {
  const line = (name: string, a: string | number, b: string | number) =>
    console.log(`${name.padEnd(24)}${String(a).padStart(22)}${String(b).padStart(22)}`);
  line("", "old: SERIALIZABLE x3", "new: truck_accept");
  line("calls", old.calls, now.calls);
  line("answered calls/s", (old.answered / old.seconds).toFixed(1), (now.answered / now.seconds).toFixed(1));
  line("p99 latency (ms)", old.p99ms.toFixed(1), now.p99ms.toFixed(1));
  line("HTTP 503", old.http503, now.http503);
  line("HTTP 500", old.http500, now.http500);
  line("transporters who won", old.won, now.won);
  line("slots left unfilled", `${old.unfilled} of ${ORDERS * TRUCKS}`, `${now.unfilled} of ${ORDERS * TRUCKS}`);
  line("invariant violations", old.violations, now.violations);
  for (const [k, n] of old.why) console.log(`old path, HTTP ${k}: ${n}`);
  for (const [k, n] of now.why) console.log(`new path, HTTP ${k}: ${n}`);
}

/** The consumer: a failed handler keeps its batch; two consumers share the rest exactly once. */
async function consumerTest(pool: pg.Pool): Promise<string[]> {
  const problems: string[] = [];
  const count = async () => Number((await pool.query("SELECT count(*) FROM public.truck_accept_events")).rows[0].count);
  const waiting = await count();
  if (waiting === 0) problems.push("no events waiting after the race");

  const c1 = new pg.Client(conn);
  const c2 = new pg.Client(conn);
  await c1.connect();
  await c2.connect();
  try {
    await takeBatch(c1, async () => {
      throw new Error("handler failed");
    });
    problems.push("a failing handler did not fail its batch");
  } catch {
    if ((await count()) !== waiting) problems.push("a failed batch was not rolled back");
  }

  const seen: TruckAcceptEvent[] = [];
  const stop = new AbortController();
  const handle = async (e: TruckAcceptEvent) => {
    seen.push(e);
    if (seen.length >= waiting) stop.abort();
  };
  const timeout = setTimeout(() => stop.abort(), 20000);
  await Promise.all([
    consumeEvents(c1, handle, { signal: stop.signal, batch: 7, idleMs: 200 }),
    consumeEvents(c2, handle, { signal: stop.signal, batch: 7, idleMs: 200 }),
  ]);
  clearTimeout(timeout);
  await c1.end();
  await c2.end();

  const ids = new Set(seen.map((e) => e.id));
  const accepted = seen.filter((e) => e.event_type === "accepted").map((e) => e.assignment_id);
  const { rows } = await pool.query(`SELECT "id" FROM "Assignment"`);
  const assignments = new Set(rows.map((r) => r.id));
  if (ids.size !== seen.length) problems.push(`an event was handed out twice (${seen.length} taken, ${ids.size} distinct)`);
  if (seen.length !== waiting) problems.push(`${seen.length} events taken of ${waiting}`);
  if ((await count()) !== 0) problems.push("events left in the outbox");
  if (new Set(accepted).size !== accepted.length || accepted.length !== assignments.size ||
      !accepted.every((a) => assignments.has(a)))
    problems.push("the accepted events are not the assignments made, once each");
  console.log(
    `consumer: a failing handler kept its batch of ${waiting} events; two consumers then took ` +
      `${seen.length} events, ${ids.size} distinct, ${accepted.length} accepted = ${assignments.size} assignments`,
  );
  return problems;
}

const pool = new pg.Pool({ ...conn, max: 4 });
const oldClient = new PrismaClient({ adapter: new PrismaPg({ ...conn, max: TRANSPORTERS }) });
const newClient = new PrismaClient({ adapter: new PrismaPg({ ...conn, max: TRANSPORTERS }) });

const old = await race(pool, async (a) => {
  const r = await oldAcceptHandler(oldClient, a);
  return { status: r.status, why: r.status === 503 ? `retry exhausted (${r.sqlstate})` : `SQLSTATE ${r.sqlstate} ${r.error ?? ""}` };
});
const now = await race(pool, async (a) => {
  const r = await acceptHandler(newClient, a);
  return { status: r.status, why: "error" in r.body ? `SQLSTATE ${r.body.sqlstate} ${r.body.error}` : undefined };
});
console.log(
  `${TRANSPORTERS} transporters, ${ORDERS} orders of ${TRUCKS} trucks, each broadcast as ${REQUESTS_PER_ORDER} requests; ` +
    `each transporter taps the requests of its ${ORDERS_PER_TRANSPORTER} orders until it wins, at most ${TAP_BUDGET} times`,
);
table(old, now);

const problems: string[] = [];
if (now.http503 + now.http500 > 0) problems.push(`the new path answered ${now.http503 + now.http500} calls with 5xx`);
if (now.unfilled > 0) problems.push(`the new path left ${now.unfilled} slots unfilled`);
if (now.violations > 0) problems.push(`the new path broke ${now.violations} invariants`);
if (now.assignments !== now.won) problems.push(`the new path made ${now.assignments} assignments for ${now.won} winners`);
if (now.won !== ORDERS * TRUCKS) problems.push(`the new path had ${now.won} winners for ${ORDERS * TRUCKS} slots`);
problems.push(...(await consumerTest(pool)));

await oldClient.$disconnect();
await newClient.$disconnect();
await pool.end();
for (const p of problems) console.log(`FAIL: ${p}`);
console.log(problems.length === 0 ? "race: PASS" : "race: FAIL");
process.exit(problems.length === 0 ? 0 : 1);
