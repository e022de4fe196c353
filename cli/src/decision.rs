//! `greffe decision …`: a signed decision verified offline.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Subcommand;
use greffe_models::signature::{SignedDecision, verify};

use super::files::read_text;
use super::{EXIT_OK, EXIT_REFUSED, Failure, Io};

#[derive(Debug, Subcommand)]
pub(crate) enum DecisionCommand {
    /// Verify a signed decision (`GET /dossiers/{id}/decision/signed`)
    /// against the signers' public keys (`GET /signing-keys`), offline: the
    /// content intact, each signature valid and the signer's, every
    /// signatory present. Exit code 0 when it verifies, 1 otherwise.
    Verify {
        /// The signed decision (JSON).
        file: PathBuf,
        /// The public keys (JSON object: user id → Ed25519 key, hexadecimal).
        #[arg(long)]
        keys: PathBuf,
    },
}

pub(crate) fn run(command: DecisionCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    let DecisionCommand::Verify { file, keys } = command;
    let signed: SignedDecision = serde_json::from_str(&read_text(&file)?)
        .map_err(|e| Failure::usage(format!("{} : décision signée illisible ({e})", file.display())))?;
    let trusted: BTreeMap<String, String> = serde_json::from_str(&read_text(&keys)?).map_err(|e| {
        Failure::usage(format!(
            "{} : clés publiques illisibles ({e}) ; attendu un objet {{\"utilisateur\": \"clé\"}}",
            keys.display()
        ))
    })?;
    match verify(&signed, &trusted) {
        Ok(lines) => {
            let _ = writeln!(
                io.out,
                "Décision du dossier {} (pourvoi {}), version {} : vérifiée.",
                signed.dossier_id, signed.content.pourvoi, signed.version
            );
            for line in lines {
                let _ = writeln!(io.out, "  ✓ {line}");
            }
            Ok(EXIT_OK)
        }
        Err(problems) => {
            let _ = writeln!(
                io.err,
                "Décision du dossier {} (pourvoi {}), version {} : NON VÉRIFIÉE.",
                signed.dossier_id, signed.content.pourvoi, signed.version
            );
            for problem in problems {
                let _ = writeln!(io.err, "  ✗ {problem}");
            }
            Ok(EXIT_REFUSED)
        }
    }
}
