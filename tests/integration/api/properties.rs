//! Property test of the store's write paths, through the API, on SQLite and
//! PostgreSQL side by side: arbitrary text (control characters, NUL, long,
//! mixed scripts, blanks) and numbers at and beyond their bounds are either
//! stored and read back exactly, or refused with 422 naming the field —
//! never a 500 (`TestApp::raw` fails on one), and never one backend
//! accepting what the other refuses.

use axum::http::{Method, StatusCode};
use greffe_models::format::MAX_SMALL_INTEGER;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use super::app::{Backend, TestApp, civil_dossier};

/// Cases drawn (each written to both backends).
const CASES: usize = 80;

/// Text near every edge: controls (C0, DEL, C1, NUL), tab and line ends,
/// blanks of several kinds, combining marks, right-to-left and CJK
/// scripts, astral characters, long runs.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\0",
        "\u{1}",
        "\u{1f}",
        "\u{7f}",
        "\u{85}",
        "\u{9f}",
        "\t",
        "\n",
        "\r\n",
        " ",
        "\u{a0}",
        "\u{2003}",
        "\u{feff}",
        "e\u{301}",
        "é",
        "ß",
        "Ωμέγα",
        "مرحبا",
        "東京地方裁判所",
        "🏛️",
        "\u{10ffff}",
        "'",
        "\"",
        "\\",
        "%",
        "_",
        "--",
        "Dupont",
        "SCI Les Tilleuls",
        "a",
    ]);
    let long = prop::sample::select(vec![1usize, 1, 1, 1, 200, 5_000]);
    (prop::collection::vec(pieces, 0..8), long).prop_map(|(parts, repeat)| parts.concat().repeat(repeat))
}

/// Integers at and beyond the bounds the planner accepts.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0),
        Just(1),
        Just(-1),
        Just(MAX_SMALL_INTEGER),
        Just(MAX_SMALL_INTEGER + 1),
        Just(i64::from(i32::MAX)),
        Just(i64::MAX),
        Just(i64::MIN),
        -5i64..200,
    ]
}

#[derive(Debug, Clone)]
struct Case {
    name: String,
    lawyer: String,
    note: String,
    room: String,
    capacity: i64,
    rank: i64,
    search: String,
}

fn case() -> impl Strategy<Value = Case> {
    (text(), text(), text(), text(), number(), number(), text(), any::<bool>()).prop_map(
        |(name, lawyer, note, room, capacity, rank, search, by_name)| {
            // Half the searches look for the party just written, in capitals
            // (the same dossiers found on both backends, or none on either).
            let search = if by_name { name.to_uppercase() } else { search };
            Case { name, lawyer, note, room, capacity, rank, search }
        },
    )
}

/// What a write did: its status, the field refused, and what was read back.
#[derive(Debug, PartialEq)]
struct Outcome {
    status: StatusCode,
    field: Option<String>,
    read_back: Value,
}

async fn outcome(reply: super::app::Reply, read: impl AsyncFnOnce(&Value) -> Value) -> Outcome {
    let read_back = if reply.status.is_success() { read(&reply.json).await } else { Value::Null };
    assert!(
        reply.status.is_success() || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
        "a write is stored or refused with 422: {} {}",
        reply.status,
        reply.json
    );
    Outcome { status: reply.status, field: reply.json["field"].as_str().map(str::to_owned), read_back }
}

