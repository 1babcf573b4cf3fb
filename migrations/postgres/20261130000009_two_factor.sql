-- Two-factor sign-in. An account's authenticator (TOTP) secret, sealed under the deployment
-- key and bound to the account; `enabled_at` is NULL while it is being set up. `last_step` is
-- the last 30-second step whose code was accepted: a code works once. `fresh_codes_sealed`
-- holds newly made recovery codes, sealed, until the page that shows them once has read them.
CREATE TABLE two_factor (
    user_id       BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    enabled_at    BIGINT,
    last_step     BIGINT  NOT NULL DEFAULT 0,
    fresh_codes_sealed TEXT
);

-- Recovery codes: only the SHA-256 of each is stored; each is used at most once.
CREATE TABLE recovery_codes (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA   NOT NULL UNIQUE,
    used_at   BIGINT
);

CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);

-- A password accepted and a code still to come: bound to one browser by a cookie whose token
-- is stored only as its SHA-256. It ends with success, at `expires_at`, and when the account's
-- credentials version moves on (a password change or reset).
CREATE TABLE pending_sign_ins (
    token_hash          BYTEA   PRIMARY KEY,
    user_id             BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credentials_version BIGINT  NOT NULL,
    created_at          BIGINT  NOT NULL,
    expires_at          BIGINT  NOT NULL
);

CREATE INDEX pending_sign_ins_user_id ON pending_sign_ins (user_id);
