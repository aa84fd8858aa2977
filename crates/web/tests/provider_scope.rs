//! Providers are staff of outside organisations: on the staff pages they see their own
//! organisation's records (current version, history, differences) and no one else's, over a
//! real loopback server and store. Organisations and accounts are fictional.

mod common;

use common::forms::get;
use common::staff::sign_in;
use preventory_core::accounts::{Actor, Email, Password, Role};
use preventory_store::accounts::NewUser;
use preventory_store::password::hash_password;
use preventory_store::Store;
use reqwest::StatusCode;

#[tokio::test]
async fn a_provider_reads_only_their_own_organisations_records() {
    let server = common::start().await;
    let password = Password::new(common::staff::PASSWORD.to_string()).expect("password");
    let hash = tokio::task::spawn_blocking(move || hash_password(&password).expect("hash"))
        .await
        .expect("hash thread");
    server
        .store
        .create_user(
            &NewUser {
                email: Email::parse("provider@example.org").expect("email"),
                password_hash: hash,
                role: Role::Provider,
                organisation: Some("Fictional Helpline Trust".to_string()),
            },
            Actor::Cli,
        )
        .await
        .expect("provider");
    let provider = sign_in(&server, "provider@example.org").await;

    let list = get(&server, &provider, "/admin/records").await;
    assert_eq!(list.status(), StatusCode::OK);
    let html = list.text().await.expect("body");
    assert!(
        html.contains("/admin/records/fictional-helpline-one\""),
        "{html}"
    );
    assert!(!html.contains("fictional-group-programme-two"), "{html}");

    for (slug, expected) in [
        ("fictional-helpline-one", StatusCode::OK),
        ("fictional-group-programme-two", StatusCode::FORBIDDEN),
    ] {
        for path in [
            format!("/admin/records/{slug}"),
            format!("/admin/records/{slug}/history"),
            format!("/admin/records/{slug}/diff?from=1&to=1"),
        ] {
            let response = get(&server, &provider, &path).await;
            assert_eq!(response.status(), expected, "{path}");
            if expected == StatusCode::FORBIDDEN {
                let text = response.text().await.expect("body");
                assert!(text.contains("another organisation"), "{path}: {text}");
            }
        }
    }
}
