import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import Testing

/// ARCHITECTURE rule 3 under faults: whatever breaks once a rotation may have committed (its answer lost before,
/// during or after its rows, its commit barrier cut off or refused as by a pooler), the client is answered 503 and
/// its retry within the grace window gets the identical successor; a rotation that never reached the server rotates
/// normally on retry. Either way the chain goes on: nothing is revoked as reuse, nothing forks. Each fault is set by
/// `FaultyPostgresProxy` at its message of the protocol, on every PostgreSQL backend, direct and through PgBouncer.
@Suite("A rotation broken at any round trip")
struct RotationFaultTests {
    typealias Backend = StoreContractTests.Backend
    typealias Fault = FaultyPostgresProxy.Fault

    static let cases: [(Backend, Fault)] = [Backend.postgres, .postgresBatched, .pooled, .pooledBatched].flatMap { backend in
        Fault.allCases.map { (backend, $0) }
    }

    @Test(
        "leaves the client a retry that gets the identical successor, or rotates if nothing committed",
        .hangGuard,
        arguments: cases
    )
    func brokenRotation(_ backend: Backend, _ fault: Fault) async throws {
        let upstream = backend.pooling == .transaction ? try TestDatabase.pooledURL() : try TestDatabase.url()
        try await FaultyPostgresProxy.with(upstream: upstream) { proxy, url in
            try await TestDatabase.withClient(url: url) { client in
                let store = PostgresStore(
                    client: client,
                    logger: Logger(label: "fault"),
                    rotationBatches: backend.rotationBatches,
                    pooling: backend.pooling
                )
                try await RefreshRotationTests.fixture(store, settings: .init(reuseGrace: 10)) { f in
                    let (session, r0) = try await f.start()
                    proxy.arm(fault)
                    // A lone rotation commits inside its procedure and has no barrier: those faults never apply to it.
                    let applies = !(fault.needsBarrier && backend.rotationBatches == 0)
                    let successor: RefreshToken
                    do {
                        successor = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app").refreshToken
                        // Answered 200: the fault did not apply, or (a lone rotation's) came once its row was in.
                        #expect(!applies || (fault == .cutAfterRows && backend.rotationBatches == 0), "answered despite \(fault)")
                    } catch let error as BatonError {
                        #expect(error.kind == .unavailable, "\(fault): \(error)")
                        #expect(proxy.fired == fault)
                        let retried = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app")
                        #expect(retried.kind == (fault.commits ? .graceRetry : .rotated), "\(fault)")
                        successor = retried.refreshToken
                    }
                    #expect(proxy.fired == (applies ? fault : nil))
                    // A connection cut right after its answer is only known dead once its close arrives: a request that
                    // leased it first gets 503, and a client retries it (the same token, as it must).
                    let next: RefreshResult
                    do {
                        next = try await f.service.spend(tenant: f.tenant, presented: successor.encoded, clientID: "app")
                    } catch let error as BatonError where error.kind == .unavailable && fault == .cutAfterRows {
                        next = try await f.service.spend(tenant: f.tenant, presented: successor.encoded, clientID: "app")
                    }
                    #expect(next.kind == .rotated)
                    let stored = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
                    #expect(stored.revokedAt == nil)
                    #expect(stored.generation == 2)
                }
            }
        }
    }
}
