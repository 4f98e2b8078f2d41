-- +goose Up
-- 督办 as a case: a supervisor presses for an answer by a due date
-- (督办期限); the engineers answer; a supervisor closes it (办结) with a
-- note, or reopens it. The comment row holds the case's state and its
-- latest answer; comment_events holds every answer, closing and reopening,
-- so that a reopened case keeps its whole thread.
ALTER TABLE comments ADD COLUMN due_on TEXT;
ALTER TABLE comments ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'closed'));
-- When the case was found past its due date unanswered and its escalation
-- was sent; cleared when it is reopened, with a new due date.
ALTER TABLE comments ADD COLUMN escalated_at DATETIME;
UPDATE comments SET state = 'answered' WHERE answered_at IS NOT NULL;
-- The console and the digests count the cases not closed: by the index.
CREATE INDEX comments_state ON comments (state) WHERE state <> 'closed';

CREATE TABLE comment_events (
    id         INTEGER  PRIMARY KEY,
    comment_id INTEGER  NOT NULL REFERENCES comments (id),
    kind       TEXT     NOT NULL CHECK (kind IN ('answered', 'closed', 'reopened')),
    body       TEXT     NOT NULL CHECK (length(body) > 0),
    by_name    TEXT     NOT NULL,
    at         DATETIME NOT NULL
);
CREATE INDEX comment_events_comment_id ON comment_events (comment_id);
-- The answers given before cases had a thread are its first events.
INSERT INTO comment_events (comment_id, kind, body, by_name, at)
    SELECT id, 'answered', answer, answered_by, answered_at FROM comments
    WHERE answered_at IS NOT NULL AND answer <> '';

-- +goose Down
DROP TABLE comment_events;
DROP INDEX comments_state;
ALTER TABLE comments DROP COLUMN escalated_at;
ALTER TABLE comments DROP COLUMN state;
ALTER TABLE comments DROP COLUMN due_on;
