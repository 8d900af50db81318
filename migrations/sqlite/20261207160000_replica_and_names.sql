-- The replica writing a streaming answer (see migrations/postgres/0001_schema.sql): kept on
-- SQLite too so both backends have the same columns and `migrate-to-postgres` copies it.
ALTER TABLE messages ADD COLUMN replica_id TEXT;

-- Names are compared as `lower(name) = lower($1)` on both backends (one query text); this
-- index answers that on SQLite as `users_by_name` (NOCASE) did. Both fold ASCII only.
CREATE INDEX users_by_lower_name ON users (lower(name));
CREATE INDEX presets_by_lower_name ON presets (user_id, lower(name));
