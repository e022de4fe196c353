//! Files at the edge: read whole texts and write them atomically, with
//! messages that name the file and the cause.

use std::io::ErrorKind;
use std::path::Path;

use super::Failure;

fn describe(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::NotFound => "fichier ou dossier introuvable".to_owned(),
        ErrorKind::PermissionDenied => "accès refusé".to_owned(),
        ErrorKind::IsADirectory => "c'est un répertoire, pas un fichier".to_owned(),
        ErrorKind::InvalidData => "le fichier n'est pas du texte UTF-8".to_owned(),
        _ => error.to_string(),
    }
}

/// Reads a file's bytes; a failure exits with code 2.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|error| Failure::usage(format!("impossible de lire « {} » : {}", path.display(), describe(&error))))
}

/// Reads a UTF-8 text file; a failure exits with code 2.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|error| Failure::usage(format!("impossible de lire « {} » : {}", path.display(), describe(&error))))
}

/// Writes `text` to `path` through a temporary file in the same directory
/// (`tempfile`), flushed to disk, then renamed into place and the directory
/// flushed too: a reader never sees half a file, and after a power cut the
/// file is either the old one or the new one. A failure removes the
/// temporary file.
pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), Failure> {
    write_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` as [`write_text`] does.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write as _;
    let fail = |error: std::io::Error| {
        Failure::usage(format!("impossible d'écrire « {} » : {}", path.display(), describe(&error)))
    };
    if path.file_name().is_none() {
        return Err(Failure::usage(format!("« {} » n'est pas un nom de fichier", path.display())));
    }
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary =
        tempfile::Builder::new().prefix(".greffe-").suffix(".tmp").tempfile_in(directory).map_err(fail)?;
    temporary.write_all(bytes).map_err(fail)?;
    temporary.as_file().sync_all().map_err(fail)?;
    temporary.persist(path).map_err(|error| fail(error.error))?;
    // The rename is durable once the directory's entry is on disk.
    std::fs::File::open(directory).and_then(|dir| dir.sync_all()).map_err(fail)
}
