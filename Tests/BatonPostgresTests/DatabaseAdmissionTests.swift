import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import BatonPostgres

@Suite("Admission to the database", .hangGuard)
struct DatabaseAdmissionTests {
    @Test("places are taken up to the limit, refused beyond it, and given back")
    func counting() {
        let admission = DatabaseAdmission(limit: 2)
        #expect(admission.enter())
        #expect(admission.enter())
        #expect(!admission.enter())
        #expect(admission.count == 2)
        admission.leave()
        #expect(admission.enter())
        admission.leave()
        admission.leave()
        #expect(admission.count == 0)
    }

    @Test("with the pool busy and the queue full, the next store call fails at once with unavailable; the queued one still runs")
    func exhaustedPoolFailsFast() async throws {
        try await TestDatabase.withFreshDatabase { url in
            var configuration = try DatabaseURL.configuration(from: url)
            configuration.options.maximumConnections = 1
            let logger = Logger(label: "admission-test")
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let admission = DatabaseAdmission(limit: 2)  // the pool's one connection and one waiting
            let store = PostgresStore(client: client, logger: logger, admission: admission)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                try await Migrator(client: client, migrations: try Migration.bundled(), logger: logger).migrate()

                // A store operation that holds the only connection (and a place) until released.
                let release = OnceFlag()
                async let busy: Void = store.admitted("busy") { try await client.withConnection { _ in try await release.wait() } }
                try await waitUntil("the lock holds a place") { admission.count == 1 }
                async let queued: Void = store.checkReachable()  // waits for the connection, in the second place
                try await waitUntil("the second place is taken") { admission.count == 2 }

                await #expect(throws: BatonError.unavailable("too many requests are waiting for the database")) { try await store.checkReachable() }
                release.set()
                _ = try await busy
                try await queued
                #expect(admission.count == 0)
                try await store.checkReachable()
            }
        }
    }
}
