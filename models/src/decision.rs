//! A decision of the Cour tied to its hearing's roll: what happened at the
//! hearing (who sat, a same-day replacement and its reason), the decision's
//! structured content as the magistrates draft it, its outcomes by
//! procedure, where it stands, and the defect rules checked before anyone
//! signs — each a datum with its article, those the domain brief does not
//! source flagged *to confirm*. The checks themselves are the checker's
//! (`greffe_checker::decision`), which reuses its composition rules.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dates::{Date, parse_date};
use crate::formation::FormationCode;
use crate::ids::MagistrateId;
use crate::record::{AttackedDecision, Party, RecordProblem};
use crate::registry::{Nature, PartyRole, PublicationLevel, Solution};

crate::registry::vocabulary! {
    /// What the decision rules on the pourvoi (its *dispositif*), by
    /// procedure. Déchéance and désistement are the president's orders, not
    /// outcomes of a hearing.
    Outcome {
        /// Rejet (civil and criminal).
        Rejet = "rejet", "rejet";
        /// Rejet non spécialement motivé (art. 1014 CPC), civil only.
        RejetNonMotive = "rejet_non_motive", "rejet non spécialement motivé (art. 1014 CPC)";
        /// Cassation (civil and criminal).
        Cassation = "cassation", "cassation";
        /// Cassation partielle, civil only.
        CassationPartielle = "cassation_partielle", "cassation partielle";
        /// Irrecevabilité (civil and criminal).
        Irrecevabilite = "irrecevabilite", "irrecevabilité";
        /// Non-admission (art. 567-1-1 CPP), criminal only.
        NonAdmission = "non_admission", "non-admission (art. 567-1-1 CPP)";
    }
}

impl Outcome {
    /// Whether the outcome exists in a dossier of `nature`'s procedure.
    pub fn allowed_for(self, nature: Nature) -> bool {
        match self {
            Self::Rejet | Self::Cassation | Self::Irrecevabilite => true,
            Self::RejetNonMotive | Self::CassationPartielle => nature == Nature::Civil,
            Self::NonAdmission => nature == Nature::Penal,
        }
    }

    /// The outcomes of `nature`'s procedure, in order.
    pub fn of(nature: Nature) -> Vec<Outcome> {
        Self::ALL.iter().copied().filter(|o| o.allowed_for(nature)).collect()
    }

    /// The court's solution in its published vocabulary (the registry's
    /// decision row, the dashboard's figures).
    pub fn solution(self) -> Solution {
        match self {
            Self::Rejet | Self::RejetNonMotive | Self::NonAdmission => Solution::Rejet,
            Self::Cassation | Self::CassationPartielle => Solution::Cassation,
            Self::Irrecevabilite => Solution::Irrecevabilite,
        }
    }

    /// Whether only some formations may declare it: a non-admission
    /// (567-1-1 CPP) or a rejection not specially reasoned (1014 CPC).
    pub fn restricted(self) -> bool {
        matches!(self, Self::NonAdmission | Self::RejetNonMotive)
    }
}

crate::registry::vocabulary! {
    /// Where a dossier's decision stands, from the roll to its rendering.
    DecisionStatus {
        /// On a roll whose hearing has passed; nothing drafted yet.
        ToDraft = "to_draft", "à rédiger";
        /// A draft is saved.
        Drafted = "drafted", "projet rédigé";
        /// The formation deliberated: the outcome is recorded.
        Deliberated = "deliberated", "délibéré";
        /// Signatures begun, not all given.
        AwaitingSignatures = "awaiting_signatures", "en attente de signatures";
        /// Signed by all: sealed until its pronouncement date.
        Signed = "signed", "signée";
        /// Rendered on its pronouncement date.
        Rendered = "rendered", "rendue";
    }
}

/// A magistrate who could not sit at the hearing and who replaced him.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// The member of the published bench who did not sit.
    pub absent: String,
    /// Who sat instead.
    pub by: String,
    /// Why (illness, recusal found on the day…).
    pub reason: String,
}

