//! The greffe's documents — *avis d'audience*, *rôle d'audience*,
//! *certificat de non-pourvoi* — rendered to PDF/A-2b by typst used as a
//! library. No I/O: the fonts are typst's own, embedded in the binary (no
//! system font is looked up), the templates are files of this crate
//! embedded at build time, which the court may override by name
//! ([`Templates::set`]; `--templates DIR` reads them), and the data comes
//! in as JSON (`sys.inputs.data` in the template).
//!
//! Deterministic: the same data and templates give the same bytes — the
//! document's identifier and date are given ([`Meta`]), never read from the
//! clock. A template error names the template, the line and, when typst
//! says which, the field.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::Datelike;
use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Smart, Value};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// A kind of document, and the template that draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Notice of the hearing: a letter to each party's lawyer, and to each
    /// party without one.
    AvisAudience,
    /// A hearing's roll: dossiers in order, rapporteurs, avocat général,
    /// bench and president.
    RoleAudience,
    /// Certificate that no pourvoi is registered against a decision.
    CertificatNonPourvoi,
    /// Extract of a dossier's journal: every entry, oldest first.
    ExtraitJournal,
    /// Composition of a hearing, to each magistrate of its bench.
    AvisComposition,
    /// A decision of the Cour as its signatories signed it, sealed by the
    /// greffe.
    Arret,
    /// A magistrate's work document as filed: report, opinion, draft.
    Travail,
    /// A president's order (déchéance, désistement) as signed, notified
    /// to the parties.
    Ordonnance,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Self; 8] = [
        Self::AvisAudience,
        Self::RoleAudience,
        Self::CertificatNonPourvoi,
        Self::ExtraitJournal,
        Self::AvisComposition,
        Self::Arret,
        Self::Travail,
        Self::Ordonnance,
    ];

    /// Its template's file name.
    pub fn template(self) -> &'static str {
        match self {
            Self::AvisAudience => "avis_audience.typ",
            Self::RoleAudience => "role_audience.typ",
            Self::CertificatNonPourvoi => "certificat_non_pourvoi.typ",
            Self::ExtraitJournal => "extrait_journal.typ",
            Self::AvisComposition => "avis_composition.typ",
            Self::Arret => "arret.typ",
            Self::Travail => "travail.typ",
            Self::Ordonnance => "ordonnance.typ",
        }
    }

    /// What it is, in French.
    pub fn label_fr(self) -> &'static str {
        match self {
            Self::AvisAudience => "avis d'audience",
            Self::RoleAudience => "rôle d'audience",
            Self::CertificatNonPourvoi => "certificat de non-pourvoi",
            Self::ExtraitJournal => "extrait du journal",
            Self::AvisComposition => "avis de composition",
            Self::Arret => "arrêt",
            Self::Travail => "document de travail du magistrat",
            Self::Ordonnance => "ordonnance du président",
        }
    }
}

/// The templates shipped with greffe: each kind's, and the shared layout
/// (`commun.typ`) they import.
const EMBEDDED: [(&str, &str); 9] = [
    ("commun.typ", include_str!("../templates/commun.typ")),
    ("avis_audience.typ", include_str!("../templates/avis_audience.typ")),
    ("role_audience.typ", include_str!("../templates/role_audience.typ")),
    ("certificat_non_pourvoi.typ", include_str!("../templates/certificat_non_pourvoi.typ")),
    ("extrait_journal.typ", include_str!("../templates/extrait_journal.typ")),
    ("avis_composition.typ", include_str!("../templates/avis_composition.typ")),
    ("arret.typ", include_str!("../templates/arret.typ")),
    ("travail.typ", include_str!("../templates/travail.typ")),
    ("ordonnance.typ", include_str!("../templates/ordonnance.typ")),
];

/// A document that could not be made: which template, where, what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_fr())]
pub struct DocumentError {
    /// The template's file name.
    pub template: String,
    /// Its line (from 1), when the error has a place.
    pub line: Option<usize>,
    /// The field of the data the template asked for and did not find.
    pub field: Option<String>,
    /// What went wrong (typst's words, or ours in French).
    pub message: String,
    /// The data, not the template, is at fault: `field` is its JSON path
    /// (a character no embedded font can print).
    pub in_data: bool,
}

