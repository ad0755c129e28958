//! The bounded HTTP client against tiny servers on 127.0.0.1.

mod common;

use std::time::{Duration, Instant};

use chain_check::http::{self, HttpError, HttpLimits};
use common::*;

fn limits() -> HttpLimits {
    HttpLimits { timeout: Duration::from_secs(2), max_bytes: 1000, max_redirects: 3 }
}

#[test]
fn get_returns_the_body() {
    let base = serve(1, |req| {
        assert!(req.head.starts_with("GET /x.crl HTTP/1.1"), "{}", req.head);
        Reply::Full(200, vec![], b"hello".to_vec())
    });
    assert_eq!(http::get(&format!("{base}/x.crl"), &limits()).unwrap(), b"hello");
}

#[test]
fn post_sends_body_and_content_type() {
    let base = serve(1, |req| {
        let ct = req.head.to_ascii_lowercase().contains("content-type: application/ocsp-request");
        let mut body = req.body.clone();
        body.push(if ct { b'!' } else { b'?' });
        Reply::Full(200, vec![], body)
    });
    let got = http::post(&base, "application/ocsp-request", b"abc", &limits()).unwrap();
    assert_eq!(got, b"abc!");
}

#[test]
fn non_2xx_is_an_error_with_the_status() {
    let base = serve(1, |_| Reply::Full(404, vec![], b"not here".to_vec()));
    match http::get(&base, &limits()) {
        Err(HttpError::Status { status, .. }) => assert_eq!(status, 404),
        r => panic!("{r:?}"),
    }
    let base = serve(1, |_| Reply::Full(503, vec![], vec![]));
    assert!(matches!(http::post(&base, "application/ocsp-request", b"x", &limits()), Err(HttpError::Status { status: 503, .. })));
}

#[test]
fn a_server_that_never_answers_times_out() {
    let base = serve(1, |_| Reply::Silence(Duration::from_secs(6)));
    let started = Instant::now();
    let r = http::get(&base, &limits());
    assert!(matches!(r, Err(HttpError::Timeout { .. })), "{r:?}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_slow_body_times_out() {
    // Headers promptly, then the body trickles in forever.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        if let Ok((mut s, _)) = listener.accept() {
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n");
            for _ in 0..60 {
                if s.write_all(b"x").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    });
    let started = Instant::now();
    let r = http::get(&format!("http://{addr}/"), &limits());
    assert!(matches!(r, Err(HttpError::Timeout { .. })), "{r:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn more_than_max_bytes_is_an_error() {
    // Declared length over the limit.
    let base = serve(1, |_| Reply::Full(200, vec![], vec![b'a'; 5000]));
    assert!(matches!(http::get(&base, &limits()), Err(HttpError::TooLarge { limit: 1000, .. })));
    // No length given: the body is cut off at the limit while reading.
    let mut raw = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    raw.extend(vec![b'b'; 5000]);
    let base = serve(1, move |_| Reply::Raw(raw.clone()));
    assert!(matches!(http::get(&base, &limits()), Err(HttpError::TooLarge { .. })));
    // Exactly at the limit is fine.
    let base = serve(1, |_| Reply::Full(200, vec![], vec![b'c'; 1000]));
    assert_eq!(http::get(&base, &limits()).unwrap().len(), 1000);
}

#[test]
fn redirects_are_limited() {
    let base = serve(10, |req| {
        let n: u32 = req.head.split_whitespace().nth(1).and_then(|p| p.trim_start_matches('/').parse().ok()).unwrap_or(0);
        Reply::Full(302, vec![("Location".into(), format!("/{}", n + 1))], vec![])
    });
    let r = http::get(&format!("{base}/0"), &limits());
    assert!(matches!(r, Err(HttpError::TooManyRedirects { .. })), "{r:?}");

    // One redirect is followed.
    let base = serve(2, |req| {
        if req.head.starts_with("GET /old ") {
            Reply::Full(301, vec![("Location".into(), "/new".into())], vec![])
        } else {
            Reply::Full(200, vec![], b"moved".to_vec())
        }
    });
    assert_eq!(http::get(&format!("{base}/old"), &limits()).unwrap(), b"moved");
}

#[test]
fn only_http_and_https() {
    for url in ["ftp://x/", "file:///etc/passwd", "ocsp.ca.gov.vn"] {
        assert!(matches!(http::get(url, &limits()), Err(HttpError::UnsupportedScheme { .. })), "{url}");
    }
    assert!(matches!(http::get("http://127.0.0.1/a b", &limits()), Err(HttpError::InvalidUrl { .. })));
}

#[test]
fn connection_refused_is_a_transport_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let r = http::get(&format!("http://127.0.0.1:{port}/"), &limits());
    assert!(matches!(r, Err(HttpError::Transport { .. })), "{r:?}");
}

/// `https://` speaks TLS and verifies the server's certificate: a server on 127.0.0.1 with a
/// self-signed certificate (openssl s_server) is refused for it, naming the certificate.
#[test]
fn https_is_tls_with_a_verified_server_certificate() {
    let Some(openssl) = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("openssl")).find(|p| p.is_file()))
    else {
        eprintln!("skipped: openssl is not installed (scripts/install-test-deps.sh installs it)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap().self_signed(&key).unwrap();
    std::fs::write(dir.path().join("c.pem"), cert.pem()).unwrap();
    std::fs::write(dir.path().join("k.pem"), key.serialize_pem()).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut server = std::process::Command::new(openssl)
        .args(["s_server", "-quiet", "-www", "-accept", &format!("127.0.0.1:{port}"), "-cert", "c.pem", "-key", "k.pem"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let r = http::get(&format!("https://127.0.0.1:{port}/"), &limits());
    let _ = server.kill();
    let _ = server.wait();
    match r {
        Err(HttpError::Transport { message, .. }) => {
            assert!(message.to_ascii_lowercase().contains("certificate"), "{message}")
        }
        other => panic!("a self-signed server certificate must be refused: {other:?}"),
    }
}
