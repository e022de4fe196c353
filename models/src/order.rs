//! The president's orders (*ordonnances*) that end a pourvoi without a
//! hearing: the **déchéance** of a civil pourvoi whose demandeur did not
//! file his mémoire in time (art. 978 and 989 CPC), and the **désistement**
//! the demandeur filed (art. 1024 to 1026 CPC; art. 606 CPP). An order is
//! drafted (by the greffe or the president), checked, then signed by the
//! president and the greffier — each his own signature, bound to the
//! content's SHA-256 — and takes effect on its last signature: a déchéance
//! is the dossier's decision (solution `decheance`), a désistement its
//! `desistement` event (the dossier is withdrawn). Each rule names its
//! article; what the domain brief does not source is flagged *to confirm*.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dates::{Date, parse_date};
use crate::decision::NamedParty;
use crate::record::{AttackedDecision, RecordProblem};
use crate::registry::Nature;
use crate::signature::{DecisionSignature, SignatoryRole, Signed, hex, verify_signed};

/// The format of an order's signature message (and of its signed file).
pub const FORMAT: &str = "greffe-ordonnance/1";

crate::registry::vocabulary! {
    /// What the president orders.
    OrderKind {
        /// Déchéance: the demandeur's mémoire was not filed in time (civil).
        Decheance = "decheance", "déchéance";
        /// Désistement: the demandeur withdrew his pourvoi.
        Desistement = "desistement", "désistement";
    }
}

crate::registry::vocabulary! {
    /// Where a dossier's order stands.
    OrderStatus {
        /// Nothing saved yet.
        ToDraft = "to_draft", "à rédiger";
        /// A version is saved, no signature given on it.
        Drafted = "drafted", "projet d'ordonnance";
        /// Signatures begun, not all given.
        AwaitingSignatures = "awaiting_signatures", "en attente de signatures";
        /// Signed by the president and the greffier: in effect.
        Rendered = "rendered", "rendue";
    }
}

/// The legal basis of an order of a kind in a procedure: its article and
/// whether the domain brief sources it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OrderBasis {
    /// The articles.
    pub article: &'static str,
    /// Whether still to confirm (not sourced by the domain brief).
    pub to_confirm: bool,
}

impl OrderKind {
    /// Whether an order of this kind exists in `nature`'s procedure: the
    /// déchéance of art. 978 and 989 sanctions the civil mémoire deadline;
    /// criminal procedure has none (its mémoire deadlines of art. 584 and
    /// 585-1 CPP are not on pain of déchéance).
    pub fn allowed_for(self, nature: Nature) -> bool {
        match self {
            Self::Decheance => nature == Nature::Civil,
            Self::Desistement => true,
        }
    }

    /// Its legal basis in `nature`'s procedure. The mémoire deadlines of
    /// art. 978 and 989 CPC are sourced in the domain brief; the form of the
    /// order (by the president, with the greffier) and the désistement
    /// articles are cited from the codes, not from the brief.
    pub fn basis(self, nature: Nature) -> OrderBasis {
        match (self, nature) {
            (Self::Decheance, _) => OrderBasis {
                article: "art. 978 et 989 CPC (mémoire ampliatif dans le délai, à peine de déchéance)",
                to_confirm: false,
            },
            (Self::Desistement, Nature::Civil) => OrderBasis {
                article: "art. 1024 à 1026 CPC (désistement constaté par ordonnance) — à confirmer",
                to_confirm: true,
            },
            (Self::Desistement, Nature::Penal) => {
                OrderBasis { article: "art. 606 CPP (désistement du pourvoi) — à confirmer", to_confirm: true }
            }
        }
    }

    /// The order's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Decheance => "Ordonnance de déchéance",
            Self::Desistement => "Ordonnance de désistement",
        }
    }
}

/// An order as drafted and signed: the record's mentions, the signatories,
/// the date, the reasons and the operative part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderContent {
    /// `decheance` or `desistement`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "decheance"))]
    pub kind: OrderKind,
    /// Pourvoi number (`Y 15-26.094`).
    pub pourvoi: String,
    /// The parties as the order names them.
    pub parties: Vec<NamedParty>,
    /// The attacked decision.
    pub attacked: AttackedDecision,
    /// The president who orders (magistrate id).
    pub president: String,
    /// The greffier (name).
    pub greffier: String,
    /// Date of the order (YYYY-MM-DD).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// For a désistement: the date of the act by which the party withdrew.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub act_date: Option<String>,
    /// The reasons (*motifs*), visas included.
    #[serde(default)]
    pub reasons: String,
    /// The operative part (*dispositif*).
    #[serde(default)]
    pub operative: String,
}

