import BatonCore
import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// Baton's metrics in one Prometheus registry (injected, not the global metrics system): login and refresh
/// counters from Core, and a latency histogram per route.
public final class BatonMetrics: TokenMetrics, KeyMetrics {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let logins: [Bool: CoreMetrics.Counter]
    private let refreshes: [RefreshOutcome: CoreMetrics.Counter]
    private let routeTimers = Mutex<[RouteKey: CoreMetrics.Timer]>([:])

    /// One latency series: no string is built per request to find it.
    private struct RouteKey: Hashable {
        let route: String
        let method: String
        let statusClass: Int
    }

    private static let statusClassLabels = ["1xx", "2xx", "3xx", "4xx", "5xx"]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        ]
        self.factory = factory
        logins = [
            true: CoreMetrics.Counter(label: "baton_logins_total", dimensions: [("result", "ok")], factory: factory),
            false: CoreMetrics.Counter(label: "baton_logins_total", dimensions: [("result", "failed")], factory: factory),
        ]
        refreshes = Dictionary(
            uniqueKeysWithValues: RefreshOutcome.allCases.map {
                ($0, CoreMetrics.Counter(label: "baton_refreshes_total", dimensions: [("result", $0.rawValue)], factory: factory))
            }
        )
    }

    public func login(succeeded: Bool) { logins[succeeded]?.increment() }

    public func refresh(_ outcome: RefreshOutcome) { refreshes[outcome]?.increment() }

    /// Records one request's latency under its route pattern, method and status class ("2xx" … "5xx"): a bounded
    /// label set, and 503s (database down or busy) show per route.
    func recordRequest(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = RouteKey(route: route, method: method, statusClass: min(max(status / 100, 1), 5))
        let timer = routeTimers.withLock { timers in
            if let timer = timers[key] { return timer }
            let timer = CoreMetrics.Timer(
                label: "baton_http_request_duration_seconds",
                dimensions: [("route", route), ("method", method), ("status", Self.statusClassLabels[key.statusClass - 1])],
                factory: factory
            )
            timers[key] = timer
            return timer
        }
        timer.recordNanoseconds(nanoseconds)
    }

    /// A store operation the database driver did not answer in time, by operation (a fixed set of store methods).
    public func databaseOperationAbandoned(_ operation: String) {
        CoreMetrics.Counter(label: "baton_database_operations_abandoned_total", dimensions: [("operation", operation)], factory: factory).increment()
    }

    public func keyRotated(tenant: TenantSlug, forced: Bool) {
        CoreMetrics.Counter(
            label: "baton_signing_key_rotations_total",
            dimensions: [("tenant", tenant.value), ("forced", "\(forced)")],
            factory: factory
        ).increment()
    }

    public func keyRevoked(tenant: TenantSlug) {
        CoreMetrics.Counter(label: "baton_signing_key_revocations_total", dimensions: [("tenant", tenant.value)], factory: factory).increment()
    }

    /// Per tenant: how many keys are in each state, and the active key's age.
    public func observeKeys(tenant: TenantSlug, keys: [SigningKey], now: Date) {
        for state in SigningKeyState.allCases {
            CoreMetrics.Gauge(label: "baton_signing_keys", dimensions: [("tenant", tenant.value), ("state", state.rawValue)], factory: factory)
                .record(keys.filter { $0.state == state }.count)
        }
        if let active = keys.first(where: { $0.state == .active }) {
            let age = now.timeIntervalSince(active.activatedAt ?? active.createdAt)
            CoreMetrics.Gauge(label: "baton_active_signing_key_age_seconds", dimensions: [("tenant", tenant.value)], factory: factory).record(age)
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
