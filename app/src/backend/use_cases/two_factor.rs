//! Security Settings: turning two-factor sign-in on (a secret shown as a QR code and a setup
//! key, confirmed by the app's current code), recovery codes shown once, new recovery codes,
//! and turning it off. Changing anything asks for the current password and a current code (or
//! a recovery code); each change is told to the account by email.

use qrcode::{render::svg, EcLevel, QrCode};

use crate::{
    backend::{
        client::ClientInfo,
        mail::templates,
        secrets::{
            password_hasher::{HashError, Verification},
            recovery_codes::RecoveryCode,
            totp::{AuthCode, TotpSecret},
        },
        state::AppState,
        steps::{
            login_throttle,
            notice::Notice,
            proof::{self, Proof},
            sessions::CurrentSession,
        },
        store::UserId,
        store::{StoreError, UserRecord},
    },
    domain::{Email, Password},
};

/// What Security Settings shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

/// What the setup page shows, until two-factor is on: never again after.
pub struct SetupView {
    /// The QR code of [`Self::otpauth_url`], an SVG document drawn here.
    pub qr_svg: String,
    /// The secret in base32, in groups of four, for typing by hand.
    pub setup_key: String,
    pub otpauth_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error("two-factor sign-in is already on")]
    AlreadyOn,
    #[error("two-factor sign-in is off")]
    Off,
    /// The code does not match the app's current one (or was used already), on setup.
    #[error("wrong code")]
    WrongCode,
    /// Neither the app's current code nor an unused recovery code, confirming a change.
    #[error("wrong second factor")]
    WrongSecondFactor,
    /// The current password is wrong.
    #[error("wrong current password")]
    WrongPassword,
    /// The throttle holds tries back for now: for `None`, until a new password.
    #[error("too many tries: wait")]
    MustWait(Option<u64>),
    /// The client address has used up its login attempts for now.
    #[error("too many attempts from this address")]
    TooManyAttempts,
    /// The account's stored secret cannot be opened with this deployment key.
    #[error("the stored authenticator secret cannot be opened (was PORTAL_SECRET_KEY changed?)")]
    Unreadable,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub async fn status(state: &AppState, user_id: UserId) -> Result<Status, StoreError> {
    let enabled = proof::is_on(state, user_id).await?;
    let recovery_codes_left = if enabled { state.store.count_recovery_codes(user_id).await? } else { 0 };
    Ok(Status { enabled, recovery_codes_left })
}

/// How long a secret being set up is shown again (a reload, a second look) before a visit makes
/// a new one: someone who copied the key from a borrowed signed-in browser cannot wait for the
/// owner to turn two-factor on with it later.
const SETUP_KEY_SHOWN_SECS: i64 = 10 * 60;

/// The secret being set up: the one shown in the last ten minutes (the person may be scanning
/// it), otherwise a new one. Turning it on still needs the password and the app's current code.
pub async fn setup(state: &AppState, session: &CurrentSession) -> Result<SetupView, TwoFactorError> {
    let now = state.clock.now();
    let secret = match state.store.two_factor(session.user_id).await? {
        Some(row) if row.enabled_at.is_some() => return Err(TwoFactorError::AlreadyOn),
        Some(row) if now < row.created_at + SETUP_KEY_SHOWN_SECS => open(state, session.user_id, &row.secret_sealed)?,
        _ => {
            let secret = TotpSecret::generate();
            let sealed = state.two_factor.seal(session.user_id, &secret);
            if !state.store.begin_two_factor_setup(session.user_id, &sealed, now).await? {
                return Err(TwoFactorError::AlreadyOn);
            }
            secret
        }
    };
    let otpauth_url = secret.otpauth_url(&state.config.brand.site_name, session.email.as_str());
    Ok(SetupView { qr_svg: qr_svg(&otpauth_url), setup_key: secret.setup_key(), otpauth_url })
}

