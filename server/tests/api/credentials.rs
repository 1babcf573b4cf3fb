//! No session outlives a new password: a login whose password check is still under way when a
//! reset, a change or "sign out of all other sessions" commits starts nothing, and a disabled
//! account's links stay dead when it is enabled again.

use std::{sync::mpsc, time::Duration};

use app::{
    backend::{
        secrets::password_hasher::PasswordHash, secrets::secret_token::SecretToken, store::NewSession,
        store::PasswordChange, store::SealedMail,
    },
    domain::{Email, Password},
};
use tokio::task::JoinHandle;

use crate::helpers::{email, on_both_databases, set_cookie, within, Browser, Db, TestApp, PASSWORD, WAIT};

const NEW_PASSWORD: &str = "Qm7#tVx2!pRz9@kW";

on_both_databases!(
    a_login_that_read_the_old_hash_before_a_reset_committed_gets_no_session,
    a_login_under_way_when_other_sessions_are_signed_out_gets_no_session,
    a_password_change_checked_against_an_older_password_or_an_ended_session_changes_nothing,
    a_disabled_account_s_links_stay_dead_when_it_is_enabled_again,
);

/// The portal's only hashing thread, held by a job until the returned sender is dropped.
async fn hold_the_hashing_thread(app: &TestApp) -> (mpsc::Sender<()>, JoinHandle<()>) {
    let (release, gate) = mpsc::channel::<()>();
    let (started, running) = tokio::sync::oneshot::channel();
    let hasher = app.state.hasher.clone();
    let holder = tokio::spawn(async move {
        hasher
            .bounded(move || {
                let _ = started.send(());
                let _ = gate.recv_timeout(WAIT);
            })
            .await
            .expect("the hashing thread is free");
    });
    within(WAIT, "the hashing thread to be taken", running).await.unwrap();
    (release, holder)
}

