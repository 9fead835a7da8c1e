import Foundation

/// Failed-login counters in fixed windows, shared by every instance through the store.
public protocol LoginThrottleStore: Sendable {
    /// Failures counted for each key in its current window (a window older than `window` seconds counts 0).
    func loginFailures(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws -> [String: Int]
    /// Adds one failure to each key, starting a new window where the old one is over.
    func recordLoginFailure(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws
    func clearLoginFailures(tenantID: TenantID, keys: [String]) async throws
}
