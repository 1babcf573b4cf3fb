-- Browsers that have signed in to an account (OWASP's device cookies): the browser keeps a
-- random token in a cookie and only its SHA-256 is stored, once per account it signed in to.
-- Failed password checks (and wrong codes) from such a browser are counted here, apart from the
-- account's own count in `users`, which then counts only clients the account has never signed
-- in from: someone else's failures never hold back the owner's known browser. A row is renewed
-- by every sign-in and removed after a year without one; an account keeps its newest ten.
--
-- Both counts also know the checks under way (`checks_in_flight`, the latest begun at
-- `checks_started_at`): a check is counted when it begins and settled (a failure, a success, or
-- neither) when it ends, so that parallel attempts wait for the checks under way instead of
-- being taken for failures. Claims older than a minute (a node that died mid-check) are void.
CREATE TABLE known_devices (
    token_hash           BYTEA   NOT NULL,
    user_id              BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at           BIGINT  NOT NULL,
    last_signed_in_at    BIGINT  NOT NULL,
    failed_logins        BIGINT  NOT NULL DEFAULT 0,
    consecutive_failures BIGINT  NOT NULL DEFAULT 0,
    last_failed_login_at BIGINT,
    checks_in_flight     BIGINT  NOT NULL DEFAULT 0,
    checks_started_at    BIGINT,
    PRIMARY KEY (token_hash, user_id)
);

CREATE INDEX known_devices_user_id ON known_devices (user_id, last_signed_in_at);

ALTER TABLE users ADD COLUMN checks_in_flight BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN checks_started_at BIGINT;
