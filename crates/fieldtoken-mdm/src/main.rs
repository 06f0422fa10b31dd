//! `fieldtoken-mdm`: the reference MDM server and its admin commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use fieldtoken_core::LinkBase;
use fieldtoken_mdm::http::limits::{Limits, Rate};
use fieldtoken_mdm::store::Engine;
use fieldtoken_mdm::{MasterKey, Store, Timeouts, clock, seal};

/// The reference MDM of fieldtoken: action tokens, devices, fleets, and the operators' PWA.
#[derive(Parser)]
#[command(name = "fieldtoken-mdm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API and the built PWA.
    Serve {
        /// Database URL: `sqlite://FILE` (the file and its folder are created when missing) or
        /// `postgres://USER:PASSWORD@HOST/DB` (the database must exist; `--master-key` is then required).
        #[arg(
            long,
            env = "FIELDTOKEN_DB",
            default_value = "sqlite://data/fieldtoken.db"
        )]
        db: String,
        /// Address to listen on; port 0 picks a free port (the chosen one is printed).
        #[arg(long, env = "FIELDTOKEN_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// The built PWA (Trunk's `dist/`), served from the same origin as the API.
        #[arg(long, env = "FIELDTOKEN_WEB", default_value = "dist")]
        web: PathBuf,
        /// The master key file (created with mode 0600 on first start); default: `master.key` beside the database.
        #[arg(long, env = "FIELDTOKEN_MASTER_KEY_FILE")]
        master_key: Option<PathBuf>,
        /// Where phones reach this server, for the deep links in signed QR codes (e.g. `https://mdm.example.com`);
        /// default: the listening address.
        #[arg(long, env = "FIELDTOKEN_PUBLIC_URL")]
        public_url: Option<String>,
        /// On an empty database, create the organisation "Demo" and print its admin token.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Create an organisation with fleets, devices and sample tokens; print `{ "org", "admin_token" }` as JSON.
    SeedDemo {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// Database URL (`sqlite://FILE` or `postgres://...`, see `serve --help`).
        #[arg(
            long,
            env = "FIELDTOKEN_DB",
            default_value = "sqlite://data/fieldtoken.db"
        )]
        db: String,
        /// The master key file; default: `master.key` beside the database.
        #[arg(long, env = "FIELDTOKEN_MASTER_KEY_FILE")]
        master_key: Option<PathBuf>,
    },
    /// Organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create an empty organisation (no fleets, devices or tokens); print `{ "org", "admin_token" }` as JSON, the
    /// admin token holding every permission (shown only this once).
    Create {
        /// The organisation's name (1 to 100 characters, unique on this server).
        #[arg(long)]
        name: String,
        /// Database URL (`sqlite://FILE` or `postgres://...`, see `serve --help`).
        #[arg(
            long,
            env = "FIELDTOKEN_DB",
            default_value = "sqlite://data/fieldtoken.db"
        )]
        db: String,
        /// The master key file; default: `master.key` beside the database.
        #[arg(long, env = "FIELDTOKEN_MASTER_KEY_FILE")]
        master_key: Option<PathBuf>,
    },
}

