//! Signatures of a decision: who must sign (the president, the
//! rapporteur(s) and the greffier), what a signature binds (the dossier,
//! the version and the SHA-256 of the content's canonical JSON), and the
//! offline verification of a signed decision against the public keys
//! (`greffe decision verify`). Ed25519 (RFC 8032), verified strictly. The
//! keys are the service's; a qualified electronic signature (eIDAS, RGS)
//! would replace them, not this format (`docs/ARCHITECTURE.md`).

use std::collections::BTreeMap;
use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decision::DecisionContent;

/// The format of a signed decision's file.
pub const FORMAT: &str = "greffe-decision-signee/1";

crate::registry::vocabulary! {
    /// In what capacity one signs a decision.
    SignatoryRole {
        /// The president of the formation.
        President = "president", "président";
        /// A rapporteur of the dossier.
        Rapporteur = "rapporteur", "conseiller rapporteur";
        /// The greffier of the hearing.
        Greffier = "greffier", "greffier";
    }
}

/// Lower-case hexadecimal (the journal's hashes, the pieces', the keys').
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// The `N` bytes `raw` spells in hexadecimal, if it spells exactly that.
pub fn unhex<const N: usize>(raw: &str) -> Option<[u8; N]> {
    if raw.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(raw.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

impl DecisionContent {
    /// The SHA-256 of the content's canonical JSON (its fields in
    /// declaration order, as serde writes them), in hexadecimal: what a
    /// signature binds.
    pub fn sha256(&self) -> String {
        // Serialising plain strings, lists and enums cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        hex(&Sha256::digest(json.as_bytes()))
    }
}

/// The bytes signed for version `version` of dossier `dossier_id`'s
/// decision whose content hashes to `sha256`, in role `role`.
pub fn message(dossier_id: i64, version: i64, sha256: &str, role: SignatoryRole) -> Vec<u8> {
    format!("{FORMAT}\ndossier={dossier_id}\nversion={version}\nsha256={sha256}\nrole={}\n", role.as_str()).into_bytes()
}

/// Signs with the 32-byte secret `seed`; the signature in hexadecimal.
pub fn sign(seed: &[u8; 32], message: &[u8]) -> String {
    hex(&SigningKey::from_bytes(seed).sign(message).to_bytes())
}

/// The public key of the secret `seed`, in hexadecimal.
pub fn public_key(seed: &[u8; 32]) -> String {
    hex(SigningKey::from_bytes(seed).verifying_key().as_bytes())
}

/// One signature of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionSignature {
    /// In what capacity.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "president"))]
    pub role: SignatoryRole,
    /// The signer's user id.
    pub signer: String,
    /// The signer's name.
    pub name: String,
    /// The magistrate the signer is, if any.
    #[serde(default)]
    pub magistrate: Option<String>,
    /// The public key (Ed25519, hexadecimal).
    pub public_key: String,
    /// The signature of [`message`] (Ed25519, hexadecimal).
    pub signature: String,
    /// When (UTC).
    pub signed_at: String,
}

/// A fully signed decision, as exported for offline verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedDecision {
    /// [`FORMAT`].
    pub format: String,
    /// The dossier.
    pub dossier_id: i64,
    /// The version signed.
    pub version: i64,
    /// The SHA-256 of `content`.
    pub sha256: String,
    /// The content signed.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub content: DecisionContent,
    /// The signatures.
    pub signatures: Vec<DecisionSignature>,
}

/// The signatories `content` names: its president, each rapporteur, the
/// greffier (by magistrate id, or the greffier's name), before any
/// replacement.
pub fn named(content: &DecisionContent) -> Vec<(SignatoryRole, String)> {
    let mut needed = vec![(SignatoryRole::President, content.president.clone())];
    needed.extend(content.rapporteurs.iter().map(|r| (SignatoryRole::Rapporteur, r.clone())));
    needed.push((SignatoryRole::Greffier, content.greffier.clone()));
    needed
}

