-- 0002_groups_search: groups and their members, the index behind
-- Users.Search, and users' authentication history.
--
-- Users created before this migration have no user_search rows until they
-- are next written.

-- pool_groups is a pool's groups ("groups" is a keyword in both dialects).
-- precedence is -1 when the group has none.
CREATE TABLE pool_groups (
    pool_id     TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    role_arn    TEXT NOT NULL,
    precedence  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, name)
);

-- group_members is indexed both ways: a group's members by the primary
-- key, a user's groups by group_members_by_user.
CREATE TABLE group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    sub        TEXT NOT NULL,
    PRIMARY KEY (pool_id, group_name, sub),
    FOREIGN KEY (pool_id, group_name) REFERENCES pool_groups (pool_id, name) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (pool_id, sub, group_name);

-- user_search indexes the searchable attributes of each user (see
-- storage.SearchableAttribute), written with the user. attr_value is the
-- value cut to at most 512 bytes; a prefix search is the range
-- [p, p || U+10FFFF), which bytewise order (SQLite's BINARY, PostgreSQL's
-- "C") serves from the index.
CREATE TABLE user_search (
    pool_id    TEXT NOT NULL,
    attr_name  TEXT NOT NULL,
    attr_value TEXT NOT NULL,
    sub        TEXT NOT NULL,
    PRIMARY KEY (pool_id, attr_name, attr_value, sub),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX user_search_by_user ON user_search (pool_id, sub);

CREATE INDEX users_by_status ON users (pool_id, status, sub);
CREATE INDEX users_by_enabled ON users (pool_id, enabled, sub);

-- auth_events is each user's authentication history, newest first by the
-- primary key; auth_events_by_time serves the retention sweep.
CREATE TABLE auth_events (
    pool_id    TEXT NOT NULL,
    sub        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    id         TEXT NOT NULL,
    event_type TEXT NOT NULL,
    response   TEXT NOT NULL,
    ip_address TEXT NOT NULL,
    details    BLOB,
    PRIMARY KEY (pool_id, sub, created_at, id),
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX auth_events_by_time ON auth_events (created_at);
