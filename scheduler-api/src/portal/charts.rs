//! Line charts drawn on the server as inline SVG: no script, printable,
//! readable without colour (each series has its own dash pattern and its
//! legend), and each chart is an image whose text alternative points to the
//! table of its figures beside it (RGAA 1.3 and 1.9).

use std::fmt::Write;

/// One line of a chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// What it measures (or which scenario), in the legend.
    pub label: String,
    /// One value per point of the x axis; none where there is no value.
    pub values: Vec<Option<f64>>,
}

/// A series as the legend draws it.
#[derive(Debug, Clone)]
pub struct Key {
    /// Its label.
    pub label: String,
    /// Stroke colour.
    pub colour: &'static str,
    /// `stroke-dasharray` (empty: solid).
    pub dash: &'static str,
}

/// A line chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// HTML id (its title's id is `{id}-titre`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Unit of the y axis, in French (« dossiers », « jours »).
    pub unit: String,
    /// Label of each point of the x axis.
    pub x_labels: Vec<String>,
    /// Lines.
    pub series: Vec<Series>,
}

/// DSFR illustrative colours, dark enough for 3:1 against white (RGAA 3.3).
const COLOURS: [&str; 6] = ["#000091", "#c9191e", "#18753c", "#716043", "#6e445a", "#0063cb"];
const DASHES: [&str; 6] = ["", "6 4", "2 3", "10 3 2 3", "1 6", "12 6"];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

