import BatonCore
import BatonPostgres
import BatonTestSupport
import Foundation
import Testing

/// A client's own lifetimes and session cap: stored with the client, fixed on the session at login, applied by the
/// rotation (the idle expiry) and by session creation (the cap) alike on every backend.
extension StoreContractTests {
    static let ownPolicy = ClientSessionPolicy(
        accessTokenTTL: 120,
        refreshIdleTTL: 300,
        refreshAbsoluteTTL: 7_200,
        reuseGrace: 0,
        maxSessionsPerUser: 2,
        onSessionLimit: .evictOldest
    )

    @Test("a client's policy reads back, lists, updates and clears; the tenant's longest access lifetime follows", arguments: Backend.allCases)
    func clientPolicyRoundTrip(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            #expect(try await store.longestAccessTokenTTL(tenantID: tenant.id) == nil)
            var client = Client.publicApp("mobile", name: "Mobile", of: tenant.id, sessionPolicy: Self.ownPolicy, at: now)
            try await store.createClient(client)
            #expect(try await store.client(tenantID: tenant.id, clientID: "mobile") == client)
            #expect(try await store.clients(tenantID: tenant.id, after: nil, limit: 10) == [client])
            #expect(try await store.longestAccessTokenTTL(tenantID: tenant.id) == 120)

            client.sessionPolicy = ClientSessionPolicy(accessTokenTTL: 3_600)
            try await store.updateClient(client)
            #expect(try await store.client(tenantID: tenant.id, clientID: "mobile") == client)
            #expect(try await store.longestAccessTokenTTL(tenantID: tenant.id) == 3_600)

            client.sessionPolicy = ClientSessionPolicy()
            try await store.updateClient(client)
            #expect(try await store.client(tenantID: tenant.id, clientID: "mobile")?.sessionPolicy == ClientSessionPolicy())
            #expect(try await store.longestAccessTokenTTL(tenantID: tenant.id) == nil)
        }
    }

    @Test(
        "a session's fixed idle lifetime decides its rotated idle expiry, capped at its absolute one; a session without one follows the request",
        arguments: Backend.allCases
    )
    func fixedIdleLifetime(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let user = try await insertAppAndUser(in: tenant, into: store)
            let fixed = SessionLifetimes(accessTokenTTL: 60, refreshIdleTTL: 300, refreshAbsoluteTTL: 3_600, reuseGrace: 5)
            // Idle 300 s from the rotation; 200 s from the rotation past its absolute end; none fixed.
            let cases: [(lifetimes: SessionLifetimes?, absolute: TimeInterval, expected: TimeInterval)] = [
                (fixed, 3_600, 10 + 300),
                (fixed, 210, 210),
                (nil, 3_600, 10 + 900),
            ]
            for (lifetimes, absolute, expected) in cases {
                let session = Session(
                    tenantID: tenant.id,
                    id: UUID(),
                    userID: user.id,
                    clientID: "app",
                    scope: [],
                    audience: ["api"],
                    createdAt: now,
                    absoluteExpiresAt: now.addingTimeInterval(absolute),
                    idleExpiresAt: now.addingTimeInterval(200),
                    generation: 0,
                    currentHash: Data(repeating: 1, count: 32),
                    lifetimes: lifetimes
                )
                try await store.createSession(session)
                #expect(try await store.session(tenantID: tenant.id, id: session.id) == session)
                let request = RotationRequest(
                    tenantID: tenant.id,
                    sessionID: session.id,
                    clientID: "app",
                    presentedGeneration: 0,
                    presentedHash: session.currentHash,
                    successorHash: Data(repeating: 2, count: 32),
                    now: now.addingTimeInterval(10),
                    idleExpiresAt: now.addingTimeInterval(10 + 900)
                )
                let rotated = try #require(try await store.rotate(request))
                #expect(rotated.idleExpiresAt == now.addingTimeInterval(expected))
                #expect(rotated.idleExpiresAt == request.rotatedIdleExpiry(of: session))
                #expect(rotated.lifetimes == lifetimes)
                #expect(try await store.session(tenantID: tenant.id, id: session.id)?.idleExpiresAt == now.addingTimeInterval(expected))
            }
        }
    }

    @Test(
        "a client's cap counts the user's sessions of that client; the tenant's counts them all; a refusal by either writes nothing",
        arguments: Backend.allCases
    )
    func clientCap(_ backend: Backend) async throws {
        try await Self.withStore(backend) { store in
            let tenant = try await insertTenant(into: store)
            let user = try await insertAppAndUser(in: tenant, into: store)
            try await store.createClient(Client.publicApp("other", of: tenant.id, at: now))
            let appOnly = SessionLimit(maxPerUser: 1, action: .evictOldest, clientID: "app")
            let tenantWide = SessionLimit(maxPerUser: 3, action: .reject)
            let otherSession = session(of: user, clientID: "other", at: 1)
            let firstApp = session(of: user, clientID: "app", at: 2)
            #expect(try await store.createSession(otherSession, within: [appOnly, tenantWide]) == [])
            #expect(try await store.createSession(firstApp, within: [appOnly, tenantWide]) == [])
            // The app's cap evicts the app's older session, not the other client's, and so makes room under the tenant's.
            let secondApp = session(of: user, clientID: "app", at: 3)
            #expect(try await store.createSession(secondApp, within: [appOnly, tenantWide])?.map(\.id) == [firstApp.id])
            #expect(try await store.session(tenantID: tenant.id, id: otherSession.id)?.revokedAt == nil)
            // Two live now; the tenant's cap of 2 refuses a third session of the other client, and nothing changes.
            let refused = session(of: user, clientID: "other", at: 4)
            let tight = SessionLimit(maxPerUser: 2, action: .reject)
            #expect(try await store.createSession(refused, within: [SessionLimit(maxPerUser: 5, action: .reject, clientID: "other"), tight]) == nil)
            #expect(try await store.session(tenantID: tenant.id, id: refused.id) == nil)
            let live = try await store.sessions(tenantID: tenant.id, userID: user.id, now: now.addingTimeInterval(5))
            #expect(Set(live.map(\.id)) == [otherSession.id, secondApp.id])
        }
    }
}
