-- 0012_client_documents_links: documents kept per app client (managed
-- login branding styles, terms documents) and the external identities
-- linked to users (AdminLinkProviderForUser).

-- client_documents are JSON documents of an app client, by kind
-- ("branding", "terms"). id is unique in the pool; (client_id, kind, name)
-- is unique, so a client has one branding style and one terms document of
-- each name. They go with their client (and so with the pool).
CREATE TABLE client_documents (
    pool_id    TEXT NOT NULL,
    id         TEXT NOT NULL,
    client_id  TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    body       BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, id),
    UNIQUE (client_id, kind, name)
);
CREATE INDEX client_documents_by_kind ON client_documents (pool_id, kind, id);

-- provider_links link an external identity (a provider's name and the
-- subject it gives) to a user of the pool: at most one user per identity.
-- They go with the user.
CREATE TABLE provider_links (
    pool_id        TEXT NOT NULL,
    provider_name  TEXT NOT NULL,
    subject        TEXT NOT NULL,
    attribute_name TEXT NOT NULL,
    sub            TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider_name, subject),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX provider_links_by_user ON provider_links (pool_id, sub);
