//! Serving a router (or any hyper service: the conformance proxy) on a socket so that no client
//! can hold the server: what `axum::serve` does, plus the bounds it lacks.
//!
//! `axum::serve` gives hyper no timer, so hyper's header-read timeout never fires: a client that
//! sends half its headers and stops holds its connection (and a file descriptor) for ever, and a
//! graceful shutdown waits for it for ever. [`serve`] drives each connection with hyper's HTTP/1
//! builder and a Tokio timer instead:
//! - a request's head must arrive within [`ServeOptions::header_read_timeout`]; the same timer
//!   bounds an idle keep-alive connection's wait for its next request;
//! - at most [`ServeOptions::max_connections`] connections are served at once; beyond that,
//!   new connections wait in the listen backlog (accepting pauses) instead of taking descriptors;
//! - on shutdown, accepting stops, connections finish the request in flight and close, and after
//!   [`ServeOptions::shutdown_grace`] the rest are dropped;
//! - [`bind`] listens with a backlog of [`LISTEN_BACKLOG`], so that a burst larger than
//!   `max_connections` waits in the kernel's queue; with tokio's default of 1,024 a burst of
//!   2,000 overflowed it and the dropped handshakes were retried on the client's timer (1, 3, 7,
//!   15 s), which on a slow machine is later than a client waits;
//! - an `accept` error (out of descriptors, a connection reset before it was accepted) is printed
//!   on stderr and accepting pauses [`ACCEPT_ERROR_BACKOFF`], instead of retrying at once and
//!   spinning a core while descriptors are exhausted.

use std::error::Error as StdError;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper::body::{Body, Incoming};
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The listener [`serve`] takes, re-exported so that servers need no tokio dependency of their
/// own to name it.
pub use tokio::net::TcpListener;

/// The listen backlog [`bind`] asks for; Linux caps it at `net.core.somaxconn` (4,096 by
/// default since 5.4).
pub const LISTEN_BACKLOG: u32 = 4_096;

/// Listens on `address` with a backlog of [`LISTEN_BACKLOG`] (see the module docs); what
/// `TcpListener::bind` does otherwise, `SO_REUSEADDR` included. Call it inside a Tokio runtime.
pub fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// How long accepting pauses after an `accept` error.
pub const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(100);

/// The bounds [`serve`] holds every connection to. Built with [`ServeOptions::new`] (the
/// defaults) and the `with_` methods; `#[non_exhaustive]` so that a new bound is not a breaking
/// change.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServeOptions {
    /// Time for a request's head (request line and headers) to arrive, and for an idle
    /// keep-alive connection to start its next request. Default: 10 s.
    pub header_read_timeout: Duration,
    /// Connections served at once. Default: 256.
    pub max_connections: usize,
    /// How long a shutdown waits for connections to finish. Default: 5 s.
    pub shutdown_grace: Duration,
    /// hyper's own bound on the number of headers (hyper answers 431 with an empty body beyond
    /// it, so it is set above what the application refuses in its own error shape). Default: 1024.
    pub max_headers: usize,
}

impl ServeOptions {
    /// The defaults (see each field).
    pub fn new() -> Self {
        ServeOptions {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 256,
            shutdown_grace: Duration::from_secs(5),
            max_headers: 1024,
        }
    }

    pub fn with_header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    pub fn with_max_headers(mut self, headers: usize) -> Self {
        self.max_headers = headers;
        self
    }
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions::new()
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then shuts down within
/// [`ServeOptions::shutdown_grace`] (see the module docs).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    serve_service(
        listener,
        TowerToHyperService::new(router),
        options,
        shutdown,
    )
    .await
}

/// [`serve`] for any hyper service: what a server that is not an axum router (the conformance
/// proxy) is served with, under the same bounds.
pub async fn serve_service<S, B>(
    listener: TcpListener,
    service: S,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn StdError + Send + Sync>>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_headers(options.max_headers);
    let slots = std::sync::Arc::new(Semaphore::new(options.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Finished connections are reaped so the set stays as large as what is open.
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            slot = std::sync::Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors or a connection reset before accept: wait, go on.
                    report_accept_error(&error);
                    tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Answers go out as they are written (the proxy forwards small bodies one frame each).
        let _ = stream.set_nodelay(true);
        let connection = builder.serve_connection(TokioIo::new(stream), service.clone());
        let watched = graceful.watch(connection);
        connections.spawn(async move {
            // An error here is the client's (reset, timeout, malformed head): nothing to do.
            let _ = watched.await;
            drop(slot);
        });
    }
    drop(listener);
    // Requests in flight finish; connections past the grace period are dropped with the set.
    let _ = tokio::time::timeout(options.shutdown_grace, graceful.shutdown()).await;
    connections.shutdown().await;
    Ok(())
}

/// Accept errors are the client's or the system's, not the server's: they are printed once
/// per occurrence on stderr (this crate has no logger).
fn report_accept_error(error: &std::io::Error) {
    eprintln!("serve: accept failed: {error}");
}
