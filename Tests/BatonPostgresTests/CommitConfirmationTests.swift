import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// A write is reported only once PostgreSQL has committed it. Over the extended protocol a statement outside a
/// transaction is answered before its commit; a commit that then fails (here: a deferred constraint trigger, which
/// runs at commit; in production: a server crash) must not be reported as done.
@Suite("Writes are reported only once committed", .hangGuard)
struct CommitConfirmationTests {
    static let logger = Logger(label: "commit-test")

    @Test("a rotation and a revocation whose commit fails are errors, and the session is left as it was")
    func failedCommit() async throws {
        try await TestDatabase.withFreshDatabase { url in
            // The trigger is managed over a client of its own: the store's loses connections on purpose, and a query
            // of the test's own on a connection being closed would never be answered (see `DatabaseDeadline`).
            try await TestDatabase.withClient(url: url) { admin in
                try await TestDatabase.withClient(url: url) { client in
                    let deadline = DatabaseDeadline(timeout: .seconds(2), logger: Self.logger)
                    let store = PostgresStore(client: client, logger: Self.logger, deadline: deadline)
                    try await DatabaseDeadlineTests.whileSweeping(deadline) {
                        let clock = ManualClock()
                        let sealer = SecretSealer(current: .generate())
                        let tenant = try await TenantService(
                            store: store,
                            keyFactory: SigningKeyFactory(sealer: sealer),
                            jwksCache: JWKSCache(),
                            clock: clock,
                            logger: Self.logger
                        ).create(slug: "commit", displayName: nil, settings: .init())
                        let now = clock.now()
                        try await store.createClient(Client.publicApp(name: "App", of: tenant.id, scopes: ["read"], at: now))
                        let user = User.sessionOwner(of: tenant.id, at: now)
                        try await store.createUser(user)
                        let refresh = RefreshTokenGrant.forTests(store: store, sealer: sealer, clock: clock, logger: Self.logger)
                        let (session, token) = try await refresh.startSession(
                            tenant: tenant,
                            userID: user.id,
                            clientID: "app",
                            scope: ["read"],
                            audience: [],
                            userAgent: nil,
                            ipAddress: nil
                        )

                        // Every update of a session now fails at commit, after PostgreSQL has answered the UPDATE itself.
                        try await admin.query(
                            """
                            CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                            BEGIN RAISE EXCEPTION 'refused at commit'; END $$
                            """
                        )
                        try await admin.query(
                            """
                            CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER UPDATE ON sessions DEFERRABLE INITIALLY DEFERRED
                            FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()
                            """
                        )
                        await #expect(throws: BatonError.self) {
                            _ = try await refresh.spend(tenant: tenant, presented: token.encoded, clientID: "app")
                        }
                        await #expect(throws: BatonError.self) {
                            _ = try await store.revokeSession(tenantID: tenant.id, id: session.id, reason: "logout", at: now)
                        }
                        try await admin.query("DROP TRIGGER refuse_at_commit ON sessions")

                        // Read and spent again over the admin client's pool: the store's has connections the failed
                        // commits closed, which it notices only later.
                        let untouched = PostgresStore(client: admin, logger: Self.logger)
                        let after = try #require(try await untouched.session(tenantID: tenant.id, id: session.id))
                        #expect(after.generation == 0)
                        #expect(after.revokedAt == nil)
                        // And the token that was never spent still works.
                        let again = RefreshTokenGrant.forTests(store: untouched, sealer: sealer, clock: clock, logger: Self.logger)
                        #expect(try await again.spend(tenant: tenant, presented: token.encoded, clientID: "app").kind == .rotated)
                    }
                }
            }
        }
    }
}
