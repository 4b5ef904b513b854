-- Billing's office work: refunds of customers' credit, bank statements imported and matched to
-- invoices, dunning reminders, and emails with an HTML part and attachments (docs/decisions/0028).

-- Part of a payment's unallocated credit paid back to the customer.
CREATE TABLE payment_refunds (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    refunded_on TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'card', 'cash', 'direct_debit', 'other')),
    reference TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX payment_refunds_payment ON payment_refunds (payment_id);

-- An uploaded bank statement file; its lines wait for review.
CREATE TABLE bank_statements (
    id INTEGER PRIMARY KEY,
    filename TEXT NOT NULL DEFAULT '',
    lines INTEGER NOT NULL,
    -- Lines of the file imported before (same line hash), not stored again.
    skipped INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE bank_statement_lines (
    id INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL REFERENCES bank_statements(id),
    -- The line's number in its file (the header is line 1).
    line_number INTEGER NOT NULL,
    booked_on TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    counterparty TEXT NOT NULL DEFAULT '',
    -- SHA-256 of day, amount, reference, counterparty and the how-many-th such line of its file:
    -- importing the same lines again stores (and so records) none of them twice.
    line_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'recorded', 'ignored')),
    -- The payment confirming it recorded.
    payment_id INTEGER REFERENCES payments(id),
    updated_at TEXT NOT NULL,
    CHECK ((state = 'recorded') = (payment_id IS NOT NULL))
);
CREATE INDEX bank_statement_lines_statement ON bank_statement_lines (statement_id, line_number);

-- A dunning reminder of one invoice at one level (1 friendly … the last, final), never twice.
CREATE TABLE invoice_reminders (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    level INTEGER NOT NULL CHECK (level >= 1),
    sent_on TEXT NOT NULL,
    days_past_due INTEGER NOT NULL,
    open_minor INTEGER NOT NULL,
    -- Where it was emailed; empty: nobody to email, print the letter.
    email TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (invoice_id, level)
);
CREATE INDEX invoice_reminders_sent ON invoice_reminders (sent_on);

-- Mail with an HTML alternative and attachments (JSON: filename, content type, base64 content).
ALTER TABLE email_outbox ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE email_outbox ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
