-- Why an answer ended (`stop`, `length`, `tool_calls`, `content_filter`, `stopped`, …), so a
-- reloaded page still offers "Continue" after the token limit.
ALTER TABLE messages ADD COLUMN finish_reason TEXT;
