//! The client the proxy forwards with: plain HTTP, or HTTPS through rustls with the system's
//! roots or a private CA (`--upstream-ca`); its pool of idle connections, and which failures a
//! request is sent again after.
//!
//! Servers close idle keep-alive connections (the sandbox after 10 s, many after 5 to 60 s),
//! and a connection the upstream has just closed, taken from the pool, fails the request sent
//! on it. So the pool drops a connection idle for `--pool-idle-timeout-ms` (default 4 s, under
//! the keep-alives usually met), keeps at most `--pool-max-idle-per-host` (default 32) idle
//! connections (what a burst leaves is closed, not held), and a request that failed because
//! its connection closed under it is sent once more when that cannot do harm ([`retryable`]).
//! hyper-util already sends again a request its pool found closed before writing any of it.

use std::path::Path;
use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::body::Forwarded;

pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, Forwarded>;

/// The pool's bounds.
#[derive(Debug, Clone, Copy)]
pub struct Pool {
    /// An idle connection is closed after this long.
    pub idle_timeout: Duration,
    /// Idle connections kept per upstream host at most.
    pub max_idle_per_host: usize,
}

/// A client trusting `ca` (PEM, one or more certificates) or, without it, the system's roots
/// (the proxy's [`UpstreamClient`]; `conformance verify` sends whole bodies through the same).
pub fn client<B>(
    ca: Option<&Path>,
    pool: Pool,
) -> Result<Client<HttpsConnector<HttpConnector>, B>, String>
where
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
{
    let mut roots = rustls::RootCertStore::empty();
    match ca {
        Some(path) => {
            let certificates = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("--upstream-ca {}: {e}", path.display()))?;
            for certificate in certificates {
                let certificate =
                    certificate.map_err(|e| format!("--upstream-ca {}: {e}", path.display()))?;
                roots
                    .add(certificate)
                    .map_err(|e| format!("--upstream-ca {}: {e}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!(
                    "--upstream-ca {}: no certificate in the file",
                    path.display()
                ));
            }
        }
        None => {
            // Unreadable system certificates leave HTTPS upstreams unverifiable, not the proxy
            // unusable: plain HTTP still works.
            for certificate in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(certificate);
            }
        }
    }
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        // Without a timer the pool never expires an idle connection.
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(pool.idle_timeout)
        .pool_max_idle_per_host(pool.max_idle_per_host)
        .retry_canceled_requests(true)
        .build(connector))
}

/// Whether a request that failed with `error` is sent once more: only an idempotent one (RFC
/// 9110 section 9.2.2: sending it twice does what sending it once does), and only when the
/// connection closed or was reset before an answer began (the keep-alive race: the upstream
/// closed an idle connection as the request was written on it). A refused connection or a
/// timeout is not retried: a second try would meet the same.
pub fn retryable(method: &hyper::Method, error: &hyper_util::client::legacy::Error) -> bool {
    use hyper::Method;
    let idempotent = matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE
    );
    if !idempotent || error.is_connect() {
        return false;
    }
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(hyper) = inner.downcast_ref::<hyper::Error>() {
            if hyper.is_incomplete_message() || hyper.is_canceled() || hyper.is_closed() {
                return true;
            }
        }
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            ) {
                return true;
            }
        }
        source = inner.source();
    }
    false
}
