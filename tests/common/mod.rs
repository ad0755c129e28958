//! The integration-test harness: real parts only.
//!
//! - [`TestPki`]: a test PKI made by `vbdt testpki`, served by [`Services`] on
//!   127.0.0.1: a real OpenSSL OCSP responder, real CRL files, a real OpenSSL TSA.
//! - [`SoftHsm`]: a SoftHSM2 token holding keys and certificates of the test PKI.
//! - Independent validators: [`pyhanko_validate`], [`pdfsig_validate`], [`qpdf_check`].
//!
//! Each test binary includes this file with `mod common;`. Under `cargo nextest`
//! every test is its own process, so [`TestPki::shared`] is made once per test;
//! RSA keys are cached in the target directory so this costs little.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

// ---------------------------------------------------------------------------
// Paths and the binary
// ---------------------------------------------------------------------------

/// The `vbdt` binary cargo built for this test run.
pub fn vbdt_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vbdt"))
}

/// The repository root (this file is `tests/common/mod.rs`, the test crate is `crates/vbdt`).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_else(|| manifest.to_path_buf())
}

/// `fixtures/` of the repository.
pub fn fixtures_dir() -> PathBuf {
    repo_root().join("fixtures")
}

/// `fixtures/documents/NAME`.
pub fn fixture_document(name: &str) -> PathBuf {
    fixtures_dir().join("documents").join(name)
}

/// Scratch space for test artefacts that outlive one test (caches), inside `target/`.
pub fn target_tmp() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
}

// Skips (`../shared` absent, a tool or right missing) are recorded for scripts/test.sh's summary.
#[path = "../support/skip.rs"]
mod skip;
#[allow(unused_imports)] // each test binary uses some of them
pub use skip::{in_ci, shared_dir, shared_for_part, shared_or_skip, skip, skip_part};

mod schema;
#[allow(unused_imports)] // each test binary uses some of them
pub use schema::{assert_schema_valid, chain_of, report_of, schema_errors, schema_json};

/// A `Command` for the `vbdt` binary with a clean, explicit environment:
/// only PATH, HOME and TMPDIR are kept; `LANG=C.UTF-8`, `TZ=UTC` (deliberately not
/// Vietnam time, so that time-zone handling is exercised), no `LC_*`, no `VBDT_*`.
pub fn vbdt<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(vbdt_bin());
    cmd.args(args);
    clean_env(&mut cmd);
    cmd
}

fn clean_env(cmd: &mut Command) {
    cmd.env_clear();
    for keep in ["PATH", "HOME", "TMPDIR", "LLVM_PROFILE_FILE", "CARGO_LLVM_COV"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd.env("LANG", "C.UTF-8").env("TZ", "UTC").env("RUST_BACKTRACE", "1");
    // The issuer cache (AIA caIssuers) of this test process, never the user's.
    cmd.env("VBDT_CACHE_DIR", target_tmp().join(format!("vbdt-cache-{}", std::process::id())));
    // HOME stays (tools under it), but the tester's own ~/.config/vbdt/vbdt.toml must not
    // change results: profiles come from the test's working directory only.
    cmd.env("XDG_CONFIG_HOME", target_tmp().join("vbdt-no-user-config"));
}

/// Runs a command, panicking with its output if it cannot be started.
pub fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null());
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// stdout + stderr as text.
pub fn output_text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Runs a command that must succeed; returns stdout + stderr.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    let text = output_text(&out);
    assert!(out.status.success(), "{cmd:?} failed ({}):\n{text}", out.status);
    text
}

/// SHA-256 of a file, lower-case hex (via `openssl dgst`, so no extra crate).
pub fn sha256_file(path: &Path) -> String {
    let text = run_ok(Command::new("openssl").arg("dgst").arg("-sha256").arg("-r").arg(path));
    text.split_whitespace().next().unwrap_or_default().to_ascii_lowercase()
}

// ---------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------

/// Finds `tool` on PATH.
pub fn find_tool(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(tool)).find(|p| p.is_file())
}

/// Makes sure `tool` is installed: if it is missing, runs `scripts/install-test-deps.sh`
/// (once per process), then checks again; panics with a clear message if still missing.
pub fn require_tool(tool: &str) -> PathBuf {
    if let Some(p) = find_tool(tool) {
        return p;
    }
    static INSTALL: OnceLock<String> = OnceLock::new();
    let log = INSTALL.get_or_init(|| {
        let script = repo_root().join("scripts/install-test-deps.sh");
        eprintln!("{tool} is missing: running {}", script.display());
        match Command::new("bash").arg(&script).stdin(Stdio::null()).output() {
            Ok(out) => output_text(&out),
            Err(e) => format!("cannot run {}: {e}", script.display()),
        }
    });
    find_tool(tool)
        .unwrap_or_else(|| panic!("required tool {tool} is not installed and scripts/install-test-deps.sh did not install it:\n{log}"))
}

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 client (for tests talking to Services directly)
// ---------------------------------------------------------------------------

