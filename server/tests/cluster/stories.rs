//! What users and guessers see of the cluster through the balancer: one portal, whichever node
//! answers. Each story has accounts and client addresses of its own (`client::address`).

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use crate::{
    client::{address, Client},
    mail, Cluster, LOCKOUT_AFTER, LOGIN_BUDGET, WAIT,
};

/// The stories' accounts, made with `portal user add` before the nodes start.
pub const ACCOUNTS: &[&str] = &[
    "session@example.com",
    "reset@example.com",
    "captcha@example.com",
    "locked@example.com",
    "mail1@example.com",
    "mail2@example.com",
    "mail3@example.com",
    "mail4@example.com",
];

const WRONG: &str = "Wrong-Password-123!";

fn via_balancer(cluster: &Cluster, group: u8, n: u32) -> Client {
    Client::new(&cluster.balancer.base(), address(group, n), WAIT)
}

/// Sends a request and fails the test, naming it, when no answer comes.
macro_rules! answer {
    ($what:expr, $request:expr) => {
        $request.await.unwrap_or_else(|e| panic!("no answer to {}: {e}", $what))
    };
}

pub async fn a_session_made_on_one_node_works_on_every_node(cluster: &Cluster, password: &impl Fn(&str) -> String) {
    let browser = via_balancer(cluster, 20, 1);
    let login = answer!("the login", browser.login("session@example.com", &password("session@example.com")));
    assert_eq!(login.status, 200, "{login:?}");

    let mut served = BTreeSet::new();
    for _ in 0..6 {
        let page = answer!("GET /account", browser.get("/account"));
        assert_eq!(page.status, 200, "the session works through the balancer: {page:?}");
        served.extend(page.node);
    }
    for node in &cluster.nodes {
        let page = answer!(format!("GET /account on {}", node.name), browser.at(&node.base()).get("/account"));
        assert_eq!(page.status, 200, "the session made through the balancer works on {}", node.name);
    }

    assert_eq!(served, cluster.node_names(), "round robin reached every node");
    eprintln!(
        "session: made on {}, used on {served:?} through the balancer and on each node directly",
        node_of(&login)
    );
}

pub async fn a_reset_link_is_redeemed_once_whichever_node_serves_it(
    cluster: &Cluster,
    password: &impl Fn(&str) -> String,
) {
    const EMAIL: &str = "reset@example.com";
    let new_password = crate::client::strong_password(EMAIL);
    let requester = via_balancer(cluster, 21, 1);
    let captcha = answer!("a captcha", requester.solve_captcha());
    let asked =
        answer!("Forgot?", requester.post("/api/request_password_reset", &[("email", EMAIL), ("captcha", &captcha)]));
    assert_eq!(asked.status, 200, "{asked:?}");
    let link = reset_link(cluster, EMAIL).await;

    let (first, second) = (via_balancer(cluster, 21, 2), via_balancer(cluster, 21, 3));
    for browser in [&first, &second] {
        let opened = answer!("the reset link", browser.get(link.trim_start_matches(&cluster.balancer.base())));
        assert_eq!(opened.status, 303, "the link moves its token into a cookie: {opened:?}");
    }
    let form = [("new_password", new_password.as_str()), ("confirm_password", new_password.as_str())];
    let used = answer!("the new password", first.post("/api/reset_password", &form));
    let again = answer!("the link used again", second.post("/api/reset_password", &form));

    assert_eq!(used.status, 200, "{used:?}");
    assert_eq!(again.status, 410, "a link works once, on whichever node: {again:?}");
    for node in &cluster.nodes {
        let direct =
            answer!(format!("the link on {}", node.name), second.at(&node.base()).post("/api/reset_password", &form));
        assert_eq!(direct.status, 410, "{} refuses the used link: {direct:?}", node.name);
    }
    let old = answer!("a login", via_balancer(cluster, 21, 4).login(EMAIL, &password(EMAIL)));
    let new = answer!("a login", via_balancer(cluster, 21, 5).login(EMAIL, &new_password));
    assert_eq!((old.status, new.status), (401, 200), "the new password is the one in effect");
    eprintln!(
        "reset link: used on {}, refused on {} through the balancer and on every node directly",
        node_of(&used),
        node_of(&again)
    );
}

