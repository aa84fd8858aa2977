//! The public site in a real headless Chromium, driven over WebDriver (chromedriver): axe-core
//! finds no accessibility violations, the pages work with JavaScript switched off, no request
//! leaves the test server and no cookie is ever set. The staff pages too: sign-in, the record
//! list, view and edit form (after a failed save, with a preview, and as the merge page of a
//! stale save), history, diff, audit log, submissions and the re-review queue, with the forms
//! sent through the browser; the public `/submit` form sets no cookie.
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver` and `tools/browser/node_modules/axe-core`;
//! `scripts/install-test-deps` installs them (CI runs it). Without them these tests fail.

mod common;

use common::{start_with, TestServer};
use fantoccini::{Client, ClientBuilder, Locator};
use preventory_core::lifecycle::Status;
use preventory_core::record::section;
use preventory_core::Intervention;
use preventory_store::editing::{Editor, RecordEdit};
use preventory_store::sqlite::SqliteStore;
use preventory_store::Store;
use serde_json::{json, Value};
use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const INSTALL_HINT: &str = "run scripts/install-test-deps";

/// Two record pages every browser test looks at.
const RECORD_PAGES: [&str; 2] = [
    "/interventions/internet-sex-offender-treatment-programme",
    "/interventions/stopso",
];

/// A comparison of two example records.
const COMPARE_PAGE: &str = "/compare?slug=internet-sex-offender-treatment-programme&slug=stopso";

/// Where "Exit this page" leads (the browser cannot resolve it: nothing leaves the machine).
const EXIT_URL: &str = "https://www.bbc.co.uk/weather";

/// A path no route serves, for the 404 page.
const MISSING_PAGE: &str = "/interventions/no-such-intervention";

/// The axe-core rule tags the site must pass.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/// The four example records of `data/examples/`, with their curated studies.
fn examples() -> Vec<Intervention> {
    preventory_formats::examples::records()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(_, record)| record)
        .collect()
}

/// Where `npm ci --prefix tools/browser` puts axe-core.
fn axe_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tools/browser/node_modules/axe-core/axe.min.js")
}

/// Fails the test, with the fix, when Chromium, chromedriver or axe-core is missing.
fn require_tools() {
    for tool in [Path::new(CHROMIUM), Path::new(CHROMEDRIVER), &axe_path()] {
        assert!(
            tool.is_file(),
            "{} is missing: {INSTALL_HINT}",
            tool.display()
        );
    }
}

/// A free TCP port on loopback: bind port 0, read the port the system chose, release it.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A running chromedriver, in its own process group. Dropping it kills the whole group, so
/// chromedriver and every Chromium process it started go away even when a test fails.
struct Driver {
    child: Child,
    port: u16,
    /// Chromium's profile and chromedriver's log; removed on drop.
    dir: TempDir,
}

impl Driver {
    /// Starts chromedriver on a free loopback port and waits until it accepts connections.
    fn start() -> Driver {
        use std::os::unix::process::CommandExt;

        require_tools();
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                dir.path().join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}: {INSTALL_HINT}"));
        let mut driver = Driver { child, port, dir };

        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return driver;
            }
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!("chromedriver exited with {status}:\n{}", driver.log());
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on port {port} within 20 s:\n{}",
                driver.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// chromedriver's log so far, to explain a failure.
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default()
    }

    /// Opens a headless Chromium session, with JavaScript on or off, that cannot reach any
    /// host but loopback.
    async fn session(&self, javascript: bool) -> Result<Client, String> {
        let profile = self.dir.path().join("profile");
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--disable-quic".into(),
            // Every host name fails to resolve, so nothing can leave the machine; the test
            // server is addressed by its IP literal.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut options = json!({ "binary": CHROMIUM });
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        options["args"] = json!(args);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);

        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .map_err(|e| format!("cannot open a Chromium session: {e}\n{}", self.log()))
    }

    /// Starts chromedriver and opens a session, trying again on a new port when the session
    /// cannot be opened: the free port is only known to be free when it is chosen, and with
    /// tests running side by side another server can take it before chromedriver does.
    async fn start_with_session(javascript: bool) -> (Driver, Client) {
        let mut failures = Vec::new();
        for _ in 0..3 {
            let driver = Driver::start();
            match driver.session(javascript).await {
                Ok(client) => return (driver, client),
                Err(e) => failures.push(e),
            }
        }
        panic!("{}", failures.join("\n---\n"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A negative pid names the process group (chromedriver's own pid, see `process_group`).
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `test` against a fresh server holding the example records and a fresh Chromium session
/// (JavaScript on or off). The session is closed and chromedriver stopped whatever happens; a
/// panic in `test` is then re-raised.
async fn with_browser<F, Fut>(javascript: bool, test: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server: TestServer = start_with(examples()).await;
    let (driver, client) = Driver::start_with_session(javascript).await;
    let outcome = tokio::spawn(test(client.clone(), server.base.clone())).await;
    let _ = client.close().await;
    drop(driver);
    drop(server);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("browser test did not finish: {e}"),
        }
    }
}

/// Loads `path` from the server at `base`.
async fn open(client: &Client, base: &str, path: &str) {
    client
        .goto(&format!("{base}{path}"))
        .await
        .unwrap_or_else(|e| panic!("open {path}: {e}"));
}

/// The visible text of the first element matching `css`.
async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .text()
        .await
        .unwrap_or_else(|e| panic!("text of {css}: {e}"))
}

/// The visible text of every element matching `css`.
async fn texts_of(client: &Client, css: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for element in client
        .find_all(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
    {
        texts.push(element.text().await.expect("element text"));
    }
    texts
}

/// Injects axe-core into the current page, runs it with [`AXE_TAGS`], and fails with a
/// readable description of every violation.
async fn assert_accessible(client: &Client, path: &str, axe: &str) {
    // Scripts injected over WebDriver run in the page but are not subject to its CSP
    // (`script-src 'self'`); the check below proves axe really arrived.
    client
        .execute(axe, vec![])
        .await
        .unwrap_or_else(|e| panic!("inject axe-core into {path}: {e}"));
    let loaded = client
        .execute(
            "return typeof axe === 'object' && typeof axe.run === 'function';",
            vec![],
        )
        .await
        .expect("look for axe");
    assert_eq!(loaded, json!(true), "axe-core did not load into {path}");

    let result = client
        .execute_async(
            r#"const [tags, done] = arguments;
            axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
              .then(r => done({ violations: r.violations }), e => done({ error: String(e) }));"#,
            vec![json!(AXE_TAGS)],
        )
        .await
        .unwrap_or_else(|e| panic!("run axe-core on {path}: {e}"));
    if let Some(error) = result.get("error") {
        panic!("axe-core failed on {path}: {error}");
    }
    let violations = result["violations"].as_array().expect("violations list");
    if violations.is_empty() {
        return;
    }
    let mut report = format!(
        "{} accessibility violation(s) on {path}:\n",
        violations.len()
    );
    for v in violations {
        let node = &v["nodes"][0];
        report.push_str(&format!(
            "- {} ({}): {}\n  {} node(s); first: {} {}\n  {}\n",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?"),
            v["nodes"].as_array().map_or(0, Vec::len),
            node["target"],
            node["html"].as_str().unwrap_or(""),
            node["failureSummary"]
                .as_str()
                .unwrap_or("")
                .replace('\n', "\n  "),
        ));
    }
    panic!("{report}");
}

/// Fails unless every resource the current page loaded, and the page itself, came from
/// `base`, and the page sees no cookie.
async fn assert_stays_local(client: &Client, base: &str, path: &str) {
    let loaded = client
        .execute(
            "return performance.getEntriesByType('navigation')
                .concat(performance.getEntriesByType('resource'))
                .map(e => e.name);",
            vec![],
        )
        .await
        .expect("read performance entries");
    let urls: Vec<&str> = loaded
        .as_array()
        .expect("list of entries")
        .iter()
        .map(|u| u.as_str().expect("entry name"))
        .collect();
    assert!(!urls.is_empty(), "{path}: no navigation entry");
    let prefix = format!("{base}/");
    for url in &urls {
        assert!(
            url.starts_with(&prefix),
            "{path} loaded {url} from another origin"
        );
    }
    assert!(
        urls.iter()
            .any(|u| u.contains("/static/") && u.ends_with(".css")),
        "{path}: the stylesheet did not load: {urls:?}"
    );
    let cookie = client
        .execute("return document.cookie;", vec![])
        .await
        .expect("read document.cookie");
    assert_eq!(cookie, json!(""), "{path} set a cookie");
}

/// Whether the current document has scripting enabled, as its HTML parser sees it: with
/// scripting off, the content of `<noscript>` is parsed as elements rather than as text.
async fn scripting_enabled(client: &Client) -> Value {
    client
        .execute(
            "const d = document.createElement('div');
             d.innerHTML = '<noscript><i></i></noscript>';
             return d.querySelector('noscript i') === null;",
            vec![],
        )
        .await
        .expect("test whether scripting is enabled")
}

/// Waits until the browser has left the address `from` (a click starts a navigation but may
/// return before it ends) and the new page has a `main`, for at most 10 s.
async fn wait_to_leave(client: &Client, from: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let url = client.current_url().await.expect("current URL");
        if url.as_str() != from {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = client.wait().for_element(Locator::Css("main")).await;
}

/// axe-core with the standard WCAG 2.1 A/AA and best-practice rules finds nothing on `paths`.
async fn axe_finds_nothing_on(paths: &'static [&'static str]) {
    require_tools();
    let axe = std::fs::read_to_string(axe_path())
        .unwrap_or_else(|e| panic!("read {}: {e}: {INSTALL_HINT}", axe_path().display()));
    with_browser(true, move |client, base| async move {
        for path in paths {
            open(&client, &base, path).await;
            assert_accessible(&client, path, &axe).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_page_has_no_accessibility_violations() {
    axe_finds_nothing_on(&["/"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_pages_have_no_accessibility_violations() {
    axe_finds_nothing_on(&[
        "/search?q=child+pornography",
        "/search?q=programme&target_group=potential_offenders&gender=male&per_page=1&page=2",
        "/search?q=zzzyxwv",
    ])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_and_filtering_work_without_javascript() {
    with_browser(false, |client, base| async move {
        open(&client, &base, "/").await;
        assert_eq!(scripting_enabled(&client).await, json!(false));
        let input = client
            .find(Locator::Css("input#q"))
            .await
            .expect("the search box");
        input.send_keys("treatment").await.expect("type the query");
        client
            .find(Locator::Css("form#search button[type=submit]"))
            .await
            .expect("the search button")
            .click()
            .await
            .expect("submit the search");
        wait_to_leave(&client, &format!("{base}/")).await;
        let url = client.current_url().await.expect("current URL");
        assert_eq!(url.path(), "/search");
        assert!(
            url.query_pairs().any(|(k, v)| k == "q" && v == "treatment"),
            "{url}"
        );
        let found = text_of(&client, "#results-heading").await;
        assert!(found.ends_with("found"), "{found}");

        // Tick the first facet value and apply: the address carries the filter.
        let checkbox = client
            .find(Locator::Css(".filters input[type=checkbox]"))
            .await
            .expect("a facet checkbox");
        let name = checkbox.attr("name").await.expect("name").expect("a name");
        let value = checkbox
            .attr("value")
            .await
            .expect("value")
            .expect("a value");
        checkbox.click().await.expect("tick the checkbox");
        let before = client.current_url().await.expect("current URL");
        client
            .find(Locator::Css(".filters button[type=submit]"))
            .await
            .expect("the apply button")
            .click()
            .await
            .expect("apply the filters");
        wait_to_leave(&client, before.as_str()).await;
        let url = client.current_url().await.expect("current URL");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert!(
            pairs.contains(&("q".into(), "treatment".into())),
            "{pairs:?}"
        );
        assert!(pairs.contains(&(name.clone(), value.clone())), "{pairs:?}");
        let checked = client
            .find(Locator::Css(&format!(
                ".filters input[name={name}][value=\"{value}\"]"
            )))
            .await
            .expect("the checkbox again")
            .prop("checked")
            .await
            .expect("checked");
        assert_eq!(checked.as_deref(), Some("true"));
        let chips = texts_of(&client, ".chip").await;
        assert_eq!(chips.len(), 1, "{chips:?}");
    })
    .await;
}

/// Ticks every checkbox matching `css` (at most `n`), then clicks `button` and waits for the
/// next page; returns the slugs the address carries.
async fn tick_and_submit(client: &Client, css: &str, n: usize, button: &str) -> Vec<String> {
    let boxes = client
        .find_all(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    assert!(boxes.len() >= n, "{css}: only {} checkboxes", boxes.len());
    for checkbox in boxes.into_iter().take(n) {
        checkbox.click().await.expect("tick");
    }
    let before = client.current_url().await.expect("current URL");
    client
        .find(Locator::Css(button))
        .await
        .unwrap_or_else(|e| panic!("find {button}: {e}"))
        .click()
        .await
        .expect("submit");
    wait_to_leave(client, before.as_str()).await;
    let url = client.current_url().await.expect("current URL");
    assert_eq!(url.path(), "/compare", "{url}");
    url.query_pairs()
        .filter(|(k, _)| k == "slug")
        .map(|(_, v)| v.into_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_chosen_for_comparison_without_javascript() {
    with_browser(false, |client, base| async move {
        // From the results: tick two, compare them.
        open(&client, &base, "/search?q=").await;
        let slugs = tick_and_submit(
            &client,
            ".record-card input[name=slug]",
            2,
            "form#compare button[type=submit]",
        )
        .await;
        assert_eq!(slugs.len(), 2, "{slugs:?}");
        assert_eq!(texts_of(&client, "table.compare thead th a").await.len(), 2);

        // From a record page: the record itself and one similar record.
        let record = "internet-sex-offender-treatment-programme";
        open(&client, &base, &format!("/interventions/{record}")).await;
        let slugs = tick_and_submit(
            &client,
            ".compare-form input[type=checkbox]",
            1,
            ".compare-form button[type=submit]",
        )
        .await;
        assert_eq!(slugs.len(), 2, "{slugs:?}");
        assert_eq!(slugs[0], record);
        let headings = texts_of(&client, "table.compare thead th a").await;
        assert_eq!(headings.len(), 2, "{headings:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_pages_have_no_accessibility_violations() {
    axe_finds_nothing_on(&RECORD_PAGES).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_not_found_page_has_no_accessibility_violations() {
    axe_finds_nothing_on(&[MISSING_PAGE]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_works_without_javascript() {
    let records = examples();
    with_browser(false, move |client, base| async move {
        // JavaScript really is off: the HTML parser of a document without scripting reads
        // the content of <noscript> as elements (with scripting it is raw text).
        open(&client, &base, "/").await;
        assert_eq!(
            scripting_enabled(&client).await,
            json!(false),
            "JavaScript is still on"
        );

        // The list shows every record.
        let list = text_of(&client, "main").await;
        for record in &records {
            assert!(
                list.contains(&record.title),
                "the list lacks {:?}",
                record.title
            );
        }

        // Following a link from the list opens the record.
        let stopso = records
            .iter()
            .find(|r| r.slug == "stopso")
            .expect("the stopso example");
        client
            .find(Locator::LinkText(&stopso.title))
            .await
            .unwrap_or_else(|e| panic!("link to {:?}: {e}", stopso.title))
            .click()
            .await
            .expect("follow the link");
        let url = client.current_url().await.expect("current URL");
        assert_eq!(url.path(), "/interventions/stopso");
        assert_eq!(text_of(&client, "h1").await, stopso.title);

        // Each record page shows its sections and its contact.
        for path in RECORD_PAGES {
            let slug = path.rsplit('/').next().expect("slug");
            let record = records.iter().find(|r| r.slug == slug).expect("record");
            open(&client, &base, path).await;
            assert_eq!(text_of(&client, "h1").await, record.title, "{path}");
            let headings = texts_of(&client, "main h2").await;
            for (key, heading) in section::KNOWN {
                if record.sections.contains_key(key) {
                    assert!(
                        headings.iter().any(|h| h == heading),
                        "{path}: no section {heading:?} in {headings:?}"
                    );
                }
            }
            assert!(
                !record.contact.is_empty(),
                "{path}: the example has a contact"
            );
            assert!(
                headings.iter().any(|h| h == "Contact"),
                "{path}: no contact"
            );
            let contact = text_of(&client, "section[aria-labelledby=contact]").await;
            let expected = record
                .contact
                .organisation
                .iter()
                .chain(&record.contact.emails)
                .chain(&record.contact.phones);
            for item in expected {
                assert!(
                    contact.contains(item.as_str()),
                    "{path}: contact lacks {item:?}"
                );
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_leaves_the_server_and_no_cookie_is_set() {
    with_browser(true, |client, base| async move {
        open(&client, &base, "/").await;
        assert_eq!(
            scripting_enabled(&client).await,
            json!(true),
            "JavaScript is off"
        );
        let mut paths = vec!["/"];
        paths.extend(RECORD_PAGES);
        paths.push(COMPARE_PAGE);
        paths.push(MISSING_PAGE);
        paths.extend(GAP_PAGES);
        paths.extend(SIGNPOST_FORMS);
        for path in paths {
            open(&client, &base, path).await;
            assert_stays_local(&client, &base, path).await;
        }
        let cookies = client.get_all_cookies().await.expect("read cookies");
        assert!(cookies.is_empty(), "the browser holds cookies: {cookies:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compare_page_has_no_accessibility_violations() {
    axe_finds_nothing_on(&[COMPARE_PAGE]).await;
}

/// Presses and releases Shift once, as a person would.
async fn press_shift(client: &Client) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    use fantoccini::key::Key;
    let shift = char::from(Key::Shift);
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Up { value: shift });
    client.perform_actions(actions).await.expect("press Shift");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pressing_shift_three_times_exits_the_page() {
    with_browser(true, |client, base| async move {
        let path = RECORD_PAGES[1];
        open(&client, &base, path).await;
        assert_eq!(scripting_enabled(&client).await, json!(true));
        // The script has run: deferred scripts run before DOMContentLoaded, which a finished
        // navigation has passed.
        press_shift(&client).await;
        let status = text_of_js(&client, "exit-status").await;
        assert!(
            status.starts_with("Shift pressed 1 of 3 times"),
            "status after one press: {status:?}"
        );
        press_shift(&client).await;
        let status = text_of_js(&client, "exit-status").await;
        assert!(
            status.starts_with("Shift pressed 2 of 3 times"),
            "status after two presses: {status:?}"
        );
        let from = format!("{base}{path}");
        press_shift(&client).await;
        wait_to_leave(&client, &from).await;
        let url = client.current_url().await.expect("current URL");
        assert!(
            !url.as_str().starts_with(&base),
            "still on the site after three presses of Shift: {url}"
        );
        // The page was replaced, so Back does not return to it.
        let _ = client.back().await;
        let url = client.current_url().await.expect("current URL");
        assert_ne!(
            url.as_str(),
            from,
            "Back returned to the page that was exited"
        );
    })
    .await;
}

/// The text content of the element with `id`, read by script.
async fn text_of_js(client: &Client, id: &str) -> String {
    client
        .execute(
            "return document.getElementById(arguments[0]).textContent;",
            vec![json!(id)],
        )
        .await
        .unwrap_or_else(|e| panic!("read #{id}: {e}"))
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exit_link_is_a_plain_link_without_javascript() {
    with_browser(false, |client, base| async move {
        for path in ["/", RECORD_PAGES[0], COMPARE_PAGE, MISSING_PAGE] {
            open(&client, &base, path).await;
            assert_eq!(scripting_enabled(&client).await, json!(false));
            let link = client
                .find(Locator::LinkText("Exit this page"))
                .await
                .unwrap_or_else(|e| panic!("{path}: no exit link: {e}"));
            assert_eq!(link.tag_name().await.expect("tag"), "a");
            assert_eq!(
                link.attr("href").await.expect("href").as_deref(),
                Some(EXIT_URL)
            );
            assert_eq!(
                link.attr("rel").await.expect("rel").as_deref(),
                Some("noreferrer")
            );
            assert!(link.is_displayed().await.expect("displayed"), "{path}");
            // Without the script nothing blanks the page.
            let body_class = client
                .execute("return document.body.className;", vec![])
                .await
                .expect("body class");
            assert_eq!(body_class, json!(""), "{path}");
        }
    })
    .await;
}

/// The gap map (with its drawing and table), one of its cells (a cell whose example records
/// have studies), another pair of axes, the gaps report with its charts, and the
/// prevention-strategy matrix for all countries and for one.
const GAP_PAGES: [&str; 7] = [
    "/gap-map",
    "/gap-map?rows=country&cols=evidence_level",
    "/gap-map/cell?rows=target_group&cols=prevention_level&row=potential_offenders&col=tertiary",
    "/gap-map/cell?rows=target_group&cols=prevention_level&row=potential_offenders&col=tertiary&per_page=1&page=2",
    "/gaps",
    "/strategy",
    "/strategy?country=GB",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gap_pages_have_no_accessibility_violations() {
    axe_finds_nothing_on(&GAP_PAGES).await;
}

/// The signposting forms.
const SIGNPOST_FORMS: [&str; 2] = ["/signpost", "/help"];

/// Clicks the element matching `css`, first scrolled to the middle of the window so that
/// the sticky "Exit this page" bar cannot be in the way. (WebDriver scripts run even when the
/// page's own scripts are switched off.)
async fn click(client: &Client, css: &str) {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element).expect("element reference")],
        )
        .await
        .unwrap_or_else(|e| panic!("scroll to {css}: {e}"));
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Answers a signposting form on the current page: `pairs` of field name and value; a text
/// box is typed into, a radio button or checkbox clicked, a drop-down option chosen.
async fn answer(client: &Client, pairs: &[(&str, &str)]) {
    for (name, value) in pairs {
        if *name == "age" {
            let input = client
                .find(Locator::Css("input#age"))
                .await
                .expect("the age box");
            input.clear().await.expect("clear the age");
            input.send_keys(value).await.expect("type the age");
        } else if ["country", "language"].contains(name) {
            click(client, &format!("select#{name} option[value=\"{value}\"]")).await;
        } else {
            click(client, &format!("input[name={name}][value=\"{value}\"]")).await;
        }
    }
}

/// Sends the signposting form and waits for the answer (or the form again, with an error).
/// The address does not change (the form is sent with POST to its own address).
async fn send_form(client: &Client) {
    click(client, "form.signpost-form button[type=submit]").await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".signpost-notice, .error-summary"))
        .await
        .expect("the answer page");
}

/// A form's answers: field names and values.
type Pairs = &'static [(&'static str, &'static str)];

/// The 19-year-old man convicted of an internet offence, as a probation officer answers.
const MAN_19: [(&str, &str); 7] = [
    ("age", "19"),
    ("gender", "male"),
    ("asking_for", "client"),
    ("situations", "viewing_csam"),
    ("justice_stage", "convicted_community"),
    ("country", "GB"),
    ("language", "en"),
];

/// A professional asking about a convicted woman: no example service fits.
const WOMAN_CONVICTED: [(&str, &str); 4] = [
    ("gender", "female"),
    ("asking_for", "client"),
    ("situations", "viewing_csam"),
    ("justice_stage", "convicted_community"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signposting_pages_have_no_accessibility_violations() {
    require_tools();
    let axe = std::fs::read_to_string(axe_path())
        .unwrap_or_else(|e| panic!("read {}: {e}: {INSTALL_HINT}", axe_path().display()));
    with_browser(true, move |client, base| async move {
        for path in SIGNPOST_FORMS {
            open(&client, &base, path).await;
            assert_accessible(&client, path, &axe).await;
        }
        // The answers are behind POST: send the forms, open what is collapsed, then look.
        let open_details = "document.querySelectorAll('details').forEach(d => d.open = true);";
        let answers: [(&str, &str, Pairs); 4] = [
            ("/signpost", "the answer for the man of 19", &MAN_19),
            (
                "/signpost",
                "an answer where nothing fits",
                &WOMAN_CONVICTED,
            ),
            (
                "/help",
                "a self-help answer",
                &[
                    ("situations", "sexual_thoughts"),
                    ("police", "no"),
                    ("gender", "female"),
                ],
            ),
            ("/signpost", "the form with a wrong age", &[("age", "abc")]),
        ];
        for (path, what, pairs) in answers {
            open(&client, &base, path).await;
            answer(&client, pairs).await;
            send_form(&client).await;
            client
                .execute(open_details, vec![])
                .await
                .expect("open the details");
            assert_accessible(&client, what, &axe).await;
            assert_stays_local(&client, &base, what).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signposting_works_without_javascript() {
    with_browser(false, |client, base| async move {
        // From the site navigation to the practitioners' form.
        open(&client, &base, "/").await;
        assert_eq!(scripting_enabled(&client).await, json!(false));
        client
            .find(Locator::LinkText("Find a service"))
            .await
            .expect("the navigation link")
            .click()
            .await
            .expect("follow it");
        wait_to_leave(&client, &format!("{base}/")).await;
        assert_eq!(client.current_url().await.expect("URL").path(), "/signpost");
        // Nothing is chosen but "not known".
        let checked = client
            .execute(
                "return [...document.querySelectorAll('input:checked, option:checked')]
                    .map(e => e.value);",
                vec![],
            )
            .await
            .expect("read the choices");
        assert!(
            checked
                .as_array()
                .expect("list")
                .iter()
                .all(|v| v == &json!("")),
            "{checked}"
        );

        answer(&client, &MAN_19).await;
        send_form(&client).await;
        let url = client.current_url().await.expect("URL");
        assert_eq!(url.path(), "/signpost");
        assert_eq!(url.query(), None, "the answers are not in the address");
        assert_eq!(text_of(&client, "h1").await, "Services that may fit");
        let notice = text_of(&client, ".signpost-notice").await;
        assert!(notice.contains("not an assessment of risk"), "{notice}");
        let eligible = text_of(&client, "section[aria-labelledby=eligible-heading]").await;
        assert!(
            eligible.contains("Internet Sex Offender Treatment Programme"),
            "{eligible}"
        );
        assert!(
            eligible.contains("Formats that fit: Individual work"),
            "{eligible}"
        );
        // Not eligible is collapsed; opening it shows the reason, in words.
        let northumbria_css = "section[aria-labelledby=ineligible-heading] \
            a[href=\"/interventions/northumbria-sex-offender-groupwork-programme\"]";
        let northumbria = client
            .find(Locator::Css(northumbria_css))
            .await
            .expect("the groupwork programme");
        assert!(!northumbria.is_displayed().await.expect("displayed"));
        click(
            &client,
            "section[aria-labelledby=ineligible-heading] summary",
        )
        .await;
        assert!(northumbria.is_displayed().await.expect("displayed"));
        let ineligible = text_of(&client, "section[aria-labelledby=ineligible-heading]").await;
        assert!(
            ineligible.contains("Age: Does not fit. 19: the service takes 21+"),
            "{ineligible}"
        );
        // A record's page is a plain link away, and "Start again" gives an empty form.
        click(&client, northumbria_css).await;
        wait_to_leave(&client, &format!("{base}/signpost")).await;
        assert_eq!(
            client.current_url().await.expect("URL").path(),
            "/interventions/northumbria-sex-offender-groupwork-programme"
        );
        open(&client, &base, "/signpost").await;
        answer(&client, &WOMAN_CONVICTED).await;
        send_form(&client).await;
        let nothing = text_of(&client, ".nothing-fits").await;
        assert!(
            nothing.contains("If gender were not a barrier"),
            "{nothing}"
        );
        client
            .find(Locator::LinkText("Start again"))
            .await
            .expect("start again")
            .click()
            .await
            .expect("start again");
        client
            .wait()
            .for_element(Locator::Css("form.signpost-form"))
            .await
            .expect("the form");
        let age = client
            .find(Locator::Css("input#age"))
            .await
            .expect("age")
            .prop("value")
            .await
            .expect("value");
        assert_eq!(age.as_deref(), Some(""));

        // From the home page's "Worried about your own thoughts?" to the self-help form.
        open(&client, &base, "/").await;
        client
            .find(Locator::LinkText(
                "Answer a few questions to see which services could help you",
            ))
            .await
            .expect("the self-help link")
            .click()
            .await
            .expect("follow it");
        wait_to_leave(&client, &format!("{base}/")).await;
        assert_eq!(client.current_url().await.expect("URL").path(), "/help");
        let intro = text_of(&client, ".privacy-note").await;
        assert!(intro.contains("Nothing you enter is stored"), "{intro}");
        answer(
            &client,
            &[
                ("age", "30"),
                ("situations", "sexual_thoughts"),
                ("police", "no"),
            ],
        )
        .await;
        send_form(&client).await;
        let url = client.current_url().await.expect("URL");
        assert_eq!((url.path(), url.query()), ("/help", None));
        assert_eq!(
            text_of(&client, "h1").await,
            "Services that may be able to help you"
        );
        let found = text_of(&client, "main").await;
        assert!(found.contains("StopSO"), "{found}");
        assert!(
            client
                .find(Locator::LinkText("Exit this page"))
                .await
                .is_ok(),
            "the exit link"
        );
        let cookies = client.get_all_cookies().await.expect("read cookies");
        assert!(cookies.is_empty(), "{cookies:?}");
    })
    .await;
}

/// The staff password of the browser tests' account.
const STAFF_PASSWORD: &str = "correct horse battery staple";

/// Runs `test` against a fresh server that also holds an admin account
/// `admin@example.org` (password [`STAFF_PASSWORD`]), like [`with_browser`].
async fn with_staff_browser<F, Fut>(javascript: bool, test: F)
where
    F: FnOnce(Client, String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_staff_browser_over(examples(), javascript, |client, base, _| test(client, base)).await;
}

/// The address of the editor account [`with_staff_browser_over`] adds beside the admin: the
/// "someone else" who saves through the store while the admin works in the browser.
const COLLEAGUE: &str = "colleague@example.org";

/// Runs `test` against a fresh server holding `records`, an admin account
/// `admin@example.org` and an editor account [`COLLEAGUE`] (both with password
/// [`STAFF_PASSWORD`]), like [`with_browser`]; `test` also gets the server's store, to set up
/// data the way another person would.
async fn with_staff_browser_over<F, Fut>(records: Vec<Intervention>, javascript: bool, test: F)
where
    F: FnOnce(Client, String, SqliteStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    use preventory_core::accounts::{Actor, Email, Password, Role};

    let server: TestServer = start_with(records).await;
    let password = Password::new(STAFF_PASSWORD.to_string()).expect("password");
    // One hash serves both accounts: hashing is deliberately slow.
    let hash = tokio::task::spawn_blocking(move || {
        preventory_store::password::hash_password(&password).expect("hash")
    })
    .await
    .expect("hash thread");
    for (email, role) in [
        ("admin@example.org", Role::Admin),
        (COLLEAGUE, Role::Editor),
    ] {
        server
            .store
            .create_user(
                &preventory_store::accounts::NewUser {
                    email: Email::parse(email).expect("email"),
                    password_hash: hash.clone(),
                    role,
                    organisation: None,
                },
                Actor::Cli,
            )
            .await
            .unwrap_or_else(|e| panic!("create {email}: {e}"));
    }
    let (driver, client) = Driver::start_with_session(javascript).await;
    let outcome = tokio::spawn(test(
        client.clone(),
        server.base.clone(),
        server.store.clone(),
    ))
    .await;
    let _ = client.close().await;
    drop(driver);
    drop(server);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("browser test did not finish: {e}"),
        }
    }
}

/// Signs in through the form at `/admin/login` and waits for the staff pages.
async fn sign_in_through_the_form(client: &Client, base: &str) {
    open(client, base, "/admin/login").await;
    for (id, value) in [("email", "admin@example.org"), ("password", STAFF_PASSWORD)] {
        client
            .find(Locator::Css(&format!("input#{id}")))
            .await
            .unwrap_or_else(|e| panic!("find #{id}: {e}"))
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }
    client
        .find(Locator::Css("form.sign-in-form button[type=submit]"))
        .await
        .expect("the sign-in button")
        .click()
        .await
        .expect("click sign in");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let url = client.current_url().await.expect("current address");
        if url.path() == "/admin" {
            break;
        }
        assert!(Instant::now() < deadline, "still at {url} after signing in");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(text_of(client, "main").await.contains("admin@example.org"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_pages_have_no_accessibility_violations() {
    require_tools();
    let axe = std::fs::read_to_string(axe_path())
        .unwrap_or_else(|e| panic!("read {}: {e}: {INSTALL_HINT}", axe_path().display()));
    with_staff_browser(true, move |client, base| async move {
        open(&client, &base, "/admin/login").await;
        assert_accessible(&client, "/admin/login", &axe).await;
        sign_in_through_the_form(&client, &base).await;
        assert_accessible(&client, "/admin", &axe).await;
        open(&client, &base, "/admin/audit").await;
        assert_accessible(&client, "/admin/audit", &axe).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sign_in_and_out_work_without_javascript() {
    with_staff_browser(false, move |client, base| async move {
        sign_in_through_the_form(&client, &base).await;
        client
            .find(Locator::Css("form[action=\"/admin/logout\"] button"))
            .await
            .expect("the sign-out button")
            .click()
            .await
            .expect("click sign out");
        let deadline = Instant::now() + Duration::from_secs(10);
        while client.current_url().await.expect("address").path() != "/" {
            assert!(Instant::now() < deadline, "not back home after signing out");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        open(&client, &base, "/admin").await;
        let url = client.current_url().await.expect("address");
        assert_eq!(url.path(), "/admin/login", "signed out: back to the form");
    })
    .await;
}

// ---------------------------------------------------------------------------------------
// The editorial pages: records, their history, public submissions and the review queue.
// Each test is one Chromium session over the fictional records of `tests/common`; the forms
// are filled in and sent through the browser, and the store is used only to set up what
// another person would have done meanwhile.

/// The record the editorial tests work on.
const HELPLINE: &str = "fictional-helpline-one";

/// Its edit form.
const EDIT_PAGE: &str = "/admin/records/fictional-helpline-one/edit";

/// The edit form's "Save" button.
const SAVE_BUTTON: &str = "#record-form button[name=action][value=save]";

/// The edit form's first "Preview" button (the one at the top).
const PREVIEW_BUTTON: &str = "#record-form button[name=action][value=preview]";

/// The fixture's rating differs from what its (absent) studies suggest, so the form wants a
/// reason before it previews or saves.
const RATING_REASON: &str = "A fictional reason for the fictional rating.";

/// The fictional records of `tests/common`, hostile one included, so that the staff pages are
/// checked with stored text that tries to break out of its markup.
fn fictional_records() -> Vec<Intervention> {
    vec![
        common::helpline_one(),
        common::group_programme_two(),
        common::hostile(),
    ]
}

/// axe-core's source, read once per test.
fn read_axe() -> String {
    require_tools();
    std::fs::read_to_string(axe_path())
        .unwrap_or_else(|e| panic!("read {}: {e}: {INSTALL_HINT}", axe_path().display()))
}

/// The account `email` as the store's editing methods name it.
async fn editor_of(store: &SqliteStore, email: &str) -> Editor {
    let user = store
        .list_users()
        .await
        .expect("list the accounts")
        .into_iter()
        .find(|u| u.email == email)
        .unwrap_or_else(|| panic!("no account {email}"));
    Editor {
        staff: user.staff(),
        email: user.email.clone(),
    }
}

/// Saves `change` to [`HELPLINE`] as [`COLLEAGUE`], as if from another browser; returns the
/// new revision.
async fn colleague_saves(
    store: &SqliteStore,
    summary: &str,
    change: impl FnOnce(&mut Intervention),
) -> i64 {
    let stored = store
        .get(HELPLINE)
        .await
        .expect("get the record")
        .expect("the record is stored");
    let mut record = stored.record;
    change(&mut record);
    let saved = store
        .save_record(
            &RecordEdit {
                record,
                base_revision: Some(stored.revision),
                summary: summary.to_string(),
            },
            &editor_of(store, COLLEAGUE).await,
        )
        .await
        .expect("the colleague's save");
    assert!(saved.changed, "the colleague's save changed nothing");
    saved.revision
}

/// Replaces what the text box or text area with `id` holds by typing `value`, as a person
/// would (nothing is typed when `value` is empty: the box is only cleared).
async fn type_into(client: &Client, id: &str, value: &str) {
    let field = client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("find #{id}: {e}"));
    field
        .clear()
        .await
        .unwrap_or_else(|e| panic!("clear #{id}: {e}"));
    if !value.is_empty() {
        field
            .send_keys(value)
            .await
            .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
    }
}

/// Clicks the submit button matching `button` and waits, for at most 10 s, until the page
/// the form was sent to has replaced the current one and finished loading. The current
/// document is marked first, because a form posted to its own address leaves the address
/// unchanged (WebDriver scripts run even with the page's own scripts switched off).
async fn send_with(client: &Client, button: &str) {
    client
        .execute("document.documentElement.dataset.sent = 'yes';", vec![])
        .await
        .expect("mark the page");
    click(client, button).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // During the navigation a script may fail: that only means "not yet".
        let replaced = client
            .execute(
                "return document.documentElement.dataset.sent === undefined
                    && document.readyState === 'complete';",
                vec![],
            )
            .await;
        if matches!(replaced, Ok(Value::Bool(true))) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{button}: no new page within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether an element matches `css` on the current page (no waiting).
async fn has(client: &Client, css: &str) -> bool {
    !client
        .find_all(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .is_empty()
}

/// Fails unless the browser holds no cookie for the current page, by script and by WebDriver.
async fn assert_no_cookie(client: &Client, what: &str) {
    let cookie = client
        .execute("return document.cookie;", vec![])
        .await
        .expect("read document.cookie");
    assert_eq!(cookie, json!(""), "{what}: document.cookie");
    let cookies = client.get_all_cookies().await.expect("read the cookies");
    assert!(cookies.is_empty(), "{what}: the browser holds {cookies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_record_pages_have_no_accessibility_violations() {
    let axe = read_axe();
    with_staff_browser_over(
        fictional_records(),
        true,
        move |client, base, store| async move {
            sign_in_through_the_form(&client, &base).await;
            for path in [
                "/admin/records",
                "/admin/records/fictional-helpline-one",
                "/admin/records/new",
                EDIT_PAGE,
            ] {
                open(&client, &base, path).await;
                assert_accessible(&client, path, &axe).await;
            }

            // A failed save: a date that is not one, and no summary of the change.
            type_into(&client, "field-information_correct_at", "13-2024").await;
            type_into(&client, "field-change_summary", "").await;
            send_with(&client, SAVE_BUTTON).await;
            let problems = text_of(&client, ".error-summary").await;
            assert!(problems.contains("nothing was saved"), "{problems}");
            for id in ["field-information_correct_at", "field-change_summary"] {
                assert!(
                    has(&client, &format!("#{id}[aria-invalid=true]")).await,
                    "#{id} is not marked invalid:\n{problems}"
                );
            }
            assert_accessible(&client, "the edit form after a failed save", &axe).await;

            // The preview: the public page inside the form's page, nothing saved.
            open(&client, &base, EDIT_PAGE).await;
            type_into(&client, "field-rating_justification", RATING_REASON).await;
            send_with(&client, PREVIEW_BUTTON).await;
            assert!(
                has(&client, ".record-preview").await,
                "no preview after pressing Preview"
            );
            assert_accessible(&client, "the edit form with a preview", &axe).await;

            // The merge page: a colleague saves while the form is open, then "Save".
            open(&client, &base, EDIT_PAGE).await;
            type_into(&client, "field-rating_justification", RATING_REASON).await;
            type_into(
                &client,
                "field-summary",
                "A fictional summary typed in the browser.",
            )
            .await;
            type_into(&client, "field-change_summary", "Fictional browser edit").await;
            colleague_saves(&store, "Fictional colleague's edit", |r| {
                r.summary = Some("A fictional summary the colleague saved first.".into());
            })
            .await;
            send_with(&client, SAVE_BUTTON).await;
            let merge = text_of(&client, "#merge-heading").await;
            assert_eq!(
                merge,
                "Someone else saved this record while you were editing"
            );
            assert_accessible(&client, "the merge page (409)", &axe).await;
            let stored = store.get(HELPLINE).await.expect("get").expect("stored");
            assert_eq!(stored.revision, 2, "the stale save was refused");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_history_pages_have_no_accessibility_violations() {
    let axe = read_axe();
    with_staff_browser_over(
        fictional_records(),
        true,
        move |client, base, store| async move {
            // Revision 2 changes some text; the colleague sends it for review and the admin
            // (not its last author) publishes it, so the audit log has status changes.
            colleague_saves(&store, "Fictional rewording", |r| {
                r.title = "Fictional Helpline One, Renamed".into();
                r.summary = Some("A fictional, reworded summary used only in tests.".into());
            })
            .await;
            let colleague = editor_of(&store, COLLEAGUE).await;
            store
                .set_status(HELPLINE, Status::InReview, &colleague.staff)
                .await
                .expect("send for review");
            let admin = editor_of(&store, "admin@example.org").await;
            store
                .set_status(HELPLINE, Status::Published, &admin.staff)
                .await
                .expect("publish");

            sign_in_through_the_form(&client, &base).await;
            for path in [
                "/admin/records/fictional-helpline-one/history",
                "/admin/records/fictional-helpline-one/diff?from=1&to=2",
                "/admin/audit?action=status_changed",
            ] {
                open(&client, &base, path).await;
                assert!(has(&client, "main h1").await, "{path}: no heading");
                assert_accessible(&client, path, &axe).await;
            }
            let audit = text_of(&client, "main").await;
            assert!(audit.contains(COLLEAGUE), "{audit}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submission_and_review_pages_have_no_accessibility_violations_or_cookies() {
    let axe = read_axe();
    with_staff_browser_over(
        fictional_records(),
        true,
        move |client, base, store| async move {
            // The public form, as the public sees it: before anyone signs in.
            for path in ["/submit", "/submit?record=fictional-helpline-one"] {
                open(&client, &base, path).await;
                assert_accessible(&client, path, &axe).await;
                assert_stays_local(&client, &base, path).await;
                assert_no_cookie(&client, path).await;
            }
            let send = "form.submit-form button[type=submit]";
            open(&client, &base, "/submit").await;
            send_with(&client, send).await;
            assert!(
                has(&client, ".error-summary").await,
                "no errors for an empty form"
            );
            assert_accessible(&client, "/submit sent empty", &axe).await;
            assert_no_cookie(&client, "/submit sent empty").await;

            // A valid suggestion, sent by the browser (so with the browser's own Origin).
            open(&client, &base, "/submit").await;
            type_into(&client, "service_name", "Fictional Browser Service").await;
            type_into(
                &client,
                "details",
                "A fictional service suggested through a real browser, for tests only.",
            )
            .await;
            send_with(&client, send).await;
            assert_eq!(
                text_of(&client, "h1").await,
                "Thank you for your suggestion"
            );
            assert_accessible(&client, "the thank-you page", &axe).await;
            assert_stays_local(&client, &base, "the thank-you page").await;
            assert_no_cookie(&client, "the thank-you page").await;
            let stored = store.list_submissions(None).await.expect("submissions");
            assert_eq!(stored.len(), 1, "{stored:?}");
            assert_eq!(stored[0].service_name, "Fictional Browser Service");

            // The staff side.
            sign_in_through_the_form(&client, &base).await;
            let detail = format!("/admin/submissions/{}", stored[0].id);
            for path in [
                "/admin/submissions",
                &detail,
                "/admin/submissions?state=all",
            ] {
                open(&client, &base, path).await;
                assert!(
                    text_of(&client, "main")
                        .await
                        .contains("Fictional Browser Service"),
                    "{path} does not show the submission"
                );
                assert_accessible(&client, path, &axe).await;
            }
            open(&client, &base, &detail).await;
            send_with(&client, "form[action$=\"/reject\"] button[type=submit]").await;
            assert!(
                has(&client, "#reason[aria-invalid=true]").await,
                "no error for a rejection without a reason"
            );
            assert_accessible(&client, "a rejection without a reason", &axe).await;
            open(&client, &base, "/admin/review").await;
            assert_accessible(&client, "/admin/review", &axe).await;
        },
    )
    .await;
}

/// The legends of the edit form's facet rows.
async fn facet_rows(client: &Client) -> usize {
    texts_of(client, "fieldset.form-row > legend")
        .await
        .iter()
        .filter(|legend| legend.starts_with("Facet row"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_record_form_adds_rows_and_previews_without_javascript() {
    with_staff_browser_over(
        fictional_records(),
        false,
        move |client, base, store| async move {
            sign_in_through_the_form(&client, &base).await;
            open(&client, &base, EDIT_PAGE).await;
            assert_eq!(scripting_enabled(&client).await, json!(false));
            let rows = facet_rows(&client).await;
            assert!(rows > 0, "no facet rows");

            // "Add another facet row" sends the form and shows it again, one row longer,
            // keeping what was typed.
            type_into(&client, "field-rating_justification", RATING_REASON).await;
            send_with(
                &client,
                "#record-form button[name=action][value=\"add:facet\"]",
            )
            .await;
            assert_eq!(facet_rows(&client).await, rows + 1);
            let kept = client
                .find(Locator::Id("field-rating_justification"))
                .await
                .expect("the reason box")
                .prop("value")
                .await
                .expect("its value");
            assert_eq!(kept.as_deref(), Some(RATING_REASON));

            // "Preview" shows the public page above the form, and saves nothing.
            send_with(&client, PREVIEW_BUTTON).await;
            let preview = text_of(&client, ".record-preview").await;
            assert!(preview.contains("Fictional Helpline One"), "{preview}");
            assert_eq!(facet_rows(&client).await, rows + 1, "the added row went");
            assert_eq!(
                client.current_url().await.expect("address").path(),
                EDIT_PAGE
            );
            let stored = store.get(HELPLINE).await.expect("get").expect("stored");
            assert_eq!(stored.revision, 1, "a preview saved something");
        },
    )
    .await;
}
