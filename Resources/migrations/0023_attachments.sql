-- Files attached to a record: a row per attachment, the bytes once per content under
-- attachments/files/ (named by their SHA-256, so the same file attached twice is stored once).
-- The record is named as the audit trail names it (entity type, id): attachments reach every
-- feature's records without a foreign key to each table (decision 0031).
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    po_number TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX attachments_record ON attachments (entity_type, entity_id, deleted_at);
CREATE INDEX attachments_po ON attachments (po_number) WHERE po_number <> '';
CREATE INDEX attachments_sha256 ON attachments (sha256);
