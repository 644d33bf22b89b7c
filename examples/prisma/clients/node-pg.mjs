// clients/node-pg.mjs: truck_accept from node-postgres, as the README shows it
// (run by run.sh: node clients/node-pg.mjs REQUEST TRANSPORTER VEHICLE).
// README: begin accept
import pg from "pg";

const pool = new pg.Pool(); // PGHOST, PGPORT, PGUSER, PGDATABASE from the environment

// One call, one answer: no transaction, no retry (READ COMMITTED).
export async function acceptTruckRequest(requestId, transporterId, vehicleId, driverId = null) {
  const { rows } = await pool.query(
    "SELECT * FROM truck_accept_text.accept_truck_request($1, $2, $3, $4)",
    [requestId, transporterId, vehicleId, driverId],
  );
  return rows[0]; // { outcome, accepted, assignment_id, trip_id, order_id, trucks_filled, ... }
}
// README: end accept

const [requestId, transporterId, vehicleId] = process.argv.slice(2);
const r = await acceptTruckRequest(requestId, transporterId, vehicleId);
console.log(r.outcome, r.order_status, `${r.trucks_filled}/${r.trucks_needed}`);
await pool.end();
