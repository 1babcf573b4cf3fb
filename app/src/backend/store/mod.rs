//! Storage behind one seam: SQLite (the embedded default) or PostgreSQL (several nodes).
//!
//! Queries are written once, in the SQL both databases accept (`$1` placeholders, integer
//! timestamps in Unix seconds, `BLOB`/`BYTEA` hashes), and run on whichever pool is configured.
//! Each database has its own migration set under `migrations/`.

mod failure_counts;
mod known_devices;
mod oidc_clients;
mod oidc_keys;
mod outbox;
mod password_resets;
mod rate_limits;
mod sessions;
mod spent_captchas;
mod transaction;
mod two_factor;
mod users;

use std::{path::Path, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use crate::backend::config::Database;

pub use crate::backend::ids::{AccountId, UserId};
pub use failure_counts::{CountOf, FailureCounts, DECOY_SLOTS};
pub use known_devices::DEVICES_PER_ACCOUNT;
pub use oidc_clients::{ClientRecord, NewClient};
pub use oidc_keys::{NewSigningKey, SigningKeyRow};
#[cfg(feature = "test-support")]
pub use outbox::OutboxEntry;
pub use outbox::{ClaimedMail, SealedMail};
pub use password_resets::LiveReset;
pub use sessions::{NewSession, SessionRecord, SessionRow};
pub use transaction::Tx;
pub use two_factor::{PendingSignIn, TwoFactorRow};
pub use users::{PasswordChange, UserRecord, UserSummary};

#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("an account with this email address already exists")]
    DuplicateEmail,
    /// `statement` names the query (the store's method, and its statement when it has several).
    #[error("database error in {statement}")]
    Database {
        statement: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored row the portal cannot have written; the text says which.
    #[error("a damaged row in the database: {0}")]
    Damaged(&'static str),
    /// Something this database cannot do here; the text says what to do instead.
    #[error("{0}")]
    Unsupported(&'static str),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the database gave no connection in time (the node is overloaded, not broken).
    pub fn is_pool_timeout(&self) -> bool {
        matches!(self, Self::Database { source: sqlx::Error::PoolTimedOut, .. })
    }
}

/// Names the statement a database error came from, so the log says which one failed.
pub(crate) trait During<T> {
    fn during(self, statement: &'static str) -> StoreResult<T>;
}

impl<T> During<T> for Result<T, sqlx::Error> {
    fn during(self, statement: &'static str) -> StoreResult<T> {
        self.map_err(|source| StoreError::Database { statement, source })
    }
}

/// The migrations built into this binary, once for each database.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Runs `$body` with `$pool` bound to the concrete pool, whichever database it is.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::backend::store::Store::Sqlite($pool) => $body,
            $crate::backend::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Creates `path`'s missing directories (0700) and the file itself (0600) if it is missing.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// The empty file `VACUUM INTO` writes a backup into (SQLite takes an existing empty file):
/// readable by its owner only (0600) whatever the umask, and never one that already exists.
fn create_backup_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

impl Store {
    /// Opens the configured database: a SQLite file (created with its folder when missing)
    /// or a PostgreSQL server.
    pub async fn connect(database: &Database) -> StoreResult<Self> {
        match database {
            Database::Sqlite(path) => Self::connect_sqlite(path).await,
            Database::Postgres(options) => Self::connect_postgres((**options).clone()).await,
        }
    }

    /// Opens (or creates) the SQLite file. A new file is made readable by the portal's user
    /// only (0600), in a directory made for it likewise (0700): it holds password hashes and
    /// mail waiting to be sent. SQLite gives its `-wal` and `-shm` files the same mode.
    pub async fn connect_sqlite(path: &Path) -> StoreResult<Self> {
        create_private(path).map_err(sqlx::Error::Io).during("connect_sqlite: create the file")?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.during("connect_sqlite")?;
        Ok(Self::Sqlite(pool))
    }

    pub async fn connect_postgres(options: PgConnectOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .during("connect_postgres")?;
        Ok(Self::Postgres(pool))
    }

    /// Applies the migrations this database has not seen yet.
    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// How many of this build's migrations the database has not applied (fails when the
    /// database does not answer).
    pub async fn unapplied_migrations(&self) -> StoreResult<usize> {
        const APPLIED: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
        let (known, applied): (usize, i64) = match self {
            Self::Sqlite(pool) => (
                SQLITE_MIGRATIONS.iter().count(),
                sqlx::query_scalar(APPLIED).fetch_one(pool).await.during("unapplied_migrations")?,
            ),
            Self::Postgres(pool) => (
                POSTGRES_MIGRATIONS.iter().count(),
                sqlx::query_scalar(APPLIED).fetch_one(pool).await.during("unapplied_migrations")?,
            ),
        };
        Ok(known.saturating_sub(usize::try_from(applied).unwrap_or(0)))
    }

    /// An online, consistent copy of a SQLite database into the new file `path` (`VACUUM INTO`:
    /// one read transaction, so writers carry on), readable by its owner only from its first
    /// byte: the file is made empty and 0600 first (never over an existing one), and SQLite
    /// writes into it. A copy that fails is removed. PostgreSQL is copied with its own tools
    /// (`pg_dump`).
    pub async fn backup_into(&self, path: &Path) -> StoreResult<()> {
        let Self::Sqlite(pool) = self else {
            return Err(StoreError::Unsupported("copy a PostgreSQL database with pg_dump"));
        };
        let target = path.to_str().ok_or(StoreError::Unsupported("the backup path must be valid UTF-8"))?;
        create_backup_file(path).map_err(sqlx::Error::Io).during("backup_into: create the file")?;
        let copied = sqlx::query("VACUUM INTO $1").bind(target).execute(pool).await;
        if copied.is_err() {
            // The file is ours (made just now) and holds at most part of a copy.
            if let Err(e) = std::fs::remove_file(path) {
                tracing::warn!(path = %path.display(), error = %e, "cannot remove a failed backup");
            }
        }
        copied.map(drop).during("backup_into")
    }

    /// Connections open, and idle, in the pool.
    pub fn pool_stats(&self) -> (u32, usize) {
        on_pool!(self, pool => (pool.size(), pool.num_idle()))
    }

    /// How long taking a connection from the pool takes now, given up at `limit`: a sample of
    /// what every query waits when all connections are busy.
    pub async fn time_to_acquire(&self, limit: Duration) -> Duration {
        let started = std::time::Instant::now();
        let acquired = tokio::time::timeout(limit, async { on_pool!(self, pool => pool.acquire().await.map(drop)) });
        match acquired.await {
            Ok(Ok(())) => started.elapsed(),
            Ok(Err(_)) | Err(_) => limit,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

fn unique_violation(err: StoreError) -> StoreError {
    match &err {
        StoreError::Database { source: sqlx::Error::Database(db), .. } if db.is_unique_violation() => {
            StoreError::DuplicateEmail
        }
        _ => err,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn a_new_database_file_and_its_directory_are_the_portal_user_s_alone() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/portal.db");
        super::create_private(&path).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        super::create_private(&path).unwrap(); // an existing file is opened, not truncated
    }
}
