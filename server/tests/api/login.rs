use base64::{engine::general_purpose::URL_SAFE, Engine};
use reqwest::header;

use crate::helpers::{email, location, on_both_databases, set_cookie, Db, TestApp, PASSWORD};

on_both_databases!(
    a_user_with_the_right_password_gets_a_session_and_sees_the_account,
    unknown_email_wrong_password_and_disabled_account_look_the_same,
    emails_are_matched_case_insensitively_and_trimmed,
    logging_in_again_replaces_the_session_the_browser_had,
    logging_out_ends_the_session,
    a_visitor_without_a_session_is_sent_to_login_and_back,
    login_without_javascript_redirects_to_a_local_next_only,
    a_failed_login_without_javascript_returns_to_the_form_with_the_message,
    a_refused_forgot_request_without_javascript_keeps_the_address,
    an_error_written_into_a_link_is_never_shown,
    a_forged_refusal_can_only_show_the_portal_s_own_sentences,
    refusals_in_a_row_leave_the_address_as_it_was,
);

async fn a_user_with_the_right_password_gets_a_session_and_sees_the_account(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();

    let response = browser.login("alice@example.com", PASSWORD).await;

    assert_eq!(response.status(), 200);
    let cookie = set_cookie(&response).expect("a session cookie");
    assert!(cookie.starts_with("portal_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    let page = browser.get("/account").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Your sessions"));
    assert!(html.contains("alice@example.com"));
    assert!(html.contains("This session"));
}

async fn unknown_email_wrong_password_and_disabled_account_look_the_same(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    app.add_user("dora@example.com").await;
    let now = app.clock.now();
    app.state.store.set_user_disabled(&email("dora@example.com"), Some(now), now).await.unwrap();

    let mut answers = Vec::new();
    for (email, password) in
        [("nobody@example.com", PASSWORD), ("alice@example.com", "Wrong-Password-123!"), ("dora@example.com", PASSWORD)]
    {
        let response = app.browser().login(email, password).await;
        let status = response.status().as_u16();
        let cookie = set_cookie(&response);
        answers.push((status, cookie, response.text().await.unwrap()));
    }

    assert_eq!(answers[0].0, 401);
    assert_eq!(answers[0].1, None, "a refused login must not set a cookie");
    assert!(answers[0].2.contains("InvalidCredentials"));
    assert!(answers.iter().all(|a| a == &answers[0]), "answers differ: {answers:?}");
}

async fn emails_are_matched_case_insensitively_and_trimmed(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("Alice@Example.com").await;

    let response = app.browser().login("  alice@EXAMPLE.com ", PASSWORD).await;

    assert_eq!(response.status(), 200);
}

