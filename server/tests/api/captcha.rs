//! The captcha on login and Forgot?: the page's proof of work is accepted once, on every node;
//! an expired, forged or wrongly solved one is refused with a message a person understands;
//! without JavaScript the picture (or its sound) does the same job.

use app::captcha::{solve_slice, CaptchaChallenge, FormCaptcha};

use crate::helpers::{location, on_both_databases, Browser, Db, TestApp, CAPTCHA_KEY, PASSWORD};

on_both_databases!(
    a_solved_challenge_logs_in_once_and_is_refused_the_second_time,
    the_login_page_carries_the_challenge_its_module_solves_and_its_plain_post_logs_in,
    a_login_without_the_captcha_is_refused_with_a_clear_message,
    an_expired_challenge_is_refused,
    a_challenge_signed_with_another_key_is_refused,
    a_challenge_made_easier_after_signing_is_refused,
    a_wrong_solution_is_refused,
    a_second_node_refuses_an_answer_the_first_accepted,
    forgot_needs_the_captcha_too,
    without_javascript_the_picture_is_typed_and_used_once,
    the_picture_and_its_sound_are_served_while_the_challenge_lives,
    each_address_gets_a_ration_of_pictures,
    without_javascript_another_picture_is_a_link_to_the_page_that_keeps_where_the_login_goes,
    a_new_picture_stores_nothing_and_the_one_before_still_works_once_until_it_expires,
    a_page_in_dark_mode_gets_the_picture_in_dark_colours,
);

async fn app_with_captcha(db: Db) -> TestApp {
    let app = TestApp::spawn_with(db, |config| config.captcha.mode = app::backend::config::CaptchaMode::Pow).await;
    app.add_user("alice@example.com").await;
    app
}

async fn challenge(browser: &Browser) -> CaptchaChallenge {
    let response = browser.post_form("/api/new_captcha", &[]).await;
    assert_eq!(response.status(), 200);
    match response.json().await.unwrap() {
        Some(FormCaptcha::ProofOfWork(challenge)) => challenge,
        other => panic!("the proof of work is on, but the form got {other:?}"),
    }
}

/// What the page does: slices of work until one finds the answer.
fn solve(challenge_json: &str) -> String {
    (0..).find_map(|index| solve_slice(challenge_json, index, 50).unwrap()).unwrap()
}

