import Foundation
import JWTKit
import Logging

/// How an access token was presented (RFC 6750 `Bearer`, RFC 9449 `DPoP`).
public enum AccessTokenScheme: Sendable {
    case bearer
    case dpop
}

/// What a valid access token proves: its claims, and the live session it belongs to.
public struct AuthenticatedSession: Sendable {
    public let claims: AccessTokenClaims
    public let session: Session
}

/// Introspection, revocation, and a user's view of their own sessions. Revocation is seen at once by
/// introspection and by every endpoint that takes a bearer token, because they all check the session row.
public struct SessionService<Store: SessionStore & SigningKeyStore & ChainKeyStore & AuditStore & DPoPProofStore>: Sendable {
    let store: Store
    let dpop: DPoPVerifier<Store>
    let signingKeys: SigningKeyRing
    let chains: ChainKeyRing
    let audit: AuditLog<Store>
    let publicURL: String
    let clock: any BatonClock
    let logger: Logger

    public init(
        store: Store,
        signingKeys: SigningKeyRing,
        chains: ChainKeyRing,
        audit: AuditLog<Store>,
        dpop: DPoPVerifier<Store>,
        publicURL: String,
        clock: any BatonClock,
        logger: Logger
    ) {
        self.store = store
        self.dpop = dpop
        self.signingKeys = signingKeys
        self.chains = chains
        self.audit = audit
        self.publicURL = publicURL
        self.clock = clock
        self.logger = logger
    }

    /// An access token of a user session that is still live (not revoked, not expired), `unauthorized` otherwise,
    /// presented as its scheme requires (RFC 9449 §7): an unbound token as `Bearer`; a DPoP-bound one
    /// (`cnf.jkt`) as `DPoP`, with a proof by that key over this request and the token's hash (`ath`), else
    /// `invalid_dpop_proof`. Resource requests need no server nonce.
    public func authenticate(
        accessToken token: String?,
        scheme: AccessTokenScheme,
        dpop presentation: DPoPPresentation?,
        tenant: Tenant
    )
        async throws -> AuthenticatedSession
    {
        let failure = BatonError.unauthorized("a valid access token is required")
        let now = clock.now()
        guard let token,
            let claims = try await signingKeys.verify(
                token,
                tenantID: tenant.id,
                issuer: tenant.issuer(publicURL: publicURL),
                now: now,
                store: store
            ),
            let sid = claims.sessionID,
            let session = try await store.session(tenantID: tenant.id, id: sid), session.isLive(at: now)
        else { throw failure }
        guard let bound = claims.cnf?.jkt else {
            guard scheme == .bearer else { throw failure }
            return AuthenticatedSession(claims: claims, session: session)
        }
        guard scheme == .dpop else {
            throw OAuthError(.invalidDPoPProof, "this access token is DPoP-bound: send it as Authorization: DPoP, with a proof")
        }
        guard let proof = try await dpop.verify(presentation, tenant: tenant, accessToken: token, requireNonce: false) else {
            throw OAuthError(.invalidDPoPProof, "DPoP proof: missing")
        }
        guard proof.thumbprint == bound else { throw OAuthError(.invalidDPoPProof, "DPoP proof: signed by another key than the token is bound to") }
        return AuthenticatedSession(claims: claims, session: session)
    }

    /// RFC 7662, for confidential clients only (`unauthorized_client` otherwise): nil (inactive) for anything that
    /// is not a live token of this tenant.
    public func introspect(_ token: String, tenant: Tenant, client: Client) async throws -> Introspection? {
        guard client.kind == .confidential else { throw OAuthError(.unauthorizedClient, "introspection is for confidential clients") }
        let now = clock.now()
        if let refresh = RefreshToken(parsing: token) {
            let chain = try await chains.chain(for: tenant.id, store: store)
            guard let session = try await store.session(tenantID: tenant.id, id: refresh.sessionID), session.isLive(at: now),
                chain.standing(of: refresh, in: session) == .current
            else { return nil }
            return Introspection(
                tokenType: .refreshToken,
                scope: session.scope.joined(separator: " "),
                clientID: session.clientID,
                subject: session.userID.uuidString.lowercased(),
                issuer: tenant.issuer(publicURL: publicURL),
                audience: session.audience,
                expiresAt: session.expiresAt,
                issuedAt: session.lastRotatedAt ?? session.createdAt,
                sessionID: session.id,
                jwtID: nil,
                dpopJKT: session.dpopJKT
            )
        }
        guard
            let claims = try await signingKeys.verify(token, tenantID: tenant.id, issuer: tenant.issuer(publicURL: publicURL), now: now, store: store)
        else {
            return nil
        }
        if claims.sid != nil {
            guard let id = claims.sessionID, let session = try await store.session(tenantID: tenant.id, id: id), session.isLive(at: now) else {
                return nil
            }
        }
        return Introspection(
            tokenType: .accessToken,
            scope: claims.scope,
            clientID: claims.clientID,
            subject: claims.sub.value,
            issuer: claims.iss.value,
            audience: claims.aud.value,
            expiresAt: claims.exp.value,
            issuedAt: claims.iat.value,
            sessionID: claims.sessionID,
            jwtID: claims.jti.value,
            dpopJKT: claims.cnf?.jkt
        )
    }

