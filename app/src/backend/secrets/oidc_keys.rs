//! The OpenID provider's ID-token signing keys: made here (ES256 on P-256, RS256 with 2048-bit
//! RSA), their private parts sealed at rest under the deployment key and bound to each key's
//! `kid`, their public halves as JWKs, and the signature itself.
//!
//! Everything JOSE is `jsonwebtoken`'s (on RustCrypto's `rsa` and `p256`, which also make the
//! keys): nothing here encodes a token, a signature or a key by hand. The private key is kept in
//! the form `jsonwebtoken` signs with: PKCS#1 DER for RSA (what its RustCrypto backend parses in
//! `EncodingKey::from_rsa_der`), PKCS#8 DER for P-256 (`EncodingKey::from_ec_der`).

use std::fmt;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use jsonwebtoken::{
    jwk::{Jwk, PublicKeyUse},
    Algorithm, EncodingKey, Header,
};
use zeroize::Zeroizing;

use super::{
    deployment_key::{DeploymentKey, Purpose},
    sealed_box::{SealedBox, Unreadable},
};

/// The algorithms a client may register for its ID tokens. RS256 is what OpenID Connect
/// Discovery requires every provider to offer; ES256 is the default: shorter tokens and keys,
/// and much faster signing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigningAlg {
    Es256,
    Rs256,
}

impl SigningAlg {
    pub const ALL: [Self; 2] = [Self::Es256, Self::Rs256];

    /// Its JOSE name, as stored and as the command line takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    /// The JOSE name back (exactly, as JOSE names are case-sensitive).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|alg| alg.as_str() == text)
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Self::Es256 => Algorithm::ES256,
            Self::Rs256 => Algorithm::RS256,
        }
    }
}

impl fmt::Display for SigningAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot make a {0} signing key")]
    Generate(SigningAlg),
    /// A stored key that opened but is not a key of its algorithm: a damaged row.
    #[error("the stored {alg} signing key {kid} is not a usable key")]
    Damaged { alg: SigningAlg, kid: String },
    #[error("cannot sign with the {0} key")]
    Sign(SigningAlg),
}

/// A signing key's private part, in the DER form `jsonwebtoken` signs with; wiped when dropped,
/// and never printed.
pub struct PrivateKey {
    alg: SigningAlg,
    der: Zeroizing<Vec<u8>>,
}

impl PrivateKey {
    /// A new key from the operating system's random numbers. Slow for RSA (a fraction of a
    /// second optimised): call it off the async runtime.
    pub fn generate(alg: SigningAlg) -> Result<Self, KeyError> {
        use rand_core_06::OsRng;
        let der = match alg {
            SigningAlg::Es256 => {
                use p256::pkcs8::EncodePrivateKey as _;
                let key = p256::SecretKey::random(&mut OsRng);
                key.to_pkcs8_der().map_err(|_| KeyError::Generate(alg))?.as_bytes().to_vec()
            }
            SigningAlg::Rs256 => {
                use rsa::pkcs1::EncodeRsaPrivateKey as _;
                let key = rsa::RsaPrivateKey::new(&mut OsRng, RSA_BITS).map_err(|_| KeyError::Generate(alg))?;
                key.to_pkcs1_der().map_err(|_| KeyError::Generate(alg))?.as_bytes().to_vec()
            }
        };
        Ok(Self { alg, der: Zeroizing::new(der) })
    }

    pub fn alg(&self) -> SigningAlg {
        self.alg
    }

    fn encoding_key(&self) -> EncodingKey {
        match self.alg {
            SigningAlg::Es256 => EncodingKey::from_ec_der(&self.der),
            SigningAlg::Rs256 => EncodingKey::from_rsa_der(&self.der),
        }
    }

    /// The public half as the JWKS publishes it: `kid`, `alg`, `use: "sig"` and the key's
    /// public parameters (`n`, `e` or `crv`, `x`, `y`), as `jsonwebtoken` derives them.
    /// Also the check that a stored key is whole: a damaged one has no public half.
    pub fn public_jwk(&self, kid: &str) -> Result<Jwk, KeyError> {
        let damaged = || KeyError::Damaged { alg: self.alg, kid: kid.to_owned() };
        let mut jwk = Jwk::from_encoding_key(&self.encoding_key(), self.alg.algorithm()).map_err(|_| damaged())?;
        jwk.common.key_id = Some(kid.to_owned());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(jwk)
    }

    /// `claims` as a compact JWS signed with this key, its `kid` in the header so that a
    /// relying party picks the right key from the JWKS.
    pub fn sign<T: serde::Serialize>(&self, kid: &str, claims: &T) -> Result<String, KeyError> {
        let header = Header { kid: Some(kid.to_owned()), ..Header::new(self.alg.algorithm()) };
        jsonwebtoken::encode(&header, claims, &self.encoding_key()).map_err(|_| KeyError::Sign(self.alg))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, ********)", self.alg)
    }
}

