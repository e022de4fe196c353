//! The checks, in a fixed order: plan sanity, benches, each assignment,
//! unscheduled dossiers, capacities, attendance, joined groups.

use std::collections::{BTreeMap, BTreeSet};

use greffe_models::{Dossier, Hearing, Instance, Magistrate, Plan, Role};

use crate::violation::{CheckReport, Violation, ViolationCode};

/// What the caller allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckOptions {
    /// Published (pinned) dossiers may move: moves are then not violations.
    pub allow_moving_pinned: bool,
}

/// Tolerance on weight sums (weights are decimal numbers).
const WEIGHT_EPSILON: f64 = 1e-9;

pub(crate) struct Checker<'a> {
    pub(crate) instance: &'a Instance,
    violations: Vec<Violation>,
}

impl<'a> Checker<'a> {
    pub(crate) fn push(
        &mut self,
        code: ViolationCode,
        dossier: Option<&Dossier>,
        hearing: Option<&Hearing>,
        magistrate: Option<&Magistrate>,
        message: String,
    ) {
        self.violations.push(Violation {
            code,
            dossier: dossier.map(|d| d.id.clone()),
            hearing: hearing.map(|h| h.id.clone()),
            magistrate: magistrate.map(|m| m.id.clone()),
            message,
        });
    }

    fn magistrate(&self, idx: usize) -> &'a Magistrate {
        &self.instance.magistrates()[idx]
    }
}

/// A hearing as a clerk names it: `l'audience du 05/01/2027 (matin,
/// formation FR)` (of its chamber, when another's dossier is concerned).
pub(crate) fn describe_hearing(hearing: &Hearing) -> String {
    format!("l'audience {}", hearing_fr(hearing))
}

/// `du 05/01/2027 (matin, formation FR)`.
fn hearing_fr(hearing: &Hearing) -> String {
    let half_day = match hearing.half_day {
        greffe_models::dates::HalfDay::Am => "matin",
        greffe_models::dates::HalfDay::Pm => "après-midi",
    };
    format!("du {} ({half_day}, formation {})", date_fr(hearing.date), hearing.formation)
}

/// A date as a clerk writes it: `05/01/2027`.
fn date_fr(date: greffe_models::Date) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// A dossier by its pourvoi number: `n° Z 25-10.007`.
fn dossier_fr(dossier: &Dossier) -> String {
    format!("n° {}", dossier.pourvoi)
}

/// A magistrate by name (the id when the instance gives none).
pub(crate) fn magistrate_fr(magistrate: &Magistrate) -> String {
    magistrate.name.clone().unwrap_or_else(|| magistrate.id.to_string())
}

