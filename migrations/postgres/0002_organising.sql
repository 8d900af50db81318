-- Organising chats (issue 24): a user's folders, and on each conversation a pin, an archive
-- time (archived chats leave the list but stay searchable) and the folder it sits in.
-- Folder names are unique per user ignoring ASCII case (`lower(name)`); deleting a folder
-- leaves its chats in no folder (ON DELETE SET NULL). That a conversation's folder has the
-- same owner is checked by the statements that move it. Same columns as
-- migrations/sqlite/20261208010000_organising.sql.
CREATE TABLE folders (
    id         TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    collapsed  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL
);

CREATE UNIQUE INDEX folders_by_lower_name ON folders (user_id, lower(name));

ALTER TABLE conversations
    ADD COLUMN pinned      BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN archived_at BIGINT,
    ADD COLUMN folder_id   TEXT REFERENCES folders (id) ON DELETE SET NULL;

CREATE INDEX conversations_by_folder ON conversations (folder_id);