/// An HTTP response: status code, headers (names lower-case), body.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }
}

/// `http://HOST:PORT/PATH` → (`HOST:PORT`, `/PATH`).
fn split_url(url: &str) -> io::Result<(String, String)> {
    let rest =
        url.strip_prefix("http://").ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("not an http:// URL: {url}")))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Ok((host.to_owned(), path.to_owned()))
}

/// One HTTP/1.1 request with `Connection: close`; 10 s timeouts.
pub fn http_request(method: &str, url: &str, content_type: Option<&str>, body: &[u8]) -> io::Result<HttpResponse> {
    let (host, path) = split_url(url)?;
    let mut stream = TcpStream::connect(&host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // A server may answer (413) and close before reading the whole body: still read its answer.
    let sent = stream.write_all(body);
    let mut raw = Vec::new();
    let read = stream.take(64 << 20).read_to_end(&mut raw);
    let Some(split) = find(&raw, b"\r\n\r\n") else {
        sent?;
        read?;
        return Err(io::Error::new(io::ErrorKind::InvalidData, "no end of headers in the response"));
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad status line {status_line:?}")))?;
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned())).collect();
    let mut body = raw[split + 4..].to_vec();
    if let Some(len) = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse::<usize>().ok()) {
        body.truncate(len);
    }
    Ok(HttpResponse { status, headers, body })
}

pub fn http_get(url: &str) -> io::Result<HttpResponse> {
    http_request("GET", url, None, &[])
}

pub fn http_post(url: &str, content_type: &str, body: &[u8]) -> io::Result<HttpResponse> {
    http_request("POST", url, Some(content_type), body)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------
// Services: OCSP responder, TSA and CRL server on 127.0.0.1
// ---------------------------------------------------------------------------

/// What a route does instead of answering properly (for failure tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this HTTP status and an empty body.
    Status(u16),
    /// Answer 200 with this body (e.g. garbage instead of an OCSP response).
    Body(Vec<u8>),
    /// Wait this long, then answer properly (the client's timeout should fire first).
    Delay(Duration),
}

/// Largest request body accepted (1 MiB).
pub const MAX_BODY: usize = 1 << 20;

struct Shared {
    pki_dir: PathBuf,
    counts: Mutex<BTreeMap<String, u64>>,
    faults: Mutex<BTreeMap<String, Fault>>,
    stopping: AtomicBool,
    seq: AtomicU64,
    work: tempfile::TempDir,
}

/// One HTTP/1.1 server thread on 127.0.0.1 serving the test PKI's responders:
///
/// | request | answer |
/// |---|---|
/// | `POST /ocsp` (body: DER OCSPRequest) | `openssl ocsp -index DIR/index.txt -CA DIR/ca.pem -rsigner DIR/ocsp.pem -rkey DIR/ocsp.key.pem -reqin … -respout … -ndays 3650`, `application/ocsp-response` |
/// | `GET /ocsp/<base64 of the request>` (RFC 6960 A.1) | the same |
/// | `POST /tsa` (body: DER TimeStampReq) | `openssl ts -reply -config DIR/tsa.cnf -queryfile … -out …`, `application/timestamp-reply` |
/// | `GET /crl/root.crl`, `GET /crl/ca.crl` | a CRL issued now (`vbdt testpki --reissue-crls`: what index.txt marks revoked), `application/pkix-crl`: like a CA that publishes often, so that the evidence is newer than any signature made before the request |
/// | `GET /crl/NAME.crl` (other names) | the file DIR/NAME.crl |
/// | `GET /crt/NAME` (`.crt`, `.cer`, `.p7c`, `.pem`) | the file DIR/NAME (`ca.crt`: the issuing CA, DER), `application/pkix-cert` (the caIssuers address of [`TestPki::with_aia`]) |
///
/// Connections are handled one at a time and closed after each response; bodies
/// over [`MAX_BODY`] get 413, requests without Content-Length get an empty body.
pub struct Services {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Services {
    /// Binds 127.0.0.1 on a free port (keep the listener: no race for the port).
    pub fn bind() -> io::Result<TcpListener> {
        TcpListener::bind(("127.0.0.1", 0))
    }

