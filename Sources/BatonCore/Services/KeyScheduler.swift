import Foundation
import Logging

/// Scheduled key work for every tenant: rotate where `key_rotation_interval` has elapsed since the active key
/// was activated (and rotation is safe), and retire keys whose last token has expired. One instance at a time.
public struct KeyScheduler<Store: TenantStore & SigningKeyStore & ClientStore & SchedulerLockStore & AuditStore>: Sendable {
    let store: Store
    let rotation: KeyRotationService<Store>
    let clock: any BatonClock
    let logger: Logger

    public init(store: Store, rotation: KeyRotationService<Store>, clock: any BatonClock, logger: Logger) {
        self.store = store
        self.rotation = rotation
        self.clock = clock
        self.logger = logger
    }

    /// One pass over all tenants; returns the tenants rotated, or nil if another instance holds the lock.
    /// Reads each tenant's keys once, and again only after it changed them.
    @discardableResult
    public func runOnce() async throws -> [TenantSlug]? {
        try await store.withSchedulerLock(.keyRotation) {
            var rotated: [TenantSlug] = []
            try await store.forEachTenant { tenant in
                var keys = try await store.signingKeys(tenantID: tenant.id)
                if let afterRotation = try await rotateIfDue(tenant, keys: keys) {
                    rotated.append(tenant.slug)
                    keys = afterRotation  // rotation already retired what was due
                } else if try await !rotation.retireExpired(tenant: tenant, keys: keys, actor: "scheduler").isEmpty {
                    keys = try await store.signingKeys(tenantID: tenant.id)
                }
                rotation.metrics.observeKeys(tenant: tenant.slug, keys: keys, now: clock.now())
            }
            return rotated
        }
    }

    /// The keys after rotating, if `key_rotation_interval` has elapsed since the active key was activated; nil otherwise.
    private func rotateIfDue(_ tenant: Tenant, keys: [SigningKey]) async throws -> [SigningKey]? {
        let interval = tenant.settings.keyRotationInterval
        guard interval > 0, let active = keys.first(where: { $0.state == .active }),
            (active.activatedAt ?? active.createdAt).addingTimeInterval(TimeInterval(interval)) <= clock.now()
        else { return nil }
        do {
            return try await rotation.rotate(tenant: tenant, force: false, algorithm: nil, actor: "scheduler")
        } catch let error as BatonError where error.kind == .conflict {
            // Not safe yet (pending key too young) or another rotation won: the next pass tries again.
            logger.info("scheduled rotation postponed", metadata: ["tenant": "\(tenant.slug)", "reason": "\(error.message)"])
            return nil
        }
    }
}
