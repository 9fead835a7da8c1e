import Crypto
import CryptoExtras
import Foundation
import JWTKit
import Synchronization

/// Each tenant's signing keys: the active key signs (lock-free), every published key verifies (JWTKit).
/// Built from the store on first use and dropped whenever the tenant's keys change.
public final class SigningKeyRing: Sendable {
    struct Entry: Sendable {
        let keys: JWTKeyCollection
        let signer: AccessTokenSigner
        /// The published keys' algorithms by kid: a token's `alg` must be its key's (RFC 8725 §3.1).
        let algorithms: [String: SigningAlgorithm]
    }

    /// Leeway for `nbf` and `iat` between instances' clocks; `exp` gets none.
    public static let clockLeeway: TimeInterval = 30
    static let maxTokenLength = 8_192
    static let allowedHeaderMembers: Set<String> = ["alg", "typ", "kid"]

    private let sealer: SecretSealer
    private let entries = Mutex<[TenantID: Entry]>([:])

    public init(sealer: SecretSealer) { self.sealer = sealer }

    /// Signs `claims` with the tenant's active key, header `typ: at+jwt` and the key's `kid`.
    public func sign(_ claims: AccessTokenClaims, tenantID: TenantID, store: some SigningKeyStore) async throws -> String {
        try await signer(for: tenantID, store: store).sign(claims)
    }

    /// The tenant's active signer, loaded now: a refresh fetches it before rotating, so a tenant without a usable
    /// key answers 503 with the presented token unspent.
    public func signer(for tenantID: TenantID, store: some SigningKeyStore) async throws -> AccessTokenSigner {
        try await entry(for: tenantID, store: store).signer
    }

    public func forget(_ tenantID: TenantID) { entries.withLock { $0[tenantID] = nil } }

    public func forgetAll() { entries.withLock { $0.removeAll() } }

    /// The claims of `token` if it is an access token of this tenant that is valid now: strict compact form,
    /// header of only `alg`, `typ: at+jwt` and a published `kid` whose algorithm is `alg`, no repeated member in
    /// header or payload, a valid signature, the exact issuer, and `exp`/`nbf`/`iat` sane and in range. Nil for anything else, whatever the reason.
    public func verify(_ token: String, tenantID: TenantID, issuer: String, now: Date, store: some SigningKeyStore) async throws -> AccessTokenClaims?
    {
        guard token.utf8.count <= Self.maxTokenLength else { return nil }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, segments.allSatisfy({ !$0.isEmpty && Base64URL.decode(String($0)) != nil }),
            let headerData = Base64URL.decode(String(segments[0])), let payloadData = Base64URL.decode(String(segments[1])),
            // A repeated member is refused before any parser picks one of its values (RFC 8725 §3.11 spirit).
            (try? StrictJSON.check(headerData)) != nil, (try? StrictJSON.check(payloadData)) != nil,
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            Set(header.keys).isSubset(of: Self.allowedHeaderMembers),
            let typ = header["typ"] as? String, ["at+jwt", "application/at+jwt"].contains(typ.lowercased()),
            let alg = header["alg"] as? String, let kid = header["kid"] as? String
        else { return nil }
        let entry = try await entry(for: tenantID, store: store)
        guard let keyAlgorithm = entry.algorithms[kid], keyAlgorithm.rawValue == alg else { return nil }
        guard let claims = try? await entry.keys.verify(token, as: AccessTokenClaims.self) else { return nil }
        // Times outside NumericDate's range (huge, negative, NaN) make the token inactive before anything converts them.
        guard claims.iss.value == issuer, NumericDate.isSane(claims.exp.value), NumericDate.isSane(claims.nbf.value),
            NumericDate.isSane(claims.iat.value), claims.exp.value > now,
            claims.nbf.value <= now.addingTimeInterval(Self.clockLeeway), claims.iat.value <= now.addingTimeInterval(Self.clockLeeway)
        else { return nil }
        return claims
    }

    private func entry(for tenantID: TenantID, store: some SigningKeyStore) async throws -> Entry {
        if let entry = entries.withLock({ $0[tenantID] }) { return entry }
        let published = try await store.signingKeys(tenantID: tenantID).filter { $0.state.isPublished }
        guard let active = published.first(where: { $0.state == .active }) else {
            throw BatonError.unavailable("the tenant has no active signing key")
        }
        let keys = JWTKeyCollection()
        var signer: AccessTokenSigner?
        for key in published {
            guard let sealed = key.sealedPrivateKey else { continue }
            let raw = try sealer.open(sealed, context: SecretSealer.signingKeyContext(tenantID: tenantID, kid: key.kid))
            let kid = JWKIdentifier(string: key.kid)
            if key.state == .active { signer = try AccessTokenSigner(kid: key.kid, algorithm: key.algorithm, rawPrivateKey: raw) }
            do {
                switch key.algorithm {
                case .es256: await keys.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey(rawRepresentation: raw)), kid: kid)
                case .edDSA: await keys.add(eddsa: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: raw)), kid: kid)
                case .rs256:
                    await keys.add(
                        rsa: try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(derRepresentation: raw)),
                        digestAlgorithm: .sha256,
                        kid: kid
                    )
                }
            } catch {
                throw BatonError.unavailable("a signing key could not be loaded")
            }
        }
        guard let signer, signer.kid == active.kid else { throw BatonError.unavailable("the active signing key could not be loaded") }
        let entry = Entry(keys: keys, signer: signer, algorithms: Dictionary(uniqueKeysWithValues: published.map { ($0.kid, $0.algorithm) }))
        entries.withLock { $0[tenantID] = entry }
        return entry
    }
}
