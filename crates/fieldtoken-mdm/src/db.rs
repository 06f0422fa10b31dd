//! The SQLite database: opening it with the settings the server relies on, and migrating it.

use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Opens (creating when missing) and migrates the database at `url`, e.g. `sqlite://data/fieldtoken.db`.
pub async fn open(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers go on while a sync batch commits; NORMAL is durable at every commit in WAL mode
        // except against power loss, which SQLite's docs accept for this mode.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(parent) = options.get_filename().parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Loads the master key at `path` and checks it against the database: on a database that has never sealed
/// anything, a missing file is created (mode 0600); otherwise the file must exist and be the key the database was
/// sealed with, or the server refuses to start (rather than failing on every request later).
pub async fn master_key(
    pool: &SqlitePool,
    path: &std::path::Path,
) -> Result<crate::MasterKey, String> {
    const CHECK_LABEL: &str = "fieldtoken/master-key-check";
    let check: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'master_key_check'")
            .fetch_optional(pool)
            .await
            .map_err(|e| e.to_string())?;
    let key = crate::MasterKey::load_or_create(path, check.is_none()).map_err(|e| e.to_string())?;
    match check {
        Some(sealed) => {
            key.open(CHECK_LABEL, &sealed).map_err(|_| {
                format!(
                    "the master key in {} is not the one this database was sealed with",
                    path.display()
                )
            })?;
        }
        None => {
            sqlx::query("INSERT INTO server_meta (key, value) VALUES ('master_key_check', ?)")
                .bind(key.seal(CHECK_LABEL, b"fieldtoken"))
                .execute(pool)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(key)
}
