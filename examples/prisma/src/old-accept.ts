// old-accept.ts: the application's accept path before truck_accept, as it
// was written (kept here only to race it against the one-call path): read,
// check and write from the client in a SERIALIZABLE interactive transaction,
// take the request with updateMany ... where status = SEARCHING, bump the
// order's counter optimistically (where trucksFilled = the value read), and
// try the whole transaction 3 times on a serialization failure.  Prisma 7
// reports that failure as P2034, as P2010 carrying SQLSTATE 40001 (from a
// statement), or as a DriverAdapterError "TransactionWriteConflict" carrying
// 40001 (from the COMMIT); the app's original code only knew P2034, so a
// lost race became an HTTP 500.  Here all of them are retried (sqlstateOf).
// After 3 tries the caller gets 503 "retry exhausted".
import { Prisma, type PrismaClient } from "../generated/prisma/client.ts";
import { HTTP_FOR, httpForSqlstate, sqlstateOf, type AcceptArgs, type AcceptOutcome } from "./truck-accept.ts";

const TRIES = 3;

class CounterConflict extends Error {}

function answer(outcome: AcceptOutcome) {
  return { status: HTTP_FOR[outcome], outcome };
}

async function attempt(prisma: PrismaClient, a: AcceptArgs) {
  return prisma.$transaction(
    async (tx) => {
      const req = await tx.truckRequest.findUnique({ where: { id: a.requestId } });
      if (!req) return answer("not_found");
      if (req.status === "ASSIGNED")
        return answer(req.assignedTransporterId === a.transporterId ? "already_yours" : "already_taken");
      if (req.status !== "SEARCHING" || (req.expiresAt && req.expiresAt <= new Date()))
        return answer("request_closed");
      const order = await tx.order.findUnique({ where: { id: req.orderId } });
      if (!order || !["SEARCHING", "PARTIALLY_FILLED"].includes(order.status) || order.trucksFilled >= order.trucksNeeded)
        return answer("order_closed");
      const vehicle = await tx.vehicle.findUnique({ where: { id: a.vehicleId } });
      if (!vehicle) return answer("vehicle_not_found");
      if (vehicle.transporterId !== a.transporterId) return answer("vehicle_not_owned");
      if (vehicle.vehicleType !== req.vehicleType) return answer("vehicle_type_mismatch");
      if (vehicle.status !== "AVAILABLE") return answer("vehicle_unavailable");
      if (a.driverId) {
        const driver = await tx.driver.findUnique({ where: { id: a.driverId } });
        if (!driver) return answer("driver_not_found");
        if (driver.transporterId !== a.transporterId) return answer("driver_not_owned");
        if (driver.status !== "AVAILABLE") return answer("driver_unavailable");
      }
      const taken = await tx.truckRequest.updateMany({
        where: { id: req.id, status: "SEARCHING" },
        data: {
          status: "ASSIGNED",
          assignedTransporterId: a.transporterId,
          assignedVehicleId: a.vehicleId,
          assignedDriverId: a.driverId ?? null,
          assignedAt: new Date(),
        },
      });
      if (taken.count === 0) return answer("already_taken");
      const filled = order.trucksFilled + 1;
      const counted = await tx.order.updateMany({
        where: { id: order.id, trucksFilled: order.trucksFilled },
        data: { trucksFilled: filled, status: filled >= order.trucksNeeded ? "FULLY_FILLED" : "PARTIALLY_FILLED" },
      });
      if (counted.count === 0) throw new CounterConflict("order counter moved");
      await tx.assignment.create({
        data: {
          truckRequestId: req.id,
          orderId: order.id,
          transporterId: a.transporterId,
          vehicleId: a.vehicleId,
          driverId: a.driverId ?? null,
        },
      });
      await tx.vehicle.update({ where: { id: a.vehicleId }, data: { status: "ON_TRIP" } });
      if (a.driverId) await tx.driver.update({ where: { id: a.driverId }, data: { status: "ON_TRIP" } });
      return answer("accepted");
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.Serializable },
  );
}

/** The old handler: an HTTP status and the outcome (or the error's SQLSTATE). */
export async function oldAcceptHandler(
  prisma: PrismaClient,
  a: AcceptArgs,
): Promise<{ status: number; outcome?: AcceptOutcome; sqlstate?: string; error?: string; retries: number }> {
  for (let i = 1; ; i++) {
    try {
      return { ...(await attempt(prisma, a)), retries: i - 1 };
    } catch (e) {
      const sqlstate = e instanceof CounterConflict ? "40001" : sqlstateOf(e);
      if (sqlstate === "40001" || sqlstate === "40P01") {
        if (i < TRIES) continue;
        return { status: 503, sqlstate, retries: i - 1 }; // "retry exhausted"
      }
      const code = (e as { code?: string }).code;
      return { status: httpForSqlstate(sqlstate), sqlstate, error: code ?? (e as Error).message, retries: i - 1 };
    }
  }
}