/// Applies `case` (number `index`) to `app`: a dossier with its party and
/// lawyer, an event with its note, a hearing with its room and capacity, a
/// magistrate with his rank, a search; what each did.
async fn apply(app: &TestApp, clerk: &str, index: usize, case: &Case) -> Vec<(Outcome, Value)> {
    let mut outcomes = Vec::new();
    let mut dossier = civil_dossier(&format!("A 26-{:02}.{:03}", index / 1000, index % 1000));
    dossier["parties"][0]["name"] = json!(case.name);
    dossier["parties"][0]["lawyer"] = json!(case.lawyer);
    let created = app.post("/dossiers", clerk, dossier).await;
    let etag = created.etag();
    let id = created.json["id"].as_i64();
    outcomes.push((
        outcome(created, async |json| {
            let read = app.get(&format!("/dossiers/{}", json["id"]), clerk).await;
            json!([read.json["parties"][0]["name"], read.json["parties"][0]["lawyer"]])
        })
        .await,
        json!([case.name, case.lawyer]),
    ));
    if let Some(id) = id {
        let event = json!({"type": "notification", "date": "2026-03-12", "note": case.note});
        let recorded = app.write(Method::POST, &format!("/dossiers/{id}/events"), clerk, &etag, event).await;
        outcomes.push((
            outcome(recorded, async |json| {
                let journal = app.get(&format!("/dossiers/{id}/journal"), clerk).await;
                let seq = json["seq"].clone();
                let entry = journal.json.as_array().and_then(|e| e.iter().find(|e| e["seq"] == seq).cloned());
                entry.map_or(Value::Null, |e| e["payload"]["note"].clone())
            })
            .await,
            json!(case.note),
        ));
    }
    let hearing = json!({"id": format!("h-{index}"), "chamber": "civ1", "date": "2027-01-05", "half_day": "am",
        "formation": "FR", "capacity": case.capacity, "room": case.room});
    let created = app.post("/hearings", &app.admin, hearing).await;
    outcomes.push((
        outcome(created, async |json| {
            let read = app.get(&format!("/hearings/{}", json["id"].as_str().unwrap_or("")), &app.admin).await;
            json!([read.json["room"], read.json["capacity"]])
        })
        .await,
        json!([case.room, case.capacity]),
    ));
    let magistrate = json!({"id": format!("civ1-x{index}"), "name": case.name, "role": "conseiller",
        "chamber": "civ1", "rank": case.rank});
    let created = app.post("/magistrates", &app.admin, magistrate).await;
    outcomes.push((
        outcome(created, async |json| {
            let read = app.get(&format!("/magistrates/{}", json["id"].as_str().unwrap_or("")), &app.admin).await;
            json!([read.json["name"], read.json["rank"]])
        })
        .await,
        json!([case.name, case.rank]),
    ));
    // An address stays short (the search text is cut).
    let search: String = case.search.chars().take(300).collect();
    let encoded: String = search
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect();
    let search = app.get(&format!("/dossiers?party={encoded}"), clerk).await;
    assert!(
        search.status == StatusCode::OK || search.status == StatusCode::UNPROCESSABLE_ENTITY,
        "a search answers or is refused with 422: {} {}",
        search.status,
        search.json
    );
    let found = Outcome {
        status: search.status,
        field: search.json["field"].as_str().map(str::to_owned),
        read_back: search.json["items"].as_array().map_or(Value::Null, |items| json!(items.len())),
    };
    outcomes.push((found, Value::Null));
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_round_trip_or_are_refused_alike_on_both_backends() {
    let Some(sqlite) = TestApp::on(Backend::Sqlite).await else { return };
    let Some(postgres) = TestApp::on(Backend::Postgres).await else { return };
    let mut clerks = Vec::new();
    for app in [&sqlite, &postgres] {
        app.court().await;
        clerks.push(app.user("greffe-civ1", "greffier", &["civ1"], None).await);
    }
    // A fixed seed: the same cases on every run, and on both backends.
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let strategy = case();
    let (mut stored, mut refused, mut found) = (0, 0, 0);
    for index in 0..CASES {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let on_sqlite = apply(&sqlite, &clerks[0], index, &case).await;
        let on_postgres = apply(&postgres, &clerks[1], index, &case).await;
        assert_eq!(on_sqlite, on_postgres, "case {index} differs between SQLite and PostgreSQL: {case:?}");
        if on_sqlite.last().is_some_and(|(search, _)| search.read_back.as_u64().is_some_and(|n| n > 0)) {
            found += 1;
        }
        // The search (last) reads; the others write.
        for (outcome, sent) in &on_sqlite[..on_sqlite.len() - 1] {
            if outcome.status.is_success() {
                stored += 1;
                assert_eq!(&outcome.read_back, sent, "case {index}: stored, but read back differently");
            } else {
                refused += 1;
                assert!(outcome.field.is_some(), "case {index}: a refusal names its field");
            }
        }
    }
    eprintln!(
        "{CASES} cases on both backends: {stored} writes stored and read back exactly, {refused} refused alike, \
         {found} searches finding dossiers"
    );
    assert!(stored > 0 && refused > 0 && found > 0, "the cases reach both sides of the rules");
}
