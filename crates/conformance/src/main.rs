//! `conformance validate | traffic | report`: see `conformance --help`.

use std::io::{BufWriter, Write};

// Validation allocates a JSON tree per body and frees it (the proxy on another thread than the
// one that read it); mimalloc does that in about 60% of glibc's time (`examples/bench.rs`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let code = conformance::cli::run(
        std::env::args_os(),
        Some(&conformance::GeneratedTypes),
        &mut std::io::stdin().lock(),
        &mut out,
        &mut std::io::stderr(),
    );
    let _ = out.flush();
    std::process::exit(code);
}
