//! `preventory serve`.

use super::open_store;
use crate::cli::{Cli, ServeArgs};
use crate::error::CliError;
use crate::examples;
use preventory_web::AppState;
use std::process::ExitCode;
use std::sync::Arc;

pub(super) async fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
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
    let state = AppState::new(Arc::new(store));
    preventory_web::serve(listener, state).await?;
    Ok(ExitCode::SUCCESS)
}
