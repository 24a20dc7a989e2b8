//! `marginalia serve`: the team server (`marginalia-server`) on one SQLite
//! file by default, or on PostgreSQL (`--database postgres://…`).

use clap::Args;
use marginalia_server::{db, Settings};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Database URL: `sqlite:PATH` or `postgres://user:password@host/db` (default: ./marginalia.db, created when missing)
    #[arg(long, value_name = "URL", env = "MARGINALIA_DATABASE")]
    pub database: Option<String>,
    /// Address and port to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// A host name (with its port, as browsers send it in `Host`) the server answers for, besides its own address; repeatable
    #[arg(long = "host-name", value_name = "HOST")]
    pub host_names: Vec<String>,
    /// Mark cookies `Secure`: the server is reached over HTTPS (behind a proxy that terminates TLS)
    #[arg(long)]
    pub secure_cookies: bool,
    /// The built widget (`dist/` of `cargo xtask build`), served at `/`
    #[arg(long = "static", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> Result<ExitCode, crate::Failure> {
    let url = match args.database {
        Some(url) => url,
        None => db::sqlite_url(&std::env::current_dir().map_err(|e| e.to_string())?.join("marginalia.db")),
    };
    let mut settings = Settings { secure_cookies: args.secure_cookies, static_dir: args.static_dir, ..Settings::default() };
    if !args.host_names.is_empty() {
        settings.allowed_hosts = marginalia_server::routes::local_hosts(args.listen);
        settings.allowed_hosts.extend(args.host_names);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let shown = db::redact(&url);
    runtime.block_on(marginalia_server::serve(&url, args.listen, settings, move |addr| {
        eprintln!("marginalia serve: {shown}");
        eprintln!("marginalia serve: listening on http://{addr}/ (team pages at http://{addr}/team/)");
    }))?;
    Ok(ExitCode::SUCCESS)
}
