//! What an operator graphs and alerts on, in the Prometheus text format, served on a listener
//! of its own (`PORTAL_METRICS_LISTEN`) so it is never public. Counters are kept by the parts
//! that count; the outbox, the database pool and the hashes in flight are read when scraped.
//!
//! The official `prometheus-client` crate, with a registry per portal (no global one: the
//! tests run many portals in one process).

use std::{sync::atomic::AtomicU64, time::Duration};

use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::backend::secrets::password_hasher::HashMetrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route, with file names and unknown paths folded ("/pkg/*", "unmatched").
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: &'static str,
}

/// A counter per outcome, kept by the part whose outcomes they are (logins, captcha checks,
/// mail failures, …).
pub type Outcomes = Family<OutcomeLabel, Counter>;

/// Counts one `outcome` in `outcomes`.
pub fn count(outcomes: &Outcomes, outcome: &'static str) {
    outcomes.get_or_create(&OutcomeLabel { outcome }).inc();
}

/// Messages sent, and sending attempts that failed by what became of them: `retry` (tried
/// again later), `gave_up` (a permanent error, or too many tries), `unreadable` (sealed under
/// another deployment key). Kept by the mail worker.
#[derive(Clone, Debug, Default)]
pub struct DeliveryCounts {
    pub sent: Counter,
    pub failures: Outcomes,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabel {
    pub budget: &'static str,
}

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<RequestLabels, Counter>,
    pub http_duration: Family<RouteLabel, Histogram>,
    pub logins: Outcomes,
    pub second_factor: Outcomes,
    pub reset_requests: Counter,
    pub reset_links_used: Counter,
    pub rate_limit_refusals: Family<BudgetLabel, Counter>,
    outbox_backlog: Gauge,
    outbox_oldest_secs: Gauge,
    pool_size: Gauge,
    pool_idle: Gauge,
    pool_acquire_secs: Gauge<f64, AtomicU64>,
    hashes_in_flight: Gauge,
}

impl Metrics {
    pub fn new(hashing: &HashMetrics, mail: &DeliveryCounts, captcha: &Outcomes) -> Self {
        let http_duration = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0])
        });
        let mut metrics = Self {
            registry: Registry::with_prefix("portal"),
            http_requests: Family::default(),
            http_duration,
            logins: Family::default(),
            second_factor: Family::default(),
            reset_requests: Counter::default(),
            reset_links_used: Counter::default(),
            rate_limit_refusals: Family::default(),
            outbox_backlog: Gauge::default(),
            outbox_oldest_secs: Gauge::default(),
            pool_size: Gauge::default(),
            pool_idle: Gauge::default(),
            pool_acquire_secs: Gauge::default(),
            hashes_in_flight: Gauge::default(),
        };
        let r = &mut metrics.registry;
        r.register("http_requests", "HTTP requests answered, by route and status", metrics.http_requests.clone());
        r.register("http_request_duration_seconds", "Time to answer, by route", metrics.http_duration.clone());
        r.register(
            "logins",
            "Login attempts by outcome: success, second_factor_pending, refused, held_back, throttled, captcha_refused, error",
            metrics.logins.clone(),
        );
        r.register(
            "captcha_checks",
            "Captcha answers checked by outcome: passed, missing, incomplete, expired, invalid, wrong_picture, \
             already_used, provider_unavailable, error",
            captcha.clone(),
        );
        r.register("second_factor", "Second-step attempts by outcome: success, refused", metrics.second_factor.clone());
        r.register("password_hashes_in_flight", "Hashes admitted and not yet done", metrics.hashes_in_flight.clone());
        r.register("password_hash_queue_wait_seconds", "Wait for a hashing thread", hashing.queue_wait.clone());
        r.register("password_hash_duration_seconds", "argon2 work per hash or verification", hashing.duration.clone());
        r.register(
            "reset_requests",
            "Forgot? requests answered (whatever the address)",
            metrics.reset_requests.clone(),
        );
        r.register("reset_links_used", "Passwords set with a reset link", metrics.reset_links_used.clone());
        r.register("mail_sent", "Messages handed to the mail transport", mail.sent.clone());
        r.register(
            "mail_failures",
            "Failed sending attempts by outcome: retry, gave_up, unreadable",
            mail.failures.clone(),
        );
        r.register(
            "rate_limit_refusals",
            "Requests refused by a budget, by budget",
            metrics.rate_limit_refusals.clone(),
        );
        r.register("outbox_backlog", "Messages waiting to be sent", metrics.outbox_backlog.clone());
        r.register(
            "outbox_oldest_unsent_seconds",
            "Age of the oldest waiting message",
            metrics.outbox_oldest_secs.clone(),
        );
        r.register("db_pool_connections", "Database connections open", metrics.pool_size.clone());
        r.register("db_pool_idle_connections", "Database connections idle", metrics.pool_idle.clone());
        r.register(
            "db_pool_acquire_seconds",
            "Wait for a database connection, sampled at the scrape (2 = none came within 2 s)",
            metrics.pool_acquire_secs.clone(),
        );
        metrics
    }

    /// Everything, as a scrape reads it, with what was read from the store and the hasher now.
    pub fn render(&self, now: Readings) -> String {
        if let Some((count, oldest)) = now.outbox {
            self.outbox_backlog.set(count);
            self.outbox_oldest_secs.set(oldest);
        }
        self.pool_size.set(i64::from(now.pool_connections));
        self.pool_idle.set(i64::try_from(now.pool_idle).unwrap_or(i64::MAX));
        self.hashes_in_flight.set(i64::try_from(now.hashes_in_flight).unwrap_or(i64::MAX));
        self.pool_acquire_secs.set(now.pool_acquire.as_secs_f64());
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            tracing::error!("metrics: cannot encode");
        }
        out
    }
}

