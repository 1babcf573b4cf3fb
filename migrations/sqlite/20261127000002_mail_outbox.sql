-- Mail waiting to be sent, sent, or given up on. A request only inserts a row; a background
-- worker claims due rows (`claimed_until` is its lease), sends them and marks the same row.
-- The bodies are blanked once a message is sent or has failed: they may carry links that are
-- secrets while they are valid.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    text_body       TEXT    NOT NULL,
    html_body       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    last_error      TEXT
);

-- The claim query: unsent, not given up on, due.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
