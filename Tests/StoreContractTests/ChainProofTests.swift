import BatonCore
import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

/// Refresh-token chain proofs on every store: reuse of any ancestor is detected however far behind its session,
/// forged tokens revoke nothing, and tokens issued before proofs existed keep working across the upgrade.
@Suite("Refresh-token chain proofs")
struct ChainProofTests {
    typealias Backend = StoreContractTests.Backend

    /// A live session of the fixture's user standing at `generation` with `secret` current, as that many rotations
    /// would have left it (made directly: rotating that often would take minutes).
    static func session(_ f: RefreshRotationTests.Fixture, at generation: Int, secret: Data) async throws -> Session {
        let now = f.clock.now()
        let session = Session(
            tenantID: f.tenant.id,
            id: UUID(),
            userID: f.userID,
            clientID: "app",
            scope: ["read"],
            audience: [],
            createdAt: now,
            absoluteExpiresAt: now.addingTimeInterval(7_200),
            idleExpiresAt: now.addingTimeInterval(3_600),
            generation: generation,
            currentHash: RefreshChain.digest(secret),
            lastRotatedAt: now
        )
        try await f.store.createSession(session)
        return session
    }

    /// What migration 0009 does to a session that exists when it runs.
    static func recordLegacyHead(_ f: RefreshRotationTests.Fixture, _ backend: Backend, _ session: Session) async throws {
        guard backend.isPostgres else { return await (try #require(f.store as? MemoryStore)).recordLegacyChainHeads() }
        try await TestDatabase.withClient { client in
            _ = try await client.query(
                """
                INSERT INTO legacy_chain_heads (tenant_id, session_id, generation, current_hash)
                SELECT tenant_id, session_id, generation, current_hash FROM sessions WHERE session_id = \(session.id)
                """,
                logger: Logger(label: "t")
            ).collect()
        }
    }

    static func chain(_ f: RefreshRotationTests.Fixture) async throws -> RefreshChain {
        try await ChainKeyRing(sealer: f.sealer).chain(for: f.tenant.id, store: AnyStore(f.store))
    }

    @Test(
        "reuse of an ancestor 150,000 generations back (past the old walk's cap) is detected; a forged token there revokes nothing",
        arguments: Backend.allCases
    )
    func reuseFarBehind(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: .init(reuseGrace: 0)) { f in
            let chain = try await Self.chain(f)
            let secret = RandomSecret.bytes(32)
            let victim = try await Self.session(f, at: 150_000, secret: secret)
            let bystander = try await Self.session(f, at: 150_000, secret: RandomSecret.bytes(32))
            // Tokens Baton issued these sessions long ago, with their proofs.
            let victimFirst = chain.token(sessionID: victim.id, generation: 0, secret: RandomSecret.bytes(32))
            let bystanderOld = chain.token(sessionID: bystander.id, generation: 12, secret: RandomSecret.bytes(32))

            // A forged token (real session id, made-up secret and proof) far behind: refused, nothing revoked.
            let forged = RefreshToken(sessionID: victim.id, generation: 3, secret: RandomSecret.bytes(32), proof: RandomSecret.bytes(16))
            await #expect(throws: OAuthError.self) { _ = try await f.service.spend(tenant: f.tenant, presented: forged.encoded, clientID: "app") }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: victim.id)?.revokedAt == nil)
            // The bystander's old token, presented now: reuse, and only its session ends.
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token was already used; its session is revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: bystanderOld.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: bystander.id)?.revokeReason == "refresh_token_reuse")
            // The victim's current token still rotates; then its first token is reuse.
            let next = try await f.service.spend(
                tenant: f.tenant,
                presented: chain.token(sessionID: victim.id, generation: 150_000, secret: secret).encoded,
                clientID: "app"
            )
            #expect(next.session.generation == 150_001)
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token was already used; its session is revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: victimFirst.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: victim.id)?.revokeReason == "refresh_token_reuse")
        }
    }

    @Test("a token whose proof was tampered with is refused before any rotation, even with the right secret", arguments: Backend.allCases)
    func tamperedProof(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend) { f in
            let (session, r0) = try await f.start()
            var proof = try #require(r0.proof)
            proof[proof.count - 1] ^= 0x80
            let tampered = RefreshToken(sessionID: session.id, generation: 0, secret: r0.secret, proof: proof)
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token is invalid")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: tampered.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.generation == 0)
            #expect(try await f.service.spend(tenant: f.tenant, presented: r0.encoded, clientID: "app").session.generation == 1)
        }
    }

    @Test(
        "tokens issued before proofs existed keep working across the upgrade: rotation, identical grace retry, reuse of old ones",
        arguments: Backend.allCases
    )
    func legacyTokens(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: .init(reuseGrace: 10)) { f in
            // A session with four generations of history, its tokens as the version before proofs issued them.
            let (session, r0) = try await f.start()
            var issued = [r0]
            for _ in 0..<3 {
                issued.append(try await f.service.spend(tenant: f.tenant, presented: issued.last!.encoded, clientID: "app").refreshToken)
            }
            let legacy = issued.map { RefreshToken(sessionID: $0.sessionID, generation: $0.generation, secret: $0.secret) }
            try await Self.recordLegacyHead(f, backend, session)
            f.clock.advance(by: 60)

            // The current legacy token rotates; its successor has a proof; a retry gets the very same successor.
            let first = try await f.service.spend(tenant: f.tenant, presented: legacy[3].encoded, clientID: "app")
            #expect(first.refreshToken.proof != nil)
            let retry = try await f.service.spend(tenant: f.tenant, presented: legacy[3].encoded, clientID: "app")
            #expect(retry.kind == .graceRetry)
            #expect(retry.refreshToken.encoded == first.refreshToken.encoded)
            // The session moves on; legacy ancestors are still recognised against the head kept at the upgrade.
            var latest = first.refreshToken
            for _ in 0..<4 {
                f.clock.advance(by: 60)
                latest = try await f.service.spend(tenant: f.tenant, presented: latest.encoded, clientID: "app").refreshToken
            }
            // A forged legacy token (right session, made-up secret) revokes nothing.
            let forged = RefreshToken(sessionID: session.id, generation: 1, secret: RandomSecret.bytes(32))
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token is invalid, expired or revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: forged.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokedAt == nil)
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token was already used; its session is revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: legacy[1].encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokeReason == "refresh_token_reuse")
        }
    }

    @Test("a session started since proofs exist has no legacy head: a token without proof far behind it revokes nothing", arguments: Backend.allCases)
    func noLegacyHead(_ backend: Backend) async throws {
        try await RefreshRotationTests.withFixture(backend, settings: .init(reuseGrace: 0)) { f in
            let (session, r0) = try await f.start()
            var latest = r0
            for _ in 0..<3 { latest = try await f.service.spend(tenant: f.tenant, presented: latest.encoded, clientID: "app").refreshToken }
            // The real first secret, stripped of its proof: the version before proofs would have taken it as reuse.
            let stripped = RefreshToken(sessionID: session.id, generation: 0, secret: r0.secret)
            await #expect(throws: OAuthError(.invalidGrant, "the refresh token is invalid, expired or revoked")) {
                _ = try await f.service.spend(tenant: f.tenant, presented: stripped.encoded, clientID: "app")
            }
            #expect(try await f.store.session(tenantID: f.tenant.id, id: session.id)?.revokedAt == nil)
        }
    }
}
