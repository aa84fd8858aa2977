//! `preventory user`: staff accounts, managed from the server's terminal. Every change is
//! audited with the actor `cli`.

use super::open_store;
use crate::cli::{Cli, UserAddArgs, UserCommand, UserEmailArgs, UserListArgs, UserRoleArgs};
use crate::error::CliError;
use preventory_core::accounts::{
    role_organisation, Actor, Email, Password, PasswordError, Role, MAX_PASSWORD_BYTES,
    MIN_PASSWORD_CHARS,
};
use preventory_core::vocab::Vocabulary;
use preventory_store::accounts::{constant_time_eq, NewUser, User};
use preventory_store::password::hash_password;
use preventory_store::sqlite::SqliteStore;
use preventory_store::Store;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

pub(super) async fn run(cli: &Cli, command: &UserCommand) -> Result<ExitCode, CliError> {
    match command {
        UserCommand::Add(args) => add(cli, args).await,
        UserCommand::List(args) => list(cli, args).await,
        UserCommand::Disable(args) => set_disabled(cli, args, true).await,
        UserCommand::Enable(args) => set_disabled(cli, args, false).await,
        UserCommand::Role(args) => role(cli, args).await,
        UserCommand::Password(args) => password(cli, args).await,
    }
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(e.to_string())
}

fn email(text: &str) -> Result<Email, CliError> {
    Email::parse(text).map_err(usage)
}

/// The account with this address, or a clear error.
async fn existing(store: &SqliteStore, email: &Email) -> Result<User, CliError> {
    store
        .find_user_by_email(email)
        .await?
        .ok_or_else(|| CliError::Usage(format!("no account for {email}")))
}

