-- Feedback on answers (issue 24), as migrations/sqlite/20261208030000_feedback.sql: one rating
-- per user per answer, an optional comment, the answer's model copied for the admin summary.
CREATE TABLE feedback (
    message_id TEXT   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating     TEXT   NOT NULL CHECK (rating IN ('up', 'down')),
    comment    TEXT,
    model      TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

CREATE INDEX feedback_by_user ON feedback (user_id);