impl OrderContent {
    /// The SHA-256 of the content's canonical JSON (fields in declaration
    /// order), in hexadecimal: what a signature binds.
    pub fn sha256(&self) -> String {
        // Serialising plain strings, lists and enums cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        hex(&Sha256::digest(json.as_bytes()))
    }

    /// The order's date, if it is one.
    pub fn order_date(&self) -> Option<Date> {
        parse_date(&self.date).ok()
    }

    /// What the content says wrongly of itself, each naming its field: a
    /// malformed date, a désistement's act date malformed. (Whether it is
    /// lawful is [`crate::decision::DefectRule`]'s, on the registry's facts.)
    pub fn problems(&self) -> Vec<RecordProblem> {
        let mut problems = Vec::new();
        if let Some((path, c)) = serde_json::to_value(self).ok().as_ref().and_then(crate::text::first_refused) {
            let (message, action) = crate::text::refusal(c);
            problems.push(RecordProblem::new(&path, message, action));
        }
        if let Err(error) = parse_date(&self.date) {
            problems.push(RecordProblem::new("date", error.to_string(), error.fix()));
        }
        problems.extend(self.attacked.problems());
        // No act is `null`, not an empty date.
        if let Some(act) = self.act_date.as_deref()
            && let Err(error) = parse_date(act)
        {
            problems.push(RecordProblem::new("act_date", error.to_string(), error.fix()));
        }
        problems
    }

    /// The signatures the order requires: the president and the greffier.
    pub fn signatories(&self) -> [(SignatoryRole, String); 2] {
        [(SignatoryRole::President, self.president.clone()), (SignatoryRole::Greffier, self.greffier.clone())]
    }
}

/// The bytes signed for version `version` of dossier `dossier_id`'s order
/// whose content hashes to `sha256`, in role `role`: distinct from a
/// decision's ([`crate::signature::message`]), so that neither signature
/// can stand for the other.
pub fn message(dossier_id: i64, version: i64, sha256: &str, role: SignatoryRole) -> Vec<u8> {
    format!("{FORMAT}\ndossier={dossier_id}\nversion={version}\nsha256={sha256}\nrole={}\n", role.as_str()).into_bytes()
}

/// A fully signed order, as exported for offline verification
/// (`greffe decision verify` reads it as it reads a signed decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedOrder {
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
    pub content: OrderContent,
    /// The signatures.
    pub signatures: Vec<DecisionSignature>,
}

/// Verifies a signed order offline, as [`crate::signature::verify`] does a
/// decision: the content against the hash signed, each signature against
/// its key and the key against the signer's in `trusted`, the president's
/// and the greffier's signatures present. What was verified, or every
/// problem.
pub fn verify(signed: &SignedOrder, trusted: &BTreeMap<String, String>) -> Result<Vec<String>, Vec<String>> {
    verify_signed(
        Signed {
            format: (&signed.format, FORMAT),
            actual_sha256: signed.content.sha256(),
            sha256: &signed.sha256,
            signatures: &signed.signatures,
            required: signed.content.signatories().into(),
        },
        |role| message(signed.dossier_id, signed.version, &signed.sha256, role),
        trusted,
    )
}

