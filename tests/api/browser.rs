//! A real browser for the page tests: chromedriver on a free port driving headless Chromium with
//! a fresh profile, through the `fantoccini` WebDriver client. Each call panics with what it was
//! doing, as a test step should. Screenshots are saved under `docs/screenshots/`.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::fmt::Display;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// How long one WebDriver command may take: a stuck browser fails the test instead of hanging it.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The result of one WebDriver command, or a panic saying what failed.
async fn within<T, E: Display>(what: &str, command: impl Future<Output = Result<T, E>>) -> T {
    match tokio::time::timeout(COMMAND_TIMEOUT, command).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(_) => panic!("{what}: no answer within {COMMAND_TIMEOUT:?}"),
    }
}

/// A running chromedriver and its browser session; both end on drop, also on panic.
pub struct Browser {
    client: Client,
    session: String,
    port: u16,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Drop cannot await, and the runtime may be gone by the time the client's own shutdown
        // would run: end the session (and with it Chromium) with a plain blocking request, then
        // stop chromedriver.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session, self.port
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut sink = Vec::new();
                let _ = stream.read_to_end(&mut sink);
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver (`$CHROMEDRIVER`, else `/usr/bin/chromedriver`) and a 1280×1600
    /// headless Chromium session in a new profile.
    pub async fn start() -> Browser {
        let port = free_port();
        let mut driver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| DRIVER.into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile dir");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("client");
        loop {
            let ready = http.get(format!("{url}/status")).send().await;
            if let Ok(resp) = ready
                && let Ok(v) = resp.json::<serde_json::Value>().await
                && v["value"]["ready"] == true
            {
                break;
            }
            if Instant::now() >= deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not become ready");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let user_data = format!("--user-data-dir={}", profile.path().display());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                         user_data],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("an object")
        };
        // chromedriver speaks plain HTTP on the loopback: no TLS connector is needed.
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = match tokio::time::timeout(COMMAND_TIMEOUT, builder.connect(&url)).await {
            Ok(Ok(client)) => client,
            failed => {
                let _ = driver.kill();
                let _ = driver.wait();
                match failed {
                    Ok(Err(e)) => panic!("no browser session: {e}"),
                    _ => panic!("no browser session within {COMMAND_TIMEOUT:?}"),
                }
            }
        };
        let session = within("session id", client.session_id())
            .await
            .expect("a session");
        Browser {
            client,
            session,
            port,
            driver,
            _profile: profile,
        }
    }

    pub async fn goto(&self, url: &str) {
        within(&format!("go to {url}"), self.client.goto(url)).await;
    }

    /// The address of the page shown.
    pub async fn url(&self) -> String {
        within("current url", self.client.current_url())
            .await
            .to_string()
    }

    /// Every element matching `css`, in document order.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        within(
            &format!("find `{css}`"),
            self.client.find_all(Locator::Css(css)),
        )
        .await
    }

    /// The first element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.find_all(css)
            .await
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no `{css}`"))
    }

    pub async fn text(&self, element: &Element) -> String {
        within("element text", element.text()).await
    }

    /// Polls (up to 10 s) for an element matching `css` whose text contains `text`.
    pub async fn wait_for(&self, css: &str, text: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            for element in self.find_all(css).await {
                // The page may be replaced while it is read (after a form post): read again.
                if let Ok(Ok(found)) = tokio::time::timeout(COMMAND_TIMEOUT, element.text()).await
                    && found.contains(text)
                {
                    return element;
                }
            }
            if Instant::now() >= deadline {
                let page = match self.find_all("body").await.first() {
                    Some(body) => self.text(body).await,
                    None => String::new(),
                };
                panic!(
                    "no `{css}` containing `{text}` on {}; the page reads:\n{page}",
                    self.url().await
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn click(&self, element: &Element) {
        within("click", element.click()).await;
    }

    pub async fn type_into(&self, element: &Element, text: &str) {
        within("type", element.send_keys(text)).await;
    }

    pub async fn resize(&self, width: u32, height: u32) {
        within("resize", self.client.set_window_size(width, height)).await;
    }

    /// Saves a PNG of the viewport as `docs/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = within("screenshot", self.client.screenshot()).await;
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }

    /// Chooses the option with `value` of a `<select>`.
    pub async fn select(&self, element: &Element, value: &str) {
        within("select", element.clone().select_by_value(value)).await;
    }

    /// Deletes every cookie (to sign in as someone else in the same browser).
    pub async fn forget_cookies(&self) {
        within("delete cookies", self.client.delete_all_cookies()).await;
    }

    /// Sets the cookie `name` for the current site (to carry a session saved earlier).
    pub async fn set_cookie(&self, name: &str, value: &str) {
        let url = within("current url", self.client.current_url()).await;
        // chromedriver refuses a cookie without the page's domain, or with `SameSite` unset.
        let host = url.host_str().unwrap_or("127.0.0.1");
        let cookie = fantoccini::cookies::Cookie::parse(format!(
            "{name}={value}; Domain={host}; Path=/; HttpOnly; SameSite=Strict"
        ))
        .expect("a cookie");
        within("add cookie", self.client.add_cookie(cookie)).await;
    }

    /// Empties an input.
    pub async fn clear(&self, element: &Element) {
        within("clear", element.clear()).await;
    }

    /// Runs a script in the page.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        within("script", self.client.execute(script, Vec::new())).await
    }

    /// The value of the browser's cookie `name` for the current site.
    pub async fn cookie(&self, name: &str) -> String {
        within("cookie", self.client.get_named_cookie(name))
            .await
            .value()
            .to_owned()
    }

    /// Whether the page is wider than the viewport (it scrolls sideways).
    pub async fn overflows(&self) -> bool {
        let script =
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth;";
        within("script", self.client.execute(script, Vec::new()))
            .await
            .as_bool()
            .expect("a boolean")
    }
}