    /// Starts serving `pki_dir` on `listener`. The PKI files may be written after this:
    /// they are read per request.
    pub fn start(listener: TcpListener, pki_dir: &Path) -> io::Result<Services> {
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            pki_dir: pki_dir.to_path_buf(),
            counts: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(BTreeMap::new()),
            stopping: AtomicBool::new(false),
            seq: AtomicU64::new(0),
            work: tempfile::Builder::new().prefix("vbdt-services-").tempdir()?,
        });
        let thread_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("vbdt-test-services-{}", addr.port()))
            .spawn(move || serve(listener, &thread_shared))?;
        Ok(Services { addr, shared, thread: Some(thread) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Requests seen on a route: `"/ocsp"` (POST and GET together), `"/tsa"`,
    /// `"/crl/ca.crl"`, … (any other path counts under itself).
    pub fn requests(&self, route: &str) -> u64 {
        self.shared.counts.lock().map(|c| c.get(route).copied().unwrap_or(0)).unwrap_or(0)
    }

    /// All requests seen, by route.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.shared.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Makes a route misbehave (route as in [`Services::requests`]); `None` restores it.
    pub fn set_fault(&mut self, route: &str, fault: Option<Fault>) {
        if let Ok(mut faults) = self.shared.faults.lock() {
            match fault {
                Some(f) => faults.insert(route.to_owned(), f),
                None => faults.remove(route),
            };
        }
    }

    /// Stops the server: once this returns, connections to the port are refused.
    pub fn stop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept() so that the thread sees the flag and drops the listener.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2));
        let _ = thread.join();
        // A child process that another thread is forking at this moment holds a copy of
        // the listening socket until it execs (CLOEXEC acts only then), so the port can
        // stay open a little longer: wait until connections are really refused.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            match TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)) {
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return,
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.thread.is_some()
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(listener: TcpListener, shared: &Shared) {
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = conn else { continue };
        if let Err(e) = handle_connection(stream, shared) {
            eprintln!("test services: {e}");
        }
    }
    // The listener is dropped here: the port is closed.
}

struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

fn read_request(stream: &mut TcpStream) -> Result<Request, (u16, String)> {
    let mut reader = BufReader::new(stream.try_clone().map_err(|e| (500, e.to_string()))?);
    let mut head_len = 0usize;
    let mut request_line = String::new();
    reader.read_line(&mut request_line).map_err(|e| (400, e.to_string()))?;
    head_len += request_line.len();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    if method.is_empty() || !path.starts_with('/') {
        return Err((400, format!("bad request line {request_line:?}")));
    }
    let mut content_length = 0usize;
    let mut expect_continue = false;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|e| (400, e.to_string()))?;
        head_len += n;
        if head_len > 16 * 1024 {
            return Err((431, "headers too large".into()));
        }
        if n == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "content-length" => content_length = v.parse().map_err(|_| (400, format!("bad Content-Length {v:?}")))?,
                "transfer-encoding" => return Err((411, "chunked bodies are not supported; send Content-Length".into())),
                "expect" if v.eq_ignore_ascii_case("100-continue") => expect_continue = true,
                _ => {}
            }
        }
    }
    if content_length > MAX_BODY {
        // Read (and drop) what the client is sending, up to a bound, so that it gets to
        // read the 413 instead of a connection reset.
        let _ = io::copy(&mut reader.by_ref().take((content_length as u64).min(8 * MAX_BODY as u64)), &mut io::sink());
        return Err((413, format!("body of {content_length} bytes is over {MAX_BODY}")));
    }
    if expect_continue {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").map_err(|e| (500, e.to_string()))?;
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body).map_err(|e| (400, format!("short body: {e}")))?;
    Ok(Request { method, path, body })
}

fn write_response(stream: &mut TcpStream, status: u16, content_type: &str, body: &[u8]) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

fn route_of(path: &str) -> String {
    let path = path.split('?').next().unwrap_or(path);
    if path == "/ocsp" || path.starts_with("/ocsp/") {
        "/ocsp".into()
    } else {
        path.to_owned()
    }
}

fn handle_connection(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let req = match read_request(&mut stream) {
        Ok(r) => r,
        Err((status, msg)) => {
            let r = write_response(&mut stream, status, "text/plain", msg.as_bytes());
            let _ = stream.shutdown(Shutdown::Both);
            return r;
        }
    };
    let route = route_of(&req.path);
    if let Ok(mut counts) = shared.counts.lock() {
        *counts.entry(route.clone()).or_insert(0) += 1;
    }
    let fault = shared.faults.lock().ok().and_then(|f| f.get(&route).cloned());
    let (status, ctype, body) = match fault {
        Some(Fault::Status(s)) => (s, "text/plain", Vec::new()),
        Some(Fault::Body(b)) => (200, "application/octet-stream", b),
        Some(Fault::Delay(d)) => {
            std::thread::sleep(d);
            answer(&req, &route, shared)
        }
        None => answer(&req, &route, shared),
    };
    let r = write_response(&mut stream, status, ctype, &body);
    let _ = stream.shutdown(Shutdown::Both);
    r
}