/// The modulus size of RS256 keys: NIST's minimum for signatures beyond 2030 is 2048 bits, and
/// larger keys would slow every signature (RSA signing grows with the cube of the size).
const RSA_BITS: usize = 2048;

/// A fresh key id: 96 random bits, base64url (16 characters). Random rather than the key's
/// thumbprint, so that the id says nothing about the key.
pub fn new_kid() -> String {
    let mut bytes = [0u8; 12];
    super::fill_random(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Seals the private keys at rest, each bound to its algorithm and kid: a sealed key copied to
/// another row does not open, so a row cannot be made to sign under another key's name.
#[derive(Clone)]
pub struct SigningKeySeal(SealedBox);

impl SigningKeySeal {
    pub fn new(key: &DeploymentKey) -> Self {
        Self(SealedBox::new(key, Purpose::OidcSigningKey))
    }

    pub fn seal(&self, kid: &str, key: &PrivateKey) -> String {
        self.0.seal(&place(key.alg, kid), &key.der)
    }

    pub fn open(&self, alg: SigningAlg, kid: &str, stored: &str) -> Result<PrivateKey, Unreadable> {
        let der = Zeroizing::new(self.0.open(&place(alg, kid), stored)?);
        Ok(PrivateKey { alg, der })
    }
}

fn place(alg: SigningAlg, kid: &str) -> Vec<u8> {
    format!("oidc signing key {alg} {kid}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    fn seal() -> SigningKeySeal {
        SigningKeySeal::new(&DeploymentKey::from_text("unit-test-deployment-key-0123456789abcdef"))
    }

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Claims {
        sub: String,
        exp: u64,
    }

    #[test]
    fn a_key_of_each_algorithm_signs_what_its_public_jwk_verifies_and_nothing_else() {
        let claims = Claims { sub: "someone".into(), exp: 4_000_000_000 };
        for alg in SigningAlg::ALL {
            let key = PrivateKey::generate(alg).unwrap();
            let jwk = key.public_jwk("k1").unwrap();
            let token = key.sign("k1", &claims).unwrap();
            assert_eq!(jsonwebtoken::decode_header(&token).unwrap().kid.as_deref(), Some("k1"));
            let decoding = DecodingKey::from_jwk(&jwk).unwrap();
            let validation = Validation::new(alg.algorithm());
            assert_eq!(jsonwebtoken::decode::<Claims>(&token, &decoding, &validation).unwrap().claims, claims);
            let other = DecodingKey::from_jwk(&PrivateKey::generate(alg).unwrap().public_jwk("k2").unwrap()).unwrap();
            assert!(jsonwebtoken::decode::<Claims>(&token, &other, &validation).is_err(), "{alg}: another key");
        }
    }

    #[test]
    fn the_public_jwk_carries_no_private_parameter() {
        for alg in SigningAlg::ALL {
            let json = serde_json::to_value(PrivateKey::generate(alg).unwrap().public_jwk("k").unwrap()).unwrap();
            let object = json.as_object().unwrap();
            assert_eq!(object["use"], "sig");
            assert_eq!(object["alg"], alg.as_str());
            for private in ["d", "p", "q", "dp", "dq", "qi"] {
                assert!(!object.contains_key(private), "{alg} publishes {private}");
            }
        }
    }

    #[test]
    fn a_sealed_key_opens_only_under_its_own_kid_and_algorithm() {
        let seal = seal();
        let key = PrivateKey::generate(SigningAlg::Es256).unwrap();
        let stored = seal.seal("kid-a", &key);
        let opened = seal.open(SigningAlg::Es256, "kid-a", &stored).unwrap();
        assert_eq!(opened.public_jwk("kid-a").unwrap(), key.public_jwk("kid-a").unwrap());
        assert!(seal.open(SigningAlg::Es256, "kid-b", &stored).is_err(), "another kid");
        assert!(seal.open(SigningAlg::Rs256, "kid-a", &stored).is_err(), "another algorithm");
    }

    #[test]
    fn a_damaged_key_is_an_error_and_never_a_panic() {
        let damaged = PrivateKey { alg: SigningAlg::Rs256, der: Zeroizing::new(b"not a key".to_vec()) };
        assert!(matches!(damaged.public_jwk("k"), Err(KeyError::Damaged { .. })));
        assert!(damaged.sign("k", &Claims { sub: "x".into(), exp: 1 }).is_err());
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let key = PrivateKey::generate(SigningAlg::Es256).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "PrivateKey(ES256, ********)");
    }

    #[test]
    fn algorithm_names_are_exact() {
        assert_eq!(SigningAlg::parse("ES256"), Some(SigningAlg::Es256));
        assert_eq!(SigningAlg::parse("RS256"), Some(SigningAlg::Rs256));
        for refused in ["es256", "HS256", "none", ""] {
            assert_eq!(SigningAlg::parse(refused), None, "{refused}");
        }
    }
}