    /// RFC 7009: revokes the session of a refresh or access token issued to `client`; unknown or foreign tokens do nothing.
    public func revoke(_ token: String, tenant: Tenant, client: Client) async throws {
        let now = clock.now()
        let sessionID: UUID?
        if let refresh = RefreshToken(parsing: token) {
            // Only a token of the chain may revoke: a forged one with a real session id does nothing.
            let chain = try await chains.chain(for: tenant.id, store: store)
            guard let session = try await store.session(tenantID: tenant.id, id: refresh.sessionID), session.clientID == client.clientID,
                try await chain.standing(of: refresh, in: session, store: store) != .foreign
            else { return }
            sessionID = session.id
        } else if let claims = try await signingKeys.verify(
            token,
            tenantID: tenant.id,
            issuer: tenant.issuer(publicURL: publicURL),
            now: now,
            store: store
        ),
            claims.clientID == client.clientID
        {
            sessionID = claims.sessionID
        } else {
            sessionID = nil
        }
        guard let sessionID else { return }
        if try await store.revokeSession(tenantID: tenant.id, id: sessionID, reason: "revoked_by_client", at: now) {
            await recordRevoked(sessionID, tenant: tenant, reason: "revoked_by_client", actor: "client:\(client.clientID)", clientID: client.clientID)
        }
    }

    /// The user's live sessions.
    public func sessions(of userID: UUID, tenant: Tenant) async throws -> [Session] {
        try await store.sessions(tenantID: tenant.id, userID: userID, now: clock.now())
    }

    /// Revokes one of the user's sessions; `notFound` if it is not theirs or not live.
    public func revokeSession(_ sessionID: UUID, of userID: UUID, tenant: Tenant, reason: String) async throws {
        guard let session = try await store.session(tenantID: tenant.id, id: sessionID), session.userID == userID,
            try await store.revokeSession(tenantID: tenant.id, id: sessionID, reason: reason, at: clock.now())
        else { throw BatonError.notFound("no such session") }
        await recordRevoked(sessionID, tenant: tenant, reason: reason, actor: "user:\(userID)", userID: userID)
    }

    /// Signs the user out everywhere; returns how many sessions ended.
    @discardableResult
    public func revokeAllSessions(of userID: UUID, tenant: Tenant, reason: String, actor: String? = nil) async throws -> Int {
        let count = try await store.revokeSessions(tenantID: tenant.id, userID: userID, reason: reason, at: clock.now())
        logger.info("sessions revoked", metadata: ["tenant": "\(tenant.slug)", "user_id": "\(userID)", "count": "\(count)", "reason": "\(reason)"])
        await audit.record(
            .sessionRevoked,
            tenant: tenant.id,
            actor: actor ?? "user:\(userID)",
            userID: userID,
            details: ["reason": reason, "count": "\(count)"]
        )
        return count
    }

    /// An operator revokes any session of the tenant; `notFound` if there is no live one with that id.
    public func revokeSession(_ sessionID: UUID, tenant: Tenant, reason: String, actor: String) async throws {
        guard try await store.revokeSession(tenantID: tenant.id, id: sessionID, reason: reason, at: clock.now()) else {
            throw BatonError.notFound("no such session")
        }
        await recordRevoked(sessionID, tenant: tenant, reason: reason, actor: actor)
    }

    /// The log line and audit event of one revoked session.
    private func recordRevoked(_ sessionID: UUID, tenant: Tenant, reason: String, actor: String, userID: UUID? = nil, clientID: String? = nil) async {
        logger.info("session revoked", metadata: ["tenant": "\(tenant.slug)", "session_id": "\(sessionID)", "reason": "\(reason)"])
        await audit.record(
            .sessionRevoked,
            tenant: tenant.id,
            actor: actor,
            sessionID: sessionID,
            userID: userID,
            clientID: clientID,
            details: ["reason": reason]
        )
    }
}
