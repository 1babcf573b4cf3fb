//! What the captcha costs the server: issuing a challenge, checking a solved one (PBKDF2 at the
//! default cost, then the single-use record in SQLite), and drawing the picture and its sound
//! for browsers without JavaScript. Also what solving costs natively, for comparison with the
//! browser (`cd end2end && npm run bench:captcha`). Prints figures, asserts nothing.
//!
//!     cargo bench -p portal --bench captcha
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark stops at a broken setup")]

mod support;

use std::time::{Duration, Instant};

use app::{
    backend::{
        captcha::Captcha, captcha::CaptchaAnswer, captcha::PictureScheme, clock::Clock, config::CaptchaKeySource,
        config::CaptchaMode, config::Config, store::Store,
    },
    captcha::solve_slice,
};
use support::report;

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect_sqlite(&dir.path().join("bench.db")).await.unwrap();
    store.migrate().await.unwrap();
    let mut settings = Config::for_database("sqlite://unused").unwrap().captcha;
    settings.mode = CaptchaMode::Pow;
    settings.key = CaptchaKeySource::Given("bench-captcha-key-0123456789abcdef0123456789".to_owned().into());
    let (cost, difficulty) = (settings.cost, settings.difficulty);
    let captcha = Captcha::load(&settings).unwrap();
    let now = Clock::system().now();

    let mut issue = Vec::new();
    let mut solve = Vec::new();
    let mut answers = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let challenge = captcha.issue(now);
        issue.push(started.elapsed());

        let started = Instant::now();
        let answer = (0..).find_map(|index| solve_slice(&challenge.proof_of_work, index, 10).unwrap()).unwrap();
        solve.push(started.elapsed());
        answers.push(answer);
    }

    let mut check = Vec::new();
    for answer in answers {
        let answer = CaptchaAnswer::Solved(answer);
        let started = Instant::now();
        captcha.check(&store, now, &answer, "127.0.0.1").await.unwrap();
        check.push(started.elapsed());
    }

    let token = captcha.issue(now).picture;
    let picture = time(|| captcha.picture_png(&token, now, PictureScheme::Light).unwrap().len());
    let sound = time(|| captcha.picture_wav(&token, now).unwrap().len());

    let tries = 16u64.pow(u32::from(difficulty));
    println!("captcha at cost {cost} (PBKDF2-SHA-256 iterations per try), difficulty {difficulty} ({tries} tries on average), {ROUNDS} rounds");
    report("issue", &mut issue);
    report("check + record", &mut check);
    report("solve (native)", &mut solve);
    report("picture (PNG)", &mut picture.0.clone());
    println!("{:>17}  {} bytes", "", picture.1);
    report("sound (WAV)", &mut sound.0.clone());
    println!("{:>17}  {} bytes", "", sound.1);
}

/// Times `draw` twenty times; returns the times and the size of what it made.
fn time(draw: impl Fn() -> usize) -> (Vec<Duration>, usize) {
    let mut size = 0;
    let times = (0..20)
        .map(|_| {
            let started = Instant::now();
            size = draw();
            started.elapsed()
        })
        .collect();
    (times, size)
}
