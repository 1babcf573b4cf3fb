//! What an operator's tools see: health and readiness probes, request ids, and logs as JSON.

use reqwest::header;

use crate::helpers::{on_both_databases, Db, TestApp};

on_both_databases!(a_node_is_ready_until_it_shuts_down_or_loses_its_database,);

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
