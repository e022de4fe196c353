//! Section benches after the search (planning model v2,
//! `greffe_models::sections`): a member of another section sits at a
//! section's hearing only while no member of that section (nor the
//! chamber's president) could. The bench heuristic takes the section first,
//! but the search moves dossiers and re-decides benches afterwards: a
//! member kept busy by a hearing the plan no longer uses, or who blocked a
//! dossier that went elsewhere, may be free again. [`settle`] gives each
//! such seat back to the section, until no replacement remains that a
//! member of the section could take; the replacements left are called by
//! rank (R431-6 COJ: a free member of another section of better rank takes
//! the seat of a junior one).

use greffe_models::sections;

use crate::benches::Benches;
use crate::chamber::Chamber;
use crate::reasons::{self, Outcome};

/// Gives the seats of other sections' members back to the hearing's
/// section where one of its members (or the chamber's president) could sit:
/// present, attending nothing else that half-day, below his weekly cap,
/// recused from no dossier heard and reporting none there (so that every
/// dossier keeps its voices); the replacements left are the most senior
/// free ones. `benches` holds the used hearings' benches only (an unused
/// hearing convenes no one). Returns the seats changed: (local hearing, the
/// replacement who leaves, who sits instead).
pub(crate) fn settle(
    chamber: &Chamber<'_>,
    assigned: &[Option<usize>],
    benches: &mut Benches,
    eligible: &[usize],
) -> Vec<(usize, usize, usize)> {
    let instance = chamber.instance;
    let magistrates = instance.magistrates();
    let mut heard: Vec<Vec<usize>> = vec![Vec::new(); chamber.hearings.len()];
    for (d, a) in assigned.iter().enumerate() {
        if let Some(h) = *a {
            heard[h].push(d);
        }
    }
    let drawing: Vec<usize> = (0..chamber.hearings.len())
        .filter(|&h| {
            let hearing = chamber.hearing(h);
            benches[h].is_some()
                && instance.formation(hearing.formation).is_some_and(|rule| sections::draws_from_section(hearing, rule))
        })
        .collect();
    let mut given_back = Vec::new();
    // Each pass changes one seat: a replacement gives it back to the
    // section, or to a replacement of better rank; the replacements only
    // decrease, in number then in rank, so the passes end.
    'pass: loop {
        let ledger = reasons::ledger(chamber, &Outcome { benches, assigned });
        for &h in &drawing {
            let hearing = chamber.hearing(h);
            let Some(rule) = instance.formation(hearing.formation) else { continue };
            let Some(bench) = benches[h].as_ref() else { continue };
            let own = |m: usize| sections::of_section(hearing, rule, &magistrates[m]);
            let free = |m: usize| {
                let magistrate = &magistrates[m];
                !bench.contains(&m)
                    && !magistrate.is_absent_on(hearing.date)
                    && !ledger.attends(m, h)
                    && ledger.can_attend(chamber, m, h)
                    && !heard[h].iter().any(|&d| chamber.dossier(d).is_recused(&magistrate.id))
            };
            for (seat, &out) in bench.iter().enumerate().filter(|(_, m)| !own(**m)) {
                let rank = magistrates[out].precedence_key();
                let member = eligible
                    .iter()
                    .copied()
                    .filter(|&m| own(m) || magistrates[m].precedence_key() < rank)
                    .filter(|&m| free(m))
                    .min_by_key(|&m| (!own(m), magistrates[m].precedence_key()));
                if let Some(m) = member {
                    given_back.push((h, out, m));
                    if let Some(bench) = benches[h].as_mut() {
                        bench[seat] = m;
                    }
                    continue 'pass;
                }
            }
        }
        return given_back;
    }
}
