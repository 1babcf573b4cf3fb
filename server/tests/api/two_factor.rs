//! Two-factor sign-in, told as the stories of a person with an authenticator app: turning it on,
//! logging in with it, losing the phone, turning it off; and of someone who has only the
//! password.

use app::backend::{secrets::totp::TotpSecret, use_cases::two_factor};
use reqwest::header;

use crate::helpers::{location, on_both_databases, Browser, Db, SmtpServer, TestApp, PASSWORD};

on_both_databases!(
    a_waiting_sign_in_ends_with_logout_and_with_a_new_login,
    two_factor_is_on_only_once_the_app_s_current_code_confirms_it,
    logging_in_asks_for_a_code_and_each_code_works_once,
    a_lost_phone_is_replaced_by_recovery_codes_each_working_once,
    turning_two_factor_off_needs_the_password_and_a_code,
    a_pending_sign_in_expires_and_ends_when_the_password_is_reset,
    wrong_codes_count_toward_the_account_s_login_throttle,
    many_wrong_codes_pause_sign_ins_and_tell_the_owner_the_password_is_known,
    support_turns_two_factor_off_and_ends_the_sessions,
    each_change_is_told_by_email_without_any_secret,
    a_portal_that_requires_two_factor_shows_only_its_setup_until_it_is_on,
    a_person_who_starts_over_at_the_code_step_gets_in_with_the_right_code,
    behind_a_known_password_turn_off_gets_no_more_guesses_than_the_login_step,
    a_page_load_never_uses_up_fresh_recovery_codes,
    the_codes_shown_say_whose_they_are_and_when,
);

/// Turns two-factor on for the signed-in `browser`; returns the secret (as the phone would hold
/// it) and the recovery codes shown.
async fn turn_on(app: &TestApp, browser: &Browser) -> (TotpSecret, Vec<String>) {
    let setup = setup_details(browser).await.expect("a secret to set up");
    let secret = TotpSecret::from_setup_key(setup["setup_key"].as_str().unwrap()).expect("a readable setup key");
    let enabled = browser
        .post_form(
            "/api/enable_two_factor",
            &[("current_password", PASSWORD), ("code", &secret.code_at(app.clock.now()))],
        )
        .await;
    assert_eq!(enabled.status(), 200, "{:?}", enabled.text().await);
    let codes = fresh_codes(browser).await.expect("the recovery codes, once");
    // The next step: the code just used is spent.
    app.clock.advance(30);
    (secret, codes)
}

async fn setup_details(browser: &Browser) -> Option<serde_json::Value> {
    let response = browser.post_form("/api/two_factor_setup", &[]).await;
    assert_eq!(response.status(), 200);
    let details: serde_json::Value = response.json().await.unwrap();
    (!details.is_null()).then_some(details)
}