async fn add(cli: &Cli, args: &UserAddArgs) -> Result<ExitCode, CliError> {
    let email = email(&args.email)?;
    let role = Role::from(args.role);
    // Everything that can be checked is checked before the password is asked for.
    let organisation = role_organisation(role, args.organisation.as_deref()).map_err(usage)?;
    let store = open_store(cli).await?;
    if store.find_user_by_email(&email).await?.is_some() {
        return Err(CliError::Usage(format!(
            "an account for {email} exists already"
        )));
    }
    let password_hash = hash(read_new_password()?).await?;
    let user = store
        .create_user(
            &NewUser {
                email,
                password_hash,
                role,
                organisation,
            },
            Actor::Cli,
        )
        .await?;
    store.close().await;
    match &user.organisation {
        Some(org) => println!("Added {} as {} for {org}.", user.email, role.id()),
        None => println!("Added {} as {}.", user.email, role.id()),
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(cli: &Cli, args: &UserListArgs) -> Result<ExitCode, CliError> {
    let store = open_store(cli).await?;
    let users = store.list_users().await?;
    store.close().await;
    if args.json {
        let text = serde_json::to_string_pretty(&users)
            .map_err(|e| CliError::Usage(format!("cannot write JSON: {e}")))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let email_width = users
        .iter()
        .map(|u| u.email.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let org_width = users
        .iter()
        .filter_map(|u| u.organisation.as_deref())
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(12)
        .max(12);
    println!(
        "{:email_width$}  {:8}  {:org_width$}  {:8}  CREATED",
        "EMAIL", "ROLE", "ORGANISATION", "DISABLED"
    );
    for u in &users {
        println!(
            "{:email_width$}  {:8}  {:org_width$}  {:8}  {}",
            u.email,
            u.role.id(),
            u.organisation.as_deref().unwrap_or("-"),
            if u.disabled { "yes" } else { "no" },
            u.created_at
        );
    }
    println!("{} account(s)", users.len());
    Ok(ExitCode::SUCCESS)
}

async fn set_disabled(
    cli: &Cli,
    args: &UserEmailArgs,
    disabled: bool,
) -> Result<ExitCode, CliError> {
    let email = email(&args.email)?;
    let store = open_store(cli).await?;
    let user = existing(&store, &email).await?;
    if user.disabled == disabled {
        store.close().await;
        println!(
            "{} is {} already.",
            user.email,
            if disabled { "disabled" } else { "enabled" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let user = store
        .set_user_disabled(user.id, disabled, Actor::Cli)
        .await?;
    store.close().await;
    if disabled {
        println!("Disabled {}; its sessions have ended.", user.email);
    } else {
        println!("Enabled {}.", user.email);
    }
    Ok(ExitCode::SUCCESS)
}

async fn role(cli: &Cli, args: &UserRoleArgs) -> Result<ExitCode, CliError> {
    let email = email(&args.email)?;
    let role = Role::from(args.role);
    role_organisation(role, args.organisation.as_deref()).map_err(usage)?;
    let store = open_store(cli).await?;
    let user = existing(&store, &email).await?;
    let changed = store
        .set_user_role(user.id, role, args.organisation.as_deref(), Actor::Cli)
        .await?;
    store.close().await;
    if changed == user {
        println!("{} is {} already.", user.email, role.id());
    } else {
        match &changed.organisation {
            Some(org) => println!("{} is now {} for {org}.", changed.email, role.id()),
            None => println!("{} is now {}.", changed.email, role.id()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn password(cli: &Cli, args: &UserEmailArgs) -> Result<ExitCode, CliError> {
    let email = email(&args.email)?;
    let store = open_store(cli).await?;
    let user = existing(&store, &email).await?;
    let password_hash = hash(read_new_password()?).await?;
    store
        .set_password_hash(user.id, &password_hash, Actor::Cli)
        .await?;
    store.close().await;
    println!(
        "Set a new password for {}; its sessions have ended.",
        user.email
    );
    Ok(ExitCode::SUCCESS)
}

/// Hashes on a blocking thread: argon2id is slow on purpose.
async fn hash(password: Password) -> Result<String, CliError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| CliError::Usage(format!("cannot hash the password: {e}")))?
        .map_err(usage)
}

/// A new password: typed twice at the terminal without echo, or one line of standard input
/// when that is not a terminal (for scripts: `printf '%s\n' "$PASSWORD" | preventory user
/// add …`). Never shown, logged or put in an error message.
fn read_new_password() -> Result<Password, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!(
            "New password (at least {MIN_PASSWORD_CHARS} characters): "
        ))
        .map_err(|e| CliError::io("terminal", e))?;
        let password = Password::new(first).map_err(refused)?;
        let second = rpassword::prompt_password("The same password again: ")
            .map_err(|e| CliError::io("terminal", e))?;
        if !constant_time_eq(second.as_bytes(), password.expose().as_bytes()) {
            return Err(CliError::Usage(
                "the two passwords differ; nothing was changed".to_string(),
            ));
        }
        Ok(password)
    } else {
        Password::new(read_password_line(std::io::stdin().lock())?).map_err(refused)
    }
}

/// The policy's refusal, saying that nothing was stored.
fn refused(e: PasswordError) -> CliError {
    CliError::Usage(format!("{e}; nothing was changed"))
}

/// One line (its `\n` or `\r\n` taken off; any other character is part of the password),
/// reading no more than a password can be.
fn read_password_line(input: impl BufRead) -> Result<String, CliError> {
    let limit = u64::try_from(MAX_PASSWORD_BYTES + 2).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    input
        .take(limit + 1)
        .read_until(b'\n', &mut bytes)
        .map_err(|e| CliError::io("standard input", e))?;
    if bytes.is_empty() {
        return Err(CliError::Usage(
            "no password on standard input (give it as one line)".to_string(),
        ));
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.len() > MAX_PASSWORD_BYTES {
        return Err(refused(PasswordError::TooLong));
    }
    String::from_utf8(bytes).map_err(|_| {
        CliError::Usage("the password is not valid UTF-8; nothing was changed".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_line_loses_only_its_line_ending() {
        let cases: [(&[u8], Option<&str>); 7] = [
            (b"fictional passphrase\n", Some("fictional passphrase")),
            (b"fictional passphrase\r\n", Some("fictional passphrase")),
            (b"fictional passphrase", Some("fictional passphrase")),
            (b"  spaces count  \n", Some("  spaces count  ")),
            (b"first line\nsecond line\n", Some("first line")),
            (b"", None),
            (b"\xff\xfe invalid\n", None),
        ];
        for (input, expected) in cases {
            let got = read_password_line(input).ok();
            assert_eq!(got.as_deref(), expected, "{input:?}");
        }
        let long = vec![b'a'; MAX_PASSWORD_BYTES + 10];
        let error = read_password_line(&long[..]).expect_err("too long");
        assert!(error.to_string().contains("too long"), "{error}");
        let exact = vec![b'a'; MAX_PASSWORD_BYTES];
        assert_eq!(
            read_password_line(&exact[..]).map(|s| s.len()).ok(),
            Some(MAX_PASSWORD_BYTES)
        );
    }
}
