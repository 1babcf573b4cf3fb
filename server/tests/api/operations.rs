//! What an operator's tools see: health and readiness probes, request ids, and logs as JSON.

use reqwest::header;

use crate::helpers::{on_both_databases, Db, TestApp, PASSWORD};

on_both_databases!(
    a_node_is_ready_until_it_shuts_down_or_loses_its_database,
    every_answer_isolates_the_page_from_other_sites,
);

/// A page, a server function's answer and a refusal all keep other sites' windows away, cannot
/// be embedded elsewhere and ask for no guarded device.
async fn every_answer_isolates_the_page_from_other_sites(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();
    let page = browser.get("/login").await;
    let function = browser.post_form("/api/logout", &[]).await;
    let missing = browser.get("/no-such-page").await;
    for (what, response) in [("/login", page), ("/api/logout", function), ("a 404", missing)] {
        let headers = response.headers();
        assert_eq!(headers["cross-origin-opener-policy"], "same-origin", "{what}");
        assert_eq!(headers["cross-origin-resource-policy"], "same-origin", "{what}");
        let permissions = headers["permissions-policy"].to_str().unwrap();
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"] {
            assert!(permissions.contains(feature), "{what}: {permissions}");
        }
        assert!(!permissions.contains("publickey-credentials"), "passkeys keep their default: {permissions}");
    }
}

async fn a_node_is_ready_until_it_shuts_down_or_loses_its_database(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();

    let alive = browser.get("/healthz").await;
    assert_eq!(alive.status(), 200);
    assert_eq!(alive.text().await.unwrap(), "ok\n");
    let ready = browser.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready\n");

    // A shutdown begins: balancers stop sending traffic at once, while the process still answers.
    app.state.health.begin_shutdown();
    let stopping = browser.get("/readyz").await;
    assert_eq!(stopping.status(), 503);
    assert_eq!(stopping.text().await.unwrap(), "not ready: shutting down\n");
    assert_eq!(browser.get("/healthz").await.status(), 200);

    let other = TestApp::spawn(db).await;
    other.state.store.close().await;
    let cut_off = other.browser().get("/readyz").await;
    assert_eq!(cut_off.status(), 503);
    assert_eq!(cut_off.text().await.unwrap(), "not ready: the database is unreachable\n");
}

#[tokio::test]
async fn every_answer_carries_a_request_id_that_only_a_trusted_proxy_may_choose() {
    // The tests' client is on 127.0.0.1, a trusted proxy by default.
    let behind_proxy = TestApp::spawn(Db::Sqlite).await;
    let client = &behind_proxy.browser().client;
    let url = format!("{}/login", behind_proxy.base());

    let plain = client.get(&url).send().await.unwrap();
    let id = plain.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "a fresh UUID: {id}");
    let kept = client.get(&url).header("x-request-id", "lb-7f3a:42").send().await.unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-7f3a:42", "the proxy's id, kept across hops");
    let odd = client.get(&url).header("x-request-id", "two words").send().await.unwrap();
    assert_ne!(odd.headers()["x-request-id"], "two words", "an id with odd characters is replaced");

    let direct = TestApp::spawn_with(Db::Sqlite, |config| config.client_address.trusted_proxies.clear()).await;
    let chosen = direct
        .browser()
        .client
        .get(format!("{}/login", direct.base()))
        .header("x-request-id", "chosen-by-the-client")
        .send()
        .await
        .unwrap();
    assert_ne!(chosen.headers()["x-request-id"], "chosen-by-the-client");
    assert!(chosen.headers().contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn the_metrics_listener_counts_what_an_operator_watches() {
    let app = TestApp::spawn_with(Db::Sqlite, |config| {
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
        config.login_lockout_after = 1;
    })
    .await;
    app.add_user("ann@example.com").await;
    let metrics = format!("http://{}/metrics", app.metrics_addr.expect("a metrics listener"));
    let scrape = || async { reqwest::get(&metrics).await.unwrap().text().await.unwrap() };
    let before = scrape().await;
    assert!(before.contains("# TYPE portal_password_hashes_in_flight gauge"), "{before}");

    let browser = app.browser();
    assert_eq!(browser.login("ann@example.com", PASSWORD).await.status(), 200);
    assert_eq!(app.browser().login("ann@example.com", "Not-The-Password-1!").await.status(), 401);
    // Locked after one failure here: the right password is answered as a wrong one, and counted apart.
    assert_eq!(app.browser().login("ann@example.com", PASSWORD).await.status(), 401);
    assert_eq!(browser.post_form("/api/request_password_reset", &[("email", "ann@example.com")]).await.status(), 200);
    app.settle().await;

    let after = scrape().await;
    for line in [
        r#"portal_logins_total{outcome="success"} 1"#,
        r#"portal_logins_total{outcome="refused"} 1"#,
        r#"portal_logins_total{outcome="held_back"} 1"#,
        r#"portal_http_requests_total{route="/api/login",status="200"} 1"#,
        r#"portal_http_requests_total{route="/api/login",status="401"} 2"#,
        "portal_reset_requests_total 1",
    ] {
        assert!(after.lines().any(|l| l == line), "{line} missing from\n{after}");
    }
    let hashes = after
        .lines()
        .find_map(|l| l.strip_prefix("portal_password_hash_duration_seconds_count "))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("no hash durations in\n{after}"));
    assert!(hashes >= 2, "two logins, two verifications: {hashes}");
    assert!(after.contains("portal_outbox_backlog ") && after.contains("portal_db_pool_connections "), "{after}");
    let wait = after
        .lines()
        .find_map(|l| l.strip_prefix("portal_db_pool_acquire_seconds "))
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no pool wait in\n{after}"));
    assert!((0.0..2.0).contains(&wait), "an idle pool gives a connection at once: {wait}");

    // Never on the public listener.
    assert_eq!(browser.get("/metrics").await.status(), 404);
}