/// Checks `plan` against `instance`; every violation is listed.
pub fn check(instance: &Instance, plan: &Plan, options: CheckOptions) -> CheckReport {
    let mut checker = Checker { instance, violations: Vec::new() };
    let n_dossiers = instance.dossiers().len();
    let n_hearings = instance.hearings().len();

    // Assignments: resolve ids, one hearing per dossier.
    let mut assigned: Vec<Option<usize>> = vec![None; n_dossiers];
    let mut heard_at: Vec<Vec<usize>> = vec![Vec::new(); n_hearings];
    for assignment in &plan.assignments {
        let dossier = instance.dossier_idx(&assignment.dossier);
        let hearing = instance.hearing_idx(&assignment.hearing);
        if dossier.is_none() {
            checker.push(
                ViolationCode::UnknownDossier,
                None,
                None,
                None,
                format!("le dossier « {} » du projet n'existe pas dans l'instance", assignment.dossier),
            );
        }
        if hearing.is_none() {
            checker.push(
                ViolationCode::UnknownHearing,
                None,
                None,
                None,
                format!("l'audience « {} » du projet n'existe pas dans l'instance", assignment.hearing),
            );
        }
        let (Some(d), Some(h)) = (dossier, hearing) else { continue };
        match assigned[d] {
            Some(first) => checker.push(
                ViolationCode::DossierAssignedTwice,
                Some(&instance.dossiers()[d]),
                Some(&instance.hearings()[h]),
                None,
                format!(
                    "le dossier {} est audiencé deux fois : à {} et à {}",
                    instance.dossiers()[d].id,
                    instance.hearings()[first].id,
                    instance.hearings()[h].id
                ),
            ),
            None => {
                assigned[d] = Some(h);
                heard_at[h].push(d);
            }
        }
    }

    // Unscheduled entries.
    let mut unscheduled = vec![false; n_dossiers];
    for entry in &plan.unscheduled {
        let Some(d) = instance.dossier_idx(&entry.dossier) else {
            checker.push(
                ViolationCode::UnknownDossier,
                None,
                None,
                None,
                format!("le dossier non audiencé « {} » n'existe pas dans l'instance", entry.dossier),
            );
            continue;
        };
        unscheduled[d] = true;
        if let Some(h) = assigned[d] {
            checker.push(
                ViolationCode::DossierAssignedAndUnscheduled,
                Some(&instance.dossiers()[d]),
                Some(&instance.hearings()[h]),
                None,
                format!(
                    "le dossier {} est à la fois audiencé et déclaré non audiencé",
                    dossier_fr(&instance.dossiers()[d])
                ),
            );
        }
    }
    for (d, dossier) in instance.dossiers().iter().enumerate() {
        if assigned[d].is_none() && !unscheduled[d] {
            checker.push(
                ViolationCode::DossierMissing,
                Some(dossier),
                None,
                None,
                format!("le dossier {} n'apparaît ni au rôle ni parmi les dossiers non audiencés", dossier_fr(dossier)),
            );
        }
    }

    let benches = check_benches(&mut checker, plan, &heard_at);

    for (d, dossier) in instance.dossiers().iter().enumerate() {
        match assigned[d] {
            Some(h) => check_assignment(&mut checker, dossier, &instance.hearings()[h], benches[h].as_deref(), options),
            None => check_unscheduled(&mut checker, dossier, options),
        }
    }
    check_capacities(&mut checker, &heard_at);
    let attends = attendance(instance, &assigned, &benches);
    check_attendance(&mut checker, &attends, &benches);
    crate::multi::check(&mut checker, &attends, &heard_at, &benches);
    crate::sections::check(&mut checker, &attends, &heard_at, &benches);
    crate::plenary::check(&mut checker, &attends, &benches);
    check_joined_groups(&mut checker, &assigned);

    let violations = checker.violations;
    CheckReport { ok: violations.is_empty(), violations }
}

/// Resolves and checks the benches; returns each hearing's bench (member
/// indexes), when listed.
fn check_benches(checker: &mut Checker<'_>, plan: &Plan, heard_at: &[Vec<usize>]) -> Vec<Option<Vec<usize>>> {
    let instance = checker.instance;
    let mut benches: Vec<Option<Vec<usize>>> = vec![None; instance.hearings().len()];
    for bench in &plan.benches {
        let Some(h) = instance.hearing_idx(&bench.hearing) else {
            checker.push(
                ViolationCode::UnknownHearing,
                None,
                None,
                None,
                format!("composition donnée pour l'audience « {} », inconnue de l'instance", bench.hearing),
            );
            continue;
        };
        let hearing = &instance.hearings()[h];
        if benches[h].is_some() {
            checker.push(
                ViolationCode::BenchDuplicate,
                None,
                Some(hearing),
                None,
                format!("deux compositions sont données pour l'audience {}", hearing.id),
            );
            continue;
        }
        let mut members: Vec<usize> = Vec::new();
        for id in &bench.members {
            match instance.magistrate_idx(id) {
                None => checker.push(
                    ViolationCode::UnknownMagistrate,
                    None,
                    Some(hearing),
                    None,
                    format!("le magistrat « {id} » siégeant à {} n'existe pas dans l'instance", hearing.id),
                ),
                Some(m) if members.contains(&m) => checker.push(
                    ViolationCode::BenchMemberDuplicate,
                    None,
                    Some(hearing),
                    Some(checker.magistrate(m)),
                    format!("{id} figure deux fois dans la composition de {}", hearing.id),
                ),
                Some(m) => members.push(m),
            }
        }
        check_bench(checker, hearing, &members, bench);
        benches[h] = Some(members);
    }
    for (h, hearing) in instance.hearings().iter().enumerate() {
        if !heard_at[h].is_empty() && benches[h].is_none() {
            checker.push(
                ViolationCode::BenchMissing,
                None,
                Some(hearing),
                None,
                format!("{} entend {} dossier(s) sans composition", describe_hearing(hearing), heard_at[h].len()),
            );
        }
    }
    benches
}

