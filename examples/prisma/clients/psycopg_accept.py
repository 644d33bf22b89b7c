# clients/psycopg_accept.py: truck_accept from psycopg 3, as the README shows it
# (run by run.sh: python3 clients/psycopg_accept.py REQUEST TRANSPORTER VEHICLE).
import sys

# README: begin accept
import psycopg
from psycopg.rows import dict_row


def accept_truck_request(conn, request_id, transporter_id, vehicle_id, driver_id=None):
    """One call, one answer: no retry (READ COMMITTED); commit it with the caller's work."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT * FROM truck_accept_text.accept_truck_request(%s, %s, %s, %s)",
            (request_id, transporter_id, vehicle_id, driver_id),
        )
        return cur.fetchone()
# README: end accept


with psycopg.connect() as conn:  # PGHOST, PGPORT, ...; commits when the block ends
    r = accept_truck_request(conn, *sys.argv[1:4])  # text ids, as str
    print(r["outcome"], r["order_status"], f'{r["trucks_filled"]}/{r["trucks_needed"]}')