/// `portal backup` copies the SQLite file while the portal serves; a portal started on the copy
/// has every account, password and session of the moment it was taken.
#[tokio::test]
async fn an_online_backup_restores_accounts_passwords_and_sessions() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.add_user("ann@example.com").await;
    let browser = app.logged_in("ann@example.com").await;
    let token = browser.session_token().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    #[cfg(unix)]
    let permissive = Umask::set(0); // the copy's mode is the portal's doing, not the umask's

    app.state.store.backup_into(&copy).await.unwrap();

    #[cfg(unix)]
    {
        drop(permissive);
        assert_eq!(mode(&copy), 0o600);
    }
    let restored = app::backend::store::Store::connect_sqlite(&copy).await.unwrap();
    restored.migrate().await.unwrap();
    let mut config = (*app.state.config).clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    config.listen = listener.local_addr().unwrap();
    config.public_url = format!("http://{}", config.listen).parse().unwrap();
    let state = portal::startup::build_state_with_store(config, restored, app.clock.clone()).unwrap();
    let node = portal::serve(listener, state, std::future::pending()).await.unwrap();
    let base = format!("http://{}", node.addr);
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let account = client.get(format!("{base}/account")).header("cookie", format!("portal_session={token}")).send();
    assert_eq!(account.await.unwrap().status(), 200, "the session is in the copy");
    let login = client
        .post(format!("{base}/api/login"))
        .form(&[("email", "ann@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "the password is in the copy");
    assert!(app.state.store.backup_into(&copy).await.is_err(), "never over an existing file");
}

/// A copy that fails halfway leaves nothing others can read, and nothing in the way of the next
/// one: its file is the owner's alone (0600) from before SQLite writes into it, whatever the umask.
#[cfg(unix)]
#[tokio::test]
async fn a_backup_is_the_owner_s_alone_from_its_first_byte() {
    let app = TestApp::spawn(Db::Sqlite).await;
    app.add_user("ann@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    // A folder where SQLite would put the copy's journal: the copy fails once its file exists.
    let in_the_way = dir.path().join("backup.db-journal");
    std::fs::create_dir(&in_the_way).unwrap();
    let permissive = Umask::set(0);

    let failed = app.state.store.backup_into(&copy).await;

    assert!(failed.is_err(), "the journal cannot be made");
    let left = std::fs::metadata(&copy).map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777);
    assert!(
        matches!(left, Err(_) | Ok(0o600)),
        "nothing others can read is left behind: {:?}",
        left.map(|m| format!("{m:o}"))
    );
    std::fs::remove_dir(&in_the_way).unwrap();
    app.state.store.backup_into(&copy).await.expect("the failed copy left nothing in the way");
    drop(permissive);
    assert_eq!(mode(&copy), 0o600);
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The process's umask, set for as long as this lives (nextest runs each story in a process of
/// its own, so no other story sees it).
#[cfg(unix)]
struct Umask(libc::mode_t);

#[cfg(unix)]
impl Umask {
    fn set(mask: libc::mode_t) -> Self {
        Self(umask(mask))
    }
}

#[cfg(unix)]
impl Drop for Umask {
    fn drop(&mut self) {
        umask(self.0);
    }
}

/// Sets the umask; returns the one before.
#[cfg(unix)]
#[allow(unsafe_code, reason = "one system call, with its SAFETY comment")]
fn umask(mask: libc::mode_t) -> libc::mode_t {
    // SAFETY: umask(2) only swaps the process's file mode mask: it cannot fail and shares no memory.
    unsafe { libc::umask(mask) }
}
