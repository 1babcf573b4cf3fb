-- Captcha challenges that have been answered, remembered until they expire so that each one
-- is accepted once on every node. `id` is the SHA-256 of what identifies the challenge.
CREATE TABLE spent_captchas (
    id         BYTEA  PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX spent_captchas_expires_at ON spent_captchas (expires_at);
