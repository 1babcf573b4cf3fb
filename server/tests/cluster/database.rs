//! A PostgreSQL database of the test's own on the server the other tests use, dropped at the end.

use rand::Rng as _;
use sqlx::{postgres::PgPoolOptions, PgPool};

use crate::WAIT;

/// `cluster_<pid>_<random>` on the server named by `PORTAL_TEST_POSTGRES_URL`. The nodes get a
/// whole database (not a schema, as the API tests do) because each runs its own migrations
/// with the default search path, the way a deployment does.
pub struct TestDatabase {
    /// What the nodes and the command line connect to.
    pub url: String,
    /// The test's own connection, to read the outbox.
    pub pool: PgPool,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    pub async fn create() -> Self {
        let admin_url = std::env::var("PORTAL_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let name = format!("cluster_{}_{:08x}", std::process::id(), rand::rng().random::<u32>());
        let admin = connect(&admin_url).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
        admin.close().await;
        let mut url: url::Url = admin_url.parse().expect("PORTAL_TEST_POSTGRES_URL is not a URL");
        url.set_path(&format!("/{name}"));
        let url = url.to_string();
        let pool = connect(&url).await;
        Self { url, pool, admin_url, name }
    }
}

async fn connect(url: &str) -> PgPool {
    PgPoolOptions::new().max_connections(2).acquire_timeout(WAIT).connect(url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL at {url} is needed for the cluster test (scripts/test.sh starts it): {e}")
    })
}

impl Drop for TestDatabase {
    /// Drops the database on a runtime of its own (the test's may be the one blocked here);
    /// `FORCE` ends the connections still open to it, the test's pool among them. Runs after
    /// every process using it has been stopped, also when the test failed.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let admin = connect(&admin_url).await;
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                let result = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&admin).await;
                admin.close().await;
                result.map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: the cluster test could not drop its database {}", self.name);
        }
    }
}
