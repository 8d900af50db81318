//! The process's one metrics recorder (`metrics-exporter-prometheus`, without its HTTP
//! server: `/metrics` is our own route). It is installed the first time a server with
//! metrics configured starts; until then every `metrics::counter!` is a no-op, so an instance
//! without `[metrics]` measures nothing. Histograms get the buckets of [`names::TABLE`].

use super::names::{self, Kind};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

/// The installed recorder's handle (the recorder itself is global to the process).
static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the recorder (once; later calls return the same handle). `None` when another
/// recorder was installed first (a library's, in some embedding): then nothing is exported.
pub fn install() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let mut builder = PrometheusBuilder::new();
            for metric in names::TABLE.iter().filter(|m| m.kind == Kind::Histogram) {
                builder = match builder
                    .set_buckets_for_metric(Matcher::Full(metric.name.to_string()), metric.buckets)
                {
                    Ok(builder) => builder,
                    Err(error) => {
                        tracing::error!(metric = metric.name, "metric buckets refused: {error}");
                        return None;
                    }
                };
            }
            match builder.install_recorder() {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(error) => {
                    tracing::error!("cannot install the metrics recorder: {error}");
                    None
                }
            }
        })
        .clone()
}

/// Gives every metric of the table its help text.
fn describe() {
    for metric in names::TABLE {
        match metric.kind {
            Kind::Counter => metrics::describe_counter!(metric.name, metric.help),
            Kind::Gauge => metrics::describe_gauge!(metric.name, metric.help),
            Kind::Histogram => metrics::describe_histogram!(metric.name, metric.help),
        }
    }
}