fn check_bench(checker: &mut Checker<'_>, hearing: &Hearing, members: &[usize], bench: &greffe_models::Bench) {
    let instance = checker.instance;
    // A composed FP hearing has the law's members, not a size (`plenary.rs`).
    if let Some(rule) = instance.formation(hearing.formation).filter(|_| hearing.composition.is_none()) {
        let size = hearing.bench_size(rule);
        if members.len() != size {
            checker.push(
                ViolationCode::BenchSize,
                None,
                Some(hearing),
                None,
                format!(
                    "{} siège à {} magistrat(s) ; la formation {} en exige {size}",
                    describe_hearing(hearing),
                    members.len(),
                    hearing.formation,
                ),
            );
        }
    }
    for &m in members {
        let magistrate = checker.magistrate(m);
        // A multi-chamber bench's chambers are checked in `multi.rs`.
        let other_chamber = !hearing.is_multi_chamber() && magistrate.chamber != hearing.chamber;
        let premier = hearing.is_multi_chamber() && magistrate.role == Role::PremierPresident;
        // Référendaires sit in a plenary composition (R421-4-1 COJ), voting
        // on the dossiers they report (L431-3 COJ).
        let referendaire = hearing.composition.is_some() && magistrate.role == Role::Referendaire;
        if !(magistrate.role.is_bench_eligible() || premier || referendaire) || other_chamber {
            let why = if other_chamber {
                format!("appartient à la chambre {}", magistrate.chamber)
            } else {
                format!("est {} et ne peut pas siéger", magistrate.role)
            };
            checker.push(
                ViolationCode::BenchMemberIneligible,
                None,
                Some(hearing),
                Some(magistrate),
                format!("{} {why} à {}", magistrate_fr(magistrate), describe_hearing(hearing)),
            );
        }
    }
    match instance.magistrate_idx(&bench.president) {
        Some(p) if members.contains(&p) => {
            // Several chambers' members are ordered by seniority at the
            // court (L421-4 COJ: the most senior chamber president).
            let multi_chamber = hearing.is_multi_chamber();
            // At a section's hearing a member of another section, called as
            // a replacement, never presides (R421-4-3 COJ: the president,
            // else the section's doyen, else its senior conseiller).
            let by_section = crate::sections::by_section(instance, hearing);
            let replacement = |m: &Magistrate| by_section && !crate::sections::of_section(hearing, m);
            let highest = members.iter().copied().min_by(|&a, &b| {
                let (a, b) = (checker.magistrate(a), checker.magistrate(b));
                if multi_chamber {
                    a.court_precedence_key().cmp(&b.court_precedence_key())
                } else {
                    (replacement(a), a.precedence_key()).cmp(&(replacement(b), b.precedence_key()))
                }
            });
            if let Some(highest) = highest.filter(|&highest| highest != p) {
                let expected = checker.magistrate(highest);
                checker.push(
                    ViolationCode::PresidentNotHighestPrecedence,
                    None,
                    Some(hearing),
                    Some(checker.magistrate(p)),
                    format!(
                        "à {}, la présidence revient à {} ({}, rang {}), non à {}",
                        describe_hearing(hearing),
                        magistrate_fr(expected),
                        expected.role,
                        expected.rank,
                        magistrate_fr(checker.magistrate(p))
                    ),
                );
            }
        }
        _ => checker.push(
            ViolationCode::PresidentNotMember,
            None,
            Some(hearing),
            None,
            format!(
                "le président désigné {} ne figure pas dans la composition de {}",
                bench.president,
                describe_hearing(hearing)
            ),
        ),
    }
    if let Some(locked) = &hearing.locked_bench {
        let wanted: BTreeSet<&str> = locked.iter().map(|id| id.as_str()).collect();
        let given: BTreeSet<&str> = members.iter().map(|&m| checker.magistrate(m).id.as_str()).collect();
        if wanted != given {
            checker.push(
                ViolationCode::LockedBenchChanged,
                None,
                Some(hearing),
                None,
                format!(
                    "la composition de {} est verrouillée ({}) ; le projet donne {}",
                    hearing.id,
                    wanted.into_iter().collect::<Vec<_>>().join(", "),
                    given.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
}

fn check_assignment(
    checker: &mut Checker<'_>,
    dossier: &Dossier,
    hearing: &Hearing,
    bench: Option<&[usize]>,
    options: CheckOptions,
) {
    let instance = checker.instance;
    let at = describe_hearing(hearing);
    if dossier.chamber != hearing.chamber {
        checker.push(
            ViolationCode::WrongChamber,
            Some(dossier),
            Some(hearing),
            None,
            format!(
                "le dossier {} relève de la chambre {} mais est audiencé à {at}",
                dossier_fr(dossier),
                dossier.chamber
            ),
        );
    }
    if !dossier.formations.contains(&hearing.formation) {
        let accepted: Vec<&str> = dossier.formations.iter().map(|f| f.as_str()).collect();
        checker.push(
            ViolationCode::FormationNotAccepted,
            Some(dossier),
            Some(hearing),
            None,
            format!(
                "le dossier {} ne peut être jugé qu'en formation {} ; il est audiencé à {at}",
                dossier_fr(dossier),
                accepted.join(" ou ")
            ),
        );
    }
    let earliest = dossier.earliest_hearing_date(instance.horizon().publication_date());
    if hearing.date < earliest {
        checker.push(
            ViolationCode::NotReady,
            Some(dossier),
            Some(hearing),
            None,
            format!(
                "le dossier {} ne peut pas être entendu avant le {} (en état le {}, avis de {} jours) ; il est audiencé le {}",
                dossier_fr(dossier),
                date_fr(earliest),
                date_fr(dossier.ready_date),
                dossier.notice_days,
                date_fr(hearing.date)
            ),
        );
    }
    if let (Some(own), Some(sitting)) = (&dossier.section, &hearing.section) {
        if own != sitting {
            checker.push(
                ViolationCode::SectionMismatch,
                Some(dossier),
                Some(hearing),
                None,
                format!(
                    "le dossier {} relève de la section {own} ; {at} siège pour la section {sitting}",
                    dossier_fr(dossier)
                ),
            );
        }
    }
    if let Some(referral) = dossier.referral.as_ref().filter(|r| !r.chambers.is_empty()) {
        let named: BTreeSet<&str> = referral.chambers.iter().map(|c| c.as_str()).collect();
        let composing: BTreeSet<&str> = hearing.chambers.iter().map(|c| c.as_str()).collect();
        if named != composing {
            checker.push(
                ViolationCode::ReferralChambersMismatch,
                Some(dossier),
                Some(hearing),
                None,
                format!(
                    "le dossier {} est renvoyé à une chambre mixte des chambres {} ; {at} réunit {}",
                    dossier_fr(dossier),
                    named.into_iter().collect::<Vec<_>>().join(", "),
                    composing.into_iter().collect::<Vec<_>>().join(", ")
                ),
            );
        }
    }
    if let Some(deadline) = dossier.deadline.filter(|deadline| hearing.date > *deadline) {
        checker.push(
            ViolationCode::DeadlineMissed,
            Some(dossier),
            Some(hearing),
            None,
            format!(
                "le dossier {} doit être entendu au plus tard le {} ; il est audiencé le {}",
                dossier_fr(dossier),
                date_fr(deadline),
                date_fr(hearing.date)
            ),
        );
    }
    if let Some(ag) = dossier.avocat_general.as_ref().and_then(|id| instance.magistrate(id)) {
        if ag.is_absent_on(hearing.date) {
            checker.push(
                ViolationCode::AvocatGeneralAbsent,
                Some(dossier),
                Some(hearing),
                Some(ag),
                format!(
                    "l'avocat général {} du dossier {} est absent le {}",
                    magistrate_fr(ag),
                    dossier_fr(dossier),
                    date_fr(hearing.date)
                ),
            );
        }
    }
    let bench_members: &[usize] = bench.unwrap_or_default();
    for rapporteur in dossier.rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)) {
        let magistrate = checker.magistrate(rapporteur);
        if !bench_members.contains(&rapporteur) && magistrate.is_absent_on(hearing.date) {
            checker.push(
                ViolationCode::RapporteurAbsent,
                Some(dossier),
                Some(hearing),
                Some(magistrate),
                format!(
                    "le rapporteur {} du dossier {} est absent le {}",
                    magistrate_fr(magistrate),
                    dossier_fr(dossier),
                    date_fr(hearing.date)
                ),
            );
        }
    }
    if let Some(bench) = bench {
        let mut voices: BTreeSet<usize> = bench.iter().copied().collect();
        voices.extend(dossier.rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)));
        // The law gives a composed FP hearing its members, not a number of
        // voices.
        if let Some(rule) = instance.formation(hearing.formation).filter(|_| hearing.composition.is_none()) {
            let n = voices.len();
            let (min_voices, max_voices) = hearing.voice_bounds(rule);
            if n < min_voices || n > max_voices {
                checker.push(
                    ViolationCode::VoicesOutOfBounds,
                    Some(dossier),
                    Some(hearing),
                    None,
                    format!(
                        "{n} voix délibèrent sur le dossier {} à {at} (siège et rapporteurs) ; la formation {} en admet de {min_voices} à {max_voices}",
                        dossier_fr(dossier),
                        hearing.formation,
                    ),
                );
            }
        }
        for &m in &voices {
            let magistrate = checker.magistrate(m);
            if dossier.is_recused(&magistrate.id) {
                let ground = dossier
                    .recusals
                    .iter()
                    .find(|r| r.magistrate == magistrate.id)
                    .and_then(|r| r.ground.as_deref())
                    .map_or(String::new(), |g| format!(" ({g})"));
                checker.push(
                    ViolationCode::RecusedOnBench,
                    Some(dossier),
                    Some(hearing),
                    Some(magistrate),
                    format!(
                        "{} est récusé sur le dossier {}{ground} et siège à {}",
                        magistrate_fr(magistrate),
                        dossier_fr(dossier),
                        describe_hearing(hearing)
                    ),
                );
            }
        }
    }
    if let Some(pinned) = dossier.pinned_hearing.as_ref().filter(|pinned| **pinned != hearing.id) {
        if !options.allow_moving_pinned {
            checker.push(
                ViolationCode::PinnedMoved,
                Some(dossier),
                Some(hearing),
                None,
                format!(
                    "le dossier {} est publié à une autre audience ({pinned}) ; le projet le déplace à {}",
                    dossier_fr(dossier),
                    describe_hearing(hearing)
                ),
            );
        }
    }
}

