import Logging
import OTel
import ServiceLifecycle

/// OpenTelemetry traces over OTLP/HTTP (swift-otel), configured by the standard `OTEL_*` variables and off unless
/// one of them asks for them: with traces off the tracer stays swift-distributed-tracing's no-op one.
enum TraceExport {
    /// Whether the environment asks for traces: an OTLP endpoint, or `OTEL_TRACES_EXPORTER=otlp`; never with
    /// `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`.
    static func isRequested(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        switch environment["OTEL_TRACES_EXPORTER"]?.lowercased() {
        case "none": return false
        case "otlp": return true
        default: return Setting.otlpEndpoint.text(in: environment) != nil || environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] != nil
        }
    }

    /// Installs the process's tracer, once and before any span, and returns the service that exports the spans
    /// (to run until the others have stopped, so that the last spans go out); nil when traces are off. Only traces:
    /// metrics stay on `/metrics`, logs on stderr.
    static func bootstrap(_ environment: [String: String], level: Logger.Level, format: LogFormat) throws -> (any Service)? {
        guard isRequested(environment) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = "baton"
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        // Built without swift-otel's gRPC exporter: HTTP unless OTEL_EXPORTER_OTLP_PROTOCOL says http/json.
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // swift-otel logs each OTEL_* value it applies, OTEL_EXPORTER_OTLP_HEADERS (often a collector's API key)
        // among them: those values never reach Baton's log.
        let diagnostics = BatonLogging.logger(
            level: level,
            format: format,
            label: "otel",
            redacting: ["environment_value", "previous_value", "new_value"]
        )
        configuration.diagnosticLogger = .custom(diagnostics)
        return try OTel.bootstrap(configuration: configuration, environment: environment)
    }

    /// `trace_id` and `span_id` on every log line written inside a span.
    static let logMetadataProvider = OTel.makeLoggingMetadataProvider()
}
