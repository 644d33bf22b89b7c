// truck-accept.ts: what an application copies to call truck_accept from
// Prisma 7: the result types, the one-call accept, and the complete mapping
// of outcomes and SQLSTATEs to HTTP.  Tested by src/race.ts (run.sh).
//
// Call it under READ COMMITTED, PostgreSQL's default and Prisma's (do not
// wrap it in a $transaction with isolationLevel Serializable or
// RepeatableRead): then it never fails with a serialization failure, and
// concurrent callers queue on the request's row lock and each get one
// answer.  Under REPEATABLE READ or SERIALIZABLE PostgreSQL reports a lost
// race as SQLSTATE 40001, which Prisma 7 raises as P2010 with
// meta.driverAdapterError.cause.originalCode "40001" from a statement (not
// P2034), and as a bare DriverAdapterError "TransactionWriteConflict" with
// cause.originalCode "40001" from the COMMIT of an interactive $transaction:
// sqlstateOf() reads all of them; map 40001 to 503 as below, never to 500.
import type { PrismaClient } from "../generated/prisma/client.ts";

// README: begin types
/** Every outcome of accept_truck_request, in the order they are checked. */
export type AcceptOutcome =
  | "not_found"
  | "already_yours"
  | "already_taken"
  | "request_closed"
  | "order_closed"
  | "vehicle_not_found"
  | "vehicle_not_owned"
  | "vehicle_type_mismatch"
  | "vehicle_unavailable"
  | "driver_not_found"
  | "driver_not_owned"
  | "driver_unavailable"
  | "accepted";

/**
 * An order's status as the functions report it, whatever the table spells;
 * a status of the application's own that bind() does not map (DRAFT, say)
 * comes back as "?DRAFT".
 */
export type OrderStatus =
  | "searching"
  | "partially_filled"
  | "fully_filled"
  | "cancelled"
  | "expired"
  | "completed"
  | `?${string}`;

/** One row of truck_accept_text.accept_truck_request() (ids are text). */
export interface AcceptResult {
  outcome: AcceptOutcome;
  accepted: boolean;
  assignment_id: string | null; // set for accepted and already_yours
  trip_id: string | null;
  order_id: string | null; // null for not_found
  trucks_filled: number | null;
  trucks_needed: number | null;
  order_status: OrderStatus | null;
  message: string;
}

/** One row of truck_accept_text.accept_any_truck_request(): the request it decided on too. */
export interface AcceptAnyResult extends AcceptResult {
  request_id: string | null;
}

