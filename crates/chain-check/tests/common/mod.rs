//! The test PKI's builders (`test_pki::build`) with chain-check's view of their
//! certificates, and a tiny HTTP server on 127.0.0.1.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration as StdDuration;

use chain_check::Certificate;
use der::Decode;
pub use test_pki::build::*;
pub use test_pki::rcgen;

/// A built certificate as chain-check reads it.
pub trait NodeCert {
    fn cert(&self) -> Certificate;
}

impl NodeCert for Node {
    fn cert(&self) -> Certificate {
        Certificate::from_der(&self.der).unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// HTTP test server

pub struct Req {
    pub head: String,
    pub body: Vec<u8>,
}

fn read_request(s: &mut TcpStream) -> Option<Req> {
    s.set_read_timeout(Some(StdDuration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = s.read(&mut tmp).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-length").then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = s.read(&mut tmp).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Some(Req { head, body })
}

pub enum Reply {
    /// status, extra headers, body (Content-Length is added).
    Full(u16, Vec<(String, String)>, Vec<u8>),
    /// Raw bytes written as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// Say nothing for this long, then close.
    Silence(StdDuration),
}

/// Serve at most `max_connections` requests on 127.0.0.1 in a background thread; the
/// base URL ("http://127.0.0.1:PORT").
pub fn serve<F>(max_connections: usize, handler: F) -> String
where
    F: Fn(&Req) -> Reply + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for _ in 0..max_connections {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let Some(req) = read_request(&mut s) else {
                continue;
            };
            match handler(&req) {
                Reply::Full(status, headers, body) => {
                    let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
                    for (k, v) in headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let _ = s.write_all(out.as_bytes());
                    let _ = s.write_all(&body);
                }
                Reply::Raw(bytes) => {
                    let _ = s.write_all(&bytes);
                }
                Reply::Silence(d) => std::thread::sleep(d),
            }
            let _ = s.flush();
        }
    });
    format!("http://{addr}")
}

/// Run a command, panicking with its stderr on failure.
pub fn run(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().expect("spawn");
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}
