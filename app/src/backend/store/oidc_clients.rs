//! The apps registered by the operator to sign people in through the portal. A confidential
//! client's secret is kept as its SHA-256 only; the URI lists are JSON arrays of the URIs exactly
//! as registered (they are matched exactly, never normalised).

use super::{on_pool, During, Store, StoreError, StoreResult};

/// What `portal client add` stores.
pub struct NewClient<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    /// `None` for a public client (a browser or mobile app, which can keep no secret).
    pub secret_hash: Option<[u8; 32]>,
    pub redirect_uris: &'a [String],
    pub post_logout_redirect_uris: &'a [String],
    pub home_url: Option<&'a str>,
    pub trusted: bool,
    /// The JOSE name of the algorithm its ID tokens are signed with.
    pub id_token_alg: &'a str,
    pub now: i64,
}

/// A registered client, as read back. No secret in it: only whether it has one.
#[derive(Debug, Clone)]
pub struct ClientRecord {
    pub client_id: String,
    pub name: String,
    pub confidential: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub home_url: Option<String>,
    pub trusted: bool,
    pub id_token_alg: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ClientRow {
    client_id: String,
    name: String,
    confidential: bool,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    home_url: Option<String>,
    trusted: bool,
    id_token_alg: String,
    created_at: i64,
}

impl ClientRow {
    /// A list column that is not a JSON array of strings is a damaged row: an error that names
    /// the client, never a client with no URIs (which would quietly refuse every sign-in).
    fn into_record(self) -> StoreResult<ClientRecord> {
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json);
        let damaged = |_| StoreError::Damaged("a registered client's URI list is not a JSON list of strings");
        Ok(ClientRecord {
            redirect_uris: list(&self.redirect_uris).map_err(damaged)?,
            post_logout_redirect_uris: list(&self.post_logout_redirect_uris).map_err(damaged)?,
            client_id: self.client_id,
            name: self.name,
            confidential: self.confidential,
            home_url: self.home_url,
            trusted: self.trusted,
            id_token_alg: self.id_token_alg,
            created_at: self.created_at,
        })
    }
}

/// `SELECT` of a client's columns, then `$rest`.
macro_rules! select_clients {
    ($rest:literal) => {
        concat!(
            "SELECT client_id, name, secret_hash IS NOT NULL AS confidential, redirect_uris, ",
            "post_logout_redirect_uris, home_url, trusted, id_token_alg, created_at FROM oidc_clients ",
            $rest
        )
    };
}

impl Store {
    pub async fn insert_client(&self, client: &NewClient<'_>) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO oidc_clients (client_id, name, secret_hash, redirect_uris, \
                           post_logout_redirect_uris, home_url, trusted, id_token_alg, created_at) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let json = |list: &[String]| serde_json::Value::from(list.to_vec()).to_string();
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(client.client_id).bind(client.name).bind(client.secret_hash.map(|h| h.to_vec()))
            .bind(json(client.redirect_uris)).bind(json(client.post_logout_redirect_uris))
            .bind(client.home_url).bind(client.trusted).bind(client.id_token_alg).bind(client.now)
            .execute(pool).await.map(drop))
        .during("insert_client")
    }

    /// Every client, by name.
    pub async fn list_clients(&self) -> StoreResult<Vec<ClientRecord>> {
        const SQL: &str = select_clients!("ORDER BY name, client_id");
        let rows: Vec<ClientRow> =
            on_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await).during("list_clients")?;
        rows.into_iter().map(ClientRow::into_record).collect()
    }

    pub async fn find_client(&self, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        const SQL: &str = select_clients!("WHERE client_id = $1");
        let row: Option<ClientRow> =
            on_pool!(self, pool => sqlx::query_as(SQL).bind(client_id).fetch_optional(pool).await)
                .during("find_client")?;
        row.map(ClientRow::into_record).transpose()
    }

    /// The stored hash of a confidential client's secret (`None`: no such client, or a public one).
    pub async fn client_secret_hash(&self, client_id: &str) -> StoreResult<Option<Vec<u8>>> {
        const SQL: &str = "SELECT secret_hash FROM oidc_clients WHERE client_id = $1 AND secret_hash IS NOT NULL";
        on_pool!(self, pool => sqlx::query_scalar(SQL).bind(client_id).fetch_optional(pool).await)
            .during("client_secret_hash")
    }

    /// False when there is no such client.
    pub async fn remove_client(&self, client_id: &str) -> StoreResult<bool> {
        const SQL: &str = "DELETE FROM oidc_clients WHERE client_id = $1";
        let removed =
            on_pool!(self, pool => sqlx::query(SQL).bind(client_id).execute(pool).await.map(|r| r.rows_affected()))
                .during("remove_client")?;
        Ok(removed == 1)
    }

    /// A confidential client's secret replaced by a new one: the old one stops working at once.
    /// False when there is no such confidential client (a public client never gets a secret).
    pub async fn replace_client_secret(&self, client_id: &str, secret_hash: [u8; 32]) -> StoreResult<bool> {
        const SQL: &str = "UPDATE oidc_clients SET secret_hash = $1 WHERE client_id = $2 AND secret_hash IS NOT NULL";
        let replaced = on_pool!(self, pool => sqlx::query(SQL)
            .bind(secret_hash.to_vec()).bind(client_id).execute(pool).await.map(|r| r.rows_affected()))
        .during("replace_client_secret")?;
        Ok(replaced == 1)
    }
}
