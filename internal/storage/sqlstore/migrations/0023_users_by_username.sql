-- 0023_users_by_username: Users.List and the username searches read the
-- pool's username rows of user_lookups in key order, joined to users by
-- primary key (see internal/storage/sqlstore/users_byname.go), so
-- users_by_username, which repeated those rows, goes (issue 15: 83 B a
-- user in SQLite, 97 in PostgreSQL). Users without a username key, which
-- the store allows and List shows first, keep a partial index, empty in
-- practice. No table is rewritten.
DROP INDEX users_by_username;
CREATE INDEX users_without_username ON users (pool_id, sub) WHERE username_key = '';