impl DocumentError {
    /// The error as a clerk's administrator reads it.
    pub fn message_fr(&self) -> String {
        if self.in_data {
            return format!("{} (donnée « {} »)", self.message, self.field.as_deref().unwrap_or("?"));
        }
        let place = match self.line {
            Some(line) => format!("modèle « {} », ligne {line}", self.template),
            None => format!("modèle « {} »", self.template),
        };
        match &self.field {
            Some(field) => format!("{place} : champ « {field} » inconnu des données — {}", self.message),
            None => format!("{place} : {}", self.message),
        }
    }

    fn plain(template: &str, message: impl Into<String>) -> Self {
        Self { template: template.to_owned(), line: None, field: None, message: message.into(), in_data: false }
    }
}

/// The templates in use: greffe's, some replaced by the court's.
#[derive(Debug, Clone)]
pub struct Templates {
    sources: BTreeMap<&'static str, String>,
}

impl Default for Templates {
    fn default() -> Self {
        Self::embedded()
    }
}

impl Templates {
    /// greffe's own.
    pub fn embedded() -> Self {
        Self { sources: EMBEDDED.iter().map(|(name, text)| (*name, (*text).to_owned())).collect() }
    }

    /// Each template's name and text, in name order.
    pub fn sources(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.sources.iter().map(|(name, text)| (*name, text.as_str()))
    }

    /// The names a court may override.
    pub fn names() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(name, _)| *name)
    }

    /// Replaces template `name` by `text` (the court's). An unknown name is
    /// refused, naming the known ones.
    pub fn set(&mut self, name: &str, text: String) -> Result<(), DocumentError> {
        match EMBEDDED.iter().find(|(known, _)| *known == name) {
            Some((known, _)) => {
                self.sources.insert(known, text);
                Ok(())
            }
            None => Err(DocumentError::plain(
                name,
                format!("nom de modèle inconnu : les modèles sont {}", Self::names().collect::<Vec<_>>().join(", ")),
            )),
        }
    }

    /// Checks every template against `samples` (one data set per kind):
    /// a court's template that refers to a field the data lacks is refused
    /// when the service starts, not on the day of a publication.
    pub fn check(&self, samples: &[(Kind, serde_json::Value)]) -> Result<(), DocumentError> {
        let renderer = Renderer::new(self.clone());
        for (kind, data) in samples {
            let meta = Meta { ident: "verification".into(), date: chrono::NaiveDate::default() };
            let bytes = renderer.render(*kind, data, &meta)?;
            // The arrêt is sealed in place of its mark: a template that
            // drops the mark could never be sealed.
            if let (Kind::Arret, Some(mark)) = (kind, data["sceau"].as_str())
                && !bytes.windows(mark.len()).any(|w| w == mark.as_bytes())
            {
                return Err(DocumentError::plain(
                    kind.template(),
                    "l'arrêt ne porte pas la marque du sceau : garder la ligne `#set document(keywords: (d.sceau,))`",
                ));
            }
        }
        Ok(())
    }
}

/// What identifies a document: its PDF identifier (stable: derived from
/// what it is, so a document made again is the same file) and its date
/// (the document's metadata, and typst's « today »).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The PDF's identifier, e.g. `avis-1234-2`.
    pub ident: String,
    /// The document's date.
    pub date: chrono::NaiveDate,
}

