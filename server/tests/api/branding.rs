//! An operator names the portal and gives it a logo: sign-in pages, titles and mail show them.

use app::backend::config::BrandSettings;
use reqwest::header;

use crate::helpers::{on_both_databases, Db, TestApp};

on_both_databases!(an_operator_s_name_and_logo_are_on_the_sign_in_pages_in_titles_and_in_mail,);

const LOGO: &str =
    r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#0a7"/></svg>"##;

async fn an_operator_s_name_and_logo_are_on_the_sign_in_pages_in_titles_and_in_mail(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let logo_file = dir.path().join("logo.svg");
    std::fs::write(&logo_file, LOGO).unwrap();
    let app = TestApp::spawn_with(db, |config| {
        config.brand = BrandSettings::parse("Example Hosting", logo_file.to_str()).unwrap();
    })
    .await;
    app.add_user("ann@example.com").await;
    let browser = app.browser();

    let login = browser.get("/login").await.text().await.unwrap();
    assert!(login.contains("<title>Log in · Example Hosting</title>"), "{login}");
    assert!(login.contains(r#"<meta name="application-name" content="Example Hosting">"#), "{login}");
    let logo_url = login
        .split(r#"<header class="site-header"><a href="/login" class="site-name"><img src=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no logo above the card: {login}"))
        .to_owned();
    assert!(logo_url.starts_with("/brand/logo.") && logo_url.ends_with(".svg"), "{logo_url}");
    for page in ["/forgot", "/reset"] {
        let html = browser.get(page).await.text().await.unwrap();
        assert!(html.contains(&logo_url) && html.contains("Example Hosting"), "{page}: {html}");
    }

    // The logo is served from memory, kept until it changes, and can run nothing.
    let logo = browser.get(&logo_url).await;
    assert_eq!(logo.status(), 200);
    let headers = logo.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("sandbox"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(logo.text().await.unwrap(), LOGO);
    assert_eq!(browser.get("/brand/logo.0000000000000000.svg").await.status(), 404);

    // Signed in, the top bar carries them too.
    let signed_in = app.logged_in("ann@example.com").await;
    let account = signed_in.get("/account").await.text().await.unwrap();
    assert!(account.contains("<title>Your account · Example Hosting</title>"), "{account}");
    assert!(account.contains(&format!(r#"class="brand"><img src="{logo_url}""#)), "{account}");

    // And mail is signed with the name.
    let asked = browser.post_form("/api/request_password_reset", &[("email", "ann@example.com")]).await;
    assert_eq!(asked.status(), 200);
    let mail = app.wait_for_mail(1).await.remove(0);
    assert!(mail.contains("Example Hosting"), "{mail}");
}