/// The signatures `content` requires: [`named`], each prevented signatory
/// replaced by who signs in his place.
pub fn required(content: &DecisionContent) -> Vec<(SignatoryRole, String)> {
    named(content)
        .into_iter()
        .map(|(role, who)| match content.prevented.iter().find(|p| p.role == role && p.absent.trim() == who.trim()) {
            Some(prevented) => (role, prevented.by.clone()),
            None => (role, who),
        })
        .collect()
}

/// Whether `signature` is the one `required` names: the magistrate for a
/// president or a rapporteur, the name for the greffier.
pub fn fulfils(signature: &DecisionSignature, role: SignatoryRole, who: &str) -> bool {
    signature.role == role
        && match role {
            SignatoryRole::Greffier => signature.name.trim() == who.trim(),
            _ => signature.magistrate.as_deref() == Some(who),
        }
}

/// Verifies a signed decision offline: its content hashes to what was
/// signed; each signature is valid for its public key, and that key is the
/// signer's in `trusted` (user id → public key); every required signatory
/// signed. Returns what was verified, one line each, or every problem.
pub fn verify(signed: &SignedDecision, trusted: &BTreeMap<String, String>) -> Result<Vec<String>, Vec<String>> {
    verify_signed(
        Signed {
            format: (&signed.format, FORMAT),
            actual_sha256: signed.content.sha256(),
            sha256: &signed.sha256,
            signatures: &signed.signatures,
            required: required(&signed.content),
        },
        |role| message(signed.dossier_id, signed.version, &signed.sha256, role),
        trusted,
    )
}

/// A signed document (a decision, an order) as the offline verification
/// reads it.
pub(crate) struct Signed<'a> {
    /// The file's format, and the one expected.
    pub(crate) format: (&'a str, &'static str),
    /// The SHA-256 of the content as it is.
    pub(crate) actual_sha256: String,
    /// The SHA-256 signed.
    pub(crate) sha256: &'a str,
    /// The signatures.
    pub(crate) signatures: &'a [DecisionSignature],
    /// Who must have signed.
    pub(crate) required: Vec<(SignatoryRole, String)>,
}

/// Verifies `signed` offline: the format, the content against the hash
/// signed, each signature (its bytes by `message`) against its key and the
/// key against the signer's in `trusted`, every required signatory.
pub(crate) fn verify_signed(
    signed: Signed<'_>,
    message: impl Fn(SignatoryRole) -> Vec<u8>,
    trusted: &BTreeMap<String, String>,
) -> Result<Vec<String>, Vec<String>> {
    let mut problems = Vec::new();
    let mut verified = Vec::new();
    let (format, expected) = signed.format;
    if format != expected {
        problems.push(format!("format « {format} » inconnu (attendu : {expected})"));
    }
    let actual = signed.actual_sha256;
    if actual != signed.sha256 {
        problems.push(format!(
            "le contenu ne correspond pas à l'empreinte signée : {actual} calculée, {} signée — le texte a été modifié",
            signed.sha256
        ));
    } else {
        verified.push(format!("contenu intact (SHA-256 {actual})"));
    }
    for signature in signed.signatures {
        let who = format!("{} ({}, {})", signature.name, signature.signer, signature.role.label_fr());
        match trusted.get(&signature.signer) {
            None => problems.push(format!("{who} : aucune clé publique connue pour ce signataire")),
            Some(key) if *key != signature.public_key => {
                problems.push(format!("{who} : la clé de la signature n'est pas la clé publique du signataire"));
            }
            Some(_) => {}
        }
        let key = unhex::<32>(&signature.public_key).and_then(|k| VerifyingKey::from_bytes(&k).ok());
        let bytes = unhex::<64>(&signature.signature).map(|s| Signature::from_bytes(&s));
        match (key, bytes) {
            (Some(key), Some(bytes)) if key.verify_strict(&message(signature.role), &bytes).is_ok() => {
                verified.push(format!("signature valide de {who} le {}", signature.signed_at));
            }
            (None, _) => problems.push(format!("{who} : clé publique illisible")),
            _ => problems.push(format!("{who} : signature invalide")),
        }
    }
    for (role, who) in signed.required {
        if !signed.signatures.iter().any(|s| fulfils(s, role, &who)) {
            problems.push(format!("signature manquante : {} {who}", role.label_fr()));
        }
    }
    if problems.is_empty() { Ok(verified) } else { Err(problems) }
}