/// A data set of `kind`, as the service fills it: the example of each
/// template's fields (`greffe document sample`), and what a court's
/// templates are checked against when the service starts.
pub fn sample(kind: Kind) -> serde_json::Value {
    match kind {
        Kind::AvisAudience => serde_json::json!({
            "date_emission": "1er décembre 2026",
            "reference": "1042-1",
            "chambre": "première chambre civile",
            "formation": "formation restreinte",
            "pourvoi": "Y 25-10.034",
            "audience": {"date": "mardi 5 janvier 2027", "demi_journee": "à 9 h 30", "salle": "salle Portalis"},
            "parties": [
                {"qualite": "demandeur", "nom": "Mme Lucie Martin", "avocat": "SCP Durand et associés"},
                {"qualite": "défendeur", "nom": "Société Horizon", "avocat": null}
            ],
            "destinataires": [
                {
                    "nom": "SCP Durand et associés",
                    "qualite": "avocat aux Conseils de Mme Lucie Martin, demandeur",
                    "adresse": "12 rue de Rivoli, 75004 Paris",
                    "salutation": "Maître"
                },
                {
                    "nom": "Société Horizon",
                    "qualite": "défendeur, sans avocat",
                    "adresse": null,
                    "salutation": "Madame, Monsieur"
                }
            ],
            "fondement": null
        }),
        Kind::RoleAudience => serde_json::json!({
            "date_emission": "1er décembre 2026",
            "reference": "civ1-2027-01-05-am",
            "chambre": "première chambre civile",
            "formation": "formation restreinte",
            "audience": {"date": "mardi 5 janvier 2027", "demi_journee": "matin", "salle": "salle Portalis"},
            "president": "M. Paul Lefèvre",
            "assesseurs": ["Mme Anne Roux", "M. Karim Benali"],
            "avocats_generaux": ["Mme Claire Dubois"],
            "dossiers": [
                {"rang": 1, "pourvoi": "Y 25-10.034", "matiere": "famille", "rapporteurs": "Mme Anne Roux", "avocat_general": "Mme Claire Dubois"},
                {"rang": 2, "pourvoi": "A 25-11.207", "matiere": null, "rapporteurs": "M. Karim Benali", "avocat_general": null}
            ]
        }),
        Kind::AvisComposition => serde_json::json!({
            "date_emission": "1er décembre 2026",
            "reference": "civ1-2027-01-05-am",
            "chambre": "première chambre civile",
            "formation": "formation restreinte",
            "audience": {"date": "mardi 5 janvier 2027", "demi_journee": "le matin", "salle": "salle Portalis"},
            "president": "Mme Claire Martin",
            "assesseurs": ["M. Paul Lefèvre", "Mme Anne Roux"],
            "avocats_generaux": ["M. Louis Garnier"],
            "dossiers": [
                {"rang": 1, "pourvoi": "Y 25-10.034", "rapporteurs": "M. Paul Lefèvre"},
                {"rang": 2, "pourvoi": "Z 25-10.120", "rapporteurs": "Mme Anne Roux"}
            ],
            "changements": ["Mme Anne Roux remplace M. Jean Blanc (absence)"],
            "destinataires": [
                {"nom": "Mme Claire Martin", "qualite": "présidente de l'audience"},
                {"nom": "M. Paul Lefèvre", "qualite": "conseiller"},
                {"nom": "Mme Anne Roux", "qualite": "conseillère"}
            ]
        }),
        Kind::ExtraitJournal => serde_json::json!({
            "date_emission": "1er décembre 2026",
            "pourvoi": "Y 25-10.034",
            "chambre": "première chambre civile",
            "parties": ["M. Jean Petit, demandeur", "Société Atlas, défendeur"],
            "inscriptions": [
                {"numero": 1041, "inscrit_le": "12/01/2026", "evenement": "déclaration de pourvoi",
                 "date": "12/01/2026", "auteur": "greffe-civ1", "detail": "partie : demandeur"},
                {"numero": 1187, "inscrit_le": "03/12/2026", "evenement": "envoi d'un avis",
                 "date": null, "auteur": "greffe-1234",
                 "detail": "à SCP Hubert (greffe@hubert.avocats.example), message <outbox-7@courdecassation.fr>"}
            ],
            "derniere_empreinte": "5f2c9a0e4b7d1c3e8a6f0b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f"
        }),
        Kind::Arret => serde_json::json!({
            "date_emission": "20 janvier 2027",
            "chambre": "première chambre civile",
            "formation": "formation restreinte",
            "audience": "mardi 5 janvier 2027",
            "prononce": "mercredi 20 janvier 2027",
            "pourvoi": "Y 25-10.034",
            "solution": "rejet",
            "marques": "F-B",
            "parties": [
                {"qualite": "demandeur", "nom": "Mme Lucie Martin", "avocat": "SCP Durand et associés"},
                {"qualite": "défendeur", "nom": "Société Horizon", "avocat": null}
            ],
            "attaque": {"juridiction": "cour d'appel de Lyon", "date": "12 juin 2025", "numero": "24/01234"},
            "president": "M. Paul Lefèvre",
            "presents": [
                {"nom": "M. Paul Lefèvre", "qualite": "président"},
                {"nom": "Mme Anne Roux", "qualite": "conseiller rapporteur"},
                {"nom": "M. Karim Benali", "qualite": "conseiller"},
                {"nom": "Mme Claire Dubois", "qualite": "avocat général"},
                {"nom": "Mme Sophie Martin", "qualite": "greffier de chambre"}
            ],
            "visas": ["l'article 1231-1 du code civil"],
            "moyens": [
                {"moyen": "La société fait grief à l'arrêt de la condamner à payer…",
                 "reponse": "La cour d'appel, qui a souverainement retenu…, a légalement justifié sa décision."}
            ],
            "dispositif": "REJETTE le pourvoi ;\nCondamne Mme Lucie Martin aux dépens.",
            "signatures": [
                {"nom": "M. Paul Lefèvre", "qualite": "président", "le": "18/01/2027 10:02 UTC",
                 "empreinte": "4f2a9c0e 5b1d7e3a 8c6f0b2d 4e6a8c0b"}
            ],
            "version": 3,
            "empreinte": "5f2c9a0e4b7d1c3e8a6f0b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f",
            "sceau": "greffe-sceau:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        }),
        Kind::Ordonnance => serde_json::json!({
            "date_emission": "3 décembre 2026",
            "titre": "Ordonnance de déchéance",
            "chambre": "première chambre civile",
            "pourvoi": "Y 25-10.034",
            "date": "3 décembre 2026",
            "parties": [
                {"qualite": "demandeur", "nom": "Mme Lucie Martin", "avocat": "SCP Durand et associés"},
                {"qualite": "défendeur", "nom": "Société Horizon", "avocat": null}
            ],
            "attaque": {"juridiction": "cour d'appel de Lyon", "date": "12 juin 2025", "numero": "24/01234"},
            "president": "M. Paul Lefèvre",
            "qualite_president": "président de la première chambre civile",
            "greffier": "Mme Sophie Martin",
            "motifs": "Vu les articles 978 et 989 du code de procédure civile ;\nLe demandeur n'a pas remis de mémoire ampliatif dans le délai de quatre mois du pourvoi formé le 12 juillet 2025.",
            "dispositif": "Constatons la déchéance du pourvoi.",
            "signatures": [
                {"nom": "M. Paul Lefèvre", "qualite": "président", "le": "03/12/2026 10:02 UTC",
                 "empreinte": "4f2a9c0e 5b1d7e3a 8c6f0b2d 4e6a8c0b"},
                {"nom": "Mme Sophie Martin", "qualite": "greffier", "le": "03/12/2026 10:05 UTC",
                 "empreinte": "9a0c1e3b 7d5f2a4c 6e8b0d1f 3a5c7e9b"}
            ],
            "version": 1,
            "empreinte": "5f2c9a0e4b7d1c3e8a6f0b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f"
        }),
        Kind::Travail => serde_json::json!({
            "date_emission": "4 janvier 2027",
            "nature": "Projet d'arrêt",
            "titre": "Projet n° 1 : rejet",
            "chambre": "première chambre civile",
            "pourvoi": "Y 25-10.034",
            "auteur": {"nom": "Mme Anne Roux", "qualite": "conseiller rapporteur"},
            "diffusion": "rapporteur(s) du dossier, membres de la formation",
            "reserve": true,
            "parties": [
                {"qualite": "demandeur", "nom": "Mme Lucie Martin", "avocat": "SCP Durand et associés"},
                {"qualite": "défendeur", "nom": "Société Horizon", "avocat": null}
            ],
            "attaque": {"juridiction": "cour d'appel de Lyon", "date": "12 juin 2025", "numero": "24/01234"},
            "visas": ["l'article 1231-1 du code civil"],
            "moyens": [{"moyen": "La société fait grief à l'arrêt de la condamner à payer…",
                        "reponse": "La cour d'appel, qui a souverainement retenu…, a légalement justifié sa décision."}],
            "libelle_reponse": "Réponse proposée",
            "solution": "rejet",
            "dispositif": "REJETTE le pourvoi ;\nCondamne la société Horizon aux dépens.",
            "expose": "",
            "version": 2,
            "empreinte": "5f2c9a0e4b7d1c3e8a6f0b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f"
        }),
        Kind::CertificatNonPourvoi => serde_json::json!({
            "numero": 318,
            "date_emission": "1er décembre 2026",
            "date_certification": "1er décembre 2026",
            "juridiction": "cour d'appel de Lyon",
            "date_decision": "12 mars 2026",
            "rg": "24/01234",
            "parties": ["M. Jean Petit", "Société Atlas"],
            "reserve": null
        }),
    }
}

/// Typst's fonts, embedded: parsed once.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

/// Renders documents from templates.
#[derive(Debug, Clone, Default)]
pub struct Renderer {
    templates: Templates,
}

/// One compilation's world: the library with the data as input, the
/// templates as sources, the embedded fonts, a fixed today.
struct DocWorld<'a> {
    library: LazyHash<Library>,
    main: FileId,
    sources: BTreeMap<FileId, Source>,
    names: BTreeMap<FileId, &'a str>,
    today: chrono::NaiveDate,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        // Only the templates exist: no image, no data file, no package.
        Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year(), self.today.month().try_into().ok()?, self.today.day().try_into().ok()?)
    }
}