/// The codes just made, revealed (null when there are none), with whose they are and when.
async fn fresh_sheet(browser: &Browser) -> serde_json::Value {
    let response = browser.post_form("/api/fresh_recovery_codes", &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn fresh_codes(browser: &Browser) -> Option<Vec<String>> {
    let sheet = fresh_sheet(browser).await;
    (!sheet.is_null()).then(|| serde_json::from_value(sheet["codes"].clone()).unwrap())
}

async fn status(browser: &Browser) -> serde_json::Value {
    browser.post_form("/api/security_status", &[]).await.json().await.unwrap()
}

/// Email and password: the browser is left holding a pending sign-in.
async fn password_step(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let response = browser.login(email, PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert!(location(&response).starts_with("/login/verify"), "{:?}", response.headers());
    assert!(browser.session_token().is_none(), "no session before the second factor");
    assert_eq!(browser.get("/account").await.status(), 303);
    browser
}

async fn verify(browser: &Browser, field: &str, code: &str) -> reqwest::Response {
    browser.post_form("/api/verify_sign_in", &[(field, code)]).await
}

async fn expect_refused(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    let body = response.text().await.unwrap();
    assert!(body.contains("SecondFactorRefused"), "{body}");
}

async fn two_factor_is_on_only_once_the_app_s_current_code_confirms_it(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let browser = app.logged_in("ann@example.com").await;
    assert_eq!(status(&browser).await["enabled"], false);

    let setup = setup_details(&browser).await.unwrap();
    let key = setup["setup_key"].as_str().unwrap().to_owned();
    assert!(key.split(' ').all(|group| group.len() == 4), "in groups of four: {key}");
    assert_eq!(key.replace(' ', "").len(), 32, "160 bits in base32");
    let url = setup["otpauth_url"].as_str().unwrap();
    assert!(url.starts_with("otpauth://totp/Account%20Portal:ann%40example.com?"), "{url}");
    assert!(url.contains("issuer=Account%20Portal"), "{url}");
    assert!(setup["qr_svg"].as_str().unwrap().contains("<svg"), "a QR code drawn as SVG");
    assert_eq!(setup_details(&browser).await.unwrap()["setup_key"], key.as_str(), "the same on a reload");
    // A visit ten minutes later gets a new key: one copied from this browser earlier is useless.
    app.clock.advance(10 * 60);
    let copied = key;
    let key = setup_details(&browser).await.unwrap()["setup_key"].as_str().unwrap().to_owned();
    assert_ne!(key, copied, "a new key after ten minutes");
    let with_copied = [
        ("current_password", PASSWORD),
        ("code", &TotpSecret::from_setup_key(&copied).unwrap().code_at(app.clock.now())),
    ];
    let refused = browser.post_form("/api/enable_two_factor", &with_copied).await;
    assert_eq!(refused.status(), 400, "the copied key's code does not turn it on");

    // The secret is stored sealed: neither its base32 nor its bytes are in the database.
    let stored = app.state.store.two_factor(app::backend::store::UserId::from_row(1)).await.unwrap().unwrap();
    let secret = TotpSecret::from_setup_key(&key).unwrap();
    assert!(!stored.secret_sealed.contains(&key.replace(' ', "")));
    assert!(!stored.secret_sealed.to_lowercase().contains(&hex::encode(secret.as_bytes())));

    let now = app.clock.now();
    let wrong = if secret.code_at(now) == "000000" { "111111" } else { "000000" };
    let enable = |password: &'static str, code: String| {
        let browser = &browser;
        async move { browser.post_form("/api/enable_two_factor", &[("current_password", password), ("code", &code)]).await }
    };
    let refused = enable(PASSWORD, wrong.into()).await;
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.unwrap().contains("AuthCodeWrong"));
    let malformed = enable(PASSWORD, "12345".into()).await;
    assert_eq!(malformed.status(), 400);
    // Someone at a borrowed signed-in browser cannot tie the account to their own phone.
    let no_password = enable("not-the-password", secret.code_at(now)).await;
    assert_eq!(no_password.status(), 400);
    assert!(no_password.text().await.unwrap().contains("CurrentPasswordWrong"));
    assert_eq!(status(&browser).await["enabled"], false, "a wrong code turns nothing on");

    // Typed as apps show it, with a space.
    let code = secret.code_at(now);
    let typed = format!("{} {}", &code[..3], &code[3..]);
    let enabled = enable(PASSWORD, typed).await;
    assert_eq!(enabled.status(), 200);
    assert_eq!(status(&browser).await, serde_json::json!({ "enabled": true, "recovery_codes_left": 10 }));
    let codes = fresh_codes(&browser).await.unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3), "{codes:?}");
    assert_eq!(fresh_codes(&browser).await, None, "shown once");
    assert!(setup_details(&browser).await.is_none(), "the secret is never shown again");
}