/// Limits on clients: rates per client (its API token, else its IP address; 0 turns a rate off), and how long a
/// client may take to send a request (slower clients are dropped).
#[derive(clap::Args)]
struct LimitArgs {
    /// Sync requests per client per window (also the burst).
    #[arg(long, env = "FIELDTOKEN_SYNC_LIMIT", default_value_t = 60)]
    sync_limit: u32,
    /// Failed bearer tokens and enrolment-code attempts per client per window (also the burst).
    #[arg(long, env = "FIELDTOKEN_GUESS_LIMIT", default_value_t = 30)]
    guess_limit: u32,
    /// The window of both limits, in seconds.
    #[arg(long, env = "FIELDTOKEN_LIMIT_WINDOW", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    limit_window: u64,
    /// Seconds a connection may take to send a request's headers (and stay idle between requests).
    #[arg(long, env = "FIELDTOKEN_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a request's body may take to arrive after its headers.
    #[arg(long, env = "FIELDTOKEN_BODY_TIMEOUT", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    body_timeout: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let window = Duration::from_secs(self.limit_window);
        Limits {
            sync: Rate::new(self.sync_limit, window),
            guesses: Rate::new(self.guess_limit, window),
        }
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts {
            headers: Duration::from_secs(self.header_timeout),
            body: Duration::from_secs(self.body_timeout),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve {
            db,
            listen,
            web,
            master_key,
            public_url,
            demo,
            limits,
        } => serve(&db, listen, web, master_key, public_url, demo, &limits).await,
        Command::SeedDemo {
            org,
            db,
            master_key,
        } => seed_demo(&org, &db, master_key).await,
        Command::Org {
            command:
                OrgCommand::Create {
                    name,
                    db,
                    master_key,
                },
        } => org_create(&name, &db, master_key).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fieldtoken-mdm: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open(db_url: &str, master_key: Option<PathBuf>) -> Result<(Store, MasterKey), String> {
    let path = match (master_key, Engine::of_url(db_url)) {
        (Some(path), _) => path,
        (None, Engine::Sqlite) => seal::default_key_path(db_url),
        // No file lies beside a PostgreSQL database, and every replica must hold the same key: say which.
        (None, Engine::Postgres) => {
            return Err(
                "a PostgreSQL database needs --master-key FILE (the same key file on every replica)".into(),
            );
        }
    };
    let store = Store::open(db_url)
        .await
        .map_err(|e| format!("opening the database {}: {e}", without_password(db_url)))?;
    let master = store.master_key(&path).await?;
    Ok((store, master))
}

/// A database URL fit for a message or a log: a password in it is replaced by `***`.
fn without_password(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let Some(at) = url[start..authority_end].rfind('@').map(|i| start + i) else {
        return url.to_owned();
    };
    match url[start..at].find(':').map(|i| start + i) {
        Some(colon) => format!("{}:***{}", &url[..colon], &url[at..]),
        None => url.to_owned(),
    }
}

async fn serve(
    db_url: &str,
    listen: SocketAddr,
    web: PathBuf,
    master_key: Option<PathBuf>,
    public_url: Option<String>,
    demo: bool,
    limits: &LimitArgs,
) -> Result<(), String> {
    let (store, master) = open(db_url, master_key).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("listening on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !web.join("index.html").exists() {
        tracing::warn!(web = %web.display(), "no built PWA here: run `cargo xtask run` to build it");
    }
    let link_base = match public_url {
        Some(url) => LinkBase::parse(&url).map_err(|e| format!("--public-url {url}: {e}"))?,
        None => {
            let ip = if addr.ip().is_unspecified() || addr.is_ipv6() {
                "localhost".to_owned()
            } else {
                addr.ip().to_string()
            };
            LinkBase::parse(&format!("http://{ip}:{}", addr.port())).map_err(|e| e.to_string())?
        }
    };
    let demo_credentials = if demo {
        let empty = store
            .is_empty()
            .await
            .map_err(|e| format!("reading the database: {e}"))?;
        if empty {
            Some(
                fieldtoken_mdm::seed_demo::seed_demo(&store, &master, "Demo", clock::now())
                    .await
                    .map_err(|e| format!("seeding the demo organisation: {}", e.message()))?,
            )
        } else {
            None
        }
    } else {
        None
    };
    let app = fieldtoken_mdm::router(
        fieldtoken_mdm::AppState::new(store.clone(), master, link_base)
            .with_limits(limits.limits()),
        &web,
    );
    // Tests and scripts read this line to learn the port: keep its shape.
    // Registered before the announcement: whoever reads it may ask the server to stop at once.
    let shutdown = fieldtoken_mdm::shutdown_signal();
    println!("fieldtoken MDM listening on http://{addr}");
    if let Some(demo) = demo_credentials {
        println!();
        println!(
            "  Demo organisation \"{}\" created (first start).",
            demo.org.name
        );
        println!("  Open:        http://{addr}/");
        println!("  Admin token: {}", demo.admin_token);
        println!(
            "  (Authorization: Bearer <admin token>; it holds every permission. Shown only this once.)"
        );
        println!();
    }
    fieldtoken_mdm::serve_with(listener, app, limits.timeouts(), shutdown)
        .await
        .map_err(|e| format!("serving: {e}"))?;
    store.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

async fn seed_demo(org: &str, db_url: &str, master_key: Option<PathBuf>) -> Result<(), String> {
    let (store, master) = open(db_url, master_key).await?;
    let credentials = fieldtoken_mdm::seed_demo::seed_demo(&store, &master, org, clock::now())
        .await
        .map_err(|e| e.message().to_owned())?;
    store.close().await;
    println!(
        "{}",
        serde_json::to_string(&credentials).map_err(|e| e.to_string())?
    );
    Ok(())
}

async fn org_create(name: &str, db_url: &str, master_key: Option<PathBuf>) -> Result<(), String> {
    let (store, master) = open(db_url, master_key).await?;
    let credentials = fieldtoken_mdm::seed_demo::create_empty(&store, &master, name, clock::now())
        .await
        .map_err(|e| e.message().to_owned())?;
    store.close().await;
    println!(
        "{}",
        serde_json::to_string(&credentials).map_err(|e| e.to_string())?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_database_url_is_shown_without_its_password() {
        assert_eq!(
            without_password("postgres://mdm:s3cret@db.example:5432/fieldtoken"),
            "postgres://mdm:***@db.example:5432/fieldtoken"
        );
        assert_eq!(
            without_password("postgres://mdm@127.0.0.1/fieldtoken"),
            "postgres://mdm@127.0.0.1/fieldtoken"
        );
        assert_eq!(
            without_password("sqlite://data/fieldtoken.db"),
            "sqlite://data/fieldtoken.db"
        );
    }
}
