//! The generator: reproducible, always valid, calibrated on the domain brief.

use greffe_fixtures::{GenerateError, GeneratorConfig, LOAD_RATIO_BAND, Scale, default_start, generate};
use greffe_models::Instance;
use greffe_models::format::validate;

fn instance(scale: Scale, weeks: u32, seed: u64) -> Instance {
    let doc = generate(&GeneratorConfig::new(scale, weeks, seed)).expect("generate");
    validate(&doc)
        .unwrap_or_else(|problems| panic!("{scale:?} seed {seed} invalid: {:?}", &problems[..problems.len().min(5)]))
}

#[test]
fn same_seed_same_instance_other_seed_other_instance() {
    let config = GeneratorConfig::new(Scale::Small, 4, 7);
    assert_eq!(generate(&config), generate(&config));
    let other = GeneratorConfig { seed: 8, ..config };
    assert_ne!(generate(&config), generate(&other));
}

#[test]
fn small_instances_are_valid_and_hold_a_few_dozen_dossiers() {
    for seed in 0..20 {
        for weeks in [1, 2, 4] {
            let instance = instance(Scale::Small, weeks, seed);
            let n = instance.dossiers().len();
            assert!((6..=120).contains(&n), "seed {seed}, {weeks} weeks: {n} dossiers");
        }
    }
}

#[test]
fn court_scale_hits_the_calibrated_ranges() {
    for seed in 1..=3 {
        let instance = instance(Scale::Court, 8, seed);
        let summary = instance.summary();
        let total = &summary.total;
        assert_eq!(summary.chambers.len(), 6);
        assert!((200..=240).contains(&total.sitting_magistrates), "sitting {}", total.sitting_magistrates);
        assert!((30..=50).contains(&total.avocats_generaux), "AG {}", total.avocats_generaux);
        assert!((300..=400).contains(&total.hearings), "hearings {}", total.hearings);
        assert!((3000..=3600).contains(&total.dossiers), "dossiers {}", total.dossiers);
        let recusal_share = total.with_recusal as f64 / total.dossiers as f64;
        assert!((0.08..=0.12).contains(&recusal_share), "recusals {recusal_share}");
        assert!(total.joined > 0 && total.with_deadline > 0);
        for chamber in &summary.chambers {
            let ratio = chamber.load_ratio().expect("every chamber has hearings");
            assert!((LOAD_RATIO_BAND.0..=LOAD_RATIO_BAND.1).contains(&ratio), "{}: ratio {ratio}", chamber.chamber);
        }
        // Criminal largest, social next.
        let by_size =
            |id: &str| summary.chambers.iter().find(|c| c.chamber == id).map(|c| c.dossiers).expect("chamber");
        let cr = by_size("cr");
        let soc = by_size("soc");
        for other in ["civ1", "civ2", "civ3", "comm"] {
            assert!(cr > soc && soc > by_size(other), "volumes: cr {cr}, soc {soc}, {other} {}", by_size(other));
        }
        // Deadlines only in the criminal chamber, with the rule behind them.
        for dossier in instance.dossiers().iter().filter(|d| d.deadline.is_some()) {
            assert_eq!(dossier.chamber.as_str(), "cr");
            assert!(dossier.deadline_rule.as_deref().is_some_and(|r| r.starts_with("penal.")));
        }
    }
}

#[test]
fn chamber_scale_and_long_horizons_are_valid() {
    for seed in 0..3 {
        let chamber = instance(Scale::Chamber, 8, seed);
        assert_eq!(chamber.chambers().len(), 1);
        assert!(chamber.dossiers().len() > 400, "{}", chamber.dossiers().len());
    }
    let year = instance(Scale::Court, 52, 4);
    assert!(year.hearings().len() > 2000, "{}", year.hearings().len());
}

#[test]
fn hearings_are_tuesday_to_thursday_and_never_on_a_holiday() {
    use chrono::Datelike;
    // A horizon holding Easter Monday, 1 and 8 May, Ascension (6 May 2027)
    // and Whit Monday.
    let start = greffe_models::dates::parse_date("2027-03-29").expect("a Monday");
    let doc = generate(&GeneratorConfig { start, ..GeneratorConfig::new(Scale::Court, 10, 3) }).expect("generate");
    let instance = validate(&doc).expect("valid");
    for hearing in instance.hearings() {
        let weekday = hearing.date.weekday().number_from_monday();
        assert!((2..=4).contains(&weekday), "{} on weekday {weekday}", hearing.id);
        assert!(
            !greffe_models::calendar::is_holiday(hearing.date, greffe_models::calendar::Place::PARIS),
            "{}",
            hearing.id
        );
    }
}