async fn logging_in_asks_for_a_code_and_each_code_works_once(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;

    let browser = password_step(&app, "ann@example.com").await;
    let now = app.clock.now();
    expect_refused(verify(&browser, "code", &secret.code_at(now - 60)).await).await; // two steps ago
    let code = secret.code_at(now);
    let response =
        browser.post_form("/api/verify_sign_in", &[("code", code.as_str()), ("next", "/account/password")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(location(&response), "/account/password");
    assert!(browser.session_token().is_some());
    assert_eq!(browser.get("/account").await.status(), 200);

    // The same code again, in the same step, from another browser that knows the password.
    let thief = password_step(&app, "ann@example.com").await;
    expect_refused(verify(&thief, "code", &code).await).await;
    // The previous step's code is still the phone's a moment ago: accepted once, for drift.
    app.clock.advance(30);
    let response = verify(&thief, "code", &secret.code_at(app.clock.now())).await;
    assert_eq!(response.status(), 200, "the next step's code works");

    // Without the pending sign-in's cookie, a right code opens nothing.
    let stranger = app.browser();
    app.clock.advance(30);
    expect_refused(verify(&stranger, "code", &secret.code_at(app.clock.now())).await).await;
}

async fn a_lost_phone_is_replaced_by_recovery_codes_each_working_once(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    let (_, codes) = turn_on(&app, &ann).await;

    let browser = password_step(&app, "ann@example.com").await;
    let typed = codes[0].to_lowercase().replace('-', " ");
    assert_eq!(verify(&browser, "recovery_code", &typed).await.status(), 200, "any case, any separator");
    assert_eq!(status(&browser).await["recovery_codes_left"], 9);

    let again = password_step(&app, "ann@example.com").await;
    expect_refused(verify(&again, "recovery_code", &codes[0]).await).await;
    let malformed = verify(&again, "recovery_code", "not a code").await;
    assert_eq!(malformed.status(), 400);

    // New recovery codes retire the old ones.
    let renewed =
        ann.post_form("/api/new_recovery_codes", &[("current_password", PASSWORD), ("second_factor", &codes[1])]).await;
    assert_eq!(renewed.status(), 200, "{:?}", renewed.text().await);
    let fresh = fresh_codes(&ann).await.unwrap();
    assert_eq!(fresh.len(), 10);
    expect_refused(verify(&again, "recovery_code", &codes[2]).await).await;
    assert_eq!(verify(&again, "recovery_code", &fresh[0]).await.status(), 200);
}

async fn turning_two_factor_off_needs_the_password_and_a_code(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    let (secret, _) = turn_on(&app, &ann).await;
    let code = secret.code_at(app.clock.now());
    let turn_off = |password: &'static str, code: String| {
        let ann = &ann;
        async move {
            ann.post_form("/api/turn_off_two_factor", &[("current_password", password), ("second_factor", &code)]).await
        }
    };

    let no_code = turn_off(PASSWORD, String::new()).await;
    assert_eq!(no_code.status(), 400);
    assert!(no_code.text().await.unwrap().contains("SecondFactorMissing"));
    let wrong_password = turn_off("not-the-password", code.clone()).await;
    assert_eq!(wrong_password.status(), 400);
    assert!(wrong_password.text().await.unwrap().contains("CurrentPasswordWrong"));
    let wrong_code = turn_off(PASSWORD, "000000".into()).await;
    assert_eq!(wrong_code.status(), 400);
    assert_eq!(status(&ann).await["enabled"], true, "still on");

    assert_eq!(turn_off(PASSWORD, code).await.status(), 200);
    assert_eq!(status(&ann).await["enabled"], false);
    assert_eq!(
        app.browser().login("ann@example.com", PASSWORD).await.headers().get(header::LOCATION).unwrap(),
        "/account"
    );
}

async fn a_pending_sign_in_expires_and_ends_when_the_password_is_reset(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;

    let slow = password_step(&app, "ann@example.com").await;
    app.clock.advance(5 * 60);
    expect_refused(verify(&slow, "code", &secret.code_at(app.clock.now())).await).await;

    let pending = password_step(&app, "ann@example.com").await;
    app.clock.advance(30);
    let user = app.state.store.find_user_by_id(app::backend::store::UserId::from_row(1)).await.unwrap().unwrap();
    let hash = app.state.hasher.hash(&app::domain::Password::parse("Zr8!kWq3#mVx6@tB").unwrap()).await.unwrap();
    let mut tx = app.state.store.begin().await.unwrap();
    tx.set_password_hash(user.id, None, &hash, app.clock.now()).await.unwrap();
    tx.commit().await.unwrap();
    expect_refused(verify(&pending, "code", &secret.code_at(app.clock.now())).await).await;

    // A reset does not turn two-factor off: the new password still asks for the code.
    let after = app.browser().login("ann@example.com", "Zr8!kWq3#mVx6@tB").await;
    assert!(location(&after).starts_with("/login/verify"));
}

/// The password is proven at the code step, so a try held back is told how long to wait
/// (never that a right code is wrong); the first delays are waited out on the server.
async fn expect_wait(response: reqwest::Response, seconds: u64) {
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()[reqwest::header::RETRY_AFTER], seconds.to_string().as_str());
    let body = response.text().await.unwrap();
    assert!(body.contains("TooManyTries"), "{body}");
}

