-- 0019_user_space: fewer bytes a user (issue 15: at most 1.5 KiB a user,
-- SRP verifier included).
--
-- A user's SRP salt is stored as its raw bytes, no longer as hex, and
-- the verifiers as bytes (see internal/userpool/srp_stored.go), no longer
-- as base64 text; the text rows written before stay readable as they are.
--
-- In SQLite, user_search and user_lookups become WITHOUT ROWID tables:
-- their primary key b-tree is the table, so a row is kept twice (the
-- table and its index by user) rather than three times (a rowid table,
-- its primary key index and its index by user). Both are rebuilt, one
-- statement each: a minute or so at a million users (see README). Nothing
-- refers to them, so dropping the old tables cascades nowhere.
--
-- Upgrading: a Cognate built before 0019 cannot read a user once it has
-- run on PostgreSQL (pgx: "cannot scan bytea (OID 17) in binary format
-- into *string"), and one that writes a password stores its hex salt as
-- the bytes of the text. Every node runs the new binary before any serves
-- again: stop them all, then start the new ones (Ready still passes on an
-- old node, which counts a newer database as fine).

-- begin sqlite only
CREATE TABLE user_search_0019 (
    pool_id    TEXT NOT NULL,
    attr_name  TEXT NOT NULL,
    attr_value TEXT NOT NULL,
    sub        TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr_name, attr_value, sub),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO user_search_0019 (pool_id, attr_name, attr_value, sub)
    SELECT pool_id, attr_name, attr_value, sub FROM user_search;
DROP TABLE user_search;
ALTER TABLE user_search_0019 RENAME TO user_search;
CREATE INDEX user_search_of_user ON user_search (pool_id, sub, attr_name, attr_value);

CREATE TABLE user_lookups_0019 (
    pool_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    lookup_key TEXT NOT NULL,
    sub        TEXT NOT NULL,
    PRIMARY KEY (pool_id, kind, lookup_key),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO user_lookups_0019 (pool_id, kind, lookup_key, sub)
    SELECT pool_id, kind, lookup_key, sub FROM user_lookups;
DROP TABLE user_lookups;
ALTER TABLE user_lookups_0019 RENAME TO user_lookups;
CREATE INDEX user_lookups_by_user ON user_lookups (pool_id, sub);

UPDATE users SET srp_salt = unhex(srp_salt) WHERE typeof(srp_salt) = 'text' AND srp_salt <> '';
-- end sqlite only

-- begin postgres only
-- PostgreSQL's index by user needs only (pool_id, sub): a user's search
-- rows share that key, which a non-unique B-tree keeps once with the list
-- of their rows (deduplication), a third of the entries of 0018's index
-- that repeats each row's attribute and value. Its planner reads the few
-- rows from the table; SQLite's needs the covering index (see 0018).
CREATE INDEX user_search_by_user ON user_search (pool_id, sub);
DROP INDEX user_search_of_user;

ALTER TABLE users
    ALTER COLUMN srp_salt TYPE BYTEA USING decode(srp_salt, 'hex'),
    ALTER COLUMN srp_verifier TYPE BYTEA USING convert_to(srp_verifier, 'UTF8');
-- end postgres only
