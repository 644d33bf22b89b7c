// consumer.ts: a take_events() consumer an application can copy (node-postgres).
// Each batch is one transaction: take_events() deletes the rows it hands
// out, so a handler that throws rolls the batch back and the events stay in
// the outbox for the next try.  Several consumers may run at once: each
// event goes to exactly one.  LISTEN truck_accept only wakes the loop up (the
// notification's payload is empty by default, and any role may send one):
// the events themselves come from take_events().  Tested by src/race.ts.
// README: begin consumer
import type pg from "pg";
import type { TruckAcceptEvent } from "./truck-accept.ts";

export type EventHandler = (e: TruckAcceptEvent) => Promise<void>;

/** Take and handle up to `batch` events in one transaction; returns how many. */
export async function takeBatch(client: pg.ClientBase, handle: EventHandler, batch = 100): Promise<number> {
  await client.query("BEGIN");
  try {
    const { rows } = await client.query<TruckAcceptEvent>(
      "SELECT * FROM truck_accept_text.take_events($1)",
      [batch],
    );
    for (const e of rows) await handle(e);
    await client.query("COMMIT");
    return rows.length;
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
}

/**
 * Consume until `signal` aborts: take batches while there are events, then
 * sleep until a notification (or `idleMs`, in case one was missed while the
 * connection was away).  A failed batch is reported to `onError` and tried
 * again after `idleMs`.
 */
export async function consumeEvents(
  client: pg.Client,
  handle: EventHandler,
  opts: { signal: AbortSignal; batch?: number; idleMs?: number; onError?: (err: unknown) => void },
): Promise<void> {
  const idleMs = opts.idleMs ?? 1000;
  let wake: (() => void) | null = null;
  const onNotify = () => wake?.();
  client.on("notification", onNotify);
  await client.query("LISTEN truck_accept");
  try {
    while (!opts.signal.aborted) {
      let taken = 0;
      try {
        taken = await takeBatch(client, handle, opts.batch);
      } catch (err) {
        opts.onError?.(err);
      }
      if (taken > 0) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          opts.signal.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, idleMs);
        wake = done;
        opts.signal.addEventListener("abort", done, { once: true });
      });
      wake = null;
    }
  } finally {
    client.off("notification", onNotify);
    await client.query("UNLISTEN truck_accept");
  }
}
// README: end consumer
