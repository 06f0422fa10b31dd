//! The store: the only place in the MDM that holds SQL or knows the database engine.
//!
//! Functions here take a connection inside a transaction the caller opened with [`Store::read`] or
//! [`Store::write`], and take and return core types (or small records of this module), never rows. Every row is
//! converted in one place per table, and a row that does not convert is [`StoreError::Damaged`], whatever the
//! table. Modules follow the domain (`store::action_tokens`, `store::devices`, ...), not the routes.
//!
//! The HTTP layer opens exactly one transaction per request that writes (`Store::write`, SQLite's
//! `BEGIN IMMEDIATE`, so two writers never deadlock on lock upgrades) and commits it once at the end: a request
//! is applied whole or not at all.
//!
//! SQLite lets one writer in at a time. Writers therefore queue inside the server, for the one connection of a
//! writer pool, instead of racing for the file lock and failing on its busy timeout; readers have a pool of their
//! own and never wait behind that queue (WAL lets them read while a batch commits). The queue is bounded: when
//! [`MAX_WAITING_WRITERS`] are already waiting, a writer is refused at once with [`StoreError::Busy`], which the
//! HTTP layer answers 503 with `Retry-After`, rather than letting waits grow without end.

pub mod access_config;
pub mod access_tokens;
pub mod action_tokens;
pub mod api_tokens;
pub mod audit;
pub mod bundle_log;
pub mod devices;
pub mod engine;
pub mod enrolment;
pub mod fleets;
pub mod guesses;
pub mod history;
pub mod orgs;
pub mod parties;
pub mod redemptions;
pub mod roles;
pub mod sessions;
pub mod signing_keys;
pub mod users;

use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;

use fieldtoken_core::OrgId;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, Executor};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use self::engine::{Conn, Engine, Pool};
use crate::seal::{MasterKey, SealError};

/// Why the store could not answer.
#[derive(Debug)]
pub enum StoreError {
    /// The database is not reachable or busy; nothing was changed, the request may be retried.
    Unavailable(sqlx::Error),
    /// A stored row is not what this server writes (an altered or damaged database).
    Damaged(String),
    /// A sealed value does not open with this server's master key.
    Sealed(SealError),
    /// An insert or update would repeat a value that must be unique (a name, an identifier, a code).
    Duplicate,
    /// Too many writers are already waiting; nothing was changed, retry shortly.
    Busy,
}

impl StoreError {
    /// A row that does not convert: `what` names the table and column, for the operator's log.
    pub fn damaged(what: impl Into<String>) -> StoreError {
        StoreError::Damaged(what.into())
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(error) => write!(f, "database unavailable: {error}"),
            StoreError::Damaged(what) => write!(f, "damaged row: {what}"),
            StoreError::Sealed(error) => write!(f, "sealed value: {error}"),
            StoreError::Duplicate => f.write_str("a unique value is taken"),
            StoreError::Busy => f.write_str("too many writers are waiting"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate,
            _ => StoreError::Unavailable(error),
        }
    }
}

impl From<SealError> for StoreError {
    fn from(error: SealError) -> StoreError {
        StoreError::Sealed(error)
    }
}

/// A core value that could not be rebuilt from a row: the row is damaged (the core checked it when it was
/// written).
impl From<fieldtoken_core::Error> for StoreError {
    fn from(error: fieldtoken_core::Error) -> StoreError {
        StoreError::Damaged(error.to_string())
    }
}

/// The result of a store function.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Writers that may wait for the write connection at once; one more is refused with [`StoreError::Busy`]. A
/// shift end of 500 phones syncing together fits; a write transaction takes milliseconds, so the last in line
/// waits well under the pool's acquire timeout.
pub const MAX_WAITING_WRITERS: usize = 1024;

/// Connections for reading: SQLite in WAL mode serves them side by side with the writer.
const READERS: u32 = 8;

