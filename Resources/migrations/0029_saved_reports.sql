-- Saved report definitions: which report, over which period (a preset, so a saved report moves
-- with the calendar), with which grouping; kept for their owner or shared with everyone who may read
-- that report. A schedule emails it (CSV and HTML) to the listed addresses through the outbox.
CREATE TABLE saved_reports (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    report TEXT NOT NULL CHECK (report IN ('reproduction', 'results', 'inventory')),
    range_preset TEXT NOT NULL
        CHECK (range_preset IN ('this-month', 'last-3-months', 'last-12-months', 'this-year')),
    -- The report's grouping (`by`), empty for its default.
    grouping TEXT NOT NULL DEFAULT '',
    owner_id INTEGER NOT NULL REFERENCES users(id),
    shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    schedule TEXT NOT NULL DEFAULT '' CHECK (schedule IN ('', 'weekly', 'monthly')),
    -- Comma separated email addresses; required with a schedule.
    recipients TEXT NOT NULL DEFAULT '',
    -- The lab's day it was last emailed.
    last_sent_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (schedule = '' OR recipients <> '')
);
CREATE INDEX saved_reports_owner ON saved_reports (owner_id, id);
CREATE INDEX saved_reports_schedule ON saved_reports (schedule) WHERE schedule <> '';
