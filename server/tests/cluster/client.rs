//! A browser as the cluster sees it: its own cookie jar and its own source address, solving
//! the proof-of-work captcha the way the page does.

use std::{net::IpAddr, sync::Arc, time::Duration};

use app::captcha::{solve_slice, FormCaptcha};
use reqwest::redirect::Policy;

/// The source address of client `n` in group `group`: 127.group.x.y. Every address in 127/8
/// is this machine's, and HAProxy writes it into `X-Forwarded-For`, so each client has per-
/// address budgets of its own, as separate people would.
pub fn address(group: u8, n: u32) -> IpAddr {
    let n = n % (250 * 250);
    IpAddr::from([127, group, (n / 250) as u8, (n % 250 + 1) as u8])
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    jar: Arc<reqwest::cookie::Jar>,
}

/// An answer: its status, the node HAProxy sent the request to, and its body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub node: Option<String>,
    pub body: String,
}

impl Client {
    /// A browser at `source` talking to `base` (the balancer, or one node directly).
    pub fn new(base: &str, source: IpAddr, timeout: Duration) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .local_address(source)
            .connect_timeout(timeout)
            .timeout(timeout)
            .build()
            .unwrap();
        Self { http, base: base.to_owned(), jar }
    }

    /// The same browser (address, cookies) talking to another address: one node directly.
    pub fn at(&self, base: &str) -> Self {
        Self { http: self.http.clone(), base: base.to_owned(), jar: self.jar.clone() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<Answer> {
        answer(self.http.get(format!("{}{path}", self.base))).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Result<Answer> {
        answer(self.http.post(format!("{}{path}", self.base)).form(form)).await
    }

    /// A fresh challenge from whichever node answers, solved: what the page puts in the form.
    pub async fn solve_captcha(&self) -> reqwest::Result<String> {
        let response = self.http.post(format!("{}/api/new_captcha", self.base)).send().await?.error_for_status()?;
        let challenge = match response.json().await? {
            Some(FormCaptcha::ProofOfWork(challenge)) => challenge,
            other => panic!("the nodes run the proof of work, but the form got {other:?}"),
        };
        let json = challenge.proof_of_work;
        Ok((0..).find_map(|index| solve_slice(&json, index, 50).unwrap()).unwrap())
    }

    /// Logs in with a freshly solved captcha.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Result<Answer> {
        let captcha = self.solve_captcha().await?;
        self.login_with_captcha(email, password, &captcha).await
    }

    pub async fn login_with_captcha(&self, email: &str, password: &str, captcha: &str) -> reqwest::Result<Answer> {
        self.post("/api/login", &[("email", email), ("password", password), ("captcha", captcha)]).await
    }

    pub async fn change_password(&self, current: &str, new: &str) -> reqwest::Result<Answer> {
        let form = [("current_password", current), ("new_password", new), ("confirm_password", new)];
        self.post("/api/change_password", &form).await
    }
}

async fn answer(request: reqwest::RequestBuilder) -> reqwest::Result<Answer> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let node = response.headers().get("x-served-by").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.text().await?;
    Ok(Answer { status, node, body })
}

/// A strong password of 20 random characters that the default policy accepts for `email`.
pub fn strong_password(email: &str) -> String {
    use rand::{seq::IndexedRandom as _, Rng as _};
    const LOWER: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ";
    const OTHER: &[u8] = b"23456789!#$%&*+-=?@^_~";
    let policy = app::password_policy::PasswordPolicy::default();
    let email = app::domain::Email::parse(email).unwrap();
    let mut rng = rand::rng();
    loop {
        let mut password: String = (0..20)
            .map(|i| {
                let set = [LOWER, UPPER, OTHER][if i < 3 { i } else { rng.random_range(0..3) }];
                *set.choose(&mut rng).unwrap() as char
            })
            .collect();
        password.push('!');
        if app::backend::steps::new_password_check::parse(&password, &policy, &email, app::brand::DEFAULT_SITE_NAME)
            .is_ok()
        {
            return password;
        }
    }
}