async fn wrong_codes_count_toward_the_account_s_login_throttle(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;
    let failed_logins = || async {
        app.state.store.find_user_by_id(app::backend::store::UserId::from_row(1)).await.unwrap().unwrap().failed_logins
    };

    // Someone with the password guesses codes: each wrong code counts, the password step not.
    let thief = password_step(&app, "ann@example.com").await;
    assert_eq!(failed_logins().await, 0, "a right password is no failure");
    let started = app.clock.now();
    for guess in ["000000", "111111", "222222", "333333", "444444", "555555"] {
        expect_refused(verify(&thief, "code", guess).await).await;
    }
    assert_eq!(failed_logins().await, 6, "each checked");
    assert_eq!(app.clock.now() - started, 1 + 2 + 4, "the first delays were waited out, not refused");

    // Eight seconds are not waited out: even the right code is told to wait, plainly.
    expect_wait(verify(&thief, "code", &secret.code_at(app.clock.now())).await, 8).await;

    // Once the delay has passed, the right code gets in and the count starts again.
    app.clock.advance(8);
    assert_eq!(verify(&thief, "code", &secret.code_at(app.clock.now())).await.status(), 200);
    assert_eq!(failed_logins().await, 0);
}

async fn many_wrong_codes_pause_sign_ins_and_tell_the_owner_the_password_is_known(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = 4).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;

    let thief = password_step(&app, "ann@example.com").await;
    for guess in ["000000", "111111", "222222", "333333"] {
        expect_refused(verify(&thief, "code", guess).await).await;
        app.clock.advance(10); // past each delay, so every guess is checked
    }
    // The lock: even the right code waits, and the owner hears what it means.
    expect_wait(verify(&thief, "code", &secret.code_at(app.clock.now())).await, 900 - 10).await;
    let mail = app.wait_for_mail(2).await;
    assert!(mail.iter().any(|m| m.contains("Subject: Someone has your password")), "{mail:?}");
    assert!(!mail.iter().any(|m| m.contains("Subject: Someone tried to sign in")), "not the wrong-password notice");
}

/// Issue 22's reproduction: a person who gives up at the code step, logs in again and types the
/// right code at once was told "That code didn't work".
async fn a_person_who_starts_over_at_the_code_step_gets_in_with_the_right_code(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;

    let browser = password_step(&app, "ann@example.com").await;
    expect_refused(verify(&browser, "code", "000000").await).await;
    app.clock.advance(30); // the next 30-second step
    let again = browser.login("ann@example.com", PASSWORD).await;
    assert!(location(&again).starts_with("/login/verify"));
    let before = app.clock.now();

    let finished = verify(&browser, "code", &secret.code_at(app.clock.now())).await;

    assert_eq!(finished.status(), 200, "{:?}", finished.text().await);
    assert_eq!(app.clock.now(), before, "no delay to wait out: one failure is a typo");
}

