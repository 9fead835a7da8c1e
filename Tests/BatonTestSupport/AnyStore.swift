import BatonCore
import Foundation

/// Erases a store's type so one test can drive the generic services over either backend.
public struct AnyStore: BatonStore {
    let base: any BatonStore

    public init(_ base: any BatonStore) { self.base = base }

    public func checkReachable() async throws { try await base.checkReachable() }
    public func createTenant(_ tenant: Tenant, signingKeys: [SigningKey], chainKey: ChainKey) async throws {
        try await base.createTenant(tenant, signingKeys: signingKeys, chainKey: chainKey)
    }
    public func tenant(slug: TenantSlug) async throws -> Tenant? { try await base.tenant(slug: slug) }
    public func tenants(after: TenantSlug?, limit: Int) async throws -> [Tenant] { try await base.tenants(after: after, limit: limit) }
    public func updateTenant(_ tenant: Tenant) async throws { try await base.updateTenant(tenant) }
    public func deleteTenant(_ id: TenantID) async throws -> Bool { try await base.deleteTenant(id) }
    public func signingKeys(tenantID: TenantID) async throws -> [SigningKey] { try await base.signingKeys(tenantID: tenantID) }
    public func chainKeys(tenantID: TenantID) async throws -> [ChainKey] { try await base.chainKeys(tenantID: tenantID) }
    public func createAdminKey(_ key: AdminKey) async throws { try await base.createAdminKey(key) }
    public func adminKey(digest: Data) async throws -> AdminKey? { try await base.adminKey(digest: digest) }
    public func adminKeys(tenantID: TenantID) async throws -> [AdminKey] { try await base.adminKeys(tenantID: tenantID) }
    public func deleteAdminKey(tenantID: TenantID, id: UUID) async throws -> Bool { try await base.deleteAdminKey(tenantID: tenantID, id: id) }
    public func createClient(_ client: Client) async throws { try await base.createClient(client) }
    public func client(tenantID: TenantID, clientID: String) async throws -> Client? { try await base.client(tenantID: tenantID, clientID: clientID) }
    public func createUser(_ user: User) async throws { try await base.createUser(user) }
    public func user(tenantID: TenantID, id: UUID) async throws -> User? { try await base.user(tenantID: tenantID, id: id) }
    public func user(tenantID: TenantID, username: String) async throws -> User? { try await base.user(tenantID: tenantID, username: username) }
    public func createSession(_ session: Session) async throws { try await base.createSession(session) }
    public func session(tenantID: TenantID, id: UUID) async throws -> Session? { try await base.session(tenantID: tenantID, id: id) }
    public func rotate(_ request: RotationRequest) async throws -> Session? { try await base.rotate(request) }
    public func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) async throws -> Bool {
        try await base.revokeSession(tenantID: tenantID, id: id, reason: reason, at: at)
    }
}

extension AnyStore {
    public func sessions(tenantID: TenantID, userID: UUID, now: Date) async throws -> [Session] {
        try await base.sessions(tenantID: tenantID, userID: userID, now: now)
    }
    public func revokeSessions(tenantID: TenantID, userID: UUID, reason: String, at: Date) async throws -> Int {
        try await base.revokeSessions(tenantID: tenantID, userID: userID, reason: reason, at: at)
    }
    public func legacyChainHead(tenantID: TenantID, sessionID: UUID) async throws -> LegacyChainHead? {
        try await base.legacyChainHead(tenantID: tenantID, sessionID: sessionID)
    }
}