/// What actually happened at a hearing, as the greffier records it: the
/// bench that sat, the replacements of the day with their reasons, the
/// avocat général and the greffier. A decision names only who sat here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SittingRecord {
    /// Who presided.
    pub president: String,
    /// Every member of the hearing's bench who sat, the president included
    /// (each dossier's rapporteurs sit beside them for that dossier, as in
    /// the planning model).
    pub sat: Vec<String>,
    /// The published bench's members who did not sit, and their replacements.
    #[serde(default)]
    pub replacements: Vec<Replacement>,
    /// The avocat général present, if any.
    #[serde(default)]
    pub avocat_general: Option<String>,
    /// The greffier of the hearing (name).
    pub greffier: String,
}

impl SittingRecord {
    /// Checks what the record says of itself against the published bench
    /// (`published`: its members): ids well formed, the president among
    /// those who sat, each published member either sat or is replaced (with
    /// a reason) by someone who sat and was not on the published bench.
    pub fn problems(&self, published: &[MagistrateId]) -> Vec<RecordProblem> {
        let mut problems = Vec::new();
        let id = |field: String, raw: &str, problems: &mut Vec<RecordProblem>| match MagistrateId::parse(raw) {
            Ok(id) => Some(id),
            Err(error) => {
                problems.push(RecordProblem::new(field, error.to_string(), "choisir un magistrat de la liste"));
                None
            }
        };
        let sat: Vec<MagistrateId> =
            self.sat.iter().enumerate().filter_map(|(i, m)| id(format!("sat[{i}]"), m, &mut problems)).collect();
        let sat_set: BTreeSet<&MagistrateId> = sat.iter().collect();
        if sat_set.len() != sat.len() {
            problems.push(RecordProblem::new("sat", "un magistrat figure deux fois", "ne le nommer qu'une fois"));
        }
        if sat.is_empty() {
            problems.push(RecordProblem::new(
                "sat",
                "aucun magistrat n'a siégé",
                "nommer les magistrats qui ont siégé",
            ));
        }
        if let Some(president) = id("president".into(), &self.president, &mut problems)
            && !sat_set.contains(&president)
        {
            problems.push(RecordProblem::new(
                "president",
                format!("le président {president} ne figure pas parmi les magistrats qui ont siégé"),
                "l'ajouter à la composition ou choisir un autre président",
            ));
        }
        let mut replaced = BTreeSet::new();
        for (i, replacement) in self.replacements.iter().enumerate() {
            let absent = id(format!("replacements[{i}].absent"), &replacement.absent, &mut problems);
            let by = id(format!("replacements[{i}].by"), &replacement.by, &mut problems);
            if replacement.reason.trim().is_empty() {
                problems.push(RecordProblem::new(
                    format!("replacements[{i}].reason"),
                    "le motif du remplacement manque",
                    "indiquer pourquoi le magistrat n'a pas siégé (empêchement, récusation…)",
                ));
            }
            if let Some(absent) = absent {
                if !published.contains(&absent) {
                    problems.push(RecordProblem::new(
                        format!("replacements[{i}].absent"),
                        format!("{absent} n'était pas membre de la composition publiée"),
                        "ne remplacer qu'un membre de la composition publiée",
                    ));
                }
                if sat_set.contains(&absent) {
                    problems.push(RecordProblem::new(
                        format!("replacements[{i}].absent"),
                        format!("{absent} est déclaré remplacé mais figure parmi ceux qui ont siégé"),
                        "le retirer de la composition ou supprimer le remplacement",
                    ));
                }
                replaced.insert(absent);
            }
            if let Some(by) = by
                && !sat_set.contains(&by)
            {
                problems.push(RecordProblem::new(
                    format!("replacements[{i}].by"),
                    format!("le remplaçant {by} ne figure pas parmi les magistrats qui ont siégé"),
                    "l'ajouter à la composition",
                ));
            }
        }
        for member in published {
            if !sat_set.contains(member) && !replaced.contains(member) {
                problems.push(RecordProblem::new(
                    "replacements",
                    format!("{member}, membre de la composition publiée, n'a pas siégé et n'est pas remplacé"),
                    "indiquer son remplaçant et le motif, ou le rétablir dans la composition",
                ));
            }
        }
        for member in &sat {
            let newcomer = !published.contains(member);
            if newcomer && !self.replacements.iter().any(|r| MagistrateId::parse(&r.by).ok().as_ref() == Some(member)) {
                problems.push(RecordProblem::new(
                    "sat",
                    format!("{member} a siégé sans figurer dans la composition publiée ni remplacer un de ses membres"),
                    "indiquer quel membre il a remplacé, et pourquoi",
                ));
            }
        }
        if let Some(ag) = &self.avocat_general {
            id("avocat_general".into(), ag, &mut problems);
        }
        if self.greffier.trim().is_empty() {
            problems.push(RecordProblem::new("greffier", "le greffier de l'audience manque", "indiquer son nom"));
        }
        problems
    }

