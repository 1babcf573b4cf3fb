use reqwest::header;

use crate::helpers::{location, on_both_databases, set_cookie, Db, TestApp, PASSWORD};

on_both_databases!(
    empty_fields_get_a_message_for_each_field,
    a_five_thousand_character_email_is_refused_with_a_message,
    a_ten_megabyte_body_is_refused,
    invalid_utf8_and_missing_fields_are_client_errors,
    a_forged_session_cookie_is_treated_as_no_session_and_cleared,
    writes_from_another_site_are_refused,
    no_log_line_carries_a_password_or_a_session_token,
    json_logs_carry_the_request_id_and_no_secret_or_address,
);

async fn empty_fields_get_a_message_for_each_field(db: Db) {
    let app = TestApp::spawn(db).await;

    let response = app.browser().login("", "").await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("Enter your email address."), "{body}");
    assert!(body.contains("Enter your password."), "{body}");
}

async fn a_five_thousand_character_email_is_refused_with_a_message(db: Db) {
    let app = TestApp::spawn(db).await;
    let email = format!("{}@example.com", "a".repeat(5000));

    let response = app.browser().login(&email, PASSWORD).await;

    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("at most 254 characters"));
}

async fn a_ten_megabyte_body_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let huge = "x".repeat(10 * 1024 * 1024);

    let response = app.browser().login("alice@example.com", &huge).await;

    assert_eq!(response.status(), 413);
}

async fn invalid_utf8_and_missing_fields_are_client_errors(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let url = format!("{}/api/login", app.base());

    let invalid_utf8 = browser
        .client
        .post(&url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(b"email=%FF%FE&password=\xff\xfe".to_vec())
        .send()
        .await
        .unwrap();
    let missing = browser.post_form("/api/login", &[("email", "alice@example.com")]).await;
    let garbage = browser
        .client
        .post(&url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("%%%&&&===")
        .send()
        .await
        .unwrap();

    for response in [invalid_utf8, missing, garbage] {
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "status {status}");
    }
}

async fn a_forged_session_cookie_is_treated_as_no_session_and_cleared(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();

    for forged in ["forged", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &"z".repeat(4000)] {
        let response = browser.get_with_session("/account", forged).await;
        assert_eq!(response.status(), 303, "{forged}");
        assert!(location(&response).starts_with("/login"));
        assert!(set_cookie(&response).unwrap().contains("Max-Age=0"), "the bad cookie is cleared");
    }
    let overview = browser
        .client
        .post(format!("{}/api/account", app.base()))
        .header(header::COOKIE, "portal_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(overview.status(), 401);
}

async fn writes_from_another_site_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();
    let url = format!("{}/api/login", app.base());
    let form = [("email", "alice@example.com"), ("password", PASSWORD)];

    let from_evil_origin =
        browser.client.post(&url).header(header::ORIGIN, "https://evil.example").form(&form).send().await.unwrap();
    let cross_site = browser.client.post(&url).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    let same_origin = browser
        .client
        .post(&url)
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, app.base())
        .form(&form)
        .send()
        .await
        .unwrap();

    assert_eq!(from_evil_origin.status(), 403);
    assert_eq!(cross_site.status(), 403);
    assert_eq!(same_origin.status(), 200);
}

async fn no_log_line_carries_a_password_or_a_session_token(db: Db) {
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(logs.clone()).finish(),
    );
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;

    let browser = app.logged_in("alice@example.com").await;
    let token = browser.session_token().unwrap();
    browser.get("/account").await;
    app.browser().login("alice@example.com", "Wrong-Secret-Value-1!").await;
    app.browser().login("nobody@example.com", "Another-Secret-Value-2!").await;
    browser.post_form("/api/logout", &[]).await;

    let text = logs.text();
    assert!(text.contains("login succeeded"), "the capture works: {text}");
    for secret in [PASSWORD, "Wrong-Secret-Value-1!", "Another-Secret-Value-2!", token.as_str()] {
        assert!(!text.contains(secret), "a log line carries a secret: {text}");
    }
}

/// `PORTAL_LOG_FORMAT=json`: one JSON object per line, each line of a request with its id, and
/// still no password, token or email address in any of them.
async fn json_logs_carry_the_request_id_and_no_secret_or_address(db: Db) {
    let logs = CapturedLogs::default();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_max_level(tracing::Level::TRACE)
            .with_writer(logs.clone())
            .finish(),
    );
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;

    let browser = app.logged_in("alice@example.com").await;
    let token = browser.session_token().unwrap();
    let page = browser.get("/account").await;
    let id = page.headers()["x-request-id"].to_str().unwrap().to_owned();
    app.browser().login("alice@example.com", "Wrong-Secret-Value-1!").await;
    app.browser().get("/readyz").await;

    let text = logs.text();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not one JSON object ({e}): {line}")))
        .collect();
    let of_the_page: Vec<&serde_json::Value> =
        lines.iter().filter(|line| line["span"]["request_id"] == id.as_str()).collect();
    assert!(
        of_the_page.iter().any(|line| line["fields"]["message"] == "request" && line["fields"]["path"] == "/account"),
        "the request's line carries its id: {text}"
    );
    let probe_at_info = lines.iter().any(|line| line["fields"]["path"] == "/readyz" && line["level"] == "INFO");
    assert!(!probe_at_info, "probes stay out of the info-level log");
    for secret in [PASSWORD, "Wrong-Secret-Value-1!", token.as_str(), "alice@example.com"] {
        assert!(!text.contains(secret), "a log line carries {secret}: {text}");
    }
}

#[derive(Clone, Default)]
struct CapturedLogs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_logins_is_answered_with_503_beyond_the_hashing_bound() {
    let app = TestApp::spawn_with(Db::Sqlite, |config| {
        config.hash_concurrency = 1;
        config.hash_queue_timeout = std::time::Duration::ZERO;
    })
    .await;
    app.add_user("alice@example.com").await;

    let attempts = (0..16).map(|_| {
        let browser = app.browser();
        async move { browser.login("alice@example.com", "Wrong-Password-123!").await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(attempts).await;

    assert!(statuses.iter().all(|s| *s == 401 || *s == 503), "{statuses:?}");
    assert!(statuses.contains(&503), "some must be turned away: {statuses:?}");
    assert!(statuses.contains(&401), "some must be served: {statuses:?}");
}
