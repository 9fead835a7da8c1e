import Foundation

/// Signs the access token every grant answers with, and holds the two rules grants share: which scopes and
/// audiences a client may ask for.
public struct AccessTokenIssuer: Sendable {
    let signingKeys: SigningKeyRing
    let publicURL: String
    let clock: any BatonClock

    public init(signingKeys: SigningKeyRing, publicURL: String, clock: any BatonClock) {
        self.signingKeys = signingKeys
        self.publicURL = publicURL
        self.clock = clock
    }

    /// The tenant's signer, loaded before a grant writes anything: a tenant without a usable key answers 503
    /// having created and spent nothing.
    func signer(for tenant: Tenant, store: some SigningKeyStore) async throws -> AccessTokenSigner {
        try await signingKeys.signer(for: tenant.id, store: store)
    }

    /// The answer of a grant, signed by `signer`, issued at `now` (the clock's reading when not given).
    func response(
        tenant: Tenant,
        subject: String,
        audience: [String],
        client: Client,
        scope: [String],
        session: Session?,
        refreshToken: RefreshToken?,
        signer: AccessTokenSigner,
        dpopThumbprint: String? = nil,
        at now: Date? = nil
    ) throws -> TokenResponse {
        let now = now ?? clock.now()
        // The session's lifetime, fixed at its login (without a session, the client's own or the tenant's); never past
        // the end of its session: resource servers verify offline and cannot see that the session ended.
        let ttl = session?.lifetimes(under: tenant.settings).accessTokenTTL ?? client.sessionPolicy.lifetimes(under: tenant.settings).accessTokenTTL
        let lifetime = min(ttl, session?.wholeSecondsLeft(at: now) ?? .max)
        // A session ending within this very second would get an access token expired on issue (exp = iat, expires_in
        // 0): for the client it has ended, and it is told so. A refresh never gets here with such a session (its
        // rotation or grace retry required `Session.refreshableUntil` at `now`), so this refuses only a login.
        guard lifetime > 0 else { throw OAuthError(.invalidGrant, "the session has expired") }
        let claims = AccessTokenClaims(
            issuer: tenant.issuer(publicURL: publicURL),
            subject: subject,
            audience: audience,
            issuedAt: now,
            lifetime: lifetime,
            clientID: client.clientID,
            scope: scope,
            sessionID: session?.id,
            dpopThumbprint: dpopThumbprint
        )
        return TokenResponse(
            accessToken: try signer.sign(claims),
            expiresIn: lifetime,
            refreshToken: refreshToken?.encoded,
            scope: scope,
            dpopBound: dpopThumbprint != nil
        )
    }

    /// The requested scope, which the client must be allowed; the client's whole scope when none is asked for.
    func grantedScope(requested raw: String?, allowed: [String]) throws -> [String] {
        guard let requested = try ScopeList.parse(raw) else { return allowed }
        guard Set(requested).isSubset(of: allowed) else { throw OAuthError(.invalidScope, "scope exceeds what the client may ask for") }
        return requested
    }

    /// The requested audiences must be allowed by the tenant and the client; the default is the tenant's issuer.
    func grantedAudience(requested raw: String?, client: Client, tenant: Tenant) throws -> [String] {
        guard let raw else { return [tenant.issuer(publicURL: publicURL)] }
        let requested = Array(Set(raw.split(separator: " ").map(String.init))).sorted()
        let allowed = Set(tenant.settings.audiences).intersection(client.audiences)
        guard !requested.isEmpty, Set(requested).isSubset(of: allowed) else {
            throw OAuthError(.invalidRequest, "audience is not one this client may ask for")
        }
        return requested
    }
}