fn answer(req: &Request, route: &str, shared: &Shared) -> (u16, &'static str, Vec<u8>) {
    let dir = &shared.pki_dir;
    match (req.method.as_str(), route) {
        ("POST", "/ocsp") => ocsp(&req.body, shared),
        ("GET", "/ocsp") => {
            let encoded = req.path.trim_start_matches("/ocsp/");
            match base64_decode(&percent_decode(encoded)) {
                Some(der) if !der.is_empty() => ocsp(&der, shared),
                _ => (400, "text/plain", b"bad base64 OCSP request".to_vec()),
            }
        }
        ("POST", "/tsa") => tsa(&req.body, shared),
        ("GET", r) if r.starts_with("/crl/") => {
            let name = &r["/crl/".len()..];
            let safe = safe_file_name(name) && name.ends_with(".crl");
            let bytes = match name {
                "root.crl" | "ca.crl" => fresh_crl(name, shared),
                _ => safe.then(|| std::fs::read(dir.join(name)).ok()).flatten(),
            };
            match bytes {
                Some(bytes) => (200, "application/pkix-crl", bytes),
                None => (404, "text/plain", format!("no CRL {name}").into_bytes()),
            }
        }
        ("GET", r) if r.starts_with("/crt/") => {
            let name = &r["/crt/".len()..];
            let safe = safe_file_name(name) && [".crt", ".cer", ".p7c", ".pem"].iter().any(|e| name.ends_with(e));
            match safe.then(|| std::fs::read(dir.join(name)).ok()).flatten() {
                Some(bytes) => (200, "application/pkix-cert", bytes),
                None => (404, "text/plain", format!("no certificate {name}").into_bytes()),
            }
        }
        (_, "/ocsp" | "/tsa") => (405, "text/plain", b"method not allowed".to_vec()),
        _ => (404, "text/plain", b"not found".to_vec()),
    }
}

fn safe_file_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) && !name.contains("..")
}

/// A CRL of the PKI issued now (`vbdt testpki --reissue-crls`).
fn fresh_crl(name: &str, shared: &Shared) -> Option<Vec<u8>> {
    let out = shared.work.path().join(format!("crl-{}", shared.seq.fetch_add(1, Ordering::SeqCst)));
    let status = Command::new(vbdt_bin())
        .args(["testpki", "--out"])
        .arg(&shared.pki_dir)
        .arg("--reissue-crls")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let bytes = status.success().then(|| std::fs::read(out.join(name)).ok()).flatten();
    let _ = std::fs::remove_dir_all(&out);
    bytes
}

/// Runs `openssl` with the request in a file and returns the response file's bytes.
fn run_openssl(
    shared: &Shared,
    kind: &str,
    input: &[u8],
    args: impl Fn(&Path, &Path) -> Vec<std::ffi::OsString>,
) -> Result<Vec<u8>, String> {
    let n = shared.seq.fetch_add(1, Ordering::SeqCst);
    let req = shared.work.path().join(format!("{kind}-{n}.req"));
    let resp = shared.work.path().join(format!("{kind}-{n}.resp"));
    std::fs::write(&req, input).map_err(|e| e.to_string())?;
    let out =
        Command::new("openssl").args(args(&req, &resp)).stdin(Stdio::null()).output().map_err(|e| format!("cannot run openssl: {e}"))?;
    let result = if out.status.success() {
        std::fs::read(&resp).map_err(|e| format!("openssl wrote no response: {e}; {}", output_text(&out)))
    } else {
        Err(format!("openssl {kind} failed: {}", output_text(&out)))
    };
    let _ = std::fs::remove_file(&req);
    let _ = std::fs::remove_file(&resp);
    result
}

fn ocsp(request: &[u8], shared: &Shared) -> (u16, &'static str, Vec<u8>) {
    let dir = shared.pki_dir.clone();
    let result = run_openssl(shared, "ocsp", request, |req, resp| {
        let mut a: Vec<std::ffi::OsString> = vec!["ocsp".into(), "-index".into(), dir.join("index.txt").into()];
        a.extend(["-CA".into(), dir.join("ca.pem").into()]);
        a.extend(["-rsigner".into(), dir.join("ocsp.pem").into()]);
        a.extend(["-rkey".into(), dir.join("ocsp.key.pem").into()]);
        a.extend(["-reqin".into(), req.into(), "-respout".into(), resp.into(), "-ndays".into(), "3650".into()]);
        a
    });
    match result {
        Ok(body) => (200, "application/ocsp-response", body),
        Err(e) => (500, "text/plain", e.into_bytes()),
    }
}