    /// The members who sat, parsed (ids that do not parse are left out:
    /// [`Self::problems`] names them).
    pub fn sat_ids(&self) -> Vec<MagistrateId> {
        self.sat.iter().filter_map(|m| MagistrateId::parse(m).ok()).collect()
    }
}

/// A party as the decision names it, with its lawyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NamedParty {
    /// Name.
    pub name: String,
    /// `demandeur`, `defendeur` or `intervenant`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "demandeur"))]
    pub role: PartyRole,
    /// Avocat aux Conseils representing it, if any.
    #[serde(default)]
    pub lawyer: Option<String>,
}

impl From<&Party> for NamedParty {
    fn from(party: &Party) -> Self {
        Self { name: party.name.clone(), role: party.role, lawyer: party.lawyer.clone() }
    }
}

/// A ground of the pourvoi (*moyen*) and the decision's answer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroundAnswer {
    /// The ground as the decision states it.
    pub ground: String,
    /// The court's answer (*réponse de la Cour*).
    #[serde(default)]
    pub answer: String,
}

/// A decision's content in structured form: the record's facts (prefilled
/// from the dossier and the roll), the composition, and what the
/// magistrates write — visas, each ground answered, the operative part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionContent {
    /// Pourvoi number (`Y 15-26.094`).
    pub pourvoi: String,
    /// The parties as the decision names them.
    pub parties: Vec<NamedParty>,
    /// The attacked decision.
    pub attacked: AttackedDecision,
    /// Hearing (its id).
    pub hearing: String,
    /// Hearing date (YYYY-MM-DD).
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub hearing_date: String,
    /// Formation of the hearing: `FR`, `FS`, `FP`, `CM`, `AP`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "FS"))]
    pub formation: FormationCode,
    /// Who presided.
    pub president: String,
    /// Every voice that deliberated: the bench that sat, president
    /// included, and the rapporteurs.
    pub members: Vec<String>,
    /// This dossier's rapporteur(s) (art. 1013 CPC: two are possible).
    pub rapporteurs: Vec<String>,
    /// The avocat général, if one was present.
    #[serde(default)]
    pub avocat_general: Option<String>,
    /// The greffier.
    pub greffier: String,
    /// Texts the decision is given under (*visas*).
    #[serde(default)]
    pub visas: Vec<String>,
    /// Each ground of the pourvoi and its answer.
    #[serde(default)]
    pub grounds: Vec<GroundAnswer>,
    /// The outcome (`rejet`, `cassation`…), once deliberated.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "rejet"))]
    pub outcome: Option<Outcome>,
    /// The operative part (*dispositif*).
    #[serde(default)]
    pub operative: String,
    /// Date of pronouncement (YYYY-MM-DD): the hearing's, or a later one set
    /// at the hearing.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub pronouncement: Option<String>,
    /// Publication marks (`B`, `R`, `L`, `C`; `N` alone: not published).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, example = json!(["B"])))]
    pub publication: Vec<PublicationLevel>,
    /// Signatories prevented from signing and who signs in their place,
    /// with why: mentioned on the decision (art. 456 CPC). Left out of the
    /// canonical JSON when empty, so that a decision without one hashes
    /// as it always did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prevented: Vec<PreventedSignatory>,
}

