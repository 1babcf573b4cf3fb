-- Password-reset links: only the SHA-256 of the link's token is stored. A link is used at
-- most once (`used_at`) and not after `expires_at`.
CREATE TABLE password_resets (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA  NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE INDEX password_resets_user_id ON password_resets (user_id);

-- Fixed-window counters shared by every node: (scope, key) is e.g. ('reset-account', '42').
CREATE TABLE rate_limits (
    scope        TEXT   NOT NULL,
    key          TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