fn tsa(query: &[u8], shared: &Shared) -> (u16, &'static str, Vec<u8>) {
    let dir = shared.pki_dir.clone();
    let result = run_openssl(shared, "tsa", query, |req, resp| {
        vec![
            "ts".into(),
            "-reply".into(),
            "-config".into(),
            dir.join("tsa.cnf").into(),
            "-queryfile".into(),
            req.into(),
            "-out".into(),
            resp.into(),
        ]
    });
    match result {
        Ok(body) => (200, "application/timestamp-reply", body),
        Err(e) => (500, "text/plain", e.into_bytes()),
    }
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard or URL-safe base64, padding optional, whitespace ignored.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    use base64ct::{Base64Unpadded, Encoding};
    let standard: String = s
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    Base64Unpadded::decode_vec(standard.split('=').next().unwrap_or_default()).ok()
}

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(data)
}

/// The DER inside the first PEM block of a file.
pub fn pem_file_to_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body: String =
        text.lines().skip_while(|l| !l.starts_with("-----BEGIN")).skip(1).take_while(|l| !l.starts_with("-----END")).collect();
    base64_decode(&body).unwrap_or_else(|| panic!("{}: bad PEM", path.display()))
}

// ---------------------------------------------------------------------------
// The test PKI
// ---------------------------------------------------------------------------

/// A test PKI made by `vbdt testpki`, with its responders running.
pub struct TestPki {
    /// Where the files are and what they are called (the `test-pki` crate's own names).
    files: test_pki::TestPkiFiles,
    services: Services,
    _tmp: Option<tempfile::TempDir>,
}

impl TestPki {
    /// A fresh PKI (new certificates, serials and URLs; the cached keys) with its own
    /// [`Services`] on a free port, in a temporary directory removed on drop. Use it
    /// when a test changes the services (stop, faults).
    pub fn new() -> TestPki {
        let tmp = tempfile::Builder::new().prefix("vbdt-testpki-").tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let dir = tmp.path().join("pki");
        let mut pki = Self::generate_into(&dir);
        pki._tmp = Some(tmp);
        pki
    }

    /// Like [`TestPki::new`] but with freshly generated keys (about 2 s): a PKI that is
    /// unrelated to every other one. `new()` and `shared()` reuse cached keys, so their
    /// roots are interchangeable (same name, same key) for any validator: a test of
    /// "signed under another, untrusted root" must use this one.
    pub fn new_foreign() -> TestPki {
        let tmp = tempfile::Builder::new().prefix("vbdt-testpki-").tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let dir = tmp.path().join("pki");
        let mut pki = Self::generate(&dir, None);
        pki._tmp = Some(tmp);
        pki
    }

