-- demo/client.sql: one transporter's "accept" tap, run by each of the racing psql processes.
--
-- psql variables: lock (advisory lock key), name, label (request label), req, tid, vid, did (uuids).
-- The barrier: the demo's main session holds advisory lock :lock exclusively;
-- every client queues behind it for a shared lock, and all of them get it
-- the moment it is released.  Then the call, with one CSV line as output.

SELECT pg_advisory_lock_shared(:lock) \g /dev/null
SELECT pg_advisory_unlock_shared(:lock) \g /dev/null
SELECT :'name', :'label', r.*, clock_timestamp()
FROM truck_accept.accept_truck_request(:'req', :'tid', :'vid', :'did') r;
