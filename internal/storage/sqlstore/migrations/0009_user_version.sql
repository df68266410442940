-- 0009_user_version: a user's version, one more on every write, so that a
-- write of a user read before a concurrent write is refused (ErrStale)
-- instead of undoing it.

ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
