//! "Forgot?": a link by email that works once and for two hours, and a reply that reveals nothing.

use app::backend::mail::worker;
use reqwest::header;

use crate::helpers::{
    email, free_port, location, on_both_databases, set_cookie, within, Browser, Db, SmtpServer, TestApp, PASSWORD, WAIT,
};

const NEW_PASSWORD: &str = "Qm7#tVx2!pRz9@kW";
const SENT: &str = "we have emailed it a link to choose a new password.";

on_both_databases!(
    a_user_who_forgot_the_password_gets_a_link_that_works_once,
    the_reply_is_the_same_for_every_address,
    a_link_stops_working_after_two_hours,
    a_new_request_ends_the_earlier_link,
    fifty_concurrent_uses_of_one_link_give_exactly_one_success,
    a_reset_ends_every_session_and_a_password_change_ends_every_link,
    the_link_is_built_from_the_public_url_not_the_host_header,
    guessing_links_is_rate_limited,
    a_request_during_an_smtp_outage_is_answered_and_the_mail_arrives_later,
    a_weak_or_mismatched_new_password_keeps_the_link_usable,
    without_javascript_the_form_shows_the_same_answer,
    without_javascript_a_mistake_on_the_reset_form_comes_back_to_it_with_its_message,
    the_reply_the_mail_and_the_reset_page_say_how_long_links_work,
    when_the_queue_is_full_a_request_is_dropped_with_the_same_answer,
    the_reset_cookie_lasts_as_long_as_the_browser_and_ends_at_login_and_logout,
    a_link_waiting_in_the_outbox_is_sealed_and_dropped_once_it_expires,
    disabling_the_account_drops_its_waiting_reset_mail_for_good,
);

async fn spawn_with_smtp(db: Db, smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    TestApp::spawn_with(db, move |config| config.mail_transport = url).await
}