/// Turns two-factor on once the current password is right and `code` is the app's current one
/// (someone who borrowed a signed-in browser cannot tie the account to their own phone); makes
/// the recovery codes, which the next page shows once ([`take_fresh_codes`]), and tells the
/// account by email.
pub async fn enable(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    password: &Password,
    code: &AuthCode,
) -> Result<(), TwoFactorError> {
    let user_id = session.user_id;
    let row = match state.store.two_factor(user_id).await? {
        Some(row) if row.enabled_at.is_some() => return Err(TwoFactorError::AlreadyOn),
        Some(row) => row,
        None => return Err(TwoFactorError::Off),
    };
    check_password(state, session, client, password).await?;
    let now = state.clock.now();
    let secret = open(state, user_id, &row.secret_sealed)?;
    let step = secret.accepts(code, now, row.last_step).ok_or(TwoFactorError::WrongCode)?;
    let (hashes, fresh) = new_code_set(state, user_id);
    let notice = Notice::from_client(state, client);
    let mail = notice.seal(|config, occasion| templates::two_factor_on(config, &session.email, occasion));
    if !state.store.enable_two_factor(user_id, step, &hashes, &fresh, now, &mail).await? {
        return Err(TwoFactorError::AlreadyOn);
    }
    notice.committed();
    tracing::info!(%user_id, "two-factor sign-in turned on");
    Ok(())
}

/// Whether recovery codes just made wait to be shown. Looking takes nothing: only
/// [`take_fresh_codes`], behind a same-origin POST, does.
pub async fn fresh_codes_waiting(state: &AppState, user_id: UserId) -> Result<bool, StoreError> {
    state.store.fresh_recovery_codes_waiting(user_id).await
}

/// The recovery codes just made, taken, still sealed (for a browser without JavaScript, which
/// carries them to the next page in a one-time cookie): a second take finds none.
pub async fn take_fresh_codes(state: &AppState, user_id: UserId) -> Result<Option<String>, StoreError> {
    state.store.take_fresh_recovery_codes(user_id).await
}

/// The codes in `sealed` (from [`take_fresh_codes`]), as shown: `None` when they were not
/// sealed for this account under this deployment's key.
pub fn open_fresh_codes(state: &AppState, user_id: UserId, sealed: &str) -> Option<Vec<String>> {
    let codes = state.two_factor.open_codes(user_id, sealed).ok()?;
    Some(codes.iter().map(RecoveryCode::shown).collect())
}

/// New recovery codes in place of the old ones, after the password and a code.
pub async fn renew_codes(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    password: &Password,
    proof: Proof,
) -> Result<(), TwoFactorError> {
    confirm(state, session, client, password, proof).await?;
    let (hashes, fresh) = new_code_set(state, session.user_id);
    let notice = Notice::from_client(state, client);
    let mail = notice.seal(|config, occasion| templates::recovery_codes_renewed(config, &session.email, occasion));
    state.store.renew_recovery_codes(session.user_id, &hashes, &fresh, notice.when(), &mail).await?;
    notice.committed();
    tracing::info!(user_id = %session.user_id, "new recovery codes made");
    Ok(())
}

/// Turns two-factor off, after the password and a code. The sessions stay.
pub async fn turn_off(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    password: &Password,
    proof: Proof,
) -> Result<(), TwoFactorError> {
    confirm(state, session, client, password, proof).await?;
    let notice = Notice::from_client(state, client);
    let mail = notice.seal(|config, occasion| templates::two_factor_off(config, &session.email, occasion));
    if !state.store.disable_two_factor(session.user_id, false, notice.when(), &mail).await? {
        return Err(TwoFactorError::Off);
    }
    notice.committed();
    tracing::info!(user_id = %session.user_id, "two-factor sign-in turned off");
    Ok(())
}

