import Foundation
import Synchronization

/// A small per-instance cache whose entries live `lifetime` seconds, so hot lookups (tenant by slug, client by id)
/// skip the database. Writes on this instance invalidate at once; other instances see a change within `lifetime`.
/// A lock, not an actor: lookups are short and must not funnel every request through one executor.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// How long another instance may serve a tenant's or client's old copy after a change (see README).
    public static var lookupLifetime: TimeInterval { 2 }

    private let entries = Mutex<[Key: (value: Value, expires: Date)]>([:])
    private let lifetime: TimeInterval
    private let maxEntries: Int
    private let clock: any BatonClock

    public init(lifetime: TimeInterval, maxEntries: Int = 10_000, clock: any BatonClock) {
        self.lifetime = lifetime
        self.maxEntries = maxEntries
        self.clock = clock
    }

    /// The cached value, or `load()`'s (cached only when non-nil, so a miss is never remembered).
    public func value(for key: Key, load: () async throws -> Value?) async throws -> Value? {
        let now = clock.now()
        if let cached = entries.withLock({ $0[key] }), cached.expires > now { return cached.value }
        guard let value = try await load() else {
            entries.withLock { $0[key] = nil }
            return nil
        }
        let maxEntries = self.maxEntries
        let expires = now.addingTimeInterval(lifetime)
        entries.withLock { entries in
            if entries.count >= maxEntries { entries = entries.filter { $0.value.expires > now } }
            if entries.count < maxEntries { entries[key] = (value, expires) }
        }
        return value
    }

    public func invalidate(_ key: Key) { entries.withLock { $0[key] = nil } }

    public func invalidateAll() { entries.withLock { $0.removeAll() } }
}
