//! Mail leaves through the outbox: a request only queues it, a background worker sends it over
//! real SMTP, an outage delays it without losing it, and several nodes send each message once.

use std::time::Duration;

use app::backend::{
    config::MailTransport,
    mail::sealed::OutboxSeal,
    mail::templates::{self, Occasion, Source},
    mail::worker,
    mail::MailQueue,
    mail::Mailer,
    mail::OutgoingMail,
    secrets::deployment_key::DeploymentKey,
    store::OutboxEntry,
    store::Store,
};

use crate::helpers::{free_port, on_both_databases, smtp_url, Db, SmtpServer, TestApp, SECRET_KEY};

on_both_databases!(
    a_queued_message_is_delivered_over_smtp,
    mail_queued_while_smtp_is_down_is_delivered_once_it_is_back,
    two_nodes_racing_deliver_each_message_once,
    a_node_that_stops_sends_the_message_in_hand_and_hands_back_the_rest,
    a_message_sent_again_after_a_crash_carries_the_same_message_id,
);

const FROM: &str = "Account Portal <no-reply@portal.example>";

async fn spawn_with_smtp(db: Db, url: MailTransport) -> TestApp {
    TestApp::spawn_with(db, move |config| {
        config.mail_transport = url;
        config.mail_from = FROM.parse().unwrap();
    })
    .await
}

fn password_changed(app: &TestApp, to: &str) -> OutgoingMail {
    let occasion = Occasion {
        when: app.clock.now(),
        source: Source::Client { address: "203.0.113.9".into(), browser: "Firefox 121 on Linux".into() },
    };
    templates::password_changed(&app.state.config, &app::domain::Email::parse(to).unwrap(), &occasion)
}

/// Waits (up to ten seconds) until the outbox satisfies `done`, and returns its rows.
async fn wait_for_outbox(store: &Store, done: impl Fn(&[OutboxEntry]) -> bool) -> Vec<OutboxEntry> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let rows = store.list_outbox().await.unwrap();
        if done(&rows) {
            return rows;
        }
        assert!(tokio::time::Instant::now() < deadline, "the outbox did not get there: {rows:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn settled(row: &OutboxEntry) -> bool {
    row.claimed_until.is_none() && row.attempts > 0
}

