import Foundation
import JWTKit
import Crypto
import CryptoExtras

/// Each tenant's signing keys loaded into JWTKit: the active key signs; every published key verifies.
/// Built from the store on first use and dropped whenever the tenant's keys change.
public actor SigningKeyRing {
    struct Entry {
        let keys: JWTKeyCollection
        let activeKID: String
    }

    private let sealer: SecretSealer
    private var entries: [TenantID: Entry] = [:]

    public init(sealer: SecretSealer) { self.sealer = sealer }

    /// Signs `claims` with the tenant's active key, header `typ: at+jwt` and the key's `kid`.
    public func sign(_ claims: AccessTokenClaims, tenantID: TenantID, store: some SigningKeyStore) async throws -> String {
        let entry = try await entry(for: tenantID, store: store)
        var header = JWTHeader()
        header.typ = "at+jwt"
        return try await entry.keys.sign(claims, kid: JWKIdentifier(string: entry.activeKID), header: header)
    }

    public func forget(_ tenantID: TenantID) { entries[tenantID] = nil }

    private func entry(for tenantID: TenantID, store: some SigningKeyStore) async throws -> Entry {
        if let entry = entries[tenantID] { return entry }
        let published = try await store.signingKeys(tenantID: tenantID).filter { $0.state.isPublished }
        guard let active = published.first(where: { $0.state == .active }) else {
            throw BatonError.unavailable("the tenant has no active signing key")
        }
        let keys = JWTKeyCollection()
        for key in published {
            guard let sealed = key.sealedPrivateKey else { continue }
            let raw = try sealer.open(sealed, context: SecretSealer.signingKeyContext(tenantID: tenantID, kid: key.kid))
            let kid = JWKIdentifier(string: key.kid)
            do {
                switch key.algorithm {
                case .es256: await keys.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey(rawRepresentation: raw)), kid: kid)
                case .edDSA: await keys.add(eddsa: EdDSA.PrivateKey(backing: try Curve25519.Signing.PrivateKey(rawRepresentation: raw)), kid: kid)
                case .rs256:
                    await keys.add(rsa: try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(derRepresentation: raw)), digestAlgorithm: .sha256, kid: kid)
                }
            } catch {
                throw BatonError.unavailable("a signing key could not be loaded")
            }
        }
        let entry = Entry(keys: keys, activeKID: active.kid)
        entries[tenantID] = entry
        return entry
    }
}