#[test]
fn bad_configurations_are_refused() {
    let tuesday = greffe_models::dates::parse_date("2027-01-05").expect("date");
    let config = GeneratorConfig { start: tuesday, ..GeneratorConfig::new(Scale::Small, 2, 0) };
    assert_eq!(generate(&config), Err(GenerateError::StartNotMonday(tuesday)));
    let config = GeneratorConfig { weeks: 0, start: default_start(), ..config };
    assert_eq!(generate(&config), Err(GenerateError::Weeks(0)));
    for factor in [0, 6] {
        let config = GeneratorConfig { deadline_factor: factor, ..GeneratorConfig::new(Scale::Small, 2, 0) };
        assert_eq!(generate(&config), Err(GenerateError::DeadlineFactor(factor)));
    }
    for factor in [0, 5] {
        let config = GeneratorConfig { chamber_factor: factor, ..GeneratorConfig::new(Scale::Small, 2, 0) };
        assert_eq!(generate(&config), Err(GenerateError::ChamberFactor(factor)));
    }
}

/// The scaling variant (`--chamber-factor 2`): every chamber with twice its
/// magistrates and hearings, so about twice its dossiers; a valid instance,
/// the same chambers.
#[test]
fn the_chamber_factor_doubles_every_chamber() {
    let summary = |factor: u32| {
        let doc = generate(&GeneratorConfig { chamber_factor: factor, ..GeneratorConfig::new(Scale::Court, 4, 3) })
            .expect("generate");
        let instance = greffe_models::format::validate(&doc).expect("valid");
        instance
            .chambers()
            .iter()
            .map(|chamber| {
                let id = chamber.id.as_str();
                let magistrates = instance.magistrates().iter().filter(|m| m.chamber.as_str() == id).count();
                let hearings = instance.hearings().iter().filter(|h| h.chamber.as_str() == id).count();
                let dossiers = instance.dossiers().iter().filter(|d| d.chamber.as_str() == id).count();
                (id.to_owned(), magistrates, hearings, dossiers)
            })
            .collect::<Vec<_>>()
    };
    let usual = summary(1);
    let double = summary(2);
    assert_eq!(usual.len(), 6);
    assert_eq!(usual.iter().map(|c| &c.0).collect::<Vec<_>>(), double.iter().map(|c| &c.0).collect::<Vec<_>>());
    for ((id, magistrates, hearings, dossiers), (_, magistrates2, hearings2, dossiers2)) in usual.iter().zip(&double) {
        assert_eq!(*magistrates2, 2 * magistrates, "{id}: twice the magistrates");
        // FP hearings come every 4 or 8 weeks from a drawn offset: within one.
        assert!(hearings2.abs_diff(2 * hearings) <= 1, "{id}: twice the hearings ({hearings} → {hearings2})");
        let ratio = *dossiers2 as f64 / *dossiers as f64;
        assert!((1.8..=2.2).contains(&ratio), "{id}: about twice the dossiers ({dossiers} → {dossiers2})");
    }
}

/// The deadline-heavy variant (`--deadline-factor 2`) about doubles the
/// criminal chamber's dossiers with a statutory ruling deadline, and only
/// those: the civil chambers have none either way.
#[test]
fn the_deadline_factor_doubles_the_criminal_deadlines() {
    let count = |factor: u32| {
        let doc = generate(&GeneratorConfig { deadline_factor: factor, ..GeneratorConfig::new(Scale::Court, 8, 1) })
            .expect("generate");
        let instance = greffe_models::format::validate(&doc).expect("valid");
        let with_deadline = |chamber: &str| {
            instance.dossiers().iter().filter(|d| d.chamber.as_str() == chamber && d.deadline.is_some()).count()
        };
        (with_deadline("cr"), with_deadline("civ1"))
    };
    let (usual, civil) = count(1);
    let (heavy, civil_heavy) = count(2);
    assert!(usual > 30, "the usual court has criminal deadlines ({usual})");
    let ratio = heavy as f64 / usual as f64;
    assert!((1.6..=2.4).contains(&ratio), "twice as many criminal deadlines: {usual} → {heavy}");
    assert_eq!((civil, civil_heavy), (0, 0));
}