async fn logging_in_again_replaces_the_session_the_browser_had(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let first = browser.session_token().expect("a session cookie");

    let response = browser.login("alice@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let second = browser.session_token().expect("a session cookie");

    assert_ne!(first, second, "login must issue a new session id");
    let stale = app.browser().get_with_session("/account", &first).await;
    assert_eq!(stale.status(), 303, "the old session must be gone");
    let overview = browser.get("/account").await.text().await.unwrap();
    assert_eq!(overview.matches("This session").count(), 1);
}

async fn logging_out_ends_the_session(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.logged_in("alice@example.com").await;
    let token = browser.session_token().expect("a session cookie");

    let response = browser.post_form("/api/logout", &[]).await;

    assert_eq!(response.status(), 200);
    assert!(set_cookie(&response).unwrap().contains("Max-Age=0"));
    let after = app.browser().get_with_session("/account", &token).await;
    assert_eq!(after.status(), 303);
    assert_eq!(location(&after), "/login?next=%2Faccount");
}

async fn a_visitor_without_a_session_is_sent_to_login_and_back(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();

    let response = browser.get("/account?tab=sessions").await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Faccount%3Ftab%3Dsessions");
    let login_page = browser.get("/login?next=%2Faccount").await;
    assert_eq!(login_page.status(), 200);
    let html = login_page.text().await.unwrap();
    assert!(html.contains(r#"name="next" value="/account""#), "the form must carry next");
}

async fn login_without_javascript_redirects_to_a_local_next_only(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let cases = [
        ("/account?tab=1", "/account?tab=1"),
        ("https://evil.example/", "/account"),
        ("//evil.example/", "/account"),
        ("/\\evil.example/", "/account"),
    ];
    for (next, expected) in cases {
        let browser = app.browser();
        let response = browser
            .post_html_form(
                "/api/login",
                "/login",
                &[("email", "alice@example.com"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(response.status(), 302, "next={next}");
        assert_eq!(location(&response), expected, "next={next}");
    }
}

async fn a_failed_login_without_javascript_returns_to_the_form_with_the_message(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();

    let response = browser
        .post_html_form(
            "/api/login",
            "/login?next=%2Faccount",
            &[("email", "nobody@example.com"), ("password", "whatever")],
        )
        .await;

    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert_eq!(back, format!("{}/login?next=%2Faccount", app.base()), "back to the form, nothing added to its address");
    let page = browser.client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("The email address or password is incorrect."));
    assert!(page.contains(r#"value="nobody@example.com""#), "the email address is filled in again");
    assert!(!page.contains("whatever"), "the password is never kept");
    assert!(page.contains("<title>Error: "), "the title says the form was refused: {page}");

    // Kept for that one page: a reload shows an empty form, with no message.
    let again = browser.client.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(!again.contains("nobody@example.com"), "the address was kept past its page");
    assert!(!again.contains("The email address or password is incorrect."), "the refusal was shown again on reload");
}

async fn refusals_in_a_row_leave_the_address_as_it_was(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let form = [("email", "nobody@example.com"), ("password", "whatever")];

    let first = browser.post_html_form("/api/login", "/login?next=%2Fa", &form).await;
    let referer = location(&first).trim_start_matches(&app.base()).to_owned();
    let second = browser.post_html_form("/api/login", &referer, &form).await;

    assert_eq!(location(&second), format!("{}/login?next=%2Fa", app.base()));
}

async fn a_refused_forgot_request_without_javascript_keeps_the_address(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.captcha.mode = app::backend::config::CaptchaMode::Pow).await;
    let browser = app.browser();

    // The captcha was not answered: the form comes back with the address still in it.
    let response =
        browser.post_html_form("/api/request_password_reset", "/forgot", &[("email", "ann@example.com")]).await;

    assert_eq!(response.status(), 302);
    let page = browser.client.get(location(&response)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("There is a problem"), "{page}");
    assert!(page.contains(r#"value="ann@example.com""#), "the email address is filled in again");
}

/// An error is never taken from an address: an old or crafted link with Leptos's error
/// parameters is sent on to the same page without them.
async fn an_error_written_into_a_link_is_never_shown(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let coded = URL_SAFE.encode(r#"{"Invalid":[{"field":"email","problem":"EmailTaken"}]}"#);

    let response = browser.get(&format!("/login?next=%2Fa&__path=%2Fapi%2Flogin&__err={coded}")).await;

    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Fa");
    let page = browser.get("/login?next=%2Fa").await.text().await.unwrap();
    assert!(!page.contains("An account with this email address already exists."), "{page}");
}

/// Whoever forges the refusal's cookie chooses among the portal's own sentences, never words.
async fn a_forged_refusal_can_only_show_the_portal_s_own_sentences(db: Db) {
    let app = TestApp::spawn(db).await;
    let page = |error: &str| {
        let cookie = format!("portal_refused=/api/login|{}", URL_SAFE.encode(error));
        let request = app.browser().client.get(format!("{}/login", app.base())).header(header::COOKIE, cookie);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };

    let crafted = r#"{"Invalid":[{"field":"email","message":"Your account is suspended. Call +1 555 0100."}]}"#;
    assert!(!page(crafted).await.contains("Call +1 555 0100"), "a sentence from the cookie was shown");
    let coded = r#"{"Invalid":[{"field":"email","problem":"EmailTaken"}]}"#;
    assert!(page(coded).await.contains("An account with this email address already exists."));
}

#[tokio::test]
async fn pages_allow_only_the_portals_own_scripts_and_no_framing() {
    let app = TestApp::spawn(Db::Sqlite).await;

    let response = app.browser().get("/login").await;

    let policy = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let html = response.text().await.unwrap();
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "the hydration script carries this response's nonce");
    for directive in ["default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"] {
        assert!(policy.contains(directive), "{directive} missing from {policy}");
    }
}
