//! Keeping file access inside the repository: a lock or config path from an untrusted
//! longtail.toml, or a symlink planted in the tree, must not make longtail read or replace a
//! file elsewhere. Paths are resolved through symlinks and compared with the resolved root.

use std::io;
use std::path::{Path, PathBuf};

/// Resolves `path` (which may not exist yet) through every symlink and checks that it stays in
/// `root`. Returns the resolved path, so writing to it keeps an in-repository symlink a symlink.
pub(crate) fn inside(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let root = root.canonicalize()?;
    let resolved = resolve(path, 0)?;
    if resolved.starts_with(&root) {
        Ok(resolved)
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "it resolves to {}, outside the repository {}",
                resolved.display(),
                root.display()
            ),
        ))
    }
}

/// Links followed before giving up, as the kernel's own limit for path resolution.
const MAX_LINKS: usize = 40;

/// Resolves every symlink in `path`, including a dangling last one (where a write would land),
/// for a path that need not exist: the nearest existing ancestor is canonicalized and the
/// missing rest appended.
fn resolve(path: &Path, depth: usize) -> io::Result<PathBuf> {
    if depth > MAX_LINKS {
        return Err(io::Error::other("too many levels of symbolic links"));
    }
    if let Ok(resolved) = path.canonicalize() {
        return Ok(resolved);
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        let target = std::fs::read_link(path)?;
        let base = path.parent().unwrap_or(Path::new("/"));
        return resolve(&base.join(target), depth + 1);
    }
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "no existing ancestor",
        ));
    };
    Ok(resolve(parent, depth + 1)?.join(name))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::symlink;

    use super::inside;

    #[test]
    fn follows_links_and_refuses_to_leave_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let outside = dir.path().join("elsewhere");
        std::fs::create_dir_all(root.join("ci")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        symlink(&outside, root.join("out")).unwrap();
        symlink(root.join("ci/real.lock"), root.join("link.lock")).unwrap();
        let root_resolved = root.canonicalize().unwrap();
        assert_eq!(
            inside(&root, &root.join("new/dir/x.lock")).unwrap(),
            root_resolved.join("new/dir/x.lock")
        );
        assert_eq!(
            inside(&root, &root.join("link.lock")).unwrap(),
            root_resolved.join("ci/real.lock")
        );
        assert!(inside(&root, &root.join("out/x.lock")).is_err());
        symlink(outside.join("passwd"), root.join("evil.lock")).unwrap();
        assert!(inside(&root, &root.join("evil.lock")).is_err());
    }
}