    /// The PKI shared by every test of this test binary (made on first use; never stopped).
    /// Tests must not change its files.
    pub fn shared() -> &'static TestPki {
        static SHARED: OnceLock<TestPki> = OnceLock::new();
        SHARED.get_or_init(|| {
            // Static: never dropped, so it lives under target/tmp and stale ones from
            // earlier processes are removed here.
            let parent = target_tmp().join("vbdt-shared-pki");
            let _ = std::fs::create_dir_all(&parent);
            remove_stale_pkis(&parent);
            let stamp = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            let dir = parent.join(format!("pki-{}-{stamp}", std::process::id()));
            Self::generate_into(&dir)
        })
    }

    fn generate_into(dir: &Path) -> TestPki {
        Self::generate(dir, Some(&target_tmp().join("vbdt-testpki-keys")))
    }

    /// A fresh PKI like [`TestPki::new`] whose end-entity certificates also name where
    /// their issuer is published (AIA caIssuers: `/crt/ca.crt` on its [`Services`]), and
    /// shaped like the government PKI (`"vgca"`) or the public CAs' (`"neac"`: other names,
    /// its own keys, policy 2.999.704.2.1).
    pub fn with_aia(shape: &str) -> TestPki {
        let tmp = tempfile::Builder::new().prefix("vbdt-testpki-").tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
        let dir = tmp.path().join("pki");
        let cache = target_tmp().join(if shape == "vgca" { "vbdt-testpki-keys".to_string() } else { format!("vbdt-testpki-keys-{shape}") });
        let mut pki = Self::generate_with(&dir, Some(&cache), &["--shape", shape], true);
        pki._tmp = Some(tmp);
        pki
    }

    fn generate(dir: &Path, key_cache: Option<&Path>) -> TestPki {
        Self::generate_with(dir, key_cache, &[], false)
    }

    fn generate_with(dir: &Path, key_cache: Option<&Path>, extra: &[&str], aia: bool) -> TestPki {
        let listener = Services::bind().unwrap_or_else(|e| panic!("binding 127.0.0.1: {e}"));
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let services = Services::start(listener, dir).unwrap_or_else(|e| panic!("starting test services: {e}"));
        let out = run(vbdt(["testpki", "--out"])
            .arg(dir)
            .arg("--ocsp-url")
            .arg(services.url("/ocsp"))
            .arg("--crl-base-url")
            .arg(services.url("/crl/"))
            .args(key_cache.map(|dir| [OsStr::new("--key-cache"), dir.as_os_str()]).into_iter().flatten())
            .args(extra)
            .args(if aia { vec!["--ca-issuers-url".to_string(), services.url("/crt/ca.crt")] } else { Vec::new() }));
        assert!(out.status.success(), "vbdt testpki failed ({}):\n{}", out.status, output_text(&out));
        let password = std::fs::read_to_string(dir.join("password.txt"))
            .ok()
            .and_then(|s| s.lines().next().map(str::to_owned))
            .unwrap_or_else(|| panic!("vbdt testpki wrote no password.txt in {}", dir.display()));
        let files = test_pki::TestPkiFiles { dir: dir.to_path_buf(), password, serials: Default::default() };
        TestPki { files, services, _tmp: None }
    }

    pub fn dir(&self) -> &Path {
        &self.files.dir
    }
    /// `NAME.pem` (`root`, `ca`, or an end entity such as `personal`).
    pub fn cert(&self, name: &str) -> PathBuf {
        self.files.cert(name)
    }
    /// `NAME.key.pem` (PKCS#8, unencrypted).
    pub fn key(&self, name: &str) -> PathBuf {
        self.files.key(name)
    }
    /// `NAME.p12` (password: [`TestPki::password`]).
    pub fn p12(&self, name: &str) -> PathBuf {
        self.files.p12(name)
    }
    /// The trust anchor, `root.pem`.
    pub fn root(&self) -> PathBuf {
        self.files.root()
    }
    /// `chain.pem` (issuing CA + root).
    pub fn chain(&self) -> PathBuf {
        self.files.chain()
    }
    /// `NAME.crl` (`root` or `ca`), DER.
    pub fn crl(&self, name: &str) -> PathBuf {
        self.files.crl(name)
    }
    pub fn password(&self) -> &str {
        &self.files.password
    }
    pub fn password_file(&self) -> PathBuf {
        self.files.password_file()
    }
    pub fn ocsp_url(&self) -> String {
        self.services.url("/ocsp")
    }
    pub fn tsa_url(&self) -> String {
        self.services.url("/tsa")
    }
    pub fn crl_url(&self, name: &str) -> String {
        self.services.url(&format!("/crl/{name}.crl"))
    }
    pub fn services(&self) -> &Services {
        &self.services
    }
    /// Only on a PKI from [`TestPki::new`]: the shared one is `&'static` and cannot be changed.
    pub fn services_mut(&mut self) -> &mut Services {
        &mut self.services
    }
    /// `ca.crt`: the issuing CA, DER, as served at the caIssuers address.
    pub fn ca_issuers_url(&self) -> String {
        self.services.url("/crt/ca.crt")
    }
    /// Fresh `root.crl` and `ca.crl`, issued now, in a new directory under `dir` (the PKI's
    /// files are not changed): evidence newer than a signature made before the call.
    pub fn fresh_crls(&self, dir: &Path) -> (PathBuf, PathBuf) {
        self.reissue(dir, &[])
    }
    /// Revokes `name` now: marked revoked in index.txt (the OCSP responder answers
    /// "revoked") and listed in the fresh CRLs written under `dir`; returns (root.crl,
    /// ca.crl). Only on a PKI of its own ([`TestPki::new`], [`TestPki::with_aia`]).
    pub fn revoke(&self, name: &str, dir: &Path) -> (PathBuf, PathBuf) {
        self.reissue(dir, &[name])
    }
    fn reissue(&self, dir: &Path, revoke: &[&str]) -> (PathBuf, PathBuf) {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let out = dir.join(format!("crls-{}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::SeqCst)));
        let mut cmd = vbdt(["testpki", "--out"]);
        cmd.arg(&self.files.dir).arg("--reissue-crls").arg(&out);
        for name in revoke {
            cmd.args(["--revoke", name]);
        }
        run_ok(&mut cmd);
        (out.join("root.crl"), out.join("ca.crl"))
    }
    /// The certificate's serial number, upper-case hex as OpenSSL prints it.
    pub fn serial(&self, name: &str) -> String {
        let text = run_ok(Command::new("openssl").args(["x509", "-noout", "-serial", "-in"]).arg(self.cert(name)));
        text.trim().trim_start_matches("serial=").to_owned()
    }
}

fn remove_stale_pkis(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("pki-").and_then(|r| r.split('-').next()).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid.to_string()).exists();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > Duration::from_secs(24 * 3600));
        if (!alive && pid != std::process::id()) || old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

// ---------------------------------------------------------------------------
// SoftHSM2
// ---------------------------------------------------------------------------

