//! A stranger who sends thousands of made-up addresses cannot grow what `/metrics` keeps: each
//! page and server function is its own route label, and every address the router does not
//! know is one label, whatever the answer (a redirect, 404, 413, 403).

use rand::Rng as _;
use reqwest::header;

use crate::helpers::{send, within, Browser, Db, TestApp, WAIT};

/// Requests sent at once; a small batch, so the story stays gentle on a loaded machine.
const BATCH: usize = 25;
/// The most `portal_http_requests_total` series this story's traffic can make: the login page,
/// and "unmatched" once per status (303, 404, 413, 403).
const MOST_SERIES: usize = 8;

#[tokio::test]
async fn made_up_addresses_do_not_grow_the_metrics() {
    crate::helpers::story("made_up_addresses_do_not_grow_the_metrics", async {
        let app = TestApp::spawn_with(Db::Sqlite, |config| {
            config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
        })
        .await;
        let metrics = format!("http://{}/metrics", app.metrics_addr.expect("a metrics listener"));
        let browser = app.browser();
        assert_eq!(browser.get("/login").await.status(), 200);

        send_strangers_requests(&browser, 50).await;
        let early = within(WAIT, "the first scrape", scrape(&metrics)).await;
        send_strangers_requests(&browser, 450).await;
        let late = within(WAIT, "the second scrape", scrape(&metrics)).await;

        let (early_series, late_series) = (request_series(&early), request_series(&late));
        println!(
            "after 200 requests: {} series, {} bytes; after 2000: {} series, {} bytes",
            early_series.len(),
            early.len(),
            late_series.len(),
            late.len()
        );
        let grown: Vec<&String> = late_series.iter().filter(|s| !early_series.contains(s)).collect();
        assert!(
            grown.is_empty(),
            "ten times the made-up addresses, {} new series, as {:?}",
            grown.len(),
            grown.iter().take(3).collect::<Vec<_>>()
        );
        assert!(late_series.len() <= MOST_SERIES, "at most {MOST_SERIES} series:\n{}", late_series.join("\n"));
        for (route, status) in
            [("/login", 200), ("unmatched", 303), ("unmatched", 404), ("unmatched", 413), ("unmatched", 403)]
        {
            let series = format!(r#"portal_http_requests_total{{route="{route}",status="{status}"}}"#);
            assert!(late_series.contains(&series), "{series} missing from\n{}", late_series.join("\n"));
        }
    })
    .await
}

/// `rounds` times, four requests to four addresses never seen before: a page under /account
/// (redirected to the login), a page that does not exist (404), a form too large (413) and a
/// form from another site (403).
async fn send_strangers_requests(browser: &Browser, rounds: usize) {
    let too_large = "a".repeat(65 * 1024);
    for start in (0..rounds).step_by(BATCH / 4) {
        let batch = (start..rounds.min(start + BATCH / 4)).flat_map(|_| {
            let client = &browser.client;
            let base = &browser.base;
            [
                (303, client.get(format!("{base}/account/{}", made_up()))),
                (404, client.get(format!("{base}/{}", made_up()))),
                (413, client.post(format!("{base}/{}", made_up())).body(too_large.clone())),
                (
                    403,
                    client
                        .post(format!("{base}/{}", made_up()))
                        .header(header::ORIGIN, "https://evil.example")
                        .header("sec-fetch-site", "cross-site")
                        .form(&[("email", "ann@example.com")]),
                ),
            ]
        });
        let answers = batch.map(|(expected, request)| async move {
            let response = send("a made-up address".to_owned(), request).await;
            (expected, response.status().as_u16())
        });
        for (expected, status) in futures_util::future::join_all(answers).await {
            assert_eq!(status, expected);
        }
    }
}

fn made_up() -> String {
    format!("{:016x}", rand::rng().random::<u64>())
}

async fn scrape(url: &str) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// The request counter's series (its name and labels, without the count), sorted.
fn request_series(scrape: &str) -> Vec<String> {
    let mut series: Vec<String> = scrape
        .lines()
        .filter(|line| line.starts_with("portal_http_requests_total{"))
        .filter_map(|line| line.rsplit_once(' ').map(|(series, _count)| series.to_owned()))
        .collect();
    series.sort();
    series
}
