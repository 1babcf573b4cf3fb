//! Random and mutated requests against every entry point of a running portal: the server
//! functions, the pages, the reset link and the captcha routes, with random methods, content
//! types, bodies (bytes, mangled forms, JSON), cookies, headers and query strings, signed in or
//! not. Whatever arrives, the portal answers (no panic, no dropped connection), never with a
//! 5xx other than the documented 503, and a refused request (4xx) changes no account, session
//! or outbox row.
//!
//! `FUZZ_CASES` (default 5,000 per database, both databases in the test command) and
//! `FUZZ_SEED` (default fixed, so a failure is replayed by running again) set the run; the
//! long run is in the README.

use proptest::{
    prelude::*,
    strategy::ValueTree as _,
    test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner},
};
use reqwest::Method;

use crate::helpers::{on_both_databases, Db, TestApp, PASSWORD};

on_both_databases!(random_and_mutated_requests_never_crash_the_portal_nor_change_what_they_were_refused);

const DEFAULT_CASES: u64 = 5_000;

/// Where requests go: every server function, every page, the reset link and the captcha routes.
const PATHS: &[&str] = &[
    "/api/login",
    "/api/logout",
    "/api/new_captcha",
    "/api/password_form_context",
    "/api/change_password",
    "/api/request_password_reset",
    "/api/reset_link_lifetime",
    "/api/reset_form_context",
    "/api/reset_password",
    "/api/account",
    "/api/sign_out_session",
    "/api/sign_out_other_sessions",
    "/api/typed_email",
    "/api/security_status",
    "/api/two_factor_setup",
    "/api/enable_two_factor",
    "/api/fresh_recovery_codes",
    "/api/recovery_codes_view",
    "/api/new_recovery_codes",
    "/api/turn_off_two_factor",
    "/api/verify_sign_in",
    "/",
    "/login",
    "/forgot",
    "/reset",
    "/account",
    "/account/password",
    "/account/security",
    "/account/security/setup",
    "/account/security/recovery-codes",
    "/account/security/new-recovery-codes",
    "/account/security/turn-off",
    "/login/verify",
    "/captcha/picture",
    "/captcha/audio",
    "/pkg/portal.css",
    "/no-such-page",
];

/// The form fields the portal's forms send, so mutated bodies reach past the parsers.
const FIELDS: &[&str] = &[
    "email",
    "password",
    "captcha",
    "captcha_picture",
    "captcha_answer",
    "c",
    "scheme",
    "next",
    "current_password",
    "new_password",
    "confirm_password",
    "id",
    "token",
    "code",
    "recovery_code",
    "second_factor",
];

/// One request, as sent.
#[derive(Clone)]
struct Case {
    method: Method,
    target: String,
    content_type: Option<String>,
    body: Vec<u8>,
    cookie: Cookie,
    headers: Vec<(&'static str, String)>,
}

/// A failing case, readable: long targets and bodies are cut.
impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Case")
            .field("method", &self.method)
            .field("target", &cut(&self.target))
            .field("content_type", &self.content_type)
            .field("body", &cut(&String::from_utf8_lossy(&self.body)))
            .field("cookie", &self.cookie)
            .field("headers", &self.headers)
            .finish()
    }
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
        None => text.to_owned(),
    }
}

#[derive(Debug, Clone)]
enum Cookie {
    None,
    /// The signed-in browser's own session.
    Session,
    Raw(String),
}

/// Text a person or an attacker might type: ASCII, Unicode, escapes, controls, long runs.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~]{0,40}",
        2 => any::<String>().prop_map(|s| s.chars().take(60).collect()),
        1 => "(%[0-9A-Fa-f]{2}|%|[a-z@.+&=;]){0,30}",
        1 => Just(PASSWORD.to_owned()),
        1 => Just("alice@example.com".to_owned()),
        1 => (1usize..70_000).prop_map(|n| "a".repeat(n)),
        1 => Just("{\"Invalid\":[{\"field\":\"email\",\"message\":\"Call +1 555 0100\"}]}".to_owned()),
    ]
}

/// A header-safe value (visible ASCII; what reqwest can send).
fn header_text() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,60}", Just(String::new()), Just("text/html".to_owned())]
}

fn form_body() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((prop::sample::select(FIELDS), text()), 0..6).prop_map(|pairs| {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            form.append_pair(name, &value);
        }
        form.finish().into_bytes()
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => form_body(),
        2 => prop::collection::vec(any::<u8>(), 0..400),
        1 => prop::collection::vec((prop::sample::select(FIELDS), text()), 0..4).prop_map(|pairs| {
            let object: serde_json::Map<String, serde_json::Value> =
                pairs.into_iter().map(|(k, v)| (k.to_owned(), serde_json::Value::String(v))).collect();
            serde_json::to_vec(&object).unwrap()
        }),
        1 => Just(Vec::new()),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        5 => Just(Method::POST),
        4 => Just(Method::GET),
        1 => prop::sample::select(vec![Method::PUT, Method::DELETE, Method::HEAD, Method::OPTIONS, Method::PATCH]),
    ]
}

fn target() -> impl Strategy<Value = String> {
    // A URL has at most 65,534 bytes (the `http` crate's limit, so reqwest's too): queries stay short.
    let query = prop_oneof![
        3 => Just(String::new()),
        2 => form_body().prop_filter("a URL's length", |q| q.len() < 8_000).prop_map(|q| format!("?{}", String::from_utf8(q).unwrap())),
        1 => text().prop_map(|t| format!("?token={}", query_value(&t))),
        1 => text().prop_map(|t| format!("?__err={}", query_value(&t))),
        1 => text().prop_map(|t| format!("?__path=%2Fapi%2Flogin&__err={}", query_value(&t))),
        1 => "[?/#a-z0-9%=&.]{0,30}",
    ];
    (prop::sample::select(PATHS), query).prop_map(|(path, query)| format!("{path}{query}"))
}