/// A signatory prevented from signing (illness, end of office…), and who
/// signs in his place: for the president or a rapporteur, a magistrate who
/// deliberated; for the greffier, another greffier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreventedSignatory {
    /// In what capacity he should have signed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "president"))]
    pub role: crate::signature::SignatoryRole,
    /// Who is prevented: a magistrate's id, or the greffier's name.
    pub absent: String,
    /// Who signs instead: a magistrate's id, or the greffier's name.
    pub by: String,
    /// Why he cannot sign.
    pub reason: String,
}

impl DecisionContent {
    /// Checks what a draft says of itself: its dates and ids well formed,
    /// no character a field may not hold, publication marks coherent. The
    /// rules of law — composition, outcome by procedure, dates against the
    /// hearing — are the defect checks, run on a well-formed draft.
    pub fn problems(&self) -> Vec<RecordProblem> {
        let mut problems = Vec::new();
        if let Some((path, c)) = serde_json::to_value(self).ok().as_ref().and_then(crate::text::first_refused) {
            let (message, action) = crate::text::refusal(c);
            problems.push(RecordProblem::new(&path, message, action));
        }
        for (field, raw) in [("hearing_date", Some(&self.hearing_date)), ("pronouncement", self.pronouncement.as_ref())]
        {
            if let Some(Err(error)) = raw.map(|raw| parse_date(raw)) {
                problems.push(RecordProblem::new(field, error.to_string(), error.fix()));
            }
        }
        problems.extend(self.attacked.problems());
        let mut ids: Vec<(String, &String)> = vec![("president".into(), &self.president)];
        ids.extend(self.members.iter().enumerate().map(|(i, m)| (format!("members[{i}]"), m)));
        ids.extend(self.rapporteurs.iter().enumerate().map(|(i, m)| (format!("rapporteurs[{i}]"), m)));
        ids.extend(self.avocat_general.iter().map(|m| ("avocat_general".to_owned(), m)));
        for (field, raw) in ids {
            if let Err(error) = MagistrateId::parse(raw) {
                problems.push(RecordProblem::new(field, error.to_string(), "choisir un magistrat de la liste"));
            }
        }
        if self.publication.contains(&PublicationLevel::N) && self.publication.len() > 1 {
            problems.push(RecordProblem::new(
                "publication",
                "« N » (non publié) ne se combine pas avec une marque de publication",
                "retirer N, ou les autres marques",
            ));
        }
        problems
    }

    /// The pronouncement date, when set and well formed.
    pub fn pronouncement_date(&self) -> Option<Date> {
        self.pronouncement.as_deref().and_then(|raw| parse_date(raw).ok())
    }

    /// The members, parsed (ids that do not parse are left out).
    pub fn member_ids(&self) -> Vec<MagistrateId> {
        self.members.iter().filter_map(|m| MagistrateId::parse(m).ok()).collect()
    }

    /// The rapporteurs, parsed.
    pub fn rapporteur_ids(&self) -> Vec<MagistrateId> {
        self.rapporteurs.iter().filter_map(|m| MagistrateId::parse(m).ok()).collect()
    }
}

/// One field of a decision that differs between two versions, as the
/// magistrates read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// The field, in French (« Dispositif », « Moyen n° 2 »…).
    pub field: String,
    /// What it said (empty: nothing).
    pub before: String,
    /// What it says.
    pub after: String,
}

impl DecisionContent {
    /// What differs from `before`, field by field, in the order of the
    /// decision: the composition, the text (each ground apart), the
    /// prevented signatories. Magistrates are written by their ids.
    pub fn changes_from(&self, before: &DecisionContent) -> Vec<FieldChange> {
        self.changes_named(before, &|id: &str| id.to_owned())
    }

