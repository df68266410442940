-- 0003_user_security: state that protects accounts.
--
-- user_guards counts failed password attempts per sign-in subject (a user's
-- sub, or a hash of a name no user holds) and the lockout they caused.
-- rate_windows counts events (code requests) per subject and kind in a
-- fixed window. password_history keeps the hashes of a user's previous
-- passwords for PasswordHistorySize.

CREATE TABLE user_guards (
    pool_id      TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (pool_id, subject)
);
CREATE INDEX user_guards_by_update ON user_guards (updated_at);

CREATE TABLE rate_windows (
    pool_id      TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    subject      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (pool_id, subject, kind)
);
CREATE INDEX rate_windows_by_start ON rate_windows (window_start);

CREATE TABLE password_history (
    pool_id    TEXT NOT NULL,
    sub        TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);
CREATE INDEX password_history_by_user ON password_history (pool_id, sub, created_at);
