//! `preventory serve`.

use super::open_store;
use crate::cli::{Cli, ServeArgs};
use crate::error::CliError;
use crate::examples;
use preventory_web::client::TrustedProxies;
use preventory_web::AppState;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub(super) async fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    // Held for as long as the server runs, so `preventory restore` sees the store is in use
    // even when every pooled connection has been idle long enough to be closed.
    let _in_use = store.hold_open().await?;
    if !args.no_examples {
        let loaded = examples::load_if_empty(&store).await?;
        if !loaded.is_empty() {
            println!(
                "The store {} was empty: loaded {} example records ({}).",
                cli.db.display(),
                loaded.len(),
                loaded.join("; ")
            );
        }
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| CliError::io(args.addr.to_string(), e))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::io(args.addr.to_string(), e))?;
    println!("Preventory is listening on http://{local}/  (Ctrl-C to stop)");
    let index_dir = index_dir(&cli.db);
    println!("Opening the search index in {} …", index_dir.display());
    let state = AppState::on_disk(Arc::new(store), index_dir)
        .await?
        .with_secure_cookies(args.secure_cookies)
        .with_trusted_proxies(TrustedProxies::new(args.trusted_proxies.clone()));
    state.enable_search_cache(args.search_cache);
    preventory_web::serve(listener, state).await?;
    Ok(ExitCode::SUCCESS)
}

/// The search index's folder: beside the database, named after it (`<db file name>.index`).
pub(super) fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".index");
    db.with_file_name(name)
}

/// The file beside [`index_dir`] holding the revision the index reflects
/// (`<db file name>.index.revision`, named by `AppState::on_disk`).
pub(super) fn index_revision_file(db: &Path) -> PathBuf {
    let mut name = index_dir(db).into_os_string();
    name.push(".revision");
    PathBuf::from(name)
}
