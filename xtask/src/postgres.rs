//! A throw-away PostgreSQL cluster for `cargo xtask test` and `cargo xtask bench replicas`: `initdb` in a fresh
//! temporary directory, started with `pg_ctl` on a free loopback port, stopped and removed when the [`Cluster`] is
//! dropped. Nothing outside that directory is touched: no system service, no shared port, no `~/.pgpass`.
//!
//! `initdb` and `postgres` refuse to run as root. Run as root (containers, CI), every PostgreSQL program runs as
//! `nobody` through `setpriv`, in a directory handed to that user; run as anyone else, they run directly.
//!
//! Clean-up: dropping the cluster (a normal end, an error, a panic) stops it and removes its directory. A ctrl-c
//! or a kill ends `xtask` before any destructor runs, and the postmaster, which `pg_ctl` detaches from the
//! terminal, would live on: a watchdog shell in its own process group waits for `xtask` to end, then stops the
//! postmaster and removes the directory.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::shell::{cmd, output, run};

/// The superuser `initdb` creates; tests and benchmarks connect as it, with a random password.
const SUPERUSER: &str = "fieldtoken";

/// Connections the cluster accepts: every test server opens its own pool, and cargo runs tests side by side;
/// the benchmark's replicas each hold a pool too.
const MAX_CONNECTIONS: u32 = 400;

/// What the cluster is for, which decides how much durability it trades for speed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The test suite: a crash loses nothing of value, so commits need not reach the disk.
    Test,
    /// Benchmarks: PostgreSQL's durable defaults, so the numbers are those a deployment would see.
    Bench,
}

/// A running throw-away cluster. Dropping it stops the server and removes its directory.
pub struct Cluster {
    /// The temporary directory: `data/` (the cluster), `socket/` (its Unix socket), `server.log`.
    dir: PathBuf,
    /// Where `initdb`, `pg_ctl` and `postgres` are.
    bin: PathBuf,
    /// The loopback port it listens on.
    port: u16,
    /// The superuser's password (random, for this cluster only).
    password: String,
    /// Set when running as root: the user the PostgreSQL programs run as.
    runner: Option<Runner>,
    /// Cleans up if `xtask` dies without dropping the cluster.
    watchdog: Option<Child>,
}

/// An unprivileged account for the PostgreSQL programs, used when `xtask` runs as root.
#[derive(Clone)]
struct Runner {
    uid: u32,
    gid: u32,
}

/// `cargo xtask postgres`: a test cluster for running chosen tests on PostgreSQL by hand; it lives until Enter
/// (or ctrl-c, after which the watchdog removes it).
pub fn hold() -> Result<(), String> {
    crate::setup::install(crate::setup::Needs::build_and_postgres())?
        .postgres
        .map_or(Ok(()), Err)?;
    let cluster = Cluster::start(Purpose::Test)?;
    println!(
        "\nFIELDTOKEN_TEST_POSTGRES={url}\n\n\
         e.g. FIELDTOKEN_TEST_POSTGRES={url} cargo test -p fieldtoken-mdm --test it sync\n\
         Press Enter to stop the cluster and remove it.",
        url = cluster.admin_url()
    );
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    drop(cluster);
    Ok(())
}

/// The directory with PostgreSQL's server programs: Debian installs them in `/usr/lib/postgresql/<major>/bin`,
/// one per installed major version; the newest wins.
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

impl Cluster {
    /// Creates and starts a cluster for `purpose`. Fails with PostgreSQL's own log when the server will not
    /// start.
    pub fn start(purpose: Purpose) -> Result<Cluster, String> {
        let bin = bin_dir().ok_or(
            "PostgreSQL is missing: `cargo xtask setup` installs Debian's postgresql package \
             (or run `apt-get install postgresql`)",
        )?;
        let runner = if output(cmd("id").arg("-u")).as_deref() == Some("0") {
            Some(Runner::nobody()?)
        } else {
            None
        };
        let dir = fresh_dir()?;
        let mut cluster = Cluster {
            dir,
            bin,
            port: 0,
            password: random_hex(16)?,
            runner,
            watchdog: None,
        };
        // From here on a failure drops `cluster`, which removes the directory (and stops a server that started).
        cluster.watchdog = Some(cluster.watch()?);
        cluster.init(purpose)?;
        // The port is free when chosen and taken by the server a moment later: another program may take it in
        // between, so a start that fails is tried again on another port.
        let mut last_error = String::new();
        for _ in 0..3 {
            cluster.port = free_port()?;
            match cluster.launch() {
                Ok(()) => {
                    println!(
                        "postgres: a throw-away cluster on 127.0.0.1:{} in {}",
                        cluster.port,
                        cluster.dir.display()
                    );
                    return Ok(cluster);
                }
                Err(message) => last_error = message,
            }
        }
        Err(last_error)
    }

