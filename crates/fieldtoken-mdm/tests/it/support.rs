//! A server for one test: its own SQLite file and PWA folder in a temporary directory, on a free port.

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
    /// The SQLite file.
    #[allow(dead_code)]
    pub db_path: PathBuf,
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
        let db = format!(
            "sqlite://{}",
            dir.path().join("data/fieldtoken.db").display()
        );
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
