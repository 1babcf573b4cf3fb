//! The crash run: logins and Change Password through the balancer from eight workers, each
//! with an account of its own, while one node is killed with SIGKILL and later started again.
//!
//! Each worker loops: a new browser (its own source address) logs in with the password in
//! effect, then changes it to a fresh strong one, and takes the new one as in effect if and
//! only if the answer said so (200). A change that got no answer (the node died under it, or
//! the balancer answered 5xx) may or may not have happened: the next login settles it by
//! trying the new password, then the old. A confirmed change whose password does not work
//! afterwards is a lost change, and fails the test.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use crate::{
    client::{address, strong_password, Answer, Client},
    mail, Cluster, WAIT,
};

pub const ACCOUNTS: &[&str] = &[
    "load1@example.com",
    "load2@example.com",
    "load3@example.com",
    "load4@example.com",
    "load5@example.com",
    "load6@example.com",
    "load7@example.com",
    "load8@example.com",
];

/// The node that is killed.
const VICTIM: usize = 1;
/// What the nodes queue for every password change (in the change's transaction).
const CHANGED: &str = "Your password was changed";

/// How long the load runs: `CLUSTER_LOAD_SECS` (default 30). The node is killed a third of the
/// way in and started again a sixth of it later (10 s and 15 s by default).
pub fn load_duration() -> Duration {
    let secs = std::env::var("CLUSTER_LOAD_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(30u64);
    Duration::from_secs(secs.max(3))
}

/// Every request the workers made.
struct Requests {
    start: Instant,
    log: Mutex<Vec<Request>>,
}

struct Request {
    at: Duration,
    /// The node HAProxy says answered.
    node: Option<String>,
    /// For a failure (no answer, or a 5xx): what was asked and what came back.
    failure: Option<String>,
}

impl Requests {
    fn new() -> Self {
        Self { start: Instant::now(), log: Mutex::new(Vec::new()) }
    }

    fn note(&self, node: Option<String>, failure: Option<String>) {
        let request = Request { at: self.start.elapsed(), node, failure };
        self.log.lock().unwrap().push(request);
    }

    /// The answer to `what`, unless there was none or it was a 5xx (noted as a failure).
    fn answer(&self, what: &str, result: reqwest::Result<Answer>) -> Option<Answer> {
        match result {
            Ok(answer) if answer.status < 500 => {
                self.note(answer.node.clone(), None);
                Some(answer)
            }
            Ok(answer) => {
                self.note(answer.node.clone(), Some(format!("{what}: {} {}", answer.status, answer.body.trim())));
                None
            }
            Err(e) => {
                self.note(None, Some(format!("{what}: {}", chain(&e))));
                None
            }
        }
    }

    /// A login with a freshly solved captcha: its status, or `None` when it failed.
    async fn login(&self, client: &Client, email: &str, password: &str) -> Option<u16> {
        let captcha = match client.solve_captcha().await {
            Ok(captcha) => captcha,
            Err(e) => {
                self.note(None, Some(format!("new_captcha: {}", chain(&e))));
                return None;
            }
        };
        self.note(None, None);
        self.answer("login", client.login_with_captcha(email, password, &captcha).await).map(|a| a.status)
    }
}

/// An error and its causes, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

struct Account {
    email: String,
    /// The password in effect, as far as answers said.
    known: String,
    /// A new password whose change got no answer.
    pending: Option<String>,
}

#[derive(Default)]
struct Outcome {
    confirmed: usize,
    /// Changes that got no answer and turned out to be in effect / not in effect.
    unanswered_in_effect: usize,
    unanswered_not_in_effect: usize,
    /// Confirmed changes whose password was refused afterwards.
    lost: Vec<String>,
    /// Changes refused with a 4xx: none are expected.
    refused: Vec<String>,
}

enum SignIn {
    Done,
    Failed,
    Lost,
}

/// Logs in with the password in effect, first settling a change that got no answer.
async fn sign_in(requests: &Requests, client: &Client, account: &mut Account, outcome: &mut Outcome) -> SignIn {
    if let Some(candidate) = account.pending.clone() {
        match requests.login(client, &account.email, &candidate).await {
            Some(200) => {
                account.known = candidate;
                account.pending = None;
                outcome.unanswered_in_effect += 1;
                return SignIn::Done;
            }
            Some(401) => {
                account.pending = None;
                outcome.unanswered_not_in_effect += 1;
            }
            _ => return SignIn::Failed,
        }
    }
    match requests.login(client, &account.email, &account.known).await {
        Some(200) => SignIn::Done,
        Some(401) => {
            outcome.lost.push(format!("{}: the confirmed password was refused", account.email));
            SignIn::Lost
        }
        _ => SignIn::Failed,
    }
}

async fn worker(
    n: u8,
    base: String,
    mut account: Account,
    until: Instant,
    requests: Arc<Requests>,
) -> (Account, Outcome) {
    let mut outcome = Outcome::default();
    let mut round = 0;
    while Instant::now() < until {
        round += 1;
        let client = Client::new(&base, address(30 + n, round), WAIT);
        match sign_in(&requests, &client, &mut account, &mut outcome).await {
            SignIn::Done => {}
            SignIn::Failed => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
            SignIn::Lost => break,
        }
        let fresh = strong_password(&account.email);
        match requests.answer("change_password", client.change_password(&account.known, &fresh).await) {
            Some(answer) if answer.status == 200 => {
                account.known = fresh;
                outcome.confirmed += 1;
            }
            Some(answer) => outcome.refused.push(format!("{}: {} {}", account.email, answer.status, answer.body)),
            None => account.pending = Some(fresh),
        }
    }
    (account, outcome)
}

/// When things happened, from the start of the load.
struct Timeline {
    killed: Duration,
    down_after: Duration,
    restarted: Duration,
    ready_after: Duration,
    rejoined: Duration,
}

pub async fn kill_9_a_node_under_load(cluster: &mut Cluster, password: &impl Fn(&str) -> String) {
    let load = load_duration();
    let requests = Arc::new(Requests::new());
    let until = requests.start + load;
    let workers: Vec<_> = ACCOUNTS
        .iter()
        .enumerate()
        .map(|(n, email)| {
            let account = Account { email: email.to_string(), known: password(email), pending: None };
            tokio::spawn(worker(n as u8, cluster.balancer.base(), account, until, requests.clone()))
        })
        .collect();

    let (timeline, kill_unix) = kill_and_restart(cluster, &requests, load).await;
    let mut outcome = Outcome::default();
    let mut accounts = Vec::new();
    for joined in crate::within(load + WAIT * 2, "the load's workers", futures_util::future::join_all(workers)).await {
        let (account, worker_outcome) = joined.expect("a load worker panicked");
        outcome.confirmed += worker_outcome.confirmed;
        outcome.unanswered_in_effect += worker_outcome.unanswered_in_effect;
        outcome.unanswered_not_in_effect += worker_outcome.unanswered_not_in_effect;
        outcome.lost.extend(worker_outcome.lost);
        outcome.refused.extend(worker_outcome.refused);
        accounts.push(account);
    }

    // Every account logs in with the password its last answers put in effect (these requests
    // are not counted with the load's).
    let base = cluster.balancer.base();
    let after = Requests::new();
    for (n, account) in accounts.iter_mut().enumerate() {
        settle(&after, &base, account, n as u32, &mut outcome).await;
    }
    let served_by_victim = the_restarted_node_serves_through_the_balancer(cluster, &accounts[0]).await;
    let victim = cluster.nodes[VICTIM].name.clone();
    let tally = mail::when_delivered(cluster, |row| {
        !row.sent && row.claimed_until.is_some_and(|until| until <= kill_unix + 15 * 60)
    })
    .await;
    let changed_rows = mail::outbox(cluster).await.into_iter().filter(|row| row.subject == CHANGED).count();

    // The workers have ended: the log is complete.
    let log = std::mem::take(&mut *requests.log.lock().unwrap());
    print_figures(load, &victim, &timeline, &log, &outcome, &tally, served_by_victim);

    assert!(outcome.lost.is_empty(), "confirmed password changes were lost: {:?}", outcome.lost);
    assert!(outcome.refused.is_empty(), "changes were refused: {:?}", outcome.refused);
    assert!(outcome.confirmed >= ACCOUNTS.len(), "the load made too few changes to mean anything");
    assert_eq!((tally.duplicates, tally.missing), (0, 0), "{tally:?}");
    assert_eq!(
        changed_rows,
        outcome.confirmed + outcome.unanswered_in_effect,
        "each change in effect queued its notice once, in its own transaction"
    );
    assert!(served_by_victim > 0, "the restarted node serves through the balancer again");
}

/// The figures of the run: requests, failures around the kill, HAProxy's reactions, changes
/// and mail.
fn print_figures(
    load: Duration,
    victim: &str,
    timeline: &Timeline,
    log: &[Request],
    outcome: &Outcome,
    tally: &mail::Tally,
    served_by_victim: usize,
) {
    let failed: Vec<&Request> = log.iter().filter(|r| r.failure.is_some()).collect();
    let while_down = failed.iter().filter(|r| (timeline.killed..=timeline.rejoined).contains(&r.at)).count();
    let last_failure =
        failed.iter().map(|r| r.at).filter(|at| *at >= timeline.killed).max().map(|at| at - timeline.killed);
    let after_rejoin = log.iter().filter(|r| r.at > timeline.rejoined && r.node.as_deref() == Some(victim)).count();
    let nodes: BTreeSet<&str> = log.iter().filter_map(|r| r.node.as_deref()).collect();

    let secs = |d: Duration| format!("{:.2} s", d.as_secs_f64());
    eprintln!("\ncluster crash run: 3 nodes behind haproxy, {} workers, load {}", ACCOUNTS.len(), secs(load));
    eprintln!("  {victim} killed (SIGKILL) at {}, restarted at {}", secs(timeline.killed), secs(timeline.restarted));
    let rows = [
        ("requests through the balancer", log.len().to_string()),
        ("  answered by", format!("{nodes:?}")),
        ("requests failed (no answer or 5xx)", failed.len().to_string()),
        (&format!("  of which while {victim} was down"), while_down.to_string()),
        ("  last failure after the kill", last_failure.map_or("none".into(), secs)),
        ("haproxy marked it DOWN after the kill", secs(timeline.down_after)),
        ("restarted node ready (/readyz 200) after", secs(timeline.ready_after)),
        ("haproxy marked it UP after the restart", secs(timeline.rejoined - timeline.restarted)),
        (
            &format!("requests {victim} served after rejoining"),
            format!("{after_rejoin} (+{served_by_victim} checked after the load)"),
        ),
        ("password changes confirmed (200)", outcome.confirmed.to_string()),
        ("  unanswered, found in effect", outcome.unanswered_in_effect.to_string()),
        ("  unanswered, found not in effect", outcome.unanswered_not_in_effect.to_string()),
        ("changes lost", outcome.lost.len().to_string()),
        ("mails queued / delivered", format!("{} / {}", tally.queued, tally.received)),
        ("  held by the killed node's lease", tally.held.to_string()),
        (
            "    of which delivered, not marked sent",
            format!("{} (sent again when the lease ends)", tally.delivered_unmarked),
        ),
        ("  duplicates / missing", format!("{} / {}", tally.duplicates, tally.missing)),
    ];
    for (what, figure) in rows {
        eprintln!("  {what:<44} {figure}");
    }
    for request in &failed {
        eprintln!("  failed at {}: {}", secs(request.at), request.failure.as_deref().unwrap_or_default());
    }
}

/// Kills the victim a third of the way into the load and starts it again a sixth later;
/// returns when, and the Unix time of the kill.
async fn kill_and_restart(cluster: &mut Cluster, requests: &Requests, load: Duration) -> (Timeline, i64) {
    let start = requests.start;
    tokio::time::sleep_until((start + load / 3).into()).await;
    let name = cluster.nodes[VICTIM].name.clone();
    let killed = start.elapsed();
    cluster.nodes[VICTIM].kill9();
    let kill_unix = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let down_after = cluster.balancer.wait_for(&name, "DOWN").await;

    tokio::time::sleep_until((start + load / 3 + load / 6).into()).await;
    cluster.nodes[VICTIM].restart();
    let restarted = start.elapsed();
    let ready_after = cluster.nodes[VICTIM].wait_ready().await;
    cluster.balancer.wait_for(&name, "UP").await;
    let rejoined = start.elapsed();
    (Timeline { killed, down_after, restarted, ready_after, rejoined }, kill_unix)
}

/// Settles an unanswered change and logs in with the password in effect (bounded retries:
/// every node is up again).
async fn settle(requests: &Requests, base: &str, account: &mut Account, n: u32, outcome: &mut Outcome) {
    let started = Instant::now();
    let mut round = 0;
    loop {
        round += 1;
        let client = Client::new(base, address(50, n * 100 + round), WAIT);
        match sign_in(requests, &client, account, outcome).await {
            SignIn::Done | SignIn::Lost => return,
            SignIn::Failed => {
                assert!(started.elapsed() < WAIT, "{} could not log in after the load", account.email);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Requests through the balancer, signed in as `account`, that the restarted node answered.
async fn the_restarted_node_serves_through_the_balancer(cluster: &Cluster, account: &Account) -> usize {
    let browser = Client::new(&cluster.balancer.base(), address(51, 1), WAIT);
    let login = browser.login(&account.email, &account.known).await.expect("a login after the load");
    assert_eq!(login.status, 200, "{login:?}");
    let mut served = 0;
    for _ in 0..6 {
        let page = browser.get("/account").await.expect("GET /account after the load");
        assert_eq!(page.status, 200, "{page:?}");
        served += usize::from(page.node.as_deref() == Some(cluster.nodes[VICTIM].name.as_str()));
    }
    served
}
