//! A server for one test: its own SQLite file and PWA folder in a temporary directory, on a free port.

use std::path::{Path, PathBuf};

use tokio::sync::oneshot;

/// A running server and what it was started with.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The PWA folder it serves.
    #[allow(dead_code)]
    pub web: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server over a fresh database and a small built-PWA stand-in folder.
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let web = dir.path().join("dist");
        write_pwa(&web);
        let db = format!(
            "sqlite://{}",
            dir.path().join("data/fieldtoken.db").display()
        );
        let pool = fieldtoken_mdm::db::open(&db).await.expect("database opens");
        let app = fieldtoken_mdm::router(fieldtoken_mdm::AppState::new(pool), &web);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(fieldtoken_mdm::serve(listener, app, async {
            let _ = stopped.await;
        }));
        TestServer {
            url,
            web,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        let _ = self.stop.take().expect("running").send(());
        self.task.take().expect("running").await.unwrap().unwrap();
    }
}

/// The files of a Trunk build that the server treats differently: the shell, a hashed script, the worker.
fn write_pwa(web: &Path) {
    std::fs::create_dir_all(web).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><title>fieldtoken</title>",
    )
    .unwrap();
    std::fs::write(web.join("fieldtoken-pwa-0123456789abcdef.js"), "export {};").unwrap();
    std::fs::write(
        web.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
}
