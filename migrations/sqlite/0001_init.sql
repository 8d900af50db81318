-- Sluice schema v1: users, conversations, the message tree, presets.
-- Timestamps are INTEGER unix milliseconds; conversation and message ids are UUID text.

CREATE TABLE users (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- The built-in local user: every row has an owner from the start (accounts come later).
INSERT INTO users (id, name, created_at) VALUES (1, 'local', 0);

CREATE TABLE conversations (
    id            TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         TEXT    NOT NULL,
    model         TEXT,
    system_prompt TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE INDEX conversations_by_owner ON conversations (user_id, updated_at DESC);

-- A tree per conversation: siblings share a parent (regenerated answers, edited messages).
-- The composite foreign key keeps a parent inside the same conversation.
CREATE TABLE messages (
    id                TEXT    PRIMARY KEY,
    conversation_id   TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id         TEXT,
    role              TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content           TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'complete'
                      CHECK (status IN ('complete', 'streaming', 'stopped', 'error', 'interrupted')),
    error             TEXT,
    model             TEXT,
    input_tokens      INTEGER,
    output_tokens     INTEGER,
    reasoning_tokens  INTEGER,
    ttft_ms           INTEGER,
    tokens_per_second REAL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (conversation_id, id),
    FOREIGN KEY (conversation_id, parent_id)
        REFERENCES messages (conversation_id, id) ON DELETE CASCADE
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

-- A new message makes its conversation the owner's most recent one, even within the same
-- millisecond (ties between conversations created in one millisecond fall back to rowid).
CREATE TRIGGER messages_touch_conversation AFTER INSERT ON messages
BEGIN
    UPDATE conversations
    SET updated_at = MAX(NEW.created_at,
                         COALESCE((SELECT MAX(o.updated_at) + 1 FROM conversations o
                                   WHERE o.user_id = conversations.user_id
                                     AND o.id <> conversations.id), 0))
    WHERE id = NEW.conversation_id;
END;

CREATE TABLE presets (
    id            TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    system_prompt TEXT    NOT NULL DEFAULT '',
    model         TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
