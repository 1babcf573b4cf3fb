//! What a public server owes the network: HSTS and host-only secure cookies behind https, no
//! connection held by a request that never finishes or by a client that sends nothing, and a
//! bound on connections.

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
    connections_that_send_nothing_are_closed_and_a_new_client_is_served,
    a_connection_that_sends_part_of_the_http2_preface_is_closed,
    an_http2_connection_that_answers_pings_but_sends_no_request_is_closed,
    a_keep_alive_connection_that_sends_nothing_after_its_answer_is_closed,
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

/// Waits (at most `WAIT`) for the server to close `stream`: a read that returns nothing, or
/// fails (a reset is a close too). What it sent before is ignored.
async fn closed_by_server(stream: &mut TcpStream, what: &str) {
    let mut sink = [0u8; 1024];
    within(WAIT, what, async { while matches!(stream.read(&mut sink).await, Ok(1..)) {} }).await;
}

/// The finding of issue 22: hyper-util's auto builder reads a connection's first bytes (to tell
/// HTTP/1 from HTTP/2) with no timer, so connections that send nothing held every place.
async fn connections_that_send_nothing_are_closed_and_a_new_client_is_served(db: Db) {
    let app = TestApp::spawn_with(db, |config| {
        config.connections.max_connections = 8;
        config.connections.header_read = Duration::from_secs(1);
    })
    .await;
    let mut silent = Vec::new();
    for _ in 0..8 {
        silent.push(TcpStream::connect(app.addr).await.unwrap());
    }
    let started = Instant::now();
    let mut client = TcpStream::connect(app.addr).await.unwrap(); // in the kernel's backlog
    client.write_all(b"GET /login HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n").await.unwrap();

    let answer = read_to_end(&mut client, WAIT, "an answer while 8 silent connections are open").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    eprintln!("answered after {:?}", started.elapsed());
    for stream in &mut silent {
        closed_by_server(stream, "the server to close a connection that sent nothing").await;
    }
}

/// One byte of HTTP/2's preface ("P") leaves the protocol undecided: that wait is bounded too.
async fn a_connection_that_sends_part_of_the_http2_preface_is_closed(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.connections.header_read = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();

    stream.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    closed_by_server(&mut stream, "the server to close a half-sent HTTP/2 preface").await;
    eprintln!("closed after {:?}", started.elapsed());
}

/// An HTTP/2 frame's header: length, type, flags, stream 0.
fn frame(kind: u8, flags: u8, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap().to_be_bytes();
    let mut frame = vec![len[1], len[2], len[3], kind, flags, 0, 0, 0, 0];
    frame.extend_from_slice(payload);
    frame
}

/// hyper has no idle timeout for HTTP/2: a client that answers the server's pings and settings
/// (as every HTTP/2 library does) but opens no stream must still lose its connection.
async fn an_http2_connection_that_answers_pings_but_sends_no_request_is_closed(db: Db) {
    const SETTINGS: u8 = 4;
    const PING: u8 = 6;
    const GOAWAY: u8 = 7;
    const ACK: u8 = 1;
    let app = TestApp::spawn_with(db, |config| config.connections.header_read = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let started = Instant::now();
    stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    stream.write_all(&frame(SETTINGS, 0, &[])).await.unwrap();

    let (mut kinds, mut reasons) = (Vec::new(), Vec::new());
    within(WAIT, "the server to close an HTTP/2 connection that opens no stream", async {
        let mut header = [0u8; 9];
        while stream.read_exact(&mut header).await.is_ok() {
            let len = usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
            let mut payload = vec![0u8; len];
            if stream.read_exact(&mut payload).await.is_err() {
                break;
            }
            let (kind, flags) = (header[3], header[4]);
            kinds.push(kind);
            if kind == GOAWAY {
                reasons.push(u32::from_be_bytes(payload[4..8].try_into().unwrap()));
            }
            let reply = match kind {
                // A SETTINGS acknowledgement is empty; a PING's carries the ping's payload.
                SETTINGS if flags & ACK == 0 => frame(SETTINGS, ACK, &[]),
                PING if flags & ACK == 0 => frame(PING, ACK, &payload),
                _ => continue,
            };
            // The server may close while we answer: the read above then tells.
            let _ = stream.write_all(&reply).await;
        }
    })
    .await;
    eprintln!("closed after {:?}; frames {kinds:?}", started.elapsed());
    // A graceful close (NO_ERROR), not a protocol error of the test's making.
    assert!(!reasons.is_empty() && reasons.iter().all(|&r| r == 0), "frames {kinds:?}, GOAWAY reasons {reasons:?}");
}

/// hyper's header timer also runs while an HTTP/1.1 connection waits for its next request.
async fn a_keep_alive_connection_that_sends_nothing_after_its_answer_is_closed(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.connections.header_read = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();

    stream.write_all(b"GET /login HTTP/1.1\r\nHost: portal\r\n\r\n").await.unwrap();
    let started = Instant::now();
    let answer = read_to_end(&mut stream, WAIT, "the server to close an idle keep-alive connection").await;

    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    eprintln!("answered and closed after {:?}", started.elapsed());
}
