//! Chambre mixte and assemblée plénière (planning model v2), planned before
//! the chambers' own hearings.
//!
//! Their benches are not a choice: the law names the seats (L421-4, L421-5
//! COJ) and the instance the people — the premier président, each composing
//! chamber's president and doyen, its designated conseillers — and a member
//! who cannot sit (absent, recused from a dossier heard, already sitting
//! that half-day, at his weekly cap) is replaced by the first available
//! substitute of his chamber; when the premier président cannot sit, the
//! most senior president present presides and his chamber's seat goes to a
//! substitute. [`compose`] applies exactly that.
//!
//! The referred dossiers are few (a handful a year): each, urgent and most
//! valuable first, goes to its most valuable hearing that can compose a
//! bench for every dossier it then hears. The bound is the LP bound of the
//! chambers (`bound::lp_bound`). Whoever a used hearing convenes is then
//! [`Reserved`] for that half-day: the chambers plan around them.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use greffe_models::dates::iso_week;
use greffe_models::{Date, HalfDay, Hearing, Instance, Role, Unscheduled, multi};

use crate::benches::Benches;
use crate::chamber::Chamber;
use crate::model::{NEVER, Pairs};
use crate::part::ChamberPlan;
use crate::{PartStats, SolveConfig, bound, candidates, greedy, part, reasons};

/// Half-days and weekly attendances already taken, by magistrate index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reserved {
    slots: HashSet<(usize, Date, HalfDay)>,
    weeks: HashMap<(usize, i32, u32), u32>,
}

impl Reserved {
    /// Magistrate `m` attends `hearing` (once per half-day).
    pub(crate) fn add(&mut self, m: usize, hearing: &Hearing) {
        if self.slots.insert((m, hearing.date, hearing.half_day)) {
            let week = iso_week(hearing.date);
            *self.weeks.entry((m, week.year(), week.week())).or_default() += 1;
        }
    }

    /// Everyone a used hearing convenes: its bench, and the rapporteurs of
    /// the dossiers it hears (on the bench or joining it).
    pub(crate) fn sit<'d>(
        &mut self,
        instance: &Instance,
        hearing: &Hearing,
        bench: &[usize],
        heard: impl Iterator<Item = &'d greffe_models::Dossier>,
    ) {
        for &m in bench {
            self.add(m, hearing);
        }
        for dossier in heard {
            for m in dossier.rapporteurs.iter().filter_map(|id| instance.magistrate_idx(id)) {
                self.add(m, hearing);
            }
        }
    }

    /// Whether `m` is taken in `hearing`'s half-day.
    pub(crate) fn at(&self, m: usize, hearing: &Hearing) -> bool {
        self.at_slot(m, hearing.date, hearing.half_day)
    }

    /// Whether `m` is taken on `date`'s `half_day`.
    pub(crate) fn at_slot(&self, m: usize, date: Date, half_day: HalfDay) -> bool {
        self.slots.contains(&(m, date, half_day))
    }

    /// Attendances of `m` already taken in the ISO week of `date`.
    pub(crate) fn in_week(&self, m: usize, date: Date) -> u32 {
        let week = iso_week(date);
        self.in_iso_week(m, week.year(), week.week())
    }

    /// Attendances of `m` already taken in ISO week `week` of `year`.
    pub(crate) fn in_iso_week(&self, m: usize, year: i32, week: u32) -> u32 {
        self.weeks.get(&(m, year, week)).copied().unwrap_or(0)
    }

    /// What `m` may still attend in the week of `date`, within his cap.
    pub(crate) fn cap_left(&self, instance: &Instance, m: usize, date: Date) -> u32 {
        instance.magistrates()[m].max_hearings_per_week.saturating_sub(self.in_week(m, date))
    }

    /// Only the reservations of magistrates `keep` accepts.
    pub(crate) fn only(&self, keep: impl Fn(usize) -> bool) -> Reserved {
        Reserved {
            slots: self.slots.iter().copied().filter(|(m, ..)| keep(*m)).collect(),
            weeks: self.weeks.iter().filter(|((m, ..), _)| keep(*m)).map(|(k, v)| (*k, *v)).collect(),
        }
    }

    /// Whether nothing is reserved.
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// Whether `m` can sit at `hearing`: present, free that half-day, below his
/// weekly cap, not excluded.
fn available(instance: &Instance, taken: &Reserved, excluded: &HashSet<usize>, m: usize, hearing: &Hearing) -> bool {
    !instance.magistrates()[m].is_absent_on(hearing.date)
        && !taken.at(m, hearing)
        && taken.cap_left(instance, m, hearing.date) > 0
        && !excluded.contains(&m)
}