fn check_unscheduled(checker: &mut Checker<'_>, dossier: &Dossier, options: CheckOptions) {
    let horizon_end = checker.instance.horizon().end();
    if let Some(deadline) = dossier.deadline.filter(|deadline| *deadline <= horizon_end) {
        checker.push(
            ViolationCode::DeadlineUnscheduled,
            Some(dossier),
            None,
            None,
            format!(
                "le dossier {} doit être entendu au plus tard le {} mais n'est pas audiencé",
                dossier_fr(dossier),
                date_fr(deadline)
            ),
        );
    }
    if let Some(pinned) = &dossier.pinned_hearing {
        if !options.allow_moving_pinned {
            checker.push(
                ViolationCode::PinnedMoved,
                Some(dossier),
                None,
                None,
                format!(
                    "le dossier {} est publié à l'audience {pinned} ; le projet le retire du rôle",
                    dossier_fr(dossier)
                ),
            );
        }
    }
}

fn check_capacities(checker: &mut Checker<'_>, heard_at: &[Vec<usize>]) {
    let instance = checker.instance;
    for (h, hearing) in instance.hearings().iter().enumerate() {
        let weight: f64 = heard_at[h].iter().map(|&d| instance.dossiers()[d].weight).sum();
        if weight > hearing.capacity_weight + WEIGHT_EPSILON {
            checker.push(
                ViolationCode::CapacityWeightExceeded,
                None,
                Some(hearing),
                None,
                format!(
                    "{} porte un poids de {weight} pour une capacité de {}",
                    describe_hearing(hearing),
                    hearing.capacity_weight
                ),
            );
        }
        if heard_at[h].len() > hearing.capacity_count as usize {
            checker.push(
                ViolationCode::CapacityCountExceeded,
                None,
                Some(hearing),
                None,
                format!(
                    "{} entend {} dossiers pour une capacité de {}",
                    describe_hearing(hearing),
                    heard_at[h].len(),
                    hearing.capacity_count
                ),
            );
        }
    }
}

