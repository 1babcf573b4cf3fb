//! Someone guessing a password: the account slows down and then locks (on every node), the
//! guesser cannot tell a locked account from a wrong password, and the owner gets back in with a
//! reset, the right password later, or at once from a browser that has signed in before (its
//! device cookie). One address guessing a lot is told to wait. A right password is never
//! answered "wrong": not when many log in at once, not within the first short delays.

use reqwest::header;

use crate::helpers::{on_both_databases, send, Browser, Db, TestApp, PASSWORD};

const WRONG: &str = "Wrong-Password-123!";
const NEW_PASSWORD: &str = "Qm7#tVx2!pRz9@kW";

on_both_databases!(
    after_ten_wrong_passwords_the_right_one_is_refused_like_a_wrong_one_until_the_lock_ends,
    from_the_third_failure_the_account_waits_a_doubling_delay,
    a_successful_login_forgets_the_failures,
    a_password_reset_works_while_locked_and_unlocks_the_account,
    wrong_current_passwords_on_change_password_lock_the_logins_too,
    one_address_gets_its_budget_of_attempts_then_429,
    behind_a_trusted_proxy_each_client_address_has_its_own_budget,
    the_addresses_of_one_ipv6_network_share_one_budget,
    two_nodes_on_one_database_share_the_count,
    a_guesser_cannot_keep_the_account_locked_and_the_owner_hears_once_per_lock,
    after_a_hundred_failures_in_a_row_only_a_reset_opens_the_account,
    twenty_guesses_at_once_get_no_more_checks_than_guesses_one_by_one,
    a_guesser_s_user_agent_never_reaches_the_owner_s_mail,
    the_owner_on_a_known_browser_gets_in_while_the_account_is_under_attack,
    a_known_browser_s_own_failures_hold_back_only_that_browser,
    a_device_cookie_is_bound_to_the_accounts_it_signed_in_to,
    an_account_remembers_its_ten_newest_browsers,
    sixteen_right_passwords_at_once_all_get_in,
);

async fn login(browser: &Browser, password: &str) -> (u16, String) {
    let response = browser.login("alice@example.com", password).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// `n` wrong passwords in a row, each after any delay the previous ones earned.
async fn fail(app: &TestApp, browser: &Browser, n: usize) {
    for _ in 0..n {
        assert_eq!(login(browser, WRONG).await.0, 401);
        app.clock.advance(60); // longer than any delay before the lock (64 s comes after the 9th)
    }
}

async fn after_ten_wrong_passwords_the_right_one_is_refused_like_a_wrong_one_until_the_lock_ends(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();
    fail(&app, &browser, 9).await;
    app.clock.advance(64);
    let wrong = login(&browser, WRONG).await; // the 10th: the lock starts

    let locked = login(&browser, PASSWORD).await;

    assert_eq!(wrong.0, 401);
    assert_eq!(locked, wrong, "a locked account answers exactly like a wrong password");
    app.clock.advance(900 - 5);
    assert_eq!(login(&browser, PASSWORD).await.0, 401, "still locked five seconds before the end");
    app.clock.advance(1);
    assert_eq!(login(&browser, PASSWORD).await.0, 200, "the last four seconds are waited out");
}

/// The first delays (1, 2 and 4 s) are waited out on the server, so a person who typed the
/// password wrong three times and then right is let in a moment later, never told "wrong";
/// longer delays hold the attempt back without checking it.
async fn from_the_third_failure_the_account_waits_a_doubling_delay(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    // A new browser each time: one that has signed in is counted apart (its device cookie).
    let browser = || app.browser();
    for _ in 0..3 {
        assert_eq!(login(&browser(), WRONG).await.0, 401, "quick typos cost nothing");
    }
    let started = app.clock.now();

    assert_eq!(login(&browser(), PASSWORD).await.0, 200, "right after the third failure: the second is waited out");
    assert_eq!(app.clock.now() - started, 1, "the server waited the one second, no more");

    for _ in 0..3 {
        assert_eq!(login(&browser(), WRONG).await.0, 401);
    }
    for waited in [1, 2, 4] {
        let before = app.clock.now();
        assert_eq!(login(&browser(), WRONG).await.0, 401, "checked after waiting {waited} s");
        assert_eq!(app.clock.now() - before, waited);
    }
    let before = app.clock.now();
    assert_eq!(login(&browser(), PASSWORD).await.0, 401, "eight seconds are not waited out");
    assert_eq!(app.clock.now(), before, "and not waited at all");
    let alice = app.state.store.find_user_by_email(&crate::helpers::email("alice@example.com")).await.unwrap().unwrap();
    assert_eq!(alice.failed_logins, 6, "the held-back attempt was not checked");
    app.clock.advance(8);
    assert_eq!(login(&browser(), PASSWORD).await.0, 200);
}

async fn a_successful_login_forgets_the_failures(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();
    fail(&app, &browser, 8).await;
    assert_eq!(login(&browser, PASSWORD).await.0, 200);

    assert_eq!(login(&browser, WRONG).await.0, 401);
    assert_eq!(login(&browser, WRONG).await.0, 401);

    assert_eq!(login(&browser, PASSWORD).await.0, 200, "eight and two more are not ten in a row");
}

async fn a_password_reset_works_while_locked_and_unlocks_the_account(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 3).await;
    let user_id = app.add_user("alice@example.com").await;
    let browser = app.browser();
    fail(&app, &browser, 3).await;
    assert_eq!(login(&browser, PASSWORD).await.0, 401, "locked");

    let status = reset_password(&app, user_id, NEW_PASSWORD).await;

    assert_eq!(status, 200, "the reset does not look at the lock");
    assert_eq!(login(&browser, NEW_PASSWORD).await.0, 200, "and clears it");
}

