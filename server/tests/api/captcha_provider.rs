//! An operator who prefers a third party's captcha (Cloudflare Turnstile, hCaptcha): the pages
//! show its widget, and the server checks each token with the provider's verify endpoint. These
//! machines cannot reach the real ones, so a stand-in that speaks their protocol answers here.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use app::{
    backend::config::{CaptchaMode, ProviderSettings},
    captcha::Provider,
};
use axum::{extract::Form, routing::post, Json, Router};

use crate::helpers::{free_port, on_both_databases, Browser, Db, TestApp, PASSWORD};

on_both_databases!(
    a_token_is_checked_with_the_provider_and_accepted_once,
    a_token_solved_on_another_site_or_for_another_action_is_refused,
    a_login_without_the_widget_s_token_is_asked_to_complete_it,
    when_the_provider_cannot_be_reached_the_login_gets_503,
    the_login_page_shows_the_widget_and_lets_its_origin_in,
);

const SECRET: &str = "stand-in-secret";
const SITE_KEY: &str = "stand-in-site-key";

/// The provider's siteverify: accepts each token it issued once, with the right secret.
struct StandIn {
    url: String,
    received: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

async fn stand_in() -> StandIn {
    let received = Arc::new(Mutex::new(Vec::new()));
    let spent = Arc::new(Mutex::new(HashSet::new()));
    let record = received.clone();
    let verify = move |Form(form): Form<HashMap<String, String>>| async move {
        record.lock().unwrap().push(form.clone());
        let token = form.get("response").cloned().unwrap_or_default();
        let valid = form.get("secret").map(String::as_str) == Some(SECRET) && token.starts_with("issued-");
        // Tokens solved on another site, or for another action, are real tokens all the same.
        let hostname = if token.starts_with("issued-elsewhere") { "evil.example" } else { "127.0.0.1" };
        let action = if token.starts_with("issued-for-another-action") { "signup" } else { "account-portal" };
        let success = valid && spent.lock().unwrap().insert(token);
        let codes: &[&str] = if success { &[] } else { &["invalid-input-response"] };
        Json(serde_json::json!({ "success": success, "error-codes": codes, "hostname": hostname, "action": action }))
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/siteverify", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/siteverify", post(verify))).await });
    StandIn { url, received }
}

async fn app_with_provider(db: Db, verify_url: &str) -> TestApp {
    let verify_url = verify_url.parse().unwrap();
    let app = TestApp::spawn_with(db, |config| {
        config.captcha.mode = CaptchaMode::Provider(ProviderSettings {
            hostname: "127.0.0.1".into(),
            provider: Provider::Turnstile,
            site_key: SITE_KEY.into(),
            secret: SECRET.to_owned().into(),
            verify_url,
        });
    })
    .await;
    app.add_user("alice@example.com").await;
    app
}

async fn login_with(browser: &Browser, token: Option<&str>) -> (u16, String) {
    let mut form = vec![("email", "alice@example.com"), ("password", PASSWORD)];
    form.extend(token.map(|token| ("captcha", token)));
    let response = browser.post_form("/api/login", &form).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_token_is_checked_with_the_provider_and_accepted_once(db: Db) {
    let provider = stand_in().await;
    let app = app_with_provider(db, &provider.url).await;

    assert_eq!(login_with(&app.browser(), Some("issued-1")).await.0, 200);
    let (status, body) = login_with(&app.browser(), Some("issued-1")).await;
    assert_eq!(status, 400);
    assert!(body.contains("The check could not be verified"), "{body}");
    let (status, _) = login_with(&app.browser(), Some("made-up")).await;
    assert_eq!(status, 400);

    let received = provider.received.lock().unwrap();
    assert_eq!(received[0]["secret"], SECRET);
    assert_eq!(received[0]["response"], "issued-1");
    assert_eq!(received[0]["remoteip"], "127.0.0.1");
}

async fn a_token_solved_on_another_site_or_for_another_action_is_refused(db: Db) {
    let provider = stand_in().await;
    let app = app_with_provider(db, &provider.url).await;

    for token in ["issued-elsewhere-1", "issued-for-another-action-1"] {
        let (status, body) = login_with(&app.browser(), Some(token)).await;
        assert_eq!(status, 400, "{token}");
        assert!(body.contains("The check could not be verified"), "{token}: {body}");
    }
    assert_eq!(login_with(&app.browser(), Some("issued-here-1")).await.0, 200);
}

async fn a_login_without_the_widget_s_token_is_asked_to_complete_it(db: Db) {
    let provider = stand_in().await;
    let app = app_with_provider(db, &provider.url).await;

    let (status, body) = login_with(&app.browser(), None).await;

    assert_eq!(status, 400);
    assert!(body.contains("Please complete the human check."), "{body}");
    assert!(provider.received.lock().unwrap().is_empty(), "nothing to ask the provider");
}

async fn when_the_provider_cannot_be_reached_the_login_gets_503(db: Db) {
    let app = app_with_provider(db, &format!("http://127.0.0.1:{}/siteverify", free_port())).await;

    let (status, body) = login_with(&app.browser(), Some("issued-1")).await;

    assert_eq!(status, 503, "{body}");
    assert!(body.contains("Unavailable"), "{body}");
}

async fn the_login_page_shows_the_widget_and_lets_its_origin_in(db: Db) {
    let provider = stand_in().await;
    let app = app_with_provider(db, &provider.url).await;

    let page = app.browser().get("/login").await;

    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(
            r#"<div data-sitekey="{SITE_KEY}" data-callback="portalCaptchaSolved" data-action="account-portal""#
        )),
        "{html}"
    );
    assert!(html.contains(r#"class="cf-turnstile""#), "{html}");
    assert!(html.contains(r#"<script src="https://challenges.cloudflare.com/turnstile/v0/api.js""#), "{html}");
    assert!(!html.contains("captcha_picture"), "no picture of our own beside the widget");
    assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
    assert!(policy.contains("frame-src https://challenges.cloudflare.com"), "{policy}");
    let glue = app.browser().get("/js/captcha-provider.js").await;
    assert_eq!(glue.status(), 404, "served from the built site, which these tests do not build");
}
