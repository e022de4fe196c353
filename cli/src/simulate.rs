//! `greffe simulate`: what-if simulations, several scenarios in parallel,
//! results as CSV, JSON and SVG charts.

use std::path::{Path, PathBuf};

use clap::Args;
use greffe_simulation::{Outcome, Scenario, run};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use plotters::prelude::*;
use rayon::prelude::*;

use super::{EXIT_OK, EXIT_REFUSED, Failure, Io, files};

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// A scenario file (TOML, or JSON when it ends in `.json`); repeat to
    /// run several in parallel.
    #[arg(long = "scenario", required = true)]
    scenarios: Vec<PathBuf>,
    /// Folder for the results: one sub-folder per scenario.
    #[arg(long)]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

pub(crate) fn simulate(args: SimulateArgs, io: &mut Io<'_>) -> Result<u8, Failure> {
    let mut scenarios = Vec::new();
    for path in &args.scenarios {
        let text = files::read_text(path)?;
        let json = path.extension().is_some_and(|ext| ext == "json");
        match Scenario::parse(&text, !json) {
            Ok(scenario) => scenarios.push(scenario),
            Err(error) => {
                let _ = writeln!(io.err, "Scénario « {} » refusé — {error}", path.display());
                return Ok(EXIT_REFUSED);
            }
        }
    }
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        let _ = writeln!(io.err, "Deux scénarios s'appellent « {} » : donner un nom différent à chacun", pair[0]);
        return Ok(EXIT_REFUSED);
    }
    std::fs::create_dir_all(&args.out).map_err(|error| {
        Failure::usage(format!("impossible de créer le dossier « {} » : {error}", args.out.display()))
    })?;
    let progress = MultiProgress::with_draw_target(if args.quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    });
    let style = ProgressStyle::with_template("{prefix:>16} [{bar:30}] semaine {pos}/{len} {elapsed_precise}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    // One scenario: every core for each weekly solve; several: one each.
    let threads = if scenarios.len() == 1 { 0 } else { 1 };
    let started = std::time::Instant::now();
    let results: Vec<Result<Outcome, String>> = scenarios
        .par_iter()
        .map(|scenario| {
            let bar = progress.add(ProgressBar::new(u64::from(scenario.weeks)));
            bar.set_style(style.clone());
            bar.set_prefix(scenario.name.clone());
            let result = run(scenario, threads, &|week| bar.set_position(u64::from(week)));
            bar.finish();
            result.map_err(|error| format!("{} : {error}", scenario.name))
        })
        .collect();
    let elapsed = started.elapsed().as_secs_f64();
    let mut outcomes = Vec::new();
    for result in results {
        match result {
            Ok(outcome) => outcomes.push(outcome),
            Err(message) => {
                let _ = writeln!(io.err, "Simulation interrompue — {message}");
                return Ok(EXIT_REFUSED);
            }
        }
    }
    for outcome in &outcomes {
        let dir = args.out.join(&outcome.scenario);
        std::fs::create_dir_all(&dir)
            .map_err(|error| Failure::usage(format!("impossible de créer « {} » : {error}", dir.display())))?;
        write_outcome(&dir, outcome)?;
        let last = outcome.weeks.last();
        let _ = writeln!(
            io.out,
            "{} : stock {} → {}, {} dossiers jugés, {} délai(s) dépassé(s), délai médian {} j → {}",
            outcome.scenario,
            outcome.initial_stock,
            last.map_or(0, |w| w.stock),
            outcome.weeks.iter().map(|w| w.heard).sum::<usize>(),
            outcome.weeks.iter().map(|w| w.deadline_breaches).sum::<usize>(),
            last.and_then(|w| w.median_days_to_decision).map_or("-".to_owned(), |d| format!("{d:.0}")),
            dir.display()
        );
    }
    if outcomes.len() > 1 {
        let series: Vec<(&str, Vec<f64>)> =
            outcomes.iter().map(|o| (o.scenario.as_str(), o.weeks.iter().map(|w| w.stock as f64).collect())).collect();
        files::write_text(&args.out.join("stock.svg"), &chart("Stock par scénario", "dossiers", &series)?)?;
    }
    let _ = writeln!(io.out, "{} scénario(s) en {elapsed:.1} s → {}", outcomes.len(), args.out.display());
    Ok(EXIT_OK)
}

fn write_outcome(dir: &Path, outcome: &Outcome) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(outcome)
        .map_err(|error| Failure::usage(format!("résultat non sérialisable : {error}")))?;
    files::write_text(&dir.join("weekly.json"), &format!("{json}\n"))?;
    files::write_text(&dir.join("weekly.csv"), &outcome.weekly_csv())?;
    files::write_text(&dir.join("magistrates.csv"), &outcome.magistrates_csv())?;
    let series = |f: fn(&greffe_simulation::WeekRow) -> usize| -> Vec<f64> {
        outcome.weeks.iter().map(|w| f(w) as f64).collect()
    };
    let stock = chart(
        &format!("Stock — {}", outcome.scenario),
        "dossiers",
        &[("stock", series(|w| w.stock)), ("en état", series(|w| w.ready)), ("audiencés", series(|w| w.scheduled))],
    )?;
    files::write_text(&dir.join("stock.svg"), &stock)?;
    let age = chart(
        &format!("Âge du stock — {}", outcome.scenario),
        "dossiers",
        &[
            ("< 6 mois", series(|w| w.age_under_6_months)),
            ("6–12 mois", series(|w| w.age_6_to_12_months)),
            ("12–24 mois", series(|w| w.age_12_to_24_months)),
            ("> 24 mois", series(|w| w.age_over_24_months)),
        ],
    )?;
    files::write_text(&dir.join("age.svg"), &age)?;
    Ok(())
}

/// A line chart of weekly series, as SVG text.
fn chart(title: &str, unit: &str, series: &[(&str, Vec<f64>)]) -> Result<String, Failure> {
    let draw_error = |error: String| Failure::usage(format!("graphique « {title} » impossible : {error}"));
    let weeks = series.iter().map(|(_, s)| s.len()).max().unwrap_or(1).max(2);
    let top = series.iter().flat_map(|(_, s)| s.iter().copied()).fold(1.0, f64::max) * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| draw_error(e.to_string()))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(1f64..weeks as f64, 0f64..top)
            .map_err(|e| draw_error(e.to_string()))?;
        chart.configure_mesh().x_desc("semaine").y_desc(unit).draw().map_err(|e| draw_error(e.to_string()))?;
        for (i, (name, values)) in series.iter().enumerate() {
            let color = Palette99::pick(i).to_rgba();
            chart
                .draw_series(LineSeries::new(
                    values.iter().enumerate().map(|(w, v)| ((w + 1) as f64, *v)),
                    color.stroke_width(2),
                ))
                .map_err(|e| draw_error(e.to_string()))?
                .label(*name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| draw_error(e.to_string()))?;
        root.present().map_err(|e| draw_error(e.to_string()))?;
    }
    Ok(svg)
}