/// Someone holding a stolen password and session (a phishing proxy) loops "Turn off" with wrong
/// codes: every wrong code counts, the right password clears nothing, and the guesses end where
/// the login step's do: the browser's own count (it signed in), then the account's lock, which
/// tells the owner someone has the password.
async fn behind_a_known_password_turn_off_gets_no_more_guesses_than_the_login_step(db: Db) {
    let limit = 4;
    let app = TestApp::spawn_with(db, |config| config.login_lockout_after = limit).await;
    app.add_user("ann@example.com").await;
    let session = app.logged_in("ann@example.com").await;
    let (secret, _) = turn_on(&app, &session).await;

    let mut checked = 0;
    let held = loop {
        let form = [("current_password", PASSWORD), ("second_factor", "000000")];
        let response = session.post_form("/api/turn_off_two_factor", &form).await;
        if response.status() != 400 {
            break response;
        }
        checked += 1;
        assert!(checked <= 100, "the guesses never end");
        app.clock.advance(60); // past every delay short of the lock
    };

    assert_eq!(checked, 2 * limit, "its browser's count, then the account's: as at the login step");
    assert_eq!(held.status(), 429);
    let mail = app.wait_for_mail(2).await;
    assert!(mail.iter().any(|m| m.contains("Subject: Someone has your password")), "{mail:?}");
    let right = [("current_password", PASSWORD), ("second_factor", &secret.code_at(app.clock.now()))];
    let response = session.post_form("/api/turn_off_two_factor", &right).await;
    assert_eq!(response.status(), 429, "held back, even with the right code");
    let login_step = password_step_answer(&app, "ann@example.com").await;
    assert_eq!(login_step, 401, "and the login step of a browser new to the account is locked too");
}

