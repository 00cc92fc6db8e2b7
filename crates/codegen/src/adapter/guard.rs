//! Runs progenitor without letting its panics escape.
//!
//! progenitor (and typify under it) panic instead of returning errors on some constructs: more
//! than one 2xx body schema, unsupported media types, odd bounds. A panic in a code generator is
//! useless to a spec author, so we catch it, and then narrow it down to the operation or schema
//! that causes it by generating each one on its own.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once};

use openapiv3::OpenAPI;

thread_local! {
    static SILENT: Cell<bool> = const { Cell::new(false) };
}
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
static INSTALL: Once = Once::new();

/// Runs `f`, turning a panic into `Err(message)`. The default panic output is suppressed for
/// panics caught here, and only here (other threads keep the usual hook).
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if SILENT.with(Cell::get) {
                let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    (*s).to_owned()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "unknown panic".to_owned()
                };
                // The library's source location says nothing to a spec author: left out.
                *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(message);
            } else {
                previous(info);
            }
        }));
    });
    SILENT.with(|s| s.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    SILENT.with(|s| s.set(false));
    result.map_err(|_| {
        LAST_PANIC
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_else(|| "the generator panicked".to_owned())
    })
}

/// Where a generator panic comes from, found by generating parts of the spec on their own.
/// `panics` runs the generator on a partial spec and says whether it panicked (errors, such as
/// references to schemas left out of the partial spec, do not count).
/// The answer is the culprit's JSON pointer and its name in words.
pub(crate) fn culprit(
    spec: &OpenAPI,
    panics: impl Fn(&OpenAPI) -> bool,
) -> Option<(String, String)> {
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, operation) in item.iter() {
            let mut single = spec.clone();
            let mut only = item.clone();
            for (other, _) in item.iter() {
                if other != method {
                    clear_method(&mut only, other);
                }
            }
            single.paths.paths.clear();
            single
                .paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(only));
            if panics(&single) {
                let name = operation
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| "(no operationId)".into());
                return Some((
                    format!("/paths/{}/{method}", spec_model::escape_pointer(path)),
                    format!(
                        "operation `{name}` ({} {path})",
                        method.to_ascii_uppercase()
                    ),
                ));
            }
        }
    }
    let mut no_paths = spec.clone();
    no_paths.paths.paths.clear();
    let components = spec.components.as_ref()?;
    for name in components.schemas.keys() {
        let mut single = no_paths.clone();
        if let Some(c) = single.components.as_mut() {
            c.schemas.retain(|n, _| n == name);
        }
        if panics(&single) {
            return Some((
                format!("/components/schemas/{}", spec_model::escape_pointer(name)),
                format!("schema `{name}`"),
            ));
        }
    }
    None
}

fn clear_method(item: &mut openapiv3::PathItem, method: &str) {
    match method {
        "get" => item.get = None,
        "put" => item.put = None,
        "post" => item.post = None,
        "delete" => item.delete = None,
        "options" => item.options = None,
        "head" => item.head = None,
        "patch" => item.patch = None,
        _ => item.trace = None,
    }
}
