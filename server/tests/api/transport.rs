//! What a public server owes the network: HSTS and host-only secure cookies behind https, no
//! connection held by a request that never finishes, and a bound on connections.

use std::time::{Duration, Instant};

use reqwest::header;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
};

use crate::helpers::{on_both_databases, set_cookie, within, Db, TestApp, WAIT};

on_both_databases!(
    behind_https_every_answer_carries_hsts_and_the_session_cookie_is_host_only,
    a_connection_that_never_finishes_its_headers_is_closed,
    a_request_whose_body_trickles_in_gets_408,
    connections_beyond_the_limit_wait_for_a_free_place,
);

/// Everything the server sends on `stream` until it closes it (or `limit` runs out: then the
/// test fails, naming `what`).
async fn read_to_end(stream: &mut TcpStream, limit: Duration, what: &str) -> String {
    let mut answer = Vec::new();
    within(limit, what, stream.read_to_end(&mut answer)).await.ok();
    String::from_utf8_lossy(&answer).into_owned()
}

async fn behind_https_every_answer_carries_hsts_and_the_session_cookie_is_host_only(db: Db) {
    let app = TestApp::spawn_with(db, |config| {
        // What PORTAL_PUBLIC_URL=https://… gives (the configuration's own tests check that).
        config.cookie_secure = true;
        config.hsts = Some("max-age=31536000".into());
    })
    .await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();

    for path in ["/login", "/pkg/portal.css", "/no-such-page"] {
        let response = browser.get(path).await;
        assert_eq!(response.headers()[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000", "{path}");
    }
    let login = browser.login("alice@example.com", crate::helpers::PASSWORD).await;
    let cookie = set_cookie(&login).unwrap();
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
}

async fn a_connection_that_never_finishes_its_headers_is_closed(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.connections.header_read = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();

    stream.write_all(b"GET /login HTTP/1.1\r\nHost: portal\r\nX-Slow: ").await.unwrap();
    read_to_end(&mut stream, WAIT, "the server to close a half-sent request").await;

    assert!(started.elapsed() < Duration::from_secs(10), "closed after {:?}", started.elapsed());
}

async fn a_request_whose_body_trickles_in_gets_408(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.connections.request = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();

    let head = "POST /api/login HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 200\r\nConnection: close\r\n\r\nemail=alice%40example.com";
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_to_end(&mut stream, WAIT, "the answer to a body that never ends").await;

    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

async fn connections_beyond_the_limit_wait_for_a_free_place(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.connections.max_connections = 2).await;
    let first = TcpStream::connect(app.addr).await.unwrap();
    let _second = TcpStream::connect(app.addr).await.unwrap();
    let mut third = TcpStream::connect(app.addr).await.unwrap(); // in the kernel's backlog
    third.write_all(b"GET /login HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n").await.unwrap();

    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut byte)).await;
    assert!(early.is_err(), "answered while two connections were open: {early:?}");

    drop(first);
    let answer = read_to_end(&mut third, WAIT, "the waiting connection's answer").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