/// Waits until a login has begun its check: it has read the account (and its hash) and waits
/// for the hashing thread.
async fn until_the_login_has_read_the_account(app: &TestApp, user_id: app::backend::store::UserId) {
    within(WAIT, "the login to read the account", async {
        let account = app::backend::store::CountOf::Account(user_id);
        while app.state.store.failure_counts(&account).await.unwrap().unwrap().checks_in_flight == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

fn alice() -> Email {
    Email::parse("alice@example.com").unwrap()
}

/// A stand-in for the notice a new password queues (these stories read no mail).
fn notice(to: &Email) -> SealedMail {
    SealedMail {
        to: to.clone(),
        subject: "Your password was reset".into(),
        text: String::new(),
        html: String::new(),
        secret_until: None,
    }
}

async fn hash_of(app: &TestApp, password: &str) -> PasswordHash {
    app.state.hasher.hash(&Password::parse(password).unwrap()).await.unwrap()
}

async fn sessions_of(app: &TestApp, address: &str) -> i64 {
    let users = app.state.store.list_users(app.clock.now()).await.unwrap();
    users.iter().find(|u| u.email == address).map(|u| u.sessions).unwrap()
}

async fn a_login_that_read_the_old_hash_before_a_reset_committed_gets_no_session(db: Db) {
    let app = TestApp::spawn_with(db, |c| c.hash_concurrency = 1).await;
    let user_id = app.add_user("alice@example.com").await;
    let new_hash = hash_of(&app, NEW_PASSWORD).await;
    let now = app.clock.now();
    let store = &app.state.store;
    store.create_password_reset(user_id, &[7; 32], now, now + 3600, &notice(&alice())).await.unwrap();

    // A thief logs in with the phished password; the check waits for the hashing thread.
    let (release, holder) = hold_the_hashing_thread(&app).await;
    let thief = app.browser();
    let login = tokio::spawn(async move { thief.login("alice@example.com", PASSWORD).await });
    until_the_login_has_read_the_account(&app, user_id).await;
    // Meanwhile the owner sets a new password with the link from the email.
    let reset = store.complete_password_reset(&[7; 32], &new_hash, now, notice).await.unwrap();
    assert_eq!(reset, Some(user_id));
    drop(release);
    holder.await.unwrap();
    let response = within(WAIT, "the thief's login", login).await.unwrap();

    assert_eq!(response.status(), 401, "the old password no longer signs in");
    assert_eq!(set_cookie(&response), None);
    assert_eq!(sessions_of(&app, "alice@example.com").await, 0, "no session was stored");
}

async fn a_login_under_way_when_other_sessions_are_signed_out_gets_no_session(db: Db) {
    let app = TestApp::spawn_with(db, |c| c.hash_concurrency = 1).await;
    let user_id = app.add_user("alice@example.com").await;
    let owner = app.logged_in("alice@example.com").await;

    let (release, holder) = hold_the_hashing_thread(&app).await;
    let thief = app.browser();
    let login = tokio::spawn(async move { thief.login("alice@example.com", PASSWORD).await });
    until_the_login_has_read_the_account(&app, user_id).await;
    let signed_out = owner.post_form("/api/sign_out_other_sessions", &[]).await;
    assert_eq!(signed_out.status(), 200);
    drop(release);
    holder.await.unwrap();
    let response = within(WAIT, "the thief's login", login).await.unwrap();

    assert_eq!(response.status(), 401);
    assert_eq!(owner.get("/account").await.status(), 200, "the owner's session is kept");
    assert_eq!(sessions_of(&app, "alice@example.com").await, 1, "only the owner's session");
}

async fn a_password_change_checked_against_an_older_password_or_an_ended_session_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let user_id = app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    let phone = app.logged_in("alice@example.com").await;
    let store = &app.state.store;
    let laptop_session = store.find_session(&token_hash(&laptop)).await.unwrap().unwrap().id;
    let now = app.clock.now();
    let new_hash = hash_of(&app, NEW_PASSWORD).await;
    let change = |seen_version| PasswordChange {
        seen_version,
        requesting_session: laptop_session,
        hash: &new_hash,
        now,
        replacement: NewSession {
            user_id,
            token_hash: &[3; 32],
            now,
            expires_at: now + 3600,
            user_agent: "test",
            ip: "127.0.0.1",
        },
    };
    // What the laptop's Change Password read before checking the current password.
    let seen = store.find_user_by_id(user_id).await.unwrap().unwrap().credentials_version;

    // The phone signs the laptop out (one session: the version stays) before the change commits.
    let laptop_id = laptop_session.to_string();
    assert_eq!(phone.post_form("/api/sign_out_session", &[("id", laptop_id.as_str())]).await.status(), 200);
    assert!(!store.change_password(change(seen), &notice(&alice())).await.unwrap());

    // A new password from elsewhere (a reset) commits before the change does.
    store.create_password_reset(user_id, &[8; 32], now, now + 3600, &notice(&alice())).await.unwrap();
    let reset_hash = hash_of(&app, "Reset-Password#2024x").await;
    store.complete_password_reset(&[8; 32], &reset_hash, now, notice).await.unwrap().unwrap();
    assert!(!store.change_password(change(seen), &notice(&alice())).await.unwrap());

    let user = store.find_user_by_id(user_id).await.unwrap().unwrap();
    assert!(user.password_hash == reset_hash, "the reset's password stands");
    assert_eq!(sessions_of(&app, "alice@example.com").await, 0, "no replacement session was stored");
}

fn token_hash(browser: &Browser) -> [u8; 32] {
    SecretToken::parse(&browser.session_token().unwrap()).unwrap().hash()
}

async fn a_disabled_account_s_links_stay_dead_when_it_is_enabled_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let user_id = app.add_user("alice@example.com").await;
    let now = app.clock.now();
    let store = &app.state.store;
    store.create_password_reset(user_id, &[9; 32], now, now + 3600, &notice(&alice())).await.unwrap();
    let browser = app.logged_in("alice@example.com").await;

    store.set_user_disabled(&email("alice@example.com"), Some(now), now).await.unwrap();
    store.set_user_disabled(&email("alice@example.com"), None, now).await.unwrap();

    assert_eq!(store.find_live_reset(&[9; 32], now).await.unwrap().map(|r| r.user_id), None, "the link stays ended");
    assert_eq!(browser.get("/account").await.status(), 303, "the session stays ended");
    let new_hash = hash_of(&app, NEW_PASSWORD).await;
    assert_eq!(store.complete_password_reset(&[9; 32], &new_hash, now, notice).await.unwrap(), None);
}
