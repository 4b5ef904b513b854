-- Results delivered to clients (decision 0035): each customer's way of receiving verified results
-- ('' follows results.delivery), every delivery of an order's report (a link stores only its
-- token's hash), every opening of a link, and the admin's versions of the embedded mail templates.
ALTER TABLE customers ADD COLUMN results_delivery TEXT NOT NULL DEFAULT ''
    CHECK (results_delivery IN ('', 'attach', 'link', 'none'));

CREATE TABLE results_deliveries (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES lab_orders (id),
    recipient TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('attach', 'link')),
    token_hash TEXT UNIQUE,
    expires_at TEXT,
    revoked_at TEXT,
    revoked_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK ((method = 'link') = (token_hash IS NOT NULL AND expires_at IS NOT NULL))
);
CREATE INDEX results_deliveries_order ON results_deliveries (order_id);

CREATE TABLE results_link_accesses (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES results_deliveries (id),
    accessed_at TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('shown', 'expired', 'revoked'))
);
CREATE INDEX results_link_accesses_delivery ON results_link_accesses (delivery_id);

CREATE TABLE email_templates (
    name TEXT PRIMARY KEY,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
