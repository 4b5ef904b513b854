-- Outbound webhooks (decision 0040): endpoints an admin subscribes to event types, one delivery per
-- event and endpoint with its attempts' outcome, and how far the audit trail (the outbox) was read.
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    -- Comma separated event types, e.g. "result.verified,invoice.issued".
    events TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- The audit trail's head when the endpoint was added: it hears of what happens after.
    from_seq INTEGER NOT NULL DEFAULT 0,
    -- The signing secret, sealed with secrets.key for this row (decision 0021); never in the trail.
    secret TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    -- evt_<audit seq> (the same for every endpoint and redelivery), or ping_<random> for a test.
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    -- The JSON body, signed and sent as it is stored.
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    -- The last attempt: when, its HTTP status (none when no answer came), how long, what came back.
    last_attempt_at TEXT,
    response_code INTEGER,
    duration_ms INTEGER,
    response_body TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    redelivery_of INTEGER REFERENCES webhook_deliveries(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE state <> 'pending';

-- The last audit event read for webhooks. It starts at the trail's head: what happened before
-- webhooks existed is not sent.
CREATE TABLE webhook_cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    audit_seq INTEGER NOT NULL
);
INSERT INTO webhook_cursor (id, audit_seq) VALUES (1, MAX(
    COALESCE((SELECT MAX(seq) FROM audit_events), 0),
    COALESCE((SELECT MAX(through_seq) FROM audit_anchors), 0)));