/// Whether an embedded font can print `c` (PDF/A forbids a missing glyph).
fn printable(c: char) -> bool {
    c.is_whitespace() || FONTS.1.iter().any(|font| font.info().coverage.contains(c as u32))
}

/// The first string of `json` for which `find` answers, with its JSON path
/// (`parties[1]`, `audience.date`).
fn first_in_strings<T>(json: &serde_json::Value, path: &str, find: &impl Fn(&str) -> Option<T>) -> Option<(String, T)> {
    match json {
        serde_json::Value::String(text) => find(text).map(|found| (path.to_owned(), found)),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| first_in_strings(item, &format!("{path}[{i}]"), find))
        }
        serde_json::Value::Object(map) => map.iter().find_map(|(key, value)| {
            let at = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            first_in_strings(value, &at, find)
        }),
        _ => None,
    }
}

/// The first character of the data that no embedded font prints, with the
/// JSON path of its string: a document must not silently drop or replace
/// what a name says.
fn unprintable(json: &serde_json::Value) -> Option<(String, char)> {
    first_in_strings(json, "", &|text: &str| text.chars().find(|&c| !printable(c)))
}

/// JSON as a typst value.
fn value_of(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::None,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or_default()),
        },
        serde_json::Value::String(s) => Value::Str(s.as_str().into()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(value_of).collect()),
        serde_json::Value::Object(map) => {
            Value::Dict(map.iter().map(|(k, v)| (k.as_str().into(), value_of(v))).collect())
        }
    }
}

