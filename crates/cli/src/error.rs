//! Errors of the command-line layer.

use preventory_formats::eligibility_file::EligibilityError;
use preventory_formats::exchange::ExchangeError;
use preventory_formats::studies::StudiesError;
use preventory_store::StoreError;

/// Anything that stops a command. Messages are written for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The store could not be opened, read or written.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Records could not be converted to or from an exchange format.
    #[error("{0}")]
    Exchange(#[from] ExchangeError),
    /// Studies could not be read or written as a studies file.
    #[error("{0}")]
    Studies(#[from] StudiesError),
    /// Eligibility could not be read or written as an eligibility file.
    #[error("{0}")]
    Eligibility(#[from] EligibilityError),
    /// The web server failed.
    #[error("web server: {0}")]
    Web(#[from] preventory_web::WebError),
    /// A record asked for does not exist.
    #[error("no record with slug {0:?}")]
    NotFound(String),
    /// Input that the command cannot use.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        CliError::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}
