-- Addresses blocked automatically (bursts of failures, probes) or by an admin, until expires_at.
CREATE TABLE ip_blocks (
    ip TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    blocked_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
