//! The burndown chart as a standalone SVG: sites left over time, one line per migration, each
//! deadline as a vertical marker, a dashed projection from the last point to zero at the
//! recent rate, and a dot where a unit reached zero. Text is XML-escaped; numbers are rounded
//! so the same series always gives the same bytes. Knows nothing of git or scanning.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use crate::config::Date;
use crate::history::series::MigrationSeries;
use crate::trend::Eta;

const WIDTH: f64 = 880.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 64.0;
/// Legend entries per row, the width of each, and the height a row adds.
const LEGEND_COLUMNS: usize = 2;
const LEGEND_WIDTH: f64 = 400.0;
const LEGEND_ROW: f64 = 20.0;
/// Colour-blind-safe colours (Okabe and Ito), one per migration in turn.
const PALETTE: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
];

/// Renders the chart of `series`; `title` heads it.
pub fn render(series: &[MigrationSeries<'_>], title: &str) -> String {
    let points = series.iter().flat_map(|s| s.points.iter());
    let first = points.clone().map(|p| p.day.unix_days()).min();
    let last = points.clone().map(|p| p.day.unix_days()).max();
    let top_count = points.map(|p| p.remaining).max().unwrap_or(0);
    let (Some(first), Some(last)) = (first, last) else {
        return empty(title);
    };
    // The time axis reaches the deadlines (up to two years ahead) and the projections (as far
    // again as the history itself), so a far-away ETA does not squash the data.
    let span = (last - first).max(7);
    let mut end = last;
    for s in series {
        if let Some(deadline) = s.migration.deadline
            && deadline.unix_days() <= last + 730
        {
            end = end.max(deadline.unix_days());
        }
        if let Some(Eta::On(date)) = s.trend.map(|t| t.eta) {
            end = end.max(date.unix_days().min(last + span));
        }
    }
    // A little room on the right, so a deadline at the very end stays visible.
    let end = end.max(first + 1) + (end - first).max(1) / 40 + 1;
    let (y_max, grid_steps) = nice_axis(top_count);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |day: i64| LEFT + plot_w * (day - first) as f64 / (end - first) as f64;
    let y = |n: u64| TOP + plot_h * (1.0 - n as f64 / y_max as f64);
    // Two legend entries a row under the plot; the canvas grows by a row for every two more.
    let rows = series.len().div_ceil(LEGEND_COLUMNS).max(1);
    let height = HEIGHT + LEGEND_ROW * (rows - 1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="{LEFT}" y="24" font-size="16" font-weight="bold" fill="#24292f">{}</text>
"##,
        escape(title)
    );
    // Grid and axes.
    for step in 0..=grid_steps {
        // In u128: `y_max * step` may not fit in u64 for absurd counts.
        let value = (u128::from(y_max) * u128::from(step) / u128::from(grid_steps)) as u64;
        let py = y(value);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#d0d7de" stroke-width="1"/>
<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#57606a">{value}</text>"##,
            WIDTH - RIGHT,
            LEFT - 8.0,
            py + 4.0
        );
    }
    for tick in 0..=5i64 {
        let day = first + (end - first) * tick / 5;
        let px = x(day);
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{:.1}" stroke="#57606a"/>
<text x="{px:.1}" y="{:.1}" text-anchor="{}" fill="#57606a">{}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 5.0,
            TOP + plot_h + 20.0,
            match tick {
                0 => "start",
                5 => "end",
                _ => "middle",
            },
            Date::from_unix_days(day)
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="16" y="{:.1}" transform="rotate(-90 16 {:.1})" text-anchor="middle" fill="#57606a">sites left</text>"##,
        TOP + plot_h / 2.0,
        TOP + plot_h / 2.0
    );
    for (index, s) in series.iter().enumerate() {
        let color = PALETTE
            .get(index % PALETTE.len())
            .copied()
            .unwrap_or("#000000");
        draw_migration(&mut svg, s, color, index, &x, &y, end);
    }
    svg.push_str("</svg>\n");
    svg
}

fn draw_migration(
    svg: &mut String,
    s: &MigrationSeries<'_>,
    color: &str,
    index: usize,
    x: &dyn Fn(i64) -> f64,
    y: &dyn Fn(u64) -> f64,
    end: i64,
) {
    let path: Vec<String> = s
        .points
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p.day.unix_days()), y(p.remaining)))
        .collect();
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2.5" stroke-linejoin="round"/>"##,
        path.join(" ")
    );
    if let (Some(last), Some(Eta::On(eta))) = (s.points.last(), s.trend.map(|t| t.eta)) {
        // The projection runs to zero at the ETA, cut where the axis ends.
        let (x0, n0) = (last.day.unix_days(), last.remaining as f64);
        let x1 = eta.unix_days().min(end);
        let span = (eta.unix_days() - x0).max(1) as f64;
        let n1 = n0 * (1.0 - (x1 - x0) as f64 / span);
        let _ = writeln!(
            svg,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{color}" stroke-width="2" stroke-dasharray="6 5"/>"##,
            x(x0),
            y(last.remaining),
            x(x1),
            y(n1.max(0.0).round() as u64)
        );
    }
    if let Some(deadline) = s.migration.deadline
        && deadline.unix_days() <= end
    {
        let px = x(deadline.unix_days());
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="{color}" stroke-width="1.5" stroke-dasharray="2 3"/>
<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{color}">deadline {}</text>"##,
            HEIGHT - BOTTOM,
            px - 4.0,
            TOP + 14.0 + 14.0 * index as f64,
            deadline
        );
    }
    for completion in &s.completions {
        let day = completion.day.unix_days();
        let value = s
            .points
            .iter()
            .find(|p| p.day == completion.day)
            .map_or(0, |p| p.remaining);
        let (px, py) = (x(day), y(value));
        let _ = writeln!(
            svg,
            r##"<circle cx="{px:.1}" cy="{py:.1}" r="4.5" fill="#ffffff" stroke="{color}" stroke-width="2"><title>{} done</title></circle>
<text x="{:.1}" y="{:.1}" fill="{color}" font-size="10" transform="rotate(-30 {:.1} {:.1})">✓ {}</text>"##,
            escape(&completion.unit),
            px + 4.0,
            py - 8.0,
            px + 4.0,
            py - 8.0,
            escape(&completion.unit)
        );
    }
    // Legend under the plot.
    let lx = LEFT + LEGEND_WIDTH * (index % LEGEND_COLUMNS) as f64;
    let ly = HEIGHT - 16.0 + LEGEND_ROW * (index / LEGEND_COLUMNS) as f64;
    let status = match (s.points.last(), s.trend.map(|t| t.eta)) {
        (Some(p), Some(Eta::On(date))) => format!("{} left, ETA {date}", p.remaining),
        (Some(p), Some(Eta::Never)) => format!("{} left, at this rate: never", p.remaining),
        (Some(p), _) => format!("{} left", p.remaining),
        (None, _) => String::new(),
    };
    let _ = writeln!(
        svg,
        r##"<rect x="{lx:.1}" y="{:.1}" width="14" height="4" fill="{color}"/>
<text x="{:.1}" y="{ly:.1}" fill="#24292f">{}: {}</text>"##,
        ly - 6.0,
        lx + 20.0,
        escape(&s.migration.id),
        escape(&status)
    );
}

