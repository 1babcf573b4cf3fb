//! The OpenID provider's signing keys, as stored: per algorithm a sequence of keys
//! (`generation`), each with when it starts signing, when a newer one took over and when it
//! leaves the JWKS. Every node reads the same rows, so every node signs with the same key and
//! publishes the same set.

use std::fmt;

use super::{on_pool, transaction::on_tx, During, Store, StoreResult};

/// `SELECT` of every column of the keys, then `$rest`.
macro_rules! select_keys {
    ($rest:literal) => {
        concat!(
            "SELECT kid, alg, generation, private_key_sealed, public_jwk, created_at, signs_from, signs_until, ",
            "published_until FROM oidc_signing_keys ",
            $rest
        )
    };
}

const INSERT: &str = "INSERT INTO oidc_signing_keys \
                      (kid, alg, generation, private_key_sealed, public_jwk, created_at, signs_from) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alg, generation) DO NOTHING";

/// One signing key's row. The private key in it is sealed; it is still left out of `Debug`.
#[derive(Clone, sqlx::FromRow)]
pub struct SigningKeyRow {
    pub kid: String,
    /// The JOSE name (`ES256`, `RS256`); parsed by the caller, which says what to do with a
    /// name it does not know.
    pub alg: String,
    pub generation: i64,
    pub private_key_sealed: String,
    /// The public JWK, as JSON.
    pub public_jwk: String,
    pub created_at: i64,
    pub signs_from: i64,
    /// When the next key of its algorithm took over (set by a rotation).
    pub signs_until: Option<i64>,
    /// When it leaves the JWKS: after every token it signed has expired everywhere.
    pub published_until: Option<i64>,
}

impl fmt::Debug for SigningKeyRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyRow")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("generation", &self.generation)
            .field("signs_from", &self.signs_from)
            .field("signs_until", &self.signs_until)
            .field("published_until", &self.published_until)
            .finish_non_exhaustive()
    }
}

/// A key to store.
pub struct NewSigningKey<'a> {
    pub kid: &'a str,
    pub alg: &'a str,
    pub generation: i64,
    pub private_key_sealed: &'a str,
    pub public_jwk: &'a str,
    pub now: i64,
    pub signs_from: i64,
}

impl Store {
    /// Stores `key` unless its algorithm already has a key of that generation (another node
    /// or another rotation got there first): false then, and nothing written. (In a
    /// transaction of its own, so that the insert is written once, in [`super::Tx`]; it runs
    /// only at a node's first start.)
    pub async fn insert_signing_key(&self, key: &NewSigningKey<'_>) -> StoreResult<bool> {
        let mut tx = self.begin().await?;
        let inserted = tx.insert_signing_key(key).await?;
        tx.commit().await?;
        Ok(inserted)
    }

    /// A rotation, in one transaction: `key` (the next generation after `previous`) is stored,
    /// and `previous` stops signing when `key` starts and leaves the JWKS at
    /// `previous_published_until`. False, and nothing written, when another rotation stored
    /// that generation first.
    pub async fn rotate_signing_key(
        &self,
        key: &NewSigningKey<'_>,
        previous: &str,
        previous_published_until: i64,
    ) -> StoreResult<bool> {
        const RETIRE: &str = "UPDATE oidc_signing_keys SET signs_until = $1, published_until = $2 WHERE kid = $3";
        let mut tx = self.begin().await?;
        if !tx.insert_signing_key(key).await? {
            return Ok(false);
        }
        on_tx!(&mut tx, tx => sqlx::query(RETIRE)
            .bind(key.signs_from).bind(previous_published_until).bind(previous)
            .execute(&mut **tx).await.map(drop))
        .during("rotate_signing_key: RETIRE")?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every key of `alg`, oldest first.
    pub async fn signing_keys(&self, alg: &str) -> StoreResult<Vec<SigningKeyRow>> {
        const SQL: &str = select_keys!("WHERE alg = $1 ORDER BY generation");
        on_pool!(self, pool => sqlx::query_as(SQL).bind(alg).fetch_all(pool).await).during("signing_keys")
    }

    /// The key of `alg` that signs at `now`: the newest whose time to sign has come.
    pub async fn active_signing_key(&self, alg: &str, now: i64) -> StoreResult<Option<SigningKeyRow>> {
        const SQL: &str = select_keys!("WHERE alg = $1 AND signs_from <= $2 ORDER BY generation DESC LIMIT 1");
        on_pool!(self, pool => sqlx::query_as(SQL).bind(alg).bind(now).fetch_optional(pool).await)
            .during("active_signing_key")
    }

    /// The keys the JWKS shows at `now`: every key not yet past its publication, those about
    /// to sign included.
    pub async fn published_signing_keys(&self, now: i64) -> StoreResult<Vec<SigningKeyRow>> {
        const SQL: &str =
            select_keys!("WHERE published_until IS NULL OR published_until > $1 ORDER BY alg, generation");
        on_pool!(self, pool => sqlx::query_as(SQL).bind(now).fetch_all(pool).await).during("published_signing_keys")
    }
}

impl super::Tx {
    async fn insert_signing_key(&mut self, key: &NewSigningKey<'_>) -> StoreResult<bool> {
        let inserted = on_tx!(self, tx => sqlx::query(INSERT)
            .bind(key.kid).bind(key.alg).bind(key.generation).bind(key.private_key_sealed)
            .bind(key.public_jwk).bind(key.now).bind(key.signs_from)
            .execute(&mut **tx).await.map(|r| r.rows_affected()))
        .during("insert_signing_key")?;
        Ok(inserted == 1)
    }
}
