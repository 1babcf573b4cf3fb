//! `portal`: serve the Account Portal, migrate its database, manage accounts.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: a page render allocates and frees thousands of small
/// objects across threads, where glibc spent about a quarter of the server's CPU (perf, GET
/// /login under load), and it hands freed memory back to the system instead of keeping it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "portal", version, about = "Account Portal: sign-in and account security for your customers")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Copy a SQLite database, online and consistent, into a new file PATH (readable by its
    /// owner only). For PostgreSQL, use pg_dump.
    Backup { path: std::path::PathBuf },
    /// Manage accounts.
    #[command(subcommand)]
    User(cli::users::UserCommand),
    /// Register the apps that sign people in through the portal (OpenID Connect).
    #[command(subcommand)]
    Client(cli::clients::ClientCommand),
    /// The OpenID provider's signing keys.
    #[command(subcommand)]
    Oidc(cli::oidc::OidcCommand),
    /// Look into the captcha.
    #[command(subcommand)]
    Captcha(cli::captcha::CaptchaCommand),
}

/// The niceness of the runtime's threads (requests, pages, mail): below the hashing threads'.
///
/// Password checks are the scarce work: a login waits for one on a thread of the hashing pool,
/// and there are only as many of those as cores. When cheap requests arrive faster than the
/// cores can answer (a Forgot? flood), the scheduler would share the cores evenly and the
/// logins would slow to half their rate. With the runtime's threads at nice 10 the hashing
/// threads get about nine tenths of a contended core, and all of an idle machine is still
/// everyone's: without contention, niceness changes nothing.
const RUNTIME_NICENESS: libc::c_int = 10;

#[allow(unsafe_code, reason = "one system call, with its SAFETY comment")]
fn yield_to_hashing() {
    // On Linux, `setpriority(PRIO_PROCESS, 0, …)` sets the calling thread's niceness.
    // SAFETY: plain system call on the calling thread; no memory is shared with it.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, RUNTIME_NICENESS);
    }
}

fn main() -> ExitCode {
    let filter = || tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    // PORTAL_LOG_FORMAT=json: one JSON object per line, with the request's span (its id).
    match std::env::var("PORTAL_LOG_FORMAT").unwrap_or_default().as_str() {
        "" | "text" => tracing_subscriber::fmt().with_env_filter(filter()).with_writer(std::io::stderr).init(),
        "json" => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .init(),
        other => {
            eprintln!("error: configuration: PORTAL_LOG_FORMAT: '{other}' is not one of: text, json");
            return ExitCode::from(2);
        }
    }
    let args = Args::parse();
    let config = match app::backend::config::Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime =
        match tokio::runtime::Builder::new_multi_thread().enable_all().on_thread_start(yield_to_hashing).build() {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("error: cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
    let result = runtime.block_on(async move {
        match args.command.unwrap_or(Command::Serve) {
            Command::Serve => cli::serve::run(config).await,
            Command::Migrate => cli::migrate(config).await,
            Command::Backup { path } => cli::backup(config, &path).await,
            Command::User(command) => cli::users::run(config, command).await,
            Command::Client(command) => cli::clients::run(config, command).await,
            Command::Oidc(command) => cli::oidc::run(config, command).await,
            Command::Captcha(command) => cli::captcha::run(config, command),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
