//! The client the proxy forwards with: plain HTTP, or HTTPS through rustls with the system's
//! roots or a private CA (`--upstream-ca`).

use std::path::Path;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::body::Forwarded;

pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, Forwarded>;

/// A client trusting `ca` (PEM, one or more certificates) or, without it, the system's roots.
pub fn client(ca: Option<&Path>) -> Result<UpstreamClient, String> {
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
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}
