use crate::helpers::{email, location, on_both_databases, Db, TestApp};

on_both_databases!(
    a_user_sees_every_session_with_browser_and_address,
    a_user_signs_out_another_session,
    a_user_signs_out_of_all_other_sessions,
    without_javascript_the_list_says_once_what_a_sign_out_did,
    nobody_can_sign_out_someone_elses_session,
    an_idle_session_expires,
    an_active_session_still_ends_at_its_absolute_lifetime,
    disabling_an_account_ends_its_sessions,
);

async fn a_user_sees_every_session_with_browser_and_address(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    let _phone = app.logged_in("alice@example.com").await;

    let html = laptop.get("/account").await.text().await.unwrap();

    assert_eq!(html.matches(r#"<li class="session"#).count(), 2, "{html}");
    assert_eq!(html.matches("This session").count(), 1);
    assert!(html.contains("Chrome 120 on Linux"));
    assert!(html.contains("from 127.0.0.1"));
    assert!(html.contains("Sign out of all other sessions"));
    // Without JavaScript, times say their zone; the page's code shows them in the viewer's.
    assert_eq!(html.matches(r#"<time datetime=""#).count(), 4, "{html}");
    assert!(html.contains(" UTC<!></time>"), "{html}");
}

async fn a_user_signs_out_another_session(db: Db) {
    let app = TestApp::spawn(db).await;
    let alice = app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    let phone = app.logged_in("alice@example.com").await;
    let now = app.clock.now();
    let sessions = app.state.store.list_sessions(alice, now, 0).await.unwrap();
    let current = app.state.store.find_session(&token_hash(&laptop)).await.unwrap().unwrap();
    let other = sessions.iter().find(|s| s.id != current.id).unwrap();

    let response = laptop.post_form("/api/sign_out_session", &[("id", &other.id.to_string())]).await;

    assert_eq!(response.status(), 200);
    assert_eq!(phone.get("/account").await.status(), 303, "the phone is signed out");
    assert_eq!(laptop.get("/account").await.status(), 200, "the laptop still is not");
    let again = laptop.post_form("/api/sign_out_session", &[("id", &other.id.to_string())]).await;
    assert_eq!(again.status(), 404);
    let own = laptop.post_form("/api/sign_out_session", &[("id", &current.id.to_string())]).await;
    assert_eq!(own.status(), 400, "the current session ends with Log out, not here");
}

async fn a_user_signs_out_of_all_other_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    let phone = app.logged_in("alice@example.com").await;
    let tablet = app.logged_in("alice@example.com").await;

    let response = laptop.post_form("/api/sign_out_other_sessions", &[]).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "2");
    assert_eq!(phone.get("/account").await.status(), 303);
    assert_eq!(tablet.get("/account").await.status(), 303);
    assert_eq!(laptop.get("/account").await.status(), 200);
}

async fn without_javascript_the_list_says_once_what_a_sign_out_did(db: Db) {
    let app = TestApp::spawn(db).await;
    let alice = app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    for _ in 0..3 {
        app.logged_in("alice@example.com").await;
    }
    let current = app.state.store.find_session(&token_hash(&laptop)).await.unwrap().unwrap();
    let sessions = app.state.store.list_sessions(alice, app.clock.now(), 0).await.unwrap();
    let other = sessions.iter().find(|s| s.id != current.id).unwrap();

    let one = laptop.post_html_form("/api/sign_out_session", "/account", &[("id", &other.id.to_string())]).await;
    assert_eq!(one.status(), 302);
    let page = laptop.get("/account").await.text().await.unwrap();
    assert!(page.contains("The session was signed out."), "{page}");
    assert!(page.contains("You have 3 active sessions."), "{page}");
    let reloaded = laptop.get("/account").await.text().await.unwrap();
    assert!(!reloaded.contains("was signed out"), "said once: {reloaded}");

    let others = laptop.post_html_form("/api/sign_out_other_sessions", "/account", &[]).await;
    assert_eq!(others.status(), 302);
    let page = laptop.get("/account").await.text().await.unwrap();
    assert!(page.contains("2 other sessions were signed out."), "{page}");
}

async fn nobody_can_sign_out_someone_elses_session(db: Db) {
    let app = TestApp::spawn(db).await;
    let alice = app.add_user("alice@example.com").await;
    app.add_user("mallory@example.com").await;
    let alice_browser = app.logged_in("alice@example.com").await;
    let mallory = app.logged_in("mallory@example.com").await;
    let alice_session = app.state.store.list_sessions(alice, app.clock.now(), 0).await.unwrap()[0].id;

    let response = mallory.post_form("/api/sign_out_session", &[("id", &alice_session.to_string())]).await;

    assert_eq!(response.status(), 404);
    assert_eq!(alice_browser.get("/account").await.status(), 200);
    let anonymous = app.browser().post_form("/api/sign_out_other_sessions", &[]).await;
    assert_eq!(anonymous.status(), 401);
}

async fn an_idle_session_expires(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let idle = app.state.config.session_idle.as_secs() as i64;

    app.clock.advance(idle - 5);
    assert_eq!(browser.get("/account").await.status(), 200, "still within the idle limit");
    app.clock.advance(idle - 5);
    assert_eq!(browser.get("/account").await.status(), 200, "activity restarted the idle timer");
    app.clock.advance(idle);
    let response = browser.get("/account").await;

    assert_eq!(response.status(), 303);
    assert!(location(&response).starts_with("/login"));
}

async fn an_active_session_still_ends_at_its_absolute_lifetime(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let idle = app.state.config.session_idle.as_secs() as i64;
    let lifetime = app.state.config.session_lifetime.as_secs() as i64;

    let mut elapsed = 0;
    while elapsed + idle / 2 < lifetime {
        app.clock.advance(idle / 2);
        elapsed += idle / 2;
        assert_eq!(browser.get("/account").await.status(), 200, "after {elapsed}s");
    }
    app.clock.advance(lifetime - elapsed);

    assert_eq!(browser.get("/account").await.status(), 303);
}

async fn disabling_an_account_ends_its_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let now = app.clock.now();

    app.state.store.set_user_disabled(&email("alice@example.com"), Some(now), now).await.unwrap();

    assert_eq!(browser.get("/account").await.status(), 303);
}

fn token_hash(browser: &crate::helpers::Browser) -> [u8; 32] {
    app::backend::secrets::secret_token::SecretToken::parse(&browser.session_token().unwrap()).unwrap().hash()
}
