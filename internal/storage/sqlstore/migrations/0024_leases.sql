-- 0024_leases: named claims with an owner and an expiry (storage.Leases),
-- so that of the nodes sharing a database one at a time works on a thing
-- (a pool's change of sign-in rule), and another takes over, from the
-- progress the holder recorded, once the holder stops renewing.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    progress   BLOB
);
