import Foundation
import Logging

/// Scheduled key work for every tenant: rotate where `key_rotation_interval` has elapsed since the active key
/// was activated (and rotation is safe), and retire keys whose last token has expired. One instance at a time.
public struct KeyScheduler<Store: BatonStore>: Sendable {
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
    @discardableResult
    public func runOnce() async throws -> [TenantSlug]? {
        let rotated = RotatedTenants()
        let ran = try await store.withSchedulerLock {
            var after: TenantSlug?
            while true {
                let page = try await store.tenants(after: after, limit: 100)
                for tenant in page {
                    if try await rotateIfDue(tenant) { await rotated.append(tenant.slug) }
                    _ = try await rotation.retireExpired(tenant: tenant, actor: "scheduler")
                    rotation.metrics.observeKeys(tenant: tenant.slug, keys: try await store.signingKeys(tenantID: tenant.id), now: clock.now())
                }
                guard page.count == 100, let last = page.last else { break }
                after = last.slug
            }
        }
        return ran ? await rotated.slugs : nil
    }

    private func rotateIfDue(_ tenant: Tenant) async throws -> Bool {
        let interval = tenant.settings.keyRotationInterval
        guard interval > 0,
            let active = try await store.signingKeys(tenantID: tenant.id).first(where: { $0.state == .active }),
            (active.activatedAt ?? active.createdAt).addingTimeInterval(TimeInterval(interval)) <= clock.now()
        else { return false }
        do {
            _ = try await rotation.rotate(tenant: tenant, force: false, algorithm: nil, actor: "scheduler")
            return true
        } catch let error as BatonError where error.kind == .conflict {
            // Not safe yet (pending key too young) or another rotation won: the next pass tries again.
            logger.info("scheduled rotation postponed", metadata: ["tenant": "\(tenant.slug)", "reason": "\(error.message)"])
            return false
        }
    }
}

/// Collects rotated tenants from inside the lock's closure.
actor RotatedTenants {
    private(set) var slugs: [TenantSlug] = []
    func append(_ slug: TenantSlug) { slugs.append(slug) }
}
