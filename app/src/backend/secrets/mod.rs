//! Key material and what is made from it: the deployment key and its per-purpose keys, sealing at
//! rest, argon2id password hashing, random tokens, authenticator secrets, recovery codes and the
//! OpenID provider's signing keys.

pub mod deployment_key;
pub mod key_file;
pub mod oidc_keys;
pub mod password_hasher;
pub mod recovery_codes;
pub mod sealed_box;
pub mod secret_token;
pub mod totp;
pub mod two_factor_seal;

/// Fills `buf` from the operating system's CSPRNG. There is no fallback: a machine whose
/// kernel cannot give random bytes can make no key, token or code, so the request stops here.
#[allow(clippy::expect_used, reason = "no secret can be made without the system's random numbers")]
pub fn fill_random(buf: &mut [u8]) {
    use rand::TryRng as _;
    rand::rngs::SysRng.try_fill_bytes(buf).expect("the operating system's random number generator failed");
}

/// `text` (ASCII) in groups of four characters, as people read and type keys: "JBSW Y3DP".
pub(crate) fn in_fours(text: &str, separator: &str) -> String {
    text.as_bytes().chunks(4).map(|group| String::from_utf8_lossy(group)).collect::<Vec<_>>().join(separator)
}
