-- 0025_deleted_subs: the subs of users deleted from a pool copied from a
-- Cognito pool, so that neither its lazy migration nor a later copy run
-- creates them again (a deletion here is final, as in Cognito). Pools
-- ever copied record them, during the migration and after --finish;
-- deleting the pool drops them.
CREATE TABLE deleted_subs (
    pool_id TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    sub     TEXT NOT NULL,
    PRIMARY KEY (pool_id, sub)
);
