use crate::routes;
/// Where to send the user after login: a path on this site, never another origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

const DEFAULT: &str = routes::ACCOUNT;
const MAX_LEN: usize = 2048;

impl LocalPath {
    /// The `next` parameter if it is a local path, otherwise the account page.
    pub fn parse_or_default(next: Option<&str>) -> Self {
        next.filter(|n| is_local(n)).map_or_else(|| Self(DEFAULT.to_owned()), |n| Self(n.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `/x` is local; `//host`, `/\host`, `https://host`, and anything with control characters,
/// backslashes or spaces (which browsers may treat as separators) are not.
fn is_local(next: &str) -> bool {
    next.len() <= MAX_LEN
        && next.starts_with('/')
        && !next.starts_with("//")
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\')
        && !next.starts_with("/login")
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn whatever_next_says_the_login_sends_the_user_to_a_path_on_this_site(next in "\\PC{0,40}|/[!-~]{0,40}|//[!-~]{0,20}") {
            let path = LocalPath::parse_or_default(Some(&next));
            proptest::prop_assert!(path.as_str().starts_with('/') && !path.as_str().starts_with("//"));
            proptest::prop_assert!(!path.as_str().contains('\\') && path.as_str().chars().all(|c| c.is_ascii_graphic()));
        }
    }

    #[test]
    fn local_paths_are_kept() {
        for next in ["/account", "/account/password?tab=1", "/a%20b"] {
            assert_eq!(LocalPath::parse_or_default(Some(next)).as_str(), next);
        }
    }

    #[test]
    fn other_origins_and_odd_paths_fall_back_to_the_account_page() {
        for next in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\tevil",
            "evil",
            "",
            "/login?next=/x",
            "/ a",
        ] {
            assert_eq!(LocalPath::parse_or_default(Some(next)).as_str(), "/account", "{next:?}");
        }
        assert_eq!(LocalPath::parse_or_default(None).as_str(), "/account");
    }
}
