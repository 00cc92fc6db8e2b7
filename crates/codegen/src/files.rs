//! Writing generated files, and comparing them with what is on disk.

use std::fmt;
use std::path::{Path, PathBuf};

/// One generated file: its path relative to the workspace root, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// How a generated file compares with the file on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    Unchanged,
    /// The file does not exist yet.
    New,
    /// The file exists with other contents; `diff` is a unified diff from disk to generated.
    Stale {
        diff: String,
    },
}

/// The state of one generated file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub state: FileState,
}

impl FileReport {
    pub fn is_changed(&self) -> bool {
        self.state != FileState::Unchanged
    }
}

impl fmt::Display for FileReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            FileState::Unchanged => write!(f, "unchanged {}", self.path.display()),
            FileState::New => write!(f, "new       {}", self.path.display()),
            FileState::Stale { .. } => write!(f, "changed   {}", self.path.display()),
        }
    }
}

/// Compares generated files with the files under `root`, without writing anything.
pub fn compare(root: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<FileReport>> {
    files
        .iter()
        .map(|file| {
            let on_disk = match std::fs::read_to_string(root.join(&file.path)) {
                Ok(text) => Some(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(std::io::Error::new(
                        e.kind(),
                        format!("{}: {e}", file.path.display()),
                    ))
                }
            };
            let state = match on_disk {
                None => FileState::New,
                Some(text) if text == file.contents => FileState::Unchanged,
                Some(text) => FileState::Stale {
                    diff: unified_diff(&file.path, &text, &file.contents),
                },
            };
            Ok(FileReport {
                path: file.path.clone(),
                state,
            })
        })
        .collect()
}

/// Writes the files that differ from disk. Each file is written to a temporary sibling and
/// renamed into place, so an interrupted run never leaves a half-written file.
pub fn write_changed(root: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<FileReport>> {
    let reports = compare(root, files)?;
    for (file, report) in files.iter().zip(&reports) {
        if !report.is_changed() {
            continue;
        }
        let target = root.join(&file.path);
        let with_context =
            |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", target.display()));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(with_context)?;
        }
        let temporary = target.with_extension("codegen-tmp");
        std::fs::write(&temporary, &file.contents).map_err(with_context)?;
        std::fs::rename(&temporary, &target).map_err(with_context)?;
    }
    Ok(reports)
}

/// A unified diff (3 lines of context) from `old` to `new`, labelled with the file's path.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let label = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{label} (committed)"),
            &format!("b/{label} (generated)"),
        )
        .to_string()
}
