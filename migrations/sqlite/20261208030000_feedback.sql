-- Feedback on answers (issue 24): one thumbs up or down per user per answer, with an optional
-- comment. `model` is copied from the answer when rated, so the admin's per-model summary
-- needs no join and survives a later change of the answer. Deleting the answer (with its
-- conversation) or the account deletes the rating.
CREATE TABLE feedback (
    message_id TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating     TEXT    NOT NULL CHECK (rating IN ('up', 'down')),
    comment    TEXT,
    model      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

CREATE INDEX feedback_by_user ON feedback (user_id);
