//! Code generation from the workspace's specs (`cargo xtask codegen`).

pub mod files;
mod guard;

pub use files::{compare, write_changed, FileReport, FileState, GeneratedFile};
