//! The portal's forms: posted fields read by name, the problems shown beside
//! each field (the name of a field is the JSON path the store's errors use,
//! `parties[1].name`, so a refusal from any layer lands next to its input),
//! and the description of each input that the one field template
//! (`templates/field.html`) draws.

use crate::error::Error;

/// The fields of a posted form (`application/x-www-form-urlencoded`), in
/// order; a name may repeat.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// No field.
    pub const fn empty() -> Self {
        Self(Vec::new())
    }

    /// Reads an urlencoded body (or query string). Never fails: a field
    /// that is not there reads as empty, and each form says what it needs.
    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Adds a field (multipart forms are read part by part).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// The first value of `name`, as typed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str())
    }

    /// Every value of `name`, in order (a checkbox list).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(key, _)| key == name).map(|(_, value)| value.as_str()).collect()
    }

    /// The trimmed value of `name`, none when absent or blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// Whether the form has a field `name` (a checkbox ticked, a button
    /// pressed).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }
}

/// A refused value: the field, what is wrong and what to do, in French.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's name (a JSON path).
    pub field: String,
    /// The id of its input (anchor of the error summary's link).
    pub anchor: String,
    /// The input's label, once the form is drawn (the error summary names
    /// the field).
    pub label: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub action: String,
}

/// Every problem of a posted form, shown together at the top and each
/// beside its field.
#[derive(Debug, Clone, Default)]
pub struct Problems(pub Vec<FieldProblem>);

impl Problems {
    /// No problem.
    pub const fn empty() -> Self {
        Self(Vec::new())
    }

    /// Adds a problem.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>, action: impl Into<String>) {
        let field = field.into();
        let anchor = field_id(&field);
        self.0.push(FieldProblem {
            field,
            anchor,
            label: String::new(),
            message: message.into(),
            action: action.into(),
        });
    }

    /// Adds a problem on `name` when the form leaves it blank.
    pub fn require(&mut self, fields: &Fields, name: &str, message: &str, action: &str) {
        if fields.opt(name).is_none() {
            self.push(name, message, action);
        }
    }

    /// The first problem of `field`.
    pub fn of(&self, field: &str) -> Option<&FieldProblem> {
        self.0.iter().find(|p| p.field == field)
    }

    /// Names each problem after the label of its input among `groups`
    /// (or the group's legend, for a problem of the group as a whole).
    pub fn label_from(&mut self, groups: &[Group]) {
        for problem in &mut self.0 {
            let field = groups.iter().flat_map(|g| g.fields.iter()).find(|f| f.name == problem.field);
            let group = groups.iter().find(|g| g.error.as_ref().is_some_and(|e| e.field == problem.field));
            if let Some(field) = field {
                problem.label.clone_from(&field.label);
            } else if let Some(group) = group {
                problem.label.clone_from(&group.legend);
            }
        }
    }

    /// Names each problem after the label of its input among `fields`.
    pub fn label_from_fields(&mut self, fields: &[Field]) {
        for problem in &mut self.0 {
            if let Some(field) = fields.iter().find(|f| f.name == problem.field) {
                problem.label.clone_from(&field.label);
            }
        }
    }

    /// True when the form may be written.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Takes a refusal naming a field (the store's checks, a reference to
    /// an unknown or unfit record) as the problem of that field; gives back
    /// any other error (not found, conflict, failure) for the caller to show
    /// as a page.
    pub fn take(&mut self, error: Error) -> Result<(), Error> {
        let (status, problem) = error.status_and_body();
        let of_a_field = status == axum::http::StatusCode::UNPROCESSABLE_ENTITY
            || matches!(
                problem.code,
                greffe_models::errors::ErrorCode::BadReference | greffe_models::errors::ErrorCode::ImmutableField
            );
        match problem.field {
            Some(field) if of_a_field => {
                self.push(field, problem.message, problem.action.unwrap_or_default());
                Ok(())
            }
            _ => Err(error),
        }
    }
}