fn empty(title: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="80" viewBox="0 0 {WIDTH} 80" font-family="sans-serif" font-size="14">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="32" font-weight="bold">{}</text>
<text x="16" y="56">no commits to show</text>
</svg>
"##,
        escape(title)
    )
}

/// The axis: the smallest `step × count` at or above `n`, with `step` a round 1, 2, 2.5 or
/// 5 × 10ⁿ and four to six grid steps (so 105 gets 120 in steps of 20, not 200 in steps of 50).
fn nice_axis(n: u64) -> (u64, u64) {
    let mut scale = 1u64;
    loop {
        let mut best: Option<(u64, u64)> = None;
        // In tenths, so 2.5 is a whole step from 10 upwards.
        for tenths in [10u64, 20, 25, 50] {
            let Some(scaled) = tenths.checked_mul(scale) else {
                continue;
            };
            if !scaled.is_multiple_of(10) {
                continue;
            }
            for count in 4..=6 {
                let Some(top) = (scaled / 10).checked_mul(count) else {
                    continue;
                };
                if top >= n && best.is_none_or(|(b, _)| top < b) {
                    best = Some((top, count));
                }
            }
        }
        if let Some(axis) = best {
            return axis;
        }
        // Past every round number u64 holds: the count itself, in one step.
        let Some(next) = scale.checked_mul(10) else {
            return (n, 1);
        };
        scale = next;
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{HEIGHT, WIDTH, nice_axis, render};
    use crate::history::series::{MigrationSeries, SeriesPoint};

    /// Five migrations (the four presets and one more): every legend entry lies on the canvas,
    /// which grows a row for every two entries.
    #[test]
    fn every_legend_entry_is_on_the_canvas() {
        let text: String = (0..5)
            .map(|i| format!("[migrations.migration-{i}.rules.r]\npattern = 'x'\nmessage = 'm'\n"))
            .collect();
        let config =
            crate::config::parse(Path::new("/r/longtail.toml"), "longtail.toml", &text).unwrap();
        let point = |month: u8, remaining| SeriesPoint {
            commit: "c".into(),
            date: format!("2026-0{month}-01"),
            remaining,
            units: Default::default(),
            rules: Default::default(),
            units_done: 0,
            day: crate::config::Date {
                year: 2026,
                month,
                day: 1,
            },
        };
        let series: Vec<MigrationSeries<'_>> = config
            .migrations
            .iter()
            .map(|migration| MigrationSeries {
                migration,
                points: vec![point(1, 90), point(2, 80)],
                units: Vec::new(),
                completions: Vec::new(),
                trend: None,
            })
            .collect();
        let svg = render(&series, "t");
        let height = HEIGHT + 2.0 * super::LEGEND_ROW;
        assert!(svg.contains(&format!("height=\"{height}\"")), "{svg}");
        for i in 0..5 {
            let label = format!(">migration-{i}: 80 left</text>");
            let line = svg.lines().find(|l| l.contains(&label)).unwrap();
            let attr = |name: &str| -> f64 {
                let rest = &line[line.find(&format!("{name}=\"")).unwrap() + name.len() + 2..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            };
            assert!(attr("x") + 200.0 < WIDTH && attr("y") < height, "{line}");
        }
    }

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_axis(0), (4, 4));
        assert_eq!(nice_axis(7), (8, 4));
        assert_eq!(nice_axis(49), (50, 5));
        assert_eq!(nice_axis(81), (100, 5));
        assert_eq!(nice_axis(105), (120, 6));
        assert_eq!(nice_axis(201), (250, 5));
        assert_eq!(nice_axis(26), (30, 6));
        assert_eq!(nice_axis(1234), (1250, 5));
        // No overflow at the top of the range.
        for n in [u64::MAX / 3, u64::MAX / 2, u64::MAX - 1, u64::MAX] {
            let (top, _) = nice_axis(n);
            assert!(top >= n, "{n}");
        }
        // Every grid line is a whole number.
        for n in 0..5000 {
            let (top, steps) = nice_axis(n);
            assert!(
                top >= n && top % steps == 0 && (4..=6).contains(&steps),
                "{n}"
            );
        }
    }
}