extension AnyStore {
    public func appendAuditEvent(_ event: AuditEvent) async throws { try await base.appendAuditEvent(event) }
    public func auditEvents(tenantID: TenantID, kind: AuditEvent.Kind?, before: Int64?, limit: Int) async throws -> [AuditEvent] {
        try await base.auditEvents(tenantID: tenantID, kind: kind, before: before, limit: limit)
    }
    public func loginFailures(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws -> [String: Int] {
        try await base.loginFailures(tenantID: tenantID, keys: keys, now: now, window: window)
    }
    public func reserveLoginAttempt(tenantID: TenantID, limits: [String: Int], now: Date, window: Int) async throws -> Bool {
        try await base.reserveLoginAttempt(tenantID: tenantID, limits: limits, now: now, window: window)
    }
    public func releaseLoginAttempt(tenantID: TenantID, keys: [String], now: Date, window: Int) async throws {
        try await base.releaseLoginAttempt(tenantID: tenantID, keys: keys, now: now, window: window)
    }
    public func clearLoginFailures(tenantID: TenantID, keys: [String]) async throws {
        try await base.clearLoginFailures(tenantID: tenantID, keys: keys)
    }
}

extension AnyStore {
    public func users(tenantID: TenantID, after: String?, limit: Int) async throws -> [User] {
        try await base.users(tenantID: tenantID, after: after, limit: limit)
    }
    public func updateUser(_ user: User) async throws { try await base.updateUser(user) }
    public func deleteUser(tenantID: TenantID, id: UUID) async throws -> Bool { try await base.deleteUser(tenantID: tenantID, id: id) }
    public func clients(tenantID: TenantID, after: String?, limit: Int) async throws -> [Client] {
        try await base.clients(tenantID: tenantID, after: after, limit: limit)
    }
    public func allowedOrigins(tenantID: TenantID) async throws -> Set<String> { try await base.allowedOrigins(tenantID: tenantID) }
    public func longestAccessTokenTTL(tenantID: TenantID) async throws -> Int? { try await base.longestAccessTokenTTL(tenantID: tenantID) }
    public func updateClient(_ client: Client) async throws { try await base.updateClient(client) }
    public func createSession(_ session: Session, within limits: [SessionLimit]) async throws -> [Session]? {
        try await base.createSession(session, within: limits)
    }
    public func deleteClient(tenantID: TenantID, clientID: String) async throws -> Bool {
        try await base.deleteClient(tenantID: tenantID, clientID: clientID)
    }
}

extension AnyStore {
    public func changeSigningKeys(
        tenantID: TenantID,
        updates: [(key: SigningKey, expectedState: SigningKeyState)],
        inserts: [SigningKey]
    ) async throws {
        try await base.changeSigningKeys(tenantID: tenantID, updates: updates, inserts: inserts)
    }
}

extension AnyStore {
    public func withSchedulerLock<Result: Sendable>(_ job: ScheduledJob, _ body: @Sendable () async throws -> Result) async throws -> Result? {
        try await base.withSchedulerLock(job, body)
    }
}

extension AnyStore {
    public func resealSecrets(
        tenantID: TenantID,
        signingKey: @escaping @Sendable (String, SealedSecret) throws -> SealedSecret,
        chainKey: @escaping @Sendable (Int, SealedSecret) throws -> SealedSecret
    ) async throws -> Int {
        try await base.resealSecrets(tenantID: tenantID, signingKey: signingKey, chainKey: chainKey)
    }
}

extension AnyStore {
    public func purgeEndedSessions(tenantID: TenantID, endedBefore cutoff: Date, after: UUID?, limit: Int) async throws -> SessionPurgeBatch {
        try await base.purgeEndedSessions(tenantID: tenantID, endedBefore: cutoff, after: after, limit: limit)
    }
    public func purgeAuditEvents(tenantID: TenantID, occurredBefore cutoff: Date, limit: Int) async throws -> Int {
        try await base.purgeAuditEvents(tenantID: tenantID, occurredBefore: cutoff, limit: limit)
    }
    public func purgeLoginFailures(tenantID: TenantID, windowStartedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await base.purgeLoginFailures(tenantID: tenantID, windowStartedBefore: cutoff, limit: limit)
    }
    public func purgeDPoPProofs(tenantID: TenantID, expiredBefore cutoff: Date, limit: Int) async throws -> Int {
        try await base.purgeDPoPProofs(tenantID: tenantID, expiredBefore: cutoff, limit: limit)
    }
    public func recordDPoPProof(tenantID: TenantID, replayKey: Data, expiresAt: Date) async throws -> Bool {
        try await base.recordDPoPProof(tenantID: tenantID, replayKey: replayKey, expiresAt: expiresAt)
    }
}
