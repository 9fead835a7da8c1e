import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Testing

/// `max_sessions_per_user`: enforced atomically with session creation, across instances.
extension StoreContractTests {
    // Direct connections only: through PgBouncer, under the whole suite's load, the waiters' lock waits passed the
    // pooled role's 5 s statement timeout (each waiter holds one of the pool's server connections); the sequential
    // test below covers the pooled path.
    @Test(
        "at the cap (the tenant's, or the client's), concurrent creations from two instances never leave more live sessions than the cap",
        arguments: [Backend.memory, .postgres, .postgresBatched],
        [nil, "app"].flatMap { scope in [SessionLimit.Action.reject, .evictOldest].map { SessionLimit(maxPerUser: 3, action: $0, clientID: scope) } }
    )
    func capUnderRace(_ backend: Backend, limit: SessionLimit) async throws {
        let action = limit.action
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let user = try await insertAppAndUser(in: tenant, into: store)
            try await Self.withStore(backend) { other in
                let second = backend.isPostgres ? other : store
                let outcomes = try await withThrowingTaskGroup(of: [Session]?.self) { group in
                    for attempt in 0..<6 {
                        let instance = attempt.isMultiple(of: 2) ? store : second
                        let candidate = session(of: user, at: 1)
                        group.addTask { try await instance.createSession(candidate, within: limit) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let live = try await store.sessions(tenantID: tenant.id, userID: user.id, now: now.addingTimeInterval(2))
                #expect(live.count == 3)
                switch action {
                case .reject:
                    #expect(outcomes.filter { $0 != nil }.count == 3)
                    #expect(outcomes.compactMap { $0 }.allSatisfy { $0.isEmpty })
                case .evictOldest:
                    #expect(outcomes.allSatisfy { $0 != nil })
                    #expect(outcomes.compactMap { $0 }.flatMap { $0 }.count == 3)
                }
            }
        }
    }

    @Test(
        "evict_oldest revokes the oldest live sessions with reason session_limit; expired and revoked ones do not count",
        arguments: Backend.allCases
    )
    func evictOldest(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let user = try await insertAppAndUser(in: tenant, into: store)
            let limit = SessionLimit(maxPerUser: 2, action: .evictOldest)
            let first = session(of: user, at: 1)
            let second = session(of: user, at: 2)
            var ended = session(of: user, at: 0)
            ended.revokedAt = now
            try await store.createSession(ended)
            #expect(try await store.createSession(first, within: limit) == [])
            #expect(try await store.createSession(second, within: limit) == [])
            let evicted = try #require(try await store.createSession(session(of: user, at: 3), within: limit))
            #expect(evicted.map(\.id) == [first.id])
            let stored = try #require(try await store.session(tenantID: tenant.id, id: first.id))
            #expect(stored.revokeReason == SessionLimit.evictionReason)
            #expect(try await store.session(tenantID: tenant.id, id: second.id)?.revokedAt == nil)
            // Refused: nothing written.
            let refused = session(of: user, at: 4)
            #expect(try await store.createSession(refused, within: SessionLimit(maxPerUser: 2, action: .reject)) == nil)
            #expect(try await store.session(tenantID: tenant.id, id: refused.id) == nil)
        }
    }
}