async fn a_queued_message_is_delivered_over_smtp(db: Db) {
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, smtp.url()).await;
    let mail = password_changed(&app, "alice@example.com");

    app.state.mail.enqueue(&app.state.store, &mail, app.clock.now()).await.unwrap();

    let received = smtp.wait_for(1).await;
    let message = &received[0];
    assert_eq!(message.rcpt_tos, ["alice@example.com"]);
    assert_eq!(message.mail_from, "no-reply@portal.example");
    assert_eq!(message.from.as_deref(), Some(FROM));
    assert_eq!(message.to.as_deref(), Some("alice@example.com"));
    assert_eq!(message.subject.as_deref(), Some("Your password was changed"));
    assert!(message.message_id.as_deref().is_some_and(|id| id.ends_with("@portal.example>")));
    assert_eq!(message.content_type, "multipart/alternative");
    let text = message.part("text/plain");
    let html = message.part("text/html");
    assert!(text.contains("from 203.0.113.9 (Firefox 121 on Linux)"), "{text}");
    assert!(text.contains(&format!("{}/login", app.base())));
    assert!(html.contains(&format!(r#"<a href="{}/login">"#, app.base())), "{html}");
    let rows = wait_for_outbox(&app.state.store, |rows| rows[0].sent_at.is_some()).await;
    assert_eq!(rows[0].attempts, 1);
    assert_eq!(app.state.store.count_unsent_mail().await.unwrap(), 0);
}

async fn mail_queued_while_smtp_is_down_is_delivered_once_it_is_back(db: Db) {
    let port = free_port();
    let app = spawn_with_smtp(db, smtp_url(port)).await;
    let store = &app.state.store;
    let queued_at = app.clock.now();

    // The request's part: queueing succeeds whatever the mail server's state.
    let queued = app.state.mail.enqueue(store, &password_changed(&app, "alice@example.com"), queued_at).await;
    assert!(queued.is_ok());

    let rows = wait_for_outbox(store, |rows| settled(&rows[0])).await;
    assert_eq!(rows.len(), 1, "kept, not dropped");
    assert_eq!((rows[0].sent_at, rows[0].failed_at), (None, None));
    assert_eq!(rows[0].next_attempt_at, queued_at + 30, "first retry in 30 s");
    assert!(rows[0].last_error.as_deref().is_some_and(|e| !e.is_empty()));

    app.clock.advance(30);
    app.state.mail.wake();
    let rows = wait_for_outbox(store, |rows| rows[0].attempts == 2 && settled(&rows[0])).await;
    assert_eq!(rows[0].next_attempt_at, queued_at + 30 + 60, "then twice as long");
    let early = worker::deliver_due(store, &app.state.mailer, &app.state.mail, &app.clock).await;
    assert_eq!(early.unwrap(), 0, "not due before its time");

    let smtp = SmtpServer::start_on(port).await.expect("the port was taken while the mail server was down");
    app.clock.advance(60);
    app.state.mail.wake();

    let received = smtp.wait_for(1).await;
    assert_eq!(received[0].rcpt_tos, ["alice@example.com"]);
    let rows = wait_for_outbox(store, |rows| rows[0].sent_at.is_some()).await;
    assert_eq!(rows[0].attempts, 3);
    app.clock.advance(3600);
    let again = worker::deliver_due(store, &app.state.mailer, &app.state.mail, &app.clock).await;
    assert_eq!(again.unwrap(), 0);
    assert_eq!(smtp.received().len(), 1, "delivered exactly once");
}

async fn two_nodes_racing_deliver_each_message_once(db: Db) {
    const MESSAGES: usize = 30;
    let smtp = SmtpServer::start().await;
    let app = spawn_with_smtp(db, smtp.url()).await;
    let other_node = app.second_node_store().await;
    let other_mailer = Mailer::from_config(&app.state.config).unwrap();
    for i in 0..MESSAGES {
        let mail = password_changed(&app, &format!("user{i}@example.com"));
        app.state.store.enqueue_mail(&app.state.mail.seal(mail), app.clock.now()).await.unwrap();
    }

    // This node's own worker may join in too; that only makes the race harder.
    let (here, there) = tokio::join!(
        tokio::spawn({
            let (store, mailer, clock) = (app.state.store.clone(), app.state.mailer.clone(), app.clock.clone());
            let queue = app.state.mail.clone();
            async move { worker::deliver_due(&store, &mailer, &queue, &clock).await }
        }),
        tokio::spawn({
            let (store, mailer, clock) = (other_node.clone(), other_mailer, app.clock.clone());
            // The other node has the same deployment key, so its own seal opens these bodies.
            let queue = MailQueue::new(OutboxSeal::new(&DeploymentKey::from_text(SECRET_KEY)));
            async move { worker::deliver_due(&store, &mailer, &queue, &clock).await }
        }),
    );
    here.unwrap().unwrap();
    there.unwrap().unwrap();

    let rows = wait_for_outbox(&app.state.store, |rows| rows.iter().all(|r| r.sent_at.is_some())).await;
    assert!(rows.iter().all(|r| r.attempts == 1), "{rows:#?}");
    // Each message is marked sent only after the server answered, so all have arrived by now.
    let mut recipients: Vec<String> = smtp.received().into_iter().flat_map(|m| m.rcpt_tos).collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..MESSAGES).map(|i| format!("user{i}@example.com")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "each message exactly once");
}

#[tokio::test]
async fn the_file_transport_writes_an_eml_file_per_message() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("not-yet").join("mail");
    let app = TestApp::spawn_with(Db::Sqlite, |config| {
        config.mail_transport = MailTransport::Files(mail_dir.clone());
        config.mail_from = FROM.parse().unwrap();
    })
    .await;

    app.state
        .mail
        .enqueue(&app.state.store, &password_changed(&app, "alice@example.com"), app.clock.now())
        .await
        .unwrap();

    wait_for_outbox(&app.state.store, |rows| rows[0].sent_at.is_some()).await;
    let files: Vec<_> = std::fs::read_dir(&mail_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|x| x == "eml"));
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains(r#"From: "Account Portal" <no-reply@portal.example>"#), "{eml}");
    assert!(eml.contains("To: alice@example.com"));
    assert!(eml.contains("Subject: Your password was changed"));
    assert!(eml.contains("multipart/alternative"));
    assert!(eml.contains("Content-Type: text/plain") && eml.contains("Content-Type: text/html"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a message may carry a secret link");
    }
}

async fn a_node_that_stops_sends_the_message_in_hand_and_hands_back_the_rest(db: Db) {
    // A mail server that takes two seconds over each message, so that the stop comes mid-batch.
    let smtp = SmtpServer::start_slow(Duration::from_secs(2)).await;
    let app = spawn_with_smtp(db, smtp.url()).await;
    let store = &app.state.store;
    // This node's own worker stops first; the pass below is the node under test.
    app.state.mail.stop();
    for i in 0..3 {
        let mail = password_changed(&app, &format!("user{i}@example.com"));
        store.enqueue_mail(&app.state.mail.seal(mail), app.clock.now()).await.unwrap();
    }
    let (mailer, queue) =
        (app.state.mailer.clone(), MailQueue::new(OutboxSeal::new(&DeploymentKey::from_text(SECRET_KEY))));
    let pass = tokio::spawn({
        let (store, mailer, queue, clock) = (store.clone(), mailer.clone(), queue.clone(), app.clock.clone());
        async move { worker::deliver_due(&store, &mailer, &queue, &clock).await }
    });
    // One claim takes all three; the first is being sent when the node is told to stop.
    wait_for_outbox(store, |rows| rows.iter().all(|r| r.claimed_until.is_some())).await;
    queue.stop();

    let sent_by_the_pass = tokio::time::timeout(Duration::from_secs(30), pass).await.expect("the pass ends").unwrap();
    let rows = store.list_outbox().await.unwrap();
    let (sent, handed_back): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.sent_at.is_some());
    assert_eq!(sent_by_the_pass.unwrap(), sent.len());
    assert!(!sent.is_empty(), "the message in hand is finished: {rows:#?}");
    assert!(!handed_back.is_empty(), "the rest is handed back: {rows:#?}");
    for row in &handed_back {
        assert_eq!((row.claimed_until, row.attempts), (None, 0), "not tried, not under a lease: {row:#?}");
        assert_eq!((row.failed_at, &row.last_error), (None, &None), "{row:#?}");
        assert!(row.next_attempt_at <= app.clock.now(), "due at once, not in 15 minutes: {row:#?}");
    }
    assert_eq!(smtp.wait_for(sent.len()).await.len(), sent.len());

    // Another node sends the rest at once, each message once.
    let other_node = app.second_node_store().await;
    let other_queue = MailQueue::new(OutboxSeal::new(&DeploymentKey::from_text(SECRET_KEY)));
    let delivered = worker::deliver_due(&other_node, &mailer, &other_queue, &app.clock).await.unwrap();
    assert_eq!(delivered, handed_back.len());
    let received = smtp.wait_for(3).await;
    let mut recipients: Vec<_> = received.iter().map(|m| m.rcpt_tos.join(",")).collect();
    recipients.sort();
    assert_eq!(recipients, ["user0@example.com", "user1@example.com", "user2@example.com"]);
}

