//! Where the use cases' errors become what a person reads: every mapping from a `backend`
//! error to [`AppError`] is a `From` impl here, and nowhere else, so a server function says `?`. Causes a person cannot act on are logged
//! here and answered with a sentence that reveals nothing.

use crate::{
    backend::{
        captcha::CaptchaError, captcha::Refusal, secrets::password_hasher::HashError,
        steps::new_password_check::Confirmation, steps::new_password_check::NewPasswordProblems,
        steps::rate_limits::Limit, store::StoreError, use_cases::login::LoginError,
        use_cases::password_change::ChangePasswordError, use_cases::password_reset::ResetError,
        use_cases::second_factor::SecondFactorError, use_cases::session_list::SessionListError,
        use_cases::two_factor::TwoFactorError,
    },
    domain::{NewPasswordError, PasswordError},
    error::{AppError, FieldError, Problem},
};

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::DuplicateEmail => AppError::field("email", Problem::EmailTaken),
            other => {
                tracing::error!(error = ?other, "storage failed");
                if other.is_pool_timeout() {
                    AppError::Unavailable
                } else {
                    AppError::Internal
                }
            }
        }
    }
}

impl From<HashError> for AppError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => {
                tracing::warn!("password hashing saturated; answering 503");
                AppError::Unavailable
            }
            HashError::Failed(cause) => {
                tracing::error!(%cause, "password hashing failed");
                AppError::Internal
            }
        }
    }
}

impl From<CaptchaError> for AppError {
    fn from(err: CaptchaError) -> Self {
        match err {
            CaptchaError::Refused(Refusal::ProviderUnavailable) => AppError::Unavailable,
            CaptchaError::Refused(refusal) => AppError::field(crate::captcha::PROOF_FIELD, refusal),
            CaptchaError::Store(e) => e.into(),
        }
    }
}

impl From<LoginError> for AppError {
    fn from(err: LoginError) -> Self {
        match err {
            LoginError::InvalidCredentials | LoginError::HeldBack => AppError::InvalidCredentials,
            LoginError::TooManyAttempts => too_many(Limit::LoginAttemptsPerAddress),
            LoginError::Captcha(e) => e.into(),
            LoginError::Hash(e) => e.into(),
            LoginError::Store(e) => e.into(),
        }
    }
}

impl From<SessionListError> for AppError {
    fn from(err: SessionListError) -> Self {
        match err {
            SessionListError::IsCurrent => AppError::field("id", Problem::SessionIsCurrent),
            SessionListError::NotFound => AppError::NotFound,
            SessionListError::Store(e) => e.into(),
        }
    }
}

/// A refusal by `limit`: try again once its window has passed.
fn too_many(limit: Limit) -> AppError {
    AppError::TooManyRequests { retry_after_secs: limit.window().as_secs() }
}

impl From<ChangePasswordError> for AppError {
    fn from(err: ChangePasswordError) -> Self {
        match err {
            ChangePasswordError::Refused { current_missing, new } => {
                let mut errors = Vec::new();
                if current_missing {
                    errors.push(FieldError::new("current_password", Problem::CurrentPasswordMissing));
                }
                errors.extend(new_password_problems(new));
                AppError::Invalid(errors)
            }
            ChangePasswordError::WrongCurrentPassword { new } => {
                let mut errors = vec![FieldError::new("current_password", Problem::CurrentPasswordWrong)];
                errors.extend(new_password_problems(new));
                AppError::Invalid(errors)
            }
            ChangePasswordError::Unchanged => AppError::field("new_password", Problem::NewPasswordUnchanged),
            ChangePasswordError::SessionEnded => AppError::Unauthenticated,
            ChangePasswordError::MustWait(wait_secs) => AppError::TooManyTries { wait_secs },
            ChangePasswordError::Hash(e) => e.into(),
            ChangePasswordError::Store(e) => e.into(),
        }
    }
}

impl From<ResetError> for AppError {
    fn from(err: ResetError) -> Self {
        match err {
            ResetError::LinkEnded => AppError::LinkExpired,
            ResetError::TooManyChecks => too_many(Limit::ResetLinkChecksPerAddress),
            ResetError::Refused(problems) => AppError::Invalid(new_password_problems(problems)),
            ResetError::Captcha(e) => e.into(),
            ResetError::Hash(e) => e.into(),
            ResetError::Store(e) => e.into(),
        }
    }
}

/// One problem per rule the new password breaks, then the confirmation's.
fn new_password_problems(problems: NewPasswordProblems) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match problems.new {
        Some(NewPasswordError::Weak(report)) => {
            let broken = report.checks.iter().filter(|check| !check.passed);
            errors.extend(broken.map(|check| FieldError::new("new_password", Problem::Rule(check.rule))));
        }
        Some(NewPasswordError::Empty) => errors.push(FieldError::new("new_password", Problem::NewPasswordMissing)),
        Some(NewPasswordError::TooLong) => errors.push(FieldError::new("new_password", PasswordError::TooLong)),
        None => {}
    }
    match problems.confirm {
        Some(Confirmation::Missing) => errors.push(FieldError::new("confirm_password", Problem::ConfirmationMissing)),
        Some(Confirmation::Differs) => errors.push(FieldError::new("confirm_password", Problem::ConfirmationDiffers)),
        None => {}
    }
    errors
}

impl From<SecondFactorError> for AppError {
    fn from(err: SecondFactorError) -> Self {
        match err {
            SecondFactorError::Refused => AppError::SecondFactorRefused,
            SecondFactorError::TooManyAttempts => too_many(Limit::LoginAttemptsPerAddress),
            SecondFactorError::MustWait(wait_secs) => AppError::TooManyTries { wait_secs },
            SecondFactorError::Store(e) => e.into(),
        }
    }
}

impl From<TwoFactorError> for AppError {
    fn from(err: TwoFactorError) -> Self {
        match err {
            TwoFactorError::AlreadyOn | TwoFactorError::Off => AppError::TwoFactorChanged,
            TwoFactorError::WrongCode => AppError::field("code", Problem::AuthCodeWrong),
            TwoFactorError::WrongSecondFactor => AppError::field("second_factor", Problem::SecondFactorWrong),
            TwoFactorError::WrongPassword => AppError::field("current_password", Problem::CurrentPasswordWrong),
            TwoFactorError::Unreadable => AppError::Internal,
            TwoFactorError::MustWait(wait_secs) => AppError::TooManyTries { wait_secs },
            TwoFactorError::TooManyAttempts => too_many(Limit::LoginAttemptsPerAddress),
            TwoFactorError::Hash(e) => e.into(),
            TwoFactorError::Store(e) => e.into(),
        }
    }
}