/// Waits (bounded) for the reset link mailed to `email`, and returns it.
async fn reset_link(cluster: &Cluster, email: &str) -> String {
    let prefix = format!("{}/reset?token=", cluster.balancer.base());
    let started = Instant::now();
    loop {
        let received = cluster.smtp.received();
        let links: Vec<&str> = received
            .iter()
            .filter(|m| m.rcpt_tos.iter().any(|to| to == email))
            .flat_map(|m| m.part("text/plain").split_whitespace())
            .filter(|word| word.starts_with(&prefix))
            .collect();
        if let [link] = links.as_slice() {
            return link.to_string();
        }
        assert!(links.is_empty(), "one reset link was asked for, {} came", links.len());
        assert!(started.elapsed() < WAIT, "gave up after {WAIT:?} waiting for the reset mail to {email}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn a_captcha_answered_on_one_node_is_refused_on_another(
    cluster: &Cluster,
    password: &impl Fn(&str) -> String,
) {
    const EMAIL: &str = "captcha@example.com";
    let on = |n: usize, client: u32| Client::new(&cluster.nodes[n].base(), address(22, client), WAIT);
    let answer = answer!("a captcha from node1", on(0, 1).solve_captcha());

    let accepted = answer!("a login on node1", on(0, 1).login_with_captcha(EMAIL, &password(EMAIL), &answer));
    assert_eq!(accepted.status, 200, "{accepted:?}");
    for n in 1..cluster.nodes.len() {
        let replayed = answer!("the replayed captcha", on(n, 2).login_with_captcha(EMAIL, &password(EMAIL), &answer));
        assert_eq!(replayed.status, 400, "{} refuses the spent answer: {replayed:?}", cluster.nodes[n].name);
        assert!(replayed.body.contains("already been used"), "{}", replayed.body);
    }
    // One key: a challenge node2 made is good on node3.
    let from_node2 = answer!("a captcha from node2", on(1, 3).solve_captcha());
    let on_node3 = answer!("a login on node3", on(2, 3).login_with_captcha(EMAIL, &password(EMAIL), &from_node2));
    assert_eq!(on_node3.status, 200, "{on_node3:?}");
    eprintln!("captcha: accepted once on node1, refused on node2 and node3; node2's challenge accepted on node3");
}

pub async fn the_per_address_login_budget_is_shared(cluster: &Cluster) {
    let guesser = via_balancer(cluster, 23, 1);
    let mut served = BTreeSet::new();
    for _ in 0..LOGIN_BUDGET {
        let refused = answer!("a guess", guesser.login("nobody@example.com", WRONG));
        assert_eq!(refused.status, 401, "{refused:?}");
        served.extend(refused.node);
    }

    let over = answer!("one guess too many", guesser.login("nobody@example.com", WRONG));
    assert_eq!(over.status, 429, "the budget is counted across nodes: {over:?}");
    // An address the client writes itself does not help: HAProxy's entry comes last.
    let captcha = answer!("a captcha", guesser.solve_captcha());
    let form = [("email", "nobody@example.com"), ("password", WRONG), ("captcha", captcha.as_str())];
    let request = guesser.http.post(format!("{}/api/login", guesser.base)).header("x-forwarded-for", "203.0.113.9");
    let spoofed = answer!("a guess with a made-up address", request.form(&form).send());
    assert_eq!(spoofed.status(), 429);
    for node in &cluster.nodes {
        let direct =
            answer!(format!("a guess on {}", node.name), guesser.at(&node.base()).login("nobody@example.com", WRONG));
        assert_eq!(direct.status, 429, "{} counts the address's attempts made on the others: {direct:?}", node.name);
    }
    assert!(served.len() >= 2, "the guesses were spread over the nodes: {served:?}");
    eprintln!(
        "login budget: {LOGIN_BUDGET} guesses spread over {served:?}, then 429 through the balancer and on every node"
    );
}

pub async fn the_account_lock_is_shared(cluster: &Cluster, password: &impl Fn(&str) -> String) {
    const EMAIL: &str = "locked@example.com";
    let guesser = via_balancer(cluster, 24, 1);
    let mut served = BTreeSet::new();
    for _ in 0..LOCKOUT_AFTER {
        let refused = answer!("a wrong password", guesser.login(EMAIL, WRONG));
        assert_eq!(refused.status, 401, "{refused:?}");
        served.extend(refused.node);
    }

    let owner = via_balancer(cluster, 24, 2);
    let locked = answer!("the owner's login", owner.login(EMAIL, &password(EMAIL)));
    assert_eq!(locked.status, 401, "locked after {LOCKOUT_AFTER} failures counted on all nodes: {locked:?}");
    for node in &cluster.nodes {
        let direct =
            answer!(format!("a login on {}", node.name), owner.at(&node.base()).login(EMAIL, &password(EMAIL)));
        assert_eq!(direct.status, 401, "{} keeps the account locked: {direct:?}", node.name);
    }
    assert!(served.len() >= 2, "the failures were spread over the nodes: {served:?}");
    eprintln!("account lock: {LOCKOUT_AFTER} failures on {served:?} lock the account on every node");
}

pub async fn each_message_is_delivered_exactly_once(cluster: &Cluster) {
    let recipients = ["mail1@example.com", "mail2@example.com", "mail3@example.com", "mail4@example.com"];
    for (n, email) in recipients.iter().enumerate() {
        let browser = via_balancer(cluster, 25, n as u32);
        let captcha = answer!("a captcha", browser.solve_captcha());
        let asked =
            answer!("Forgot?", browser.post("/api/request_password_reset", &[("email", email), ("captcha", &captcha)]));
        assert_eq!(asked.status, 200, "{asked:?}");
    }
    // The mail the earlier stories caused is in the count too (reset, lock notice).
    crate::within(WAIT, "the reset mail to mail1..mail4", async {
        while cluster.smtp.received().iter().filter(|m| m.rcpt_tos[0].starts_with("mail")).count() < recipients.len() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;

    let tally = mail::when_delivered(cluster, |_| false).await;

    assert_eq!((tally.duplicates, tally.missing), (0, 0), "{tally:?}");
    assert_eq!(tally.received, tally.queued, "{tally:?}");
    assert!(tally.by_message.values().all(|n| *n == 1), "one message per recipient and subject: {tally:?}");
    eprintln!(
        "mail: {} queued by three nodes' workers, {} delivered, {} duplicates",
        tally.queued, tally.received, tally.duplicates
    );
}

fn node_of(answer: &crate::client::Answer) -> &str {
    answer.node.as_deref().unwrap_or("?")
}
