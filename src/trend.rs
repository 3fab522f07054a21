//! The burn rate and the ETA of a migration from a series of (date, sites left): how many sites
//! went away over the recent window, and when zero is reached if that pace holds. Pure
//! arithmetic on dates; knows nothing of git, scanning or formats.

use crate::config::Date;

/// When a migration reaches zero at the recent pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eta {
    /// No site left.
    Done,
    /// The count did not go down over the window (flat or rising): at this rate, never.
    Never,
    /// The day the last site goes, at the recent rate.
    On(Date),
}

/// The recent trend of one migration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Sites removed per day over the window (negative when the count rose).
    pub per_day: f64,
    /// The days the rate was measured over.
    pub days: i64,
    /// When zero is reached.
    pub eta: Eta,
}

impl Trend {
    /// Sites removed per week, rounded to one decimal for display.
    pub fn per_week(&self) -> f64 {
        (self.per_day * 70.0).round() / 10.0
    }

    /// Whether zero comes by `deadline` at this rate.
    pub fn on_track(&self, deadline: Date) -> bool {
        match self.eta {
            Eta::Done => true,
            Eta::Never => false,
            Eta::On(date) => date <= deadline,
        }
    }
}

/// The trend of `points` (sorted by date, one count per point) over the last `window` days.
///
/// The rate compares the latest count with the count as of the window's start (the last point
/// on or before that day, or the first point when the series is shorter): `(then - now) /
/// days`. The ETA is the latest date plus `now / rate` days, rounded up. `None` when the
/// points span less than a day, so there is no rate to speak of.
pub fn trend(points: &[(Date, u64)], window: u32) -> Option<Trend> {
    let &(last_date, now) = points.last()?;
    let start = last_date.unix_days() - i64::from(window);
    let &(then_date, then) = points
        .iter()
        .rev()
        .find(|(date, _)| date.unix_days() <= start)
        .or_else(|| points.first())?;
    let days = last_date.unix_days() - then_date.unix_days();
    if now == 0 {
        return Some(Trend {
            per_day: if days > 0 {
                then as f64 / days as f64
            } else {
                0.0
            },
            days,
            eta: Eta::Done,
        });
    }
    if days <= 0 {
        return None;
    }
    let per_day = (then as f64 - now as f64) / days as f64;
    let eta = if per_day <= 0.0 {
        Eta::Never
    } else {
        let more = (now as f64 / per_day).ceil();
        // A rate so slow that the ETA leaves the calendar is "never" for every practical use.
        if more > 3_650_000.0 {
            Eta::Never
        } else {
            Eta::On(Date::from_unix_days(last_date.unix_days() + more as i64))
        }
    };
    Some(Trend { per_day, days, eta })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn rate_over_the_window_and_eta() {
        // 60 sites on Jan 1, 50 on Jan 15, 40 on Jan 29: over 28 days, 20 sites went, so
        // 5 per week; 40 more take 56 days: Mar 26.
        let points = [
            (d("2026-01-01"), 60),
            (d("2026-01-15"), 50),
            (d("2026-01-29"), 40),
        ];
        let t = trend(&points, 28).unwrap();
        assert_eq!(t.per_week(), 5.0);
        assert_eq!(t.eta, Eta::On(d("2026-03-26")));
        assert!(t.on_track(d("2026-03-31")));
        assert!(!t.on_track(d("2026-03-25")));
        // A 14-day window sees only the last fortnight: 10 sites in 14 days, same rate.
        assert_eq!(trend(&points, 14).unwrap().eta, Eta::On(d("2026-03-26")));
    }

    #[test]
    fn flat_or_rising_is_never_and_zero_is_done() {
        let flat = [(d("2026-01-01"), 5), (d("2026-02-01"), 5)];
        assert_eq!(trend(&flat, 28).unwrap().eta, Eta::Never);
        let rising = [(d("2026-01-01"), 5), (d("2026-02-01"), 9)];
        assert_eq!(trend(&rising, 28).unwrap().eta, Eta::Never);
        let done = [(d("2026-01-01"), 5), (d("2026-02-01"), 0)];
        assert_eq!(trend(&done, 28).unwrap().eta, Eta::Done);
        assert_eq!(trend(&[(d("2026-01-01"), 5)], 28), None);
        assert_eq!(trend(&[], 28), None);
    }
}
