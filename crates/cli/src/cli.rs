//! The command line: subcommands, options and their help texts.

use clap::{Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Preventory: a knowledge base of interventions that prevent child sexual abuse.
///
/// Import records, search and serve them, and exchange them in open formats. Every command
/// works on one store, a SQLite file chosen with --db (or PREVENTORY_DB).
#[derive(Debug, Parser)]
#[command(name = "preventory", version, about, long_about)]
pub struct Cli {
    /// The store: a SQLite file, created when missing.
    #[arg(
        long,
        global = true,
        env = "PREVENTORY_DB",
        default_value = "preventory.db"
    )]
    pub db: PathBuf,

    /// Log level for diagnostics on stderr (error, warn, info, debug, trace).
    #[arg(long, global = true, env = "PREVENTORY_LOG", default_value = "info")]
    pub log: String,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import records from files or folders (the database's text export, or Preventory JSON).
    ///
    /// The whole import is one transaction: if any file cannot be read, nothing is stored
    /// and each problem is reported as FILE:LINE: field: message. Re-importing a record
    /// with changed content keeps the previous version as a revision.
    Import(ImportArgs),
    /// Export every record as JSON (re-importable) or CSV (for spreadsheets).
    Export(ExportArgs),
    /// List the stored records.
    List(ListArgs),
    /// Show one record.
    Show(ShowArgs),
    /// Serve the public site and the JSON API.
    Serve(ServeArgs),
    /// Write synthetic, clearly fictional records in the text export format, for tests and
    /// benchmarks.
    Gen(GenArgs),
    /// Import or export the studies behind the ratings, as a studies file (JSON or YAML,
    /// documented in docs/studies-format.md).
    #[command(subcommand)]
    Studies(StudiesCommand),
    /// Import or export who services can take (ages, genders, situations, justice stages,
    /// referral routes…), as an eligibility file (JSON or YAML, documented in
    /// docs/eligibility-format.md).
    #[command(subcommand)]
    Eligibility(EligibilityCommand),
    /// Write a consistent copy of the store to a new file, also while the server runs.
    ///
    /// The copy holds the last committed state: whole imports and saves only. It is checked
    /// (SQLite's integrity check, the schema's migrations) before it takes its name, and the
    /// records and revisions it holds are counted.
    Backup(BackupArgs),
    /// Replace the store with a backup.
    ///
    /// The backup is checked first (integrity, a Preventory schema this program knows), then
    /// copied beside the store and renamed over it in one step. Refused while the store is in
    /// use (stop `preventory serve` first). The previous store is kept as
    /// DB.before-restore-<UTC time> unless --no-keep; the search index beside it is removed, so
    /// `serve` rebuilds it.
    Restore(RestoreArgs),
    /// Manage staff accounts: add, list, disable or enable them, change their role or
    /// password.
    ///
    /// Passwords are never arguments: they are read twice from the terminal without being
    /// shown, or, when standard input is not a terminal, as one line from it. Every change
    /// is written to the audit log with the actor `cli`.
    #[command(subcommand)]
    User(UserCommand),
}

/// The subcommands of `eligibility`.
#[derive(Debug, Subcommand)]
pub enum EligibilityCommand {
    /// Set stored records' eligibility from eligibility files (JSON or YAML).
    ///
    /// For every intervention slug a file names, the record's eligibility becomes the file's
    /// entry, replacing all of it: a field the entry leaves out becomes unknown. Records a
    /// file does not name are left alone. All files are read and checked first, then
    /// everything is stored in one transaction: if any problem is found (a bad value, a slug
    /// that is not stored, a slug listed in two files), nothing is stored and each problem is
    /// reported as FILE:LINE: SLUG: field: message. Every changed record keeps its previous
    /// version as a revision; unchanged ones are not written.
    Import(EligibilityImportArgs),
    /// Write the eligibility of every stored record (records whose eligibility is entirely
    /// unknown left out) as an eligibility file that `eligibility import` reads back
    /// unchanged.
    Export(EligibilityExportArgs),
}

/// Options of `eligibility import`.
#[derive(Debug, clap::Args)]
pub struct EligibilityImportArgs {
    /// Eligibility files: `.json` is read as JSON, `.yaml` or `.yml` as YAML, any other name
    /// by its first character.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Read and check everything but store nothing; print what would change.
    #[arg(long)]
    pub dry_run: bool,
    /// Name recorded as the author of the new revisions.
    #[arg(long, default_value = "import")]
    pub author: String,
}

