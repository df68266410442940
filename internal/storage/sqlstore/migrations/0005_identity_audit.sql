-- 0005_identity_audit: the identity audit log, and the identity state that
-- linking and merging need.
--
-- identities.linked_at is when the identity first had a login (0 for a
-- guest that never had one); identities.merged_into names the identity a
-- merged (disabled) identity was merged into ('' otherwise).
ALTER TABLE identities ADD COLUMN linked_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE identities ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';

-- identity_audit records credential and token issuances, link changes,
-- identity deletions and merges. It has no foreign keys: events outlive the
-- identities, pools and users they name. details is a JSON object.
CREATE TABLE identity_audit (
    id               TEXT NOT NULL PRIMARY KEY,
    at               BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    identity_id      TEXT NOT NULL,
    identity_pool_id TEXT NOT NULL,
    user_pool_id     TEXT NOT NULL,
    username         TEXT NOT NULL,
    user_sub         TEXT NOT NULL,
    role_arn         TEXT NOT NULL,
    details          TEXT NOT NULL
);
CREATE INDEX identity_audit_by_time ON identity_audit (at, id);
CREATE INDEX identity_audit_by_identity ON identity_audit (identity_id, at, id);
CREATE INDEX identity_audit_by_user ON identity_audit (user_pool_id, user_sub, at, id);
