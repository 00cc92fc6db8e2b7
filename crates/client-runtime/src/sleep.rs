//! The wait between attempts, behind a trait so that tests record the waits instead of taking
//! them.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Waits for a duration. The default, [`TokioSleep`], uses `tokio::time::sleep`; a test can pass
/// one that records the durations it is asked for and returns at once.
pub trait Sleep: Send + Sync + Debug {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}