/// Fresh codes wait behind a button: a GET of their page (a link, a reload, a navigation from
/// another site) shows the button and takes nothing; the button's same-origin POST reveals them
/// once, with JavaScript in its answer, without it through a one-time `SameSite=Strict` cookie.
async fn a_page_load_never_uses_up_fresh_recovery_codes(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    enable_without_reading_the_codes(&app, &ann).await;

    for _ in 0..2 {
        let page = ann.get("/account/security/recovery-codes").await.text().await.unwrap();
        assert!(page.contains("Show my recovery codes"), "{page}");
        assert_eq!(recovery_codes_in(&page), 0, "no code on a page a GET rendered");
    }
    let revealed = fresh_codes(&ann).await.expect("the codes, still there");
    assert_eq!(revealed.len(), 10);
    assert_eq!(fresh_codes(&ann).await, None, "once");
    let after = ann.get("/account/security/recovery-codes").await.text().await.unwrap();
    assert!(after.contains("Recovery codes are shown only once"), "{after}");

    // Without JavaScript: the button's form post, then the page it leads back to.
    let bob = {
        app.add_user("bob@example.com").await;
        app.logged_in("bob@example.com").await
    };
    enable_without_reading_the_codes(&app, &bob).await;
    let pressed = bob.post_html_form("/api/fresh_recovery_codes", "/account/security/recovery-codes", &[]).await;
    assert!(pressed.status().is_redirection(), "{}", pressed.status());
    assert_eq!(location(&pressed), "/account/security/recovery-codes");
    let cookie = pressed
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_codes="))
        .expect("a one-time cookie");
    assert!(cookie.starts_with("portal_codes=v1.") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert_eq!(recovery_codes_in(&cookie), 0, "sealed, never in the clear");
    let shown = bob.get("/account/security/recovery-codes").await.text().await.unwrap();
    assert_eq!(recovery_codes_in(&shown), 10, "the ten codes: {shown}");
    assert!(shown.contains("Sign out of all other sessions"), "the offer to end the other sessions");
    let again = bob.get("/account/security/recovery-codes").await.text().await.unwrap();
    assert_eq!(recovery_codes_in(&again), 0, "the cookie was for one page");
}

async fn the_codes_shown_say_whose_they_are_and_when(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    enable_without_reading_the_codes(&app, &ann).await;
    app.clock.advance(90);

    // What the downloaded file says: the account, and when they were shown (moments after made).
    let sheet = fresh_sheet(&ann).await;
    assert_eq!(sheet["codes"].as_array().map(Vec::len), Some(10), "{sheet}");
    assert_eq!(sheet["account"], "ann@example.com");
    assert_eq!(sheet["shown"]["unix"], app.clock.now());
    assert!(sheet["shown"]["utc"].as_str().is_some_and(|utc| utc.ends_with(" UTC")), "{sheet}");
}

async fn enable_without_reading_the_codes(app: &TestApp, browser: &Browser) {
    let setup = setup_details(browser).await.unwrap();
    let secret = TotpSecret::from_setup_key(setup["setup_key"].as_str().unwrap()).unwrap();
    let form = [("current_password", PASSWORD), ("code", &secret.code_at(app.clock.now()))];
    assert_eq!(browser.post_form("/api/enable_two_factor", &form).await.status(), 200);
}

/// How many recovery codes (four groups of four letters and digits) `text` shows in `<code>`.
fn recovery_codes_in(text: &str) -> usize {
    let shaped = |code: &str| {
        code.len() == 19 && code.split('-').all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_alphanumeric()))
    };
    // Leptos marks the end of a text node with `<!>`.
    let text = text.replace("<!>", "");
    text.split("<code>").skip(1).filter_map(|rest| rest.split("</code>").next()).filter(|c| shaped(c)).count()
}

/// The status of a password step from a browser new to the account.
async fn password_step_answer(app: &TestApp, email: &str) -> u16 {
    app.browser().login(email, PASSWORD).await.status().as_u16()
}

async fn support_turns_two_factor_off_and_ends_the_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    turn_on(&app, &ann).await;

    assert!(two_factor::turn_off_by_support(
        &app.state,
        app::backend::store::UserId::from_row(1),
        &app::domain::Email::parse("ann@example.com").unwrap()
    )
    .await
    .unwrap());

    assert_eq!(ann.get("/account").await.status(), 303, "every session ended");
    let back = app.browser().login("ann@example.com", PASSWORD).await;
    assert_eq!(location(&back), "/account", "the password alone logs in again");
    assert!(
        !two_factor::turn_off_by_support(
            &app.state,
            app::backend::store::UserId::from_row(1),
            &app::domain::Email::parse("ann@example.com").unwrap()
        )
        .await
        .unwrap(),
        "already off"
    );
}

