-- The ground of the OpenID provider.
--
-- Every account's public, opaque id (OpenID Connect's `sub`): a random version 4 UUID, made
-- with the account and never changed. Accounts made before this migration get one here, built
-- from `randomblob` in the UUID's text form (the version nibble 4, the variant bits 10).
-- SQLite cannot add a NOT NULL column without a default; the portal always sets it.
ALTER TABLE users ADD COLUMN public_id TEXT;

UPDATE users SET public_id =
    lower(hex(randomblob(4))) || '-' ||
    lower(hex(randomblob(2))) || '-' ||
    '4' || substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)));

CREATE UNIQUE INDEX users_public_id ON users (public_id);

-- The apps that sign people in through the portal, registered by the operator. A confidential
-- client's secret is stored as its SHA-256 only (it is 256 random bits, so no slow hash is
-- needed); a public client has none. The URI lists are JSON arrays of the URIs as registered.
CREATE TABLE oidc_clients (
    client_id                 TEXT    PRIMARY KEY,
    name                      TEXT    NOT NULL,
    secret_hash               BLOB,
    redirect_uris             TEXT    NOT NULL,
    post_logout_redirect_uris TEXT    NOT NULL,
    home_url                  TEXT,
    trusted                   INTEGER NOT NULL,
    id_token_alg              TEXT    NOT NULL,
    created_at                INTEGER NOT NULL
);

-- The ID-token signing keys, the private part sealed under the deployment key and bound to its
-- kid. Per algorithm the keys form a sequence (`generation`): the unique pair is what lets two
-- nodes starting at once, or two rotations at once, end with one key where one belongs.
CREATE TABLE oidc_signing_keys (
    kid                TEXT    PRIMARY KEY,
    alg                TEXT    NOT NULL,
    generation         INTEGER NOT NULL,
    private_key_sealed TEXT    NOT NULL,
    public_jwk         TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    signs_from         INTEGER NOT NULL,
    signs_until        INTEGER,
    published_until    INTEGER,
    UNIQUE (alg, generation)
);