/// The bench of a chambre mixte or assemblée plénière hearing given who is
/// already taken and who may not sit (recused from a dossier heard), or why
/// none can be formed (in French).
pub(crate) fn compose(
    instance: &Instance,
    hearing: &Hearing,
    taken: &Reserved,
    excluded: &HashSet<usize>,
) -> Result<Vec<usize>, String> {
    let Some(conseillers) = multi::conseillers_per_chamber(hearing.formation) else {
        return Err(format!("formation {} sans composition de droit", hearing.formation));
    };
    let magistrates = instance.magistrates();
    let can_sit = |m: usize| available(instance, taken, excluded, m, hearing);
    // The best-ranked magistrate of `role` in `chamber`.
    let head = |chamber: &greffe_models::ChamberId, role: Role| {
        (0..magistrates.len())
            .filter(|&m| &magistrates[m].chamber == chamber && magistrates[m].role == role)
            .min_by_key(|&m| magistrates[m].precedence_key())
    };
    // Each composing chamber's standing members: president, doyen, designated.
    let mut standing: Vec<Vec<Option<usize>>> = Vec::with_capacity(hearing.chambers.len());
    for chamber in &hearing.chambers {
        let designated = instance.designation(hearing.formation, chamber);
        let mut seats = vec![head(chamber, Role::President), head(chamber, Role::Doyen)];
        for k in 0..conseillers {
            seats.push(designated.and_then(|d| d.members.get(k)).and_then(|id| instance.magistrate_idx(id)));
        }
        standing.push(seats);
    }
    // The premier président presides; if he cannot, the most senior
    // president present does, leaving his chamber's seat to a substitute.
    let presiding = match instance.premier_president().filter(|&p| can_sit(p)) {
        Some(p) => p,
        None => standing
            .iter()
            .filter_map(|seats| seats[0])
            .filter(|&m| can_sit(m))
            .min_by_key(|&m| magistrates[m].court_precedence_key())
            .ok_or_else(|| "ni le premier président ni aucun président de chambre ne peut présider".to_owned())?,
    };
    let mut bench = vec![presiding];
    for (chamber, seats) in hearing.chambers.iter().zip(&standing) {
        let mut missing = 0;
        for seat in seats {
            match *seat {
                Some(m) if m != presiding && can_sit(m) => bench.push(m),
                _ => missing += 1,
            }
        }
        let substitutes = instance.designation(hearing.formation, chamber).map_or(&[][..], |d| &d.substitutes[..]);
        let called: Vec<usize> = substitutes
            .iter()
            .filter_map(|id| instance.magistrate_idx(id))
            .filter(|&m| can_sit(m) && !bench.contains(&m))
            .take(missing)
            .collect();
        if called.len() < missing {
            return Err(format!(
                "chambre {chamber} : {missing} siège(s) à pourvoir, {} suppléant(s) disponible(s)",
                called.len()
            ));
        }
        bench.extend(called);
    }
    Ok(bench)
}

/// The plans of `mi` and `pl`, and who they take.
pub(crate) struct MultiPlan {
    pub(crate) parts: Vec<ChamberPlan>,
    /// Members and joining rapporteurs of the used hearings.
    pub(crate) reserved: Reserved,
}

