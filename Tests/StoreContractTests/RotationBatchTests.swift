import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Testing

/// Rotations sent in batches: each refresh gets its own session's outcome, whatever else shares its statement.
@Suite("Rotation in batches")
struct RotationBatchTests {
    let contract = StoreContractTests()

    /// `count` sessions of one user, each at generation 0 with hash of "s<i>-0".
    func sessions(_ count: Int, in store: any BatonStore) async throws -> (Tenant, [Session]) {
        let now = contract.now
        let tenant = try await contract.insertTenant(into: store)
        let user = try await contract.insertAppAndUser(in: tenant, into: store)
        var sessions: [Session] = []
        for index in 0..<count {
            let session = Session(
                tenantID: tenant.id, id: UUID(), userID: user.id, clientID: "app", scope: [], audience: [], createdAt: now,
                absoluteExpiresAt: now.addingTimeInterval(3_600), idleExpiresAt: now.addingTimeInterval(600), generation: 0,
                currentHash: SecretDigest.sha256("s\(index)-0")
            )
            try await store.createSession(session)
            sessions.append(session)
        }
        return (tenant, sessions)
    }

    func request(_ session: Session, index: Int, generation: Int = 0) -> RotationRequest {
        RotationRequest(
            tenantID: session.tenantID, sessionID: session.id, clientID: "app", presentedGeneration: generation,
            presentedHash: SecretDigest.sha256("s\(index)-\(generation)"), successorHash: SecretDigest.sha256("s\(index)-\(generation + 1)"),
            now: contract.now.addingTimeInterval(1), idleExpiresAt: contract.now.addingTimeInterval(601)
        )
    }

    @Test("48 sessions refreshed at once: each caller gets its own session, rotated once, and stale tokens among them get nil")
    func eachCallerItsOwnSession() async throws {
        try await TestDatabase.withStore(rotationBatches: 1) { store in
            let (tenant, sessions) = try await sessions(48, in: store)
            // Every third request presents a generation the session is not at: nothing must rotate for it.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Session?).self) { group in
                for (index, session) in sessions.enumerated() {
                    let request = index % 3 == 2 ? request(session, index: index, generation: 5) : request(session, index: index)
                    group.addTask { (index, try await store.rotate(request)) }
                }
                return try await group.reduce(into: [Int: Session?]()) { $0[$1.0] = $1.1 }
            }
            for (index, session) in sessions.enumerated() {
                let outcome = try #require(outcomes[index])
                let stored = try #require(try await store.session(tenantID: tenant.id, id: session.id))
                if index % 3 == 2 {
                    #expect(outcome == nil)
                    #expect(stored.generation == 0)
                } else {
                    #expect(outcome?.id == session.id)
                    #expect(outcome?.generation == 1)
                    #expect(outcome?.currentHash == SecretDigest.sha256("s\(index)-1"))
                    #expect(stored.generation == 1 && stored.currentHash == SecretDigest.sha256("s\(index)-1"))
                }
            }
        }
    }

    @Test("one token presented 24 times at once, through batches, rotates its session exactly once")
    func oneTokenManyTimes() async throws {
        try await TestDatabase.withStore(rotationBatches: 2) { store in
            let (tenant, sessions) = try await sessions(1, in: store)
            let request = request(sessions[0], index: 0)
            let outcomes = try await withThrowingTaskGroup(of: Session?.self) { group in
                for _ in 0..<24 { group.addTask { try await store.rotate(request) } }
                return try await group.reduce(into: [Session?]()) { $0.append($1) }
            }
            #expect(outcomes.compactMap { $0 }.count == 1)
            #expect(try await store.session(tenantID: tenant.id, id: sessions[0].id)?.generation == 1)
        }
    }
}