async fn login_with(browser: &Browser, captcha: &str) -> (u16, String) {
    let form = [("email", "alice@example.com"), ("password", PASSWORD), ("captcha", captcha)];
    let response = browser.post_form("/api/login", &form).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_solved_challenge_logs_in_once_and_is_refused_the_second_time(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let answer = solve(&challenge(&browser).await.proof_of_work);

    assert_eq!(login_with(&browser, &answer).await.0, 200);
    let (status, body) = login_with(&app.browser(), &answer).await;

    assert_eq!(status, 400);
    assert!(body.contains("This check has already been used"), "{body}");
}

/// The login page is a plain form with its own small module (`signin`): the module reads the
/// challenge from the HTML, solves it, and lets the browser post the form.
async fn the_login_page_carries_the_challenge_its_module_solves_and_its_plain_post_logs_in(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let page = browser.get("/login").await.text().await.unwrap();
    let attribute = |name: &str| {
        let marker = format!(r#"{name}=""#);
        let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} on the page: {page}")) + marker.len();
        page[start..].split('"').next().unwrap().replace("&quot;", "\"").replace("&amp;", "&")
    };
    let expires_at: i64 = attribute("data-expires").parse().unwrap();
    assert!(expires_at > app.state.clock.now(), "a live challenge");
    let answer = solve(&attribute("data-challenge"));

    let form = [("email", "alice@example.com"), ("password", PASSWORD), ("captcha", answer.as_str()), ("next", "")];
    let response = browser.post_html_form("/api/login", "/login", &form).await;
    assert_eq!((response.status().as_u16(), location(&response)), (302, "/account".to_owned()));
    assert_eq!(browser.get("/account").await.status(), 200, "signed in");
}

async fn a_login_without_the_captcha_is_refused_with_a_clear_message(db: Db) {
    let app = app_with_captcha(db).await;

    let response = app.browser().login("alice@example.com", PASSWORD).await;

    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("Please wait until the human check says “Verified”"), "{body}");
    assert!(body.contains(r#""field":"captcha""#), "the message belongs to the captcha: {body}");
}

async fn an_expired_challenge_is_refused(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let answer = solve(&challenge(&browser).await.proof_of_work);

    app.clock.advance(5 * 60 + 1);
    let (status, body) = login_with(&browser, &answer).await;

    assert_eq!(status, 400);
    assert!(body.contains("The check has expired"), "{body}");
}

/// A challenge the portal never signed: made with another key, solved honestly.
async fn a_challenge_signed_with_another_key_is_refused(db: Db) {
    let app = app_with_captcha(db).await;
    let forged = altcha::create_challenge(altcha::CreateChallengeOptions {
        cost: 1_000,
        key_prefix: "00".into(),
        expires_at: Some(app.clock.now() + 300),
        hmac_signature_secret: Some("not-the-portal-key-but-long-enough-000".into()),
        ..Default::default()
    })
    .unwrap();
    let answer = solve(&serde_json::to_string(&forged).unwrap());

    let (status, body) = login_with(&app.browser(), &answer).await;

    assert_eq!(status, 400);
    assert!(body.contains("The check could not be verified"), "{body}");
    assert_ne!(CAPTCHA_KEY, "not-the-portal-key-but-long-enough-000");
}

/// The portal's own challenge with its difficulty lowered: the signature no longer matches.
async fn a_challenge_made_easier_after_signing_is_refused(db: Db) {
    let app = app_with_captcha(db).await;
    let mut easier: serde_json::Value = serde_json::from_str(&challenge(&app.browser()).await.proof_of_work).unwrap();
    easier["parameters"]["keyPrefix"] = "".into();
    let answer = solve(&easier.to_string());

    let (status, body) = login_with(&app.browser(), &answer).await;

    assert_eq!(status, 400);
    assert!(body.contains("The check could not be verified"), "{body}");
}

async fn a_wrong_solution_is_refused(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let mut answer: serde_json::Value = serde_json::from_str(&solve(&challenge(&browser).await.proof_of_work)).unwrap();
    answer["solution"]["counter"] = (answer["solution"]["counter"].as_u64().unwrap() + 1).into();

    let (status, body) = login_with(&browser, &answer.to_string()).await;
    assert_eq!(status, 400);
    assert!(body.contains("The check could not be verified"), "{body}");

    let (status, body) = login_with(&browser, "{not even json").await;
    assert_eq!(status, 400);
    assert!(body.contains("The check could not be verified"), "{body}");
}

async fn a_second_node_refuses_an_answer_the_first_accepted(db: Db) {
    let app = app_with_captcha(db).await;
    let answer = solve(&challenge(&app.browser()).await.proof_of_work);
    let other_node = app.browser_on_a_second_node().await;

    assert_eq!(login_with(&app.browser(), &answer).await.0, 200);
    let (status, body) = login_with(&other_node, &answer).await;

    assert_eq!(status, 400);
    assert!(body.contains("already been used"), "{body}");
}

async fn forgot_needs_the_captcha_too(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();

    let without = browser.post_form("/api/request_password_reset", &[("email", "alice@example.com")]).await;
    assert_eq!(without.status(), 400);

    let answer = solve(&challenge(&browser).await.proof_of_work);
    let form = [("email", "alice@example.com"), ("captcha", answer.as_str())];
    let with = browser.post_form("/api/request_password_reset", &form).await;
    assert_eq!(with.status(), 200);
    app.settle().await;
    assert_eq!(app.wait_for_mail(1).await.len(), 1);
}

async fn without_javascript_the_picture_is_typed_and_used_once(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let first = picture_on(&browser.get("/login").await.text().await.unwrap());
    let text = |token: &str| app.state.captcha.picture_text(token).unwrap();

    // A wrong guess spends the picture; the page it returns to shows a new one.
    let page = login_by_picture(&browser, &first, "zzzzz").await;
    assert!(page.contains("The characters did not match the picture."), "{page}");
    let second = picture_on(&page);
    assert_ne!(second, first);

    let page = login_by_picture(&browser, &first, &text(&first)).await;
    assert!(page.contains("This check has already been used."), "{page}");

    let typed = format!(" {} ", text(&second).to_uppercase());
    let form = login_form(&second, &typed);
    let right = browser.post_html_form("/api/login", "/login", &form).await;
    assert_eq!(right.status(), 302);
    assert_eq!(location(&right), "/account");
}

fn login_form<'a>(token: &'a str, typed: &'a str) -> [(&'static str, &'a str); 4] {
    [("email", "alice@example.com"), ("password", PASSWORD), ("captcha_picture", token), ("captcha_answer", typed)]
}

/// Posts the form as a browser without JavaScript does, and returns the page it comes back to.
async fn login_by_picture(browser: &Browser, token: &str, typed: &str) -> String {
    let refused = browser.post_html_form("/api/login", "/login", &login_form(token, typed)).await;
    assert_eq!(refused.status(), 302);
    browser.client.get(location(&refused)).send().await.unwrap().text().await.unwrap()
}

/// The picture's token in a page's no-JavaScript captcha.
fn picture_on(page: &str) -> String {
    let marker = r#"name="captcha_picture" value=""#;
    let start = page.find(marker).unwrap_or_else(|| panic!("no picture on the page: {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

async fn the_picture_and_its_sound_are_served_while_the_challenge_lives(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let token = challenge(&browser).await.picture;

    let picture = browser.get(&format!("/captcha/picture?c={token}")).await;
    assert_eq!(picture.status(), 200);
    assert_eq!(picture.headers()["content-type"], "image/png");
    assert_eq!(&picture.bytes().await.unwrap()[1..4], b"PNG");
    let sound = browser.get(&format!("/captcha/audio?c={token}")).await;
    assert_eq!(sound.status(), 200);
    assert_eq!(sound.headers()["content-type"], "audio/wav");

    let forged = browser.get(&format!("/captcha/picture?c={}0", token)).await;
    assert_eq!(forged.status(), 404);
    app.clock.advance(5 * 60 + 1);
    assert_eq!(browser.get(&format!("/captcha/picture?c={token}")).await.status(), 404);
}

async fn each_address_gets_a_ration_of_pictures(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let token = challenge(&browser).await.picture;

    // Made-up tokens count too: asking is what costs.
    for _ in 0..60 {
        assert_eq!(browser.get("/captcha/picture?c=made-up").await.status(), 404);
    }
    let refused = browser.get(&format!("/captcha/picture?c={token}")).await;

    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "600");
    app.clock.advance(10 * 60);
    let fresh = challenge(&browser).await.picture;
    assert_eq!(browser.get(&format!("/captcha/picture?c={fresh}")).await.status(), 200, "a new window");
}

#[tokio::test]
async fn an_operator_counts_captcha_outcomes_on_the_metrics_listener() {
    let app = TestApp::spawn_with(Db::Sqlite, |config| {
        config.captcha.mode = app::backend::config::CaptchaMode::Pow;
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    app.add_user("alice@example.com").await;
    let browser = app.browser();
    let answer = solve(&challenge(&browser).await.proof_of_work);
    assert_eq!(login_with(&browser, &answer).await.0, 200);
    assert_eq!(login_with(&app.browser(), &answer).await.0, 400);
    assert_eq!(login_with(&app.browser(), "").await.0, 400);

    let metrics = format!("http://{}/metrics", app.metrics_addr.expect("a metrics listener"));
    let scrape = reqwest::get(&metrics).await.unwrap().text().await.unwrap();
    for line in [
        r#"portal_captcha_checks_total{outcome="passed"} 1"#,
        r#"portal_captcha_checks_total{outcome="already_used"} 1"#,
        r#"portal_captcha_checks_total{outcome="missing"} 1"#,
    ] {
        assert!(scrape.lines().any(|l| l == line), "{line} missing from\n{scrape}");
    }
}

/// The `href` of the link named `name` on `page`.
fn link_on(page: &str, name: &str) -> String {
    let end = page.find(&format!(">{name}<")).unwrap_or_else(|| panic!("no link {name:?} on the page: {page}"));
    let start = page[..end].rfind("href=\"").unwrap() + "href=\"".len();
    page[start..end].split('"').next().unwrap().replace("&amp;", "&")
}

async fn without_javascript_another_picture_is_a_link_to_the_page_that_keeps_where_the_login_goes(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let page = browser.get("/login?next=%2Faccount%2Fpassword").await.text().await.unwrap();
    assert!(page.contains("Letters are not case-sensitive"), "{page}");
    let first = picture_on(&page);

    let another = link_on(&page, "Show another picture");
    assert_eq!(another, "/login?next=%2Faccount%2Fpassword");
    let page = browser.get(&another).await.text().await.unwrap();
    let second = picture_on(&page);
    assert_ne!(second, first, "a fresh challenge");
    assert_ne!(app.state.captcha.picture_text(&second), app.state.captcha.picture_text(&first));
    assert_eq!(link_on(&page, "Show another picture"), another, "again and again");

    // The new picture answers for the form as the first would have, and the login goes on.
    let text = app.state.captcha.picture_text(&second).unwrap();
    let mut form = login_form(&second, &text).to_vec();
    form.push(("next", "/account/password"));
    let right = browser.post_html_form("/api/login", &another, &form).await;
    assert_eq!((right.status().as_u16(), location(&right)), (302, "/account/password".to_owned()));

    let forgot = app.browser().get("/forgot").await.text().await.unwrap();
    assert_eq!(link_on(&forgot, "Show another picture"), "/forgot");
}

/// Pictures are named by signed tokens: showing one, or another, writes nothing. Only an
/// answer is recorded, until its challenge expires.
async fn a_new_picture_stores_nothing_and_the_one_before_still_works_once_until_it_expires(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let first = picture_on(&browser.get("/login").await.text().await.unwrap());
    for _ in 0..20 {
        let page = browser.get("/login").await.text().await.unwrap();
        assert_eq!(browser.get(&format!("/captcha/picture?c={}", picture_on(&page))).await.status(), 200);
    }
    let far_future = app.state.clock.now() + 365 * 24 * 60 * 60;
    assert_eq!(app.state.store.purge_spent_captchas(far_future).await.unwrap(), 0, "nothing stored");

    let text = app.state.captcha.picture_text(&first).unwrap();
    let right = browser.post_html_form("/api/login", "/login", &login_form(&first, &text)).await;
    assert_eq!((right.status().as_u16(), location(&right)), (302, "/account".to_owned()));
    let page = login_by_picture(&app.browser(), &first, &text).await;
    assert!(page.contains("This check has already been used."), "{page}");
    assert_eq!(app.state.store.purge_spent_captchas(far_future).await.unwrap(), 1, "one answer recorded");

    let late = picture_on(&app.browser().get("/login").await.text().await.unwrap());
    app.clock.advance(5 * 60 + 1);
    let page = login_by_picture(&app.browser(), &late, &app.state.captcha.picture_text(&late).unwrap()).await;
    assert!(page.contains("The check has expired."), "{page}");
}

async fn a_page_in_dark_mode_gets_the_picture_in_dark_colours(db: Db) {
    let app = app_with_captcha(db).await;
    let browser = app.browser();
    let page = browser.get("/login").await.text().await.unwrap();
    let token = picture_on(&page);
    let source =
        format!(r#"<source srcset="/captcha/picture?c={token}&amp;scheme=dark" media="(prefers-color-scheme: dark)""#);
    assert!(page.contains(&source), "{page}");

    let picture = format!("/captcha/picture?c={token}");
    let (status, light) = fetch(&browser, &picture).await;
    assert_eq!(status, 200);
    let (status, dark) = fetch(&browser, &format!("{picture}&scheme=dark")).await;
    assert_eq!((status, &dark[1..4]), (200, &b"PNG"[..]));
    assert_ne!(dark, light);
    assert_eq!(fetch(&browser, &format!("{picture}&scheme=light")).await, (200, light), "the same picture each time");
    assert_eq!(fetch(&browser, &format!("{picture}&scheme=purple")).await.0, 400);
}

async fn fetch(browser: &Browser, path: &str) -> (u16, Vec<u8>) {
    let response = browser.get(path).await;
    (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}