/// Who attends which hearing, by magistrate: the members of every listed
/// bench and the rapporteurs of every heard dossier.
fn attendance(
    instance: &Instance,
    assigned: &[Option<usize>],
    benches: &[Option<Vec<usize>>],
) -> BTreeMap<usize, BTreeSet<usize>> {
    let mut attends: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (h, bench) in benches.iter().enumerate() {
        for &m in bench.iter().flatten() {
            attends.entry(m).or_default().insert(h);
        }
    }
    for (d, hearing) in assigned.iter().enumerate() {
        let Some(h) = *hearing else { continue };
        for m in instance.dossiers()[d].rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)) {
            attends.entry(m).or_default().insert(h);
        }
    }
    attends
}

/// Whether magistrate `m` could have sat at hearing `h` given the rest of
/// the plan: present that day, recused from no dossier heard there, at no
/// other hearing of the half-day, below his weekly cap with the plan's other
/// hearings of the week.
pub(crate) fn could_sit(
    instance: &greffe_models::Instance,
    attends: &BTreeMap<usize, BTreeSet<usize>>,
    heard_at: &[Vec<usize>],
    h: usize,
    m: usize,
) -> bool {
    let magistrate = &instance.magistrates()[m];
    let hearing = &instance.hearings()[h];
    let recused = heard_at[h].iter().any(|&d| instance.dossiers()[d].is_recused(&magistrate.id));
    let week = greffe_models::dates::iso_week(hearing.date);
    let mut in_week = 0;
    let mut same_half_day = false;
    for o in attends.get(&m).into_iter().flatten().copied().filter(|&o| o != h) {
        let other = &instance.hearings()[o];
        same_half_day |= other.date == hearing.date && other.half_day == hearing.half_day;
        in_week += usize::from(greffe_models::dates::iso_week(other.date) == week);
    }
    !magistrate.is_absent_on(hearing.date)
        && !recused
        && !same_half_day
        && in_week < magistrate.max_hearings_per_week as usize
}