/// The HTML id of a field: `parties[1].name` → `champ-parties-1-name`.
pub fn field_id(name: &str) -> String {
    let mut id = String::from("champ-");
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// One choice of a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Value sent.
    pub value: String,
    /// What the user reads.
    pub label: String,
    /// Chosen.
    pub selected: bool,
}

/// Choices from `(value, label)` pairs, `current` selected; `blank`, when
/// given, is a first empty choice with that label.
pub fn choices<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    current: &str,
    blank: Option<&str>,
) -> Vec<Choice> {
    let mut list: Vec<Choice> = blank
        .map(|label| Choice { value: String::new(), label: label.to_owned(), selected: current.is_empty() })
        .into_iter()
        .collect();
    list.extend(pairs.into_iter().map(|(value, label)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: value == current,
    }));
    list
}

/// A ground and its answer as a form draws them (two text areas).
pub struct GroundLine {
    /// Its place, from 0.
    pub index: usize,
    /// The ground.
    pub ground: String,
    /// Its answer (the decision's, the draft's, the report's analysis).
    pub answer: String,
}

/// The grounds as the form draws them: as posted, or as stored with one
/// blank pair to add a ground.
pub fn ground_lines(fields: &Fields, stored: &[greffe_models::decision::GroundAnswer]) -> Vec<GroundLine> {
    if fields.has("csrf") {
        return fields
            .all("ground")
            .iter()
            .zip(fields.all("answer"))
            .enumerate()
            .map(|(index, (g, a))| GroundLine { index, ground: (*g).to_owned(), answer: a.to_owned() })
            .collect();
    }
    let mut lines: Vec<GroundLine> = stored
        .iter()
        .enumerate()
        .map(|(index, g)| GroundLine { index, ground: g.ground.clone(), answer: g.answer.clone() })
        .collect();
    lines.push(GroundLine { index: lines.len(), ground: String::new(), answer: String::new() });
    lines
}

/// The grounds a form sends as `ground` and `answer` pairs, trimmed, the
/// blank pairs left out (a decision's, a work document's).
pub fn posted_grounds(fields: &Fields) -> Vec<greffe_models::decision::GroundAnswer> {
    fields
        .all("ground")
        .into_iter()
        .zip(fields.all("answer"))
        .filter(|(g, a)| !g.trim().is_empty() || !a.trim().is_empty())
        .map(|(g, a)| greffe_models::decision::GroundAnswer {
            ground: g.trim().to_owned(),
            answer: a.trim().to_owned(),
        })
        .collect()
}

/// The lines of text area `name`, trimmed, the blank ones left out (one
/// visa per line).
pub fn posted_lines(fields: &Fields, name: &str) -> Vec<String> {
    fields.get(name).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The outcome chosen in `name` (none when left blank); an unknown code is
/// a problem of that field.
pub fn posted_outcome(
    fields: &Fields,
    name: &str,
    problems: &mut Problems,
) -> Option<greffe_models::decision::Outcome> {
    let code = fields.opt(name)?;
    let outcome = greffe_models::decision::Outcome::parse(&code);
    if outcome.is_none() {
        problems.push(name, format!("solution « {code} » inconnue"), "choisir dans la liste");
    }
    outcome
}

/// What kind of input a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text.
    Text,
    /// An e-mail address (the browser's e-mail keyboard).
    Email,
    /// A date (`AAAA-MM-JJ`, the browser's date picker).
    Date,
    /// A list of choices.
    Select,
    /// A box to tick.
    Checkbox,
    /// A file to send.
    File,
    /// Several lines of text.
    Textarea,
}

