-- Search: FTS5 trigram indexes of conversation titles and message text, so a search is an
-- index lookup instead of `LIKE '%…%'` over every message (whose cost was message length ×
-- search length). The trigram tokenizer matches any substring of 3 or more characters,
-- case-insensitively (Unicode case folding); shorter searches cannot use it (see
-- src/store/search.rs). Both tables are contentless (no second copy of the text) and keyed by
-- the rowid of their row: `messages` and `conversations` have indexes, so VACUUM keeps their
-- rowids. `contentless_delete=1` lets the triggers delete by rowid alone.
--
-- An answer is indexed only once it is no longer `streaming`: the batched flushes of a
-- streaming answer (UPDATEs of `content` while `status = 'streaming'`, however they build the
-- text) cost the index nothing; the final write, recovery (`interrupted`) or a reopened
-- answer's status change index or unindex it.

CREATE VIRTUAL TABLE title_search USING fts5 (
    title, content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 0'
);

CREATE VIRTUAL TABLE message_search USING fts5 (
    content, content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 0'
);

-- Merge index segments two at a time (default four): a lookup visits every segment for each
-- of a search's trigrams, and a long search has up to 198 of them; fewer segments halve the
-- worst case for the same insert cost.
INSERT INTO message_search (message_search, rank) VALUES ('automerge', 2);

-- What the earlier schema stored.
INSERT INTO title_search (rowid, title) SELECT rowid, title FROM conversations;
INSERT INTO message_search (rowid, content)
    SELECT rowid, content FROM messages WHERE status <> 'streaming';

CREATE TRIGGER title_search_insert AFTER INSERT ON conversations
BEGIN
    INSERT INTO title_search (rowid, title) VALUES (NEW.rowid, NEW.title);
END;

CREATE TRIGGER title_search_update AFTER UPDATE OF title ON conversations
BEGIN
    DELETE FROM title_search WHERE rowid = OLD.rowid;
    INSERT INTO title_search (rowid, title) VALUES (NEW.rowid, NEW.title);
END;

CREATE TRIGGER title_search_delete AFTER DELETE ON conversations
BEGIN
    DELETE FROM title_search WHERE rowid = OLD.rowid;
END;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN NEW.status <> 'streaming'
BEGIN
    INSERT INTO message_search (rowid, content) VALUES (NEW.rowid, NEW.content);
END;

-- Deleting a conversation deletes its messages by cascade, which fires this trigger too.
CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN OLD.status <> 'streaming'
BEGIN
    DELETE FROM message_search WHERE rowid = OLD.rowid;
END;

-- Streaming → streaming (a flush) fires nothing.
CREATE TRIGGER message_search_update AFTER UPDATE OF content, status ON messages
WHEN OLD.status <> 'streaming' OR NEW.status <> 'streaming'
BEGIN
    DELETE FROM message_search WHERE rowid = OLD.rowid AND OLD.status <> 'streaming';
    INSERT INTO message_search (rowid, content)
        SELECT NEW.rowid, NEW.content WHERE NEW.status <> 'streaming';
END;
