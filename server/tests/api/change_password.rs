use crate::helpers::{location, on_both_databases, Browser, Db, TestApp, PASSWORD};

const NEW_PASSWORD: &str = "Zr8!kWq3#mVx6@tB";

on_both_databases!(
    a_user_changes_the_password_and_every_other_session_ends,
    the_old_password_stops_working_and_the_new_one_works,
    a_wrong_current_password_changes_nothing,
    a_wrong_current_password_is_said_on_the_first_try_whatever_the_new_one,
    a_mismatched_confirmation_is_pointed_out,
    a_weak_new_password_is_refused_with_the_rules_it_breaks,
    the_new_password_must_differ_from_the_current_one,
    the_account_is_told_by_email_without_the_password,
    changing_the_password_needs_a_session,
    without_javascript_the_page_confirms_the_change_or_shows_the_errors,
);

async fn change(browser: &Browser, current: &str, new: &str, confirm: &str) -> reqwest::Response {
    browser
        .post_form(
            "/api/change_password",
            &[("current_password", current), ("new_password", new), ("confirm_password", confirm)],
        )
        .await
}

async fn a_user_changes_the_password_and_every_other_session_ends(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    let phone = app.logged_in("alice@example.com").await;
    let before = laptop.session_token().unwrap();

    let response = change(&laptop, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(response.status(), 200);
    let after = laptop.session_token().unwrap();
    assert_ne!(before, after, "the current session gets a new id");
    assert_eq!(laptop.get("/account").await.status(), 200, "the user stays signed in");
    assert_eq!(app.browser().get_with_session("/account", &before).await.status(), 303);
    assert_eq!(phone.get("/account").await.status(), 303, "other sessions end");
}

async fn the_old_password_stops_working_and_the_new_one_works(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;

    change(&browser, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("alice@example.com", NEW_PASSWORD).await.status(), 200);
}

async fn a_wrong_current_password_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let phone = app.logged_in("alice@example.com").await;

    let response = change(&browser, "Not-The-Password-1!", NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("current_password") && body.contains("Your current password is incorrect."), "{body}");
    assert_eq!(phone.get("/account").await.status(), 200, "nothing ended");
    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 200);
}

async fn a_wrong_current_password_is_said_on_the_first_try_whatever_the_new_one(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;

    let response = change(&browser, "Not-The-Password-1!", "short", "shorter").await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    for said in
        ["Your current password is incorrect.", "Use at least 12 characters.", "The two new passwords do not match."]
    {
        assert!(body.contains(said), "{said} missing from {body}");
    }
}

async fn a_mismatched_confirmation_is_pointed_out(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;

    let response = change(&browser, PASSWORD, NEW_PASSWORD, "Zr8!kWq3#mVx6@tC").await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("confirm_password") && body.contains("do not match"), "{body}");
    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 200);
}

async fn a_weak_new_password_is_refused_with_the_rules_it_breaks(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("bob@acme.com").await;
    let browser = app.logged_in("bob@acme.com").await;

    let short = change(&browser, PASSWORD, "Ab1!", "Ab1!").await.text().await.unwrap();
    let no_symbol = change(&browser, PASSWORD, "Zr8kWq3mVx6tBqLp", "Zr8kWq3mVx6tBqLp").await.text().await.unwrap();
    let word = change(&browser, PASSWORD, "Summer-Sunshine-2024!", "Summer-Sunshine-2024!").await.text().await.unwrap();
    let context = change(&browser, PASSWORD, "Acme#2024#Qzv8wT", "Acme#2024#Qzv8wT").await.text().await.unwrap();

    assert!(short.contains("new_password") && short.contains("at least 12"), "{short}");
    assert!(no_symbol.contains("symbol"), "{no_symbol}");
    // The live checklist names the words found; a message, which may travel in a URL, does not.
    assert!(word.contains("NoDictionaryWords") && word.contains("Avoid dictionary words and names."), "{word}");
    assert!(!word.to_lowercase().contains("summer"), "{word}");
    assert!(context.contains("NoDictionaryWords") && !context.to_lowercase().contains("acme"), "{context}");
    assert_eq!(app.browser().login("bob@acme.com", PASSWORD).await.status(), 200);
}

async fn the_new_password_must_differ_from_the_current_one(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    change(&browser, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    let response = change(&browser, NEW_PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("differs from your current one"));
}

async fn the_account_is_told_by_email_without_the_password(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;

    change(&browser, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    let mail = app.wait_for_mail(1).await;
    assert_eq!(mail.len(), 1, "one message");
    let message = &mail[0];
    assert!(message.contains("To: alice@example.com"), "{message}");
    assert!(message.contains("Subject: Your password was changed"), "{message}");
    assert!(message.contains("127.0.0.1"), "says from where: {message}");
    assert!(!message.contains(NEW_PASSWORD) && !message.contains(PASSWORD), "never the password");
}

async fn changing_the_password_needs_a_session(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;

    let response = change(&app.browser(), PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;

    assert_eq!(response.status(), 401);
    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 200);
}

async fn without_javascript_the_page_confirms_the_change_or_shows_the_errors(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let form = |current: &'static str| {
        [("current_password", current), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)]
    };

    let refused = browser.post_html_form("/api/change_password", "/account/password", &form("wrong")).await;
    assert_eq!(refused.status(), 302);
    let back = location(&refused);
    let page = browser.client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Your current password is incorrect."), "{page}");

    let saved = browser.post_html_form("/api/change_password", "/account/password", &form(PASSWORD)).await;
    assert_eq!(saved.status(), 302);
    assert_eq!(location(&saved), "/account/password");
    let page = browser.get("/account/password").await.text().await.unwrap();
    // In its live region, and focused as the page arrives.
    let banner = r#"<div role="status" class="banner-region"><div id="password-changed" tabindex="-1" autofocus class="alert alert-success">Your password has been changed."#;
    assert!(page.contains(banner), "{page}");
    let reloaded = browser.get("/account/password").await.text().await.unwrap();
    assert!(!reloaded.contains("Your password has been changed."), "said once: a reload does not repeat it");
}
