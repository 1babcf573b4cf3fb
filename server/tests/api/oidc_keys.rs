//! The OpenID provider's signing keys: the JWKS every node publishes, ID tokens that verify
//! against it (with `jsonwebtoken`'s own JWK decoding) before and after `portal oidc
//! rotate-keys`, and one key per algorithm however many nodes start at once.

use app::backend::{
    secrets::oidc_keys::SigningAlg,
    steps::id_token::{self, IdTokenClaims, IdTokenError, PUBLICATION_LEAD, RETIREMENT_DELAY},
    store::AccountId,
    use_cases::oidc_keys,
};
use jsonwebtoken::{jwk::JwkSet, Algorithm, DecodingKey, Validation};

use crate::helpers::{empty_store, on_both_databases, portal_cli, Db, TestApp};

on_both_databases!(
    the_jwks_publishes_one_public_key_per_algorithm_and_every_node_the_same,
    tokens_signed_before_and_after_a_rotation_verify_against_the_jwks,
    nodes_starting_together_end_with_one_key_per_algorithm,
    a_key_sealed_under_another_deployment_key_signs_nothing,
);

const CLIENT: &str = "billing-client";

fn claims(app: &TestApp) -> IdTokenClaims {
    let now = app.clock.now();
    IdTokenClaims {
        iss: app.base(),
        sub: AccountId::generate(),
        aud: CLIENT.into(),
        exp: now + id_token::ID_TOKEN_LIFETIME.as_secs() as i64,
        iat: now,
        auth_time: now - 5,
        nonce: Some("n-0S6_WzA2Mj".into()),
        amr: vec!["pwd".into()],
        email: "ann@example.com".into(),
        email_verified: true,
    }
}

async fn fetch_jwks(base: &str) -> (reqwest::header::HeaderMap, JwkSet) {
    let response = reqwest::get(format!("{base}/oidc/jwks")).await.unwrap();
    assert_eq!(response.status(), 200);
    (response.headers().clone(), response.json().await.unwrap())
}

/// What a relying party does: the key named by the token's `kid`, from the JWKS, checks it.
fn verify(token: &str, jwks: &JwkSet, app: &TestApp, alg: Algorithm) -> Result<IdTokenClaims, String> {
    let kid = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?.kid.ok_or("no kid")?;
    let jwk = jwks.find(&kid).ok_or(format!("the kid {kid} is not in the JWKS"))?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| e.to_string())?;
    let mut validation = Validation::new(alg);
    validation.set_audience(&[CLIENT]);
    validation.set_issuer(&[app.base()]);
    jsonwebtoken::decode::<IdTokenClaims>(token, &key, &validation).map(|data| data.claims).map_err(|e| e.to_string())
}

fn kid(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

async fn the_jwks_publishes_one_public_key_per_algorithm_and_every_node_the_same(db: Db) {
    let app = TestApp::spawn(db).await;

    let response = reqwest::get(format!("{}/oidc/jwks", app.base())).await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], format!("public, max-age={}", id_token::JWKS_MAX_AGE.as_secs()));
    let body: serde_json::Value = response.json().await.unwrap();
    let keys = body["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{body}");
    let of = |alg: &str| keys.iter().find(|k| k["alg"] == alg).unwrap_or_else(|| panic!("no {alg} key: {body}"));
    let (ec, rsa) = (of("ES256"), of("RS256"));
    assert_eq!((ec["kty"].as_str(), ec["crv"].as_str()), (Some("EC"), Some("P-256")));
    assert!(ec["x"].is_string() && ec["y"].is_string());
    assert_eq!(rsa["kty"], "RSA");
    assert!(rsa["n"].as_str().unwrap().len() >= 342, "a 2048-bit modulus");
    assert_eq!(rsa["e"], "AQAB");
    for key in keys {
        assert_eq!(key["use"], "sig");
        assert!(key["kid"].as_str().is_some_and(|kid| !kid.is_empty()));
        for private in ["d", "p", "q", "dp", "dq", "qi"] {
            assert!(key.get(private).is_none(), "a private parameter {private} is published");
        }
    }
    let second = app.browser_on_a_second_node().await;
    let (_, elsewhere) = fetch_jwks(&second.base).await;
    assert_eq!(serde_json::to_value(elsewhere).unwrap(), body, "the second node publishes the same keys");
}

