-- The replica writing a streaming answer (see migrations/postgres/0001_schema.sql): kept on
-- SQLite too so both backends have the same columns and `migrate-to-postgres` copies it.
ALTER TABLE messages ADD COLUMN replica_id TEXT;