    /// [`Self::changes_from`], each magistrate written as `name` gives him.
    pub fn changes_named(&self, before: &DecisionContent, name: &dyn Fn(&str) -> String) -> Vec<FieldChange> {
        let list = |items: &[String]| items.join(" ; ");
        let names = |items: &[String]| items.iter().map(|m| name(m)).collect::<Vec<_>>().join(" ; ");
        let outcome = |o: Option<Outcome>| o.map(|o| o.label_fr().to_owned()).unwrap_or_default();
        let marks = |p: &[PublicationLevel]| p.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ");
        let who = |role: crate::signature::SignatoryRole, raw: &str| {
            if role == crate::signature::SignatoryRole::Greffier { raw.to_owned() } else { name(raw) }
        };
        let prevented = |p: &[PreventedSignatory]| {
            p.iter()
                .map(|p| {
                    format!(
                        "{} {} empêché ({}), signe {}",
                        p.role.label_fr(),
                        who(p.role, &p.absent),
                        p.reason,
                        who(p.role, &p.by)
                    )
                })
                .collect::<Vec<_>>()
                .join(" ; ")
        };
        let mut pairs: Vec<(String, String, String)> = vec![
            ("Président".into(), name(&before.president), name(&self.president)),
            ("Composition".into(), names(&before.members), names(&self.members)),
            ("Rapporteur(s)".into(), names(&before.rapporteurs), names(&self.rapporteurs)),
            ("Greffier".into(), before.greffier.clone(), self.greffier.clone()),
            ("Visas".into(), list(&before.visas), list(&self.visas)),
        ];
        for i in 0..before.grounds.len().max(self.grounds.len()) {
            let ground = |c: &DecisionContent| c.grounds.get(i).map(|g| g.ground.clone()).unwrap_or_default();
            let answer = |c: &DecisionContent| c.grounds.get(i).map(|g| g.answer.clone()).unwrap_or_default();
            pairs.push((format!("Moyen n° {}", i + 1), ground(before), ground(self)));
            pairs.push((format!("Réponse au moyen n° {}", i + 1), answer(before), answer(self)));
        }
        pairs.extend([
            ("Solution".into(), outcome(before.outcome), outcome(self.outcome)),
            ("Dispositif".into(), before.operative.clone(), self.operative.clone()),
            (
                "Date du prononcé".into(),
                before.pronouncement.clone().unwrap_or_default(),
                self.pronouncement.clone().unwrap_or_default(),
            ),
            ("Publication".into(), marks(&before.publication), marks(&self.publication)),
            ("Signataires empêchés".into(), prevented(&before.prevented), prevented(&self.prevented)),
        ]);
        pairs
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(field, before, after)| FieldChange { field, before, after })
            .collect()
    }
}

