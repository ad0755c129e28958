//! A bounded HTTP client for OCSP requests, CRL downloads and timestamp requests.
//!
//! `http://` and `https://`. TLS is rustls with aws-lc-rs as its crypto provider (ureq's
//! `rustls` feature would bring `ring` beside our aws-lc-rs, so ureq's
//! `rustls-no-provider` is used and the provider is given here), and server certificates
//! are verified against Mozilla's roots (webpki-roots). Most OCSP, CRL and TSA addresses of
//! the Vietnamese PKIs are `http://`; their answers are signed objects checked on their own.
//!
//! Every request is bounded: a total time limit (connect, send, receive), a response size
//! limit and a redirect limit. Proxies from the `HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY`
//! environment variables are honoured (ureq's default), except for loopback addresses.

use std::time::Duration;

/// Limits applied to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Total time for the request, including reading the body.
    pub timeout: Duration,
    /// Largest response body accepted.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits { timeout: Duration::from_secs(10), max_bytes: 20 * 1024 * 1024, max_redirects: 3 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Not an `http://` or `https://` URL.
    #[error("{url}: only http:// and https:// URLs are supported")]
    UnsupportedScheme { url: String },
    #[error("{url}: invalid URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("{url}: no answer within {} s", .timeout.as_secs_f32())]
    Timeout { url: String, timeout: Duration },
    #[error("{url}: response larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    /// The server answered with a non-2xx status.
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: too many redirects")]
    TooManyRedirects { url: String },
    /// Connection refused, DNS failure, broken protocol…
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
}

/// The URL's host names this machine (then no proxy is used, whatever the environment says).
fn is_loopback(url: &str) -> bool {
    let rest = url.trim();
    let rest = rest.split_once("://").map_or("", |(_, r)| r); // after "http://" or "https://" (checked by `check_url`)
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn agent(url: &str, limits: &HttpLimits) -> ureq::Agent {
    let mut builder = ureq::Agent::config_builder();
    if is_loopback(url) {
        builder = builder.proxy(None);
    }
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::WebPki)
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    let config = builder
        .tls_config(tls)
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .max_redirects_will_error(true)
        .http_status_as_error(false)
        .user_agent(concat!("vbdt-chain-check/", env!("CARGO_PKG_VERSION")))
        .build();
    config.into()
}

fn check_url(url: &str) -> Result<(), HttpError> {
    let lower = url.trim().to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(HttpError::UnsupportedScheme { url: url.into() });
    }
    if url.len() > 4096 || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(HttpError::InvalidUrl { url: url.into(), reason: "control characters, spaces or excessive length".into() });
    }
    Ok(())
}

fn map_err(url: &str, limits: &HttpLimits, e: ureq::Error) -> HttpError {
    let url = url.to_string();
    match e {
        ureq::Error::Timeout(_) => HttpError::Timeout { url, timeout: limits.timeout },
        ureq::Error::Io(ref io) if matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
            HttpError::Timeout { url, timeout: limits.timeout }
        }
        ureq::Error::BodyExceedsLimit(_) => HttpError::TooLarge { url, limit: limits.max_bytes },
        ureq::Error::TooManyRedirects => HttpError::TooManyRedirects { url },
        ureq::Error::StatusCode(status) => HttpError::Status { url, status },
        ureq::Error::BadUri(reason) => HttpError::InvalidUrl { url, reason },
        ureq::Error::Http(ref h) => HttpError::InvalidUrl { url, reason: h.to_string() },
        ureq::Error::TlsRequired | ureq::Error::RequireHttpsOnly(_) => HttpError::UnsupportedScheme { url },
        other => HttpError::Transport { url, message: other.to_string() },
    }
}

fn read_response(
    url: &str,
    limits: &HttpLimits,
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Vec<u8>, HttpError> {
    let mut resp = result.map_err(|e| map_err(url, limits, e))?;
    let status = resp.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(HttpError::Status { url: url.into(), status });
    }
    if let Some(len) = resp.body().content_length() {
        if len > limits.max_bytes {
            return Err(HttpError::TooLarge { url: url.into(), limit: limits.max_bytes });
        }
    }
    resp.body_mut().with_config().limit(limits.max_bytes).read_to_vec().map_err(|e| map_err(url, limits, e))
}

/// GET `url`; the body of a 2xx answer.
pub fn get(url: &str, limits: &HttpLimits) -> Result<Vec<u8>, HttpError> {
    check_url(url)?;
    let agent = agent(url, limits);
    read_response(url, limits, agent.get(url.trim()).call())
}

/// POST `body` as `content_type` to `url`; the body of a 2xx answer.
pub fn post(url: &str, content_type: &str, body: &[u8], limits: &HttpLimits) -> Result<Vec<u8>, HttpError> {
    check_url(url)?;
    let agent = agent(url, limits);
    read_response(url, limits, agent.post(url.trim()).header("Content-Type", content_type).send(body))
}

/// An answer of any status: what JSON APIs (the CSC signing services) say, errors included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// POST `body` as `content_type` to `url` with extra `headers` (e.g. `Authorization`);
/// the status and body whatever the status, within the same limits as [`post`]. Header
/// values are never part of an error.
pub fn post_with_headers(
    url: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    limits: &HttpLimits,
) -> Result<Answer, HttpError> {
    check_url(url)?;
    let agent = agent(url, limits);
    let mut request = agent.post(url.trim()).header("Content-Type", content_type).header("Accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut resp = request.send(body).map_err(|e| map_err(url, limits, e))?;
    let status = resp.status().as_u16();
    if resp.body().content_length().is_some_and(|len| len > limits.max_bytes) {
        return Err(HttpError::TooLarge { url: url.into(), limit: limits.max_bytes });
    }
    let body = resp.body_mut().with_config().limit(limits.max_bytes).read_to_vec().map_err(|e| map_err(url, limits, e))?;
    Ok(Answer { status, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        for u in ["http://127.0.0.1:8080/ocsp", "http://localhost/x", "http://[::1]:99/", "http://user@127.0.0.2"] {
            assert!(is_loopback(u), "{u}");
        }
        for u in ["http://ocsp.ca.gov.vn/", "http://10.0.0.1/", "http://127.0.0.1.example/", "http://"] {
            assert!(!is_loopback(u), "{u}");
        }
    }
}
