import Foundation
import Logging

/// The signing-key lifecycle of a tenant: rotate (pending → active → retiring, new pending), emergency revoke,
/// and retirement of keys whose last token has expired. Every change is one store transaction that refuses
/// to apply if the keys changed meanwhile, so concurrent calls never leave two active keys.
public struct KeyRotationService<Store: SigningKeyStore & TenantStore & ClientStore & AuditStore>: Sendable {
    /// Clock skew allowed between Baton and resource servers when deciding a retiring key's last use.
    public static var clockLeeway: TimeInterval { 60 }

    let store: Store
    let keyFactory: SigningKeyFactory
    let tenants: TenantService<Store>
    let jwksCache: JWKSCache
    let signingKeys: SigningKeyRing
    let audit: AuditLog<Store>
    let metrics: any KeyMetrics
    let clock: any BatonClock
    let logger: Logger

    public init(
        store: Store,
        keyFactory: SigningKeyFactory,
        tenants: TenantService<Store>,
        jwksCache: JWKSCache,
        signingKeys: SigningKeyRing,
        audit: AuditLog<Store>,
        metrics: any KeyMetrics = NoTokenMetrics(),
        clock: any BatonClock,
        logger: Logger
    ) {
        self.store = store
        self.keyFactory = keyFactory
        self.tenants = tenants
        self.jwksCache = jwksCache
        self.signingKeys = signingKeys
        self.audit = audit
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
    }

    /// Promotes the pending key, sends the active key into retirement, and generates a new pending key (of
    /// `algorithm` if given, which also becomes the tenant's algorithm). Refused with `conflict` while the pending
    /// key has been published for less than `jwks_max_age`, unless `force`.
    public func rotate(tenant: Tenant, force: Bool, algorithm: SigningAlgorithm?, actor: String) async throws -> [SigningKey] {
        let now = clock.now()
        var tenant = tenant
        let keys = try await store.signingKeys(tenantID: tenant.id)
        guard var active = keys.first(where: { $0.state == .active }), var pending = keys.first(where: { $0.state == .pending }) else {
            throw BatonError.conflict("the tenant has no active and pending key pair to rotate; revoke or contact the operator")
        }
        let safeAt = pending.createdAt.addingTimeInterval(TimeInterval(tenant.settings.jwksMaxAge))
        guard force || now >= safeAt else {
            // At most jwks_max_age away; clamped all the same, so a corrupt creation time can never trap the conversion.
            let wait = safeAt.timeIntervalSince(now).rounded(.up)
            let retryAfter = wait.isFinite ? Int(min(max(wait, 1), TimeInterval(TenantSettingsPolicy.jwksMaxAge.upperBound))) : 1
            throw BatonError.conflict(
                "rotation is safe from \(ISO8601DateFormatter().string(from: safeAt)): the pending key must be published for jwks_max_age "
                    + "(\(tenant.settings.jwksMaxAge) s) first; send force: true to rotate anyway",
                retryAfter: retryAfter
            )
        }
        if let algorithm, algorithm != tenant.settings.signingAlgorithm {
            tenant = try await tenants.update(tenant, displayName: nil, settings: TenantSettingsPatch(signingAlgorithm: algorithm))
        }
        let retiring = active
        active.state = .retiring
        active.retiringAt = now
        // The last token the key signed may be any client's: retirement waits for the longest lifetime set now.
        let longest = max(tenant.settings.accessTokenTTL, try await store.longestAccessTokenTTL(tenantID: tenant.id) ?? 0)
        active.retireAfter = now.addingTimeInterval(TimeInterval(longest) + Self.clockLeeway)
        pending.state = .active
        pending.activatedAt = now
        let next = try await keyFactory.makeSigningKey(tenantID: tenant.id, algorithm: tenant.settings.signingAlgorithm, state: .pending, now: now)
        try await store.changeSigningKeys(tenantID: tenant.id, updates: [(active, .active), (pending, .pending)], inserts: [next])
        await keysChanged(tenant.id)
        // Forced only when `force` overrode the rule, not when rotation was safe anyway.
        let forced = now < safeAt
        metrics.keyRotated(tenant: tenant.slug, forced: forced)
        logger.info("signing key rotated", metadata: ["tenant": "\(tenant.slug)", "active_kid": "\(pending.kid)", "forced": "\(forced)"])
        await audit.record(
            .keyRotated,
            tenant: tenant.id,
            actor: actor,
            details: ["retiring_kid": retiring.kid, "active_kid": pending.kid, "pending_kid": next.kid, "forced": "\(forced)"]
        )
        _ = try await retireExpired(tenant: tenant, actor: actor)
        return try await store.signingKeys(tenantID: tenant.id)
    }