/// Options of `eligibility export`.
#[derive(Debug, clap::Args)]
pub struct EligibilityExportArgs {
    /// The syntax to write [default: yaml when --out ends in .yaml or .yml, else json].
    #[arg(long, value_enum)]
    pub format: Option<StudiesFormat>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The subcommands of `studies`.
#[derive(Debug, Subcommand)]
pub enum StudiesCommand {
    /// Set stored records' studies from studies files (JSON or YAML).
    ///
    /// For every intervention slug a file names, the record's studies become the file's list
    /// for that slug, replacing what it had; records a file does not name are left alone. All
    /// files are read and checked first, then everything is stored in one transaction: if any
    /// problem is found (a bad value, a slug that is not stored, a slug listed in two files),
    /// nothing is stored and each problem is reported as FILE:LINE: SLUG/ID: field: message.
    /// Every changed record keeps its previous version as a revision; unchanged ones are not
    /// written.
    Import(StudiesImportArgs),
    /// Write the studies of every stored record (records without studies left out) as a
    /// studies file that `studies import` reads back unchanged.
    Export(StudiesExportArgs),
}

/// Options of `studies import`.
#[derive(Debug, clap::Args)]
pub struct StudiesImportArgs {
    /// Studies files: `.json` is read as JSON, `.yaml` or `.yml` as YAML, any other name by
    /// its first character.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Read and check everything but store nothing; print what would change.
    #[arg(long)]
    pub dry_run: bool,
    /// Name recorded as the author of the new revisions.
    #[arg(long, default_value = "import")]
    pub author: String,
}

/// Options of `studies export`.
#[derive(Debug, clap::Args)]
pub struct StudiesExportArgs {
    /// The syntax to write [default: yaml when --out ends in .yaml or .yml, else json].
    #[arg(long, value_enum)]
    pub format: Option<StudiesFormat>,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Syntaxes of the studies file and the eligibility file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StudiesFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Files or folders to import. Folders are searched for .txt and .json files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Read and check everything but store nothing; print what would be stored.
    #[arg(long)]
    pub dry_run: bool,
    /// Output of --dry-run: a human summary, or JSON (one element per input file).
    #[arg(long, value_enum, default_value_t = DryRunFormat::Text)]
    pub format: DryRunFormat,
    /// Import the files that can be read and report the others (exit code 2 if any failed).
    #[arg(long)]
    pub keep_going: bool,
    /// Print every warning, not only the first few.
    #[arg(long)]
    pub all_warnings: bool,
    /// Name recorded as the author of the new revisions.
    #[arg(long, default_value = "import")]
    pub author: String,
}

/// Output formats of `import --dry-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunFormat {
    /// A line per file with its warnings.
    Text,
    /// `[{"source_file", "record", "warnings"}]`.
    Json,
}

/// Options of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Export every record's current version, drafts and changes in review included, instead
    /// of what the public sees (published and discontinued records at their published
    /// revision). Confidential details are left out either way.
    #[arg(long)]
    pub unpublished: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// An array of full records; `preventory import` reads it back unchanged.
    Json,
    /// One row per record, lists joined with "; ".
    Csv,
}

/// Options of `list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Options of `show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The record's slug (see `preventory list`).
    pub slug: String,
    /// Print the record as JSON, with its revision number.
    #[arg(long)]
    pub json: bool,
    /// Also list the record's revisions.
    #[arg(long)]
    pub revisions: bool,
}

/// Options of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Do not load the example records into a new, empty store.
    #[arg(long)]
    pub no_examples: bool,
    /// How many recent search answers to keep in memory for repeated searches (the home
    /// page, common words), reused until the records change; 0 turns the cache off. Search
    /// words are held in memory only while their entry lives, and never written anywhere.
    #[arg(long, env = "PREVENTORY_SEARCH_CACHE", default_value_t = 1024)]
    pub search_cache: usize,
    /// Mark the staff session cookies `Secure`, so browsers send them over HTTPS only. Set it
    /// whenever the site is reached over TLS (for example behind a proxy that terminates it).
    #[arg(long, env = "PREVENTORY_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// A proxy (load balancer) in front of this server, by IP address, whose
    /// `X-Forwarded-For` header then names the client for the per-client limits on sign-in and
    /// on public submissions. Repeat it, or give several separated by commas. Name only your
    /// own proxies: anyone else could write any address in that header.
    #[arg(
        long = "trusted-proxy",
        env = "PREVENTORY_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Options of `gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// How many records to write.
    #[arg(long, default_value_t = 100)]
    pub count: usize,
    /// Seed of the generator: the same seed writes the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write into (created when missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write: a SQLite file that `preventory restore` (or --db) can use.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace --out if it exists (only once the new copy is written and checked).
    #[arg(long)]
    pub force: bool,
}

/// Options of `restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup to restore (written by `preventory backup`).
    pub file: PathBuf,
    /// Do not keep the previous store.
    #[arg(long)]
    pub no_keep: bool,
}

/// The subcommands of `user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. Asks for its password (at least 12 characters).
    Add(UserAddArgs),
    /// List the accounts: address, role, organisation, whether disabled, when added.
    List(UserListArgs),
    /// Disable an account: it can no longer sign in, and its sessions end at once.
    Disable(UserEmailArgs),
    /// Enable a disabled account again.
    Enable(UserEmailArgs),
    /// Change an account's role (and, for providers, organisation).
    Role(UserRoleArgs),
    /// Set a new password for an account (asked for like `user add`); its sessions end.
    Password(UserEmailArgs),
}

/// Staff roles, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Everything, including accounts and the audit log.
    Admin,
    /// Edits records, handles public submissions.
    Editor,
    /// Reviews and publishes records (never their own edits).
    Reviewer,
    /// Staff of a service: proposes changes to their organisation's records (needs
    /// --organisation).
    Provider,
}

impl From<RoleArg> for preventory_core::accounts::Role {
    fn from(role: RoleArg) -> Self {
        use preventory_core::accounts::Role;
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Editor => Role::Editor,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Provider => Role::Provider,
        }
    }
}

/// Options of `user add`.
#[derive(Debug, clap::Args)]
pub struct UserAddArgs {
    /// The account's email address (case does not matter).
    pub email: String,
    /// The account's role.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// For a provider: the organisation whose records they may propose changes to, as the
    /// records name it.
    #[arg(long)]
    pub organisation: Option<String>,
}

/// Options of `user list`.
#[derive(Debug, clap::Args)]
pub struct UserListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The account a `user` subcommand acts on.
#[derive(Debug, clap::Args)]
pub struct UserEmailArgs {
    /// The account's email address.
    pub email: String,
}

/// Options of `user role`.
#[derive(Debug, clap::Args)]
pub struct UserRoleArgs {
    /// The account's email address.
    pub email: String,
    /// The new role.
    #[arg(value_enum)]
    pub role: RoleArg,
    /// For a provider: their organisation (required then, refused otherwise).
    #[arg(long)]
    pub organisation: Option<String>,
}
