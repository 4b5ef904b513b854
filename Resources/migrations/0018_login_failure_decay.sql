-- Failed sign-ins decay: a failure older than the decay window no longer counts towards a lockout,
-- so nobody can keep an account locked for ever by trying its email now and then.
ALTER TABLE users ADD COLUMN last_failed_login_at TEXT;