/// What a scrape reads at the moment it is made.
pub struct Readings {
    /// Messages waiting and the age of the oldest, when the outbox could be read.
    pub outbox: Option<(i64, i64)>,
    pub pool_connections: u32,
    pub pool_idle: usize,
    pub pool_acquire: Duration,
    pub hashes_in_flight: usize,
}

impl Metrics {
    /// Counts a login attempt's outcome.
    pub fn login(&self, outcome: &'static str) {
        count(&self.logins, outcome);
    }

    /// Counts a second-step attempt's outcome.
    pub fn second_factor(&self, outcome: &'static str) {
        count(&self.second_factor, outcome);
    }
}

/// A request's route as a bounded label, from the route the router matched (axum's
/// `MatchedPath`: a pattern the code registered, never the client's path): each page and server
/// function is its own route; the site's files fold by folder; a request that matched no route
/// is "unmatched", whatever its answer. So the labels are as many as the routes, not the paths.
pub fn route_label(matched: Option<&str>) -> String {
    const FOLDERS: [&str; 6] = ["/pkg/", "/js/", "/strength/", "/signin/", "/brand/", "/captcha/"];
    let Some(route) = matched else {
        return "unmatched".to_owned();
    };
    match FOLDERS.iter().find(|folder| route.starts_with(**folder)) {
        Some(folder) => format!("{folder}*"),
        None => route.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::route_label;

    #[test]
    fn a_route_label_names_the_page_and_folds_the_site_s_files_by_folder() {
        for page in ["/login", "/account/security/setup", "/api/login", "/favicon.svg", "/healthz"] {
            assert_eq!(route_label(Some(page)), page, "a page or server function is its own route");
        }
        for (route, folder) in [
            ("/pkg/{*file}", "/pkg/*"),
            ("/js/{*file}", "/js/*"),
            ("/strength/{*file}", "/strength/*"),
            ("/signin/{*file}", "/signin/*"),
            ("/brand/{file}", "/brand/*"),
            ("/captcha/picture", "/captcha/*"),
            ("/captcha/audio", "/captcha/*"),
        ] {
            assert_eq!(route_label(Some(route)), folder, "{route}");
        }
        assert_eq!(route_label(None), "unmatched", "whatever the path and the answer");
    }
}
