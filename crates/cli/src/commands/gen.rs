//! `preventory gen`.

use crate::cli::GenArgs;
use crate::error::CliError;
use std::process::ExitCode;

pub(super) fn run(args: &GenArgs) -> Result<ExitCode, CliError> {
    let written = preventory_formats::synthetic::write_all(args.count, args.seed, &args.out)
        .map_err(|e| CliError::io(&args.out, e))?;
    println!(
        "Wrote {written} fictional record(s) to {} (seed {}).",
        args.out.display(),
        args.seed
    );
    Ok(ExitCode::SUCCESS)
}