/// Guessing the current password behind a signed-in session: the session's browser runs up its
/// own count first, then (held back) counts as an unknown client and locks the account's logins.
/// The person is told plainly how long to wait, never that a right password is wrong.
async fn wrong_current_passwords_on_change_password_lock_the_logins_too(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 3).await;
    app.add_user("alice@example.com").await;
    let signed_in = app.logged_in("alice@example.com").await;
    let change = |current: &'static str| {
        let form = [("current_password", current), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)];
        let signed_in = &signed_in;
        async move {
            let response = signed_in.post_form("/api/change_password", &form).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    for _ in 0..6 {
        assert_eq!(change(WRONG).await.0, 400);
        app.clock.advance(60);
    }
    let (status, body) = change(PASSWORD).await;

    assert_eq!(status, 429, "{body}");
    assert!(body.contains("TooManyTries"), "told to wait, not that the password is wrong: {body}");
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 401, "the account's logins are locked too");
    assert_eq!(lock_notices(&app).await, 1, "and the owner is told");
    app.clock.advance(900);
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 200);
}

async fn one_address_gets_its_budget_of_attempts_then_429(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_attempts_per_address = 5).await;
    app.add_user("alice@example.com").await;

    let mut answers = Vec::new();
    for email in ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"] {
        answers.push(app.browser().login(email, WRONG).await.status().as_u16());
    }
    let over = app.browser().login("alice@example.com", PASSWORD).await;

    assert_eq!(answers, [401; 5]);
    assert_eq!(over.status(), 429);
    assert!(over.headers().contains_key(header::RETRY_AFTER));
    assert!(over.text().await.unwrap().contains("TooManyRequests"));
    app.clock.advance(15 * 60);
    assert_eq!(app.browser().login("alice@example.com", PASSWORD).await.status(), 200, "a new window");
}

