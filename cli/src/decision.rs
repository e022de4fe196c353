//! `greffe decision …`: a signed decision verified offline.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Subcommand;
use greffe_models::order::{self, SignedOrder};
use greffe_models::signature::{SignedDecision, verify, verify_pdf};

use super::files::{read_bytes, read_text};
use super::{EXIT_OK, EXIT_REFUSED, Failure, Io};

#[derive(Debug, Subcommand)]
pub(crate) enum DecisionCommand {
    /// Verify a signed decision offline against the public keys (`GET
    /// /signing-keys`). The file is either the signed decision (JSON, `GET
    /// /dossiers/{id}/decision/signed`: the content intact, each signature
    /// valid and the signer's, every signatory present) or the sealed arrêt
    /// (PDF, `GET /dossiers/{id}/decision/arret.pdf`: the greffe's seal
    /// valid for every byte of the file), or a signed order of the
    /// president (JSON, `GET /dossiers/{id}/order/signed`). Exit code 0 when
    /// it verifies, 1 otherwise.
    Verify {
        /// The signed decision or order (JSON) or the sealed arrêt (PDF).
        file: PathBuf,
        /// The public keys (JSON object: user id → Ed25519 key, hexadecimal).
        #[arg(long)]
        keys: PathBuf,
    },
}

pub(crate) fn run(command: DecisionCommand, io: &mut Io<'_>) -> Result<u8, Failure> {
    let DecisionCommand::Verify { file, keys } = command;
    let trusted: BTreeMap<String, String> = serde_json::from_str(&read_text(&keys)?).map_err(|e| {
        Failure::usage(format!(
            "{} : clés publiques illisibles ({e}) ; attendu un objet {{\"utilisateur\": \"clé\"}}",
            keys.display()
        ))
    })?;
    let bytes = read_bytes(&file)?;
    if bytes.starts_with(b"%PDF-") {
        return Ok(match verify_pdf(&bytes, &trusted) {
            Ok((mark, lines)) => {
                let _ = writeln!(
                    io.out,
                    "Arrêt scellé du dossier {}, version {} ({}) : vérifié.",
                    mark.dossier_id,
                    mark.version,
                    file.display()
                );
                for line in lines {
                    let _ = writeln!(io.out, "  ✓ {line}");
                }
                EXIT_OK
            }
            Err(problems) => {
                let _ = writeln!(io.err, "Arrêt {} : NON VÉRIFIÉ.", file.display());
                for problem in problems {
                    let _ = writeln!(io.err, "  ✗ {problem}");
                }
                EXIT_REFUSED
            }
        });
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::usage(format!("{} : ni un PDF ni un texte JSON", file.display())))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format!("{} : fichier JSON illisible ({e})", file.display())))?;
    let (what, outcome) = if value.get("format").and_then(|f| f.as_str()) == Some(order::FORMAT) {
        let signed: SignedOrder = serde_json::from_value(value)
            .map_err(|e| Failure::usage(format!("{} : ordonnance signée illisible ({e})", file.display())))?;
        let what = format!(
            "{} du dossier {} (pourvoi {}), version {}",
            signed.content.kind.title(),
            signed.dossier_id,
            signed.content.pourvoi,
            signed.version
        );
        (what, order::verify(&signed, &trusted))
    } else {
        let signed: SignedDecision = serde_json::from_value(value)
            .map_err(|e| Failure::usage(format!("{} : décision signée illisible ({e})", file.display())))?;
        let what = format!(
            "Décision du dossier {} (pourvoi {}), version {}",
            signed.dossier_id, signed.content.pourvoi, signed.version
        );
        (what, verify(&signed, &trusted))
    };
    match outcome {
        Ok(lines) => {
            let _ = writeln!(io.out, "{what} : vérifiée.");
            for line in lines {
                let _ = writeln!(io.out, "  ✓ {line}");
            }
            Ok(EXIT_OK)
        }
        Err(problems) => {
            let _ = writeln!(io.err, "{what} : NON VÉRIFIÉE.");
            for problem in problems {
                let _ = writeln!(io.err, "  ✗ {problem}");
            }
            Ok(EXIT_REFUSED)
        }
    }
}