    /// The superuser's URL of the cluster's `postgres` database, from which databases are created.
    pub fn admin_url(&self) -> String {
        self.url("postgres")
    }

    /// The superuser's URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres://{SUPERUSER}:{}@127.0.0.1:{}/{name}",
            self.password, self.port
        )
    }

    /// Creates an empty database `name` (the MDM migrates it when it opens it).
    pub fn create_database(&self, name: &str) -> Result<(), String> {
        // The password goes in the environment, not on the echoed command line.
        run(cmd(self.bin.join("psql"))
            .env("PGPASSWORD", &self.password)
            .args(["--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!("CREATE DATABASE \"{name}\""))
            .arg(format!(
                "postgres://{SUPERUSER}@127.0.0.1:{}/postgres",
                self.port
            )))
    }

    /// `initdb`, then the settings this harness needs, appended to `postgresql.conf`.
    fn init(&self, purpose: Purpose) -> Result<(), String> {
        let password_file = self.dir.join("password");
        std::fs::write(&password_file, &self.password)
            .map_err(|e| format!("writing {}: {e}", password_file.display()))?;
        std::fs::create_dir(self.dir.join("socket"))
            .map_err(|e| format!("creating the socket directory: {e}"))?;
        if let Some(runner) = &self.runner {
            for path in [&self.dir, &password_file, &self.dir.join("socket")] {
                std::os::unix::fs::chown(path, Some(runner.uid), Some(runner.gid))
                    .map_err(|e| format!("handing {} to nobody: {e}", path.display()))?;
            }
        }
        let data = self.dir.join("data");
        let mut initdb = self.program("initdb");
        initdb
            .arg("--pgdata")
            .arg(&data)
            .args(["--username", SUPERUSER, "--encoding", "UTF8", "--no-locale"])
            .arg(format!("--pwfile={}", password_file.display()))
            // Over TCP the password is asked (any local user can reach a loopback port); the Unix socket sits
            // in a directory only the cluster's owner can enter, so it trusts whoever gets there.
            .args(["--auth-host=scram-sha-256", "--auth-local=trust"]);
        if purpose == Purpose::Test {
            // Test only: the cluster's files are not flushed to disk at creation (seconds saved per run).
            initdb.arg("--no-sync");
        }
        run(initdb.stdout(Stdio::null()))?;
        std::fs::remove_file(&password_file)
            .map_err(|e| format!("removing the password file: {e}"))?;

        let mut settings = format!(
            "\n# Added by cargo xtask (xtask/src/postgres.rs): a throw-away cluster on loopback.\n\
             listen_addresses = '127.0.0.1'\n\
             unix_socket_directories = '{}'\n\
             max_connections = {MAX_CONNECTIONS}\n",
            self.dir.join("socket").display()
        );
        if purpose == Purpose::Test {
            // Test only, never for a deployment nor for the benchmark: commits are not flushed to disk, so a
            // power cut could lose or corrupt the cluster. A test cluster lives for one run and is thrown away;
            // the suite's hundreds of small transactions run several times faster.
            settings.push_str("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        }
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf)
            .map_err(|e| format!("reading {}: {e}", conf.display()))?;
        text.push_str(&settings);
        std::fs::write(&conf, text).map_err(|e| format!("writing {}: {e}", conf.display()))
    }

    /// Starts the server on `self.port` and waits until it accepts connections.
    fn launch(&self) -> Result<(), String> {
        let log = self.dir.join("server.log");
        let started = run(self
            .program("pg_ctl")
            .arg("start")
            .arg("--pgdata")
            .arg(self.dir.join("data"))
            .arg("--log")
            .arg(&log)
            .args(["--wait", "--timeout=60", "--silent", "-o"])
            .arg(format!("-p {}", self.port)));
        started.map_err(|message| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            format!(
                "{message}\n  PostgreSQL's log ends with:\n    {}",
                tail.join("\n    ")
            )
        })
    }

    /// A PostgreSQL program, run as the cluster's owner, in the cluster's directory.
    fn program(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = match &self.runner {
            Some(runner) => {
                let mut setpriv = cmd("setpriv");
                setpriv
                    .arg(format!("--reuid={}", runner.uid))
                    .arg(format!("--regid={}", runner.gid))
                    .args(["--clear-groups", "--"])
                    .arg(program);
                setpriv
            }
            None => cmd(program),
        };
        // `nobody` may not be allowed into the checkout; the cluster's own directory is always its own.
        command.current_dir(&self.dir);
        command
    }

    /// The watchdog: a shell in its own process group (a ctrl-c at the terminal does not reach it) that waits
    /// for this `xtask` to end, then stops the postmaster (SIGINT: PostgreSQL's fast shutdown) and removes the
    /// directory. After a normal stop it finds nothing to do; [`Drop`] ends it anyway.
    fn watch(&self) -> Result<Child, String> {
        const SCRIPT: &str = r#"
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null) && kill -INT "$pid" 2>/dev/null
            i=0
            while [ -e "$2/data/postmaster.pid" ] && [ "$i" -lt 60 ]; do sleep 1; i=$((i + 1)); done
            rm -rf "$2"
        "#;
        std::os::unix::process::CommandExt::process_group(
            Command::new("sh")
                .args(["-c", SCRIPT, "fieldtoken-postgres-watchdog"])
                .arg(std::process::id().to_string())
                .arg(&self.dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            0,
        )
        .spawn()
        .map_err(|e| format!("starting the cluster's watchdog: {e}"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.dir.join("data/postmaster.pid").exists() {
            let stopped = run(self
                .program("pg_ctl")
                .arg("stop")
                .arg("--pgdata")
                .arg(self.dir.join("data"))
                .args(["--mode=fast", "--wait", "--silent"]));
            if let Err(message) = stopped {
                eprintln!("postgres: could not stop the cluster: {message}");
            }
        }
        if let Err(error) = std::fs::remove_dir_all(&self.dir) {
            eprintln!("postgres: could not remove {}: {error}", self.dir.display());
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

impl Runner {
    /// The `nobody` account of every Linux system.
    fn nobody() -> Result<Runner, String> {
        let id = |flag: &str| -> Result<u32, String> {
            output(cmd("id").args([flag, "nobody"]))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| {
                    "running as root, PostgreSQL needs an unprivileged user, and `nobody` was not found"
                        .to_owned()
                })
        };
        Ok(Runner {
            uid: id("-u")?,
            gid: id("-g")?,
        })
    }
}

/// A new, empty directory of our own under the system's temporary directory. Short on purpose: the Unix
/// socket's path inside it must stay under 108 bytes.
fn fresh_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    for attempt in 0..100u32 {
        let dir = base.join(format!("fieldtoken-pg-{}-{attempt}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                // Only the cluster's owner enters it: the socket inside trusts whoever reaches it.
                std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
                    .map_err(|e| format!("making {} private: {e}", dir.display()))?;
                return Ok(dir);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(format!("creating {}: {error}", dir.display())),
        }
    }
    Err(format!(
        "could not create a fresh directory under {}",
        base.display()
    ))
}

/// A loopback port nobody listens on at this moment.
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("finding a free loopback port: {e}"))
}

/// `bytes` random bytes from the kernel, as hex.
fn random_hex(bytes: usize) -> Result<String, String> {
    use std::io::Read;
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut buffer))
        .map_err(|e| format!("reading /dev/urandom: {e}"))?;
    Ok(buffer.iter().map(|byte| format!("{byte:02x}")).collect())
}