/// A node that loses its database between the SMTP server's answer and marking the row sent
/// (as a node killed there does) leaves the row under its lease; once the lease runs out another
/// node sends it again. The second copy carries the first one's Message-ID, so the receiving
/// side can recognise it; another message has another.
async fn a_message_sent_again_after_a_crash_carries_the_same_message_id(db: Db) {
    // Slow enough that the first node's database is gone before the server has answered.
    let smtp = SmtpServer::start_slow(Duration::from_millis(500)).await;
    let app = spawn_with_smtp(db, smtp.url()).await;
    let store = &app.state.store;
    app.state.mail.stop(); // this node's own worker stays out of it
    for to in ["user0@example.com", "user1@example.com"] {
        store.enqueue_mail(&app.state.mail.seal(password_changed(&app, to)), app.clock.now()).await.unwrap();
    }
    let queue = || MailQueue::new(OutboxSeal::new(&DeploymentKey::from_text(SECRET_KEY)));
    let dying = app.second_node_store().await;
    let pass = tokio::spawn({
        let (dying, mailer, queue, clock) = (dying.clone(), app.state.mailer.clone(), queue(), app.clock.clone());
        async move { worker::deliver_due(&dying, &mailer, &queue, &clock).await }
    });
    wait_for_outbox(store, |rows| rows.iter().all(|r| r.claimed_until.is_some())).await;
    dying.close().await;

    let ended = tokio::time::timeout(Duration::from_secs(30), pass).await.expect("the pass ends").unwrap();
    assert!(ended.is_err(), "the first message went out, and marking it sent failed");
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    let rows = store.list_outbox().await.unwrap();
    assert!(rows.iter().all(|r| r.sent_at.is_none() && r.claimed_until.is_some()), "{rows:#?}");

    app.clock.advance(15 * 60); // the lease runs out
    let other_node = app.second_node_store().await;
    let sent = worker::deliver_due(&other_node, &app.state.mailer, &queue(), &app.clock).await.unwrap();

    assert_eq!(sent, 2);
    let received = smtp.wait_for(3).await;
    let ids = |to: &str| -> Vec<String> {
        received.iter().filter(|m| m.rcpt_tos == [to]).map(|m| m.message_id.clone().unwrap_or_default()).collect()
    };
    let (first, second) = (ids("user0@example.com"), ids("user1@example.com"));
    assert_eq!(first.len(), 2, "the first message twice: at least once, {received:#?}");
    assert_eq!(first[0], first[1], "one Message-ID for both copies");
    assert!(first[0].starts_with('<') && first[0].ends_with("@portal.example>"), "{first:?}");
    assert_eq!(second.len(), 1);
    assert_ne!(second[0], first[0], "another message, another Message-ID");
}
