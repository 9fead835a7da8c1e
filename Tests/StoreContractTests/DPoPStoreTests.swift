import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

/// DPoP state in the stores: the binding the rotation checks (one rule, in SQL and in `RotationRequest.applies`),
/// and the proofs remembered once across instances.
extension StoreContractTests {
    @Test("a session bound to a DPoP key rotates only for a proof by that key, and the memory rule agrees", arguments: Backend.allCases)
    func boundRotation(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let user = try await insertAppAndUser(in: tenant, into: store)
            let bound = session(of: user, at: 0, dpopJKT: "key-one")
            try await store.createSession(bound)
            #expect(try await store.session(tenantID: tenant.id, id: bound.id)?.dpopJKT == "key-one")
            func request(_ thumbprint: String?) -> RotationRequest {
                RotationRequest(
                    tenantID: tenant.id,
                    sessionID: bound.id,
                    clientID: "app",
                    presentedGeneration: 0,
                    presentedHash: bound.currentHash,
                    successorHash: Data(repeating: 2, count: 32),
                    now: now.addingTimeInterval(10),
                    idleExpiresAt: now.addingTimeInterval(610),
                    proofThumbprint: thumbprint
                )
            }
            for refused in [nil, "key-two", ""] {
                #expect(!request(refused).applies(to: bound))
                #expect(try await store.rotate(request(refused)) == nil, "\(refused ?? "no proof")")
            }
            #expect(request("key-one").applies(to: bound))
            let rotated = try #require(try await store.rotate(request("key-one")))
            #expect(rotated.generation == 1)
            #expect(rotated.dpopJKT == "key-one")
        }
    }

    @Test("a DPoP proof is recorded once: of many attempts at once, from two instances, exactly one succeeds", arguments: Backend.allCases)
    func proofRecordedOnce(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let key = Data(UUID().uuidString.utf8)
            let expires = now.addingTimeInterval(300)
            // The second instance: another store on the same database (the memory store has no other).
            try await Self.withStore(backend) { other in
                let second = backend.isPostgres ? other : store
                let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for attempt in 0..<8 {
                        let instance = attempt.isMultiple(of: 2) ? store : second
                        group.addTask { try await instance.recordDPoPProof(tenantID: tenant.id, replayKey: key, expiresAt: expires) }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(accepted == 1)
            }
            // Another tenant's proof with the same key is another proof.
            let otherTenant = try await insertTenant(into: store)
            #expect(try await store.recordDPoPProof(tenantID: otherTenant.id, replayKey: key, expiresAt: expires))
            // Expired records go with the purge; live ones stay.
            #expect(try await store.recordDPoPProof(tenantID: tenant.id, replayKey: Data("old".utf8), expiresAt: now.addingTimeInterval(-1)))
            #expect(try await store.purgeDPoPProofs(tenantID: tenant.id, expiredBefore: now, limit: 100) == 1)
            #expect(try await store.purgeDPoPProofs(tenantID: tenant.id, expiredBefore: now, limit: 100) == 0)
            #expect(!(try await store.recordDPoPProof(tenantID: tenant.id, replayKey: key, expiresAt: expires)))
        }
    }
}
