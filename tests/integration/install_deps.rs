//! `scripts/install-deps` decides what is missing from dpkg's database, never
//! from files on disk: run against a small package database (through
//! `dpkg-query --admindir`) where libclang-dev was removed but libclang-cpp14
//! — the library that fooled the earlier file-pattern check — is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `scripts/install-deps ARGS --check` against the package database `admindir`.
fn check(admindir: &Path, args: &[&str]) -> Option<(i32, String)> {
    if Command::new("dpkg-query").arg("--version").output().is_err() {
        eprintln!("dpkg-query absent (not Debian): install-deps test skipped");
        return None;
    }
    let output = Command::new("bash")
        .arg(repository().join("scripts/install-deps"))
        .arg("--check")
        .args(args)
        .env("GREFFE_DPKG_ADMINDIR", admindir)
        .output()
        .expect("bash runs");
    Some((output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).trim().to_owned()))
}

#[test]
fn a_removed_libclang_dev_is_missing_even_when_libclang_cpp_is_installed() {
    let admindir = repository().join("fixtures/data/dpkg-without-libclang-dev");
    let Some((code, missing)) = check(&admindir, &[]) else { return };
    assert_eq!((code, missing.as_str()), (1, "libclang-dev"), "only libclang-dev is missing for the build");
}

#[test]
fn the_test_packages_are_checked_only_when_asked() {
    let admindir = repository().join("fixtures/data/dpkg-without-libclang-dev");
    let Some((code, missing)) = check(&admindir, &["--tests"]) else { return };
    assert_eq!(code, 1);
    let missing: Vec<&str> = missing.split_whitespace().collect();
    assert_eq!(
        missing,
        ["libclang-dev", "python3-venv", "chromium", "chromium-driver", "poppler-utils", "python3-aiosmtpd"]
    );
}

#[test]
fn nothing_is_missing_when_every_package_is_installed() {
    let source = std::fs::read_to_string(repository().join("fixtures/data/dpkg-without-libclang-dev/status"))
        .expect("fixture database");
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("status"), source.replace("deinstall ok config-files", "install ok installed"))
        .expect("write database");
    let Some((code, missing)) = check(dir.path(), &[]) else { return };
    assert_eq!((code, missing.as_str()), (0, ""));
}