/// The field a typst error names (`dictionary does not contain key "x"`).
fn missing_key(message: &str) -> Option<String> {
    let rest = message.split_once("does not contain key \"")?.1;
    Some(rest.split_once('"')?.0.to_owned())
}

impl Renderer {
    /// A renderer over `templates`.
    pub fn new(templates: Templates) -> Self {
        Self { templates }
    }

    /// `kind` drawn with `data` as a PDF/A-2b file.
    pub fn render(&self, kind: Kind, data: &serde_json::Value, meta: &Meta) -> Result<Vec<u8>, DocumentError> {
        let main_name = kind.template();
        let mut sources = BTreeMap::new();
        let mut names = BTreeMap::new();
        let mut main = None;
        for (name, text) in &self.templates.sources {
            let id = FileId::new(None, VirtualPath::new(name));
            sources.insert(id, Source::new(id, text.clone()));
            names.insert(id, *name);
            if *name == main_name {
                main = Some(id);
            }
        }
        let main = main.ok_or_else(|| DocumentError::plain(main_name, "modèle absent"))?;
        if let Some((field, c)) = unprintable(data) {
            return Err(DocumentError {
                template: main_name.to_owned(),
                line: None,
                field: Some(field),
                message: format!(
                    "le caractère « {c} » (U+{:04X}) ne peut pas être imprimé : aucune police du document ne le contient",
                    c as u32
                ),
                in_data: true,
            });
        }
        let mut inputs = Dict::new();
        inputs.insert("data".into(), value_of(data));
        let world = DocWorld {
            library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
            main,
            sources,
            names,
            today: meta.date,
        };
        let document = typst::compile::<PagedDocument>(&world).output.map_err(|errors| world.error(&errors, data))?;
        let date = Datetime::from_ymd(
            meta.date.year(),
            meta.date.month().try_into().unwrap_or(1),
            meta.date.day().try_into().unwrap_or(1),
        )
        .ok_or_else(|| DocumentError::plain(main_name, format!("date du document invalide : {}", meta.date)))?;
        let standards = PdfStandards::new(&[PdfStandard::A_2b])
            .map_err(|e| DocumentError::plain(main_name, format!("norme PDF/A-2b : {e}")))?;
        let options = PdfOptions {
            ident: Smart::Custom(&meta.ident),
            timestamp: Some(Timestamp::new_utc(date)),
            standards,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| world.error(&errors, data))
    }
}

