//! Mail counted at both ends: the rows the nodes queued in the shared outbox, and the messages
//! the SMTP server accepted, by recipient and subject.

use std::{
    collections::{BTreeMap, BTreeSet},
    time::{Duration, Instant},
};

use crate::{Cluster, WAIT};

/// One outbox row, as far as delivery goes.
#[derive(Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub recipient: String,
    pub subject: String,
    pub sent: bool,
    pub failed: bool,
    pub claimed_until: Option<i64>,
}

pub async fn outbox(cluster: &Cluster) -> Vec<OutboxRow> {
    let query = "SELECT recipient, subject, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed, \
                 claimed_until FROM mail_outbox";
    sqlx::query_as(query).fetch_all(&cluster.db.pool).await.unwrap()
}

/// The outbox and the SMTP server compared, once every message that can go has gone.
#[derive(Debug, Default)]
pub struct Tally {
    /// Rows queued.
    pub queued: usize,
    /// Rows marked sent.
    pub sent: usize,
    /// Rows a killed node had claimed and not marked sent: its lease keeps other nodes off
    /// them for 15 minutes, after which they are sent (at least once: the killed node may have
    /// handed one over before it died).
    pub held: usize,
    /// Messages the SMTP server accepted.
    pub received: usize,
    /// Messages received more often than they were queued (by recipient and subject), plus
    /// any Message-ID seen twice.
    pub duplicates: usize,
    /// Messages marked sent that never arrived.
    pub missing: usize,
    /// Held rows whose message arrived: the killed node died between the SMTP server's `250`
    /// and marking the row sent. Each is sent a second time once the lease runs out.
    pub delivered_unmarked: usize,
    /// Received messages per (recipient, subject).
    pub by_message: BTreeMap<(String, String), usize>,
}

/// Waits (bounded) until every row is sent, except those `held` (claimed by a node that was
/// killed), then compares both ends.
pub async fn when_delivered(cluster: &Cluster, held: impl Fn(&OutboxRow) -> bool) -> Tally {
    let started = Instant::now();
    loop {
        let rows = outbox(cluster).await;
        let waiting: Vec<&OutboxRow> = rows.iter().filter(|row| !row.sent && !held(row)).collect();
        if waiting.is_empty() {
            return compare(cluster, &rows, held);
        }
        assert!(
            started.elapsed() < WAIT,
            "gave up after {WAIT:?} waiting for the outbox to be sent; still waiting: {waiting:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn compare(cluster: &Cluster, rows: &[OutboxRow], held: impl Fn(&OutboxRow) -> bool) -> Tally {
    let failed: Vec<&OutboxRow> = rows.iter().filter(|row| row.failed).collect();
    assert!(failed.is_empty(), "mail was given up on: {failed:?}");
    let received = cluster.smtp.received();
    let mut tally = Tally { queued: rows.len(), received: received.len(), ..Tally::default() };
    let mut expected: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for row in rows {
        let (sent, held_here) = expected.entry((address(&row.recipient), row.subject.clone())).or_default();
        if row.sent {
            *sent += 1;
            tally.sent += 1;
        } else if held(row) {
            *held_here += 1;
            tally.held += 1;
        }
    }
    let mut ids = BTreeSet::new();
    for message in &received {
        let key = (address(&message.rcpt_tos.join(",")), message.subject.clone().unwrap_or_default());
        *tally.by_message.entry(key).or_default() += 1;
        if let Some(id) = &message.message_id {
            if !ids.insert(id.clone()) {
                tally.duplicates += 1;
            }
        }
    }
    for (key, (sent, held)) in &expected {
        let got = tally.by_message.get(key).copied().unwrap_or(0);
        tally.duplicates += got.saturating_sub(sent + held);
        tally.missing += sent.saturating_sub(got);
        tally.delivered_unmarked += got.saturating_sub(*sent).min(*held);
    }
    let unknown: Vec<_> = tally.by_message.keys().filter(|key| !expected.contains_key(*key)).collect();
    assert!(unknown.is_empty(), "messages the outbox never held arrived: {unknown:?}");
    tally
}

/// `Name <a@b>` or `a@b`, as `a@b` in lower case.
fn address(text: &str) -> String {
    let inner = text.rsplit('<').next().unwrap_or(text).trim_end_matches('>');
    inner.trim().to_lowercase()
}
