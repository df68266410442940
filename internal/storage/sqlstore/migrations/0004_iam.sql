-- 0004_iam: IAM roles, their inline policies, and OpenID Connect providers.
--
-- iam_roles.name_key is the lower-cased name: IAM role names are unique
-- case-insensitively. tags, client_ids and thumbprints are JSON arrays in
-- the caller's order.

CREATE TABLE iam_roles (
    id                   TEXT NOT NULL PRIMARY KEY,
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL UNIQUE,
    path                 TEXT NOT NULL,
    assume_role_policy   TEXT NOT NULL,
    description          TEXT NOT NULL,
    max_session_duration INTEGER NOT NULL,
    permissions_boundary TEXT NOT NULL,
    tags                 TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);

CREATE TABLE iam_role_policies (
    role_id    TEXT NOT NULL REFERENCES iam_roles (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (role_id, name)
);

CREATE TABLE iam_oidc_providers (
    url         TEXT NOT NULL PRIMARY KEY,
    client_ids  TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    tags        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