impl DocWorld<'_> {
    /// The first error, placed in its template; a text of `data` the fonts
    /// draw no glyph for is the data's fault, named by its field.
    fn error(&self, errors: &[SourceDiagnostic], data: &serde_json::Value) -> DocumentError {
        let Some(first) = errors.first() else {
            return DocumentError::plain(self.names.get(&self.main).copied().unwrap_or("?"), "erreur inconnue");
        };
        let file = first.span.id().unwrap_or(self.main);
        let template = self.names.get(&file).copied().unwrap_or("?").to_owned();
        let line = self
            .sources
            .get(&file)
            .and_then(|source| source.range(first.span))
            .and_then(|range| self.sources.get(&file).and_then(|s| s.lines().byte_to_line(range.start)))
            .map(|line| line + 1);
        let mut message = first.message.to_string();
        for hint in &first.hints {
            message.push_str(&format!(" ({hint})"));
        }
        if let Some(text) = undrawn_text(&first.message)
            && let Some((field, ())) = first_in_strings(data, "", &|value: &str| value.contains(text).then_some(()))
        {
            // What the registry holds, though every character passed
            // `printable`: a cluster (a letter and its mark) no font draws.
            return DocumentError {
                template,
                line: None,
                field: Some(field),
                message: format!(
                    "le texte « {text} » ne peut pas être imprimé : aucune police du document ne le dessine"
                ),
                in_data: true,
            };
        }
        DocumentError { template, line, field: missing_key(&first.message), message, in_data: false }
    }
}

