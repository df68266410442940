-- 0015_pool_user_count: each pool counts its users, kept in the
-- transaction that creates or deletes one, so that DescribeUserPool's
-- EstimatedNumberOfUsers is one row read instead of a count of the pool.

ALTER TABLE pools ADD COLUMN user_count BIGINT NOT NULL DEFAULT 0;
UPDATE pools SET user_count = (SELECT COUNT(*) FROM users WHERE users.pool_id = pools.id);
