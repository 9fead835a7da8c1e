import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BatonPostgres

/// Rotations sent in batches: each refresh gets its own session's outcome, whatever else shares its statement.
@Suite("Rotation in batches")
struct RotationBatchTests {
    let contract = StoreContractTests()

    /// `count` sessions of one user, each at generation 0 with hash of "s<i>-0".
    func sessions(_ count: Int, in store: any BatonStore) async throws -> (Tenant, [Session]) {
        let tenant = try await contract.insertTenant(into: store)
        let user = try await contract.insertAppAndUser(in: tenant, into: store)
        var sessions: [Session] = []
        for index in 0..<count {
            let session = contract.session(of: user, hash: SecretDigest.sha256("s\(index)-0"))
            try await store.createSession(session)
            sessions.append(session)
        }
        return (tenant, sessions)
    }

    func request(_ session: Session, index: Int, generation: Int = 0) -> RotationRequest {
        RotationRequest(
            tenantID: session.tenantID,
            sessionID: session.id,
            clientID: "app",
            presentedGeneration: generation,
            presentedHash: SecretDigest.sha256("s\(index)-\(generation)"),
            successorHash: SecretDigest.sha256("s\(index)-\(generation + 1)"),
            now: contract.now.addingTimeInterval(1),
            idleExpiresAt: contract.now.addingTimeInterval(601)
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

    @Test("a batch PostgreSQL picks as a deadlock victim was rolled back whole, runs once more, and both its rotations land")
    func deadlockVictimRunsAgain() async throws {
        // PostgreSQL looks for a cycle once per wait, when that wait has lasted deadlock_timeout. The batch's wait
        // closes the cycle, so its look finds it; the others' look comes a minute after their waits began.
        try await TestDatabase.withFreshDatabase { url in
            let name = try TestDatabase.name(of: url)
            try await TestDatabase.withClient { admin in
                try await admin.query("ALTER DATABASE \(unescaped: String(name)) SET deadlock_timeout = '1s'")
            }
            try await deadlockVictimRunsAgain(url: url)
        }
    }

    func deadlockVictimRunsAgain(url: String) async throws {
        try await TestDatabase.withClient(url: url) { client in
            let store = PostgresStore(client: client, logger: Logger(label: "test-store"))
            let (tenant, sessions) = try await sessions(2, in: store)
            let requests = [request(sessions[0], index: 0), request(sessions[1], index: 1)]
            // The batch locks its rows in this order; the other transaction takes them the other way round.
            let sorted = requests.sorted { RotationKey($0) < RotationKey($1) }
            let (first, second) = (sorted[0].sessionID, sorted[1].sessionID)
            let records = RecordingLogHandler.Records()
            let logger = Logger(label: "test-other")
            func begin(locking session: UUID, on connection: PostgresConnection) async throws -> Int32 {
                try await connection.query("BEGIN", logger: logger)
                try await connection.query("SET LOCAL deadlock_timeout = '60s'", logger: logger)
                _ = try await connection.query(
                    "SELECT 1 FROM sessions WHERE tenant_id = \(tenant.id.uuid) AND session_id = \(session) FOR UPDATE",
                    logger: logger
                ).collect()
                return try await connection.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self) ?? 0
            }
            try await client.withConnection { holder in
                try await client.withConnection { other in
                    // `holder` keeps the batch from `first` until the other transaction, holding `second`, queues
                    // behind it for `first` too (observed in pg_locks, which unlike pg_stat_activity is not a
                    // snapshot per transaction).
                    let holderPID = try await begin(locking: first, on: holder)
                    _ = try await begin(locking: second, on: other)
                    async let batch = Self.writer(client, logging: records).rotate(requests)
                    try await waitUntil("the batch waits for first") { try await Self.blocked(by: holderPID, on: holder) == 1 }
                    async let otherTakesFirst = other.query(
                        "UPDATE sessions SET user_agent = user_agent WHERE tenant_id = \(tenant.id.uuid) AND session_id = \(first) RETURNING 1",
                        logger: logger
                    ).collect()
                    try await waitUntil("the other transaction queues behind it") { try await Self.blocked(by: holderPID, on: holder) == 2 }
                    // The batch, first in line, takes `first` and waits for `second`: a cycle its own wait closes. Once
                    // PostgreSQL has rolled the batch back, `first` goes to the other transaction.
                    try await holder.query("COMMIT", logger: logger)
                    _ = try await otherTakesFirst
                    try await other.query("COMMIT", logger: logger)
                    let results = try await batch
                    #expect(results.map { $0?.generation } == [1, 1])
                }
            }
            #expect(records.all.contains { $0.contains("deadlock victim") }, "the batch was not the victim: \(records.all)")
            for (index, session) in sessions.enumerated() {
                #expect(try await store.session(tenantID: tenant.id, id: session.id)?.currentHash == SecretDigest.sha256("s\(index)-1"))
            }
        }
    }

    @Test("two batches holding the same sessions in opposite order lock them in one order: no deadlock, nothing retried")
    func oppositeOrdersDoNotDeadlock() async throws {
        try await TestDatabase.withClient { client in
            let store = PostgresStore(client: client, logger: Logger(label: "test-store"))
            let (tenant, sessions) = try await sessions(2, in: store)
            // Both batches present tokens no longer current (generation 5): they lock the rows, then rotate nothing.
            let forward = [request(sessions[0], index: 0, generation: 5), request(sessions[1], index: 1, generation: 5)].sorted {
                RotationKey($0) < RotationKey($1)
            }
            let backward = Array(forward.reversed())
            let first = forward[0].sessionID
            let records = RecordingLogHandler.Records()
            let logger = Logger(label: "test-other")
            try await client.withConnection { other in
                // Both batches queue behind this lock on the row they both take first, then run together.
                try await other.query("BEGIN", logger: logger)
                _ = try await other.query(
                    "SELECT 1 FROM sessions WHERE tenant_id = \(tenant.id.uuid) AND session_id = \(first) FOR UPDATE",
                    logger: logger
                ).collect()
                // `backward` queues second: unsorted, it would hold the other row and then wait for this one, while
                // `forward`, served first, waits for that other row: a cycle.
                let otherPID = try await other.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self) ?? 0
                async let one = Self.writer(client, logging: records).rotate(forward)
                try await waitUntil("the first batch queues") { try await Self.blocked(by: otherPID, on: other) == 1 }
                async let two = Self.writer(client, logging: records).rotate(backward)
                try await waitUntil("the second batch queues") { try await Self.blocked(by: otherPID, on: other) == 2 }
                try await other.query("COMMIT", logger: logger)
                #expect(try await one == [nil, nil])
                #expect(try await two == [nil, nil])
            }
            #expect(!records.all.contains { $0.contains("deadlock victim") }, "\(records.all)")
        }
    }