async fn tokens_signed_before_and_after_a_rotation_verify_against_the_jwks(db: Db) {
    let app = TestApp::spawn(db).await;
    let es_before = id_token::sign(&app.state, &claims(&app), SigningAlg::Es256).await.unwrap();
    let rs_before = id_token::sign(&app.state, &claims(&app), SigningAlg::Rs256).await.unwrap();

    let rotated = portal_cli(&app, &["oidc", "rotate-keys"]).await;

    assert!(rotated.success, "{}", rotated.stderr);
    assert_eq!(rotated.stdout.lines().filter(|l| l.contains("added the key")).count(), 2, "{}", rotated.stdout);
    let (_, published) = fetch_jwks(&app.base()).await;
    assert_eq!(published.keys.len(), 4, "the new keys are published before they sign");
    let es_soon = id_token::sign(&app.state, &claims(&app), SigningAlg::Es256).await.unwrap();
    assert_eq!(kid(&es_soon), kid(&es_before), "the old key signs until the new one's time comes");

    app.clock.advance(PUBLICATION_LEAD.as_secs() as i64 + 60);
    let es_after = id_token::sign(&app.state, &claims(&app), SigningAlg::Es256).await.unwrap();
    let rs_after = id_token::sign(&app.state, &claims(&app), SigningAlg::Rs256).await.unwrap();

    assert_ne!(kid(&es_after), kid(&es_before), "the new ES256 key signs");
    assert_ne!(kid(&rs_after), kid(&rs_before), "the new RS256 key signs");
    let (_, jwks) = fetch_jwks(&app.base()).await;
    for (token, alg) in [
        (&es_before, Algorithm::ES256),
        (&rs_before, Algorithm::RS256),
        (&es_after, Algorithm::ES256),
        (&rs_after, Algorithm::RS256),
    ] {
        let verified = verify(token, &jwks, &app, alg).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(verified.nonce.as_deref(), Some("n-0S6_WzA2Mj"));
    }
    for token in [&es_after, &rs_after] {
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let claims_json = String::from_utf8(base64_decode(&parts[1])).unwrap();
        parts[1] = base64_encode(claims_json.replace("ann@example.com", "eve@example.com").as_bytes());
        let tampered = parts.join(".");
        assert!(verify(&tampered, &jwks, &app, alg_of(token)).is_err(), "a changed claim does not verify");
    }

    app.clock.advance(RETIREMENT_DELAY.as_secs() as i64);
    let (_, later) = fetch_jwks(&app.base()).await;
    assert_eq!(later.keys.len(), 2, "the old keys leave once no token of theirs can be valid");
    assert!(later.find(&kid(&es_after)).is_some() && later.find(&kid(&es_before)).is_none());
}

fn alg_of(token: &str) -> Algorithm {
    jsonwebtoken::decode_header(token).unwrap().alg
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Three nodes on a database with no keys yet each make keys at once; the database keeps one
/// per algorithm, and every node signs with it.
async fn nodes_starting_together_end_with_one_key_per_algorithm(db: Db) {
    let app = TestApp::spawn(db).await;
    let (store, _url, _dir) = empty_store(db).await;
    store.migrate().await.unwrap();
    let mut nodes = Vec::new();
    for _ in 0..3 {
        let pool = match &store {
            app::backend::store::Store::Sqlite(pool) => app::backend::store::Store::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new().connect_with((*pool.connect_options()).clone()).await.unwrap(),
            ),
            app::backend::store::Store::Postgres(pool) => {
                app::backend::store::Store::connect_postgres((*pool.connect_options()).clone()).await.unwrap()
            }
        };
        let config = (*app.state.config).clone();
        nodes.push(portal::startup::build_state_with_store(config, pool, app.clock.clone()).unwrap());
    }

    let started = futures_util::future::join_all(nodes.iter().map(oidc_keys::ensure_signing_keys)).await;

    assert!(started.iter().all(Result::is_ok), "{started:?}");
    for alg in SigningAlg::ALL {
        assert_eq!(store.signing_keys(alg.as_str()).await.unwrap().len(), 1, "one {alg} key");
    }
    let mut kids = std::collections::BTreeSet::new();
    for node in &nodes {
        kids.insert(kid(&id_token::sign(node, &claims(&app), SigningAlg::Es256).await.unwrap()));
    }
    assert_eq!(kids.len(), 1, "every node signs with the same key");
}

/// A node given the wrong deployment key cannot open the keys: an error that says so, never a
/// token signed with something else, never a panic.
async fn a_key_sealed_under_another_deployment_key_signs_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut config = (*app.state.config).clone();
    config.secret_key =
        app::backend::config::KeySource::Given("another-deployment-key-0123456789abcdef0123".to_owned().into());
    let misconfigured =
        portal::startup::build_state_with_store(config, app.second_node_store().await, app.clock.clone()).unwrap();

    let refused = id_token::sign(&misconfigured, &claims(&app), SigningAlg::Es256).await;

    match refused {
        Err(IdTokenError::Unreadable { alg: SigningAlg::Es256, .. }) => {}
        other => panic!("expected an unreadable key, got {other:?}"),
    }
    assert!(id_token::sign(&app.state, &claims(&app), SigningAlg::Es256).await.is_ok(), "the right key still signs");
}
