//! Writing a file so that readers see either the old or the new content, never a torn one:
//! a temporary file in the same directory, flushed to disk, then renamed over the target.
//! Writers in one directory take turns (an advisory lock on the directory), so each can sweep
//! the temporary files a killed writer left behind without touching a live one's.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes` atomically, keeping the old file's permissions (a new file gets
/// the usual 0644). A crash or Ctrl-C at any point leaves the old file intact; the temporary
/// file is removed when the write fails.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let guard = lock_dir(dir)?;
    sweep(dir);
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    match fs::metadata(path) {
        Ok(meta) => fs::set_permissions(temp.path(), meta.permissions())?,
        Err(_) => set_new_file_permissions(temp.path())?,
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable before the directory lock is released.
    if let Some(guard) = guard {
        guard.sync_all()?;
    }
    Ok(())
}

const TEMP_PREFIX: &str = ".longtail-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files of writers that died (SIGKILL, power loss) before renaming them.
/// Only called with the directory lock held, so no live writer owns one of them.
fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An exclusive advisory lock on the directory, released when the handle drops.
#[cfg(unix)]
fn lock_dir(dir: &Path) -> io::Result<Option<fs::File>> {
    let handle = fs::File::open(dir)?;
    handle.lock()?;
    Ok(Some(handle))
}

#[cfg(not(unix))]
fn lock_dir(_: &Path) -> io::Result<Option<fs::File>> {
    Ok(None)
}

/// tempfile creates files as 0600; a lock or report is meant to be read by others too.
#[cfg(unix)]
fn set_new_file_permissions(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_new_file_permissions(_: &Path) -> io::Result<()> {
    Ok(())
}