/// One input of a form, as drawn by `templates/field.html`.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name sent (a JSON path).
    pub name: String,
    /// HTML id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Hint under the label.
    pub hint: Option<String>,
    /// Kind of input.
    pub kind: Kind,
    /// Value typed (text, date) or `"1"` when ticked (checkbox).
    pub value: String,
    /// Choices (select).
    pub choices: Vec<Choice>,
    /// Required.
    pub required: bool,
    /// Problem shown beside it.
    pub error: Option<FieldProblem>,
    /// `autocomplete` attribute (`off` for numbers that are not the user's).
    pub autocomplete: &'static str,
    /// Lines shown of a text area.
    pub rows: u8,
}

impl Field {
    /// A field of `kind` named `name`, its value and problem from the form.
    pub fn new(kind: Kind, name: &str, label: &str, value: &str, problems: &Problems) -> Self {
        Self {
            name: name.to_owned(),
            id: field_id(name),
            label: label.to_owned(),
            hint: None,
            kind,
            value: value.to_owned(),
            choices: Vec::new(),
            required: false,
            error: problems.of(name).cloned(),
            autocomplete: "off",
            rows: 2,
        }
    }

    /// A text area showing `rows` lines.
    pub fn rows(mut self, rows: u8) -> Self {
        self.rows = rows;
        self
    }

    /// With a hint.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_owned());
        self
    }

    /// Required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// With choices.
    pub fn choices(mut self, choices: Vec<Choice>) -> Self {
        self.choices = choices;
        self
    }

    /// Whether it is a text-like input (drawn with `fr-input`).
    pub fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Text | Kind::Date)
    }

    /// The `type` attribute of a text-like input.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Date => "date",
            Kind::Email => "email",
            Kind::File => "file",
            _ => "text",
        }
    }

    /// Whether a checkbox is ticked.
    pub fn checked(&self) -> bool {
        self.kind == Kind::Checkbox && !self.value.is_empty()
    }

    /// Whether it is a select.
    pub fn is_select(&self) -> bool {
        self.kind == Kind::Select
    }

    /// Whether it is a checkbox.
    pub fn is_checkbox(&self) -> bool {
        self.kind == Kind::Checkbox
    }

    /// Whether it is a file input.
    pub fn is_file(&self) -> bool {
        self.kind == Kind::File
    }

    /// Whether it is a text area.
    pub fn is_textarea(&self) -> bool {
        self.kind == Kind::Textarea
    }
}

/// A group of fields under a legend.
#[derive(Debug, Clone)]
pub struct Group {
    /// Legend.
    pub legend: String,
    /// HTML id of the legend.
    pub id: String,
    /// Fields, in order.
    pub fields: Vec<Field>,
    /// A problem of the group as a whole (`parties`: no demandeur).
    pub error: Option<FieldProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_by_name_and_ids_follow_the_json_path() {
        let fields = Fields::parse(b"a=1&b=+x+&a=2&c=&case=on");
        assert_eq!(fields.get("a"), "1");
        assert_eq!(fields.opt("b").as_deref(), Some("x"));
        assert_eq!(fields.opt("c"), None);
        assert!(fields.has("case") && !fields.has("absent"));
        assert_eq!(field_id("parties[1].name"), "champ-parties-1-name");
        assert_eq!(field_id("attacked.date"), "champ-attacked-date");
    }

    #[test]
    fn a_refusal_naming_a_field_lands_beside_it_and_others_go_back() {
        let mut problems = Problems::default();
        assert!(problems.take(Error::invalid("chamber", "chambre inconnue", "choisir une chambre")).is_ok());
        let problem = problems.of("chamber").cloned();
        assert_eq!(problem.map(|p| (p.anchor, p.action)), Some(("champ-chamber".into(), "choisir une chambre".into())));
        assert!(problems.take(Error::not_found("dossier n° 4")).is_err());
        let choices = choices([("a", "A"), ("b", "B")], "b", Some("—"));
        assert_eq!(choices.iter().filter(|c| c.selected).map(|c| c.value.as_str()).collect::<Vec<_>>(), ["b"]);
    }
}