    /// Emergency revocation: the key leaves JWKS at once and its private part is erased; if it was active, the
    /// pending key is promoted (or a fresh key made active) so signing never stops. Returns the new active kid.
    public func revoke(tenant: Tenant, kid: String, actor: String) async throws -> String {
        let now = clock.now()
        let keys = try await store.signingKeys(tenantID: tenant.id)
        guard var key = keys.first(where: { $0.kid == kid }) else { throw BatonError.notFound("no such key") }
        let previousState = key.state
        guard previousState != .revoked else { throw BatonError.conflict("the key is already revoked") }
        key.state = .revoked
        key.revokedAt = now
        key.sealedPrivateKey = nil
        var updates: [(key: SigningKey, expectedState: SigningKeyState)] = [(key, previousState)]
        var inserts: [SigningKey] = []
        let algorithm = tenant.settings.signingAlgorithm
        if previousState == .active {
            if var pending = keys.first(where: { $0.state == .pending }) {
                pending.state = .active
                pending.activatedAt = now
                updates.append((pending, .pending))
            } else {
                inserts.append(try await keyFactory.makeSigningKey(tenantID: tenant.id, algorithm: algorithm, state: .active, now: now))
            }
        }
        if previousState == .active || previousState == .pending {
            inserts.append(try await keyFactory.makeSigningKey(tenantID: tenant.id, algorithm: algorithm, state: .pending, now: now))
        }
        try await store.changeSigningKeys(tenantID: tenant.id, updates: updates, inserts: inserts)
        await keysChanged(tenant.id)
        guard let active = try await store.signingKeys(tenantID: tenant.id).first(where: { $0.state == .active }) else {
            throw BatonError.unavailable("the tenant has no active key")
        }
        metrics.keyRevoked(tenant: tenant.slug)
        logger.warning("signing key revoked", metadata: ["tenant": "\(tenant.slug)", "kid": "\(kid)", "active_kid": "\(active.kid)"])
        await audit.record(
            .keyRevoked,
            tenant: tenant.id,
            actor: actor,
            details: ["kid": kid, "previous_state": previousState.rawValue, "active_kid": active.kid]
        )
        return active.kid
    }

    /// Retires the retiring keys whose deadline has passed: they leave JWKS and their private parts are erased.
    public func retireExpired(tenant: Tenant, actor: String) async throws -> [String] {
        try await retireExpired(tenant: tenant, keys: try await store.signingKeys(tenantID: tenant.id), actor: actor)
    }

    /// `retireExpired` given the tenant's keys as just read; returns the kids retired.
    public func retireExpired(tenant: Tenant, keys: [SigningKey], actor: String) async throws -> [String] {
        let now = clock.now()
        let due = keys.filter { $0.state == .retiring && ($0.retireAfter ?? .distantFuture) <= now }
        guard !due.isEmpty else { return [] }
        let updates = due.map { key -> (key: SigningKey, expectedState: SigningKeyState) in
            var retired = key
            retired.state = .retired
            retired.retiredAt = now
            retired.sealedPrivateKey = nil
            return (retired, .retiring)
        }
        try await store.changeSigningKeys(tenantID: tenant.id, updates: updates, inserts: [])
        await keysChanged(tenant.id)
        for key in due { await audit.record(.keyRetired, tenant: tenant.id, actor: actor, details: ["kid": key.kid]) }
        return due.map(\.kid)
    }

    private func keysChanged(_ tenantID: TenantID) async {
        await jwksCache.invalidate(tenantID)
        signingKeys.forget(tenantID)
    }
}
