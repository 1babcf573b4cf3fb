//! The ids the store hands out, as types (a leaf: it imports nothing of ours), so that an account's id cannot be passed where a
//! session's or a time is expected.
//!
//! [`UserId`] is the account's private row id: it never leaves the server (pages, URLs and mail
//! do not show it). The public, opaque account id that apps and provisioning will see (OpenID
//! Connect's `sub`, SCIM's `id`) is a different value, a random UUID stored with the account:
//! [`AccountId`].

use std::fmt;

/// An account's row id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserId(i64);

impl UserId {
    /// The id of a row the caller made or read itself (tests, the command line's listing).
    pub const fn from_row(id: i64) -> Self {
        Self(id)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An account's public, opaque id: what apps signed in through the portal know the person by
/// (OpenID Connect's `sub`). A random version 4 UUID, made once with the account and never
/// changed, so a new email address or password keeps the person's identity in every app; it is
/// neither the email (which changes, and is personal) nor the row id (which counts accounts).
#[derive(Clone, Debug, PartialEq, Eq, Hash, sqlx::Type, serde::Serialize, serde::Deserialize)]
#[sqlx(transparent)]
#[serde(into = "String", try_from = "String")]
pub struct AccountId(String);

impl AccountId {
    /// A fresh id from the operating system's random numbers (122 random bits).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().hyphenated().to_string())
    }

    /// Accepts a version 4 UUID in its usual lower-case hyphenated form (as the portal makes
    /// and shows them), so one account never has two spellings; anything else is no id.
    pub fn parse(text: &str) -> Option<Self> {
        let parsed = uuid::Uuid::try_parse(text).ok()?;
        let canonical = parsed.hyphenated().to_string();
        (parsed.get_version_num() == 4 && canonical == text).then_some(Self(canonical))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountId {
    type Error = String;

    /// A stored id that is not one the portal makes is a damaged row: refused with the reason,
    /// never taken as someone's identity.
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text).ok_or_else(|| "a stored account id is not a version 4 UUID".to_owned())
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> String {
        id.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::AccountId;

    #[test]
    fn fresh_ids_differ_and_parse_back_as_themselves() {
        let (a, b) = (AccountId::generate(), AccountId::generate());
        assert_ne!(a, b);
        assert_eq!(AccountId::parse(a.as_str()), Some(a.clone()));
        assert_eq!(a.to_string().len(), 36);
    }

    #[test]
    fn only_the_canonical_form_of_a_v4_uuid_is_an_id() {
        let id = AccountId::generate();
        for refused in [
            String::new(),
            "not-a-uuid".to_owned(),
            id.as_str().to_uppercase(),
            id.as_str().replace('-', ""),
            "00000000-0000-1000-8000-000000000000".to_owned(), // version 1
            format!("{{{id}}}"),
        ] {
            assert_eq!(AccountId::parse(&refused), None, "{refused}");
        }
    }
}
