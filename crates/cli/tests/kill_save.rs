//! SIGKILL of a running `preventory serve` in the middle of saves from the edit form: the
//! store left behind is valid and holds each save whole or not at all: the record, its
//! revision, its facet values and its audit event together.
//!
//! A real binary, a real SQLite file, real HTTP over loopback. The account and the text are
//! fictional.

use preventory_store::sqlite::SqliteStore;
use preventory_store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EMAIL: &str = "editor@example.org";
const PASSWORD: &str = "fictional editor passphrase for kills";
const SLUG: &str = "stopso";

fn preventory(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_preventory"));
    command.arg("--db").arg(db).env_remove("PREVENTORY_DB");
    command
}

/// Starts the server; returns it and its base URL.
fn start(db: &Path) -> (Child, String) {
    let mut child = preventory(db)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .take(10)
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("listening on ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("the server did not say where it listens"));
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url.trim_end_matches('/').to_string())
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The value of `name="…" value="…"` in a page.
fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no field {name}"))
        + needle.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.strip_prefix(&format!("{name}=")))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("no cookie {name}"))
        .to_string()
}

/// Signs in through the real form; returns the session cookie's value.
async fn sign_in(url: &str) -> String {
    let form = client()
        .get(format!("{url}/admin/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let nonce = set_cookie(&form, "preventory_login_csrf");
    let csrf = hidden(&form.text().await.unwrap_or_default(), "csrf");
    let response = client()
        .post(format!("{url}/admin/login"))
        .header("cookie", format!("preventory_login_csrf={nonce}"))
        .form(&[("email", EMAIL), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    set_cookie(&response, "preventory_session")
}

/// Everything that must change together when a save lands, read after the kill: the record's
/// revision and text, its number of revisions, its facet rows, and its `record_changed` events.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Saved {
    revision: i64,
    description: Option<String>,
    revisions: i64,
    changed_events: i64,
}

async fn read_back(db: &Path) -> Saved {
    let store = SqliteStore::open(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(integrity, ["ok"]);
    let bad: Vec<String> = sqlx::query_scalar(
        "SELECT i.slug FROM interventions i LEFT JOIN revisions r \
         ON r.intervention_id = i.id GROUP BY i.id \
         HAVING COUNT(r.id) != i.current_revision OR MAX(r.number) != i.current_revision",
    )
    .fetch_all(store.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        bad.is_empty(),
        "revisions do not match their records: {bad:?}"
    );
    // The stored hash is the hash of the current revision's JSON: row and revision agree.
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM interventions i JOIN revisions r \
         ON r.intervention_id = i.id AND r.number = i.current_revision \
         WHERE i.title != json_extract(r.record_json, '$.title')",
    )
    .fetch_one(store.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mismatched, 0);
    let stored = store
        .get(SLUG)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("{SLUG} is gone"));
    let revisions = store
        .revisions(SLUG)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .len();
    let changed_events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'record_changed' AND subject = ?",
    )
    .bind(format!("intervention:{SLUG}"))
    .fetch_one(store.pool())
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    store.close().await;
    Saved {
        revision: stored.revision,
        description: stored.record.section("description").map(str::to_string),
        revisions: i64::try_from(revisions).unwrap_or(i64::MAX),
        changed_events,
    }
}

/// The edit form's fields as a browser sends them, read from the page.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let start = html
        .find("id=\"record-form\"")
        .unwrap_or_else(|| panic!("no form"));
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    let form = &html[start..end];
    let unescape = |t: &str| {
        t.replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let attr = |tag: &str, name: &str| {
        tag.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(unescape)
    };
    let mut fields = Vec::new();
    let mut at = 0;
    while let Some(open) = form[at..].find('<') {
        let open = at + open;
        let close = form[open..].find('>').map_or(form.len(), |e| open + e + 1);
        let tag = &form[open..close];
        at = close;
        if tag.starts_with("<input") {
            let Some(name) = attr(tag, "name") else {
                continue;
            };
            let checkbox = attr(tag, "type").as_deref() == Some("checkbox");
            if checkbox && !tag.contains(" checked") {
                continue;
            }
            fields.push((name, attr(tag, "value").unwrap_or_default()));
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap_or_default();
            let end = form[close..]
                .find("</textarea>")
                .map_or(form.len(), |e| close + e);
            let text = unescape(&form[close..end]);
            fields.push((name, text.strip_prefix('\n').unwrap_or(&text).to_string()));
            at = end;
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap_or_default();
            let end = form[close..]
                .find("</select>")
                .map_or(form.len(), |e| close + e);
            let options: Vec<&str> = form[close..end].split("<option").skip(1).collect();
            let chosen = options
                .iter()
                .find(|o| o.split('>').next().is_some_and(|t| t.contains(" selected")))
                .or(options.first())
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            fields.push((name, chosen));
            at = end;
        }
    }
    fields
}

#[tokio::test]
async fn a_kill_during_a_save_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("kills.db");
    // The examples, and one editor.
    let output = preventory(&db)
        .args([
            "import",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/examples"),
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut add = preventory(&db)
        .args(["user", "add", EMAIL, "--role", "editor"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(mut stdin) = add.stdin.take() {
        let _ = stdin.write_all(format!("{PASSWORD}\n").as_bytes());
    }
    assert!(add.wait().is_ok_and(|s| s.success()));

    // A save large enough to take a while: a few megabytes of description with each try's
    // own marker, so what landed can be told apart.
    let filler = "Fictional description text, repeated to make a long save. ".repeat(25_000);
    // From well before the commit to well after it, so both outcomes are seen and checked.
    let delays_ms = [
        0u64, 2, 8, 20, 40, 70, 85, 100, 115, 160, 250, 400, 700, 1500,
    ];
    let mut outcomes = Vec::new();
    let mut before = read_back(&db).await;
    for (n, delay) in delays_ms.into_iter().enumerate() {
        let (mut server, url) = start(&db);
        let session = sign_in(&url).await;
        let page = client()
            .get(format!("{url}/admin/records/{SLUG}/edit"))
            .header("cookie", format!("preventory_session={session}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let html = page.text().await.unwrap_or_default();
        let mut fields = form_fields(&html);
        let marker = format!("Kill test save {n}.");
        let text = format!("{marker}\n{filler}");
        for (name, value) in fields.iter_mut() {
            match name.as_str() {
                "section-description" => *value = text.clone(),
                "change_summary" => *value = format!("Kill test {n}"),
                "rating_justification" if value.is_empty() => {
                    *value = "Fictional reason kept for the kill test.".to_string()
                }
                _ => {}
            }
        }
        fields.push(("action".into(), "save".into()));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let started = Instant::now();
        let request = client()
            .post(format!("{url}/admin/records/{SLUG}/edit"))
            .header("cookie", format!("preventory_session={session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send();
        let pending = tokio::spawn(request);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        // SIGKILL: no destructor, no rollback, no checkpoint runs.
        let _ = server.kill();
        let _ = server.wait();
        let answered = pending
            .await
            .ok()
            .and_then(Result::ok)
            .map(|r| r.status().as_u16());
        let after = read_back(&db).await;
        let landed = after.description.as_deref() == Some(text.as_str());
        if landed {
            assert_eq!(after.revision, before.revision + 1, "one new revision");
            assert_eq!(after.revisions, before.revisions + 1);
            assert_eq!(
                after.changed_events,
                before.changed_events + 1,
                "and its event"
            );
        } else {
            assert_eq!(after, before, "a save that did not land left no trace");
        }
        outcomes.push((delay, started.elapsed().as_millis(), answered, landed));
        before = after;
    }
    eprintln!("kills (delay ms, ms until killed, answer, landed): {outcomes:?}");
    assert!(
        outcomes.iter().any(|o| !o.3),
        "no kill landed before a save committed: {outcomes:?}"
    );
    assert!(
        outcomes.iter().any(|o| o.3),
        "no save committed before its kill, so the whole-change case went unchecked: {outcomes:?}"
    );
}
