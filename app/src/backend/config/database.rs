//! `PORTAL_DATABASE_URL`: the embedded SQLite file, or PostgreSQL for several nodes.

use std::{fmt, path::PathBuf, str::FromStr};

use sqlx::postgres::PgConnectOptions;

use super::{bad, ConfigError};

#[derive(Clone)]
pub enum Database {
    /// `sqlite://PATH`: the file (and its folder) are created when missing.
    Sqlite(PathBuf),
    /// `postgres://USER@HOST/DATABASE`.
    Postgres(Box<PgConnectOptions>),
}

impl Database {
    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        let setting = "PORTAL_DATABASE_URL";
        if let Some(path) = value.strip_prefix("sqlite://").or_else(|| value.strip_prefix("sqlite:")) {
            if path.is_empty() || path.contains(":memory:") {
                return Err(bad(setting, "sqlite:// needs a file, e.g. sqlite://data/portal.db (in memory, every account would be lost at restart)"));
            }
            if path.contains('?') {
                return Err(bad(setting, "give only the file: the portal sets the SQLite options itself"));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(value)
                .map_err(|_| bad(setting, "not a PostgreSQL URL such as postgres://USER@HOST/DATABASE"))?;
            return Ok(Self::Postgres(Box::new(options)));
        }
        Err(bad(setting, "expected sqlite://PATH or postgres://USER@HOST/DATABASE"))
    }

    /// Several nodes can share this database.
    pub fn is_shared(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "SQLite",
            Self::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Names the file or the server and database, never a password.
impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "Sqlite({})", path.display()),
            Self::Postgres(options) => write!(
                f,
                "Postgres({}:{}/{})",
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or_default()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file() {
        assert!(
            matches!(Database::parse("sqlite://data/portal.db"), Ok(Database::Sqlite(p)) if p == std::path::Path::new("data/portal.db"))
        );
        assert!(
            matches!(Database::parse("sqlite:///var/lib/portal/portal.db"), Ok(Database::Sqlite(p)) if p.is_absolute())
        );
        for refused in ["sqlite://", "sqlite::memory:", "sqlite://portal.db?mode=ro"] {
            assert_eq!(Database::parse(refused).unwrap_err().setting, "PORTAL_DATABASE_URL", "{refused}");
        }
    }

    #[test]
    fn postgres_urls_are_parsed_and_never_print_the_password() {
        let db = Database::parse("postgres://portal:hunter2@db.example:5433/portal").unwrap();
        assert!(db.is_shared());
        let shown = format!("{db:?}");
        assert_eq!(shown, "Postgres(db.example:5433/portal)");
        assert!(Database::parse("mysql://x").is_err());
    }
}
