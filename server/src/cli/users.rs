use std::io::{BufRead as _, IsTerminal as _};

use anyhow::{bail, Context as _};
use app::{
    backend::{
        clock::Clock, config::Config, secrets::password_hasher::PasswordHasher, steps::new_password_check,
        use_cases::accounts, use_cases::accounts::CreateAccountError, use_cases::two_factor,
    },
    domain::{Email, NewPasswordError},
};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account; asks for the password twice on a terminal.
    Add {
        email: String,
        /// Read the password from the first line of standard input (for scripts).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the accounts.
    List,
    /// Stop an account from logging in and end its sessions.
    Disable { email: String },
    /// Let a disabled account log in again.
    Enable { email: String },
    /// Turn two-factor sign-in off for a person who lost both the phone and the recovery
    /// codes: ends the account's sessions and tells it by email.
    #[command(name = "2fa-off")]
    TwoFactorOff { email: String },
}

pub async fn run(config: Config, command: UserCommand) -> anyhow::Result<()> {
    let store = super::open_store(&config).await?;
    let now = Clock::system().now();
    match command {
        UserCommand::Add { email, password_stdin } => {
            let email = Email::parse(&email).with_context(|| format!("'{email}' is not a usable email address"))?;
            let typed = if password_stdin { password_from_stdin()? } else { password_from_terminal()? };
            let password = new_password_check::parse(&typed, &config.password_policy, &email, &config.brand.site_name)
                .map_err(|e| anyhow::anyhow!("{}", describe(e)))?;
            let hasher = PasswordHasher::new(config.argon2, 1, config.hash_queue_timeout)?;
            match accounts::create(&store, &hasher, &email, &password, now).await {
                Ok(_) => println!("Created the account {email}."),
                Err(e @ CreateAccountError::Exists(_)) => bail!("{e}"),
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::List => {
            let users = store.list_users(now).await?;
            if users.is_empty() {
                println!("No accounts.");
            }
            for user in users {
                let status = if user.disabled_at.is_some() { "disabled" } else { "active" };
                println!("{}\t{}\t{status}\t{} session(s)", user.email, user.public_id, user.sessions);
            }
        }
        UserCommand::Disable { email } => {
            let email = Email::parse(&email).with_context(|| format!("'{email}' is not a usable email address"))?;
            let Some(ended) = store.set_user_disabled(&email, Some(now), now).await? else {
                bail!("no account has the email address {email}")
            };
            println!("Disabled {email} and ended {ended} session(s).");
        }
        UserCommand::Enable { email } => {
            let email = Email::parse(&email).with_context(|| format!("'{email}' is not a usable email address"))?;
            if store.set_user_disabled(&email, None, now).await?.is_none() {
                bail!("no account has the email address {email}");
            }
            println!("Enabled {email}.");
        }
        UserCommand::TwoFactorOff { email } => {
            let email = Email::parse(&email).with_context(|| format!("'{email}' is not a usable email address"))?;
            let Some(user) = store.find_user_by_email(&email).await? else {
                bail!("no account has the email address {email}")
            };
            let state = portal::startup::build_state_with_store(config, store.clone(), Clock::system())?;
            if !two_factor::turn_off_by_support(&state, user.id, &user.email).await? {
                bail!("two-factor sign-in is not on for {email}");
            }
            println!("Turned two-factor sign-in off for {email}, ended its sessions and queued the notice.");
        }
    }
    store.close().await;
    Ok(())
}

/// The policy's verdict as one line for the terminal.
fn describe(error: NewPasswordError) -> String {
    match error {
        NewPasswordError::Weak(report) => {
            format!("the password is too weak: {}", report.problems().join(" "))
        }
        other => other.to_string(),
    }
}

fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    Ok(line.to_owned())
}

fn password_from_terminal() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("standard input is not a terminal: pass --password-stdin to read the password from it");
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Password again: ")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}
