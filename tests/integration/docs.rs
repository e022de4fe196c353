//! `docs/formats.md` takes its lists of codes from the enums that define
//! them: the section between `<!-- codes:begin -->` and `<!-- codes:end -->`
//! is what [`codes_section`] renders. Run with `GREFFE_UPDATE_DOCS=1` to
//! rewrite it after changing an enum.

use std::path::PathBuf;

use greffe_models::errors::ErrorCode;
use greffe_models::plan_status::PlanStatus;
use greffe_models::registry::DossierStatus;

const BEGIN: &str = "<!-- codes:begin (generated from the enums by tests/integration/docs.rs) -->\n";
const END: &str = "<!-- codes:end -->";

fn codes_section() -> String {
    let mut out = String::from(BEGIN);
    out.push_str("\n### Error codes (`code` of every error body)\n\n| code | HTTP | meaning |\n|---|---|---|\n");
    for code in ErrorCode::ALL {
        let status = greffe_api::error::status_of(code);
        out.push_str(&format!("| `{}` | {} | {} |\n", code.as_str(), status, code.meaning_fr()));
    }
    out.push_str("\n### Dossier statuses (`status`)\n\n| status | French | may become |\n|---|---|---|\n");
    for status in DossierStatus::ALL {
        let next: Vec<String> = status.next().iter().map(|s| format!("`{}`", s.as_str())).collect();
        let next = if next.is_empty() { "—".to_owned() } else { next.join(", ") };
        out.push_str(&format!("| `{}` | {} | {} |\n", status.as_str(), status.label_fr(), next));
    }
    out.push_str("\n### Plan statuses (`status`)\n\n| status | French | may become |\n|---|---|---|\n");
    for status in PlanStatus::ALL {
        let next: Vec<String> = status.next().iter().map(|s| format!("`{}`", s.as_str())).collect();
        let next = if next.is_empty() { "—".to_owned() } else { next.join(", ") };
        out.push_str(&format!("| `{}` | {} | {} |\n", status.as_str(), status.label_fr(), next));
    }
    out.push('\n');
    out.push_str(END);
    out
}

#[test]
fn formats_md_lists_exactly_the_codes_and_statuses_of_the_enums() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/formats.md");
    let text = std::fs::read_to_string(&path).expect("docs/formats.md");
    let begin = text.find(BEGIN).expect("docs/formats.md has the codes:begin marker");
    let end = text.find(END).expect("docs/formats.md has the codes:end marker") + END.len();
    let expected = codes_section();
    if std::env::var_os("GREFFE_UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &text[..begin], expected, &text[end..]);
        std::fs::write(&path, updated).expect("rewrite docs/formats.md");
        return;
    }
    assert_eq!(
        &text[begin..end],
        expected,
        "docs/formats.md is out of date with the enums: run GREFFE_UPDATE_DOCS=1 cargo test -p greffe-tests docs"
    );
}