/// The text of a PDF/A error for a missing glyph (``the text `"℟"` could
/// not be displayed with font …``).
fn undrawn_text(message: &str) -> Option<&str> {
    let rest = message.split_once("the text `\"")?.1;
    let (text, rest) = rest.split_once("\"`")?;
    rest.trim_start().starts_with("could not be displayed").then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `texts` as the parties of a certificate, one per line:
    /// the PDF/A check refuses a glyph no font draws.
    fn renders(texts: &[String]) -> bool {
        let mut data = sample(Kind::CertificatNonPourvoi);
        data["parties"] = serde_json::json!(texts);
        Renderer::default().render(Kind::CertificatNonPourvoi, &data, &meta()).is_ok()
    }

    /// Those of `texts` that do not render (each tried alone when a batch
    /// fails).
    fn undrawn(texts: Vec<String>) -> Vec<String> {
        texts
            .chunks(2_000)
            .filter(|batch| !renders(batch))
            .flatten()
            .filter(|t| !renders(&[(*t).clone()]))
            .cloned()
            .collect()
    }

    #[test]
    fn the_fonts_print_every_character_the_registry_accepts() {
        // models::text::PRINTABLE is the rule every input obeys: a text the
        // registry kept can always be printed — drawn, not only listed in
        // a font's coverage (the fonts list ⁁ or ℟ and draw nothing).
        let accepted: Vec<char> = greffe_models::text::PRINTABLE.iter().flat_map(|&(a, b)| a..=b).collect();
        let missing: Vec<String> =
            accepted.iter().filter(|&&c| !printable(c)).map(|c| format!("U+{:04X}", u32::from(*c))).collect();
        assert!(missing.is_empty(), "no embedded font covers {missing:?}");
        let alone = undrawn(accepted.iter().map(|c| format!("a {c} b")).collect());
        assert!(alone.is_empty(), "no embedded font draws {alone:?}");
        // A combining mark typed after any letter (a name in decomposed
        // form): every mark after a sample of every block's characters.
        let marks =
            accepted.iter().filter(|&&c| ('\u{300}'..='\u{36F}').contains(&c) || ('\u{483}'..='\u{489}').contains(&c));
        let bases: Vec<char> = accepted.iter().copied().step_by(5).collect();
        let pairs: Vec<String> = marks.flat_map(|&m| bases.iter().map(move |&b| format!("{b}{m}"))).collect();
        assert!(pairs.len() > 30_000, "{}", pairs.len());
        let clusters = undrawn(pairs);
        assert!(
            clusters.is_empty(),
            "no embedded font draws {} clusters, first {:?}",
            clusters.len(),
            clusters.first()
        );
    }

    #[test]
    fn a_text_the_fonts_do_not_draw_is_named_with_its_field() {
        // Kept before the character rule left ℟ out: refused as the
        // data's fault, by field, not as a fault of the service.
        let mut data = sample(Kind::CertificatNonPourvoi);
        data["parties"] = serde_json::json!(["M. Jean Petit", "Société ℟"]);
        let error = Renderer::default().render(Kind::CertificatNonPourvoi, &data, &meta()).expect_err("refused");
        assert!(error.in_data, "{error:?}");
        assert_eq!(error.field.as_deref(), Some("parties[1]"));
        assert!(error.message_fr().contains("« ℟ »"), "{}", error.message_fr());
    }

    #[test]
    fn a_missing_field_is_named_with_its_template_and_line() {
        let mut templates = Templates::embedded();
        templates
            .set("certificat_non_pourvoi.typ", "#let d = sys.inputs.data\n\nBonjour #d.inconnu\n".into())
            .expect("a known template");
        let error = Renderer::new(templates)
            .render(
                Kind::CertificatNonPourvoi,
                &serde_json::json!({"x": 1}),
                &Meta { ident: "t".into(), date: chrono::NaiveDate::default() },
            )
            .expect_err("refused");
        assert_eq!(error.template, "certificat_non_pourvoi.typ");
        assert_eq!(error.line, Some(3));
        assert_eq!(error.field.as_deref(), Some("inconnu"));
        assert!(error.message_fr().starts_with("modèle « certificat_non_pourvoi.typ », ligne 3 : champ « inconnu »"));
    }

    fn meta() -> Meta {
        Meta { ident: "essai-1".into(), date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date") }
    }

    #[test]
    fn every_kind_renders_as_the_same_pdf_a_2b_bytes_twice() {
        let renderer = Renderer::default();
        for kind in Kind::ALL {
            let first = renderer.render(kind, &sample(kind), &meta()).expect("renders");
            let second = renderer.render(kind, &sample(kind), &meta()).expect("renders");
            assert!(first.starts_with(b"%PDF-"), "{kind:?}");
            assert_eq!(first, second, "{kind:?}: same data and templates, same bytes");
            let text = String::from_utf8_lossy(&first);
            assert!(text.contains("pdfaid:part>2<") || text.contains("pdfaid:part=\"2\""), "{kind:?}: PDF/A-2");
            assert!(
                text.contains("pdfaid:conformance>B<") || text.contains("pdfaid:conformance=\"B\""),
                "{kind:?}: level B"
            );
            assert!(text.contains("/FontFile"), "{kind:?}: the fonts are embedded");
            let other = Meta { ident: "essai-2".into(), ..meta() };
            assert_ne!(renderer.render(kind, &sample(kind), &other).expect("renders"), first, "the identifier counts");
        }
    }

    #[test]
    fn a_character_no_font_prints_is_named_with_its_field_not_dropped() {
        let mut data = sample(Kind::CertificatNonPourvoi);
        data["parties"] = serde_json::json!(["M. Jean Petit", "Société 测试"]);
        let error = Renderer::default().render(Kind::CertificatNonPourvoi, &data, &meta()).expect_err("refused");
        assert!(error.in_data);
        assert_eq!(error.field.as_deref(), Some("parties[1]"));
        assert!(error.message_fr().contains("« 测 » (U+6D4B)"), "{}", error.message_fr());
        // Accents, ligatures and the French quotation marks print.
        data["parties"] = serde_json::json!(["Mme Éloïse Œuvray-Ça « dite » Zoé", "Ørsted Ångström Łódź"]);
        Renderer::default().render(Kind::CertificatNonPourvoi, &data, &meta()).expect("renders");
    }

    #[test]
    fn a_courts_arret_without_the_seals_mark_is_refused_at_start() {
        let samples = [(Kind::Arret, sample(Kind::Arret))];
        Templates::embedded().check(&samples).expect("greffe's own keeps the mark");
        let mut templates = Templates::embedded();
        let arret = EMBEDDED.iter().find(|(name, _)| *name == "arret.typ").map(|(_, text)| *text).unwrap_or_default();
        let without = arret.replace("#set document(keywords: (d.sceau,))", "");
        templates.set("arret.typ", without).expect("a known template");
        let error = templates.check(&samples).expect_err("refused");
        assert_eq!(error.template, "arret.typ");
        assert!(error.message.contains("sceau"), "{error}");
    }

    #[test]
    fn an_unknown_template_name_is_refused_with_the_known_ones() {
        let error = Templates::embedded().set("avis.typ", String::new()).expect_err("unknown");
        assert!(error.message.contains("avis_audience.typ"), "{error}");
    }
}