/// The portal behind a reverse proxy on 127.0.0.1 that writes X-Forwarded-For.
async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget(db: Db) {
    let app = TestApp::spawn_with(db, |config| {
        config.login_attempts_per_address = 2;
        config.client_address.header = Some(http::HeaderName::from_static("x-forwarded-for"));
        config.client_address.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let from = |client: &str| {
        let browser = app.browser();
        let form = [("email", "nobody@example.com"), ("password", WRONG)];
        // What a client wrote itself comes first; the proxy appends the address it saw.
        let forwarded = format!("6.6.6.6, {client}");
        async move {
            let request = browser.client.post(format!("{}/api/login", browser.base)).form(&form);
            request.header("x-forwarded-for", forwarded).send().await.unwrap().status().as_u16()
        }
    };

    let first = [from("203.0.113.1").await, from("203.0.113.1").await, from("203.0.113.1").await];
    let second = from("203.0.113.2").await;

    assert_eq!(first, [401, 401, 429], "the first client used up its own budget");
    assert_eq!(second, 401, "another client behind the same proxy still has its budget");
}

/// Behind a proxy that writes entries with ports, as HAProxy and nginx can.
async fn the_addresses_of_one_ipv6_network_share_one_budget(db: Db) {
    let app = TestApp::spawn_with(db, |config| {
        config.client_address.header = Some(http::HeaderName::from_static("x-forwarded-for"));
        config.client_address.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let budget = app.state.config.login_attempts_per_address;
    let from = |entry: String| {
        let browser = app.browser();
        let form = [("email", "nobody@example.com"), ("password", WRONG)];
        async move {
            let request = browser.client.post(format!("{}/api/login", browser.base)).form(&form);
            request.header("x-forwarded-for", entry).send().await.unwrap().status().as_u16()
        }
    };
    let tally = |statuses: Vec<u16>| (statuses.iter().filter(|&&s| s == 401).count(), statuses.len());

    let mut one_address = Vec::new();
    let mut one_network = Vec::new();
    for n in 0..160u32 {
        one_address.push(from("203.0.113.7:5000".to_owned()).await);
        one_network.push(from(format!("[2001:db8:1:2:{n:x}:{:x}::1]:{}", n * 7, 1024 + n)).await);
    }
    let next_network = from("2001:db8:1:3::1".to_owned()).await;

    assert_eq!(tally(one_address.clone()), (budget as usize, 160), "one address: {one_address:?}");
    assert_eq!(tally(one_network.clone()), (budget as usize, 160), "one /64: {one_network:?}");
    assert!(one_network[budget as usize..].iter().all(|&s| s == 429), "then 429 for the whole network");
    assert_eq!(next_network, 401, "the next /64 has its own budget");
}

async fn two_nodes_on_one_database_share_the_count(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 4).await;
    app.add_user("alice@example.com").await;
    let first = app.browser();
    let second = app.browser_on_a_second_node().await;

    for browser in [&first, &second, &first, &second] {
        assert_eq!(login(browser, WRONG).await.0, 401);
        app.clock.advance(60);
    }

    assert_eq!(login(&first, PASSWORD).await.0, 401, "locked on the first node");
    assert_eq!(login(&second, PASSWORD).await.0, 401, "and on the second");
    app.clock.advance(900);
    assert_eq!(login(&second, PASSWORD).await.0, 200);
}

async fn twenty_guesses_at_once_get_no_more_checks_than_guesses_one_by_one(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let second = app.browser_on_a_second_node().await;
    let first = app.browser();

    let guesses = (0..20).map(|i| {
        let browser = if i % 2 == 0 { &first } else { &second };
        async move { login(browser, WRONG).await.0 }
    });
    let statuses = futures_util::future::join_all(guesses).await;

    assert!(statuses.iter().all(|s| [401, 503].contains(s)), "{statuses:?}");
    let alice = app.state.store.find_user_by_email(&crate::helpers::email("alice@example.com")).await.unwrap().unwrap();
    // One by one, guesses sent at one moment get three free checks and two more after the waits
    // of 1 and 2 s (the next delay, 4 s, ends after the 4 s an attempt waits). A guess that
    // reached the server after the others had moved the test's clock on may wait for one more.
    assert!(
        (5..=6).contains(&alice.failed_logins),
        "five (or six) checked, the rest held back: {} of 20",
        alice.failed_logins
    );
    app.clock.advance(8);
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 200, "the right password once the delay is over");
}

/// Messages about a lock in the outbox, oldest first.
async fn lock_notices(app: &TestApp) -> usize {
    let outbox = app.state.store.list_outbox().await.unwrap();
    outbox.iter().filter(|m| m.subject == "Someone tried to sign in to your account").count()
}

async fn a_guesser_cannot_keep_the_account_locked_and_the_owner_hears_once_per_lock(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let (thief, owner) = (app.browser(), app.browser());
    fail(&app, &thief, 9).await;
    app.clock.advance(64);
    assert_eq!(login(&thief, WRONG).await.0, 401); // the 10th: the lock starts
    assert_eq!(login(&thief, WRONG).await.0, 401, "held back: no new lock, no new mail");
    assert_eq!(lock_notices(&app).await, 1, "the owner is told once");
    let mail = app.wait_for_mail(1).await.join("\n");
    assert!(mail.contains("Someone tried to sign in") && mail.contains("127.0.0.1"), "{mail}");
    assert!(mail.contains("/forgot") && !mail.contains(WRONG), "a way to reset, never the password tried");

    // The thief tries again the moment the lock runs out: that does not lock the owner out.
    app.clock.advance(900);
    assert_eq!(login(&thief, WRONG).await.0, 401);
    app.clock.advance(32); // the count fell back to 10 - 3 + 1 = 8: a 32 s delay, not a lock
    assert_eq!(login(&owner, PASSWORD).await.0, 200, "the owner gets in, on a browser new to the account");

    // Three more tries after a lock bring the next lock, and its own mail.
    app.clock.advance(1);
    fail(&app, &thief, 9).await;
    app.clock.advance(64);
    assert_eq!(login(&thief, WRONG).await.0, 401);
    assert_eq!(lock_notices(&app).await, 2);
    app.clock.advance(900);
    for delay in [32, 64] {
        assert_eq!(login(&thief, WRONG).await.0, 401);
        app.clock.advance(delay);
    }
    assert_eq!(login(&thief, WRONG).await.0, 401, "the third try of the allowance locks again");
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 401, "locked for browsers new to the account");
    assert_eq!(login(&owner, PASSWORD).await.0, 200, "not for the owner's, which has signed in before");
    assert_eq!(lock_notices(&app).await, 3);
}

async fn after_a_hundred_failures_in_a_row_only_a_reset_opens_the_account(db: Db) {
    let app = TestApp::spawn(db).await;
    let user_id = app.add_user("alice@example.com").await;
    let thief = app.browser();
    for _ in 0..100 {
        assert_eq!(login(&thief, WRONG).await.0, 401);
        app.clock.advance(900); // past any delay and any lock: every try is checked
    }
    let user = app.state.store.find_user_by_id(user_id).await.unwrap().unwrap();
    assert_eq!(user.consecutive_failures, 100);

    app.clock.advance(24 * 60 * 60);
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 401, "not even the right password, a day later");
    let notices = app.state.store.list_outbox().await.unwrap();
    assert_eq!(notices.last().unwrap().subject, "Someone tried to sign in to your account");
    let mails = app.wait_for_mail(notices.len()).await;
    let unwrapped = |m: &String| m.replace("=\r\n", "").replace("=\n", "");
    assert!(
        mails.iter().map(unwrapped).any(|m| m.contains("until its password is reset")),
        "the last notice says what opens it"
    );

    assert_eq!(reset_password(&app, user_id, NEW_PASSWORD).await, 200);
    assert_eq!(login(&app.browser(), NEW_PASSWORD).await.0, 200, "a new password opens the account");
}

