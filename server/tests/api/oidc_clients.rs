//! The operator registers the apps that sign people in through the portal, with the `portal
//! client` commands: what each prints, what is stored, and what is refused.

use app::backend::secrets::secret_token::SecretToken;

use crate::helpers::{on_both_databases, portal_cli, Db, TestApp};

on_both_databases!(
    a_confidential_client_s_secret_is_shown_once_and_kept_only_as_its_hash,
    a_public_client_gets_no_secret_and_signs_with_the_algorithm_it_chose,
    a_new_secret_replaces_the_old_one_at_once,
    a_removed_client_is_gone_and_an_unknown_one_is_named,
    a_bad_registration_is_refused_with_its_reason_and_stores_nothing,
);

async fn a_confidential_client_s_secret_is_shown_once_and_kept_only_as_its_hash(db: Db) {
    let app = TestApp::spawn(db).await;

    let added = portal_cli(
        &app,
        &[
            "client",
            "add",
            "Billing",
            "--redirect-uri",
            "https://billing.example.com/callback",
            "--redirect-uri",
            "http://127.0.0.1:8080/callback",
            "--post-logout-redirect-uri",
            "https://billing.example.com/bye",
            "--home-url",
            "https://billing.example.com/",
            "--trusted",
        ],
    )
    .await;

    assert!(added.success, "{}", added.stderr);
    let client_id = added.value("client_id").unwrap();
    let secret = SecretToken::parse(&added.value("client_secret").unwrap()).expect("256 random bits, base64url");
    assert!(client_id.len() >= 22 && client_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let stored = app.state.store.client_secret_hash(&client_id).await.unwrap().unwrap();
    assert!(secret.matches_hash(&stored), "the stored value is the secret's hash");
    assert_ne!(stored, secret.expose().as_bytes(), "never the secret itself");
    let client = app.state.store.find_client(&client_id).await.unwrap().unwrap();
    assert_eq!(client.name, "Billing");
    assert!(client.confidential && client.trusted);
    assert_eq!(client.redirect_uris, ["https://billing.example.com/callback", "http://127.0.0.1:8080/callback"]);
    assert_eq!(client.post_logout_redirect_uris, ["https://billing.example.com/bye"]);
    assert_eq!(client.home_url.as_deref(), Some("https://billing.example.com/"));
    assert_eq!(client.id_token_alg, "ES256", "the default");
    let listed = portal_cli(&app, &["client", "list"]).await;
    assert!(listed.success, "{}", listed.stderr);
    let line = listed.stdout.lines().find(|l| l.starts_with(&client_id)).unwrap();
    for shown in ["Billing", "confidential", "trusted", "ES256", "https://billing.example.com/callback"] {
        assert!(line.contains(shown), "{shown} in {line}");
    }
    assert!(!listed.stdout.contains(secret.expose()), "the secret is shown once, at registration");
}

async fn a_public_client_gets_no_secret_and_signs_with_the_algorithm_it_chose(db: Db) {
    let app = TestApp::spawn(db).await;

    let added = portal_cli(
        &app,
        &["client", "add", "Phone app", "--redirect-uri", "http://[::1]/cb", "--public", "--id-token-alg", "RS256"],
    )
    .await;

    assert!(added.success, "{}", added.stderr);
    assert_eq!(added.value("client_secret"), None, "{}", added.stdout);
    let client_id = added.value("client_id").unwrap();
    let client = app.state.store.find_client(&client_id).await.unwrap().unwrap();
    assert!(!client.confidential && !client.trusted);
    assert_eq!(client.id_token_alg, "RS256");
    let refused = portal_cli(&app, &["client", "new-secret", &client_id]).await;
    assert!(!refused.success);
    assert!(refused.stderr.contains("is public"), "{}", refused.stderr);
    assert_eq!(app.state.store.client_secret_hash(&client_id).await.unwrap(), None, "still no secret");
}

async fn a_new_secret_replaces_the_old_one_at_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let added = portal_cli(&app, &["client", "add", "Desk", "--redirect-uri", "https://desk.example.com/cb"]).await;
    let client_id = added.value("client_id").unwrap();
    let old = SecretToken::parse(&added.value("client_secret").unwrap()).unwrap();

    let renewed = portal_cli(&app, &["client", "new-secret", &client_id]).await;

    assert!(renewed.success, "{}", renewed.stderr);
    let new = SecretToken::parse(&renewed.value("client_secret").unwrap()).unwrap();
    let stored = app.state.store.client_secret_hash(&client_id).await.unwrap().unwrap();
    assert!(new.matches_hash(&stored));
    assert!(!old.matches_hash(&stored), "the old secret no longer works");
}

async fn a_removed_client_is_gone_and_an_unknown_one_is_named(db: Db) {
    let app = TestApp::spawn(db).await;
    let added = portal_cli(&app, &["client", "add", "Mail", "--redirect-uri", "https://mail.example.com/cb"]).await;
    let client_id = added.value("client_id").unwrap();

    let removed = portal_cli(&app, &["client", "remove", &client_id]).await;

    assert!(removed.success, "{}", removed.stderr);
    assert!(app.state.store.find_client(&client_id).await.unwrap().is_none());
    assert_eq!(portal_cli(&app, &["client", "list"]).await.stdout.trim(), "No clients.");
    for command in ["remove", "new-secret"] {
        let unknown = portal_cli(&app, &["client", command, &client_id]).await;
        assert!(!unknown.success, "{command}");
        assert!(
            unknown.stderr.contains(&format!("no client has the id '{client_id}'")),
            "{command}: {}",
            unknown.stderr
        );
    }
}

async fn a_bad_registration_is_refused_with_its_reason_and_stores_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let refusals: [(&[&str], &str); 8] = [
        (&["--redirect-uri", "http://app.example.com/cb"], "loopback"),
        (&["--redirect-uri", "https://app.example.com/cb#x"], "fragment"),
        (&["--redirect-uri", "/callback"], "not an absolute URI"),
        (&["--redirect-uri", "javascript:alert(1)"], "only https"),
        (
            &["--redirect-uri", "https://ok.example.com/cb", "--post-logout-redirect-uri", "http://x.example.com/"],
            "--post-logout-redirect-uri",
        ),
        (&["--redirect-uri", "https://ok.example.com/cb", "--home-url", "home"], "--home-url"),
        (&["--redirect-uri", "https://ok.example.com/cb", "--id-token-alg", "HS256"], "not one of: ES256, RS256"),
        (&[], "--redirect-uri"),
    ];
    for (options, why) in refusals {
        let args: Vec<&str> = ["client", "add", "App"].into_iter().chain(options.iter().copied()).collect();
        let refused = portal_cli(&app, &args).await;
        assert!(!refused.success, "{args:?} was accepted");
        assert!(refused.stderr.contains(why), "{args:?}: {}", refused.stderr);
        assert!(!refused.stderr.contains("panicked"), "{}", refused.stderr);
    }
    let unnamed = portal_cli(&app, &["client", "add", " ", "--redirect-uri", "https://ok.example.com/cb"]).await;
    assert!(!unnamed.success && unnamed.stderr.contains("needs a name"), "{}", unnamed.stderr);
    assert!(app.state.store.list_clients().await.unwrap().is_empty(), "nothing was stored");
}
