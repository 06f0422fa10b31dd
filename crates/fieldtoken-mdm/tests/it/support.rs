//! A server for one test: its own database and PWA folder in a temporary directory, on a free port.
//!
//! The database is a SQLite file, or, when [`POSTGRES`] names a PostgreSQL cluster (`cargo xtask test` runs the
//! suite a second time that way), a fresh database of its own on that cluster.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Child;

use tokio::sync::oneshot;

/// A running server and what it was started with.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The PWA folder it serves.
    #[allow(dead_code)]
    pub web: PathBuf,
    /// The database, for seeding and for checks behind the API's back.
    #[allow(dead_code)]
    pub db: fieldtoken_mdm::store::Pool,
    /// The store over that database, for seeding through the server's own functions.
    #[allow(dead_code)]
    pub store: fieldtoken_mdm::Store,
    /// The master key file's stand-in.
    #[allow(dead_code)]
    pub master: std::sync::Arc<fieldtoken_mdm::MasterKey>,
    /// The SQLite file (on PostgreSQL, where it would be: nothing is there).
    #[allow(dead_code)]
    pub db_path: PathBuf,
    /// The database's URL: `sqlite://...` or `postgres://...`.
    #[allow(dead_code)]
    pub db_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server over a fresh database and a small built-PWA stand-in folder.
    pub async fn start() -> TestServer {
        TestServer::start_with_limits(fieldtoken_mdm::http::limits::Limits::default()).await
    }

    /// [`TestServer::start`] with these rate limits.
    pub async fn start_with_limits(limits: fieldtoken_mdm::http::limits::Limits) -> TestServer {
        TestServer::start_with(limits, fieldtoken_mdm::Timeouts::default()).await
    }

    /// [`TestServer::start`] with these timeouts for slow clients.
    #[allow(dead_code)]
    pub async fn start_with_timeouts(timeouts: fieldtoken_mdm::Timeouts) -> TestServer {
        TestServer::start_with(fieldtoken_mdm::http::limits::Limits::default(), timeouts).await
    }

    async fn start_with(
        limits: fieldtoken_mdm::http::limits::Limits,
        timeouts: fieldtoken_mdm::Timeouts,
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let web = dir.path().join("dist");
        write_pwa(&web);
        std::fs::create_dir_all(dir.path().join("data")).expect("data folder");
        let db = fresh_database(&dir.path().join("data/fieldtoken.db"));
        let store = fieldtoken_mdm::Store::open(&db)
            .await
            .expect("database opens");
        let pool = store.pool().clone();
        let key_path = dir.path().join("data/master.key");
        let master = store.master_key(&key_path).await.expect("master key");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let link = fieldtoken_core::LinkBase::parse(&url).unwrap();
        let app = fieldtoken_mdm::router(
            fieldtoken_mdm::AppState::new(store.clone(), master, link).with_limits(limits),
            &web,
        );
        let master = std::sync::Arc::new(store.master_key(&key_path).await.expect("master key"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(fieldtoken_mdm::serve_with(listener, app, timeouts, async {
            let _ = stopped.await;
        }));
        TestServer {
            url,
            web,
            db: pool,
            store,
            master,
            db_path: dir.path().join("data/fieldtoken.db"),
            db_url: db,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Creates an organisation (fleets, devices, two tokens) and returns its admin bearer secret.
    #[allow(dead_code)]
    pub async fn seed(&self, name: &str) -> String {
        fieldtoken_mdm::seed_demo::seed_demo(
            &self.store,
            &self.master,
            name,
            fieldtoken_mdm::clock::now(),
        )
        .await
        .expect("seeding")
        .admin_token
    }

    /// Everything the database holds, as bytes to search for what must never be stored: on SQLite the file and
    /// its write-ahead log byte for byte; on PostgreSQL a dump of the database's data, with every binary value
    /// also as its raw bytes (the dump writes them in hex).
    #[allow(dead_code)]
    pub fn database_copy(&self) -> Vec<u8> {
        if postgres_admin().is_none() {
            let mut copy = std::fs::read(&self.db_path).unwrap();
            copy.extend(std::fs::read(self.db_path.with_extension("db-wal")).unwrap_or_default());
            return copy;
        }
        let dump = std::process::Command::new("pg_dump")
            .args(["--data-only", "--no-owner", "--dbname"])
            .arg(&self.db_url)
            .output()
            .expect("pg_dump (Debian's postgresql-client) runs");
        assert!(
            dump.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&dump.stderr)
        );
        let mut copy = dump.stdout.clone();
        copy.extend(bytea_values(&dump.stdout));
        copy
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        let _ = self.stop.take().expect("running").send(());
        self.task.take().expect("running").await.unwrap().unwrap();
    }
}

/// The operator's shell's inline script (Trunk's loader stands for it): the CSP must allow it by its hash.
#[allow(dead_code)]
pub const INLINE_SCRIPT: &str = "window.started = true;";

/// The files of a Trunk build that the server treats differently: the operator's shell, a hashed script,
/// the worker, and the admin's shell.
fn write_pwa(web: &Path) {
    std::fs::create_dir_all(web).unwrap();
    std::fs::write(
        web.join("index.html"),
        format!("<!doctype html><title>fieldtoken</title><script>{INLINE_SCRIPT}</script>"),
    )
    .unwrap();
    std::fs::write(web.join("fieldtoken-pwa-0123456789abcdef.js"), "export {};").unwrap();
    std::fs::create_dir_all(web.join("admin")).unwrap();
    std::fs::write(
        web.join("admin/index.html"),
        "<!doctype html><title>fieldtoken admin</title>",
    )
    .unwrap();
    std::fs::write(
        web.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
}

/// One API request, ready to send from `http`: method, path under the server, optional bearer secret, optional
/// JSON body.
pub fn request(
    http: &reqwest::Client,
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> reqwest::RequestBuilder {
    let mut request = http.request(method, format!("{}{path}", server.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request
}

/// One API call: method, path under the server, optional bearer secret, optional JSON body → status and JSON.
#[allow(dead_code)]
pub async fn call(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let response = request(&reqwest::Client::new(), server, method, path, token, body)
        .send()
        .await
        .expect("the server answers");
    let status = response.status();
    let text = response.text().await.unwrap();
    let json = if text.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
    };
    (status, json)
}

/// A route as the module docs write it, `"POST /api/v1/sync"`: its method and its path.
pub fn route(text: &str) -> (reqwest::Method, &str) {
    let (method, path) = text.split_once(' ').expect("a route is 'METHOD /path'");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
    (method, path)
}

/// Creates an API token with these permissions using the admin secret; returns its secret.
#[allow(dead_code)]
pub async fn token_with(server: &TestServer, admin: &str, permissions: &[&str]) -> String {
    let (status, body) = call(
        server,
        reqwest::Method::POST,
        "/api/v1/api-tokens",
        Some(admin),
        Some(serde_json::json!({ "name": "test", "permissions": permissions })),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

/// The URL a `fieldtoken-mdm serve` child prints as its first line once it listens (its stdout must be piped).
pub fn listening_url(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("fieldtoken MDM listening on ")
        .expect(&line)
        .to_owned()
}

/// POSTs `body` to `path` as `bearer` and returns the answer, asserting 201 Created.
#[allow(dead_code)]
pub async fn created(
    server: &TestServer,
    bearer: &str,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let (status, answer) = call(
        server,
        reqwest::Method::POST,
        path,
        Some(bearer),
        Some(body),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{path}: {answer}");
    answer
}

/// The variable that points this suite at PostgreSQL: the admin URL of a throw-away cluster
/// (`postgres://USER:PASSWORD@127.0.0.1:PORT/postgres`; `cargo xtask test` sets it for the suite's second run,
/// `cargo xtask postgres` prints one). Unset, every server gets a SQLite file.
pub const POSTGRES: &str = "FIELDTOKEN_TEST_POSTGRES";

/// The admin URL of the PostgreSQL cluster under test, when the suite runs on PostgreSQL.
pub fn postgres_admin() -> Option<String> {
    std::env::var(POSTGRES).ok().filter(|url| !url.is_empty())
}

/// Whether the suite runs on PostgreSQL, in which case the test says it is skipped and why: for the few tests of
/// what only SQLite has (its files, its query plans, its older schemas).
#[allow(dead_code)]
pub fn skipped_on_postgres(test: &str, why: &str) -> bool {
    let skipped = postgres_admin().is_some();
    if skipped {
        println!("skipped on PostgreSQL: {test}: {why}");
    }
    skipped
}

/// PostgreSQL's plan for `sql` on the database at `db` (`EXPLAIN`, as text), with the planner's `off` methods
/// disabled (e.g. `enable_seqscan`): at a test's few rows a scan of the table costs less than any index, so this is
/// how a test asks whether an index can serve a query at all.
#[allow(dead_code)]
pub async fn postgres_plan(db: &str, off: &[&str], sql: &str) -> String {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::PgConnection::connect(db).await.unwrap();
    for setting in off {
        conn.execute(format!("SET {setting} = off").as_str())
            .await
            .unwrap();
    }
    let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    lines.join("\n")
}

/// A fresh, empty database for one server: a new database on the cluster under test, or the SQLite file `file`
/// (created by the server when it opens it). Its URL, for `Store::open` or `--db`.
pub fn fresh_database(file: &Path) -> String {
    let Some(admin) = postgres_admin() else {
        return format!("sqlite://{}", file.display());
    };
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    // Unique across the tests of this run and across runs on a cluster kept by `cargo xtask postgres`.
    let name = format!("ft_{}_{started}_{n}", std::process::id());
    let url = database_url(&admin, &name);
    // On a thread of its own with its own runtime: callers are plain tests and tokio tests alike.
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                use sqlx::{Connection, Executor};
                let mut admin = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("connecting to {POSTGRES}: {e}"));
                admin
                    .execute(format!("CREATE DATABASE \"{name}\"").as_str())
                    .await
                    .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
                admin.close().await.unwrap();
            });
    })
    .join()
    .expect("the database is created");
    url
}

/// The URL of database `name` on the cluster of `admin` (the same user, host and options).
fn database_url(admin: &str, name: &str) -> String {
    let (address, options) = admin.split_once('?').unwrap_or((admin, ""));
    let scheme_end = address.find("://").map_or(0, |i| i + 3);
    let host_end = address[scheme_end..]
        .find('/')
        .map_or(address.len(), |i| scheme_end + i);
    let mut url = format!("{}/{name}", &address[..host_end]);
    if !options.is_empty() {
        url.push('?');
        url.push_str(options);
    }
    url
}

/// What a `fieldtoken-mdm` command needs besides `--db db` to find its master key in `dir`: nothing on SQLite
/// (the key lies beside the database file), `--master-key DIR/master.key` on PostgreSQL (no file lies beside a
/// database there).
#[allow(dead_code)]
pub fn key_args(db: &str, dir: &Path) -> Vec<String> {
    if db.starts_with("postgres") {
        vec![
            "--master-key".into(),
            dir.join("master.key").display().to_string(),
        ]
    } else {
        Vec::new()
    }
}

/// The bytes of every `\\x...` hex value in a `pg_dump` (how it writes binary columns).
fn bytea_values(dump: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(dump);
    let mut bytes = Vec::new();
    for piece in text.split("\\\\x").skip(1) {
        let hex: String = piece
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        if let Ok(decoded) = hex::decode(&hex[..hex.len() / 2 * 2]) {
            bytes.push(b'\n');
            bytes.extend(decoded);
        }
    }
    bytes
}
