//! Writing a file so that readers see either the old or the new content, never a torn one:
//! a temporary file in the same directory, flushed to disk, then renamed over the target.

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
    let mut temp = tempfile::Builder::new()
        .prefix(".longtail-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.flush()?;
    match fs::metadata(path) {
        Ok(meta) => fs::set_permissions(temp.path(), meta.permissions())?,
        Err(_) => set_new_file_permissions(temp.path())?,
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