/// The reasons and operative part a new order starts from, from the record:
/// the clerk rereads and completes them.
pub fn prefilled_text(
    kind: OrderKind,
    nature: Nature,
    demandeurs: &[String],
    registered_on: &str,
    attacked: &AttackedDecision,
) -> (String, String) {
    let who = if demandeurs.is_empty() { "le demandeur".to_owned() } else { demandeurs.join(", ") };
    let long = |raw: &str| parse_date(raw.trim()).map_or_else(|_| raw.trim().to_owned(), crate::dates::long_fr);
    let registered_on = long(registered_on);
    let against = format!("{} du {}", attacked.court.trim(), long(&attacked.date));
    match kind {
        OrderKind::Decheance => (
            format!(
                "Vu les articles 978 et 989 du code de procédure civile ;\n\
                 Attendu que {who} s'est pourvu en cassation le {registered_on} contre la décision de la {against} ;\n\
                 Attendu que le mémoire contenant les moyens de droit invoqués contre la décision attaquée \
                 n'a pas été remis au greffe de la Cour de cassation dans le délai imparti ;"
            ),
            "Constatons la déchéance du pourvoi.".to_owned(),
        ),
        OrderKind::Desistement => (
            format!(
                "Vu {} ;\n\
                 Vu l'acte par lequel {who} déclare se désister du pourvoi formé le {registered_on} contre la \
                 décision de la {against} ;",
                match nature {
                    Nature::Civil => "les articles 1024 à 1026 du code de procédure civile",
                    Nature::Penal => "l'article 606 du code de procédure pénale",
                }
            ),
            format!("Donnons acte à {who} de son désistement du pourvoi."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> OrderContent {
        OrderContent {
            kind: OrderKind::Decheance,
            pourvoi: "Y 26-10.001".into(),
            parties: vec![],
            attacked: AttackedDecision {
                court: "cour d'appel de Lyon".into(),
                date: "2026-01-15".into(),
                docket: "24/01234".into(),
            },
            president: "CIV1-P".into(),
            greffier: "Marie Dupont".into(),
            date: "2026-11-30".into(),
            act_date: None,
            reasons: String::new(),
            operative: String::new(),
        }
    }

    #[test]
    fn decheance_is_civil_and_sourced_desistement_is_of_both_procedures_and_to_confirm() {
        assert!(OrderKind::Decheance.allowed_for(Nature::Civil));
        assert!(!OrderKind::Decheance.allowed_for(Nature::Penal));
        assert!(OrderKind::Desistement.allowed_for(Nature::Penal));
        assert!(!OrderKind::Decheance.basis(Nature::Civil).to_confirm);
        assert!(OrderKind::Desistement.basis(Nature::Civil).article.contains("1024"));
        assert!(OrderKind::Desistement.basis(Nature::Penal).article.contains("606 CPP"));
        assert!(OrderKind::ALL.iter().all(|k| Nature::ALL.iter().all(|n| !k.basis(*n).article.is_empty())));
    }

    #[test]
    fn a_malformed_date_is_named_by_its_field() {
        let mut order = content();
        assert!(order.problems().is_empty());
        order.date = "30/11/2026".into();
        order.act_date = Some("2026-02-30".into());
        let fields: Vec<String> = order.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["date", "act_date"]);
        // No act is null: an empty date is no date.
        let mut order = content();
        order.act_date = Some(String::new());
        let fields: Vec<String> = order.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["act_date"]);
        // The text rule of every field.
        let mut order = content();
        order.greffier = "Mme\u{7}Martin".into();
        let fields: Vec<String> = order.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["greffier"]);
        // The attacked decision is identified, its date a date.
        let mut order = content();
        order.attacked.docket = " ".into();
        order.attacked.date = "hier".into();
        let fields: Vec<String> = order.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["attacked.docket", "attacked.date"]);
    }

    #[test]
    fn the_signed_bytes_differ_from_a_decisions_and_the_hash_follows_the_text() {
        let order = content();
        let sha = order.sha256();
        assert_ne!(
            message(1, 1, &sha, SignatoryRole::President),
            crate::signature::message(1, 1, &sha, SignatoryRole::President)
        );
        let mut changed = order.clone();
        changed.operative = "Constatons la déchéance du pourvoi.".into();
        assert_ne!(changed.sha256(), sha);
    }

    #[test]
    fn the_prefilled_text_names_the_demandeur_and_the_articles() {
        let order = content();
        let (reasons, operative) =
            prefilled_text(OrderKind::Desistement, Nature::Penal, &["M. X".into()], "2026-02-01", &order.attacked);
        assert!(reasons.contains("606"), "{reasons}");
        assert!(reasons.contains("cour d'appel de Lyon du 15 janvier 2026"), "{reasons}");
        assert!(reasons.contains("formé le 1er février 2026"), "{reasons}");
        assert_eq!(operative, "Donnons acte à M. X de son désistement du pourvoi.");
        let (reasons, operative) =
            prefilled_text(OrderKind::Decheance, Nature::Civil, &[], "2026-02-01", &order.attacked);
        assert!(reasons.contains("978"), "{reasons}");
        assert_eq!(operative, "Constatons la déchéance du pourvoi.");
    }
}
