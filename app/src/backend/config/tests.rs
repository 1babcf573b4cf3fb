//! Every bad value stops start-up with one line naming its setting.

use super::*;

fn raw() -> RawConfig {
    RawConfig::default()
}

proptest::proptest! {
    #[test]
    fn any_setting_is_accepted_or_refused_by_name_without_panicking(
        text in "\\PC{0,40}|[a-z]{2,10}://[ -~]{0,30}",
        which in 0usize..9,
        number in proptest::prelude::any::<u64>(),
    ) {
        let mut raw = raw();
        match which {
            0 => raw.listen = text,
            1 => raw.public_url = Some(text),
            2 => raw.database_url = text,
            3 => raw.smtp_url = text,
            4 => raw.mail_from = text,
            5 => raw.trusted_proxies = text,
            6 => raw.client_address_header = Some(text),
            7 => raw.captcha = text,
            _ => raw.session_idle_secs = number,
        }
        if let Err(e) = Config::from_raw(raw) {
            proptest::prop_assert!(e.to_string().contains("PORTAL_"), "{}", e);
        }
    }
}

#[test]
fn defaults_serve_sqlite_on_localhost_without_secure_cookies() {
    let config = Config::from_raw(raw()).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
    assert_eq!(config.public_url.as_str(), "http://127.0.0.1:3000/");
    assert!(!config.cookie_secure);
    assert!(
        matches!(config.mail_transport, MailTransport::Files(ref dir) if dir == std::path::Path::new("./data/mail"))
    );
    assert!(matches!(config.database, Database::Sqlite(ref path) if path == std::path::Path::new("data/portal.db")));
    assert!(matches!(config.captcha.mode, CaptchaMode::Pow));
    assert!(matches!(&config.captcha.key, CaptchaKeySource::File(path) if path.starts_with("data")));
    assert_eq!((config.captcha.cost, config.captcha.difficulty, config.captcha.lifetime.as_secs()), (1_000, 2, 300));
    assert!(config.client_address.header.is_none());
    assert!(config.captcha.provider().is_none());
    assert!(config.hash_concurrency >= 1);
    assert_eq!(
        (config.login_lockout_after, config.login_lockout.as_secs(), config.login_attempts_per_address),
        (10, 900, 50)
    );
}

#[test]
fn an_https_public_url_makes_cookies_secure() {
    let config =
        Config::from_raw(RawConfig { public_url: Some("https://account.example.com".into()), ..raw() }).unwrap();
    assert!(config.cookie_secure);
    assert_eq!(config.link("/reset"), "https://account.example.com/reset");
    assert_eq!(config.hsts.as_deref(), Some("max-age=31536000"));
    let subdomains =
        RawConfig { public_url: Some("https://account.example.com".into()), hsts_include_subdomains: true, ..raw() };
    assert_eq!(Config::from_raw(subdomains).unwrap().hsts.as_deref(), Some("max-age=31536000; includeSubDomains"));
    assert_eq!(Config::from_raw(raw()).unwrap().hsts, None, "no HSTS over plain http");
}

#[test]
fn bad_values_name_the_setting() {
    let cases = [
        (RawConfig { listen: "localhost".into(), ..raw() }, "PORTAL_LISTEN"),
        (RawConfig { public_url: Some("ftp://x".into()), ..raw() }, "PORTAL_PUBLIC_URL"),
        (RawConfig { public_url: Some("https://x.example/app".into()), ..raw() }, "PORTAL_PUBLIC_URL"),
        (RawConfig { database_url: "mysql://x".into(), ..raw() }, "PORTAL_DATABASE_URL"),
        (RawConfig { smtp_url: "http://mail".into(), ..raw() }, "PORTAL_SMTP_URL"),
        (RawConfig { smtp_url: "smtp://mail.example.com/path".into(), ..raw() }, "PORTAL_SMTP_URL"),
        (RawConfig { mail_from: "no-reply@@portal.invalid".into(), ..raw() }, "PORTAL_MAIL_FROM"),
        (RawConfig { session_idle_secs: 0, ..raw() }, "PORTAL_SESSION_IDLE_SECS"),
        (RawConfig { session_lifetime_secs: 0, ..raw() }, "PORTAL_SESSION_LIFETIME_SECS"),
        (RawConfig { reset_link_lifetime_secs: 59, ..raw() }, "PORTAL_RESET_LINK_LIFETIME_SECS"),
        (RawConfig { captcha: "maybe".into(), ..raw() }, "PORTAL_CAPTCHA"),
        (RawConfig { ipv6_prefix: 0, ..raw() }, "PORTAL_IPV6_PREFIX"),
        (RawConfig { max_connections: 0, ..raw() }, "PORTAL_MAX_CONNECTIONS"),
        (RawConfig { header_read_timeout_secs: 0, ..raw() }, "PORTAL_HEADER_READ_TIMEOUT_SECS"),
        (RawConfig { request_timeout_secs: 0, ..raw() }, "PORTAL_REQUEST_TIMEOUT_SECS"),
        (RawConfig { shutdown_grace_secs: 7200, ..raw() }, "PORTAL_SHUTDOWN_GRACE_SECS"),
        (RawConfig { ipv6_prefix: 129, ..raw() }, "PORTAL_IPV6_PREFIX"),
        (RawConfig { captcha_key: Some("short".into()), ..raw() }, "PORTAL_CAPTCHA_KEY"),
        (RawConfig { secret_key: Some("short".into()), ..raw() }, "PORTAL_SECRET_KEY"),
        (RawConfig { captcha_cost: 0, ..raw() }, "PORTAL_CAPTCHA_COST"),
        (RawConfig { captcha_difficulty: 9, ..raw() }, "PORTAL_CAPTCHA_DIFFICULTY"),
        (RawConfig { captcha_lifetime_secs: 5, ..raw() }, "PORTAL_CAPTCHA_LIFETIME_SECS"),
        (RawConfig { captcha: "turnstile".into(), ..raw() }, "PORTAL_CAPTCHA_SITE_KEY"),
        (
            RawConfig { captcha: "hcaptcha".into(), captcha_site_key: Some("site".into()), ..raw() },
            "PORTAL_CAPTCHA_SECRET",
        ),
        (RawConfig { client_address_header: Some("bad header".into()), ..raw() }, "PORTAL_CLIENT_ADDRESS_HEADER"),
        (RawConfig { trusted_proxies: "10.0.0.1, proxy".into(), ..raw() }, "PORTAL_TRUSTED_PROXIES"),
        (RawConfig { argon2_memory_kib: 1, ..raw() }, "PORTAL_ARGON2_MEMORY_KIB"),
        (RawConfig { password_policy: "weak".into(), ..raw() }, "PORTAL_PASSWORD_POLICY"),
        (RawConfig { password_min_length: Some(4), ..raw() }, "PORTAL_PASSWORD_MIN_LENGTH"),
        (RawConfig { password_min_score: Some(5), ..raw() }, "PORTAL_PASSWORD_MIN_SCORE"),
        (RawConfig { login_lockout_after: 0, ..raw() }, "PORTAL_LOGIN_LOCKOUT_AFTER"),
        (RawConfig { login_lockout_after: 101, ..raw() }, "PORTAL_LOGIN_LOCKOUT_AFTER"),
        (RawConfig { login_lockout_secs: 0, ..raw() }, "PORTAL_LOGIN_LOCKOUT_SECS"),
        (RawConfig { login_attempts_per_address: 0, ..raw() }, "PORTAL_LOGIN_ATTEMPTS_PER_ADDRESS"),
    ];
    for (raw, setting) in cases {
        let err = Config::from_raw(raw).unwrap_err();
        assert_eq!(err.setting, setting, "{err}");
    }
}

