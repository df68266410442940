-- 0018_user_search_of_user: writing a user reads its own user_search rows
-- (pool_id, sub) to replace them. SQLite's planner served that read from
-- the primary key's covering range over the whole pool (pool_id = ?)
-- rather than from user_search_by_user, so every write of a user read
-- every search row of its pool: 16 ms a write at 20,000 users, growing
-- with the pool. An index by user that also covers the columns read is
-- the one both planners take.

CREATE INDEX user_search_of_user ON user_search (pool_id, sub, attr_name, attr_value);
DROP INDEX user_search_by_user;
