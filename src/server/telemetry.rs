//! The optional OTLP trace export (`[telemetry] otlp_endpoint`): the `tracing` spans — each
//! request's, each turn's (`turn`: turn id, conversation id, model) and its `upstream` child —
//! become OpenTelemetry spans sent in batches over OTLP/HTTP with JSON bodies (no gRPC) from
//! the SDK's own thread. Spans carry ids and names only, never message text or keys.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::Resource;
use tracing::Subscriber;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// The service name the spans are exported under.
const SERVICE_NAME: &str = "sluice";

/// The traces URL of a collector's base URL (`http://host:4318` → `…/v1/traces`).
pub fn traces_url(endpoint: &str) -> String {
    format!("{}/v1/traces", endpoint.trim_end_matches('/'))
}

/// The layer exporting spans to the collector at `endpoint`, and the provider whose
/// `shutdown` sends what is still buffered (call it when the server has stopped).
pub fn otlp_layer<S>(endpoint: &str) -> Result<(impl Layer<S>, SdkTracerProvider), String>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(traces_url(endpoint))
        .build()
        .map_err(|e| format!("[telemetry] otlp_endpoint: cannot export to {endpoint}: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(SERVICE_NAME).build())
        .build();
    let tracer = provider.tracer(SERVICE_NAME);
    Ok((tracing_opentelemetry::layer().with_tracer(tracer), provider))
}