/// Plans the chambre mixte's and the assemblée plénière's hearings.
pub(crate) fn plan(instance: &Instance, config: &SolveConfig<'_>) -> MultiPlan {
    let started = Instant::now();
    let chambers: Vec<Chamber<'_>> = instance
        .chambers()
        .iter()
        .filter(|c| multi::is_multi_chamber_id(&c.id))
        .map(|c| Chamber::build(instance, &c.id, config.allow_moving_pinned, &Reserved::default()))
        .collect();
    // The chambers' locked benches are commitments: their members are taken.
    let mut locked = Reserved::default();
    for hearing in instance.hearings().iter().filter(|h| !h.is_multi_chamber()) {
        for id in hearing.locked_bench.iter().flatten() {
            if let Some(m) = instance.magistrate_idx(id) {
                locked.add(m, hearing);
            }
        }
    }
    let pairs: Vec<Pairs> = chambers.iter().map(|chamber| part::instance_pairs(chamber, config)).collect();
    let mut state = State {
        instance,
        chambers: &chambers,
        locked,
        benches: chambers.iter().map(|c| vec![None; c.hearings.len()]).collect(),
        assigned: chambers.iter().map(|c| vec![None; c.dossiers.len()]).collect(),
    };
    // Units (a dossier, or its joined group), urgent and valuable first.
    let mut units: Vec<(usize, Vec<usize>)> = chambers
        .iter()
        .enumerate()
        .flat_map(|(c, chamber)| greedy::units(chamber).into_iter().map(move |unit| (c, unit)))
        .collect();
    let urgency = |(c, unit): &(usize, Vec<usize>)| greedy::urgency(&chambers[*c], unit);
    units.sort_by(|a, b| {
        let (ra, pa) = urgency(a);
        let (rb, pb) = urgency(b);
        rb.cmp(&ra).then(pb.total_cmp(&pa)).then(a.cmp(b))
    });
    for (c, unit) in &units {
        let value = |h: usize| -> Option<f64> {
            unit.iter().map(|&d| crate::model::pair_value(&pairs[*c], d, h)).sum::<Option<f64>>()
        };
        let mut options: Vec<(usize, f64)> =
            chambers[*c].candidates[unit[0]].iter().filter_map(|&h| value(h).map(|v| (h, v))).collect();
        options.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        for (h, _) in options {
            if state.try_place(*c, unit, h) {
                break;
            }
        }
    }
    let reserved = state.reserved(false, None);
    let parts =
        chambers.iter().enumerate().map(|(c, chamber)| state.finish(c, chamber, &pairs[c], config, started)).collect();
    MultiPlan { parts, reserved }
}

struct State<'s, 'a> {
    instance: &'a Instance,
    chambers: &'s [Chamber<'a>],
    locked: Reserved,
    /// Per multi chamber, per local hearing: the bench of a used hearing.
    benches: Vec<Benches>,
    /// Per multi chamber, per local dossier: its local hearing.
    assigned: Vec<Vec<Option<usize>>>,
}

impl State<'_, '_> {
    /// Who the used hearings take (with the chambers' locked benches when
    /// `locked`), but for hearing `except` (multi chamber, local hearing).
    fn reserved(&self, locked: bool, except: Option<(usize, usize)>) -> Reserved {
        let mut taken = if locked { self.locked.clone() } else { Reserved::default() };
        for (c, chamber) in self.chambers.iter().enumerate() {
            for (h, bench) in self.benches[c].iter().enumerate() {
                let Some(bench) = bench.as_ref().filter(|_| except != Some((c, h))) else { continue };
                let heard = (0..chamber.dossiers.len()).filter(|&d| self.assigned[c][d] == Some(h));
                taken.sit(self.instance, chamber.hearing(h), bench, heard.map(|d| chamber.dossier(d)));
            }
        }
        taken
    }

