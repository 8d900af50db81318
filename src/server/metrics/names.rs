//! Every metric Sluice exports, in one table: its name, kind, help text and labels. Call sites
//! use these constants (never a literal), the recorder describes each from [`TABLE`], and the
//! README's "Operating Sluice" table lists the same names. Label values are bounded: providers
//! and models come from the catalog ([`super::answer_meter::model_label`]), everything else
//! from a fixed set of words written here.

/// What kind of metric an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up.
    Counter,
    /// A value now (set at each scrape or as things come and go).
    Gauge,
    /// Observations in buckets.
    Histogram,
}

/// Time to first token from the turn request's admission (what the user waits).
pub const TTFT: &str = "sluice_answer_ttft_seconds";
/// Time to first token from the upstream request's start (what the provider takes).
pub const UPSTREAM_TTFT: &str = "sluice_answer_upstream_ttft_seconds";
/// Output tokens per second after the first token.
pub const TOKENS_PER_SECOND: &str = "sluice_answer_tokens_per_second";
/// From the turn request to the answer's end.
pub const DURATION: &str = "sluice_answer_duration_seconds";
/// Answers by final status.
pub const ANSWERS: &str = "sluice_answers_total";
/// Live turns cancelled, by cause.
pub const STOPS: &str = "sluice_stops_total";
/// Errors reported by upstream providers.
pub const UPSTREAM_ERRORS: &str = "sluice_upstream_errors_total";
/// Requests refused by a rate limit.
pub const RATE_LIMIT_REFUSALS: &str = "sluice_rate_limit_refusals_total";
/// Sign-in attempts by outcome.
pub const SIGN_INS: &str = "sluice_sign_ins_total";
/// Turns being generated now.
pub const LIVE_TURNS: &str = "sluice_live_turns";
/// Readers attached to live turns now.
pub const TURN_READERS: &str = "sluice_turn_readers";
/// HTTP connections open now.
pub const OPEN_CONNECTIONS: &str = "sluice_open_connections";
/// How long one write of an answer's text took.
pub const DB_FLUSH_SECONDS: &str = "sluice_db_flush_seconds";
/// Bytes of answer text one batched write carried.
pub const DB_FLUSH_BATCH_BYTES: &str = "sluice_db_flush_batch_bytes";
/// Commands sent to Redis (with `[cluster] redis_url`), by result.
pub const REDIS_OPERATIONS: &str = "sluice_redis_operations_total";

/// Label: the provider's id from the catalog.
pub const PROVIDER: &str = "provider";
/// Label: the model id from the catalog, or [`OTHER_MODEL`].
pub const MODEL: &str = "model";
/// Label: an answer's final status (`complete`, `stopped`, `interrupted`, `error`).
pub const STATUS: &str = "status";
/// Label: what kind of error ended an answer (`none` when it did not end in error).
pub const ERROR_KIND: &str = "error_kind";
/// Label: why a turn was cancelled (`user`, `disconnect`, `grace_expiry`, `shutdown`).
pub const CAUSE: &str = "cause";
/// Label: an upstream HTTP status (`none` for a network or in-stream error).
pub const HTTP_STATUS: &str = "http_status";
/// Label: which rate limit refused.
pub const LIMIT: &str = "limit";
/// Label: a sign-in's outcome.
pub const OUTCOME: &str = "outcome";
/// Label: a database write's kind (`batch`, `final`).
pub const WRITE: &str = "write";
/// Label: a Redis command's result (`ok`, `error`, `timeout`).
pub const RESULT: &str = "result";

/// The model label of a model id the catalog does not know (never user input as a label).
pub const OTHER_MODEL: &str = "other";

/// One row of the table.
pub struct MetricInfo {
    /// The exported name.
    pub name: &'static str,
    /// Counter, gauge or histogram.
    pub kind: Kind,
    /// The `# HELP` text.
    pub help: &'static str,
    /// Its labels, in the README's order.
    pub labels: &'static [&'static str],
    /// Bucket bounds of a histogram (empty otherwise).
    pub buckets: &'static [f64],
}