/// Text for an SVG text node or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as a French reader writes it: `12 345`, `3,5`.
pub fn number_fr(value: f64) -> String {
    let rounded =
        if value.fract().abs() < 1e-9 || value.abs() >= 100.0 { format!("{value:.0}") } else { format!("{value:.1}") };
    let (int, frac) = rounded.split_once('.').map_or((rounded.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{202F}');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A round step near `raw`: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|&step| step >= raw).unwrap_or(10.0 * magnitude)
}

/// The y axis for values from `low` to `high`: four round steps. It starts
/// at zero unless the values sit high above it (a stock of 19,000 that
/// moves by a hundred): then it starts just below them, and says so by its
/// first label.
fn axis(low: f64, high: f64) -> (f64, f64) {
    let (low, high) = (low.min(high), high.max(low));
    let from_zero = low <= 0.0 || low < high / 2.0;
    let base = if from_zero { low.min(0.0) } else { low };
    let step = nice_step((high - base).max(f64::EPSILON) / 4.0);
    let bottom = if from_zero && low >= 0.0 { 0.0 } else { (base / step).floor() * step };
    let mut top = bottom + 4.0 * step;
    if top < high {
        top = bottom + (((high - bottom) / step).ceil()) * step;
    }
    if high <= bottom {
        top = bottom + 4.0 * step;
    }
    (bottom, top)
}

impl Chart {
    /// The legend: each series' colour and dash.
    pub fn keys(&self) -> Vec<Key> {
        self.series
            .iter()
            .enumerate()
            .map(|(i, s)| Key { label: s.label.clone(), colour: COLOURS[i % 6], dash: DASHES[i % 6] })
            .collect()
    }

    /// The chart as an inline SVG element.
    pub fn svg(&self) -> String {
        let points = self.x_labels.len().max(1);
        let values = || self.series.iter().flat_map(|s| s.values.iter().flatten().copied());
        let (bottom, top) = match (values().reduce(f64::min), values().reduce(f64::max)) {
            (Some(low), Some(high)) => axis(low, high),
            _ => (0.0, 1.0),
        };
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |i: usize| {
            if points == 1 { LEFT + plot_w / 2.0 } else { LEFT + plot_w * i as f64 / (points - 1) as f64 }
        };
        let y = |v: f64| TOP + plot_h * (1.0 - (v - bottom) / (top - bottom));
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="graphique" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-titre {id}-desc" focusable="false" xmlns="http://www.w3.org/2000/svg"><title id="{id}-titre">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            id = escape(&self.id),
            title = escape(&self.title),
            desc = escape(&format!(
                "{} ; en ordonnée, {} ; les valeurs sont dans le tableau qui suit.",
                self.keys().iter().map(|k| k.label.as_str()).collect::<Vec<_>>().join(", "),
                self.unit
            )),
        );
        let steps = ((top - bottom) / nice_step((top - bottom) / 4.0)).round().max(1.0) as u32;
        for step in 0..=steps {
            let value = bottom + (top - bottom) * f64::from(step) / f64::from(steps);
            let at = y(value);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" x2="{}" y1="{at:.1}" y2="{at:.1}" stroke="#dddddd"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12" fill="#3a3a3a">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                at + 4.0,
                escape(&number_fr(value)),
            );
        }
        let every = points.div_ceil(12).max(1);
        for (i, label) in self.x_labels.iter().enumerate() {
            if i % every != 0 && i + 1 != points {
                continue;
            }
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12" fill="#3a3a3a">{}</text>"##,
                x(i),
                HEIGHT - BOTTOM + 18.0,
                escape(label),
            );
        }
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{}" stroke="#666666"/><line x1="{LEFT}" x2="{}" y1="{}" y2="{}" stroke="#666666"/>"##,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM,
        );
        for key_and_series in self.keys().iter().zip(&self.series) {
            let (key, series) = key_and_series;
            // A gap in the values breaks the line.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (i, value) in series.values.iter().enumerate() {
                match value {
                    Some(v) => runs.last_mut().map(|run| run.push((x(i), y(*v)))).unwrap_or_default(),
                    None => runs.push(Vec::new()),
                }
            }
            for run in runs.iter().filter(|r| !r.is_empty()) {
                let path: Vec<String> = run.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect();
                let dash =
                    if key.dash.is_empty() { String::new() } else { format!(r#" stroke-dasharray="{}""#, key.dash) };
                if run.len() == 1 {
                    let _ = write!(
                        svg,
                        r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"/>"#,
                        run[0].0, run[0].1, key.colour
                    );
                } else {
                    let _ = write!(
                        svg,
                        r#"<polyline fill="none" stroke="{}" stroke-width="2.5"{dash} points="{}"/>"#,
                        key.colour,
                        path.join(" ")
                    );
                }
            }
        }
        svg.push_str("</svg>");
        svg
    }

    /// The rows of the chart's table: one per point, its x label then each
    /// series' value (« — » where none).
    pub fn rows(&self) -> Vec<(String, Vec<String>)> {
        self.x_labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let values = self
                    .series
                    .iter()
                    .map(|s| s.values.get(i).copied().flatten().map_or_else(|| "—".to_owned(), number_fr))
                    .collect();
                (label.clone(), values)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            id: "stock".into(),
            title: "Stock <en fin> de semaine".into(),
            unit: "dossiers".into(),
            x_labels: vec!["S1".into(), "S2".into(), "S3".into()],
            series: vec![
                Series { label: "base & \"hausse\"".into(), values: vec![Some(10.0), None, Some(30.0)] },
                Series { label: "autre".into(), values: vec![Some(5.0), Some(7.5), Some(1234.0)] },
            ],
        }
    }

    #[test]
    fn a_chart_is_an_image_with_its_words_escaped_and_its_gaps_kept() {
        let svg = chart().svg();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#) && svg.contains("Stock &lt;en fin&gt; de semaine"));
        assert!(svg.contains("base &amp; &quot;hausse&quot;") && !svg.contains("base & "));
        // The first series has a gap: two lone points, no line across it.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        // The axis goes up to a round figure above the largest value.
        assert!(svg.contains(">2\u{202F}000</text>"), "{svg}");
    }

    #[test]
    fn numbers_read_the_french_way_and_rows_follow_the_axis() {
        assert_eq!(number_fr(21613.0), "21\u{202F}613");
        assert_eq!(number_fr(3.5), "3,5");
        assert_eq!(number_fr(-1500.0), "-1\u{202F}500");
        let rows = chart().rows();
        assert_eq!(rows[1], ("S2".to_owned(), vec!["—".to_owned(), "7,5".to_owned()]));
        assert_eq!(axis(0.0, 1234.0), (0.0, 2000.0));
        assert_eq!(axis(0.0, 0.0).0, 0.0);
        // A stock high above zero that moves little: the axis zooms in.
        let (bottom, top) = axis(19_354.0, 19_582.0);
        assert!(bottom > 19_000.0 && bottom <= 19_354.0, "{bottom}");
        assert!((19_582.0..=19_700.0).contains(&top), "{top}");
    }
}