/// Availability: everyone attending (`attends`) is present, in one hearing
/// per half-day, within the weekly cap.
fn check_attendance(
    checker: &mut Checker<'_>,
    attends: &BTreeMap<usize, BTreeSet<usize>>,
    benches: &[Option<Vec<usize>>],
) {
    let instance = checker.instance;
    for (h, bench) in benches.iter().enumerate() {
        for &m in bench.iter().flatten() {
            let magistrate = checker.magistrate(m);
            let hearing = &instance.hearings()[h];
            if magistrate.is_absent_on(hearing.date) {
                checker.push(
                    ViolationCode::MagistrateAbsent,
                    None,
                    Some(hearing),
                    Some(magistrate),
                    format!(
                        "{} siège à {} alors qu'il est absent ce jour-là",
                        magistrate_fr(magistrate),
                        describe_hearing(hearing)
                    ),
                );
            }
        }
    }
    for (&m, hearings) in attends {
        let magistrate = checker.magistrate(m);
        let mut by_half_day: BTreeMap<_, Vec<&Hearing>> = BTreeMap::new();
        let mut by_week: BTreeMap<_, Vec<&Hearing>> = BTreeMap::new();
        for &h in hearings {
            let hearing = &instance.hearings()[h];
            by_half_day.entry((hearing.date, hearing.half_day)).or_default().push(hearing);
            let week = greffe_models::dates::iso_week(hearing.date);
            by_week.entry((week.year(), week.week())).or_default().push(hearing);
        }
        let ids = |list: &[&Hearing]| list.iter().map(|h| hearing_fr(h)).collect::<Vec<_>>().join(", ");
        for ((date, half_day), list) in by_half_day.into_iter().filter(|(_, list)| list.len() > 1) {
            checker.push(
                ViolationCode::DoubleBooking,
                None,
                Some(list[1]),
                Some(magistrate),
                format!(
                    "{} est attendu à {} audiences le {} ({}) : {}",
                    magistrate_fr(magistrate),
                    list.len(),
                    date_fr(date),
                    if half_day == greffe_models::dates::HalfDay::Pm { "après-midi" } else { "matin" },
                    ids(&list)
                ),
            );
        }
        if magistrate.role == Role::AvocatGeneral {
            continue;
        }
        for ((year, week), list) in by_week {
            if list.len() > magistrate.max_hearings_per_week as usize {
                checker.push(
                    ViolationCode::WeeklyCapExceeded,
                    None,
                    Some(list[list.len() - 1]),
                    Some(magistrate),
                    format!(
                        "{} assiste à {} audiences la semaine {week} de {year} pour un plafond de {} : {}",
                        magistrate_fr(magistrate),
                        list.len(),
                        magistrate.max_hearings_per_week,
                        ids(&list)
                    ),
                );
            }
        }
    }
}

fn check_joined_groups(checker: &mut Checker<'_>, assigned: &[Option<usize>]) {
    let instance = checker.instance;
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (d, dossier) in instance.dossiers().iter().enumerate() {
        if let Some(group) = &dossier.joined_group {
            groups.entry(group.as_str()).or_default().push(d);
        }
    }
    for (group, members) in groups {
        let first = assigned[members[0]];
        if let Some(&odd) = members.iter().find(|&&d| assigned[d] != first) {
            let placement = |d: usize| {
                let dossier = &instance.dossiers()[d];
                match assigned[d] {
                    Some(h) => format!("{} à {}", dossier_fr(dossier), describe_hearing(&instance.hearings()[h])),
                    None => format!("{} non audiencé", dossier_fr(dossier)),
                }
            };
            let all: Vec<String> = members.iter().map(|&d| placement(d)).collect();
            checker.push(
                ViolationCode::JoinedGroupSplit,
                Some(&instance.dossiers()[odd]),
                assigned[odd].map(|h| &instance.hearings()[h]),
                None,
                format!("les dossiers joints du groupe {group} doivent être entendus ensemble : {}", all.join(", ")),
            );
        }
    }
}
