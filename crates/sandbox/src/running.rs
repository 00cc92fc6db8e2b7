//! A sandbox serving on a socket, started and shut down.

use std::net::SocketAddr;

use server_runtime::axum::Router;
use server_runtime::serve::ServeOptions;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::Api;
use crate::assembly::{app_with, Options};
use crate::credentials::Credentials;

/// A sandbox serving on a socket.
#[derive(Debug)]
pub struct Running {
    pub api: Api,
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// `http://ADDR/v1` (the spec's base path included): what a generated client takes.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.api.base_path())
    }

    /// Stops accepting, lets requests in flight finish (for at most the shutdown grace of its
    /// [`ServeOptions`]), and waits.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.await {
            Ok(result) => result,
            Err(error) => Err(std::io::Error::other(error)),
        }
    }
}

/// Binds `listen` and serves one API's sandbox until [`Running::shutdown`], with the default
/// [`ServeOptions`].
pub async fn start(
    api: Api,
    listen: SocketAddr,
    credentials: Credentials,
) -> std::io::Result<Running> {
    start_with(api, listen, credentials, Options::default()).await
}

/// [`start`] with the given [`Options`] (faults from the start).
pub async fn start_with(
    api: Api,
    listen: SocketAddr,
    credentials: Credentials,
    options: Options,
) -> std::io::Result<Running> {
    let router = app_with(api, &credentials, &options).map_err(|error| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: the start state is refused: {error}", api.name()),
        )
    })?;
    start_app(api, listen, router).await
}

/// Binds `listen` and serves an app built by [`crate::app`] or a module's `app` (for tests that keep a
/// handle on the sandbox's state) until [`Running::shutdown`].
pub async fn start_app(api: Api, listen: SocketAddr, router: Router) -> std::io::Result<Running> {
    start_app_with(api, listen, router, ServeOptions::default()).await
}

/// [`start_app`] with the given connection bounds.
pub async fn start_app_with(
    api: Api,
    listen: SocketAddr,
    router: Router,
    options: ServeOptions,
) -> std::io::Result<Running> {
    let listener = server_runtime::serve::bind(listen).map_err(|error| {
        std::io::Error::new(
            error.kind(),
            format!("{}: cannot listen on {listen}: {error}", api.name()),
        )
    })?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server_runtime::serve::serve(
        listener,
        router,
        options,
        async {
            let _ = rx.await;
        },
    ));
    Ok(Running {
        api,
        addr,
        shutdown: Some(tx),
        task,
    })
}
