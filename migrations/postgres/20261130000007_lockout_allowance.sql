-- Failed password checks of an account since its last success or new password, however the
-- lock's allowance has set `failed_logins` back: at 100 (NIST SP 800-63B's ceiling) the password
-- is not checked again until a new one is set by a reset.
ALTER TABLE users ADD COLUMN consecutive_failures BIGINT NOT NULL DEFAULT 0;
UPDATE users SET consecutive_failures = failed_logins;
