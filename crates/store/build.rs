//! Rebuilds the crate when a migration changes, because `sqlx::migrate!` embeds them at
//! compile time and Cargo would not otherwise notice.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