/// The user id the greffe's electronic seal is listed under among the
/// public keys (`GET /signing-keys`): the key of the court, not of a
/// person, that seals each signed decision's PDF.
pub const SEAL_SIGNER: &str = "greffe (sceau)";

/// What opens the seal in a sealed PDF's keywords.
const SEAL_TAG: &str = "greffe-sceau:v1;";

/// Where a sealed PDF's seal stands, as written in its keywords (document
/// information and XMP metadata): the decision it renders and the seal's
/// signature. The PDF is made with the signature as [`SEAL_ZEROS`], its
/// SHA-256 taken, then the signature written in place (same length: no
/// offset of the file moves) — the byte-range technique of PAdES, reduced
/// to what offline verification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealMark {
    /// The dossier.
    pub dossier_id: i64,
    /// The version rendered.
    pub version: i64,
    /// The SHA-256 of the content rendered (what the signatories signed).
    pub sha256: String,
}

/// The signature's place before the seal is written.
const SEAL_ZEROS: &str = "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

impl SealMark {
    /// The text the template writes into the document's keywords (`sceau`
    /// in the arrêt's data), the signature still zeros.
    pub fn placeholder(&self) -> String {
        format!(
            "{SEAL_TAG}dossier={};version={};contenu={};signature={SEAL_ZEROS}",
            self.dossier_id, self.version, self.sha256
        )
    }

    /// The bytes the seal signs: the mark and the SHA-256 of the PDF as
    /// made (signature zeros).
    fn message(&self, pdf_sha256: &str) -> Vec<u8> {
        format!(
            "{SEAL_TAG}\ndossier={}\nversion={}\ncontenu={}\npdf={pdf_sha256}\n",
            self.dossier_id, self.version, self.sha256
        )
        .into_bytes()
    }
}

