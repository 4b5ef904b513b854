-- Tasks, comments and journal notes on any record (issue 24 part 2, notes of part 3; decision
-- 0034). A record is named as the audit trail names it (entity type, id), as attachments name it.

-- Work assigned to a person: a title, a due day (the lab's calendar day, YYYY-MM-DD), a priority,
-- a status and optionally the record it is about.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    assignee_id INTEGER REFERENCES users(id),
    due_on TEXT CHECK (due_on IS NULL OR length(due_on) = 10),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    entity_type TEXT,
    entity_id INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((entity_type IS NULL) = (entity_id IS NULL))
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_on);
CREATE INDEX tasks_status ON tasks (status, due_on);
CREATE INDEX tasks_record ON tasks (entity_type, entity_id) WHERE entity_type IS NOT NULL;

-- The due-soon and overdue reminders sent: once per task, kind and due day, so a task whose due
-- day moves is reminded again, and one that stays overdue is not reminded every morning.
CREATE TABLE task_reminders (
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    kind TEXT NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
    due_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (task_id, kind, due_on)
) WITHOUT ROWID;

-- Comments on a record or a task, with @mentions. Append-only, like the trail beside which they
-- are shown: a comment is answered, not rewritten.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    author TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX comments_record ON comments (entity_type, entity_id, id);
CREATE TRIGGER comments_append_only_update BEFORE UPDATE ON comments
BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;
CREATE TRIGGER comments_append_only_delete BEFORE DELETE ON comments
BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;

-- A record's clinical journal: dated, authored observations, appended and never overwritten. A
-- note is corrected by a later note that names it (corrects_id); the first stays as written.
CREATE TABLE journal_notes (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    observed_on TEXT NOT NULL CHECK (length(observed_on) = 10),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    corrects_id INTEGER REFERENCES journal_notes(id),
    author TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX journal_notes_record ON journal_notes (entity_type, entity_id, observed_on, id);
CREATE TRIGGER journal_notes_append_only_update BEFORE UPDATE ON journal_notes
BEGIN SELECT RAISE(ABORT, 'journal notes are append-only'); END;
CREATE TRIGGER journal_notes_append_only_delete BEFORE DELETE ON journal_notes
BEGIN SELECT RAISE(ABORT, 'journal notes are append-only'); END;