/// The lock's mail tells the owner which browser tried; a guesser who writes words as its
/// User-Agent must not be able to speak to the owner through a genuine mail.
async fn a_guesser_s_user_agent_never_reaches_the_owner_s_mail(db: Db) {
    const AGENT: &str = "call +1 555 0100 now";
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 1).await;
    app.add_user("alice@example.com").await;
    let guesser = app.browser();
    let form = [("email", "alice@example.com"), ("password", WRONG)];
    let request =
        guesser.client.post(format!("{}/api/login", guesser.base)).header(header::USER_AGENT, AGENT).form(&form);

    let answer = send("a login with a chosen User-Agent".into(), request).await;

    assert_eq!(answer.status(), 401);
    assert_eq!(lock_notices(&app).await, 1, "the first failure locks, and the owner is told");
    let mail = app.wait_for_mail(1).await.join("\n").replace("=\r\n", "").replace("=\n", "");
    assert!(mail.contains("Someone tried to sign in"), "{mail}");
    assert!(!mail.contains("call +1") && !mail.contains("555 0100"), "the agent's words are not repeated: {mail}");
    assert!(mail.contains("(an unknown browser)"), "{mail}");
}

/// OWASP's device cookies: a thief's failures (here a hundred, the ceiling that otherwise only a
/// reset opens) hold back only browsers the account has never signed in from.
async fn the_owner_on_a_known_browser_gets_in_while_the_account_is_under_attack(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let owner = app.logged_in("alice@example.com").await;
    assert!(owner.device_token().is_some(), "a sign-in leaves a device cookie");
    assert_eq!(owner.post_form("/api/logout", &[]).await.status(), 200);
    assert!(owner.device_token().is_some(), "which a logout keeps");

    let thief = app.browser();
    for _ in 0..100 {
        assert_eq!(login(&thief, WRONG).await.0, 401);
        app.clock.advance(900);
    }

    assert_eq!(login(&app.browser(), PASSWORD).await.0, 401, "a browser new to the account waits for a reset");
    assert_eq!(login(&thief, PASSWORD).await.0, 401, "and so does the thief's");
    assert_eq!(login(&owner, PASSWORD).await.0, 200, "the owner's browser gets in with the right password");
    assert_eq!(login(&owner, PASSWORD).await.0, 200, "every time");
}