/// Every place of `needle` in `haystack`.
fn places(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// Seals `pdf`, made with `mark`'s [`SealMark::placeholder`] in its
/// keywords, with the greffe's secret `seed`: the signature of the mark and
/// of the file's SHA-256 written in place of the zeros. Refused when the
/// file does not carry the placeholder (a court's template that dropped
/// it).
pub fn seal_pdf(seed: &[u8; 32], mark: &SealMark, pdf: &[u8]) -> Result<Vec<u8>, String> {
    let placeholder = mark.placeholder();
    let at = places(pdf, placeholder.as_bytes());
    if at.is_empty() {
        return Err(format!(
            "le PDF ne porte pas la marque du sceau « {SEAL_TAG}… » dans ses mots-clés : le modèle arret.typ doit garder la ligne `#set document(keywords: (d.sceau,))`"
        ));
    }
    let pdf_sha256 = hex(&Sha256::digest(pdf));
    let signature = sign(seed, &mark.message(&pdf_sha256));
    let mut sealed = pdf.to_vec();
    let offset = placeholder.len() - SEAL_ZEROS.len();
    for start in at {
        sealed[start + offset..start + placeholder.len()].copy_from_slice(signature.as_bytes());
    }
    Ok(sealed)
}

/// Verifies a sealed PDF offline against the greffe's seal key among
/// `trusted` ([`SEAL_SIGNER`]): the seal present and the same wherever it
/// is written, and valid for the file with the signature zeroed — any
/// byte changed after sealing fails. Returns the mark and what was
/// verified, or every problem.
pub fn verify_pdf(pdf: &[u8], trusted: &BTreeMap<String, String>) -> Result<(SealMark, Vec<String>), Vec<String>> {
    let mut marks = Vec::new();
    for start in places(pdf, SEAL_TAG.as_bytes()) {
        // The mark's text runs to the end of the signature's 128 digits.
        let rest = &pdf[start..pdf.len().min(start + 400)];
        let Some(end) = places(rest, b";signature=").first().map(|i| i + ";signature=".len() + SEAL_ZEROS.len()) else {
            continue;
        };
        if let Some(text) = rest.get(..end).and_then(|t| std::str::from_utf8(t).ok()) {
            marks.push((start, text.to_owned()));
        }
    }
    let Some((_, first)) = marks.first() else {
        return Err(vec!["ce PDF ne porte aucun sceau du greffe : ce n'est pas un arrêt scellé par greffe".to_owned()]);
    };
    if marks.iter().any(|(_, text)| text != first) {
        return Err(vec!["le sceau n'est pas le même partout où le PDF l'écrit : le fichier a été modifié".to_owned()]);
    }
    let field = |name: &str| {
        first.split(';').find_map(|part| part.strip_prefix(name).and_then(|v| v.strip_prefix('='))).map(str::to_owned)
    };
    let mark = match (
        field("dossier").and_then(|v| v.parse().ok()),
        field("version").and_then(|v| v.parse().ok()),
        field("contenu"),
    ) {
        (Some(dossier_id), Some(version), Some(sha256)) => SealMark { dossier_id, version, sha256 },
        _ => return Err(vec![format!("sceau illisible : « {first} »")]),
    };
    let signature = field("signature").unwrap_or_default();
    let mut zeroed = pdf.to_vec();
    for (start, text) in &marks {
        let offset = text.len() - SEAL_ZEROS.len();
        zeroed[start + offset..start + text.len()].copy_from_slice(SEAL_ZEROS.as_bytes());
    }
    let pdf_sha256 = hex(&Sha256::digest(&zeroed));
    let mut problems = Vec::new();
    let key = match trusted.get(SEAL_SIGNER) {
        None => {
            problems.push(format!("aucune clé publique « {SEAL_SIGNER} » parmi les clés fournies (GET /signing-keys)"));
            None
        }
        Some(key) => unhex::<32>(key).and_then(|k| VerifyingKey::from_bytes(&k).ok()),
    };
    let bytes = unhex::<64>(&signature).map(|s| Signature::from_bytes(&s));
    match (key, bytes) {
        (Some(key), Some(bytes)) if key.verify_strict(&mark.message(&pdf_sha256), &bytes).is_ok() => {}
        (None, _) if !problems.is_empty() => {}
        (None, _) => problems.push(format!("clé publique « {SEAL_SIGNER} » illisible")),
        _ => problems.push(
            "le sceau du greffe ne correspond pas à ce fichier : le PDF a été modifié après son scellement".to_owned(),
        ),
    }
    if problems.is_empty() {
        let lines = vec![
            format!("PDF intact, scellé par le greffe (SHA-256 avant sceau {pdf_sha256})"),
            format!(
                "arrêt du dossier {}, version {}, contenu signé SHA-256 {}",
                mark.dossier_id, mark.version, mark.sha256
            ),
        ];
        Ok((mark, lines))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formation::FormationCode;
    use crate::record::AttackedDecision;

    fn content() -> DecisionContent {
        DecisionContent {
            pourvoi: "A 26-10.001".into(),
            parties: Vec::new(),
            attacked: AttackedDecision { court: "CA Lyon".into(), date: "2025-06-12".into(), docket: "1".into() },
            hearing: "h1".into(),
            hearing_date: "2027-01-05".into(),
            formation: FormationCode::Restreinte,
            president: "p".into(),
            members: vec!["p".into(), "d".into(), "r".into()],
            rapporteurs: vec!["r".into()],
            avocat_general: None,
            greffier: "Mme Martin".into(),
            visas: Vec::new(),
            grounds: Vec::new(),
            outcome: None,
            operative: "REJETTE".into(),
            pronouncement: None,
            publication: Vec::new(),
            prevented: Vec::new(),
        }
    }

    fn signed() -> (SignedDecision, BTreeMap<String, String>) {
        let content = content();
        let sha256 = content.sha256();
        let mut trusted = BTreeMap::new();
        let mut signatures = Vec::new();
        for (i, (role, who)) in required(&content).into_iter().enumerate() {
            let seed = [u8::try_from(i + 1).unwrap_or(1); 32];
            let signer = format!("user-{i}");
            trusted.insert(signer.clone(), public_key(&seed));
            let greffier = role == SignatoryRole::Greffier;
            signatures.push(DecisionSignature {
                role,
                signer,
                name: if greffier { who.clone() } else { format!("M. {who}") },
                magistrate: (!greffier).then_some(who),
                public_key: public_key(&seed),
                signature: sign(&seed, &message(7, 2, &sha256, role)),
                signed_at: "2027-01-20T10:00:00Z".into(),
            });
        }
        (SignedDecision { format: FORMAT.into(), dossier_id: 7, version: 2, sha256, content, signatures }, trusted)
    }

    #[test]
    fn a_decision_signed_by_all_verifies() {
        let (decision, trusted) = signed();
        let lines = verify(&decision, &trusted).expect("verifies");
        assert_eq!(lines.len(), 4, "{lines:?}");
    }

    #[test]
    fn a_changed_text_a_forged_signature_or_a_missing_signatory_fail() {
        let (mut decision, trusted) = signed();
        decision.content.operative = "CASSE".into();
        let problems = verify(&decision, &trusted).expect_err("tampered");
        assert!(problems[0].contains("modifié"), "{problems:?}");

        let (mut decision, trusted) = signed();
        decision.signatures[1].signature = decision.signatures[0].signature.clone();
        assert!(verify(&decision, &trusted).expect_err("forged").iter().any(|p| p.contains("signature invalide")));

        let (mut decision, trusted) = signed();
        decision.signatures.pop();
        let problems = verify(&decision, &trusted).expect_err("unsigned");
        assert_eq!(problems, ["signature manquante : greffier Mme Martin"]);

        let (decision, mut trusted) = signed();
        trusted.insert("user-0".into(), public_key(&[9; 32]));
        assert!(verify(&decision, &trusted).expect_err("other key").iter().any(|p| p.contains("pas la clé publique")));
    }

    #[test]
    fn a_sealed_pdf_verifies_and_any_byte_changed_after_sealing_fails() {
        let mark = SealMark { dossier_id: 7, version: 2, sha256: "ab".repeat(32) };
        // A stand-in for the PDF: the mark twice (information and XMP).
        let made = format!(
            "%PDF-1.7\n/Keywords ({})\n<pdf:Keywords>{}</pdf:Keywords>\nREJETTE\n%%EOF\n",
            mark.placeholder(),
            mark.placeholder()
        )
        .into_bytes();
        let seed = [5u8; 32];
        let trusted = BTreeMap::from([(SEAL_SIGNER.to_owned(), public_key(&seed))]);
        let sealed = seal_pdf(&seed, &mark, &made).expect("sealed");
        assert_eq!(sealed.len(), made.len(), "written in place");
        assert_ne!(sealed, made);
        let (read, lines) = verify_pdf(&sealed, &trusted).expect("verifies");
        assert_eq!(read, mark);
        assert_eq!(lines.len(), 2);

        let text = String::from_utf8(sealed.clone()).expect("text");
        let tampered = text.replace("REJETTE", "CASSE!!").into_bytes();
        let problems = verify_pdf(&tampered, &trusted).expect_err("tampered");
        assert!(problems[0].contains("modifié après son scellement"), "{problems:?}");

        let first = text.find("version=2").expect("mark");
        let mut one_mark_changed = text.clone().into_bytes();
        one_mark_changed[first + 8] = b'3';
        assert!(verify_pdf(&one_mark_changed, &trusted).expect_err("changed")[0].contains("pas le même partout"));

        let other = BTreeMap::from([(SEAL_SIGNER.to_owned(), public_key(&[6u8; 32]))]);
        assert!(verify_pdf(&sealed, &other).is_err(), "another key");
        assert!(verify_pdf(&sealed, &BTreeMap::new()).expect_err("no key")[0].contains("aucune clé publique"));
        assert!(verify_pdf(b"%PDF-1.7\n%%EOF", &trusted).expect_err("unsealed")[0].contains("aucun sceau"));
        assert!(seal_pdf(&seed, &mark, b"%PDF-1.7 without mark").expect_err("no mark").contains("arret.typ"));
    }
}