/// The database behind the MDM.
#[derive(Clone, Debug)]
pub struct Store {
    /// One connection: writers of this process queue for it in the order they came.
    writer: Pool,
    /// Read transactions, never behind the writers' queue.
    readers: Pool,
    /// Bounds the writers' queue (see [`MAX_WAITING_WRITERS`]).
    waiting: Arc<Semaphore>,
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back: an error anywhere in a request leaves
/// nothing behind.
pub struct Tx {
    conn: Conn,
    /// A writer's place in the bounded queue, held until the transaction ends.
    _place: Option<OwnedSemaphorePermit>,
}

impl Deref for Tx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

impl Tx {
    /// Makes every change of this transaction durable, at once.
    pub async fn commit(self) -> Result<()> {
        Ok(self.conn.inner.commit().await?)
    }
}

/// Creates the database file empty (SQLite makes it a database) with mode 0600 when it is missing: it holds
/// sealed keys, codes' hashes and the audit log, for this server's user only.
fn create_private(file: &std::path::Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

/// Sets mode 0600 on the database file and on its WAL and shared-memory files where they exist.
fn make_private(file: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let mut path = file.as_os_str().to_owned();
        path.push(suffix);
        match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Every SQLite connection's settings, set as it opens. WAL lets readers go on while a sync batch commits;
/// NORMAL is durable at every commit in WAL mode except against power loss, which SQLite's docs accept for this
/// mode; the busy time-out only matters when another process (the admin CLI) writes the same file.
const SQLITE_SETTINGS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000";

/// The key of the PostgreSQL advisory lock every write transaction holds (any number that no other program on
/// the same database uses: "fieldtok" in ASCII).
const WRITE_LOCK: i64 = 0x6669_656c_6474_6f6b;

/// A pool of `size` connections to `url`, each set up for its engine as it opens.
async fn pool(url: &str, engine: Engine, size: u32) -> Result<Pool> {
    let inner = AnyPoolOptions::new()
        .max_connections(size)
        // Writers wait for the write connection by design (the queue); at a shift end that takes seconds, and a
        // warning per writer would drown the log. A wait this long is still worth one.
        .acquire_slow_threshold(std::time::Duration::from_secs(10))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    conn.execute(SQLITE_SETTINGS).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    Ok(Pool { inner, engine })
}

impl Store {
    /// Opens (creating when missing) and migrates the database at `url`: `sqlite://data/fieldtoken.db` (the
    /// default, one process) or `postgres://user@host/db` (any number of server processes on one database).
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        match Engine::of_url(url) {
            Engine::Sqlite => Store::open_sqlite(url).await,
            Engine::Postgres => Store::open_postgres(url).await,
        }
    }

    async fn open_sqlite(url: &str) -> Result<Store> {
        let options = SqliteConnectOptions::from_str(url)?;
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Unavailable(e.into()))?;
        }
        let file = options.get_filename().to_path_buf();
        let on_disk = file.as_os_str() != ":memory:";
        if on_disk {
            create_private(&file).map_err(|e| StoreError::Unavailable(e.into()))?;
        }
        let writer = pool(url, Engine::Sqlite, 1).await?;
        // An in-memory database exists once per connection: there, readers must share the writer's.
        let readers = if on_disk {
            pool(url, Engine::Sqlite, READERS).await?
        } else {
            writer.clone()
        };
        if on_disk {
            // SQLite gives the WAL and shared-memory files the database file's mode; a database made before
            // files were created private is made private here.
            make_private(&file).map_err(|e| StoreError::Unavailable(e.into()))?;
        }
        sqlx::migrate!("./migrations/sqlite")
            .run(&writer.inner)
            .await
            .map_err(|e| StoreError::Unavailable(e.into()))?;
        Ok(Store::with_pools(writer, readers))
    }

    async fn open_postgres(url: &str) -> Result<Store> {
        // Each process queues its own writers for one connection, as on SQLite; the advisory lock (see
        // `write`) then orders the processes' writers among themselves.
        let writer = pool(url, Engine::Postgres, 1).await?;
        let readers = pool(url, Engine::Postgres, READERS).await?;
        // Replicas starting together are safe: sqlx takes an advisory lock around the migrations.
        sqlx::migrate!("./migrations/postgres")
            .run(&writer.inner)
            .await
            .map_err(|e| StoreError::Unavailable(e.into()))?;
        Ok(Store::with_pools(writer, readers))
    }

    fn with_pools(writer: Pool, readers: Pool) -> Store {
        Store {
            writer,
            readers,
            waiting: Arc::new(Semaphore::new(MAX_WAITING_WRITERS)),
        }
    }

    /// The same store with a writers' queue of `places` instead of [`MAX_WAITING_WRITERS`] (for tests and small
    /// deployments that prefer an early 503 to a long wait).
    pub fn with_writer_queue(mut self, places: usize) -> Store {
        self.waiting = Arc::new(Semaphore::new(places));
        self
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.writer.engine
    }

