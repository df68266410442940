-- 0020_user_packed: users' rows leave out what they would repeat (issue
-- 15; see internal/storage/sqlstore/users_packed.go): an empty username
-- stands for username_key, and a leading '!' of username or password_hash
-- escapes the packed forms. The few stored values that start with '!' (and
-- empty usernames) get that escape here, so that they read back as they
-- are; other rows stay as stored and are packed when next written. One
-- pass over the table, no index rebuilt.
UPDATE users SET username = '!' || username
    WHERE username = '' OR substr(username, 1, 1) = '!';
UPDATE users SET password_hash = '!' || password_hash
    WHERE substr(password_hash, 1, 1) = '!';