fn query_value(text: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    encoded.chars().take(6_000).collect()
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(Some("application/x-www-form-urlencoded".to_owned())),
        1 => Just(None),
        1 => Just(Some("application/json".to_owned())),
        1 => Just(Some("multipart/form-data; boundary=x".to_owned())),
        1 => header_text().prop_map(Some),
    ]
}

fn cookie() -> impl Strategy<Value = Cookie> {
    prop_oneof![
        3 => Just(Cookie::None),
        3 => Just(Cookie::Session),
        1 => "[!-~]{0,80}".prop_map(|v| Cookie::Raw(format!("portal_session={v}"))),
        1 => "[!-~]{0,80}".prop_map(|v| Cookie::Raw(format!("portal_reset={v}"))),
        1 => "[!-~]{0,80}".prop_map(|v| Cookie::Raw(format!("portal_refused=/api/login|{v}"))),
        1 => "[ -~]{0,80}".prop_map(Cookie::Raw),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let name = prop::sample::select(vec![
        "origin",
        "referer",
        "accept",
        "x-forwarded-for",
        "user-agent",
        "accept-language",
        "if-none-match",
        "content-encoding",
        "sec-fetch-site",
    ]);
    prop::collection::vec((name, header_text()), 0..4)
}

fn case() -> impl Strategy<Value = Case> {
    (method(), target(), content_type(), body(), cookie(), headers()).prop_map(
        |(method, target, content_type, body, cookie, headers)| Case {
            method,
            target,
            content_type,
            body,
            cookie,
            headers,
        },
    )
}

/// What a refused request must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    /// Each account: its address, whether disabled, its live sessions.
    accounts: Vec<(String, bool, i64)>,
    password_hash: String,
    credentials_version: i64,
    outbox: usize,
}

async fn snapshot(app: &TestApp, user_id: app::backend::store::UserId) -> Snapshot {
    let store = &app.state.store;
    let accounts = store.list_users(app.clock.now()).await.unwrap();
    let user = store.find_user_by_id(user_id).await.unwrap().unwrap();
    Snapshot {
        accounts: accounts.into_iter().map(|a| (a.email, a.disabled_at.is_some(), a.sessions)).collect(),
        password_hash: user.password_hash.as_phc().to_owned(),
        credentials_version: user.credentials_version,
        outbox: store.list_outbox().await.unwrap().len(),
    }
}

/// Sends `case` with no cookie jar: the signed-in session (`session`) goes in only when the case
/// says so, and follows the rotations a case's success causes.
async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    session: &mut Option<String>,
    case: &Case,
) -> Result<u16, reqwest::Error> {
    let mut request = client.request(case.method.clone(), format!("{}{}", app.base(), case.target));
    if let Some(content_type) = &case.content_type {
        request = request.header(reqwest::header::CONTENT_TYPE, content_type);
    }
    for (name, value) in &case.headers {
        request = request.header(*name, value);
    }
    match (&case.cookie, session.as_deref()) {
        (Cookie::Session, Some(token)) => {
            request = request.header(reqwest::header::COOKIE, format!("portal_session={token}"))
        }
        (Cookie::Raw(raw), _) => request = request.header(reqwest::header::COOKIE, raw),
        _ => {}
    }
    let response = request.body(case.body.clone()).send().await?;
    let status = response.status().as_u16();
    let new_session = response.headers().get_all(reqwest::header::SET_COOKIE).iter().find_map(|v| {
        let token = v.to_str().ok()?.strip_prefix("portal_session=")?.split(';').next()?;
        (!token.is_empty()).then(|| token.to_owned())
    });
    if new_session.is_some() {
        *session = new_session;
    }
    response.bytes().await?;
    Ok(status)
}

async fn random_and_mutated_requests_never_crash_the_portal_nor_change_what_they_were_refused(db: Db) {
    let cases: u64 = std::env::var("FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|n| n.parse().ok()).unwrap_or(0x5eed_1234);
    let app = TestApp::spawn(db).await;
    let user_id = app.add_user("alice@example.com").await;
    let mut session = app.logged_in("alice@example.com").await.session_token();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(crate::helpers::WAIT)
        .build()
        .unwrap();
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner =
        TestRunner::new_with_rng(RunnerConfig::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let strategy = case();
    let mut statuses = std::collections::BTreeMap::<u16, u64>::new();

    for n in 0..cases {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        if n % 500 == 499 {
            app.clock.advance(16 * 60); // budgets and locks renew, so later cases reach deeper
        }
        // Work an earlier case left running (a Forgot? request's mail is written after its answer)
        // must not be counted against this one.
        app.settle().await;
        let before = snapshot(&app, user_id).await;
        let status = send(&app, &client, &mut session, &case)
            .await
            .unwrap_or_else(|e| panic!("case {n} (seed {seed}) got no answer: {}\n{case:#?}", e.without_url()));
        *statuses.entry(status).or_default() += 1;

        assert!(status < 500 || status == 503, "case {n} (seed {seed}) answered {status}\n{case:#?}");
        if (400..500).contains(&status) {
            let after = snapshot(&app, user_id).await;
            assert_eq!(before, after, "case {n} (seed {seed}) was refused ({status}) but wrote\n{case:#?}");
        }
    }
    eprintln!("{cases} cases (seed {seed}): answers by status {statuses:?}");
    assert!(statuses.keys().any(|s| (200..300).contains(s)) && statuses.keys().any(|s| (400..500).contains(s)));
}
