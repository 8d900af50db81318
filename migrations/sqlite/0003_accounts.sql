-- Accounts: passwords (argon2id PHC strings; NULL for users a trusted proxy names and for the
-- built-in local user), admins, approval status, and sessions.
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1));
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'pending', 'disabled'));
-- 1 only for the built-in local user (row 1) until the first account claims it, keeping the
-- conversations made in single-user mode.
ALTER TABLE users ADD COLUMN is_builtin INTEGER NOT NULL DEFAULT 0 CHECK (is_builtin IN (0, 1));

UPDATE users SET is_builtin = 1 WHERE id = 1;

CREATE UNIQUE INDEX users_by_name ON users (name COLLATE NOCASE);

-- Only a SHA-256 of each session token is stored: a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
