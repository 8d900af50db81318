-- Organising chats (issue 24): a user's folders, and on each conversation a pin, an archive
-- time (archived chats leave the list but stay searchable) and the folder it sits in.
-- Folder names are unique per user ignoring ASCII case (`lower(name)`, as presets on
-- PostgreSQL); deleting a folder leaves its chats in no folder (ON DELETE SET NULL). That a
-- conversation's folder has the same owner is checked by the statements that move it.
CREATE TABLE folders (
    id         TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    collapsed  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE UNIQUE INDEX folders_by_lower_name ON folders (user_id, lower(name));

ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN archived_at INTEGER;
ALTER TABLE conversations ADD COLUMN folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL;

CREATE INDEX conversations_by_folder ON conversations (folder_id);