    @Test(
        "refreshes queued behind a batch when the probe finds the database silent are answered 503 at once, not at their deadline",
        .hangGuard
    )
    func queuedWhileSilent() async throws {
        try await TestDatabase.withClient { client in
            let availability = DatabaseAvailability()
            // A clock never moved: whatever is answered is answered before any deadline.
            let clock = TestClock()
            let deadline = DatabaseDeadline(timeout: .seconds(20), clock: clock.erased, logger: Logger(label: "test-deadline"))
            let store = PostgresStore(
                client: client,
                logger: Logger(label: "test-store"),
                availability: availability,
                deadline: deadline,
                rotationBatches: 1
            )
            let (tenant, sessions) = try await sessions(2, in: store)
            let logger = Logger(label: "test-other")
            try await client.withConnection { other in
                // Both rows held: a batch sent to the database now would wait there until its deadline.
                try await other.query("BEGIN", logger: logger)
                _ = try await other.query("SELECT 1 FROM sessions WHERE tenant_id = \(tenant.id.uuid) FOR UPDATE", logger: logger).collect()
                let otherPID = try await other.query("SELECT pg_backend_pid()", logger: logger).collect().first?.decode(Int32.self) ?? 0
                let held = Task { try await store.rotate(request(sessions[0], index: 0)) }
                // Its batch waits for the lock, in the one batch slot.
                try await waitUntil("the first batch waits for the lock") { try await Self.blocked(by: otherPID, on: other) == 1 }
                let queued = Task { try await store.rotate(request(sessions[1], index: 1)) }
                try await waitUntil("the second refresh queues behind it") { store.rotationBatcher?.waitingCount == 1 }
                // What DatabaseProbe does when the database stops answering.
                availability.record(answering: false)
                deadline.abandonAll()
                await #expect(throws: BatonError.unavailable("the database does not answer")) { try await held.value }
                await #expect(throws: BatonError.unavailable("the database does not answer")) { try await queued.value }
                #expect(clock.now.offset == .zero)
                try await other.query("ROLLBACK", logger: logger)
            }
            availability.record(answering: true)
            // The queued refresh never reached the database (the abandoned batch may still commit once the lock goes,
            // as any unanswered request may).
            #expect(try await store.session(tenantID: tenant.id, id: sessions[1].id)?.generation == 0)
        }
    }

    /// The batcher's writer on `client`, straight to PostgreSQL, its log lines kept in `records`.
    static func writer(_ client: PostgresClient, logging records: RecordingLogHandler.Records) -> RotationBatchWriter {
        RotationBatchWriter(leases: ConnectionLeases(client), pooling: .direct, logger: RecordingLogHandler.logger(records))
    }

    /// How many backends wait for a lock behind the backend `pid`, directly or behind one that does (pg_locks, which
    /// unlike pg_stat_activity is not a snapshot per transaction).
    static func blocked(by pid: Int32, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query(
            """
            WITH waiting AS (SELECT DISTINCT pid, pg_blocking_pids(pid) AS behind FROM pg_locks WHERE NOT granted)
            SELECT count(*)::integer FROM waiting AS w WHERE \(pid) = ANY(w.behind)
                OR EXISTS (SELECT 1 FROM waiting AS v WHERE \(pid) = ANY(v.behind) AND v.pid = ANY(w.behind))
            """,
            logger: Logger(label: "test-other")
        ).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }
}