crate::registry::vocabulary! {
    /// A defect a decision (or a president's order, [`crate::order`]) must
    /// be free of before anyone signs it. Each
    /// rule names its text ([`DefectRule::article`]); those the domain brief
    /// does not source are flagged ([`DefectRule::to_confirm`]).
    DefectRule {
        /// The hearing's record (who sat) is missing.
        SittingRecordMissing = "sitting_record_missing", "procès-verbal d'audience manquant";
        /// The decision's composition differs from the bench that sat.
        CompositionMismatch = "composition_mismatch", "composition différente de celle qui a siégé";
        /// The bench that sat is not lawful for the formation.
        CompositionUnlawful = "composition_unlawful", "composition irrégulière";
        /// The decision's rapporteurs are not this dossier's.
        RapporteurMismatch = "rapporteur_mismatch", "rapporteur différent de celui désigné";
        /// A signatory (president, rapporteur, greffier) did not sit.
        SignatoryNotSat = "signatory_not_sat", "signataire absent de l'audience";
        /// The rapporteur's report was not filed before the hearing.
        ReportNotFiled = "report_not_filed", "rapport non déposé avant l'audience";
        /// The avocat général's opinion was not filed before the hearing.
        OpinionNotFiled = "opinion_not_filed", "avis de l'avocat général non déposé avant l'audience";
        /// A party's mémoire was late and its lateness is not recorded.
        MemoireLate = "memoire_late", "mémoire tardif sans mention";
        /// A notice of the hearing was not sent in time, with no reason recorded.
        NoticeLate = "notice_late", "avis d'audience tardif";
        /// The pourvoi number, parties or attacked decision differ from the record.
        RecordMismatch = "record_mismatch", "mentions différentes du dossier";
        /// The outcome is not one of the dossier's procedure.
        OutcomeNotOfProcedure = "outcome_not_of_procedure", "solution étrangère à la procédure";
        /// A non-admission (or a rejection not specially reasoned) in a
        /// formation that may not declare it.
        RestrictedOutcomeFormation = "restricted_outcome_formation", "non-admission hors de la formation habilitée";
        /// Outcome, operative part, pronouncement date or an answer missing.
        Incomplete = "incomplete", "décision incomplète";
        /// The pronouncement date is before the hearing.
        PronouncementBeforeHearing = "pronouncement_before_hearing", "prononcé antérieur à l'audience";
        /// The pronouncement date is a public holiday or a weekend day.
        PronouncementHoliday = "pronouncement_holiday", "prononcé un jour férié ou chômé";
        /// A prevented signatory replaced irregularly: not a signatory, no
        /// reason, or a replacement who did not deliberate.
        PreventedSignatory = "prevented_signatory", "remplacement irrégulier d'un signataire empêché";
        /// An order that the dossier's procedure does not know (a
        /// déchéance in a criminal dossier).
        OrderNotOfProcedure = "order_not_of_procedure", "ordonnance étrangère à la procédure";
        /// A déchéance while the demandeur's mémoire deadline runs, or
        /// after the mémoire was filed in time.
        MemoireNotMissed = "memoire_not_missed", "délai du mémoire ampliatif non expiré ou respecté";
        /// A désistement without the date of its act, or with one later
        /// than the order.
        DesistementAct = "desistement_act", "acte de désistement non daté ou postérieur";
        /// The order's date is in the future or before the pourvoi.
        OrderDate = "order_date", "date de l'ordonnance irrégulière";
        /// The order's president is not the president of the dossier's
        /// chamber (or the premier président).
        OrderPresident = "order_president", "ordonnance rendue par un magistrat sans qualité";
        /// The dossier is already decided or withdrawn.
        DossierClosed = "dossier_closed", "dossier déjà jugé ou clos";
    }
}

impl DefectRule {
    /// The text that sets the rule.
    pub fn article(self) -> &'static str {
        match self {
            Self::SittingRecordMissing | Self::CompositionMismatch => {
                "art. 447, 454 et 458 CPC ; art. 592 CPP (délibèrent les juges devant lesquels l'affaire a été débattue)"
            }
            // The checker's violation names its own article in the message.
            Self::CompositionUnlawful => "L421-3 à L421-5, R421-4-1, R421-4-3, R431-5 et R431-6 COJ ; art. 567-1-1 CPP",
            Self::RapporteurMismatch => "art. 1012 et 1013 CPC (rapporteur désigné par le président de la formation)",
            Self::SignatoryNotSat => "art. 456 CPC ; signée par le président, le ou les rapporteurs et le greffier",
            Self::ReportNotFiled => "art. 1012 et s. CPC (rapport du conseiller rapporteur) — délai à confirmer",
            Self::OpinionNotFiled => "avis du ministère public — texte et délai à confirmer",
            Self::MemoireLate => "art. 978 et 982 CPC ; art. 584 et s. CPP (délais des mémoires)",
            Self::NoticeLate => "délai d'avis d'audience (usage du greffe) — à confirmer",
            Self::RecordMismatch => "art. 454 CPC (mentions de la décision)",
            Self::OutcomeNotOfProcedure => "art. 1014 CPC ; art. 567-1-1 CPP",
            Self::RestrictedOutcomeFormation => "art. 567-1-1 CPP (trois magistrats) ; art. 1014 CPC",
            Self::Incomplete => "art. 455 CPC (motifs et dispositif)",
            Self::PronouncementBeforeHearing => "art. 450 CPC (prononcé à l'audience ou à une date ultérieure)",
            Self::PronouncementHoliday => "art. L3133-1 code du travail (jours fériés)",
            Self::PreventedSignatory => {
                "art. 456 CPC (président empêché : signe l'un des juges qui en ont délibéré) ; art. 486 CPP — à confirmer pour la Cour de cassation et les autres signataires"
            }
            Self::OrderNotOfProcedure => "art. 978 et 989 CPC (déchéance en matière civile)",
            Self::MemoireNotMissed => "art. 978 et 989 CPC (mémoire dans le délai, à peine de déchéance)",
            Self::DesistementAct => "art. 1024 à 1026 CPC ; art. 606 CPP (acte de désistement) — à confirmer",
            Self::OrderDate => "art. 454 CPC (date de la décision) : ni future ni antérieure au pourvoi",
            Self::OrderPresident => {
                "ordonnance du président de la chambre ou du premier président (ou de leur délégué) — à confirmer"
            }
            Self::DossierClosed => "art. 480 CPC (dessaisissement) : une seule décision par pourvoi",
        }
    }

    /// Whether the rule's exact text is still to confirm: the domain brief
    /// sources the compositions (the checker's rules), the signatories, the
    /// non-admission of 567-1-1 CPP, the outcomes by procedure and the
    /// holidays; the others' articles are cited from the codes, not from the
    /// brief, and their periods (report, opinion, notice) are not sourced.
    pub fn to_confirm(self) -> bool {
        !matches!(
            self,
            Self::CompositionUnlawful
                | Self::SignatoryNotSat
                | Self::OutcomeNotOfProcedure
                | Self::RestrictedOutcomeFormation
                | Self::PronouncementHoliday
                | Self::OrderNotOfProcedure
                | Self::MemoireNotMissed
        )
    }
}