    /// A transaction for reading: every query in it sees one state of the database (on PostgreSQL a read-only
    /// REPEATABLE READ transaction, whose snapshot is that state).
    pub async fn read(&self) -> Result<Tx> {
        let begin = match self.readers.engine {
            Engine::Sqlite => "BEGIN",
            Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        };
        Ok(Tx {
            conn: Conn {
                inner: self.readers.inner.begin_with(begin).await?,
                engine: self.readers.engine,
            },
            _place: None,
        })
    }

    /// A transaction for a request that writes, on the one write connection once its turn comes ([`StoreError::Busy`]
    /// at once when the queue is full).
    ///
    /// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`, which still matters when another process
    /// such as the admin CLI writes the same file), so a transaction that reads then writes never fails on a lock
    /// upgrade half way. On PostgreSQL, where several server processes write one database, its first statement
    /// takes one transaction-scoped advisory lock that every writer takes: writers run one after the other, as
    /// on SQLite, each seeing everything committed before it (READ COMMITTED reads a fresh snapshot per
    /// statement, and the lock comes before any). Every rule that reads then writes (exactly-once redemption ids,
    /// latest scan wins, single-use tokens, guess counters, numbering) therefore holds across replicas without
    /// per-rule row locks or serialisation retries; readers never wait for the lock. A replica that dies
    /// mid-transaction loses its connection, and PostgreSQL rolls the transaction back and frees the lock.
    pub async fn write(&self) -> Result<Tx> {
        let place = self
            .waiting
            .clone()
            .try_acquire_owned()
            .map_err(|_| StoreError::Busy)?;
        let engine = self.writer.engine;
        let begin = match engine {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
        };
        let mut conn = Conn {
            inner: self.writer.inner.begin_with(begin).await?,
            engine,
        };
        if engine == Engine::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(?)")
                .bind(WRITE_LOCK)
                .execute(&mut conn)
                .await?;
        }
        Ok(Tx {
            conn,
            _place: Some(place),
        })
    }

    /// Whether the database answers at all (on a reader: health never waits behind the writers).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.readers).await?;
        Ok(())
    }

    /// Whether the database holds no organisation yet (a first start).
    pub async fn is_empty(&self) -> Result<bool> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
            .fetch_one(&self.readers)
            .await?;
        Ok(count == 0)
    }

    /// Closes every connection, waiting for those in use: the last step of a clean stop.
    pub async fn close(&self) {
        self.writer.inner.close().await;
        self.readers.inner.close().await;
    }

    /// The write pool, for tests that check (or change) the database behind the API's back. Product code goes
    /// through transactions.
    pub fn pool(&self) -> &Pool {
        &self.writer
    }

    /// Loads the master key at `path` and checks it against the database: on a database that has never sealed
    /// anything, a missing file is created (mode 0600); otherwise the file must exist and be the key the database
    /// was sealed with, or the server refuses to start (rather than failing on every request later).
    pub async fn master_key(&self, path: &std::path::Path) -> Result<MasterKey, String> {
        const CHECK_LABEL: &str = "fieldtoken/master-key-check";
        let check: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'master_key_check'")
                .fetch_optional(&self.writer)
                .await
                .map_err(|e| e.to_string())?;
        let key = MasterKey::load_or_create(path, check.is_none()).map_err(|e| e.to_string())?;
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
                    .execute(&self.writer)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(key)
    }
}

/// An organisation id as the database stores it.
pub(crate) fn org_key(org: OrgId) -> i64 {
    i64::from(org.get())
}

/// A row id as the API shows it (ids are 1 to 4294967295); another is a damaged row, `what` naming the column.
pub(crate) fn row_id(id: i64, what: &str) -> Result<u32> {
    u32::try_from(id)
        .ok()
        .filter(|&id| id != 0)
        .ok_or_else(|| StoreError::damaged(format!("{what}: id {id} is out of range")))
}

/// The records an organisation names uniquely, for [`name_taken`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// A custom role.
    Role,
    /// A user.
    User,
    /// An access token definition.
    Definition,
    /// An access token classification.
    Classification,
    /// A fleet.
    Fleet,
}

