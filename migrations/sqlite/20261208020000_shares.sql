-- Shared links (issue 24): a read-only snapshot of one conversation's visible branch, served at
-- /s/{token}. The token (24 random bytes, base64url) is the whole capability; it is kept as is
-- so that its owner can open and copy the link again from "Shared links". The snapshot is
-- frozen JSON (title, the branch's messages, the system prompt only when the sharer included
-- it; never user ids or other branches), so the page does not change when the chat continues.
-- Deleting the conversation or the account deletes its links.
CREATE TABLE shares (
    token           TEXT    PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    title           TEXT    NOT NULL,
    snapshot        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER,
    revoked_at      INTEGER
);

CREATE INDEX shares_by_owner ON shares (user_id, created_at DESC);
CREATE INDEX shares_by_conversation ON shares (conversation_id);
