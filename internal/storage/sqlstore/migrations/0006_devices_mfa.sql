-- 0006_devices_mfa: remembered devices, single-use nonces, and the rotation
-- mark of refresh tokens.

-- devices are the devices users chose to remember (ConfirmDevice), with the
-- SRP salt the client chose and the verifier sealed with the server key.
CREATE TABLE devices (
    pool_id         TEXT NOT NULL,
    device_key      TEXT NOT NULL,
    sub             TEXT NOT NULL,
    group_key       TEXT NOT NULL,
    name            TEXT NOT NULL,
    salt            BLOB,
    verifier_sealed BLOB,
    status          TEXT NOT NULL,
    last_ip         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    last_auth_at    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, device_key),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX devices_by_user ON devices (pool_id, sub, device_key);

-- nonces count the uses of values that may be used once or a few times
-- (SRP secret blocks, TOTP steps, wrong answers in a sign-in session) until
-- they expire; ids are hashes.
CREATE TABLE nonces (
    id         BLOB NOT NULL PRIMARY KEY,
    uses       INTEGER NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX nonces_by_expiry ON nonces (expires_at);

-- rotated_at is when a refresh token was exchanged for a successor under
-- refresh-token rotation (0 while it has none).
ALTER TABLE refresh_tokens ADD COLUMN rotated_at BIGINT NOT NULL DEFAULT 0;
