-- What a login for an address with no account counts on instead of an account's row, so that
-- both paths run the same statements on one real row each (the claim before the password hash,
-- the failure after) and take the same time: 64 rows, chosen by the address, with the columns
-- of a count. Their counts mean nothing and stay bounded (the lock's fallback wraps them).
CREATE TABLE login_decoys (
    slot                 INTEGER PRIMARY KEY,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_failed_login_at INTEGER,
    checks_in_flight     INTEGER NOT NULL DEFAULT 0,
    checks_started_at    INTEGER
);

WITH RECURSIVE n(slot) AS (SELECT 0 UNION ALL SELECT slot + 1 FROM n WHERE slot < 63)
INSERT INTO login_decoys (slot) SELECT slot FROM n;
