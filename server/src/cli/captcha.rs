//! `portal captcha read TOKEN`: the characters in the picture a browser without JavaScript was
//! shown, for support ("the picture is unreadable") and for the browser tests.

use anyhow::Context as _;
use app::backend::{captcha::Captcha, config::Config};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum CaptchaCommand {
    /// Print the characters of the picture named by TOKEN (the page's `captcha_picture` field).
    Read { token: String },
}

pub fn run(config: Config, command: CaptchaCommand) -> anyhow::Result<()> {
    let captcha = Captcha::load(&config.captcha).context("cannot read the captcha key")?;
    match command {
        CaptchaCommand::Read { token } => {
            let text = captcha.picture_text(&token).context("this token was not signed with this portal's key")?;
            println!("{text}");
        }
    }
    Ok(())
}