/// One defect found on a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Defect {
    /// The rule broken.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "composition_mismatch"))]
    pub rule: DefectRule,
    /// What is wrong, in French, naming the magistrate, party or date.
    pub message: String,
    /// The text that sets the rule.
    pub article: String,
    /// Whether the rule is still to confirm.
    pub to_confirm: bool,
}

impl Defect {
    /// A defect of `rule`, with its article.
    pub fn new(rule: DefectRule, message: impl Into<String>) -> Self {
        Self { rule, message: message.into(), article: rule.article().to_owned(), to_confirm: rule.to_confirm() }
    }

    /// A defect of `rule` whose article is more precise than the rule's
    /// (a composition rule of the checker).
    pub fn with_article(rule: DefectRule, message: impl Into<String>, article: impl Into<String>) -> Self {
        Self { article: article.into(), ..Self::new(rule, message) }
    }
}

/// The configurable part of the decision rules: each value with its source
/// and whether it is confirmed (`decisions` in the rules file, `greffe
/// instance rules`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRules {
    /// Formations that may declare a civil pourvoi not to call for a
    /// specially reasoned decision (art. 1014 CPC). **To confirm**: the brief
    /// says « typically FR »; the default is FR alone.
    pub rejection_1014_formations: crate::planning::Sourced<Vec<FormationCode>>,
    /// Formations that may declare a criminal pourvoi non admis
    /// (art. 567-1-1 CPP: three magistrates, the formation restreinte).
    pub non_admission_formations: crate::planning::Sourced<Vec<FormationCode>>,
}

impl Default for DecisionRules {
    fn default() -> Self {
        Self {
            rejection_1014_formations: crate::planning::Sourced::new(
                vec![FormationCode::Restreinte],
                "art. 1014 CPC (rejet non spécialement motivé) — formation habilitée à confirmer",
                false,
            ),
            non_admission_formations: crate::planning::Sourced::new(
                vec![FormationCode::Restreinte],
                "art. 567-1-1 CPP (non-admission par une formation de trois magistrats)",
                true,
            ),
        }
    }
}

