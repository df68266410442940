-- 0010_passkeys: users' WebAuthn credentials (passkeys).

-- passkeys are the credentials users registered with
-- CompleteWebAuthnRegistration. credential_id is the credential id in
-- unpadded base64url, unique in the pool; public_key the COSE key;
-- transports a JSON array. A user's passkeys go with the user.
CREATE TABLE passkeys (
    pool_id            TEXT NOT NULL,
    credential_id      TEXT NOT NULL,
    sub                TEXT NOT NULL,
    relying_party_id   TEXT NOT NULL,
    public_key         BLOB NOT NULL,
    sign_count         BIGINT NOT NULL,
    aaguid             BLOB,
    transports         TEXT NOT NULL,
    attachment         TEXT NOT NULL,
    friendly_name      TEXT NOT NULL,
    attestation_format TEXT NOT NULL,
    user_verified      BOOLEAN NOT NULL,
    backup_eligible    BOOLEAN NOT NULL,
    backup_state       BOOLEAN NOT NULL,
    created_at         BIGINT NOT NULL,
    last_used_at       BIGINT NOT NULL,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX passkeys_by_user ON passkeys (pool_id, sub, credential_id);
