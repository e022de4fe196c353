use super::*;

fn formations() -> BTreeMap<String, Vec<String>> {
    crate::planning::PlanningRules::default().formations.value
}

fn facts(chamber: &str, keywords: &[&str], articles: &[&str]) -> Facts {
    Facts {
        nature: if chamber == "cr" { Nature::Penal } else { Nature::Civil },
        chamber: chamber.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        articles: articles.iter().map(|a| normalise_article(a)).collect(),
        attacked_nature: AttackedNature::Appel,
        earlier: None,
        similar: Some(Vec::new()),
        peers: Vec::new(),
    }
}

fn decided(id: i64, chamber: &str, solution: &str, formation: &str, text_score: f32, keyword: &str) -> SimilarDecided {
    SimilarDecided {
        id,
        pourvoi: format!("A 24-10.{id:03}"),
        chamber: chamber.to_owned(),
        section: Some(format!("{chamber}-s1")),
        formation: Some(formation.to_owned()),
        solution: Some(solution.to_owned()),
        text_score,
        shared_keywords: vec![keyword.to_owned()],
        shared_articles: vec!["1240 du code civil".to_owned()],
    }
}

fn suggest_for(facts: &Facts) -> Suggestion {
    suggest(facts, OrientationRules::embedded(), Vocabulary::embedded(), &formations())
}