#[test]
fn an_operator_can_choose_the_nist_policy_and_adjust_it() {
    let config =
        Config::from_raw(RawConfig { password_policy: "nist".into(), password_min_length: Some(16), ..raw() }).unwrap();
    assert_eq!(config.password_policy.min_length, 16);
    assert!(!config.password_policy.require_symbol);
    assert_eq!(Config::from_raw(raw()).unwrap().password_policy, PasswordPolicy::default());
}

#[test]
fn a_proxy_header_is_read_only_from_the_listed_proxies() {
    let config = Config::from_raw(RawConfig {
        client_address_header: Some("X-Forwarded-For".into()),
        trusted_proxies: "10.0.0.5, ::1".into(),
        ..raw()
    })
    .unwrap();
    assert_eq!(config.client_address.header.unwrap().as_str(), "x-forwarded-for");
    assert_eq!(config.client_address.trusted_proxies.len(), 2);
}

#[test]
fn a_third_party_captcha_defaults_to_its_own_verify_url() {
    let config = Config::from_raw(RawConfig {
        captcha: "turnstile".into(),
        captcha_site_key: Some("0x4AAA".into()),
        captcha_secret: Some("0x4BBB".into()),
        ..raw()
    })
    .unwrap();
    let provider = config.captcha.provider().unwrap();
    assert_eq!(provider.verify_url.as_str(), "https://challenges.cloudflare.com/turnstile/v0/siteverify");
    assert_eq!(provider.site_key, "0x4AAA");
    assert_eq!(provider.hostname, "127.0.0.1", "tokens must come from the public URL's host");
}

#[test]
fn the_captcha_secret_goes_out_over_tls_or_to_this_machine_only() {
    let with_url = |url: &str| RawConfig {
        captcha: "hcaptcha".into(),
        captcha_site_key: Some("site".into()),
        captcha_secret: Some("secret".into()),
        captcha_verify_url: Some(url.into()),
        ..raw()
    };
    for url in
        ["http://127.0.0.1:9000/siteverify", "http://[::1]:9000/v", "http://localhost/v", "https://verify.example/v"]
    {
        assert!(Config::from_raw(with_url(url)).is_ok(), "{url}");
    }
    for url in ["http://verify.example/siteverify", "http://10.0.0.7/v", "ftp://127.0.0.1/v"] {
        let error = Config::from_raw(with_url(url)).unwrap_err().to_string();
        assert!(error.contains("PORTAL_CAPTCHA_VERIFY_URL"), "{url}: {error}");
    }
}

#[test]
fn smtp_urls_are_accepted() {
    let config = Config::from_raw(RawConfig { smtp_url: "smtps://mail.example.com:465".into(), ..raw() }).unwrap();
    let MailTransport::Smtp(smtp) = config.mail_transport else { panic!("smtps:// is SMTP") };
    assert_eq!((smtp.host.as_str(), smtp.port, smtp.security), ("mail.example.com", 465, Security::ImplicitTls));
}

#[test]
fn the_reset_link_lifetime_is_said_in_words() {
    let words = |secs| {
        Config::from_raw(RawConfig { reset_link_lifetime_secs: secs, ..raw() }).unwrap().reset_link_lifetime_words()
    };
    assert_eq!(words(7200), "2 hours");
    assert_eq!(words(3600), "1 hour");
    assert_eq!(words(5400), "90 minutes");
}
