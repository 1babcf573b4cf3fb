pub mod captcha;
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
