-- Privacy (decision 0041). A person's data in audit snapshots is kept beside the chain: the chain
-- hashes a token (HMAC-SHA256 of the value under a key of that person's own), these tables hold
-- the key and the values. Erasing a person deletes both; the chain, which never held the values,
-- still verifies, and nothing left can be turned back into them.
CREATE TABLE personal_data_keys (
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    key BLOB NOT NULL CHECK (length(key) = 32),
    created_at TEXT NOT NULL,
    PRIMARY KEY (subject_type, subject_id)
) WITHOUT ROWID;

CREATE TABLE personal_data (
    token TEXT PRIMARY KEY CHECK (length(token) = 64),
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX personal_data_subject ON personal_data (subject_type, subject_id);

-- Who was erased, when, by whom and why: the fact stays, the person's data does not.
CREATE TABLE privacy_erasures (
    id INTEGER PRIMARY KEY,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    erased_by TEXT NOT NULL,
    erased_at TEXT NOT NULL,
    UNIQUE (subject_type, subject_id)
);

-- A customer's consents, one row per statement: a later row for the same purpose (withdrawn, or
-- given again) supersedes the earlier one, which stays as evidence of what held when.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    purpose TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('given', 'withdrawn')),
    effective_on TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    attachment_id INTEGER REFERENCES attachments (id),
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX consents_customer ON consents (customer_id, purpose, id);

-- Every read and export of a person's record: who, when, how. Append-only, like the audit trail,
-- but not chained: views are many and need no reason.
CREATE TABLE personal_data_accesses (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('view', 'export', 'list_export')),
    channel TEXT NOT NULL CHECK (channel IN ('page', 'api')),
    request_id TEXT NOT NULL,
    client_ip TEXT NOT NULL
);
CREATE INDEX personal_data_accesses_subject ON personal_data_accesses (subject_type, subject_id, id);
CREATE INDEX personal_data_accesses_actor ON personal_data_accesses (actor_name, id);
CREATE TRIGGER personal_data_accesses_append_only_update BEFORE UPDATE ON personal_data_accesses
BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END;
CREATE TRIGGER personal_data_accesses_append_only_delete BEFORE DELETE ON personal_data_accesses
BEGIN SELECT RAISE(ABORT, 'access events are append-only'); END;

-- Set by the retention job when a customer has been inactive for privacy.retention_years.
ALTER TABLE customers ADD COLUMN retention_flagged_at TEXT;

-- An issued invoice still never changes, except that erasing its buyer after the invoice's own
-- retention replaces the buyer's details (the erasure refuses while an invoice must be kept).
DROP TRIGGER invoices_issued_are_final;
CREATE TRIGGER invoices_issued_are_final BEFORE UPDATE ON invoices
WHEN OLD.state != 'draft' AND (
    NEW.state NOT IN (OLD.state, 'void') OR NEW.number IS NOT OLD.number OR NEW.customer_id != OLD.customer_id
    OR NEW.issue_date IS NOT OLD.issue_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.net_minor != OLD.net_minor OR NEW.vat_minor != OLD.vat_minor OR NEW.gross_minor != OLD.gross_minor
    OR NEW.purchase_order != OLD.purchase_order OR NEW.document_sha256 != OLD.document_sha256
    OR ((OLD.state = 'void' OR NEW.buyer_name != OLD.buyer_name OR NEW.buyer_address != OLD.buyer_address
            OR NEW.buyer_vat_id != OLD.buyer_vat_id)
        AND NOT EXISTS (
            SELECT 1 FROM privacy_erasures
            WHERE subject_type = 'customer' AND subject_id = CAST(OLD.customer_id AS TEXT))))
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;

-- Comments and journal notes stay append-only, except on a customer who was erased: what was
-- written about the person goes with them.
DROP TRIGGER comments_append_only_delete;
CREATE TRIGGER comments_append_only_delete BEFORE DELETE ON comments
WHEN NOT (OLD.entity_type = 'customer' AND EXISTS (
    SELECT 1 FROM privacy_erasures WHERE subject_type = 'customer' AND subject_id = CAST(OLD.entity_id AS TEXT)))
BEGIN SELECT RAISE(ABORT, 'comments are append-only'); END;
DROP TRIGGER journal_notes_append_only_delete;
CREATE TRIGGER journal_notes_append_only_delete BEFORE DELETE ON journal_notes
WHEN NOT (OLD.entity_type = 'customer' AND EXISTS (
    SELECT 1 FROM privacy_erasures WHERE subject_type = 'customer' AND subject_id = CAST(OLD.entity_id AS TEXT)))
BEGIN SELECT RAISE(ABORT, 'journal notes are append-only'); END;