    /// Places `unit` (local dossiers of multi chamber `c`) at local hearing
    /// `h` when the hearing has room and a bench lawful for every dossier
    /// it would then hear.
    fn try_place(&mut self, c: usize, unit: &[usize], h: usize) -> bool {
        let chamber = &self.chambers[c];
        let hearing = chamber.hearing(h);
        let mut heard: Vec<usize> = (0..chamber.dossiers.len()).filter(|&d| self.assigned[c][d] == Some(h)).collect();
        heard.extend_from_slice(unit);
        let weight: f64 = heard.iter().map(|&d| chamber.dossier(d).weight).sum();
        if weight > hearing.capacity_weight + 1e-9 || heard.len() > hearing.capacity_count as usize {
            return false;
        }
        let taken = self.reserved(true, Some((c, h)));
        let excluded: HashSet<usize> = heard
            .iter()
            .flat_map(|&d| chamber.dossier(d).recusals.iter())
            .filter_map(|r| self.instance.magistrate_idx(&r.magistrate))
            .collect();
        let Ok(bench) = compose(self.instance, hearing, &taken, &excluded) else { return false };
        let lawful = heard.iter().all(|&d| {
            let dossier = chamber.dossier(d);
            candidates::bench_filter(self.instance, dossier, hearing, Some(&bench)).is_none()
                && dossier
                    .rapporteurs
                    .iter()
                    .filter_map(|id| self.instance.magistrate_idx(id))
                    .all(|m| bench.contains(&m) || available(self.instance, &taken, &HashSet::new(), m, hearing))
        });
        if !lawful {
            return false;
        }
        self.benches[c][h] = Some(bench);
        for &d in unit {
            self.assigned[c][d] = Some(h);
        }
        true
    }

    fn finish(
        &self,
        c: usize,
        chamber: &Chamber<'_>,
        pairs: &Pairs,
        config: &SolveConfig<'_>,
        started: Instant,
    ) -> ChamberPlan {
        let assigned = &self.assigned[c];
        // Reasons judge an unused hearing by the bench it could have.
        let taken = self.reserved(true, None);
        let reason_benches: Benches = (0..chamber.hearings.len())
            .map(|h| {
                self.benches[c][h]
                    .clone()
                    .or_else(|| compose(self.instance, chamber.hearing(h), &taken, &HashSet::new()).ok())
            })
            .collect();
        let outcome = reasons::Outcome { benches: &reason_benches, assigned };
        let mut unscheduled = Vec::new();
        let mut broken = Vec::new();
        for d in (0..chamber.dossiers.len()).filter(|&d| assigned[d].is_none()) {
            let (reason, detail) = reasons::unscheduled(chamber, d, &outcome);
            unscheduled.push(Unscheduled { dossier: chamber.dossier(d).id.clone(), reason, detail });
            if let Some(requirement) = chamber.required[d] {
                broken.push(reasons::broken(chamber, d, requirement, &outcome));
            }
        }
        // Under the default objective, grouping by matter costs here too;
        // the load term is the chambers' (the law, not the planner, spreads
        // these sittings).
        let grouping = crate::model::Extras::of(config.objective).matter_group_cost;
        let objective = crate::lns::value(pairs, assigned) - grouping * part::matter_groups(chamber, assigned) as f64;
        let deadline = Instant::now() + Duration::from_secs(1);
        let bound = bound::lp_bound(chamber, pairs, grouping, deadline, &NEVER).map(|lp| lp.max(objective));
        ChamberPlan {
            stats: PartStats {
                chamber: chamber.id.to_string(),
                dossiers: chamber.dossiers.len(),
                hearings: chamber.hearings.len(),
                pairs: pairs.iter().map(Vec::len).sum(),
                assigned: assigned.iter().flatten().count(),
                objective,
                benchmark: part::benchmark_part(chamber, assigned),
                bound,
                model: "multi_chamber",
                milp_status: "composition de droit".to_owned(),
                milp_solution: false,
                time_limit_hit: false,
                neighbourhoods: 0,
                solve_ms: started.elapsed().as_millis() as u64,
            },
            assignments: assigned
                .iter()
                .enumerate()
                .filter_map(|(d, a)| a.map(|h| (chamber.dossiers[d], chamber.hearings[h])))
                .collect(),
            benches: self.benches[c]
                .iter()
                .enumerate()
                .filter_map(|(h, bench)| bench.clone().map(|members| (chamber.hearings[h], members)))
                .collect(),
            unscheduled,
            broken,
        }
    }
}