fn fired(suggestion: &Suggestion) -> Vec<&str> {
    suggestion.fired.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn the_embedded_rules_parse_and_each_cites_its_source() {
    let rules = OrientationRules::embedded();
    assert!(rules.rules.len() >= 7);
    for rule in &rules.rules {
        assert!(!rule.source.trim().is_empty(), "{}", rule.id);
    }
    // Every signal is read by some rule.
    for signal in [
        Signal::RenvoiMemesMoyens,
        Signal::RenvoiPremierPourvoiInconnu,
        Signal::Divergence,
        Signal::PlusieursChambres,
        Signal::Serie,
        Signal::QuestionNouvelle,
        Signal::SolutionConstante,
    ] {
        assert!(rules.reading(signal).next().is_some(), "{signal:?}");
    }
    let ap = rules.get("renvoi-memes-moyens").expect("rule");
    assert!(ap.mandatory && ap.referral == Some(ReferralFormation::Pleniere) && ap.source.contains("L431-6"));
    assert!(!rules.parameters.precedent_min_text_score.confirmed, "the thresholds stay flagged to confirm");
}

#[test]
fn a_rules_file_is_refused_by_the_rule_and_the_fix() {
    let base = include_str!("rules.toml");
    let twice = format!("{base}\n[[rule]]\nid = \"serie\"\nsignal = \"serie\"\nlabel = \"x\"\nsource = \"y\"\nconfirmed = true\ncircuit = \"court\"\n")
        .replace("id = \"serie\"", "id = \"contentieux-serie\"");
    assert!(
        matches!(OrientationRules::parse(&twice), Err(RulesError::Invalid { id, .. }) if id == "contentieux-serie")
    );
    let unsourced = base.replacen("source = \"art. L431-6 al. 2 COJ\"", "source = \" \"", 1);
    let error = OrientationRules::parse(&unsourced).expect_err("no source");
    assert!(error.to_string().contains("source"), "{error}");
    let mandatory = base.replacen("circuit = \"court\"", "circuit = \"court\"\nmandatory = true", 1);
    assert!(OrientationRules::parse(&mandatory).expect_err("mandatory").to_string().contains("mandatory"));
    let signal = base.replacen("signal = \"serie\"", "signal = \"hasard\"", 1);
    assert!(matches!(OrientationRules::parse(&signal), Err(RulesError::Syntax(_))));
    let score = base.replacen("value = 0.5", "value = 1.5", 1);
    assert!(OrientationRules::parse(&score).is_err());
}

#[test]
fn a_second_pourvoi_after_cassation_on_the_same_grounds_points_to_the_assemblee_pleniere() {
    let mut f =
        facts("civ3", &["bail-commercial"], &["Article 1240 du Code civil", "article 16 du code de procédure civile"]);
    f.attacked_nature = AttackedNature::RenvoiApresCassation;
    f.earlier = Some(Earlier {
        pourvoi: "B 22-10.001".into(),
        found: Some(EarlierDossier {
            id: 1,
            articles: [normalise_article("l'article 1240 du code civil")].into(),
            solution: Some("cassation".into()),
        }),
    });
    let s = suggest_for(&f);
    let referral = s.referral.clone().expect("referral");
    assert_eq!((referral.formation, referral.mandatory), (ReferralFormation::Pleniere, true));
    assert!(referral.article.contains("L431-6"));
    assert_eq!(s.formations, vec!["AP"], "a mandatory referral is the formation");
    assert_eq!(s.circuit, Circuit::Approfondi);
    let rule = s.fired.iter().find(|f| f.rule == "renvoi-memes-moyens").expect("fired");
    assert!(rule.detail.contains("1240 du code civil") && rule.dossiers == vec!["B 22-10.001"], "{rule:?}");

    // Other grounds: no presumption of the same grounds.
    if let Some(Earlier { found: Some(earlier), .. }) = &mut f.earlier {
        earlier.articles = [normalise_article("article 2224 du code civil")].into();
    }
    let s = suggest_for(&f);
    assert!(s.referral.as_ref().is_none_or(|r| r.formation != ReferralFormation::Pleniere), "{:?}", fired(&s));

    // The first pourvoi not held: still mandatory until someone compares.
    f.earlier = Some(Earlier { pourvoi: "B 22-10.001".into(), found: None });
    let s = suggest_for(&f);
    assert_eq!(fired(&s), vec!["renvoi-premier-pourvoi-inconnu", "question-nouvelle"]);
    assert!(s.referral.expect("referral").mandatory);
}

#[test]
fn divergent_answers_of_two_chambers_point_to_a_chambre_mixte_with_their_chambers() {
    let mut f = facts("civ1", &["cautionnement"], &["article 1240 du code civil"]);
    f.similar = Some(vec![
        decided(1, "civ1", "cassation", "fs", 1.0, "cautionnement"),
        decided(2, "comm", "rejet", "f", 0.9, "cautionnement"),
        decided(3, "civ1", "cassation", "f", 0.8, "cautionnement"),
        decided(4, "comm", "rejet", "fs", 0.7, "cautionnement"),
        // Not a precedent: too far.
        decided(5, "civ3", "rejet", "f", 0.2, "cautionnement"),
    ]);
    let s = suggest_for(&f);
    assert!(fired(&s).contains(&"divergence-entre-chambres"), "{:?}", fired(&s));
    let referral = s.referral.clone().expect("CM");
    assert_eq!(referral.formation, ReferralFormation::Mixte);
    assert!(!referral.mandatory, "L431-5 al. 1 is optional");
    assert_eq!(referral.chambers, vec!["civ1", "comm"], "the president completes to three");
    assert_eq!(s.precedents, vec![0, 1, 2, 3]);
    assert_eq!(s.circuit, Circuit::Approfondi);
    let divergence = s.fired.iter().find(|f| f.rule == "divergence-entre-chambres").expect("fired");
    assert!(divergence.detail.contains("civ1 : cassation") && divergence.detail.contains("comm : rejet"));
    // The same answer in both: no divergence, but a question of two chambers.
    for s in f.similar.as_mut().expect("list").iter_mut() {
        s.solution = Some("rejet".into());
    }
    let s = suggest_for(&f);
    assert_eq!(fired(&s), vec!["question-plusieurs-chambres"]);
    assert_eq!(s.circuit, Circuit::Intermediaire);
}

#[test]
fn a_constant_answer_in_formation_restreinte_points_to_the_circuit_court() {
    let mut f = facts("civ3", &["bail-commercial"], &["article 1240 du code civil"]);
    f.similar =
        Some((1..=4).map(|i| decided(i, "civ3", "rejet", "f", 1.0 - 0.1 * i as f32, "bail-commercial")).collect());
    let s = suggest_for(&f);
    assert_eq!(fired(&s), vec!["solution-constante"]);
    assert_eq!((s.circuit, s.formations.clone()), (Circuit::Court, vec!["FR".to_owned()]));
    assert_eq!(s.chamber, "civ3");
    assert_eq!(s.section.as_deref(), Some("civ3-s1"));
    // One of them in section: no longer obvious.
    f.similar.as_mut().expect("list")[1].formation = Some("fs".into());
    let s = suggest_for(&f);
    assert!(fired(&s).is_empty(), "{:?}", fired(&s));
    assert_eq!(s.circuit, Circuit::Intermediaire);
}

#[test]
fn serial_litigation_and_new_questions_point_to_the_circuit_approfondi() {
    let mut f = facts("soc", &["licenciement-economique"], &["article L1233-3 du code du travail"]);
    let s = suggest_for(&f);
    assert_eq!(fired(&s), vec!["question-nouvelle"]);
    assert_eq!(s.circuit, Circuit::Approfondi);
    f.similar = Some(vec![decided(1, "soc", "rejet", "f", 1.0, "licenciement-economique")]);
    f.peers = (1..=3)
        .map(|i| Peer {
            id: i,
            pourvoi: format!("C 25-1{i}.000"),
            chamber: "soc".into(),
            party: "Société Alpha".into(),
        })
        .collect();
    let s = suggest_for(&f);
    assert_eq!(fired(&s), vec!["contentieux-serie"]);
    assert!(s.fired[0].detail.contains("3 autres pourvois") && s.fired[0].detail.contains("Société Alpha"));
    f.peers.pop();
    assert!(suggest_for(&f).fired.is_empty(), "two peers are not a series");
}

#[test]
fn the_chamber_follows_the_keywords_and_the_precedents_among_those_of_the_nature() {
    // Registered in civ2, its topic is civ3's.
    let mut f = facts("civ2", &["bail-commercial"], &["article 1240 du code civil"]);
    f.similar = Some(vec![decided(1, "civ3", "rejet", "f", 1.0, "bail-commercial")]);
    let s = suggest_for(&f);
    assert_eq!(s.chamber, "civ3");
    assert!(s.chamber_votes[0].reasons.iter().any(|r| r.contains("mot-clé")), "{:?}", s.chamber_votes);
    // A criminal pourvoi stays in the criminal chamber whatever it says.
    let mut f = facts("cr", &["bail-commercial"], &[]);
    f.similar = None;
    let s = suggest_for(&f);
    assert_eq!(s.chamber, "cr");
    assert!(!s.unread.is_empty(), "the unread signals are said");
}

#[test]
fn articles_compare_however_written() {
    assert_eq!(normalise_article("L'article  1240 du Code civil"), "1240 du code civil");
    assert_eq!(normalise_article("art. 1240 du code civil"), "1240 du code civil");
}

#[test]
fn referral_chambers_and_reasons_are_refused_by_field() {
    let cm = ReferralFormation::Mixte;
    let ok = check_chambers(cm, "civ1", &["comm".into(), "civ1".into(), "soc".into()]).expect("three");
    assert_eq!(ok, vec!["civ1", "comm", "soc"]);
    assert!(check_chambers(cm, "civ1", &["civ1".into(), "comm".into()]).is_err());
    assert!(check_chambers(cm, "civ1", &["civ2".into(), "comm".into(), "soc".into()]).is_err());
    assert!(check_chambers(cm, "civ1", &["civ1".into(), "civ1".into(), "soc".into()]).is_err());
    let unknown = check_chambers(cm, "civ1", &["civ1".into(), "xx".into(), "soc".into()]).expect_err("unknown");
    assert!(unknown.message.contains("chambers[1]"));
    assert!(check_chambers(ReferralFormation::Pleniere, "civ1", &["civ1".into()]).is_err());
    assert_eq!(check_reason(None, true, "renvoi obligatoire").expect_err("required").field, "reason");
    assert!(check_reason(Some("  "), true, "x").is_err());
    assert!(check_reason(Some("trop"), false, "x").is_err());
    assert!(check_reason(Some("a\u{0}bcdefghijkl"), false, "x").is_err());
    assert_eq!(check_reason(None, false, "x"), Ok(None));
    assert_eq!(check_reason(Some(" Les moyens diffèrent. "), true, "x"), Ok(Some("Les moyens diffèrent.".into())));
}
