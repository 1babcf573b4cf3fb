//! Keys given in the environment, or generated on first start and kept in a file only the
//! portal's user can read: the captcha's signing key and the deployment key
//! ([`crate::backend::secrets::deployment_key`]).

use std::{
    fs,
    io::{self, Write as _},
    path::Path,
};

use rand::{rngs::SysRng, TryRng as _};
use secrecy::{ExposeSecret as _, SecretString};

use crate::backend::config::KeySource;

pub fn load(source: &KeySource) -> io::Result<SecretString> {
    match source {
        KeySource::Given(key) => Ok(key.clone()),
        KeySource::File(path) => load_or_create(path),
    }
}

fn load_or_create(path: &Path) -> io::Result<SecretString> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= 32 => return Ok(text.trim().to_owned().into()),
        Ok(_) => {
            return Err(io::Error::other(format!(
                "{} holds no usable key (delete it to get a new one)",
                path.display()
            )))
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut bytes = [0u8; 32];
    SysRng.try_fill_bytes(&mut bytes).map_err(io::Error::other)?;
    let key: SecretString = hex::encode(bytes).into();

    // Written whole under a name of its own, then linked into place: a process starting at the
    // same moment either finds no key or a complete one, never a half-written file.
    let draft = path.with_extension(format!("{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&draft).and_then(|mut file| {
        file.write_all(key.expose_secret().as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| fs::hard_link(&draft, path));
    let _ = fs::remove_file(&draft);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a key");
            Ok(key)
        }
        // Another process got there first: use its key.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => load_or_create(path),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_is_kept_and_read_back_by_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/captcha.key");
        let first = load(&KeySource::File(path.clone())).unwrap();
        let second = load(&KeySource::File(path.clone())).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn an_empty_key_file_is_an_error_not_a_weak_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("captcha.key");
        fs::write(&path, "short\n").unwrap();
        assert!(load(&KeySource::File(path)).is_err());
    }
}
