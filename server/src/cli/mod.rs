pub mod captcha;
pub mod clients;
pub mod oidc;
pub mod serve;
pub mod users;

use app::backend::{config::Config, store::Store};

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    use anyhow::Context as _;
    let store = Store::connect(&config.database)
        .await
        .with_context(|| format!("cannot open the {} database", config.database.kind()))?;
    store.migrate().await.context("cannot migrate the database")?;
    Ok(store)
}

pub async fn migrate(config: Config) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    println!("The {} database is up to date.", store.kind());
    store.close().await;
    Ok(())
}

/// `portal backup PATH`: an online copy of the SQLite database (`VACUUM INTO`), while the
/// portal keeps serving. Restore by stopping the portal and putting the copy in its place.
pub async fn backup(config: Config, path: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context as _;
    if path.exists() {
        anyhow::bail!("{} exists already: a backup goes into a new file", path.display());
    }
    let store = open_store(&config).await?;
    store.backup_into(path).await.with_context(|| format!("cannot write the backup to {}", path.display()))?;
    store.close().await;
    println!("Copied the database into {}.", path.display());
    Ok(())
}
