-- Attachments (issue 25): files a user uploads to send with a message. The bytes live in the
-- database, not in files beside it: one place to back up, the same code on SQLite and
-- PostgreSQL, and every replica reads them without a shared disk (images are normalised to
-- at most 2048 px and files are capped by `[attachments] max_file_bytes`, so rows stay small).
-- An upload is owned by its user and belongs to no conversation until a message uses it
-- (`conversation_id` NULL: pending; the sweeper deletes pending uploads after a day). Deleting
-- the conversation or the account deletes its attachments; `message_attachments` says which
-- user message carries which files, in order (an edit may keep files of the message it
-- replaces, so one attachment may belong to several messages of one conversation).
CREATE TABLE attachments (
    id              TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT    REFERENCES conversations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('image', 'pdf', 'text')),
    content_type    TEXT    NOT NULL,
    size_bytes      INTEGER NOT NULL,
    width           INTEGER,
    height          INTEGER,
    -- A PDF's text layer (for models that do not read PDFs) or a text file's text.
    text_content    TEXT,
    bytes           BLOB    NOT NULL,
    created_at      INTEGER NOT NULL
);

CREATE INDEX attachments_by_user ON attachments (user_id, created_at);
CREATE INDEX attachments_by_conversation ON attachments (conversation_id);

CREATE TABLE message_attachments (
    message_id    TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    attachment_id TEXT    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    PRIMARY KEY (message_id, attachment_id)
);

CREATE INDEX message_attachments_by_attachment ON message_attachments (attachment_id);
