//! `PORTAL_SITE_NAME` and `PORTAL_LOGO`: whose portal the pages and mail say this is.

use std::{fmt, path::Path, sync::Arc};

use sha2::{Digest, Sha256};

use super::{bad, ConfigError};
use crate::brand::Brand;

/// The longest site name: it has to fit above a 26rem card and in a mail's first line.
const MAX_NAME_CHARS: usize = 60;
/// The largest logo: a mark drawn small, not a photograph.
const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The site's name and logo, checked.
#[derive(Clone, Debug)]
pub struct BrandSettings {
    pub site_name: String,
    pub logo: Option<Logo>,
}

impl BrandSettings {
    /// What pages show: the name and where the logo is served.
    pub fn brand(&self) -> Brand {
        Brand { name: self.site_name.clone(), logo: self.logo.as_ref().map(|logo| logo.url.clone()) }
    }
}

/// The logo file, read once at start-up, and the URL it is served at: its name carries a hash
/// of its content, so browsers keep it until the operator changes the file.
#[derive(Clone)]
pub struct Logo {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
    pub url: String,
}

impl fmt::Debug for Logo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logo").field("url", &self.url).field("bytes", &self.bytes.len()).finish()
    }
}

impl BrandSettings {
    /// `site_name` and the logo file at `logo`, checked (and the file read) as start-up does.
    pub fn parse(site_name: &str, logo: Option<&str>) -> Result<Self, ConfigError> {
        let site_name = site_name.trim();
        if site_name.is_empty() || site_name.chars().count() > MAX_NAME_CHARS {
            return Err(bad("PORTAL_SITE_NAME", format!("must be 1 to {MAX_NAME_CHARS} characters")));
        }
        if site_name.chars().any(char::is_control) {
            return Err(bad("PORTAL_SITE_NAME", "must be one line of text, without control characters"));
        }
        let logo = match logo.map(str::trim).filter(|path| !path.is_empty()) {
            Some(path) => Some(read_logo(Path::new(path))?),
            None => None,
        };
        Ok(Self { site_name: site_name.to_owned(), logo })
    }
}

fn read_logo(path: &Path) -> Result<Logo, ConfigError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| bad("PORTAL_LOGO", format!("cannot read {shown}: {e}")))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(bad("PORTAL_LOGO", format!("{shown} is larger than {} KiB", MAX_LOGO_BYTES / 1024)));
    }
    let (extension, content_type) =
        sniff(&bytes).ok_or_else(|| bad("PORTAL_LOGO", format!("{shown} is not an SVG, PNG, WebP or JPEG image")))?;
    let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
    Ok(Logo { bytes: bytes.into(), content_type, url: format!("/brand/logo.{hash}.{extension}") })
}

/// The image's type, from its first bytes (not from the file's name).
fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(("jpg", "image/jpeg"))
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else if std::str::from_utf8(bytes).is_ok_and(|text| text.contains("<svg")) {
        Some(("svg", "image/svg+xml"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_name_is_one_short_line() {
        assert_eq!(BrandSettings::parse("  Example Hosting ", None).unwrap().site_name, "Example Hosting");
        for bad_name in ["", "   ", "Two\nlines", &"x".repeat(61)] {
            let error = BrandSettings::parse(bad_name, None).unwrap_err();
            assert_eq!(error.setting, "PORTAL_SITE_NAME", "{bad_name:?}");
        }
    }

    #[test]
    fn a_logo_is_served_under_a_name_that_changes_with_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logo.svg");
        std::fs::write(&path, r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap();
        let first = BrandSettings::parse("Example", path.to_str()).unwrap().logo.unwrap();
        assert_eq!(first.content_type, "image/svg+xml");
        assert!(first.url.starts_with("/brand/logo.") && first.url.ends_with(".svg"), "{}", first.url);

        std::fs::write(&path, r#"<svg xmlns="http://www.w3.org/2000/svg" width="1"/>"#).unwrap();
        let second = BrandSettings::parse("Example", path.to_str()).unwrap().logo.unwrap();
        assert_ne!(first.url, second.url);
    }

    #[test]
    fn a_logo_that_is_missing_too_large_or_not_an_image_stops_start_up() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("logo.png");
        std::fs::write(&text, "not an image").unwrap();
        let large = dir.path().join("large.png");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(MAX_LOGO_BYTES + 1, 0);
        std::fs::write(&large, png).unwrap();
        for path in [dir.path().join("missing.svg"), text, large] {
            let error = BrandSettings::parse("Example", path.to_str()).unwrap_err();
            assert_eq!(error.setting, "PORTAL_LOGO", "{}", path.display());
        }
    }
}
