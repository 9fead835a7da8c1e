import Crypto
import Foundation

/// A request's DPoP proof as the HTTP layer hands it over: the `DPoP` header's values and what the proof must
/// name. `path` is the request's path; the URL the proof must name is built from `BATON_PUBLIC_URL`.
public struct DPoPPresentation: Sendable {
    public let headerValues: [String]
    public let method: String
    public let path: String

    public init(headerValues: [String], method: String, path: String) {
        self.headerValues = headerValues
        self.method = method
        self.path = path
    }
}

/// Checks DPoP proofs whole (RFC 9449 §4.3): the proof (`DPoPProof`), the server nonce where one is required
/// (`DPoPNonces`), and that its `jti` was not used before, across instances (`DPoPProofStore`).
public struct DPoPVerifier<Store: DPoPProofStore>: Sendable {
    let store: Store
    let nonces: DPoPNonces
    let publicURL: String
    let clock: any BatonClock

    public init(store: Store, nonces: DPoPNonces, publicURL: String, clock: any BatonClock) {
        self.store = store
        self.nonces = nonces
        self.publicURL = publicURL
        self.clock = clock
    }

    /// The checked proof, or nil when the request carries none. With `requireNonce` (the token and login endpoints),
    /// a proof without this window's or the last window's nonce is `use_dpop_nonce`, with the nonce to use. With
    /// `accessToken`, the proof must carry its hash (`ath`).
    public func verify(
        _ presentation: DPoPPresentation?,
        tenant: Tenant,
        accessToken: String? = nil,
        requireNonce: Bool
    ) async throws -> DPoPProof? {
        guard let presentation, !presentation.headerValues.isEmpty else { return nil }
        guard presentation.headerValues.count == 1, let compact = presentation.headerValues.first else {
            throw OAuthError(.invalidDPoPProof, "DPoP proof: send exactly one DPoP header")
        }
        let now = clock.now()
        let proof = try DPoPProof(
            compact: compact,
            method: presentation.method,
            url: publicURL + presentation.path,
            accessToken: accessToken,
            now: now
        )
        if requireNonce {
            guard let nonce = proof.nonce, nonces.accepts(nonce, tenant: tenant.id, now: now) else {
                throw OAuthError(
                    .useDPoPNonce,
                    "DPoP proof: use the nonce in the DPoP-Nonce header",
                    dpopNonce: nonces.current(tenant: tenant.id, now: now)
                )
            }
        }
        guard
            try await store.recordDPoPProof(
                tenantID: tenant.id,
                replayKey: Self.replayKey(thumbprint: proof.thumbprint, jti: proof.jti),
                expiresAt: proof.issuedAt.addingTimeInterval(DPoPProof.lifetime)
            )
        else { throw OAuthError(.invalidDPoPProof, "DPoP proof: this proof was used before") }
        return proof
    }

    /// The proof of a login or token request (server nonce required), which `client` must send when its tokens
    /// are DPoP-bound (`dpop_bound_access_tokens`); nil when it sent none and need not.
    public func verifyTokenRequest(_ presentation: DPoPPresentation?, tenant: Tenant, client: Client) async throws -> DPoPProof? {
        let proof = try await verify(presentation, tenant: tenant, requireNonce: true)
        guard proof != nil || !client.dpopBoundAccessTokens else {
            throw OAuthError(.invalidDPoPProof, "this client's tokens are DPoP-bound: send a DPoP proof")
        }
        return proof
    }

    /// What identifies a proof for replay: its `jti` under its key, hashed (the key keeps one client's `jti`s
    /// from colliding with another's; the hash keeps the record small and says nothing).
    static func replayKey(thumbprint: String, jti: String) -> Data {
        Data(SHA256.hash(data: Data((thumbprint + " " + jti).utf8)))
    }
}
