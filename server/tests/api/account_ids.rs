//! Every account's public id, the `sub` apps will know the person by: its own, random, and kept
//! through whatever changes the account.

use app::backend::store::{AccountId, Store};

use crate::helpers::{email, empty_store, on_both_databases, portal_cli, Db, TestApp};

on_both_databases!(
    two_accounts_get_different_ids_that_outlive_a_new_password_and_a_disable,
    accounts_made_before_the_migration_get_an_id_of_their_own,
);

const NEW_PASSWORD: &str = "Zr8!kWq3#mVx6@tB";

async fn public_id(app: &TestApp, address: &str) -> AccountId {
    app.state.store.find_user_by_email(&email(address)).await.unwrap().unwrap().public_id
}

async fn two_accounts_get_different_ids_that_outlive_a_new_password_and_a_disable(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    app.add_user("bob@example.com").await;
    let (ann, bob) = (public_id(&app, "ann@example.com").await, public_id(&app, "bob@example.com").await);
    assert_ne!(ann, bob);
    assert_eq!(AccountId::parse(ann.as_str()), Some(ann.clone()), "a v4 UUID in its usual form");
    assert!(!ann.as_str().contains("ann"), "nothing of the email");

    let browser = app.logged_in("ann@example.com").await;
    let form = [
        ("current_password", crate::helpers::PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("confirm_password", NEW_PASSWORD),
    ];
    assert_eq!(browser.post_form("/api/change_password", &form).await.status(), 200);
    let disabled = portal_cli(&app, &["user", "disable", "ann@example.com"]).await;
    assert!(disabled.success, "{}", disabled.stderr);
    assert!(portal_cli(&app, &["user", "enable", "ann@example.com"]).await.success);

    assert_eq!(public_id(&app, "ann@example.com").await, ann, "the same id after a new password and a disable");
    let listed = portal_cli(&app, &["user", "list"]).await;
    assert!(listed.success, "{}", listed.stderr);
    let line = |address: &str| listed.stdout.lines().find(|l| l.starts_with(address)).unwrap().to_owned();
    assert!(line("ann@example.com").contains(ann.as_str()), "{}", listed.stdout);
    assert!(line("bob@example.com").contains(bob.as_str()), "{}", listed.stdout);
}

/// The migration gives every account that existed before it an id, each its own.
async fn accounts_made_before_the_migration_get_an_id_of_their_own(db: Db) {
    const OIDC_MIGRATION: i64 = 20261203000012;
    let (store, _url, _dir) = empty_store(db).await;
    let folder = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    // The migrations before this one, as an older portal shipped them.
    let older = tempfile::tempdir().unwrap();
    let shipped = std::path::PathBuf::from(format!("{}/../migrations/{folder}", env!("CARGO_MANIFEST_DIR")));
    for file in std::fs::read_dir(&shipped).unwrap().map(|entry| entry.unwrap().path()) {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let version: i64 = name.split('_').next().unwrap().parse().unwrap();
        if version < OIDC_MIGRATION {
            std::fs::copy(&file, older.path().join(&name)).unwrap();
        }
    }
    let before = sqlx::migrate::Migrator::new(older.path()).await.unwrap();
    const OLD_ACCOUNT: &str = "INSERT INTO users (email, email_key, password_hash, created_at, updated_at) \
                               VALUES ($1, $1, 'not a hash', 0, 0)";
    match &store {
        Store::Sqlite(pool) => {
            before.run(pool).await.unwrap();
            for address in ["old1@example.com", "old2@example.com", "old3@example.com"] {
                sqlx::query(OLD_ACCOUNT).bind(address).execute(pool).await.unwrap();
            }
        }
        Store::Postgres(pool) => {
            before.run(pool).await.unwrap();
            for address in ["old1@example.com", "old2@example.com", "old3@example.com"] {
                sqlx::query(OLD_ACCOUNT).bind(address).execute(pool).await.unwrap();
            }
        }
    }

    store.migrate().await.unwrap();

    let mut ids = Vec::new();
    for address in ["old1@example.com", "old2@example.com", "old3@example.com"] {
        ids.push(store.find_user_by_email(&email(address)).await.unwrap().unwrap().public_id);
    }
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    assert_eq!(ids.len(), 3, "each account its own id: {ids:?}");
}