impl DecisionRules {
    /// The rule naming the formations that may declare `outcome`, when only
    /// some may.
    pub fn formations_for(&self, outcome: Outcome) -> Option<&crate::planning::Sourced<Vec<FormationCode>>> {
        match outcome {
            Outcome::RejetNonMotive => Some(&self.rejection_1014_formations),
            Outcome::NonAdmission => Some(&self.non_admission_formations),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(raw: &[&str]) -> Vec<MagistrateId> {
        raw.iter().map(|m| MagistrateId::parse(m).expect("id")).collect()
    }

    fn record() -> SittingRecord {
        SittingRecord {
            president: "p".into(),
            sat: vec!["p".into(), "d".into(), "r".into()],
            replacements: Vec::new(),
            avocat_general: Some("ag".into()),
            greffier: "Mme Greffe".into(),
        }
    }

    #[test]
    fn a_record_of_the_published_bench_is_accepted() {
        assert_eq!(record().problems(&ids(&["p", "d", "r"])), Vec::new());
    }

    #[test]
    fn a_replacement_needs_its_reason_and_a_replaced_member() {
        let mut sat = record();
        sat.sat = vec!["p".into(), "x".into(), "r".into()];
        // d did not sit and nobody says why.
        let problems = sat.problems(&ids(&["p", "d", "r"]));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["replacements", "sat"], "{problems:?}");
        sat.replacements = vec![Replacement { absent: "d".into(), by: "x".into(), reason: " ".into() }];
        let problems = sat.problems(&ids(&["p", "d", "r"]));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "replacements[0].reason");
        sat.replacements[0].reason = "empêchement (maladie)".into();
        assert_eq!(sat.problems(&ids(&["p", "d", "r"])), Vec::new());
    }

    #[test]
    fn a_president_who_did_not_sit_is_refused() {
        let mut sat = record();
        sat.president = "x".into();
        let problems = sat.problems(&ids(&["p", "d", "r"]));
        assert!(problems.iter().any(|p| p.field == "president"), "{problems:?}");
    }

    #[test]
    fn outcomes_belong_to_their_procedure() {
        assert!(Outcome::of(Nature::Penal).contains(&Outcome::NonAdmission));
        assert!(!Outcome::of(Nature::Civil).contains(&Outcome::NonAdmission));
        assert!(Outcome::of(Nature::Civil).contains(&Outcome::RejetNonMotive));
        assert!(!Outcome::of(Nature::Penal).contains(&Outcome::CassationPartielle));
        assert_eq!(Outcome::CassationPartielle.solution(), Solution::Cassation);
    }

    #[test]
    fn every_defect_rule_names_its_text_or_says_it_is_to_confirm() {
        for rule in DefectRule::ALL {
            let article = rule.article();
            let cited = article.contains("art.") || article.contains("COJ");
            assert!(cited || (rule.to_confirm() && article.contains("à confirmer")), "{rule}: {article}");
        }
    }

    #[test]
    fn the_changes_between_two_versions_name_each_field_that_differs() {
        let before: DecisionContent = serde_json::from_value(serde_json::json!({
            "pourvoi": "A 26-10.001", "parties": [], "attacked": {"court": "CA Lyon", "date": "2025-06-12", "docket": "1"},
            "hearing": "h1", "hearing_date": "2027-01-05", "formation": "FR", "president": "m01",
            "members": ["m01", "m02", "m08"], "rapporteurs": ["m08"], "greffier": "Mme Martin",
            "grounds": [{"ground": "Moyen unique", "answer": "Le moyen n'est pas fondé."}],
            "outcome": "rejet", "operative": "REJETTE le pourvoi", "publication": ["N"]
        }))
        .expect("content");
        assert_eq!(before.changes_from(&before), vec![]);
        let mut after = before.clone();
        after.operative = "CASSE et ANNULE".into();
        after.outcome = Some(Outcome::Cassation);
        after.grounds.push(GroundAnswer { ground: "Second moyen".into(), answer: String::new() });
        let changes = after.changes_from(&before);
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["Moyen n° 2", "Solution", "Dispositif"]);
        assert_eq!((changes[2].before.as_str(), changes[2].after.as_str()), ("REJETTE le pourvoi", "CASSE et ANNULE"));
    }
}
