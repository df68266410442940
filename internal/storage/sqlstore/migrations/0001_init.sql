-- 0001_init: the initial schema.
--
-- Written once for both dialects. PostgreSQL reads BLOB as BYTEA and TEXT as
-- TEXT COLLATE "C" (byte order, as SQLite compares), see migrate.go.
-- Times are unix microseconds (0 = unset); absent text is ''.

CREATE TABLE pools (
    id         TEXT NOT NULL PRIMARY KEY,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    config     BLOB,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE clients (
    id            TEXT NOT NULL PRIMARY KEY,
    pool_id       TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    secret_sealed BLOB,
    config        BLOB,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX clients_by_pool ON clients (pool_id, id);

-- users.lookups is the user's Lookups as given (a JSON array, order kept);
-- user_lookups indexes them and keeps them unique. username_key is the
-- key of the "username" lookup, the sort key of Users.List.
CREATE TABLE users (
    pool_id             TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    sub                 TEXT NOT NULL UNIQUE,
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
    PRIMARY KEY (pool_id, sub)
);
CREATE INDEX users_by_username ON users (pool_id, username_key, sub);

CREATE TABLE user_lookups (
    pool_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    lookup_key TEXT NOT NULL,
    sub        TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, lookup_key),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX user_lookups_by_user ON user_lookups (pool_id, sub);

CREATE TABLE codes (
    pool_id    TEXT NOT NULL,
    sub        TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    hash       BLOB,
    attempts   INTEGER NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, sub, purpose),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);

CREATE TABLE refresh_tokens (
    id         BLOB NOT NULL PRIMARY KEY,
    pool_id    TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sub        TEXT NOT NULL,
    origin_jti TEXT NOT NULL,
    family_id  TEXT NOT NULL,
    device_key TEXT NOT NULL,
    auth_time  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL,
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_by_origin ON refresh_tokens (origin_jti);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool_id, sub);
CREATE INDEX refresh_tokens_by_client ON refresh_tokens (client_id);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- signing_keys.pool_id has no foreign key: identity pools will keep keys
-- here too. Pools.Delete removes a user pool's keys itself.
CREATE TABLE signing_keys (
    id             TEXT NOT NULL PRIMARY KEY,
    pool_id        TEXT NOT NULL,
    key_use        TEXT NOT NULL,
    algorithm      TEXT NOT NULL,
    private_sealed BLOB,
    public_jwk     BLOB,
    created_at     BIGINT NOT NULL,
    retire_at      BIGINT NOT NULL
);
CREATE INDEX signing_keys_by_pool ON signing_keys (pool_id, created_at);
CREATE INDEX signing_keys_by_retire ON signing_keys (retire_at);

CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB
);

CREATE TABLE identity_pools (
    id         TEXT NOT NULL PRIMARY KEY,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    config     BLOB,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE identities (
    id         TEXT NOT NULL PRIMARY KEY,
    pool_id    TEXT NOT NULL REFERENCES identity_pools (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (pool_id, id)
);

-- identity_logins links a login to an identity. user_pool_id and user_sub
-- name the local user behind the login ('' when there is none): the
-- user <-> identity link, indexed both ways.
CREATE TABLE identity_logins (
    identity_pool_id TEXT NOT NULL,
    provider         TEXT NOT NULL,
    subject          TEXT NOT NULL,
    identity_id      TEXT NOT NULL,
    user_pool_id     TEXT NOT NULL,
    user_sub         TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (identity_pool_id, provider, subject),
    FOREIGN KEY (identity_pool_id, identity_id) REFERENCES identities (pool_id, id) ON DELETE CASCADE
);
CREATE INDEX identity_logins_by_identity ON identity_logins (identity_id);
CREATE INDEX identity_logins_by_user ON identity_logins (user_pool_id, user_sub);