/// A browser that has signed in and then fails runs up its own count; held back, it counts as
/// an unknown client, so its failures reach the account's lock like anyone's.
async fn a_known_browser_s_own_failures_hold_back_only_that_browser(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let forgetful = app.logged_in("alice@example.com").await;
    fail(&app, &forgetful, 10).await; // its own lock

    let other = app.browser();
    assert_eq!(login(&other, PASSWORD).await.0, 200, "another browser is not held back by it");
    assert_eq!(lock_notices(&app).await, 0, "a browser's own lock is not the account's");

    fail(&app, &forgetful, 10).await; // now counted with unknown clients
    assert_eq!(lock_notices(&app).await, 1, "the account's lock, and its mail");
    assert_eq!(login(&app.browser(), PASSWORD).await.0, 401, "new browsers wait");
    assert_eq!(login(&other, PASSWORD).await.0, 200, "the other known browser does not");
}

/// The cookie names a browser to the accounts it signed in to, no other; one the portal never
/// made is no device at all.
async fn a_device_cookie_is_bound_to_the_accounts_it_signed_in_to(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 3).await;
    app.add_user("alice@example.com").await;
    app.add_user("bob@example.com").await;
    let browser = app.browser();
    let response = browser.login("alice@example.com", PASSWORD).await;
    let set_cookies: Vec<_> =
        response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let device = set_cookies.iter().find(|c| c.starts_with("portal_device=")).expect("a device cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000"] {
        assert!(device.contains(attribute), "{attribute} in {device}");
    }
    let token = browser.device_token().unwrap();
    assert_eq!(token.len(), 43, "256 random bits");

    let bob_thief = app.browser();
    for _ in 0..3 {
        assert_eq!(bob_thief.login("bob@example.com", WRONG).await.status(), 401);
        app.clock.advance(60);
    }
    assert_eq!(
        browser.login("bob@example.com", PASSWORD).await.status(),
        401,
        "alice's browser is new to bob's account"
    );
    let forged = app::backend::secrets::secret_token::SecretToken::generate();
    let request = app
        .browser()
        .client
        .post(format!("{}/api/login", app.base()))
        .header(header::COOKIE, format!("portal_device={}", forged.expose()))
        .form(&[("email", "bob@example.com"), ("password", PASSWORD)]);
    assert_eq!(
        send("a login with a made-up device cookie".into(), request).await.status(),
        401,
        "a made-up cookie is no device"
    );
    let bob = app::backend::store::CountOf::Device(app::backend::store::UserId::from_row(2), forged.hash());
    assert_eq!(app.state.store.failure_counts(&bob).await.unwrap(), None, "nothing is stored for it");
}

/// Nothing keyed by input grows without bound: an account keeps its ten newest browsers.
async fn an_account_remembers_its_ten_newest_browsers(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 3).await;
    let user_id = app.add_user("alice@example.com").await;
    let mut browsers = Vec::new();
    for _ in 0..12 {
        browsers.push(app.logged_in("alice@example.com").await);
        app.clock.advance(1);
    }
    assert_eq!(app.state.store.count_known_devices(user_id).await.unwrap(), 10);

    fail(&app, &app.browser(), 3).await; // the account's lock, for unknown clients
    assert_eq!(login(&browsers[1], PASSWORD).await.0, 401, "the second oldest was forgotten");
    assert_eq!(login(&browsers[11], PASSWORD).await.0, 200, "the newest is known");
}

/// Many logins to one account at once with the right password: a lost race for the account's
/// count is tried again, and no one is told the password is wrong.
async fn sixteen_right_passwords_at_once_all_get_in(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("alice@example.com").await;
    let second = app.browser_on_a_second_node().await;
    // Sixteen browsers new to the account (one cookie jar each), on two nodes.
    let browsers: Vec<Browser> =
        (0..16).map(|i| if i % 2 == 0 { app.browser() } else { app.new_browser_like(&second) }).collect();

    let logins = browsers.iter().map(|browser| async move { login(browser, PASSWORD).await.0 });
    let statuses = futures_util::future::join_all(logins).await;

    assert_eq!(statuses, [200; 16]);
}

/// Sets `new` with a reset link made for the account; the answer's status.
async fn reset_password(app: &TestApp, user_id: app::backend::store::UserId, new: &str) -> u16 {
    let token = app::backend::secrets::secret_token::SecretToken::generate();
    let now = app.clock.now();
    let mail = app::backend::mail::templates::password_reset(
        &app.state.config,
        &app::domain::Email::parse("alice@example.com").unwrap(),
        "link",
    );
    app.state
        .store
        .create_password_reset(user_id, &token.hash(), now, now + 7200, &app.state.mail.seal(mail))
        .await
        .unwrap();
    let response = app
        .browser()
        .client
        .post(format!("{}/api/reset_password", app.base()))
        .header(header::COOKIE, format!("portal_reset={}", token.expose()))
        .form(&[("new_password", new), ("confirm_password", new)])
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}
