-- 0026_users_sub_per_pool: a sub is unique within its pool (the primary
-- key), no longer across all pools. Nothing looks a user up by sub alone,
-- and two pools may hold the same people: a Cognito pool copied twice (a
-- staging and a production pool on one database) or an export imported
-- beside its source. The constraint's index cost every user a key of its
-- own (issue 15: 59 B a user in PostgreSQL, 45 in SQLite).
--
-- PostgreSQL drops the constraint. SQLite cannot drop a column's
-- constraint, so users is rebuilt as SQLite documents it (create, copy,
-- drop, rename) with foreign keys off for this migration only: with
-- them on, dropping users would cascade to every row that refers to a
-- user. The runner checks the foreign keys before it commits
-- (sqlstore.Migrate). At a million users the rebuild takes a minute or
-- two, once, while the node starts.
-- foreign keys off

-- begin sqlite only
CREATE TABLE users_0026 (
    pool_id             TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    sub                 TEXT NOT NULL,
    username            TEXT NOT NULL,
    username_key        TEXT NOT NULL,
    status              TEXT NOT NULL,
    enabled             BOOLEAN NOT NULL,
    attributes          TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    srp_salt            TEXT NOT NULL,
    srp_verifier        TEXT NOT NULL,
    mfa                 BLOB,
    password_changed_at BIGINT NOT NULL,
    lookups             TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (pool_id, sub)
);
INSERT INTO users_0026 (pool_id, sub, username, username_key, status, enabled, attributes, password_hash,
        srp_salt, srp_verifier, mfa, password_changed_at, lookups, created_at, updated_at, version)
    SELECT pool_id, sub, username, username_key, status, enabled, attributes, password_hash,
        srp_salt, srp_verifier, mfa, password_changed_at, lookups, created_at, updated_at, version
    FROM users ORDER BY pool_id, sub;
DROP TABLE users;
ALTER TABLE users_0026 RENAME TO users;
CREATE INDEX users_by_status ON users (pool_id, status, sub);
CREATE INDEX users_by_enabled ON users (pool_id, enabled, sub);
CREATE INDEX users_without_username ON users (pool_id, sub) WHERE username_key = '';
-- end sqlite only

-- begin postgres only
ALTER TABLE users DROP CONSTRAINT users_sub_key;
-- end postgres only
