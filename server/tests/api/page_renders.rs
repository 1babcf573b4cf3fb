//! Pages render whatever else the process is doing: here, other portal nodes starting up.
//!
//! Building a router used to run the whole app once to list its routes, and while Leptos does
//! that it raises a process-wide flag under which any resource that starts loading, in any
//! render on any thread, waits forever (leptos-rs/leptos#4773). A reset page whose link check
//! started then never answered: that was the rare hang of `scripts/test.sh`.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use app::backend::{mail::templates, secrets::secret_token::SecretToken};
use reqwest::header;

use crate::helpers::{send, Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_page_renders_while_other_nodes_start() {
    let app = TestApp::spawn_with(Db::Sqlite, |config| config.reset_link_checks_per_address = 1000).await;
    let user_id = app.add_user("alice@example.com").await;
    let token = SecretToken::generate();
    let (now, mail) = (
        app.clock.now(),
        templates::password_reset(&app.state.config, &app::domain::Email::parse("alice@example.com").unwrap(), "-"),
    );
    app.state
        .store
        .create_password_reset(user_id, &token.hash(), now, now + 7200, &app.state.mail.seal(mail))
        .await
        .unwrap();
    let browser = app.browser();

    // Another thread keeps building routers, as a starting node (or test) does.
    let done = Arc::new(AtomicBool::new(false));
    let starter = std::thread::spawn({
        let (done, state) = (done.clone(), app.state.clone());
        move || {
            let mut built = 0;
            while !done.load(Ordering::Relaxed) {
                drop(portal::web::router(state.clone()));
                built += 1;
            }
            built
        }
    });

    for render in 1..=40 {
        let request = browser
            .client
            .get(format!("{}/reset", browser.base))
            .header(header::COOKIE, format!("portal_reset={}", token.expose()));
        let page = send(format!("GET /reset (render {render})"), request).await;
        assert!(page.text().await.unwrap().contains("Set a new password"));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    done.store(true, Ordering::Relaxed);
    assert!(starter.join().unwrap() > 0, "routers were built meanwhile");
}
