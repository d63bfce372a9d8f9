//! Progress on a terminal (a bar) or in a log (a line every few seconds).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kenning_build::{BuildProgress, Phase};

/// Draws progress from another thread until [`ProgressReporter::finish`].
pub(crate) struct ProgressReporter {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressReporter {
    pub(crate) fn start(progress: Arc<BuildProgress>, quiet: bool) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            if !quiet && std::io::stderr().is_terminal() {
                draw_bar(&progress, &flag);
            } else {
                log_lines(&progress, &flag, quiet);
            }
        });
        ProgressReporter {
            stop,
            thread: Some(thread),
        }
    }

    pub(crate) fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn phase_label(phase: &Phase) -> String {
    match phase {
        Phase::Starting => "starting".into(),
        Phase::Reading(path) => format!("reading {path}"),
        Phase::Linking => "resolving redirects and links".into(),
        Phase::Detecting => "detecting concepts in texts without links".into(),
        Phase::Relating => "finding related concepts".into(),
        Phase::Records => "detecting the concepts of records".into(),
        Phase::Indexing => "writing the search index".into(),
        Phase::Publishing => "publishing".into(),
        Phase::Done => "done".into(),
    }
}

/// Pages per second while sources are read; frozen when reading ends, so
/// later phases do not show a rate that decays while nothing is read.
#[derive(Default)]
struct ReadRate {
    frozen: Option<f64>,
}

impl ReadRate {
    fn get(&mut self, phase: &Phase, pages: u64, since_start: Duration) -> f64 {
        let rate = || pages as f64 / since_start.as_secs_f64().max(1e-3);
        match phase {
            Phase::Starting | Phase::Reading(_) => rate(),
            _ => *self.frozen.get_or_insert_with(rate),
        }
    }
}

fn draw_bar(progress: &BuildProgress, stop: &AtomicBool) {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(5));
    let style = ProgressStyle::with_template(
        "{spinner} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} · {msg} · ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    let started = Instant::now();
    let mut last_phase = Phase::Starting;
    let mut read_rate = ReadRate::default();
    while !stop.load(Ordering::Relaxed) {
        let phase = progress.phase();
        if phase != last_phase {
            bar.println(phase_label(&phase));
            bar.reset_eta();
            last_phase = phase.clone();
        }
        for w in progress.take_warnings() {
            bar.println(format!("warning: {w}"));
        }
        let pages = progress.pages.load(Ordering::Relaxed);
        bar.set_length(progress.total_bytes.load(Ordering::Relaxed));
        bar.set_position(progress.bytes.load(Ordering::Relaxed));
        let rate = read_rate.get(&phase, pages, started.elapsed());
        bar.set_message(format!("{pages} pages, {rate:.0} pages/s"));
        std::thread::sleep(Duration::from_millis(100));
    }
    for w in progress.take_warnings() {
        bar.println(format!("warning: {w}"));
    }
    bar.finish_and_clear();
}

fn log_lines(progress: &BuildProgress, stop: &AtomicBool, quiet: bool) {
    let started = Instant::now();
    let mut last_log = Instant::now();
    let mut last_phase = Phase::Starting;
    let mut phase_started = Instant::now();
    let mut read_rate = ReadRate::default();
    let emit_warnings = || {
        for w in progress.take_warnings() {
            eprintln!("warning: {w}");
        }
    };
    while !stop.load(Ordering::Relaxed) {
        emit_warnings();
        let phase = progress.phase();
        let pages = progress.pages.load(Ordering::Relaxed);
        // Every tick, so the rate freezes when reading ends, not at the
        // next log line.
        let rate = read_rate.get(&phase, pages, started.elapsed());
        if !quiet && phase != last_phase {
            eprintln!(
                "[{:>6.1}s] {}",
                started.elapsed().as_secs_f64(),
                phase_label(&phase)
            );
            last_phase = phase.clone();
            phase_started = Instant::now();
        }
        if !quiet && last_log.elapsed() >= Duration::from_secs(5) {
            let secs = started.elapsed().as_secs_f64();
            if matches!(phase, Phase::Starting | Phase::Reading(_)) {
                let bytes = progress.bytes.load(Ordering::Relaxed);
                let total = progress.total_bytes.load(Ordering::Relaxed);
                eprintln!(
                    "[{secs:>6.1}s] {pages} pages ({rate:.0} pages/s), {:.1} of {:.1} MB of the current source",
                    bytes as f64 / 1e6,
                    total as f64 / 1e6
                );
            } else {
                // Nothing is read any more: say which phase is running
                // and for how long, not a rate that decays.
                eprintln!(
                    "[{secs:>6.1}s] {} ({:.0} s so far; {pages} pages read at {rate:.0} pages/s)",
                    phase_label(&phase),
                    phase_started.elapsed().as_secs_f64()
                );
            }
            last_log = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    emit_warnings();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_read_rate_freezes_when_reading_ends() {
        let mut rate = ReadRate::default();
        let reading = Phase::Reading("dump.xml".into());
        assert_eq!(rate.get(&reading, 100, Duration::from_secs(1)), 100.0);
        assert_eq!(rate.get(&reading, 400, Duration::from_secs(2)), 200.0);
        // Later phases keep the rate of the first tick after reading.
        assert_eq!(
            rate.get(&Phase::Linking, 600, Duration::from_secs(3)),
            200.0
        );
        assert_eq!(
            rate.get(&Phase::Indexing, 600, Duration::from_secs(60)),
            200.0
        );
    }
}
