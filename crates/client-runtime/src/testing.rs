//! Test doubles for teams testing code that uses a generated client (and for this crate's own
//! tests): a [`RecordingSleep`] that records the waits between attempts instead of taking them,
//! and [`OperationSpans`], a `tracing` subscriber that collects the fields of every call's
//! `operation` span.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::Sleep;

/// A [`Sleep`] that records what it is asked to wait and returns at once.
#[derive(Debug, Default)]
pub struct RecordingSleep(Mutex<Vec<Duration>>);

impl RecordingSleep {
    /// The waits asked for so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Sleep for RecordingSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// The fields of one span: name → value as text.
type Fields = HashMap<String, String>;

/// A `tracing` subscriber collecting the fields recorded on spans named `operation` (one per
/// call): `let _guard = tracing::subscriber::set_default(spans.clone());`.
///
/// In a test binary whose tests run on several threads, tracing may have cached "no interest"
/// in the span if a thread without a subscriber registered it first: make one call after
/// setting the subscriber, then `tracing::callsite::rebuild_interest_cache()`, and read the
/// spans from there on.
#[derive(Clone, Debug, Default)]
pub struct OperationSpans {
    next_id: Arc<AtomicU64>,
    /// Each `operation` span by its id, in the order they were opened.
    fields: Arc<Mutex<Vec<(u64, Fields)>>>,
}

impl OperationSpans {
    /// Each `operation` span so far, in the order they were opened: field name → value as text.
    pub fn spans(&self) -> Vec<Fields> {
        let fields = self.fields.lock().unwrap_or_else(|e| e.into_inner());
        fields.iter().map(|(_, f)| f.clone()).collect()
    }
}

struct Visitor<'a>(&'a mut HashMap<String, String>);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for OperationSpans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        if span.metadata().name() == "operation" {
            let mut fields = HashMap::new();
            span.record(&mut Visitor(&mut fields));
            let mut all = self.fields.lock().unwrap_or_else(|e| e.into_inner());
            all.push((id, fields));
        }
        tracing::span::Id::from_u64(id)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut all = self.fields.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, fields)) = all.iter_mut().find(|(id, _)| *id == span.into_u64()) {
            values.record(&mut Visitor(fields));
        }
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
