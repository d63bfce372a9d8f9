//! Request counts and latency histograms per route, kept in atomics and
//! rendered in the Prometheus text format at `/metrics`.
//!
//! Routes are the router's patterns (`/concept/{id}`), so the label set is
//! fixed and small; requests that match no route count as `unmatched`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

/// Status codes 100–599, one counter each.
const STATUS_SLOTS: usize = 500;

/// The counters of one route.
#[derive(Debug)]
struct RouteMetrics {
    route: &'static str,
    by_status: Box<[AtomicU64]>,
    /// Requests per latency bucket (not cumulative); the last slot is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    nanos: AtomicU64,
    count: AtomicU64,
}

impl RouteMetrics {
    fn new(route: &'static str) -> RouteMetrics {
        RouteMetrics {
            route,
            by_status: (0..STATUS_SLOTS).map(|_| AtomicU64::new(0)).collect(),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            nanos: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }
    }

    fn record(&self, status: u16, seconds: f64) {
        if let Some(slot) = (status as usize)
            .checked_sub(100)
            .and_then(|i| self.by_status.get(i))
        {
            slot.fetch_add(1, Ordering::Relaxed);
        }
        let bucket = BUCKETS
            .iter()
            .position(|&b| seconds <= b)
            .unwrap_or(BUCKETS.len());
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.nanos
            .fetch_add((seconds * 1e9) as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }
}

/// Every route's counters.
#[derive(Debug)]
pub(crate) struct Metrics {
    started: Instant,
    routes: Vec<RouteMetrics>,
    by_route: HashMap<&'static str, usize>,
}

impl Metrics {
    /// Counters for `routes` (router patterns) and for unmatched requests.
    pub(crate) fn new(routes: &[&'static str]) -> Metrics {
        let mut all: Vec<&'static str> = routes.to_vec();
        all.push(UNMATCHED);
        let by_route = all.iter().enumerate().map(|(i, &r)| (r, i)).collect();
        Metrics {
            started: Instant::now(),
            routes: all.into_iter().map(RouteMetrics::new).collect(),
            by_route,
        }
    }

    fn route(&self, pattern: Option<&str>) -> &RouteMetrics {
        let i = pattern
            .and_then(|p| self.by_route.get(p))
            .or_else(|| self.by_route.get(UNMATCHED));
        // UNMATCHED is always present, and last.
        &self.routes[i.copied().unwrap_or(self.routes.len() - 1)]
    }

    /// The Prometheus text exposition.
    pub(crate) fn render(&self, concepts: u64) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP kenning_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE kenning_http_requests_total counter\n");
        for r in &self.routes {
            for (i, n) in r.by_status.iter().enumerate() {
                let n = n.load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "kenning_http_requests_total{{route=\"{}\",status=\"{}\"}} {n}",
                        label(r.route),
                        i + 100
                    );
                }
            }
        }
        out.push_str(
            "# HELP kenning_http_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE kenning_http_request_duration_seconds histogram\n");
        for r in &self.routes {
            let route = label(r.route);
            let mut cumulative = 0;
            for (i, bucket) in r.buckets.iter().enumerate() {
                cumulative += bucket.load(Ordering::Relaxed);
                let le = BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "kenning_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {cumulative}"
                );
            }
            let seconds = r.nanos.load(Ordering::Relaxed) as f64 / 1e9;
            let _ = writeln!(
                out,
                "kenning_http_request_duration_seconds_sum{{route=\"{route}\"}} {seconds}"
            );
            let _ = writeln!(
                out,
                "kenning_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                r.count.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP kenning_uptime_seconds Seconds since the server started.\n");
        out.push_str("# TYPE kenning_uptime_seconds gauge\n");
        let _ = writeln!(
            out,
            "kenning_uptime_seconds {}",
            self.started.elapsed().as_secs_f64()
        );
        out.push_str("# HELP kenning_snapshot_concepts Concepts in the served snapshot.\n");
        out.push_str("# TYPE kenning_snapshot_concepts gauge\n");
        let _ = writeln!(out, "kenning_snapshot_concepts {concepts}");
        out
    }
}

/// A label value with `\`, `"` and line breaks escaped.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Middleware: times the request and counts it under its route pattern.
pub(crate) async fn record(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let pattern = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let response = next.run(request).await;
    metrics
        .route(pattern.as_deref())
        .record(response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub(crate) async fn handler(State(state): State<AppState>) -> Response {
    let served = state.served();
    let (swaps, refusals) = state.generation_counts();
    let mut text = state.metrics.render(served.concepts);
    text.push_str(
        "# HELP kenning_snapshot_generation The generation served (its name in the label).\n",
    );
    text.push_str("# TYPE kenning_snapshot_generation gauge\n");
    let _ = writeln!(
        text,
        "kenning_snapshot_generation{{generation=\"{}\"}} 1",
        label(&served.generation)
    );
    text.push_str(
        "# HELP kenning_snapshot_swaps_total Newer generations swapped in without a restart.\n",
    );
    text.push_str("# TYPE kenning_snapshot_swaps_total counter\n");
    let _ = writeln!(text, "kenning_snapshot_swaps_total {swaps}");
    text.push_str(
        "# HELP kenning_snapshot_refusals_total Newer generations refused (checksums, or they \
         could not be opened).\n",
    );
    text.push_str("# TYPE kenning_snapshot_refusals_total counter\n");
    let _ = writeln!(text, "kenning_snapshot_refusals_total {refusals}");
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