/// Bounds for latencies a user feels (first token, database writes).
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Bounds for generation speeds.
const SPEED_BUCKETS: &[f64] = &[1.0, 5.0, 10.0, 20.0, 40.0, 60.0, 100.0, 200.0, 500.0];
/// Bounds for whole answers, which may stream for minutes.
const DURATION_BUCKETS: &[f64] = &[0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0];
/// Bounds for a batch of text, in bytes.
const BATCH_BUCKETS: &[f64] = &[64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0];

/// Every metric, with its labels.
pub const TABLE: &[MetricInfo] = &[
    MetricInfo {
        name: TTFT,
        kind: Kind::Histogram,
        help: "Seconds from the turn request to the first token.",
        labels: &[PROVIDER, MODEL],
        buckets: LATENCY_BUCKETS,
    },
    MetricInfo {
        name: UPSTREAM_TTFT,
        kind: Kind::Histogram,
        help: "Seconds from the upstream request to the first token.",
        labels: &[PROVIDER, MODEL],
        buckets: LATENCY_BUCKETS,
    },
    MetricInfo {
        name: TOKENS_PER_SECOND,
        kind: Kind::Histogram,
        help: "Output tokens per second after the first token.",
        labels: &[PROVIDER, MODEL],
        buckets: SPEED_BUCKETS,
    },
    MetricInfo {
        name: DURATION,
        kind: Kind::Histogram,
        help: "Seconds from the turn request to the answer's end.",
        labels: &[PROVIDER, MODEL],
        buckets: DURATION_BUCKETS,
    },
    MetricInfo {
        name: ANSWERS,
        kind: Kind::Counter,
        help: "Answers ended, by final status (and error kind).",
        labels: &[PROVIDER, MODEL, STATUS, ERROR_KIND],
        buckets: &[],
    },
    MetricInfo {
        name: STOPS,
        kind: Kind::Counter,
        help: "Live turns cancelled, by cause.",
        labels: &[CAUSE],
        buckets: &[],
    },
    MetricInfo {
        name: UPSTREAM_ERRORS,
        kind: Kind::Counter,
        help: "Errors reported by upstream providers, by HTTP status.",
        labels: &[PROVIDER, HTTP_STATUS],
        buckets: &[],
    },
    MetricInfo {
        name: RATE_LIMIT_REFUSALS,
        kind: Kind::Counter,
        help: "Requests refused by a rate limit, by limit.",
        labels: &[LIMIT],
        buckets: &[],
    },
    MetricInfo {
        name: SIGN_INS,
        kind: Kind::Counter,
        help: "Sign-in attempts, by outcome.",
        labels: &[OUTCOME],
        buckets: &[],
    },
    MetricInfo {
        name: LIVE_TURNS,
        kind: Kind::Gauge,
        help: "Turns being generated on this replica.",
        labels: &[],
        buckets: &[],
    },
    MetricInfo {
        name: TURN_READERS,
        kind: Kind::Gauge,
        help: "Readers attached to live turns on this replica.",
        labels: &[],
        buckets: &[],
    },
    MetricInfo {
        name: OPEN_CONNECTIONS,
        kind: Kind::Gauge,
        help: "HTTP connections open on the main listener.",
        labels: &[],
        buckets: &[],
    },
    MetricInfo {
        name: DB_FLUSH_SECONDS,
        kind: Kind::Histogram,
        help: "Seconds one write of an answer's text took.",
        labels: &[WRITE],
        buckets: LATENCY_BUCKETS,
    },
    MetricInfo {
        name: DB_FLUSH_BATCH_BYTES,
        kind: Kind::Histogram,
        help: "Bytes of answer text one batched write carried.",
        labels: &[],
        buckets: BATCH_BUCKETS,
    },
    MetricInfo {
        name: REDIS_OPERATIONS,
        kind: Kind::Counter,
        help: "Commands sent to Redis, by result.",
        labels: &[RESULT],
        buckets: &[],
    },
];
