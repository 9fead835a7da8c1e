import Foundation

/// Attempt counters in fixed windows, shared by every instance through the store. Checking and counting are one
/// atomic step (`reserveLoginAttempt`), so a burst of concurrent attempts gets no more than a sequential one.
public protocol LoginThrottleStore: Sendable {
    /// Attempts counted for each key in its current window (a window older than `window` seconds counts 0).
    func loginFailures(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws -> [String: Int]
    /// Counts one attempt against every key of `limits` at once, starting a new window where the old one is over,
    /// unless some key has already reached its limit in its window: then nothing is counted and this is false.
    /// Atomic across instances: concurrent reservations are serialised on the keys.
    func reserveLoginAttempt(tenantID: TenantID, limits: [String: Int], now: Date, window: Int) async throws -> Bool
    /// Takes back one attempt from each key's current window (never below zero): an attempt that was no guess.
    func releaseLoginAttempt(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws
    func clearLoginFailures(tenantID: TenantID, keys: [String]) async throws
}