async fn each_change_is_told_by_email_without_any_secret(db: Db) {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let app = TestApp::spawn_with(db, move |config| config.mail_transport = url).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;
    let setup = setup_details(&ann).await.unwrap();
    let key = setup["setup_key"].as_str().unwrap().replace(' ', "");
    let (secret, codes) = turn_on(&app, &ann).await;

    let browser = password_step(&app, "ann@example.com").await;
    assert_eq!(verify(&browser, "recovery_code", &codes[0]).await.status(), 200);
    let renewed = ann
        .post_form(
            "/api/new_recovery_codes",
            &[("current_password", PASSWORD), ("second_factor", &secret.code_at(app.clock.now()))],
        )
        .await;
    assert_eq!(renewed.status(), 200);
    let fresh = fresh_codes(&ann).await.unwrap();
    app.clock.advance(30);
    let off = ann
        .post_form(
            "/api/turn_off_two_factor",
            &[("current_password", PASSWORD), ("second_factor", &secret.code_at(app.clock.now()))],
        )
        .await;
    assert_eq!(off.status(), 200);

    let mail = smtp.wait_for(4).await;
    let mut subjects: Vec<&str> = mail.iter().filter_map(|m| m.subject.as_deref()).collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        [
            "A recovery code was used",
            "New recovery codes were made",
            "Two-factor sign-in was turned off",
            "Two-factor sign-in was turned on",
        ]
    );
    let used = mail.iter().find(|m| m.subject.as_deref() == Some("A recovery code was used")).unwrap();
    assert!(used.part("text/plain").contains("You have 9 recovery codes left."));
    for message in &mail {
        let text = format!("{}{}", message.part("text/plain"), message.part("text/html"));
        assert!(!text.contains(&key), "no secret in {:?}", message.subject);
        for code in codes.iter().chain(&fresh) {
            assert!(!text.contains(code.as_str()), "no recovery code in {:?}", message.subject);
        }
    }
}

async fn a_portal_that_requires_two_factor_shows_only_its_setup_until_it_is_on(db: Db) {
    let app = TestApp::spawn_with(db, |config| config.require_two_factor = true).await;
    app.add_user("ann@example.com").await;
    let ann = app.logged_in("ann@example.com").await;

    for page in ["/account", "/account/password", "/account/security"] {
        let response = ann.get(page).await;
        assert_eq!(response.status(), 303, "{page}");
        assert_eq!(location(&response), "/account/security/setup", "{page}");
    }
    assert_eq!(ann.get("/account/security/setup").await.status(), 200);
    // Nor can the password alone call the server functions behind those pages.
    for function in
        ["/api/account", "/api/password_form_context", "/api/sign_out_other_sessions", "/api/security_status"]
    {
        assert_eq!(ann.post_form(function, &[]).await.status(), 401, "{function}");
    }
    let change = [
        ("current_password", PASSWORD),
        ("new_password", "Tq7#vLm2@pXz9!kQ"),
        ("confirm_password", "Tq7#vLm2@pXz9!kQ"),
    ];
    assert_eq!(ann.post_form("/api/change_password", &change).await.status(), 401);
    turn_on(&app, &ann).await;
    assert_eq!(ann.get("/account").await.status(), 200, "every page once it is on");
    assert_eq!(ann.post_form("/api/account", &[]).await.status(), 200, "every function once it is on");
}

/// "Back to login" (a logout) and a new login end the sign-in that waited for its code: its
/// token, replayed, no longer finishes, even with the right code.
async fn a_waiting_sign_in_ends_with_logout_and_with_a_new_login(db: Db) {
    let app = TestApp::spawn(db).await;
    app.add_user("ann@example.com").await;
    let (secret, _) = turn_on(&app, &app.logged_in("ann@example.com").await).await;

    let browser = password_step(&app, "ann@example.com").await;
    let left = browser.pending_token().expect("a pending sign-in cookie");
    assert_eq!(browser.post_form("/api/logout", &[]).await.status(), 200);
    assert!(browser.pending_token().is_none(), "the cookie is cleared too");
    expect_refused(browser.verify_with_pending(&left, &secret.code_at(app.clock.now())).await).await;

    let browser = password_step(&app, "ann@example.com").await;
    let first = browser.pending_token().expect("a pending sign-in cookie");
    let again = browser.login("ann@example.com", PASSWORD).await;
    assert!(location(&again).starts_with("/login/verify"));
    let second = browser.pending_token().expect("a new pending sign-in");
    assert_ne!(first, second);
    expect_refused(browser.verify_with_pending(&first, &secret.code_at(app.clock.now())).await).await;
    let finished = browser.verify_with_pending(&second, &secret.code_at(app.clock.now())).await;
    assert_eq!(finished.status(), 200, "the newest sign-in finishes");
}