/** One row of truck_accept_text.take_events(). */
export interface TruckAcceptEvent {
  id: string; // bigint, as text
  event_type:
    | "accepted"
    | "released"
    | "order_cancelled"
    | "assignment_cancelled"
    | "request_expired"
    | "order_expired"
    | "assignment_completed"
    | "order_completed";
  order_id: string | null;
  request_id: string | null;
  assignment_id: string | null;
  transporter_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

// README: end types

// README: begin accept
export interface AcceptArgs {
  requestId: string;
  transporterId: string;
  vehicleId: string;
  driverId?: string | null;
}

type Db = Pick<PrismaClient, "$queryRaw">;

/**
 * The whole acceptance: one statement, one answer, no retries.  The ids are
 * the tables' own (String @id: text, cuid or uuid), passed as they are to
 * the functions of schema truck_accept_text.
 */
export async function acceptTruckRequest(db: Db, a: AcceptArgs): Promise<AcceptResult> {
  const rows = await db.$queryRaw<AcceptResult[]>`
    SELECT * FROM truck_accept_text.accept_truck_request(
      ${a.requestId}, ${a.transporterId}, ${a.vehicleId}, ${a.driverId ?? null})`;
  return rows[0];
}

/** Any free request of an order, for a vehicle of the right type. */
export async function acceptAnyTruckRequest(
  db: Db,
  a: { orderId: string; transporterId: string; vehicleId: string; driverId?: string | null },
): Promise<AcceptAnyResult> {
  const rows = await db.$queryRaw<AcceptAnyResult[]>`
    SELECT * FROM truck_accept_text.accept_any_truck_request(
      ${a.orderId}, ${a.transporterId}, ${a.vehicleId}, ${a.driverId ?? null})`;
  return rows[0];
}

// README: end accept

// README: begin http
/** Outcome -> HTTP status.  A rejection is an answer, not an error. */
export const HTTP_FOR: Record<AcceptOutcome, number> = {
  accepted: 201, // a new assignment
  already_yours: 200, // a retry of one's own win: the same assignment again
  not_found: 404,
  already_taken: 409,
  request_closed: 410,
  order_closed: 410,
  vehicle_not_found: 404,
  vehicle_not_owned: 403,
  vehicle_type_mismatch: 422,
  vehicle_unavailable: 409,
  driver_not_found: 404,
  driver_not_owned: 403,
  driver_unavailable: 409,
};

/**
 * SQLSTATE -> HTTP status, for the errors a call can raise.  A malformed
 * call is the client's (400); a lost race under REPEATABLE READ or
 * SERIALIZABLE, a deadlock of several calls in one transaction, a lock or
 * statement timeout, a cancel or a server that is going away are worth a
 * retry later (503); the rest is the deployment's (500): the extension or
 * its tables missing, a privilege not granted, a table changed under it.
 */
export function httpForSqlstate(sqlstate: string | undefined): number {
  if (sqlstate === undefined) return 500;
  switch (sqlstate) {
    case "22P02": // invalid_text_representation: an id that is not a uuid (uuid tables)
    case "22001": // string_data_right_truncation: an id longer than 255 bytes
    case "22004": // null_value_not_allowed: request, transporter or vehicle missing
    case "22023": // invalid_parameter_value
      return 400;
    case "40001": // serialization_failure (only under REPEATABLE READ / SERIALIZABLE)
    case "40P01": // deadlock_detected (several calls in one transaction)
    case "55P03": // lock_not_available (lock_timeout)
    case "57014": // query_canceled (statement_timeout, cancel)
    case "57P01": // admin_shutdown
    case "53300": // too_many_connections
      return 503;
    case "42501": // insufficient_privilege: a GRANT is missing
    case "42883": // undefined_function: the extension is not installed
    case "55000": // object_not_in_prerequisite_state: no tables recorded, or the
    // uuid functions (schema truck_accept) called on tables with text ids
    case "42P01": // undefined_table: a recorded table was dropped
    case "42703": // undefined_column: a bound column was renamed
    case "42804": // datatype_mismatch: a column changed type
      return 500;
  }
  if (sqlstate.startsWith("08")) return 503; // connection exceptions
  return 500;
}

/**
 * The SQLSTATE of an error thrown by Prisma 7 (with @prisma/adapter-pg) or
 * by node-postgres.  Prisma 7 reports a database error of a raw query as
 * P2010 and carries the SQLSTATE in meta.driverAdapterError.cause; an error
 * of a transaction's COMMIT is a DriverAdapterError with the SQLSTATE in
 * cause.originalCode; P2034 is its name for a write conflict or deadlock.
 */
export function sqlstateOf(e: unknown): string | undefined {
  const err = e as {
    code?: string;
    cause?: { originalCode?: string };
    meta?: { code?: string; driverAdapterError?: { cause?: { originalCode?: string; code?: string } } };
  };
  // the COMMIT of an interactive $transaction: a bare DriverAdapterError
  // (kind TransactionWriteConflict for 40001)
  if (err?.cause?.originalCode) return err.cause.originalCode;
  const cause = err?.meta?.driverAdapterError?.cause;
  if (cause?.originalCode) return cause.originalCode;
  if (cause?.code && /^[0-9A-Z]{5}$/.test(cause.code)) return cause.code;
  if (err?.code === "P2034") return "40001";
  if (err?.meta?.code && /^[0-9A-Z]{5}$/.test(err.meta.code)) return err.meta.code;
  if (err?.code && /^[0-9A-Z]{5}$/.test(err.code)) return err.code; // node-postgres
  return undefined;
}

/** What an HTTP handler answers for an accept: status and body. */
export async function acceptHandler(
  db: Db,
  a: AcceptArgs,
): Promise<{ status: number; body: AcceptResult | { error: string; sqlstate?: string } }> {
  try {
    const r = await acceptTruckRequest(db, a);
    return { status: HTTP_FOR[r.outcome], body: r };
  } catch (e) {
    const sqlstate = sqlstateOf(e);
    return { status: httpForSqlstate(sqlstate), body: { error: (e as Error).message, sqlstate } };
  }
}
// README: end http
