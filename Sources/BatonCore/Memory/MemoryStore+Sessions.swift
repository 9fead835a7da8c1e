import Foundation

extension MemoryStore {
    public func createClient(_ client: Client) throws {
        guard tenantsByID[client.tenantID] != nil else { throw BatonError.notFound("no such tenant") }
        let key = ClientKey(tenantID: client.tenantID, clientID: client.clientID)
        guard clients[key] == nil else { throw BatonError.conflict("a client with this id already exists") }
        clients[key] = client
    }

    public func client(tenantID: TenantID, clientID: String) -> Client? {
        clients[ClientKey(tenantID: tenantID, clientID: clientID)]
    }

    public func createUser(_ user: User) throws {
        guard tenantsByID[user.tenantID] != nil else { throw BatonError.notFound("no such tenant") }
        guard !users.values.contains(where: { $0.tenantID == user.tenantID && $0.username == user.username }) else {
            throw BatonError.conflict("a user with this username already exists")
        }
        users[user.id] = user
    }

    public func user(tenantID: TenantID, id: UUID) -> User? {
        users[id].flatMap { $0.tenantID == tenantID ? $0 : nil }
    }

    public func user(tenantID: TenantID, username: String) -> User? {
        users.values.first { $0.tenantID == tenantID && $0.username == username }
    }

    public func createSession(_ session: Session) throws {
        guard user(tenantID: session.tenantID, id: session.userID) != nil,
            client(tenantID: session.tenantID, clientID: session.clientID) != nil
        else { throw BatonError.notFound("a record this one refers to does not exist") }
        guard sessions[session.id] == nil else { throw BatonError.conflict("session exists") }
        sessions[session.id] = session
    }

    public func createSession(_ session: Session, within limits: [SessionLimit]) throws -> [Session]? {
        let live = sessions.values
            .filter { $0.tenantID == session.tenantID && $0.userID == session.userID && $0.isLive(at: session.createdAt) }
            .sorted { ($0.createdAt, $0.id.uuidString) < ($1.createdAt, $1.id.uuidString) }
        guard let evicted = SessionLimit.evictions(limits, live: live) else { return nil }
        try createSession(session)
        for old in evicted {
            sessions[old.id]?.revokedAt = session.createdAt
            sessions[old.id]?.revokeReason = SessionLimit.evictionReason
        }
        return evicted
    }

    public func session(tenantID: TenantID, id: UUID) -> Session? {
        sessions[id].flatMap { $0.tenantID == tenantID ? $0 : nil }
    }

    public func rotate(_ request: RotationRequest) -> Session? {
        guard var session = session(tenantID: request.tenantID, id: request.sessionID), request.applies(to: session) else { return nil }
        session.generation += 1
        session.currentHash = request.successorHash
        session.lastRotatedAt = request.now
        session.idleExpiresAt = request.rotatedIdleExpiry(of: session)
        sessions[session.id] = session
        return session
    }

    public func revokeSession(tenantID: TenantID, id: UUID, reason: String, at: Date) -> Bool {
        guard var session = session(tenantID: tenantID, id: id), session.revokedAt == nil else { return false }
        session.revokedAt = at
        session.revokeReason = reason
        sessions[id] = session
        return true
    }
}

extension MemoryStore {
    public func sessions(tenantID: TenantID, userID: UUID, now: Date) -> [Session] {
        sessions.values
            .filter { $0.tenantID == tenantID && $0.userID == userID && $0.isLive(at: now) }
            .sorted { ($0.createdAt, $0.id.uuidString) > ($1.createdAt, $1.id.uuidString) }
    }

    public func revokeSessions(tenantID: TenantID, userID: UUID, reason: String, at: Date) -> Int {
        var count = 0
        for (id, session) in sessions where session.tenantID == tenantID && session.userID == userID && session.revokedAt == nil {
            var revoked = session
            revoked.revokedAt = at
            revoked.revokeReason = reason
            sessions[id] = revoked
            count += 1
        }
        return count
    }
}

extension MemoryStore {
    public func users(tenantID: TenantID, after: String?, limit: Int) -> [User] {
        users.values.filter { user in user.tenantID == tenantID && (after.map { user.username > $0 } ?? true) }
            .sorted { $0.username < $1.username }.prefix(max(0, limit)).map { $0 }
    }

    public func updateUser(_ user: User) throws {
        guard self.user(tenantID: user.tenantID, id: user.id) != nil else { throw BatonError.notFound("no such user") }
        users[user.id] = user
    }

    public func deleteUser(tenantID: TenantID, id: UUID) -> Bool {
        guard user(tenantID: tenantID, id: id) != nil else { return false }
        users[id] = nil
        sessions = sessions.filter { !($0.value.tenantID == tenantID && $0.value.userID == id) }
        return true
    }

    public func clients(tenantID: TenantID, after: String?, limit: Int) -> [Client] {
        clients.values.filter { client in client.tenantID == tenantID && (after.map { client.clientID > $0 } ?? true) }
            .sorted { $0.clientID < $1.clientID }.prefix(max(0, limit)).map { $0 }
    }

    public func longestAccessTokenTTL(tenantID: TenantID) -> Int? {
        clients.values.filter { $0.tenantID == tenantID }.compactMap(\.sessionPolicy.accessTokenTTL).max()
    }

    public func allowedOrigins(tenantID: TenantID) -> Set<String> {
        Set(clients.values.filter { $0.tenantID == tenantID }.flatMap(\.allowedOrigins))
    }

    public func updateClient(_ client: Client) throws {
        let key = ClientKey(tenantID: client.tenantID, clientID: client.clientID)
        guard clients[key] != nil else { throw BatonError.notFound("no such client") }
        clients[key] = client
    }

    public func deleteClient(tenantID: TenantID, clientID: String) -> Bool {
        guard clients.removeValue(forKey: ClientKey(tenantID: tenantID, clientID: clientID)) != nil else { return false }
        sessions = sessions.filter { !($0.value.tenantID == tenantID && $0.value.clientID == clientID) }
        return true
    }

    /// Memory mode starts empty, so no session predates refresh-token proofs; `recordLegacyChainHeads` does what
    /// migration 0009 does to PostgreSQL, for tests of sessions that do.
    public func legacyChainHead(tenantID: TenantID, sessionID: UUID) -> LegacyChainHead? {
        guard session(tenantID: tenantID, id: sessionID) != nil else { return nil }
        return legacyChainHeads[sessionID]
    }

    /// Records every live session's current generation and hash as its legacy chain head.
    public func recordLegacyChainHeads() {
        for session in sessions.values where session.revokedAt == nil {
            legacyChainHeads[session.id] = LegacyChainHead(generation: session.generation, hash: session.currentHash)
        }
    }
}

struct ClientKey: Hashable {
    let tenantID: TenantID
    let clientID: String
}