/// The SoftHSM2 PKCS#11 module, if installed.
pub fn softhsm_module() -> Option<PathBuf> {
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A SoftHSM2 token (label [`SoftHsm::TOKEN_LABEL`]) in its own temporary directory,
/// holding keys and certificates of a [`TestPki`]. Every child process that should
/// see it needs [`SoftHsm::env`] (`SOFTHSM2_CONF`).
pub struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
    module: PathBuf,
    objects: Vec<(String, String, String)>,
}

impl SoftHsm {
    pub const TOKEN_LABEL: &'static str = "vbdt-test";
    pub const PIN: &'static str = "123456";
    pub const SO_PIN: &'static str = "12345678";

    /// Initializes the token and imports, for each `(name, label)`, `name`'s private key
    /// and certificate with that label and ID `01`, `02`, … in order.
    pub fn new(pki: &TestPki, keys: &[(&str, &str)]) -> SoftHsm {
        require_tool("softhsm2-util");
        require_tool("pkcs11-tool");
        let module = softhsm_module().unwrap_or_else(|| panic!("libsofthsm2.so not found although softhsm2-util is installed"));
        let dir = tempfile::Builder::new().prefix("vbdt-softhsm-").tempdir().unwrap_or_else(|e| panic!("{e}"));
        let tokens = dir.path().join("tokens");
        std::fs::create_dir_all(&tokens).unwrap_or_else(|e| panic!("{e}"));
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n",
                tokens.display()
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut hsm = SoftHsm { dir, conf, module, objects: Vec::new() };
        run_ok(hsm.command("softhsm2-util").args([
            "--init-token",
            "--free",
            "--label",
            Self::TOKEN_LABEL,
            "--so-pin",
            Self::SO_PIN,
            "--pin",
            Self::PIN,
        ]));
        for (i, (name, label)) in keys.iter().enumerate() {
            let id = format!("{:02x}", i + 1);
            run_ok(hsm.command("softhsm2-util").arg("--import").arg(pki.key(name)).args([
                "--token",
                Self::TOKEN_LABEL,
                "--label",
                label,
                "--id",
                &id,
                "--pin",
                Self::PIN,
            ]));
            let der = hsm.dir.path().join(format!("{name}.der"));
            std::fs::write(&der, pem_file_to_der(&pki.cert(name))).unwrap_or_else(|e| panic!("{e}"));
            run_ok(
                hsm.pkcs11_tool()
                    .args(["--login", "--pin", Self::PIN, "--write-object"])
                    .arg(&der)
                    .args(["--type", "cert", "--id", &id, "--label", label]),
            );
            hsm.objects.push(((*name).to_owned(), (*label).to_owned(), id));
        }
        hsm
    }

    pub fn module_path(&self) -> &Path {
        &self.module
    }
    pub fn conf_path(&self) -> &Path {
        &self.conf
    }
    pub fn pin(&self) -> &str {
        Self::PIN
    }
    pub fn token_label(&self) -> &str {
        Self::TOKEN_LABEL
    }
    /// The hex ID given to the key and certificate with this label.
    pub fn id_of(&self, label: &str) -> Option<&str> {
        self.objects.iter().find(|(_, l, _)| l == label).map(|(_, _, id)| id.as_str())
    }
    /// Environment every child process needs to see this token.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![("SOFTHSM2_CONF".into(), self.conf.display().to_string())]
    }
    /// Applies [`SoftHsm::env`] to a command.
    pub fn apply(&self, cmd: &mut Command) {
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
    }
    /// A command for `program` with this token's environment.
    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        self.apply(&mut cmd);
        cmd
    }
    /// `pkcs11-tool --module … --token-label vbdt-test`.
    pub fn pkcs11_tool(&self) -> Command {
        let mut cmd = self.command("pkcs11-tool");
        cmd.arg("--module").arg(&self.module).args(["--token-label", Self::TOKEN_LABEL]);
        cmd
    }
    /// `pkcs11-tool --list-objects` after login.
    pub fn list_objects(&self) -> String {
        run_ok(self.pkcs11_tool().args(["--login", "--pin", Self::PIN, "--list-objects"]))
    }
}

// ---------------------------------------------------------------------------
// Independent validators
// ---------------------------------------------------------------------------

/// pyHanko's verdict, revocation checked online (the PKI's responders must be running):
/// `pyhanko sign validate --trust ROOT --trust-replace FILE`. `true` only if pyHanko exits 0,
/// reports at least one signature, and every signature is `INTACT:TRUSTED` with no
/// illegal modification or non-standard coverage (and any timestamp token intact and
/// trusted). The string is pyHanko's whole output.
pub fn pyhanko_validate(pdf: &Path, root: &Path) -> (bool, String) {
    pyhanko_run(pdf, root, &[])
}

/// [`pyhanko_validate`] with `--no-revocation-check`.
pub fn pyhanko_validate_no_revocation(pdf: &Path, root: &Path) -> (bool, String) {
    pyhanko_run(pdf, root, &["--no-revocation-check"])
}

