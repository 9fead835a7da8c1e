import BatonCore
import BatonTestSupport
import Foundation
import Testing

/// ARCHITECTURE rule 6: a refused refresh changes nothing. Every refusal class, on every store, leaves the session
/// row and the audit trail exactly as they were, and the token that was refused still works afterwards.
@Suite("A refused refresh changes nothing")
struct RefusedRefreshTests {
    typealias Backend = StoreContractTests.Backend

    /// One way to be refused: what to present (given the session's first three tokens) and with what.
    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        /// Generation of the token to present (0, 1 or 2; the session stands at 2), unless `forged`.
        var generation = 2
        var forged = false
        var clientID = "app"
        var scope: [String]? = nil
        /// Seconds the manual clock moves before the refresh.
        var advance: TimeInterval = 0
        let expected: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "current token, wider scope", scope: ["read", "write"], expected: "invalid_scope"),
        Refusal(name: "current token, unknown scope only", scope: ["admin"], expected: "invalid_scope"),
        Refusal(name: "grace-window predecessor, wider scope", generation: 1, scope: ["read", "write"], expected: "invalid_scope"),
        Refusal(name: "spent ancestor, wider scope", generation: 0, scope: ["write"], expected: "invalid_scope"),
        Refusal(name: "current token, another client", clientID: "other-app", expected: "invalid_grant"),
        Refusal(name: "spent ancestor, another client", generation: 0, clientID: "other-app", expected: "invalid_grant"),
        Refusal(name: "forged secret with the real session id", forged: true, expected: "invalid_grant"),
        Refusal(name: "forged secret, wider scope", forged: true, scope: ["write"], expected: "invalid_grant"),
    ]

    static let cases: [(Backend, Refusal)] = Backend.allCases.flatMap { backend in refusals.map { (backend, $0) } }

    @Test("each refusal leaves the session and the audit trail as they were, and the token still works", arguments: cases)
    func refusalChangesNothing(_ backend: Backend, _ refusal: Refusal) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            let (session, r0) = try await f.start()
            let r1 = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app").refreshToken
            let r2 = try await f.service.spend(tenant: f.tenant, presented: r1.encoded, clientID: "app").refreshToken
            let tokens = [r0, r1, r2]
            let presented =
                refusal.forged
                ? RefreshToken(sessionID: session.id, generation: refusal.generation, secret: RandomSecret.bytes(32)) : tokens[refusal.generation]
            let before = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
            let auditBefore = try await f.store.auditEvents(tenantID: f.tenant.id, kind: nil, before: nil, limit: 100)
            f.clock.advance(by: refusal.advance)

            do {
                _ = try await f.service.spend(tenant: f.tenant, presented: presented.encoded, clientID: refusal.clientID, scope: refusal.scope)
                Issue.record("the refresh was not refused")
            } catch let error as OAuthError {
                #expect(error.code.rawValue == refusal.expected, "\(error)")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id) == before)
            #expect(try await f.store.auditEvents(tenantID: f.tenant.id, kind: nil, before: nil, limit: 100) == auditBefore)
            // The current token was not spent: it rotates now, for the session's own client and scope.
            let next = try await f.service.spend(tenant: f.tenant, presented: r2.encoded, clientID: "app")
            #expect(next.session.generation == 3)
        }
    }

    @Test("a session ending within the current second is refused without rotating", arguments: Backend.allCases)
    func endingWithinTheSecond(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: .init(refreshIdleTTL: 100, refreshAbsoluteTTL: 120, reuseGrace: 10)) { f in
            // The session starts half a second past a whole second, so its absolute end (120 s on) falls inside
            // a second too. At 120.2 s an access token could live for no whole second: before the rotation checked
            // this itself, it committed and the refresh was then refused, so the token was spent for nothing.
            f.clock.advance(by: 0.5)
            let (session, r0) = try await f.start()
            let r1 = try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app").refreshToken
            f.clock.advance(by: 60)
            let r2 = try await f.service.spend(tenant: f.tenant, presented: r1.encoded, clientID: "app").refreshToken
            f.clock.advance(by: 59.7)
            let before = try #require(try await f.store.session(tenantID: f.tenant.id, id: session.id))
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token is invalid, expired or revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: r2.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id) == before)
        }
    }
}