async fn forgot(app: &TestApp, email: &str) -> (u16, String) {
    let response = app.browser().post_form("/api/request_password_reset", &[("email", email)]).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Every reset link in the messages received once `count` have arrived.
async fn links_in_mail(smtp: &SmtpServer, app: &TestApp, count: usize) -> Vec<String> {
    app.settle().await;
    let prefix = format!("{}/reset?token=", app.base());
    smtp.wait_for(count)
        .await
        .iter()
        .flat_map(|m| m.part("text/plain").split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .filter(|word| word.starts_with(&prefix))
        .collect()
}

/// The one reset link among the first `count` messages that is not in `known`.
async fn new_link(smtp: &SmtpServer, app: &TestApp, count: usize, known: &[&str]) -> String {
    let fresh: Vec<String> =
        links_in_mail(smtp, app, count).await.into_iter().filter(|l| !known.contains(&l.as_str())).collect();
    assert_eq!(fresh.len(), 1, "exactly one new link: {fresh:?}");
    fresh.into_iter().next().unwrap()
}

async fn link_in_mail(smtp: &SmtpServer, app: &TestApp, count: usize) -> String {
    new_link(smtp, app, count, &[]).await
}

/// Opens the link the way a browser does: the token moves into a cookie, then the page.
async fn open_link(browser: &Browser, link: &str) -> String {
    let response = browser.client.get(link).send().await.unwrap();
    assert_eq!(response.status(), 303, "the token leaves the address bar");
    assert_eq!(location(&response), "/reset");
    assert_eq!(response.headers()[header::REFERRER_POLICY], "no-referrer");
    browser.get("/reset").await.text().await.unwrap()
}

/// Alice asked for a link and opened it: her browser is on `/reset` (the SMTP server is kept
/// alive with the app).
async fn alice_on_her_reset_page(db: Db) -> (SmtpServer, TestApp, Browser) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let link = link_in_mail(&smtp, &app, 1).await;
    let browser = app.browser();
    open_link(&browser, &link).await;
    (smtp, app, browser)
}

async fn set_password(browser: &Browser, new: &str, confirm: &str) -> reqwest::Response {
    browser.post_form("/api/reset_password", &[("new_password", new), ("confirm_password", confirm)]).await
}

async fn a_user_who_forgot_the_password_gets_a_link_that_works_once(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;

    let (status, _) = forgot(&app, "Alice@Example.com").await;
    assert_eq!(status, 200);
    let link = link_in_mail(&smtp, &app, 1).await;
    let message = &smtp.received()[0];
    assert_eq!(message.subject.as_deref(), Some("Reset your password"));
    assert!(message.part("text/plain").contains("valid for 2 hours"));

    let browser = app.browser();
    let page = open_link(&browser, &link).await;
    assert!(page.contains("Set a new password"), "{page}");
    assert!(page.contains("For the account <strong>a\u{2022}\u{2022}@example.com"), "the account, masked: {page}");
    assert!(page.contains(r#"<a href="/login">Back to login"#), "{page}");
    let response = set_password(&browser, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert!(set_cookie(&response).is_some_and(|c| c.contains("Max-Age=0")), "the reset cookie is cleared");

    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 401);
    assert_eq!(app.browser().login("alice@example.com", NEW_PASSWORD).await.status(), 200);
    assert_eq!(browser.get("/account").await.status(), 303, "the user is not signed in by the reset");

    let again = app.browser();
    let page = open_link(&again, &link).await;
    assert!(
        page.contains(
            "This link has expired, has already been used, or was replaced by a newer link or a password change."
        ),
        "{page}"
    );
    assert_eq!(set_password(&again, "Another-Pw#2024xQ", "Another-Pw#2024xQ").await.status(), 410);

    let done = smtp.wait_for(2).await;
    assert!(done.iter().any(|m| m.subject.as_deref() == Some("Your password was reset")));
}

async fn the_reply_is_the_same_for_every_address(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    app.add_user("dora@example.com").await;
    let now = app.clock.now();
    app.state.store.set_user_disabled(&email("dora@example.com"), Some(now), now).await.unwrap();

    let mut replies = Vec::new();
    for email in ["alice@example.com", "nobody@example.com", "dora@example.com"] {
        replies.push(forgot(&app, email).await);
    }
    for _ in 0..4 {
        replies.push(forgot(&app, "alice@example.com").await); // the 4th and 5th are over the limit
    }

    assert_eq!(replies[0].0, 200);
    assert!(replies.iter().all(|r| r == &replies[0]), "{replies:?}");
    app.settle().await;
    let outbox = app.state.store.list_outbox().await.unwrap();
    assert_eq!(outbox.len(), 3, "three emails for alice (the limit), none for the others");
    assert!(outbox.iter().all(|m| m.recipient == "alice@example.com"));
}

async fn when_the_queue_is_full_a_request_is_dropped_with_the_same_answer(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    let reply = forgot(&app, "nobody@example.com").await;
    assert_eq!(reply.0, 200);

    // A flood has taken every place in the background queue.
    let flood = within(WAIT, "every place in the queue", app.state.reset_queue.fill()).await;
    assert_eq!(forgot(&app, "alice@example.com").await, reply, "the same answer while the queue is full");
    app.settle().await;
    assert!(app.state.store.list_outbox().await.unwrap().is_empty(), "dropped: no link, no mail");

    // Once there is room again, a request is handled.
    drop(flood);
    assert_eq!(forgot(&app, "alice@example.com").await, reply);
    app.settle().await;
    let outbox = app.state.store.list_outbox().await.unwrap();
    assert_eq!(outbox.len(), 1, "one reset mail, for the request made with room in the queue");
    assert_eq!(outbox[0].recipient, "alice@example.com");
}

async fn a_link_stops_working_after_two_hours(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let link = link_in_mail(&smtp, &app, 1).await;

    app.clock.advance(2 * 60 * 60 - 60);
    let browser = app.browser();
    assert!(open_link(&browser, &link).await.contains("Set a new password"), "still valid just before");
    app.clock.advance(61);

    assert!(browser.get("/reset").await.text().await.unwrap().contains("This link has expired"));
    assert_eq!(set_password(&browser, NEW_PASSWORD, NEW_PASSWORD).await.status(), 410);
}

async fn a_new_request_ends_the_earlier_link(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let first = link_in_mail(&smtp, &app, 1).await;
    forgot(&app, "alice@example.com").await;
    let second = new_link(&smtp, &app, 2, &[&first]).await;

    let browser = app.browser();
    assert!(open_link(&browser, &first).await.contains("This link has expired"));
    let browser = app.browser();
    assert!(open_link(&browser, &second).await.contains("Set a new password"));
    assert_eq!(set_password(&browser, NEW_PASSWORD, NEW_PASSWORD).await.status(), 200);
}

async fn fifty_concurrent_uses_of_one_link_give_exactly_one_success(db: Db) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(db, move |config| {
        config.mail_transport = url;
        config.reset_link_checks_per_address = 1000;
    })
    .await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let link = link_in_mail(&smtp, &app, 1).await;
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let attempts = (0..50).map(|_| {
        let url = format!("{}/api/reset_password", app.base());
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .post(url)
                .header(header::COOKIE, format!("portal_reset={token}"))
                .form(&[("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;

    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 410, 503].contains(s)), "{statuses:?}");
}

async fn a_reset_ends_every_session_and_a_password_change_ends_every_link(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    let laptop = app.logged_in("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let link = link_in_mail(&smtp, &app, 1).await;
    let browser = app.browser();
    open_link(&browser, &link).await;

    assert_eq!(set_password(&browser, NEW_PASSWORD, NEW_PASSWORD).await.status(), 200);
    assert_eq!(laptop.get("/account").await.status(), 303, "every session ends");

    forgot(&app, "alice@example.com").await;
    let link = new_link(&smtp, &app, 3, &[&link]).await;
    let signed_in = app.logged_in_with("alice@example.com", NEW_PASSWORD).await;
    let changed = signed_in
        .post_form(
            "/api/change_password",
            &[
                ("current_password", NEW_PASSWORD),
                ("new_password", "Vq7$kQw8!zXt6#pD"),
                ("confirm_password", "Vq7$kQw8!zXt6#pD"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert!(open_link(&app.browser(), &link).await.contains("This link has expired"), "a change ends the links");
}

async fn the_link_is_built_from_the_public_url_not_the_host_header(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;

    app.browser()
        .client
        .post(format!("{}/api/request_password_reset", app.base()))
        .header(header::HOST, "evil.example")
        .header("x-forwarded-host", "evil.example")
        .form(&[("email", "alice@example.com")])
        .send()
        .await
        .unwrap();

    let link = link_in_mail(&smtp, &app, 1).await;
    assert!(link.starts_with(&format!("{}/reset?token=", app.base())), "{link}");
    assert!(!smtp.received()[0].part("text/html").contains("evil.example"));
}

async fn guessing_links_is_rate_limited(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.reset_link_checks_per_address = 5).await;
    let browser = app.browser();

    let mut statuses = Vec::new();
    for _ in 0..6 {
        let guess = app::backend::secrets::secret_token::SecretToken::generate();
        let response = browser
            .client
            .post(format!("{}/api/reset_password", app.base()))
            .header(header::COOKIE, format!("portal_reset={}", guess.expose()))
            .form(&[("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)])
            .send()
            .await
            .unwrap();
        statuses.push((response.status().as_u16(), response.headers().get(header::RETRY_AFTER).is_some()));
    }

    assert_eq!(statuses[..5], [(410, false); 5]);
    assert_eq!(statuses[5], (429, true));
}

async fn a_request_during_an_smtp_outage_is_answered_and_the_mail_arrives_later(db: Db) {
    let (app, port) = spawn_with_smtp_down(db).await;
    app.add_user("alice@example.com").await;

    let (status, body) = forgot(&app, "alice@example.com").await;
    assert_eq!((status, body.as_str()), (200, "null"));
    app.settle().await;
    assert_eq!(app.state.store.list_outbox().await.unwrap().len(), 1, "the message waits in the outbox");

    let smtp = SmtpServer::start_on(port).await.expect("the SMTP server comes back on its port");
    app.clock.advance(60 * 60);
    app.state.mail.wake();
    let received = smtp.wait_for(1).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].subject.as_deref(), Some("Reset your password"));
}

async fn a_weak_or_mismatched_new_password_keeps_the_link_usable(db: Db) {
    let (_smtp, app, browser) = alice_on_her_reset_page(db).await;

    let weak = set_password(&browser, "password", "password").await;
    assert_eq!(weak.status(), 400);
    let mismatch = set_password(&browser, NEW_PASSWORD, "Qm7#tVx2!pRz9@kX").await;
    assert_eq!(mismatch.status(), 400);
    assert!(mismatch.text().await.unwrap().contains("do not match"));

    assert_eq!(set_password(&browser, NEW_PASSWORD, NEW_PASSWORD).await.status(), 200);
    assert_eq!(
        forgot(&app, "not an address").await.0,
        400,
        "a malformed address is a field error (it says nothing about accounts)"
    );
}

async fn without_javascript_the_form_shows_the_same_answer(db: Db) {
    let app = TestApp::spawn(db).await;
    let browser = app.browser();

    let response =
        browser.post_html_form("/api/request_password_reset", "/forgot", &[("email", "nobody@example.com")]).await;

    assert_eq!(response.status(), 302);
    assert_eq!(location(&response), "/forgot?sent=1");
    let page = browser.get("/forgot?sent=1").await.text().await.unwrap();
    assert!(page.contains(SENT), "{page}");
    assert!(page.contains("The link is valid for 2 hours."));
    // It repeats the address typed, carried in a one-time cookie, never in the page's address.
    assert!(page.contains("If an account exists for nobody@example.com, "), "{page}");
    let again = browser.get("/forgot?sent=1").await.text().await.unwrap();
    assert!(again.contains("If an account exists for the address you entered, "), "read once: {again}");
}

/// `/reset` is sent with `Referrer-Policy: no-referrer`, so its form's post names no page: the
/// refusal still comes back to `/reset`, with its message, once.
async fn without_javascript_a_mistake_on_the_reset_form_comes_back_to_it_with_its_message(db: Db) {
    let (_smtp, app, browser) = alice_on_her_reset_page(db).await;

    let mismatch = [("new_password", NEW_PASSWORD), ("confirm_password", "Qm7#tVx2!pRz9@kX")];
    let refused = browser.post_html_form_without_referer("/api/reset_password", &mismatch).await;

    assert_eq!(refused.status(), 302);
    assert_eq!(location(&refused), format!("{}/reset", app.base()));
    let page = browser.get("/reset").await.text().await.unwrap();
    assert!(page.contains("The two new passwords do not match."), "{page}");
    assert!(page.contains("Set a new password"), "the form is there to try again: {page}");
    let reloaded = browser.get("/reset").await.text().await.unwrap();
    assert!(!reloaded.contains("do not match"), "shown once: a reload starts clean");

    let weak = browser
        .post_html_form_without_referer(
            "/api/reset_password",
            &[("new_password", "password"), ("confirm_password", "password")],
        )
        .await;
    assert_eq!(location(&weak), format!("{}/reset", app.base()));
    let page = browser.get("/reset").await.text().await.unwrap();
    assert!(page.contains("There is a problem"), "{page}");
}

async fn the_reply_the_mail_and_the_reset_page_say_how_long_links_work(db: Db) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(db, move |config| {
        config.mail_transport = url;
        config.reset_link_lifetime = std::time::Duration::from_secs(3600);
    })
    .await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();

    browser.post_html_form("/api/request_password_reset", "/forgot", &[("email", "alice@example.com")]).await;
    let reply = browser.get("/forgot?sent=1").await.text().await.unwrap();
    assert!(reply.contains("The link is valid for 1 hour."), "{reply}");
    assert!(!reply.contains("2 hours"));

    let link = link_in_mail(&smtp, &app, 1).await;
    assert!(smtp.received()[0].part("text/plain").contains("The link is valid for 1 hour and works once."));

    app.clock.advance(3600);
    let page = open_link(&app.browser(), &link).await;
    assert!(page.contains("Reset links work once and for 1 hour."), "{page}");
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

async fn the_reset_cookie_lasts_as_long_as_the_browser_and_ends_at_login_and_logout(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, &smtp).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    let link = link_in_mail(&smtp, &app, 1).await;
    let browser = app.browser();

    let opened = browser.client.get(&link).send().await.unwrap();
    let cookie = set_cookie(&opened).expect("the link's token moves into a cookie");
    assert!(cookie.starts_with("portal_reset="), "{cookie}");
    assert!(!cookie.contains("Max-Age") && !cookie.contains("Expires"), "a browser-session cookie: {cookie}");

    // Someone signs in on this browser: the open link no longer works here.
    let login = browser.login("alice@example.com", PASSWORD).await;
    assert_eq!(login.status(), 200);
    let cleared = set_cookies(&login);
    assert!(cleared.iter().any(|c| c.starts_with("portal_reset=;") && c.contains("Max-Age=0")), "{cleared:?}");
    assert!(browser.get("/reset").await.text().await.unwrap().contains("This link has expired"));

    // Logging out clears it too.
    browser.client.get(&link).send().await.unwrap();
    let logout = browser.post_form("/api/logout", &[]).await;
    assert!(set_cookies(&logout).iter().any(|c| c.starts_with("portal_reset=;") && c.contains("Max-Age=0")));
    assert!(browser.get("/reset").await.text().await.unwrap().contains("This link has expired"));
}

/// A portal whose SMTP server is down: mail waits in the outbox. The port, to start it later.
async fn spawn_with_smtp_down(db: Db) -> (TestApp, u16) {
    let port = free_port();
    let url = crate::helpers::smtp_url(port);
    (TestApp::spawn_with(db, move |config| config.mail_transport = url).await, port)
}

/// One delivery pass of this node's worker, as its loop runs it: how many were sent.
async fn deliver(app: &TestApp) -> usize {
    worker::deliver_due(&app.state.store, &app.state.mailer, &app.state.mail, &app.clock).await.unwrap()
}

async fn a_link_waiting_in_the_outbox_is_sealed_and_dropped_once_it_expires(db: Db) {
    let (app, port) = spawn_with_smtp_down(db).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    app.settle().await;

    let waiting = app.state.store.list_outbox().await.unwrap();
    let (text, html) = app.state.store.stored_bodies(waiting[0].id).await.unwrap();
    for body in [&text, &html] {
        assert!(body.starts_with("v1.") && !body.contains("token") && !body.contains("/reset"), "{body}");
    }

    // The server comes back only after the link's two hours: the mail is not worth sending.
    app.clock.advance(2 * 60 * 60);
    let smtp = SmtpServer::start_on(port).await.expect("the SMTP server comes back on its port");
    assert_eq!(deliver(&app).await, 0);
    let row = &app.state.store.list_outbox().await.unwrap()[0];
    assert!(row.failed_at.is_some() && row.sent_at.is_none(), "{row:?}");
    assert!(row.last_error.as_deref().unwrap_or_default().contains("expired"), "{row:?}");
    assert_eq!(app.state.store.stored_bodies(row.id).await.unwrap(), (String::new(), String::new()));
    assert!(smtp.received().is_empty());
}

async fn disabling_the_account_drops_its_waiting_reset_mail_for_good(db: Db) {
    let (app, port) = spawn_with_smtp_down(db).await;
    app.add_user("alice@example.com").await;
    forgot(&app, "alice@example.com").await;
    app.settle().await;
    let now = app.clock.now();

    app.state.store.set_user_disabled(&email("alice@example.com"), Some(now), now).await.unwrap();
    app.state.store.set_user_disabled(&email("alice@example.com"), None, now).await.unwrap();
    let smtp = SmtpServer::start_on(port).await.expect("the SMTP server comes back on its port");

    assert_eq!(deliver(&app).await, 0, "nothing to send: the link was ended with the account's");
    let row = &app.state.store.list_outbox().await.unwrap()[0];
    assert!(row.failed_at.is_some(), "{row:?}");
    assert_eq!(app.state.store.stored_bodies(row.id).await.unwrap(), (String::new(), String::new()));
    assert!(smtp.received().is_empty());
}
