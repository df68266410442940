-- 0025_deleted_subs: the subs of users deleted from a pool while it
-- migrates lazily from a Cognito pool, so that the migration never
-- creates them again (a deletion here is final, as in Cognito), nor a
-- later copy run. Only pools under migration record them; the records
-- outlive the migration, and deleting the pool drops them.
CREATE TABLE deleted_subs (
    pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    sub     TEXT NOT NULL,
    PRIMARY KEY (pool_id, sub)
);
