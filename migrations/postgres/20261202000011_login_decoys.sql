-- What a login for an address with no account counts on instead of an account's row, so that
-- both paths run the same statements on one real row each (the claim before the password hash,
-- the failure after) and take the same time: 64 rows, chosen by the address, with the columns
-- of a count. Their counts mean nothing and stay bounded (the lock's fallback wraps them).
CREATE TABLE login_decoys (
    slot                 BIGINT PRIMARY KEY,
    failed_logins        BIGINT NOT NULL DEFAULT 0,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    last_failed_login_at BIGINT,
    checks_in_flight     BIGINT NOT NULL DEFAULT 0,
    checks_started_at    BIGINT
);

INSERT INTO login_decoys (slot) SELECT generate_series(0, 63);