/// Support turns two-factor off for a person who lost both the phone and the recovery codes
/// (`portal user 2fa-off`): every session of the account ends, and the account is told.
pub async fn turn_off_by_support(state: &AppState, user_id: UserId, email: &Email) -> Result<bool, StoreError> {
    let notice = Notice::from_support(state);
    let mail = notice.seal(|config, occasion| templates::two_factor_off(config, email, occasion));
    let done = state.store.disable_two_factor(user_id, true, notice.when(), &mail).await?;
    if done {
        notice.committed();
        tracing::info!(%user_id, "two-factor sign-in turned off by support");
    }
    Ok(done)
}

/// A fresh set of recovery codes: what is stored (their hashes) and, sealed, what the next page
/// shows once.
fn new_code_set(state: &AppState, user_id: UserId) -> (Vec<[u8; 32]>, String) {
    let codes = RecoveryCode::generate_set();
    (codes.iter().map(RecoveryCode::hash).collect(), state.two_factor.seal_codes(user_id, &codes))
}

/// The current password, then a second factor, as one try of the login throttle: a wrong
/// password or a wrong code counts (for the account or this browser, and for the client
/// address), and a right password alone clears nothing: someone holding a stolen password and
/// session gets no more guesses at codes here than at the login's second step.
async fn confirm(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    password: &Password,
    proof: Proof,
) -> Result<(), TwoFactorError> {
    if !proof::is_on(state, session.user_id).await? {
        return Err(TwoFactorError::Off);
    }
    if !login_throttle::address_within_budget(state, client).await? {
        return Err(TwoFactorError::TooManyAttempts);
    }
    let user = state.store.find_user_by_id(session.user_id).await?.ok_or(TwoFactorError::Off)?;
    let attempt = login_throttle::begin(state, &user, client)
        .await?
        .or_wait(state.clock.now())
        .map_err(TwoFactorError::MustWait)?;
    if let Verification::Mismatch = state.hasher.verify(password, Some(&user.password_hash)).await? {
        attempt.failed(state, client).await?;
        return Err(TwoFactorError::WrongPassword);
    }
    if !proof::accept(state, &user, &proof, client).await? {
        tracing::info!(user_id = %user.id, "a change to two-factor sign-in refused: wrong second factor");
        attempt.failed_code(state, client).await?;
        return Err(TwoFactorError::WrongSecondFactor);
    }
    attempt.succeeded(state).await?;
    Ok(())
}

/// The account, when `password` is its current one. A wrong one counts toward the login
/// throttle, as on Change Password.
async fn check_password(
    state: &AppState,
    session: &CurrentSession,
    client: &ClientInfo,
    password: &Password,
) -> Result<UserRecord, TwoFactorError> {
    let user = state.store.find_user_by_id(session.user_id).await?.ok_or(TwoFactorError::Off)?;
    let attempt = login_throttle::begin(state, &user, client)
        .await?
        .or_wait(state.clock.now())
        .map_err(TwoFactorError::MustWait)?;
    match state.hasher.verify(password, Some(&user.password_hash)).await? {
        Verification::Match { .. } => attempt.succeeded(state).await?,
        Verification::Mismatch => {
            attempt.failed(state, client).await?;
            return Err(TwoFactorError::WrongPassword);
        }
    }
    Ok(user)
}

fn open(state: &AppState, user_id: UserId, sealed: &str) -> Result<TotpSecret, TwoFactorError> {
    state.two_factor.open(user_id, sealed).map_err(|_| {
        tracing::error!(%user_id, "an authenticator secret cannot be opened (was PORTAL_SECRET_KEY changed?)");
        TwoFactorError::Unreadable
    })
}

/// The QR code of `text` as an SVG document: dark modules on white with the standard quiet
/// zone, at least 240 px, so phone cameras read it in dark mode too.
#[allow(clippy::expect_used, reason = "an otpauth URL is far below a QR code's capacity")]
fn qr_svg(text: &str) -> String {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).expect("an otpauth URL fits in a QR code");
    code.render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}
