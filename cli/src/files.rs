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

/// Reads a UTF-8 text file; a failure exits with code 2.
pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|error| Failure::usage(format!("impossible de lire « {} » : {}", path.display(), describe(&error))))
}

/// Writes `text` to `path` through a temporary file renamed into place, so
/// that a reader never sees half a file.
pub(crate) fn write_text(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |error: std::io::Error| {
        Failure::usage(format!("impossible d'écrire « {} » : {}", path.display(), describe(&error)))
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Failure::usage(format!("« {} » n'est pas un nom de fichier", path.display())))?;
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(file_name);
    temporary_name.push(".tmp");
    let temporary = path.with_file_name(temporary_name);
    std::fs::write(&temporary, text).map_err(fail)?;
    std::fs::rename(&temporary, path).map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        fail(error)
    })
}
