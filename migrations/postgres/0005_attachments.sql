-- Attachments (issue 25), as migrations/sqlite/20261209010000_attachments.sql: uploads stored
-- in the database (BYTEA), owned by a user, pending (no conversation) until a message uses
-- them, deleted with their conversation or account; `message_attachments` orders a message's
-- files.
CREATE TABLE attachments (
    id              TEXT    PRIMARY KEY,
    user_id         BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT    REFERENCES conversations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('image', 'pdf', 'text')),
    content_type    TEXT    NOT NULL,
    size_bytes      BIGINT  NOT NULL,
    width           INTEGER,
    height          INTEGER,
    text_content    TEXT,
    bytes           BYTEA   NOT NULL,
    created_at      BIGINT  NOT NULL
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
