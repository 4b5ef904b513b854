-- Billing: the price list, charges from the lab's work, invoices and credit notes, payments.
-- Money is INTEGER minor units of the lab's currency (billing.currency); unit prices are
-- ten-thousandths and quantities thousandths of a unit; VAT rates basis points (docs/BILLING.md).

CREATE TABLE billing_services (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    vat_category TEXT NOT NULL CHECK (vat_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    -- The performed work this service bills, one service per kind of work: opu_session,
    -- ivf_batch, embryo_transfer, lab_test:<catalog code>. NULL: billed by hand only.
    work TEXT UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A price from a day (to a day); customer_id set: that customer's own price. The price of a day
-- is the customer's own valid one, else the list's, the latest valid_from winning.
CREATE TABLE service_prices (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES billing_services(id),
    customer_id INTEGER REFERENCES customers(id),
    unit_price_e4 INTEGER NOT NULL CHECK (unit_price_e4 >= 0),
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX service_prices_service ON service_prices (service_id, valid_from);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    state TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'void')),
    -- Assigned at issue from invoice_sequences: '2026-000123', credit notes 'CN-2026-000004'.
    number TEXT UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    -- A credit note's invoice (BT-25).
    corrects_id INTEGER REFERENCES invoices(id),
    issue_date TEXT,
    due_date TEXT,
    currency TEXT NOT NULL,
    rounding TEXT NOT NULL CHECK (rounding IN ('line', 'rate')),
    purchase_order TEXT NOT NULL DEFAULT '',
    -- Frozen at issue: the buyer's and seller's details as the document states them.
    buyer_name TEXT NOT NULL DEFAULT '',
    buyer_address TEXT NOT NULL DEFAULT '',
    buyer_vat_id TEXT NOT NULL DEFAULT '',
    buyer_email TEXT NOT NULL DEFAULT '',
    seller_name TEXT NOT NULL DEFAULT '',
    seller_address TEXT NOT NULL DEFAULT '',
    seller_vat_id TEXT NOT NULL DEFAULT '',
    seller_iban TEXT NOT NULL DEFAULT '',
    seller_bic TEXT NOT NULL DEFAULT '',
    net_minor INTEGER NOT NULL DEFAULT 0,
    vat_minor INTEGER NOT NULL DEFAULT 0,
    gross_minor INTEGER NOT NULL DEFAULT 0,
    -- SHA-256 of the issued document's canonical JSON, also in the issue's audit event.
    document_sha256 TEXT NOT NULL DEFAULT '',
    -- Why a credit note was issued or an invoice voided.
    reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (state = 'draft' OR number IS NOT NULL),
    CHECK ((kind = 'credit_note') = (corrects_id IS NOT NULL))
);
CREATE INDEX invoices_customer ON invoices (customer_id, state);
CREATE INDEX invoices_corrects ON invoices (corrects_id);

-- Once issued, nothing of an invoice changes but its state to void (with the reason).
CREATE TRIGGER invoices_issued_are_final BEFORE UPDATE ON invoices
WHEN OLD.state != 'draft' AND (
    NEW.state NOT IN (OLD.state, 'void') OR NEW.number IS NOT OLD.number OR NEW.customer_id != OLD.customer_id
    OR NEW.issue_date IS NOT OLD.issue_date OR NEW.due_date IS NOT OLD.due_date
    OR NEW.net_minor != OLD.net_minor OR NEW.vat_minor != OLD.vat_minor OR NEW.gross_minor != OLD.gross_minor
    OR NEW.buyer_name != OLD.buyer_name OR NEW.buyer_address != OLD.buyer_address
    OR NEW.buyer_vat_id != OLD.buyer_vat_id OR NEW.purchase_order != OLD.purchase_order
    OR NEW.document_sha256 != OLD.document_sha256 OR OLD.state = 'void')
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoices_issued_are_kept BEFORE DELETE ON invoices WHEN OLD.state != 'draft'
BEGIN SELECT RAISE(ABORT, 'an issued invoice is never deleted'); END;

-- One gap-free sequence per series and year, advanced in the issuing transaction.
CREATE TABLE invoice_sequences (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (series, year)
) WITHOUT ROWID;

CREATE TABLE charges (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    service_id INTEGER REFERENCES billing_services(id),
    description TEXT NOT NULL,
    performed_on TEXT NOT NULL,
    quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
    unit TEXT NOT NULL,
    unit_price_e4 INTEGER NOT NULL CHECK (unit_price_e4 >= 0),
    vat_category TEXT NOT NULL CHECK (vat_category IN ('S', 'Z', 'E', 'AE', 'K', 'G', 'O')),
    vat_rate_bp INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    -- The record the work was done in ('lab_analysis:12', 'opu_session:3'); NULL for a manual
    -- charge. Unique, so capturing the work again never charges it twice.
    source_key TEXT UNIQUE,
    -- The page of that record.
    source_link TEXT NOT NULL DEFAULT '',
    -- The invoice (draft or issued) that bills it; NULL while unbilled.
    invoice_id INTEGER REFERENCES invoices(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX charges_customer ON charges (customer_id, invoice_id, performed_on);
CREATE INDEX charges_invoice ON charges (invoice_id);

CREATE TABLE invoice_lines (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    charge_id INTEGER REFERENCES charges(id),
    -- On a credit note: the invoice line it reverses.
    corrects_line_id INTEGER REFERENCES invoice_lines(id),
    description TEXT NOT NULL,
    performed_on TEXT NOT NULL,
    quantity_milli INTEGER NOT NULL CHECK (quantity_milli != 0),
    unit TEXT NOT NULL,
    unit_price_e4 INTEGER NOT NULL,
    vat_category TEXT NOT NULL,
    vat_rate_bp INTEGER NOT NULL,
    net_minor INTEGER NOT NULL,
    UNIQUE (invoice_id, position)
);
CREATE INDEX invoice_lines_corrects ON invoice_lines (corrects_line_id);

CREATE TRIGGER invoice_lines_final_insert BEFORE INSERT ON invoice_lines
WHEN (SELECT state FROM invoices WHERE id = NEW.invoice_id) != 'draft'
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_lines_final_update BEFORE UPDATE ON invoice_lines
WHEN (SELECT state FROM invoices WHERE id = OLD.invoice_id) != 'draft'
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;
CREATE TRIGGER invoice_lines_final_delete BEFORE DELETE ON invoice_lines
WHEN (SELECT state FROM invoices WHERE id = OLD.invoice_id) != 'draft'
BEGIN SELECT RAISE(ABORT, 'an issued invoice never changes'); END;

-- The VAT breakdown (BG-23) as issued.
CREATE TABLE invoice_vat (
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    vat_category TEXT NOT NULL,
    vat_rate_bp INTEGER NOT NULL,
    taxable_minor INTEGER NOT NULL,
    vat_minor INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, vat_category, vat_rate_bp)
) WITHOUT ROWID;

CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    received_on TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'card', 'cash', 'direct_debit', 'other')),
    reference TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX payments_customer ON payments (customer_id, received_on);

-- Part of a payment settling part of an invoice; what is not allocated is the customer's credit.
CREATE TABLE payment_allocations (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL REFERENCES payments(id),
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX payment_allocations_payment ON payment_allocations (payment_id);
CREATE INDEX payment_allocations_invoice ON payment_allocations (invoice_id);
