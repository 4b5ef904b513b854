-- The audit trail: one append-only hash chain of every change (see docs/decisions/0007).
-- `seq` is the chain order; `hash` = SHA-256(prev_hash ‖ canonical encoding of the event).
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: sqlite_sequence remembers the highest seq, so verify notices a cut tail
    at TEXT NOT NULL,                -- UTC, milliseconds, ISO 8601
    actor_type TEXT NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous')),
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    request_id TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before TEXT,                     -- the record before the change, canonical JSON
    after TEXT,                      -- the record after the change, canonical JSON
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_type, actor_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
-- Only `labbox audit archive` deletes, and only events an anchor already covers.
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
WHEN OLD.seq > COALESCE((SELECT MAX(through_seq) FROM audit_anchors), 0)
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

-- Where an archive cut the chain: events up to `through_seq` moved to a sealed file; the chain
-- continues from `head_hash`, the hash of the last archived event.
CREATE TABLE audit_anchors (
    id INTEGER PRIMARY KEY,
    through_seq INTEGER NOT NULL UNIQUE,
    head_hash TEXT NOT NULL,
    event_count INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TRIGGER audit_anchors_append_only_update BEFORE UPDATE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;
CREATE TRIGGER audit_anchors_append_only_delete BEFORE DELETE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;

-- Electronic signatures: who signed which exact version (record_hash) of a record, meaning what.
CREATE TABLE signatures (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id),
    signer_name TEXT NOT NULL,
    meaning TEXT NOT NULL CHECK (meaning IN ('performed', 'reviewed', 'verified', 'approved', 'witnessed')),
    record_hash TEXT NOT NULL,
    signed_at TEXT NOT NULL,
    audit_seq INTEGER NOT NULL
);
CREATE INDEX signatures_entity ON signatures (entity_type, entity_id, id);
CREATE TRIGGER signatures_append_only_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
CREATE TRIGGER signatures_append_only_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'signatures are append-only'); END;
