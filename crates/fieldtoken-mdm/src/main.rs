//! `fieldtoken-mdm`: the reference MDM server and its admin commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        /// SQLite database URL; the file and its folder are created when missing.
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
    },
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
        Command::Serve { db, listen, web } => serve(&db, listen, web).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("fieldtoken-mdm: error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(db: &str, listen: SocketAddr, web: PathBuf) -> Result<(), String> {
    let pool = fieldtoken_mdm::db::open(db)
        .await
        .map_err(|e| format!("opening the database {db}: {e}"))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("listening on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if !web.join("index.html").exists() {
        tracing::warn!(web = %web.display(), "no built PWA here: run `cargo xtask run` to build it");
    }
    let app = fieldtoken_mdm::router(fieldtoken_mdm::AppState::new(pool.clone()), &web);
    // Tests and scripts read this line to learn the port: keep its shape.
    println!("fieldtoken MDM listening on http://{addr}");
    fieldtoken_mdm::serve(listener, app, fieldtoken_mdm::shutdown_signal())
        .await
        .map_err(|e| format!("serving: {e}"))?;
    pool.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}