fn pyhanko_run(pdf: &Path, root: &Path, extra: &[&str]) -> (bool, String) {
    require_tool("pyhanko");
    let out = run(Command::new("pyhanko")
        .args(["sign", "validate", "--trust"])
        .arg(root)
        .arg("--trust-replace")
        .args(extra)
        .arg(pdf)
        .env("TZ", "UTC"));
    let text = output_text(&out);
    let verdicts = pyhanko_verdicts(&String::from_utf8_lossy(&out.stdout));
    let ok = out.status.success() && !verdicts.is_empty() && verdicts.iter().all(|(_, ok)| *ok);
    (ok, text)
}

/// Parses `pyhanko sign validate` summary lines (`FIELD:SHA256:STATUS`) into
/// (field, every check passed).
pub fn pyhanko_verdicts(stdout: &str) -> Vec<(String, bool)> {
    stdout
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let field = parts.next()?;
            let fp = parts.next()?;
            let status = parts.next()?;
            if fp.len() != 64 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let ok = status.strip_prefix("INTACT:").is_some_and(|flags| {
                let flags: Vec<&str> = flags.split(',').collect();
                flags.first() == Some(&"TRUSTED")
                    && flags.iter().all(|f| {
                        !matches!(*f, "ILLEGAL_MODIFICATIONS" | "NONSTANDARD_COVERAGE" | "CERTIFIED_SIGNER_ATTRS_INVALID")
                            && (!f.starts_with("TIMESTAMP_TOKEN<") || f.starts_with("TIMESTAMP_TOKEN<INTACT:TRUSTED"))
                            && (!f.starts_with("CONTENT_TIMESTAMP_TOKEN<") || f.starts_with("CONTENT_TIMESTAMP_TOKEN<INTACT:TRUSTED"))
                    })
            });
            Some((field.to_owned(), ok))
        })
        .collect()
}

/// One signature as pdfsig reports it.
#[derive(Debug, Clone, Default)]
pub struct PdfsigSignature {
    pub signer: String,
    /// e.g. `Signature is Valid.`
    pub signature_validation: String,
    /// e.g. `Certificate is Trusted.`
    pub certificate_validation: String,
}

impl PdfsigSignature {
    pub fn ok(&self) -> bool {
        self.signature_validation == "Signature is Valid." && self.certificate_validation == "Certificate is Trusted."
    }
}

/// pdfsig's report.
#[derive(Debug, Clone)]
pub struct PdfsigReport {
    pub signatures: Vec<PdfsigSignature>,
    pub output: String,
}

impl PdfsigReport {
    /// At least one signature, every one `Signature is Valid.` and `Certificate is Trusted.`
    pub fn all_ok(&self) -> bool {
        !self.signatures.is_empty() && self.signatures.iter().all(PdfsigSignature::ok)
    }
}

/// `pdfsig -nssdir sql:DIR FILE` with a fresh NSS database trusting only `root`
/// (revocation is checked online by NSS through the certificates' OCSP URL).
pub fn pdfsig_validate(pdf: &Path, root: &Path) -> PdfsigReport {
    require_tool("pdfsig");
    require_tool("certutil");
    let nss = tempfile::Builder::new().prefix("vbdt-nss-").tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = format!("sql:{}", nss.path().display());
    run_ok(Command::new("certutil").args(["-N", "--empty-password", "-d", &db]));
    run_ok(Command::new("certutil").args(["-A", "-n", "vbdt-test-root", "-t", "CT,C,C", "-i"]).arg(root).args(["-d", &db]));
    let out = run(Command::new("pdfsig").args(["-nssdir", &db]).arg(pdf).env("TZ", "UTC"));
    let output = output_text(&out);
    let mut signatures: Vec<PdfsigSignature> = Vec::new();
    for line in output.lines() {
        let line = line.trim();
        if line.starts_with("Signature #") {
            signatures.push(PdfsigSignature::default());
        } else if let Some(sig) = signatures.last_mut() {
            if let Some(v) = line.strip_prefix("- Signer Certificate Common Name:") {
                sig.signer = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("- Signature Validation:") {
                sig.signature_validation = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("- Certificate Validation:") {
                sig.certificate_validation = v.trim().to_owned();
            }
        }
    }
    PdfsigReport { signatures, output }
}

/// `qpdf --check FILE`: (no errors, output). qpdf exits 0 when clean, 3 on warnings only.
pub fn qpdf_check(pdf: &Path) -> (bool, String) {
    require_tool("qpdf");
    let out = run(Command::new("qpdf").arg("--check").arg(pdf));
    let text = output_text(&out);
    (out.status.success() && text.contains("No syntax or stream encoding errors found"), text)
}