impl Named {
    fn table(self) -> &'static str {
        match self {
            Named::Role => "roles",
            Named::User => "users",
            Named::Definition => "access_token_definitions",
            Named::Classification => "access_token_classifications",
            Named::Fleet => "fleets",
        }
    }
}

/// Whether another record of this kind in the organisation (any but the row `except`) has this name: asked before
/// a write, so that the answer can name the clash instead of failing on the unique index.
pub async fn name_taken(
    conn: &mut Conn,
    named: Named,
    org: OrgId,
    name: &str,
    except: Option<i64>,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM {} WHERE org_id = ? AND name = ? AND (? IS NULL OR id <> ?)",
        named.table()
    ))
    .bind(org_key(org))
    .bind(name)
    .bind(except)
    .bind(except)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// SQLite's bound-parameter budget per `IN (...)` look-up.
pub(crate) const CHUNK: usize = 500;

/// `?, ?, ...`: `n` bound parameters of an `IN (...)` list.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Every row `select` finds for any of `values`, asked [`CHUNK`] values at a time so that no statement passes
/// SQLite's parameter limit: `select` ends with the column, and `IN (?, ...)` is added to it.
async fn fetch_in<R, V>(conn: &mut Conn, select: &str, values: &[V]) -> Result<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    V: for<'q> sqlx::Encode<'q, Any> + sqlx::Type<Any> + Sync,
{
    let mut rows = Vec::new();
    for chunk in values.chunks(CHUNK) {
        let sql = format!("{select} IN ({})", placeholders(chunk.len()));
        let mut query = sqlx::query_as::<_, R>(&sql);
        for value in chunk {
            query = query.bind(value);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

/// Rows per multi-row `INSERT` (at most 13 columns: 1,300 bound values, far inside both engines' limits).
const ROWS_PER_INSERT: usize = 100;

/// A statement being built, as [`insert_rows`] hands it to the code that binds a row.
pub(crate) type Statement<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

/// Inserts `rows` with as few statements as it takes: `head` is `INSERT INTO table (a, b, ...)` naming `width`
/// columns, and `bind` binds one row's values in that order. A sync writes three rows per redemption; one
/// statement per row would be 1,500 round trips to PostgreSQL for a 500-item batch, all of them while the write
/// lock is held.
pub(crate) async fn insert_rows<T>(
    conn: &mut Conn,
    head: &str,
    width: usize,
    rows: &[T],
    bind: for<'q> fn(Statement<'q>, &T) -> Statement<'q>,
) -> Result<()> {
    let row = format!("({})", placeholders(width));
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "{head} VALUES {}",
            vec![row.as_str(); chunk.len()].join(", ")
        );
        let mut statement = sqlx::query(&sql);
        for values in chunk {
            statement = bind(statement, values);
        }
        statement.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A `LIKE ... ESCAPE '\'` pattern that finds `text` anywhere, its own `%`, `_` and `\` taken literally.
fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn store(dir: &tempfile::TempDir) -> Store {
        let url = format!("sqlite://{}", dir.path().join("mdm.db").display());
        Store::open(&url).await.expect("the store opens")
    }

    #[tokio::test]
    async fn a_full_writers_queue_refuses_at_once_and_frees_its_place_when_a_writer_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await.with_writer_queue(1);
        let first = store
            .write()
            .await
            .expect("the first writer gets the connection");
        assert!(matches!(store.write().await, Err(StoreError::Busy)));
        drop(first);
        let again = store
            .write()
            .await
            .expect("the place is free once the writer rolled back");
        again.commit().await.unwrap();
        store.write().await.expect("and once it committed");
    }

    #[tokio::test]
    async fn readers_and_health_go_on_while_a_writer_holds_the_write_connection() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir).await;
        let mut writer = store.write().await.unwrap();
        sqlx::query("INSERT INTO organisations (name, sealed_directory_key, created_at) VALUES ('Pending', x'00', 0)")
            .execute(&mut *writer)
            .await
            .expect("the writer writes");
        // Both would wait behind the writer if they shared its one connection: the time-out makes that a failure.
        let read = tokio::time::timeout(Duration::from_secs(2), async {
            store.ping().await?;
            store.is_empty().await
        })
        .await
        .expect("reads do not queue behind the writer");
        assert!(
            read.unwrap(),
            "a reader sees the last committed state, not the open write"
        );
        writer.commit().await.unwrap();
        assert!(!store.is_empty().await.unwrap());
    }
}
